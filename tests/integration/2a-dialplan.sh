#!/bin/bash
# The access realm's dial plan (conf/sbc.conf: "00" international prefix to
# E.164) runs before routing: a call to 004420... is routed by the "+44"
# route to the second gateway, and the CDR and the carrier see the E.164
# number; a number the plan leaves alone keeps the default route.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.11 (+44 route)
#                                                           \-> sipp uas 10.10.2.10 (default)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up
in_carrier ip addr add $GW2/24 dev br-c
ctl route add +44 "$GW2:5060;udp" >/dev/null

sipp_uas gw2 $GW2 uas.xml 1
sipp_uac uac.xml 1 -s 00442071234567 || fail "call to 0044... failed"
uas_wait gw2 || fail "the +44 gateway did not get the call"

sipp_uas gw1 $GW1 uas.xml 1
sipp_uac uac.xml 1 || fail "call to 15551234 failed"
uas_wait gw1 || fail "the default gateway did not get the call"
calls_gone

python3 - "$(cdr_json 10)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
callees = sorted(c["callee"] for c in cdrs)
assert callees == ["+442071234567", "15551234"], callees
PY
echo ok
