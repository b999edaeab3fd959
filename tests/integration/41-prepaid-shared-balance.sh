#!/bin/bash
# Two concurrent calls of one prepaid account share its balance end to
# end.  Balance 0.35: the first call (1777..., 0.01/s billed 1 then 5 by
# 5 s) is granted 31 s and reserves 0.31; the second (1666..., 0.001/s +
# 0.01 connect fee) gets only the 0.04 left: 30 s.  A third call finds
# nothing left (402), and no debit from ctl may take what the calls hold.
# Each call is cut off at its own time (each caller's clock, 200 OK to BYE,
# within one second), the CDRs cost 0.31 and 0.04, the balance ends at
# 0.00 and never went below zero, and balance + costs = 0.35 exactly.
#
#   access ns 10.10.1.10                     sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090 1003 -> 17771234 --\
#   sipua.py :5091 1003 -> 16661234 ---> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060
#   sipua.py :5092 1003 -> 16661234 --/  (402: nothing left)       (answers, waits for BYE)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/prepaid-lib.sh"

# the callers send no media: no RTP timeout before the cut-offs
CONF_SED='s/rtp_timeout = 30;/rtp_timeout = 0;/'
ACCT=1003@sbc.lab
prepaid_lab_up
prepaid_account 1003 0.35
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 2 -timeout 60s -timeout_error \
	-nostdin -trace_err -error_file "$WORK/gw1.err" >"$WORK/gw1.log" 2>&1 &
UAS_PID[gw1]=$!
CLEANUP_PIDS+=("$!")
udp_bound in_carrier $GW1:5060

# 1. the first call takes what its longest affordable duration costs
prepaid_call a 1003 17771234 5090 50
prepaid_answered $ACCT 1
prepaid_call b 1003 16661234 5091 50
prepaid_answered $ACCT 2
PYTHONPATH=$TOP/tests/tools python3 - "$(ctl --json show calls account=$ACCT)" \
	"$(ctl --json account balance $ACCT)" <<'PY'
import json, sys
calls, bal = (json.loads(a) for a in sys.argv[1:])
by = {c["to"]: c for c in calls}
assert by["17771234"]["reserved"] == "0.31", calls
# the second call: only what the first did not reserve
assert by["16661234"]["reserved"] == "0.04", calls
assert 0 <= by["16661234"]["time_left_s"] <= 30, calls
assert 0 <= by["17771234"]["time_left_s"] <= 31, calls
assert bal["balance"] == "0.35" and bal["reserved"] == "0.35" and \
    bal["available"] == "0.00", bal
PY

# 2. nothing left for a third call, nor for a debit from ctl
out=$(in_access $PREPAID_SUA call $SBC_ACCESS:5060 10.10.1.10:5092 1003 \
	sbc.lab 16661234 --password $PREPAID_PW) && fail "a third call was answered"
expect_match "$out" "SIP/2.0 402 Payment Required: insufficient credit" \
	"third call refused 402"
rc=0
err=$(ctl account debit $ACCT 0.01 force=yes 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "debit under live calls: exit $rc: $err"
expect_match "$err" "below the 0.35 its calls in progress have reserved" \
	"debit under live calls refused"

# 3. both cut off at their own time; balance never below zero meanwhile
while kill -0 "${CALLER[a]}" 2>/dev/null || kill -0 "${CALLER[b]}" 2>/dev/null; do
	bal=$(ctl --json account balance $ACCT)
	[[ $bal == *'"balance_micro": '[0-9]* ]] || fail "balance below zero: $bal"
	sleep 0.5
done
wait "${CALLER[a]}" || fail "first call: no BYE: $(tail -n 5 "$WORK/a.log")"
wait "${CALLER[b]}" || fail "second call: no BYE: $(tail -n 5 "$WORK/b.log")"
uas_wait gw1 || fail "carrier: no BYE for both calls"
calls_gone
python3 - "$WORK/a.log" 31 "$WORK/b.log" 30 <<'PY'
import re, sys
for log, want in zip(sys.argv[1::2], sys.argv[2::2]):
    text = open(log).read()
    t200 = float(re.search(r"^time 200 ([\d.]+)$", text, re.M).group(1))
    tbye = float(re.search(r"^time BYE ([\d.]+)$", text, re.M).group(1))
    assert abs(tbye - t200 - int(want)) <= 1, (log, tbye - t200, want)
    print("%s: cut off after %.3f s (granted %s s)" % (log, tbye - t200, want))
PY

# 4. the costs add up to the balance that was there
PYTHONPATH=$TOP/tests/tools python3 - "$(ledger_json $ACCT)" <<'PY'
import json, sys
from prepaid_ledger import check_ledger
led = json.loads(sys.argv[1])
cdrs = check_ledger(led, {"1003@sbc.lab": "0.35"})
answered = {c["callee"]: c for c in cdrs if c["answer_ms"]}
assert len(answered) == 2, cdrs
assert answered["17771234"]["cost"] == "0.31", answered
assert answered["16661234"]["cost"] == "0.04", answered
for c in answered.values():
    assert c["reason"].startswith("credit exhausted") and c["side"] == "sbc", c
refused = [c for c in cdrs if not c["answer_ms"]]
assert len(refused) == 1 and refused[0]["reason"] == "insufficient credit" \
    and refused[0]["cost"] == "0.00", refused
assert led["1003@sbc.lab"]["balance"]["balance"] == "0.00", led
PY
sbcd_stop
echo ok
