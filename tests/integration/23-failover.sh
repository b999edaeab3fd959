#!/bin/bash
# Failover along the route's gateways: the first answers 503, the call goes
# to the second; then the first stays silent (nothing answers, not even
# 100), and after the attempt timeout (4 s) the call goes to the second.
# The CDR names every gateway tried with its code.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 -+-> gw1 10.10.2.10: 503 / silent
#                                                            +-> gw2 10.10.2.11: answers
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up "$GW1:5060;udp" "$GW2:5060;udp"
in_carrier ip addr add $GW2/24 dev br-c

# 1. 503 from the first gateway.
sipp_uas gw1 $GW1 uas-503.xml 2
sipp_uas gw2 $GW2 uas.xml 2
sipp_uac uac.xml 2 || fail "calls did not fail over on 503"
uas_wait gw1 || fail "gw1 did not get its 503 ACKed"
uas_wait gw2 || fail "gw2 did not get the calls"
calls_gone

# 2. The first gateway swallows everything; it must have seen the INVITE.
silent_peer in_carrier 10.10.2.10 5060 8
sipp_uas gw2 $GW2 uas.xml 1
start=$(date +%s)
sipp_uac uac.xml 1 || fail "call did not fail over on timeout"
uas_wait gw2 || fail "gw2 did not get the call after the timeout"
elapsed=$(($(date +%s) - start))
[ $elapsed -ge 3 ] || fail "failover after ${elapsed}s, before the attempt timeout"
wait $SILENT || true
[ "$(cat "$WORK/silent.out")" -ge 1 ] || fail "the silent gateway never got the INVITE"
calls_gone

python3 - "$(cdr_json 100)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
assert len(cdrs) == 3, cdrs
for c in cdrs[1:]:
    assert c["reason"] == "BYE [503@10.10.2.10:5060;udp,200@10.10.2.11:5060;udp]", c
assert cdrs[0]["reason"] == "BYE [408@10.10.2.10:5060;udp,200@10.10.2.11:5060;udp]", cdrs[0]
for c in cdrs:
    assert c["answer_ms"] > 0 and c["egress"] == "carrier1", c
PY
sbcd_stop
echo ok
