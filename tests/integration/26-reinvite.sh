#!/bin/bash
# In-dialog re-INVITE through the B2BUA: the caller puts the call on hold
# (a=sendonly) and resumes it (a=sendrecv); each re-INVITE reaches the
# carrier on leg B, its answer comes back to the caller, and the ACK goes
# through.  The SDP bodies cross unchanged in this slice.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   re-INVITE sendonly -->        relayed on leg B         --> 200 recvonly
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

N=3
call_lab_up
sipp_uas gw1 $GW1 uas-hold.xml $N
sipp_uac uac-hold.xml $N || fail "hold/resume from the caller failed"
uas_wait gw1 || fail "the carrier did not see hold/resume"
calls_gone
python3 - "$(cdr_json 100)" "$N" <<'PY'
import json, sys
cdrs, n = json.loads(sys.argv[1]), int(sys.argv[2])
assert len(cdrs) == n and all(c["reason"].startswith("BYE") for c in cdrs), cdrs
PY
sbcd_stop
echo ok
