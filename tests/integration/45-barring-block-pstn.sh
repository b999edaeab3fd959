#!/bin/bash
# Barring by destination prefix, the administrative block and the PSTN
# access flag.  Subscriber 1001 has +1900 and +44870 barred: dialled as
# 0019005551234, the number becomes +19005551234 by the access realm's dial
# plan and is refused 403 "destination barred", as is +448701234, while
# 15551234 goes through to the carrier.  Subscriber 1002 has pstn=no: its
# call to 15551234 (routed by LCR) is refused 403 "no PSTN access", its call
# to the registered 1001 works.  Once 1001 is blocked, its calls get 403
# "account blocked", calls to it 403 "callee blocked", its REGISTER 403.
# The access realm answers a prepaid call without credit 403 rather than
# 402 (insufficient_credit_status).
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090.. (1001, 1002) ---> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060 (1 call)
#   sipp -sn uas :5080 (1001 registered) <-- 10.10.1.1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=$SBC_ACCESS:5060
PORT=5090
# the first 'name = "access";' is the realm's (the dataplane port's
# follows); sipp's UAS does not answer OPTIONS: no gateway pinging
CONF_SED='0,/name = "access";/s/^\(\s*\)name = "access";/&\n\1insufficient_credit_status = 403;/; s/gateway_ping = 30;/gateway_ping = 0;/'

# call USER NUMBER: a call from subscriber USER (password s3cret), each
# from a port of its own (an unACKed refusal is still retransmitted to the
# last one); what came back goes to $WORK/call.out, status as sipua's
call() {
	PORT=$((PORT + 1))
	in_access $SUA call $SRV 10.10.1.10:$PORT "$1" sbc.lab "$2" \
		--password s3cret >"$WORK/call.out" 2>&1
}

# refused USER NUMBER STATUS-LINE: the call must be answered STATUS-LINE
refused() {
	call "$1" "$2" && fail "$1 -> $2 was admitted"
	expect_match "$(cat "$WORK/call.out")" "^SIP/2.0 $3" "$1 -> $2"
}

lab_up
grep -q "insufficient_credit_status = 403;" "$CONF" ||
	fail "insufficient_credit_status not set"
sbcd_start
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl route add default "$GW1:5060;udp" >/dev/null
ctl account add 1001@sbc.lab password=s3cret realm=access \
	barred=+1900,+44870 >/dev/null
ctl account add 1002@sbc.lab password=s3cret realm=access pstn=no >/dev/null
printf '%s\n' plan,prefix,price_per_min,connect_fee,first_incr,next_incr \
	pre,,0.60,0,1,1 >"$WORK/rates.csv"
ctl rates import "@$WORK/rates.csv" >/dev/null
ctl account add 1003@sbc.lab password=s3cret realm=access prepaid=yes \
	balance=0.00 rate_plan=pre >/dev/null
in_access $SUA register $SRV 10.10.1.10:5080 1001 sbc.lab --password s3cret \
	--expires 300 >/dev/null || fail "REGISTER failed"
in_access sipp -sn uas -i 10.10.1.10 -p 5080 -m 1 -timeout 30s \
	-timeout_error -nostdin >"$WORK/sub.log" 2>&1 &
SUB=$!
CLEANUP_PIDS+=("$SUB")
# sipp's built-in UAS: it accepts the identity the SBC asserts
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 1 -timeout 30s -timeout_error \
	-nostdin -trace_err -error_file "$WORK/gw1.err" >"$WORK/gw1.log" 2>&1 &
UAS_PID[gw1]=$!
CLEANUP_PIDS+=("$!")
udp_bound in_carrier $GW1:5060

# 1. barring, on the number after the dial plan
refused 1001 0019005551234 "403 Forbidden: destination barred"
refused 1001 +448701234 "403 Forbidden: destination barred"
call 1001 15551234 ||
	fail "1001's allowed call failed: $(cat "$WORK/call.out")"
uas_wait gw1 || fail "carrier: 1001's allowed call did not complete"

# 2. no PSTN access: LCR refused, another subscriber reachable
refused 1002 15551234 "403 Forbidden: no PSTN access"
call 1002 1001 ||
	fail "1002's call to subscriber 1001 failed: $(cat "$WORK/call.out")"
wait "$SUB" || fail "subscriber 1001 did not complete 1002's call"
calls_gone

# 3. blocked: nothing from it, nothing to it, no registration
ctl account set 1001@sbc.lab blocked=yes >/dev/null
[[ $(ctl --json account show 1001@sbc.lab) == *'"blocked": true'* ]] ||
	fail "account show: not blocked: $(ctl account show 1001@sbc.lab)"
refused 1001 15551234 "403 Forbidden: account blocked"
refused 1002 1001 "403 Forbidden: callee blocked"
out=$(in_access $SUA register $SRV 10.10.1.10:5099 1001 sbc.lab \
	--password s3cret) && fail "a blocked account registered"
expect_match "$out" "^SIP/2.0 403" "blocked account's REGISTER refused"

# 4. no credit, in a realm that says 403
refused 1003 15551234 "403 Forbidden: insufficient credit"
calls_gone

python3 - "$(cdr_json 8)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
credit = cdrs.pop(0)
assert credit["reason"] == "insufficient credit", credit
assert credit["ingress"] == "1003@sbc.lab", credit
reasons = [c["reason"].split(" [")[0] for c in reversed(cdrs)]
assert reasons == ["destination barred", "destination barred", "BYE",
                   "no PSTN access", "BYE", "account blocked",
                   "callee blocked"], reasons
barred = cdrs[-1]
assert barred["callee"] == "+19005551234" and barred["egress"] == "", barred
assert barred["ingress"] == "1001@sbc.lab" and barred["side"] == "sbc", barred
sub = cdrs[2]
assert sub["ingress"] == "1002@sbc.lab" and sub["egress"] == "1001@sbc.lab", sub
assert cdrs[0]["ingress"] == "1002@sbc.lab" and cdrs[0]["callee"] == "1001", cdrs[0]
assert cdrs[1]["ingress"] == "1001@sbc.lab", cdrs[1]
PY
sbcd_stop
echo ok
