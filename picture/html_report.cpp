#include "picture/html_report.hpp"

#include "picture/sequence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ikelab::picture {
namespace {

constexpr size_t kMaxLogLines = 4000;   // lines of one log shown in full
constexpr std::uint64_t kWholeLogLines = 400;  // longer logs: only the attempt's stretch
constexpr std::uint64_t kContext = 3;          // lines around it
constexpr size_t kMaxPayloadChars = 90;  // payload list under an arrow

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (c < 0x20 && c != '\t') out += "\xEF\xBF\xBD";  // U+FFFD for control characters
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string verdict_class(const std::string& verdict) {
  std::string v;
  for (char c : verdict) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v.empty()) return "none";
  return v;
}

std::string line_anchor(const std::string& case_id, const char* side, std::uint64_t line) {
  return fmt::format("{}-{}-L{}", case_id, side, line);
}

// Which column's log an evidence file is ("left", "right", or nullptr).
const char* side_of(const CaseView& c, const std::string& file) {
  if (c.left_log && c.left_log->name == file) return "left";
  if (c.right_log && c.right_log->name == file) return "right";
  return nullptr;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string payload_text(const LogMessage& m) {
  std::string p = join(m.payloads, " ");
  if (p.size() > kMaxPayloadChars) p = p.substr(0, kMaxPayloadChars - 1) + "…";
  return p;
}

bool attempt_failed(const CaseView& c) {
  if (!c.verdict.empty() && c.outcome == "established") return false;
  return std::any_of(c.diagnoses.begin(), c.diagnoses.end(), [](const auto& d) { return d.fault != "none"; });
}

std::string render_svg(const CaseView& c, const std::string& id, Sequence& seq, ReceiverLogs complete) {
  constexpr int width = 780, left_x = 190, right_x = 650, top = 62, row = 54;
  const int height = top + static_cast<int>(std::max<size_t>(seq.arrows.size(), 1)) * row + 20;
  std::string s = fmt::format(
      R"(<svg class="sequence" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="sequence diagram of {2}">)"
      "\n",
      width, height, esc(c.title));
  // A host box: its role on the first line, what runs there ("(charon strongswan-5.9.8)") on the second.
  auto host_box = [&](int x, const std::string& label) {
    auto cut = label.find(" (");
    std::string first = label.substr(0, cut), second = cut == std::string::npos ? "" : label.substr(cut + 1);
    std::string box = fmt::format(R"(<rect class="host" x="{}" y="4" width="236" height="40" rx="4"/><text class="host" x="{}" y="{}">{}</text>)",
                                  x - 118, x, second.empty() ? 29 : 21, esc(first));
    if (!second.empty()) box += fmt::format(R"(<text class="hostsub" x="{}" y="37">{}</text>)", x, esc(second));
    return box;
  };
  s += host_box(left_x, c.left_label);
  s += host_box(right_x, c.right_label);
  s += fmt::format(R"(<line class="lifeline" x1="{0}" y1="44" x2="{0}" y2="{2}"/><line class="lifeline" x1="{1}" y1="44" x2="{1}" y2="{2}"/>)",
                   left_x, right_x, height - 8);
  s += "\n";
  if (seq.arrows.empty())
    s += fmt::format(R"(<text class="empty" x="{}" y="{}">no IKE message in the log(s)</text>)", (left_x + right_x) / 2,
                     top + 20);
  for (size_t k = 0; k < seq.arrows.size(); ++k) {
    const Arrow& a = seq.arrows[k];
    const LogMessage& m = a.any();
    const int y = top + static_cast<int>(k) * row + 30;
    const int x1 = a.left_to_right ? left_x : right_x, x2 = a.left_to_right ? right_x : left_x;
    const bool sender_left = a.left_to_right;
    // Missing from a log that shows every message (charon's): drawn dashed.
    // pluto logs only some of what it receives, so its silence says nothing.
    const bool unseen_by_receiver = !a.at_receiver && (sender_left ? complete.right_complete : complete.left_complete);
    const bool unseen_by_sender = !a.at_sender && (sender_left ? complete.left_complete : complete.right_complete);
    std::string cls = "msg";
    if (a.failing) cls += " failing";
    if (unseen_by_receiver || unseen_by_sender) cls += " unseen";
    // The arrow links to the line of the log on the side that has one (sender first).
    const char* link_side = a.at_sender ? (sender_left ? "left" : "right") : (sender_left ? "right" : "left");
    std::string title = fmt::format("{} {}{}", m.exchange, m.kind, m.message_id >= 0 ? fmt::format(" {}", m.message_id) : "");
    std::string tip;
    if (a.at_sender) tip += fmt::format("sender, line {}: {}\n", a.at_sender->line, a.at_sender->text);
    if (a.at_receiver) tip += fmt::format("receiver, line {}: {}\n", a.at_receiver->line, a.at_receiver->text);
    if (unseen_by_receiver) tip += "not in the receiver's log (lost, dropped or not logged)\n";
    if (unseen_by_sender) tip += "only in the receiver's log\n";
    s += fmt::format(R"(<a href="#{}" class="{}" data-step="{}"><title>{}</title>)", line_anchor(id, link_side, m.line), cls, k,
                     esc(tip));
    s += fmt::format(R"(<rect class="hit" x="{}" y="{}" width="{}" height="{}"/>)", left_x - 150, y - 26, right_x - left_x + 300,
                     row - 4);
    const int tip_x = x2 + (a.left_to_right ? -10 : 10);
    s += fmt::format(R"(<line class="arrow" x1="{}" y1="{}" x2="{}" y2="{}"/>)", x1, y, tip_x, y);
    s += fmt::format(R"(<polygon class="head" points="{},{} {},{} {},{}"/>)", x2, y, tip_x, y - 5, tip_x, y + 5);
    if (unseen_by_receiver)
      s += fmt::format(R"(<text class="lost" x="{}" y="{}">✕</text>)", x2 + (a.left_to_right ? 8 : -8), y + 5);
    s += fmt::format(R"(<text class="label" x="{}" y="{}">{}</text>)", (left_x + right_x) / 2, y - 8, esc(title));
    s += fmt::format(R"(<text class="payloads" x="{}" y="{}">{}</text>)", (left_x + right_x) / 2, y + 18, esc(payload_text(m)));
    // As precise as the log's time stamps: charon's are whole seconds, pluto's microseconds.
    const bool fine = m.time.find('.') != std::string::npos;
    std::string when = a.offset < 0 ? "" : fine ? fmt::format("+{:.3f} s", a.offset) : fmt::format("+{:.0f} s", a.offset);
    s += fmt::format(R"(<text class="time" x="6" y="{}">{}</text>)", y + 4, esc(when));
    if (a.failing)
      s += fmt::format(R"(<text class="failmark" x="{}" y="{}">failing step</text>)", right_x + 12 > width - 80 ? width - 78 : right_x + 12,
                       y - 8);
    s += "</a>\n";
  }
  s += "</svg>\n";
  return s;
}

std::string render_diagnoses(const CaseView& c, const std::string& id) {
  std::string s;
  if (c.diagnoses.empty()) return "<p class=\"diagnosis none\">The diagnoser found no IKE connection attempt in the log(s).</p>\n";
  for (const auto& d : c.diagnoses) {
    s += fmt::format(R"(<div class="diagnosis fault-{}" data-fault="{}">)", d.fault == "none" ? "none" : "some", esc(d.fault));
    s += fmt::format("<p><b class=\"fault\">{}</b> <span class=\"meta\">phase {} · {} · IKEv{} · confidence {}</span></p>",
                     esc(d.fault), d.phase, esc(diag::to_string(d.role)), d.ike_version, esc(d.confidence));
    if (!d.summary.empty()) s += fmt::format("<p class=\"summary\">{}</p>", esc(d.summary));
    if (!d.fix.empty()) s += fmt::format("<p class=\"fix\"><b>Fix:</b> {}</p>", esc(d.fix));
    if (!d.candidates.empty()) s += fmt::format("<p class=\"candidates\">Also possible: {}</p>", esc(join(d.candidates, ", ")));
    if (!d.evidence.empty()) {
      s += "<ul class=\"evidence\">";
      for (const auto& e : d.evidence) {
        const char* side = side_of(c, e.file);
        if (side)
          s += fmt::format(R"(<li><a class="evidence-link" href="#{}">{}:{}</a> <code>{}</code></li>)", line_anchor(id, side, e.line),
                           esc(e.file), e.line, esc(e.text));
        else
          s += fmt::format("<li>{}:{} <code>{}</code></li>", esc(e.file), e.line, esc(e.text));
      }
      s += "</ul>";
    }
    s += "</div>\n";
  }
  return s;
}

std::string render_log(const LogView& log, const std::string& id, const char* side, const std::set<std::uint64_t>& marked) {
  std::uint64_t total = 0;
  for (char ch : log.text) total += ch == '\n';
  if (!log.text.empty() && log.text.back() != '\n') ++total;
  // A long log (a customer's syslog) shows the stretch the diagram and the
  // evidence refer to, not the whole file once per attempt.
  std::uint64_t lo = 1, hi = total;
  if (total > kWholeLogLines && !marked.empty()) {
    lo = *marked.begin() > kContext ? *marked.begin() - kContext : 1;
    hi = *marked.rbegin() + kContext;
  }
  std::string s = fmt::format(R"(<details class="log"><summary>{}{}</summary><pre>)", esc(log.name),
                              lo > 1 || hi < total ? fmt::format(" (lines {}–{} of {})", lo, std::min(hi, total), total) : "");
  std::uint64_t number = 0;
  size_t pos = 0;
  while (pos < log.text.size()) {
    size_t end = log.text.find('\n', pos);
    if (end == std::string::npos) end = log.text.size();
    ++number;
    std::string_view line(log.text.data() + pos, end - pos);
    pos = end + 1;
    if (number < lo || number > hi) continue;
    // Past the cap only the lines the diagram or the evidence point at.
    if (number - lo >= kMaxLogLines && !marked.count(number)) continue;
    if (line.size() > 2048) line = line.substr(0, 2048);
    s += fmt::format(R"(<span id="{}" class="line{}"><i>{}</i>{}</span>)", line_anchor(id, side, number),
                     marked.count(number) ? " marked" : "", number, esc(line));
    s += "\n";
  }
  if (hi - lo >= kMaxLogLines) s += fmt::format("(past {} lines only the lines referred to above)\n", kMaxLogLines);
  s += "</pre></details>\n";
  return s;
}

std::string case_id(size_t index) { return fmt::format("case-{}", index + 1); }

std::string render_case(const CaseView& c, size_t index) {
  const std::string id = case_id(index);
  Sequence seq = merge_messages(c.left, c.right);
  // charon logs every message it parsed; a column with charon lines is complete.
  auto complete = [](const std::vector<LogMessage>& messages) {
    return std::any_of(messages.begin(), messages.end(), [](const auto& m) { return m.daemon == "charon"; });
  };
  const ReceiverLogs logs_complete{complete(c.left), complete(c.right)};
  auto failing = mark_failing_step(seq, attempt_failed(c), logs_complete);
  std::string s = fmt::format(R"(<section class="case verdict-{}" id="{}" data-title="{}">)", verdict_class(c.verdict), id, esc(c.title));
  s += fmt::format("<h2>{}", esc(c.title));
  if (!c.verdict.empty()) s += fmt::format(R"( <span class="badge verdict-{}">{}</span>)", verdict_class(c.verdict), esc(c.verdict));
  s += "</h2>\n";
  std::vector<std::string> facts;
  if (!c.daemon_pair.empty()) facts.push_back(esc(c.daemon_pair));
  if (!c.outcome.empty()) facts.push_back("outcome " + esc(c.outcome));
  if (failing) facts.push_back(fmt::format("failing step: {} {}", esc(seq.arrows[*failing].any().exchange), esc(seq.arrows[*failing].any().kind)));
  if (!facts.empty()) s += "<p class=\"facts\">" + join(facts, " · ") + "</p>\n";
  if (!c.detail.empty()) s += fmt::format("<pre class=\"detail\">{}</pre>\n", esc(c.detail));
  s += render_svg(c, id, seq, logs_complete);
  s += render_diagnoses(c, id);
  std::set<std::uint64_t> left_marked, right_marked;
  for (const auto& a : seq.arrows) {
    if (a.at_sender) (a.left_to_right ? left_marked : right_marked).insert(a.at_sender->line);
    if (a.at_receiver) (a.left_to_right ? right_marked : left_marked).insert(a.at_receiver->line);
  }
  for (const auto& d : c.diagnoses)
    for (const auto& e : d.evidence) {
      const char* side = side_of(c, e.file);
      if (side) (std::string_view(side) == "left" ? left_marked : right_marked).insert(e.line);
    }
  if (c.left_log) s += render_log(*c.left_log, id, "left", left_marked);
  if (c.right_log) s += render_log(*c.right_log, id, "right", right_marked);
  s += "</section>\n";
  return s;
}

std::string first_fault(const CaseView& c) {
  for (const auto& d : c.diagnoses)
    if (d.fault != "none") return d.fault;
  return c.diagnoses.empty() ? "(no attempt)" : "none";
}

std::string render_summary(const Report& r) {
  std::string s = R"(<table class="summary"><thead><tr><th>case</th>)";
  const bool lab = std::any_of(r.cases.begin(), r.cases.end(), [](const auto& c) { return !c.verdict.empty(); });
  if (lab) s += "<th>outcome</th><th>verdict</th>";
  s += "<th>diagnosis</th><th>summary</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < r.cases.size(); ++i) {
    const auto& c = r.cases[i];
    s += fmt::format(R"(<tr class="verdict-{}"><td><a href="#{}">{}</a></td>)", verdict_class(c.verdict), case_id(i), esc(c.title));
    if (lab) s += fmt::format(R"(<td>{}</td><td class="v">{}</td>)", esc(c.outcome), esc(c.verdict));
    std::string summary;
    for (const auto& d : c.diagnoses)
      if (d.fault != "none" || c.diagnoses.size() == 1) {
        summary = d.summary;
        break;
      }
    s += fmt::format("<td>{}</td><td>{}</td></tr>\n", esc(first_fault(c)), esc(summary));
  }
  s += "</tbody></table>\n";
  return s;
}

// Rows: the scenarios' fault ids; columns: IKE version × daemon pair; each
// cell one square per case, coloured by its verdict, linking to the case.
std::string render_matrix(const Report& r) {
  std::vector<std::string> rows;
  std::vector<std::pair<int, std::string>> columns;
  std::map<std::pair<std::string, std::pair<int, std::string>>, std::vector<size_t>> cells;
  for (size_t i = 0; i < r.cases.size(); ++i) {
    const auto& c = r.cases[i];
    std::string row = c.fault.empty() ? "none" : c.fault;
    std::pair<int, std::string> col{c.ike_version, c.daemon_pair};
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
    if (std::find(columns.begin(), columns.end(), col) == columns.end()) columns.push_back(col);
    cells[{row, col}].push_back(i);
  }
  std::sort(rows.begin(), rows.end());
  std::sort(columns.begin(), columns.end());
  std::string s = R"(<table class="matrix"><thead><tr><th>fault</th>)";
  for (const auto& [version, daemons] : columns)
    s += fmt::format("<th>IKEv{}<br><small>{}</small></th>", version, esc(daemons));
  s += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    s += fmt::format("<tr><th>{}</th>", esc(row));
    for (const auto& col : columns) {
      s += "<td>";
      for (size_t i : cells[{row, col}])
        s += fmt::format(R"(<a class="cell verdict-{}" href="#{}" title="{}: {}"></a>)", verdict_class(r.cases[i].verdict),
                         case_id(i), esc(r.cases[i].title), esc(r.cases[i].verdict));
      s += "</td>";
    }
    s += "</tr>\n";
  }
  s += "</tbody></table>\n";
  return s;
}

