#!/bin/bash
# Crash safety of prepaid calls: three prepaid calls are up (1001 has two,
# sharing its balance: the first reserves 0.91 of its 1.00, the second the
# 0.09 left; 1002 has one), sbcd checkpoints them (timers.credit_checkpoint
# = 5 s) and is killed with SIGKILL.  Restarted, before it listens it
# settles each call its live record left: one CDR with reason "sbcd
# restart", a debit and an audit record each, and no reservation left.
# Checked: the balances plus the CDR costs are exactly the balances before
# the calls (micro-units), each debit is at least the cost of the seconds
# checkpointed (read from the store with mdb_dump before the restart) and
# at most the cost of the time from the INVITE to the kill (the test's own
# clock), and no balance is below zero.  A second sbcd on the same store
# is refused (it would settle a live sbcd's calls).
#
#   access ns 10.10.1.10                     sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090 1001 -> 15551234 --\
#   sipua.py :5091 1001 -> 16661234 ---> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060
#   sipua.py :5092 1002 -> 15551234 --/    |  SIGKILL, restart     (answers, never hangs up)
#                                          v
#                              $WORK/store  <--- mdb_dump (host)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/prepaid-lib.sh"

# the callers send no media: no RTP timeout while the calls are up
CONF_SED='s/rtp_timeout = 30;/rtp_timeout = 0;/'
prepaid_lab_up
prepaid_account 1001 1.00
prepaid_account 1002 5.00
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 3 -timeout 60s -nostdin \
	>"$WORK/gw1.log" 2>&1 &
CLEANUP_PIDS+=("$!")
udp_bound in_carrier $GW1:5060

# 1. the calls, answered one after the other so the second call of 1001
# is granted what its first left
prepaid_call a 1001 15551234 5090 60
prepaid_answered 1001@sbc.lab 1
prepaid_call b 1001 16661234 5091 60
prepaid_answered 1001@sbc.lab 2
prepaid_call c 1002 15551234 5092 60
prepaid_answered 1002@sbc.lab 1
python3 - "$(ctl --json show calls account=1001@sbc.lab)" \
	"$(ledger_json 1001@sbc.lab 1002@sbc.lab)" <<'PY'
import json, sys
calls, led = (json.loads(a) for a in sys.argv[1:])
assert sorted(c["reserved"] for c in calls) == ["0.09", "0.91"], calls
for acct, res in (("1001@sbc.lab", "1.00"), ("1002@sbc.lab", "4.81")):
    b = led[acct]["balance"]
    assert b["reserved"] == res and b["balance_micro"] > 0, b
assert not [c for c in led["cdr"] if c["ingress"].startswith("100")], led
PY

# 2. past a checkpoint of every call (5 s), then SIGKILL
sleep 7
sbcd_stop KILL
t_dead=$(date +%s.%N)
live=$(mdb_dump -s live_calls -p "$WORK/store")

# 3. restart: the calls are settled before SIP listens
sbcd_start
[ "$(ctl --json show calls)" = "[]" ] || fail "calls after restart: $(ctl show calls)"
after=$(mdb_dump -s live_calls -p "$WORK/store")

PYTHONPATH=$TOP/tests/tools python3 - "$live" "$after" \
	"$(ledger_json 1001@sbc.lab 1002@sbc.lab)" "$t_dead" \
	"${T_START[a]}" "${T_START[b]}" "${T_START[c]}" <<'PY'
import json, math, sys
from prepaid_ledger import check_ledger, cost, mdb_records, micro

live, after = mdb_records(sys.argv[1]), mdb_records(sys.argv[2])
led, t_dead = json.loads(sys.argv[3]), float(sys.argv[4])
start = {("1001@sbc.lab", "15551234"): float(sys.argv[5]),
         ("1001@sbc.lab", "16661234"): float(sys.argv[6]),
         ("1002@sbc.lab", "15551234"): float(sys.argv[7])}
assert after == [], ("live records left", after)
assert len(live) == 3, live
cdrs = check_ledger(led, {"1001@sbc.lab": "1.00", "1002@sbc.lab": "5.00"})
assert len(cdrs) == 3 and all(c["reason"] == "sbcd restart" and
                              c["side"] == "sbc" for c in cdrs), cdrs
for lc in live:
    # checkpointed after the answer, as the billing rounds (up, capped)
    d = lc["checkpoint_ms"] - lc["answer_ms"]
    assert d > 0 and lc["consumed_s"] == min(-(-d // 1000), lc["max_s"]), lc
    key = (lc["account"], lc["callee"])
    cdr = [c for c in cdrs if (c["ingress"], c["callee"]) == key]
    assert len(cdr) == 1, (key, cdrs)
    got = micro(cdr[0]["cost"])
    # at least the checkpoint, at most the INVITE-to-kill time
    low = cost(lc["callee"], lc["consumed_s"])
    high = cost(lc["callee"], math.ceil(t_dead - start[key]))
    assert low <= got <= high and got <= lc["reserved"], \
        (key, low, got, high, lc)
    print("%s -> %s: %d s checkpointed, debit %s (bounds %d..%d)" %
          (key + (lc["consumed_s"], cdr[0]["cost"], low, high)))
for acct, n in (("1001@sbc.lab", 2), ("1002@sbc.lab", 1)):
    notes = [a["note"] for a in led[acct]["audit"] if a["action"] == "call"]
    assert len(notes) == n and all("sbcd restart" in t for t in notes), notes
PY

# 4. the calls of a live sbcd are not a dead one's: a second sbcd on the
# same store is refused before it settles anything
rc=0
out=$(timeout 10 ip netns exec "${LAB_PREFIX:-}sbc" "$B/sbcd" -f -c "$CONF" 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "second sbcd on the store: exit $rc: $out"
expect_match "$out" "in use by another sbcd" "second sbcd refused"
[ "$(cdr_json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 3 ] ||
	fail "CDRs after the second sbcd: $(cdr_json)"
sbcd_stop
echo ok
