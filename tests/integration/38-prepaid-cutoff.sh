#!/bin/bash
# A prepaid subscriber's call is cut off when its credit runs out.  Balance
# 0.10 at 0.60/min billed 1/1 pays for exactly 10 s: the SBC sends BYE to
# both sides 10 s after the answer, each side's own clock on its messages
# (200 OK -> BYE) must read 10 s within the issue's one second, debits the
# cost in the CDR's transaction (balance 0, CDR cost 0.10, audit record
# "call"), and with nothing left the next call is refused with 402.
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090 (prepaid 1001) ---> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060
#                                                                (waits for BYE)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/prepaid-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=$SBC_ACCESS:5060
ACCT=1001@sbc.lab

# every number 0.60/min, billed 1/1
prepaid_lab_up pre,,0.60,0,1,1
prepaid_account 1001 0.10

# 1. the call: the carrier answers and never hangs up, nor does the caller
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 1 -timeout 40s -timeout_error \
	-nostdin -trace_msg -message_file "$WORK/gw1.msg" \
	>"$WORK/gw1.log" 2>&1 &
UAS_PID[gw1]=$!
CLEANUP_PIDS+=("$!")
udp_bound in_carrier $GW1:5060
prepaid_call caller 1001 15551234 5090 30

# while it is up: show calls --account ID (the issue's spelling; also
# account=ID) has its reservation and time left
for _ in $(seq 50); do
	json=$(ctl --json show calls --account $ACCT)
	[[ $json == *time_left_s\":\ [0-9]* ]] && break
	sleep 0.1
done
python3 - "$json" "$(ctl --json show calls --account=nobody@sbc.lab)" \
	"$(ctl --json account balance $ACCT)" <<'PY'
import json, sys
calls, none, bal = (json.loads(a) for a in sys.argv[1:])
assert len(calls) == 1, calls
c = calls[0]
assert c["ingress"] == "1001@sbc.lab" and c["reserved"] == "0.10", c
assert 0 <= c["time_left_s"] <= 10, c
assert none == [], none
assert bal["reserved"] == "0.10" and bal["available"] == "0.00", bal
PY

wait "${CALLER[caller]}" || fail "caller: no BYE at cut-off: $(tail -n 5 "$WORK/caller.log")"
uas_wait gw1 || fail "carrier: no BYE at cut-off: $(tail -n 20 "$WORK/gw1.log")"
calls_gone

# each side's clock: 200 OK to BYE is 10 s, within one second
python3 - "$WORK/caller.log" "$WORK/gw1.msg" <<'PY'
import re, sys
from datetime import datetime
caller = open(sys.argv[1]).read()
t200 = float(re.search(r"^time 200 ([\d.]+)$", caller, re.M).group(1))
tbye = float(re.search(r"^time BYE ([\d.]+)$", caller, re.M).group(1))
assert abs((tbye - t200) - 10) <= 1, ("caller", tbye - t200)
# sipp -trace_msg: a dashed line with the time, the direction, the message
stamps = {}
for m in re.finditer(r"^-+ (\d{4}-\d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+)\s*\n"
                     r"(?:.*\n){0,3}?(SIP/2.0 200|BYE )", open(sys.argv[2]).read(),
                     re.M):
    t = datetime.strptime(m.group(1).split(".")[0], "%Y-%m-%d %H:%M:%S")
    t = t.timestamp() + float("0." + m.group(1).split(".")[1])
    stamps.setdefault(m.group(2), t)
assert "SIP/2.0 200" in stamps and "BYE " in stamps, stamps
d = stamps["BYE "] - stamps["SIP/2.0 200"]
assert abs(d - 10) <= 1, ("carrier", d)
print("cut-off after %.3f s (caller) and %.3f s (carrier)" % (tbye - t200, d))
PY

# the debit: balance 0.10 - 0.10, CDR cost = debit, audit record
python3 - "$(cdr_json 1)" "$(ctl --json account balance $ACCT)" \
	"$(ctl --json account audit $ACCT 1)" <<'PY'
import json, sys
cdr, bal, audit = (json.loads(a) for a in sys.argv[1:])
c = cdr[0]
assert c["reason"].startswith("credit exhausted") and c["side"] == "sbc", c
assert c["cost"] == "0.10" and c["ingress"] == "1001@sbc.lab", c
assert bal["balance"] == "0.00" and bal["reserved"] == "0.00", bal
a = audit[0]
assert a["action"] == "call" and a["who"] == "sbcd", a
assert a["amount"] == c["cost"] and a["balance_after"] == "0.00", a
PY

# 2. nothing left: refused with 402, no gateway involved
out=$(in_access $SUA call $SRV 10.10.1.10:5091 1001 sbc.lab 15551234 \
	--password s3cret) && fail "a call without credit was answered"
expect_match "$out" "SIP/2.0 402 Payment Required: insufficient credit" \
	"call without credit refused 402"
calls_gone
expect_match "$(cdr_json 1)" "insufficient credit" "refusal in the CDR"
sbcd_stop
echo ok
