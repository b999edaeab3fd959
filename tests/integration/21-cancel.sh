#!/bin/bash
# The caller cancels while the callee rings: the SBC answers the caller's
# CANCEL (200, then 487 to its INVITE), CANCELs leg B, and writes a CDR
# with reason CANCEL from the caller's side, never answered.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#      INVITE ... 180 ... CANCEL             CANCEL --> 200, 487
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

N=5
call_lab_up
sipp_uas gw1 $GW1 uas-ring.xml $N
sipp_uac uac-cancel.xml $N || fail "sipp uac: a cancelled call went wrong"
uas_wait gw1 || fail "sipp uas: leg B was not cancelled properly"
calls_gone

python3 - "$(cdr_json 100)" "$N" <<'PY'
import json, sys
cdrs, n = json.loads(sys.argv[1]), int(sys.argv[2])
assert len(cdrs) == n, f"{len(cdrs)} CDRs, want {n}"
for c in cdrs:
    assert c["reason"].startswith("CANCEL"), c
    assert c["side"] == "caller" and c["answer_ms"] == 0, c
PY
sbcd_stop
echo ok
