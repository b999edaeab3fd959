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
traced_call uas-info-message.xml uac-info-message.xml \
	"caller: INFO/MESSAGE not relayed both ways" \
	"carrier: INFO/MESSAGE not relayed both ways"

sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
def one(ms, start):
    found = [m for m in ms if m.startswith(start)]
    assert len(found) == 1, (start, ms)
    head, _, body = found[0].partition("\n\n")
    return head, body.strip()

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
assert_isolated()
print(f"INFO and MESSAGE both ways: {len(uac_in)} and {len(gw_in)} messages, clean")
PY

cdrs_all_bye 1
sbcd_stop
echo ok
