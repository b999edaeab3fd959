#!/bin/bash
# A prepaid call is debited whatever ends it from the SBC side.  1. The
# operator kills it (`kill call ID`): both legs get BYE, the CDR says
# "killed by operator" and costs what its duration does, the audit record
# "call" says the same amount.  2. With timers.rtp_timeout = 3 (sbcd
# restarted), a call whose peers send no media is hung up: CDR "rtp
# timeout", debited alike.  Balance + costs = the balance before, exactly,
# and nothing stays reserved.
#
#   access ns 10.10.1.10                   sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090 1004 -> 16661234 --> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060
#   (no media)                          ^ sbcctl kill call        (no media, waits for BYE)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/prepaid-lib.sh"

ACCT=1004@sbc.lab
# part 1 without RTP timeout, part 2 with one of 3 s
CONF_SED='s/rtp_timeout = 30;/rtp_timeout = 0;/'
prepaid_lab_up
prepaid_account 1004 1.00

# uas NAME: the carrier answers one call and waits (bounded) for its BYE
uas() {
	in_carrier sipp -sn uas -i $GW1 -p 5060 -m 1 -timeout 30s \
		-timeout_error -nostdin -trace_err -error_file "$WORK/$1.err" \
		>"$WORK/$1.log" 2>&1 &
	UAS_PID[$1]=$!
	CLEANUP_PIDS+=("$!")
	udp_bound in_carrier $GW1:5060
}

# check_end REASON: the last CDR ended so, priced by its duration, with
# its debit audited
check_end() {
	PYTHONPATH=$TOP/tests/tools python3 - "$1" "$(ledger_json $ACCT)" <<'PY'
import json, sys
from prepaid_ledger import cdr_cost_ok, micro
reason, led = sys.argv[1], json.loads(sys.argv[2])
c, a = led["cdr"][0], led["1004@sbc.lab"]["audit"][0]
assert c["reason"].startswith(reason) and c["side"] == "sbc", c
assert c["answer_ms"] and micro(c["cost"]) > 0 and cdr_cost_ok(c), c
assert a["action"] == "call" and a["who"] == "sbcd", a
assert a["amount"] == c["cost"], (a, c)
assert a["balance_after"] == led["1004@sbc.lab"]["balance"]["balance"], a
print("%s: %d ms, cost %s" % (reason, c["end_ms"] - c["answer_ms"], c["cost"]))
PY
}

# 1. kill call
uas gw1
prepaid_call k 1004 16661234 5090 20
prepaid_answered $ACCT 1
sleep 1.5
id=$(ctl --json show calls account=$ACCT | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["id"])')
ctl kill call "$id" >/dev/null
wait "${CALLER[k]}" || fail "caller: no BYE after kill: $(tail -n 5 "$WORK/k.log")"
uas_wait gw1 || fail "carrier: no BYE after kill"
calls_gone
check_end "killed by operator"

# 2. RTP timeout, sbcd restarted with timers.rtp_timeout = 3
sbcd_stop
sed -i 's/rtp_timeout = 0;/rtp_timeout = 3;/' "$CONF"
grep -q "rtp_timeout = 3;" "$CONF" || fail "rtp_timeout not set"
sbcd_start
uas gw2
prepaid_call r 1004 16661234 5091 20
wait "${CALLER[r]}" || fail "caller: no BYE at RTP timeout: $(tail -n 5 "$WORK/r.log")"
uas_wait gw2 || fail "carrier: no BYE at RTP timeout"
calls_gone
check_end "rtp timeout"

# both debits, exactly
PYTHONPATH=$TOP/tests/tools python3 - "$(ledger_json $ACCT)" <<'PY'
import json, sys
from prepaid_ledger import check_ledger
led = json.loads(sys.argv[1])
cdrs = check_ledger(led, {"1004@sbc.lab": "1.00"})
assert len(cdrs) == 2, cdrs
assert len([a for a in led["1004@sbc.lab"]["audit"] if a["action"] == "call"]) == 2
PY
sbcd_stop
echo ok
