#!/bin/bash
# A postpaid subscriber's monthly quota and concurrent-call limit.  Account
# 1001 may have one call up (max_calls=1) and one minute a month
# (quota_min=1).  While its first call is up, a second call from it is
# refused 403 "call limit reached" and a carrier's call to it 486; the
# first call lasts past the quota and is not cut (next-call semantics).
# Its end adds its answered time to the month's usage (account show), the
# next call is refused 403 "monthly quota exceeded", and once the operator
# raises the quota the account calls again.
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090-5093 (1001) ------> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060 (2 calls)
#   (1001 registered from :5080)       10.10.1.1 | 10.10.2.1 <-- sipua.py :5071 (calls 1001)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/policy-lib.sh"

ACCT=1001@sbc.lab
TALK=62
# the calls carry no media: no RTP timeout cuts the long one; sipp's UAS
# does not answer OPTIONS: no gateway pinging during the long call either
CONF_SED='s/^\(\s*rtp_timeout\) = 30;/\1 = 0;/; s/^\(\s*gateway_ping\) = 30;/\1 = 0;/'

policy_lab_up route
policy_subscriber max_calls=1 quota_min=1

# the carrier answers two calls and waits for the caller's BYE
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 2 -timeout 120s -timeout_error \
	-nostdin -trace_err -error_file "$WORK/gw1.err" >"$WORK/gw1.log" 2>&1 &
UAS_PID[gw1]=$!
CLEANUP_PIDS+=("$!")
udp_bound in_carrier $GW1:5060

# 1. the first call talks for $TALK s: past the one-minute quota
in_access $SUA call $SRV 10.10.1.10:5090 1001 sbc.lab 15551234 \
	--password s3cret --talk $TALK >"$WORK/first.log" 2>&1 &
FIRST=$!
CLEANUP_PIDS+=("$FIRST")
for _ in $(seq 50); do
	[[ $(ctl --json show calls account=$ACCT) == *confirmed* ]] && break
	sleep 0.1
done
[[ $(ctl --json show calls account=$ACCT) == *confirmed* ]] ||
	fail "first call not answered: $(cat "$WORK/first.log")"

# 2. while it is up: a second call from 1001, and a call to it
out=$(in_access $SUA call $SRV 10.10.1.10:5091 1001 sbc.lab 15551234 \
	--password s3cret) && fail "a second concurrent call was admitted"
expect_match "$out" "^SIP/2.0 403 Forbidden: call limit reached" \
	"second call refused 403"
out=$(in_carrier $SUA call 10.10.2.1:5060 $GW1:5071 15550000 carrier.lab \
	1001) && fail "a call to the busy account was admitted"
expect_match "$out" "^SIP/2.0 486 Busy Here: call limit reached" \
	"call to the busy account refused 486"

# 3. the first call is not cut at the quota: the caller hangs up
wait "$FIRST" || fail "first call did not complete: $(tail -n 5 "$WORK/first.log")"
calls_gone
python3 - "$(ctl --json account show $ACCT)" "$(cdr_json 1)" $TALK <<'PY'
import json, sys
acct, cdrs, talk = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
c = cdrs[0]
assert c["reason"].startswith("BYE") and c["side"] == "caller", c
assert c["duration_s"] >= talk - 1, c
# the month's usage is the answered time of that call
assert acct["quota_min"] == 1, acct
assert abs(acct["month_usage_s"] - c["duration_s"]) <= 1, (acct, c)
PY

# 4. the quota is used up: the next call is refused
out=$(in_access $SUA call $SRV 10.10.1.10:5092 1001 sbc.lab 15551234 \
	--password s3cret) && fail "a call over the quota was admitted"
expect_match "$out" "^SIP/2.0 403 Forbidden: monthly quota exceeded" \
	"call over the quota refused 403"

# 5. the operator raises the quota: admitted again (the carrier's 2nd call)
ctl account set $ACCT quota_min=5 >/dev/null
in_access $SUA call $SRV 10.10.1.10:5093 1001 sbc.lab 15551234 \
	--password s3cret >"$WORK/last.log" 2>&1 ||
	fail "call under the raised quota refused: $(cat "$WORK/last.log")"
uas_wait gw1 || fail "carrier: calls did not complete"
calls_gone

python3 - "$(cdr_json 5)" <<'PY'
import json, sys
last, quota, first, busy, limit = json.loads(sys.argv[1])
assert last["reason"].startswith("BYE") and last["answer_ms"] > 0, last
assert quota["reason"] == "quota exceeded" and quota["side"] == "sbc", quota
assert quota["egress"] == "" and quota["answer_ms"] == 0, quota
assert first["reason"].startswith("BYE"), first
assert busy["reason"] == "callee call limit" and busy["ingress"] == "carrier1", busy
assert limit["reason"] == "account call limit", limit
assert limit["ingress"] == "1001@sbc.lab", limit
PY
sbcd_stop
echo ok
