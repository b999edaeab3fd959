#!/bin/bash
# Basic calls through the B2BUA: the trusted PBX calls, the carrier gateway
# rings and answers, the PBX hangs up.  Both sipp sides must finish every
# call, each call must leave one CDR (answered, reason BYE, side caller),
# and no call may be left in `show calls`.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   (peer pbx, realm access)   leg A       B2BUA       leg B    (peer carrier1)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

N=${N:-20}
call_lab_up
sipp_uas gw1 $GW1 uas.xml $N
sipp_uac uac.xml $N || fail "sipp uac: not every call succeeded"
uas_wait gw1 || fail "sipp uas: not every call succeeded"
calls_gone

python3 - "$(cdr_json 100)" "$N" <<'PY'
import json, sys
cdrs, n = json.loads(sys.argv[1]), int(sys.argv[2])
assert len(cdrs) == n, f"{len(cdrs)} CDRs, want {n}"
for c in cdrs:
    assert c["reason"].startswith("BYE"), c
    assert c["side"] == "caller", c
    assert c["ingress"] == "pbx" and c["egress"] == "carrier1", c
    assert c["callee"] == "15551234" and c["caller"] == "2001", c
    assert c["answer_ms"] > 0, c
ids = [c["id"] for c in cdrs]
assert ids == sorted(ids, reverse=True), "CDRs not newest first"
PY
out=$(ctl show sip)
expect_match "$out" "calls_answered: +$N" "sip counters"
expect_match "$out" "calls_active: +0" "no active call"
sbcd_stop
echo ok
