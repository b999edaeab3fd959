#!/bin/bash
# INFO and MESSAGE inside an answered call, from both sides.  Each request
# reaches the other side with its body and Content-Type intact (DTMF as
# application/dtmf-relay, RFC 6086 INFO; text/plain MESSAGE, RFC 3428) and
# its answer comes back as the far side gave it (202 to MESSAGE, where the
# SBC itself would say 200); no message on either side carries an address,
# Call-ID or tag of the other.
#
#   access ns                  sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   INFO (Signal=5)     -->                 -->      200
#   200                 <--                 <--      INFO (Signal=#)
#   MESSAGE (text)      -->                 -->      202
#   202                 <--                 <--      MESSAGE (text)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up
sipp_uas gw1 $GW1 uas-info-message.xml 1 -trace_msg -message_file "$WORK/gw1.msg"
sipp_uac uac-info-message.xml 1 -trace_msg -message_file "$WORK/uac.msg" ||
	fail "caller: INFO/MESSAGE not relayed both ways"
uas_wait gw1 || fail "carrier: INFO/MESSAGE not relayed both ways"
calls_gone

python3 - "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
import re, sys

def msgs(path, how):
    text = open(path, errors="replace").read()
    parts = re.split(r"^.*message %s.*$" % how, text, flags=re.M)
    return [re.split(r"\n-{20,}", p, 1)[0].replace("\r\n", "\n").strip()
            for p in parts[1:]]

def ids(ms):
    out = set()
    for m in ms:
        out.update(re.findall(r"(?im)^(?:Call-ID|i):\s*(\S+)", m))
        out.update(re.findall(r"(?i);tag=([^;>\s,]+)", m))
    return out

def one(ms, start):
    found = [m for m in ms if m.startswith(start)]
    assert len(found) == 1, (start, ms)
    head, _, body = found[0].partition("\n\n")
    return head, body.strip()

uac_in, uac_out = msgs(sys.argv[1], "received"), msgs(sys.argv[1], "sent")
gw_in, gw_out = msgs(sys.argv[2], "received"), msgs(sys.argv[2], "sent")
for got, method, ctype, body in (
        (gw_in, "INFO ", "application/dtmf-relay", "Signal=5\nDuration=160"),
        (uac_in, "INFO ", "application/dtmf-relay", "Signal=#\nDuration=250"),
        (gw_in, "MESSAGE ", "text/plain", "hello from the pbx"),
        (uac_in, "MESSAGE ", "text/plain", "hello from the carrier")):
    head, b = one(got, method)
    assert re.search(r"(?im)^Content-Type:\s*%s\s*$" % re.escape(ctype), head), head
    assert b == body, (method, b)
for got in (uac_in, gw_in):
    assert sum(m.startswith("SIP/2.0 202") for m in got) == 1, got
for side, got, foreign, other_ids in (
        ("access", uac_in, "10.10.2.", ids(gw_out)),
        ("carrier", gw_in, "10.10.1.", ids(uac_out))):
    for m in got:
        assert foreign not in m, f"{side} side sees {foreign}x:\n{m}"
        for i in other_ids:
            assert i not in m, f"{side} side sees the other side's id {i}:\n{m}"
print(f"INFO and MESSAGE both ways: {len(uac_in)} and {len(gw_in)} messages, clean")
PY

python3 - "$(cdr_json 1)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
assert len(cdrs) == 1 and cdrs[0]["reason"].startswith("BYE"), cdrs
PY
sbcd_stop
echo ok
