#!/usr/bin/env bash
# Supplied certificates and keys are used as they are: a customer-shaped
# certificate pair made here with strongSwan's real `pki` (a customer CA, a
# valid and an expired host certificate), replayed with real daemons:
#   valid certificates on both sides          -> established
#   hq's certificate expired (made so by pki)  -> certificate_expired
#   hq's config names a certificate it did not send -> a lab stand-in, the
#     output says so, and the tunnel comes up
#   hq's config alone (its peer the exact counterpart, with a lab stand-in
#     trusted through hq's CA): valid -> established, expired -> certificate_expired
# Usage: replay-certs.sh IKELAB   (root; jq, pki)
set -u
ikelab=$1
work=$(mktemp -d /tmp/ikelab-replay-certs.XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
failed=0

# pki logs its plugin loading on stderr.
pki() { /usr/bin/pki "$@" 2>/dev/null; }
ca=$work/ca
mkdir -p "$ca"
pki --gen --type ecdsa --size 256 --outform pem > "$ca/ca.key"
pki --self --ca --lifetime 3650 --in "$ca/ca.key" --dn "C=US, O=Acme Corp, CN=Acme Corp VPN Root" --outform pem > "$ca/ca.crt"
# issue NAME [pki --issue options...]: a host key and its certificate from the customer CA.
issue() {
  local name=$1; shift
  pki --gen --type ecdsa --size 256 --outform pem > "$ca/$name.key"
  pki --pub --in "$ca/$name.key" | pki --issue --cacert "$ca/ca.crt" --cakey "$ca/ca.key" \
    --dn "C=US, O=Acme Corp, CN=$name.acme-corp.example" --san "$name.acme-corp.example" --outform pem "$@" > "$ca/$name.crt"
}
issue hq --lifetime 365
issue branch --lifetime 365
# hq's certificate as a customer's can be: valid in 2020, expired since 2021.
pki --pub --in "$ca/hq.key" | pki --issue --cacert "$ca/ca.crt" --cakey "$ca/ca.key" \
  --dn "C=US, O=Acme Corp, CN=hq.acme-corp.example" --san "hq.acme-corp.example" \
  --not-before "01.01.20 00:00:00" --not-after "01.01.21 00:00:00" --outform pem > "$ca/hq-expired.crt"
pki --print --in "$ca/hq-expired.crt" | grep -q "expired" || { echo "FAIL: pki did not make an expired certificate"; exit 1; }

# gateway DIR OWN PEER OWN_ADDR PEER_ADDR OWN_NET PEER_NET CERT_FILE
gateway() {
  local dir=$1/etc/swanctl own=$2 peer=$3
  mkdir -p "$dir/x509" "$dir/x509ca" "$dir/private"
  cp "$ca/ca.crt" "$dir/x509ca/acme-root.crt"
  cp "$ca/$own.key" "$dir/private/$own.key"
  [ -n "$8" ] && cp "$ca/$8" "$dir/x509/$own.crt"
  cat > "$dir/swanctl.conf" <<EOF
connections {
  acme-$own-$peer {
    version = 2
    local_addrs = $4
    remote_addrs = $5
    proposals = aes256-sha256-ecp256
    local {
      auth = pubkey
      certs = $own.crt
      id = $own.acme-corp.example
    }
    remote {
      auth = pubkey
      id = $peer.acme-corp.example
    }
    children {
      lan {
        local_ts = $6
        remote_ts = $7
        esp_proposals = aes256gcm16-ecp256
      }
    }
  }
}
EOF
}

# run NAME WANT HQ_CERT [NOTE [one]]: replay hq + branch (with "one": hq alone);
# the first failing fault (or none) must be WANT, and the notes must hold NOTE.
run() {
  local name=$1 want=$2 hq_cert=$3 expect_note=${4:-} mode=${5:-both}
  local d=$work/$name
  gateway "$d/hq" hq branch 203.0.113.7 198.51.100.23 172.20.0.0/16 172.30.0.0/16 "$hq_cert"
  gateway "$d/branch" branch hq 198.51.100.23 203.0.113.7 172.30.0.0/16 172.20.0.0/16 branch.crt
  local json got
  if [ "$mode" = one ]; then json=$("$ikelab" replay --json "$d/hq/etc/swanctl" 2>"$d.err")
  else json=$("$ikelab" replay --json "$d/hq/etc/swanctl" "$d/branch/etc/swanctl" 2>"$d.err"); fi
  got=$(jq -r '[.diagnoses[] | select(.fault != "none") | .fault][0] // (if (.diagnoses | length) > 0 then "none" else "no_attempt" end)' <<<"$json" 2>/dev/null || echo error)
  local status=ok
  [ "$got" = "$want" ] || status=FAIL
  if [ -n "$expect_note" ] && ! jq -e --arg n "$expect_note" '[.notes[] | select(contains($n))] | length > 0' <<<"$json" >/dev/null; then
    status=FAIL; got="$got (no note '$expect_note')"
  fi
  # Supplied certificates keep the customer's IDs.
  if [ -n "$hq_cert" ] && ! jq -e '[.substitutions[] | select(.from == "hq.acme-corp.example" and .to == "hq.acme-corp.example")] | length > 0' <<<"$json" >/dev/null; then
    status=FAIL; got="$got (hq's ID was not kept)"
  fi
  [ -s "$d.err" ] && got="$got ($(head -c 200 "$d.err"))"
  printf '%-4s %-22s want %-22s got %s\n' "$status" "$name" "$want" "$got"
  [ $status = ok ] || failed=1
}

run valid-certs none hq.crt "used as it is"
run expired-hq-cert certificate_expired hq-expired.crt "used as it is"
run hq-cert-not-supplied none "" "not supplied: replaced by a lab-issued stand-in"
run one-config-valid none hq.crt "used as it is" one
run one-config-expired certificate_expired hq-expired.crt "used as it is" one
exit $failed
