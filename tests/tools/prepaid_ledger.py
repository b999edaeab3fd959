"""Money checks of the prepaid integration cases (tests/integration/40-42):
the test's own pricing of plan "pre" (tests/integration/prepaid-lib.sh),
exact decimal money to micro-units, the records of an mdb_dump -p listing,
and the ledger invariant over sbcctl --json output (prepaid-lib.sh's
ledger_json): what the accounts had = their balances + the CDR costs.
Integers only: money never goes through floating point here either."""
import json
import math
from decimal import Decimal

# plan "pre": prefix -> price per minute and connect fee (micro-units),
# first and next billing increments (seconds)
RATES = {
    "1555": (600000, 0, 1, 30),
    "1666": (60000, 10000, 1, 1),
    "1777": (600000, 0, 1, 5),
}


def micro(text):
    """"0.046" -> 46000"""
    return int(Decimal(text) * 1000000)


def cost(number, seconds):
    """what a call to NUMBER lasting SECONDS (whole) costs, as rating.c"""
    price, fee, first, nxt = RATES[number[:4]]
    if seconds <= 0:
        return 0
    billed = first if seconds <= first else \
        first + math.ceil((seconds - first) / nxt) * nxt
    return fee + -(-price * billed // 60)


def cdr_cost_ok(cdr):
    """the CDR's cost is its duration's, billed in whole seconds up"""
    ms = cdr["end_ms"] - cdr["answer_ms"]
    return micro(cdr["cost"]) == cost(cdr["callee"], -(-ms // 1000))


def mdb_records(dump):
    """the values of an `mdb_dump -p` listing, decoded as JSON"""
    lines = dump.splitlines()
    body = lines[lines.index("HEADER=END") + 1:lines.index("DATA=END")]
    return [json.loads(v.strip().replace("\\\\", "\\")) for v in body[1::2]]


def check_ledger(led, initial):
    """INITIAL: {account: "balance before the calls"}; LED: ledger_json.
    Balances + the accounts' CDR costs add up exactly; no balance below 0,
    nothing reserved; every debit has its "call" audit record by sbcd,
    with the CDR's cost as amount.  Returns the accounts' CDRs."""
    cdrs = [c for c in led["cdr"] if c["ingress"] in initial]
    final = sum(led[a]["balance"]["balance_micro"] for a in initial)
    spent = sum(micro(c["cost"]) for c in cdrs)
    assert sum(micro(v) for v in initial.values()) == final + spent, \
        (initial, final, cdrs)
    for acct in initial:
        b, audit = led[acct]["balance"], led[acct]["audit"]
        assert b["balance_micro"] >= 0 and b["reserved"] == "0.00", b
        calls = [a for a in audit if a["action"] == "call"]
        assert all(a["who"] == "sbcd" and micro(a["balance_after"]) >= 0
                   for a in calls), audit
        assert sorted(micro(a["amount"]) for a in calls) == \
            sorted(micro(c["cost"]) for c in cdrs
                   if c["ingress"] == acct and micro(c["cost"])), \
            (audit, cdrs)
        if calls:
            assert calls[0]["balance_after"] == b["balance"], (calls, b)
    return cdrs
