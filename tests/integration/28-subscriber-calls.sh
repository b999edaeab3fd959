#!/bin/bash
# Calls to and from a registered subscriber.  The subscriber calls out
# through the carrier: its INVITE is challenged (407), the authenticated
# INVITE is routed by LCR and the CDR names the account as ingress.  The
# carrier calls the subscriber's number: the INVITE goes to the registered
# contact as request-URI but to the address the REGISTER came from (the
# Contact names a private address, as behind NAT).  A wrong password gets
# 407 then 403 and leaves no call.
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090 (calls, digest) --> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060
#   sipp -sn uas :5080 (registered) <- 10.10.1.1 | 10.10.2.1 <-- sipp uac :5070
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=$SBC_ACCESS:5060

# no trusted PBX here: 10.10.1.10 is the subscriber's phone
lab_up
sbcd_start
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl route add default "$GW1:5060;udp" >/dev/null
ctl account add 1001@sbc.lab password=s3cret realm=access >/dev/null

# 1. the subscriber calls out; sipua answers the 407 with SHA-256.  The
# carrier is sipp's built-in UAS: it accepts the identity the SBC asserts.
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 1 -timeout 30s -timeout_error \
	-nostdin -trace_err -error_file "$WORK/gw1.err" >"$WORK/gw1.log" 2>&1 &
UAS_PID[gw1]=$!
CLEANUP_PIDS+=("$!")
udp_bound in_carrier $GW1:5060
out=$(in_access $SUA call $SRV 10.10.1.10:5090 1001 sbc.lab 15551234 \
	--password s3cret) || fail "subscriber call failed: $out"
expect_match "$out" "^SIP/2.0 407" "call challenged"
expect_match "$out" "Proxy-Authenticate: Digest realm=\"sbc.lab\".*SHA-256" "407 offers SHA-256"
expect_match "$out" "SIP/2.0 200" "call answered"
uas_wait gw1 || fail "carrier: the subscriber's call did not complete"
calls_gone

# 2. a wrong password: 407, then 403, no call and no CDR
out=$(in_access $SUA call $SRV 10.10.1.10:5091 1001 sbc.lab 15551234 \
	--password guess --alg MD5) && fail "wrong password call accepted"
expect_match "$out" "SIP/2.0 403" "wrong password refused"

# 3. the carrier calls the subscriber, registered from :5080 behind "NAT"
in_access $SUA register $SRV 10.10.1.10:5080 1001 sbc.lab --password s3cret \
	--contact "<sip:1001@192.168.1.50:5999>" --expires 120 >/dev/null ||
	fail "REGISTER failed"
in_access sipp -sn uas -i 10.10.1.10 -p 5080 -m 1 \
	-timeout 30s -timeout_error -nostdin -trace_msg \
	-message_file "$WORK/sub.msg" >"$WORK/sub.log" 2>&1 &
SUB=$!
CLEANUP_PIDS+=("$SUB")
udp_bound in_access 10.10.1.10:5080
in_carrier sipp 10.10.2.1:5060 -sf "$SIPP_DIR/uac.xml" -s 1001 \
	-i $GW1 -p 5070 -m 1 -timeout 30s -timeout_error -nostdin \
	-trace_err -error_file "$WORK/carrier-uac.err" >/dev/null 2>&1 ||
	fail "carrier call to the subscriber failed: $(tail -n 20 "$WORK/carrier-uac.err" 2>/dev/null)"
wait "$SUB" || fail "subscriber side did not complete the call"
grep -q "^INVITE sip:1001@192.168.1.50:5999 SIP/2.0" "$WORK/sub.msg" ||
	fail "INVITE not sent to the registered contact: $(grep -m1 '^INVITE' "$WORK/sub.msg")"
calls_gone

python3 - "$(cdr_json 10)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
assert len(cdrs) == 2, cdrs
inbound, outbound = cdrs
assert outbound["ingress"] == "1001@sbc.lab" and outbound["egress"] == "carrier1", outbound
assert outbound["caller"] == "1001" and outbound["callee"] == "15551234", outbound
assert outbound["reason"].startswith("BYE") and outbound["answer_ms"] > 0, outbound
assert inbound["ingress"] == "carrier1" and inbound["egress"] == "1001@sbc.lab", inbound
assert inbound["callee"] == "1001" and inbound["answer_ms"] > 0, inbound
assert inbound["reason"].startswith("BYE"), inbound
PY
sbcd_stop
echo ok
