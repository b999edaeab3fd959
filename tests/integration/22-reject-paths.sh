#!/bin/bash
# Final refusals from the only gateway reach the caller as sent: 486 with
# its reason phrase, 503 with its reason phrase and Retry-After (no other
# gateway to fail over to).  A request-URI that is not a number gets 404.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#                        <-- 486 / 503 + Retry-After <-------- refuses
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up

sipp_uas gw1 $GW1 uas-486.xml 2
sipp_uac uac-reject.xml 2 || fail "486 not relayed with its reason"
uas_wait gw1 || fail "gateway did not see its 486 ACKed"

sipp_uas gw1 $GW1 uas-503.xml 2
sipp_uac uac-reject.xml 2 || fail "503 not relayed with reason and Retry-After"
uas_wait gw1 || fail "gateway did not see its 503 ACKed"
calls_gone

python3 - "$(cdr_json 100)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
reasons = sorted(c["reason"].split()[0] for c in cdrs)
assert reasons == ["486", "486", "503", "503"], reasons
for c in cdrs:
    assert c["side"] == "callee" and c["answer_ms"] == 0, c
PY

# Not a number: refused by the SBC itself, nothing sent to a gateway.
in_access sipp "$SBC_ACCESS:5060" -sn uac -s 'bob.smith' -i "$PBX" -p 5070 \
	-m 1 -timeout 10s -nostdin -trace_msg -message_file "$WORK/nan.log" \
	>/dev/null 2>&1 || true
grep -q "SIP/2.0 404 Not Found: not a number" "$WORK/nan.log" ||
	fail "a non-numeric request-URI was not answered 404"
sbcd_stop
echo ok
