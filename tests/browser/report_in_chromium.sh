#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian's, installed by
# scripts/setup.sh) loads `ikelab diagnose --html` of captured lab logs, and
# the DOM it ends with is checked: the page's script ran to its end without an
# error (it sets <body data-script="ok">; an uncaught error sets
# data-script-error and Chromium logs it), one diagram per attempt, the failing
# step highlighted, the diagnosis text shown. A screenshot is written as well.
#   report_in_chromium.sh IKELAB INITIATOR_LOG RESPONDER_LOG [SCREENSHOT.png]
set -euo pipefail
ikelab=$1 initiator=$2 responder=$3 shot=${4:-}
browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
  echo "FAIL: chromium is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The report, and (for the expectations) the same diagnoses as JSON.
set +e
"$ikelab" diagnose --html "$work/report.html" "$initiator" "$responder" >/dev/null
rc=$?
"$ikelab" diagnose --json "$initiator" "$responder" >"$work/diagnoses.json"
set -e
[ "$rc" -le 1 ] || { echo "FAIL: ikelab diagnose --html exited $rc" >&2; exit 1; }
attempts=$(jq '.diagnoses | length' "$work/diagnoses.json")
failures=$(jq '[.diagnoses[] | select(.fault != "none")] | length' "$work/diagnoses.json")
summary=$(jq -r '[.diagnoses[] | select(.fault != "none")][0].summary // ""' "$work/diagnoses.json")

# Chromium runs as root here: no sandbox. Its own profile in the work folder.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/chromium.err"
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; fail=1; else echo "ok: $1"; fi; }
dom=$(cat "$work/dom.html")
body=$(grep -o '<body[^>]*>' "$work/dom.html" | head -n 1)
check "the page's script ran to its end" '[[ $body == *data-script=\"ok\"* ]]'
check "no script error in the page" '[[ $body != *data-script-error* ]] && ! grep -q "Uncaught" "$work/chromium.err"'
diagrams=$(grep -o '<svg class="sequence"' "$work/dom.html" | wc -l)
check "one diagram per attempt ($attempts)" '[ "$diagrams" -eq "$attempts" ] && [[ $body == *data-diagrams=\"$attempts\"* ]]'
highlighted=$(grep -o 'class="msg failing' "$work/dom.html" | wc -l)
check "the failing step highlighted in each failed attempt ($failures)" '[ "$highlighted" -eq "$failures" ] && [ "$failures" -ge 1 ]'
# A serialised DOM escapes only &, < and > in text.
check "the diagnosis text is shown" '[ -n "$summary" ] && grep -qF "$(printf "%s" "$summary" | sed "s/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g")" "$work/dom.html"'
check "evidence links point at log lines in the page" '
  for id in $(grep -o "class=\"evidence-link\" href=\"#[^\"]*\"" "$work/dom.html" | sed "s/.*#//; s/\"//"); do
    grep -q "id=\"$id\"" "$work/dom.html" || exit 1; done; grep -q "evidence-link" "$work/dom.html"'

if [ -n "$shot" ]; then
  timeout 120 "$browser" "${flags[@]}" --hide-scrollbars --window-size=900,700 --screenshot="$work/shot.png" \
    "file://$work/report.html" 2>>"$work/chromium.err" >/dev/null
  check "a screenshot was rendered" '[ "$(stat -c %s "$work/shot.png")" -gt 10000 ]'
  cp "$work/shot.png" "$shot"
fi
if [ "$fail" -ne 0 ]; then
  echo "--- chromium stderr (last lines) ---" >&2
  grep -v "dbus" "$work/chromium.err" | tail -n 20 >&2
fi
exit "$fail"