constexpr const char* kStyle = R"CSS(
body{font:14px/1.4 system-ui,"DejaVu Sans",sans-serif;margin:0 24px 40px;color:#1d232a;background:#fafbfc}
h1{font-size:22px;margin:18px 0 2px}h2{font-size:17px;margin:0 0 6px}
.sub{color:#57606a;margin:0 0 14px}
table{border-collapse:collapse;margin:8px 0 18px;background:#fff}
td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
thead th{background:#f0f3f6}
tr.verdict-fail td.v,tr.verdict-error td.v{color:#b42318;font-weight:600}
tr.verdict-pass td.v{color:#1a7f37;font-weight:600}
table.matrix td{min-width:60px}
a.cell{display:inline-block;width:14px;height:14px;margin:1px;border-radius:2px;background:#8c959f}
.verdict-pass.cell,.badge.verdict-pass{background:#2da44e}.verdict-fail.cell,.badge.verdict-fail{background:#cf222e}
.verdict-error.cell,.badge.verdict-error{background:#9a6700}.verdict-xfail.cell,.badge.verdict-xfail{background:#bf8700}
.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;vertical-align:middle;background:#57606a}
section.case{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:14px 0}
section.case:target{outline:3px solid #0969da}
.facts{color:#57606a;margin:0 0 6px}
.diagnosis{border-left:4px solid #cf222e;padding:2px 10px;margin:6px 0;background:#fff8f7}
.diagnosis.fault-none{border-color:#2da44e;background:#f6fff8}
.diagnosis p{margin:3px 0}.fault{font-size:15px}.meta{color:#57606a}
ul.evidence{margin:4px 0;padding-left:18px}ul.evidence code{font-size:12px;white-space:pre-wrap;word-break:break-all}
pre.detail{background:#f6f8fa;padding:6px;white-space:pre-wrap}
svg.sequence{display:block;margin:8px 0;max-width:100%;height:auto;font-family:"DejaVu Sans Mono",monospace}
svg rect.host{fill:#ddf4ff;stroke:#0969da}svg text.host{text-anchor:middle;font-size:13px;font-weight:600}
svg text.hostsub{text-anchor:middle;font-size:11px;fill:#57606a}
svg line.lifeline{stroke:#8c959f;stroke-dasharray:4 4}
svg rect.hit{fill:transparent}svg a:hover rect.hit,svg a.active rect.hit{fill:#f0f6ff}
svg line.arrow{stroke:#24292f;stroke-width:1.5}svg polygon.head{fill:#24292f}
svg .unseen line.arrow{stroke-dasharray:6 4;stroke:#8c959f}svg .unseen polygon.head{fill:#8c959f}
svg .failing line.arrow{stroke:#cf222e;stroke-width:3}svg .failing polygon.head{fill:#cf222e}
svg .failing rect.hit{fill:#fff0ee}
svg text.label{text-anchor:middle;font-size:12px;font-weight:600}
svg text.payloads{text-anchor:middle;font-size:11px;fill:#57606a}
svg .failing text.label,svg text.failmark{fill:#cf222e}svg text.failmark{font-size:12px;font-weight:700}
svg text.time{font-size:11px;fill:#57606a}svg text.lost{fill:#cf222e;font-size:14px;text-anchor:middle}
svg text.empty{text-anchor:middle;fill:#57606a}
details.log summary{cursor:pointer;color:#0969da}
details.log pre{font-size:11.5px;max-height:420px;overflow:auto;background:#f6f8fa;padding:6px;margin:4px 0}
details.log span.line{display:block}details.log i{display:inline-block;width:4.5em;color:#8c959f;font-style:normal}
span.line.marked{background:#fff8c5}span.line:target,span.line.active{background:#ffd8a8}
#filter{margin:4px 0;padding:3px 6px;width:260px}
)CSS";

// Links into a closed <details> open it; the summary filter hides rows; the
// body says the script ran (data-script="ok", data-diagrams=N).
constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  window.addEventListener('error', function (e) { document.body.setAttribute('data-script-error', String(e.message)); });
  function reveal(id) {
    var target = document.getElementById(id);
    if (!target) return;
    var d = target.closest('details');
    if (d) d.open = true;
    document.querySelectorAll('.active').forEach(function (el) { el.classList.remove('active'); });
    target.classList.add('active');
    target.scrollIntoView({block: 'center'});
  }
  document.querySelectorAll('a[href^="#"]').forEach(function (a) {
    a.addEventListener('click', function (ev) {
      var id = (a.getAttribute('href') || '').slice(1);
      if (!document.getElementById(id)) return;
      ev.preventDefault();
      history.replaceState(null, '', '#' + id);
      if (a.closest('svg')) { document.querySelectorAll('svg a.active').forEach(function (x) { x.classList.remove('active'); }); a.classList.add('active'); }
      reveal(id);
    });
  });
  var filter = document.getElementById('filter');
  if (filter) filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll('table.summary tbody tr').forEach(function (tr) {
      tr.style.display = tr.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
    });
  });
  if (location.hash.length > 1) reveal(location.hash.slice(1));
  var diagrams = document.querySelectorAll('section.case svg.sequence').length;
  var failing = document.querySelectorAll('svg.sequence a.failing').length;
  document.body.setAttribute('data-diagrams', String(diagrams));
  document.body.setAttribute('data-failing-steps', String(failing));
  document.body.setAttribute('data-script', 'ok');
})();
)JS";

}  // namespace

std::string render_html(const Report& r) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  s += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  s += fmt::format("<title>{}</title>\n<style>{}</style></head>\n<body>\n", esc(r.title), kStyle);
  s += fmt::format("<h1>{}</h1>\n<p class=\"sub\">{}</p>\n", esc(r.title), esc(r.subtitle));
  if (r.matrix && !r.cases.empty()) s += "<h2>Matrix</h2>\n" + render_matrix(r);
  s += "<h2>Summary</h2>\n<input id=\"filter\" type=\"search\" placeholder=\"filter the table\">\n";
  s += render_summary(r);
  for (size_t i = 0; i < r.cases.size(); ++i) s += render_case(r.cases[i], i);
  s += fmt::format("<script>{}</script>\n</body></html>\n", kScript);
  return s;
}

}  // namespace ikelab::picture
