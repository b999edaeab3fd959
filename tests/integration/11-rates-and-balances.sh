#!/bin/bash
# Rates and balances through sbcctl against a running sbcd: a rates file is
# imported with @FILE (read by sbcctl, never by sbcd), a file with bad rows
# is refused as a whole with line numbers, `rates show` picks the longest
# prefix and prices a minute, and credits/debits are exact, audited and
# survive a restart.
#
#   sbcd (ns sbc) <-- UNIX socket <-- sbcctl (host), files in $WORK
. "$(dirname "$0")/lib.sh"

lab_up
sbcd_start

cat >"$WORK/rates.csv" <<'CSV'
plan,prefix,price_per_min,connect_fee,first_incr,next_incr
std,44,0.02,0,60,60
std,4420,0.015,0.01,30,6
std,,0.10,0,1,1
std,800,0,0,1,1
CSV
out=$(ctl rates import "@$WORK/rates.csv")
expect_match "$out" "4" "import counts the rows"

cat >"$WORK/bad.csv" <<'CSV'
plan,prefix,price_per_min,connect_fee,first_incr,next_incr
std,33,0.03,0,60,60
std,abc,0.03,0,60,60
std,34,-1,0,60,60
CSV
if ctl rates import "@$WORK/bad.csv" 2>"$WORK/err"; then
	fail "a rates file with bad rows was accepted"
fi
expect_match "$(cat "$WORK/err")" "line 3" "bad row 3 named"
expect_match "$(cat "$WORK/err")" "line 4" "bad row 4 named"
python3 - "$(ctl --json rates show std)" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
rows = r if isinstance(r, list) else next(v for v in r.values() if isinstance(v, list))
prefixes = sorted(x["prefix"] for x in rows)
assert prefixes == ["44", "4420", "800", "default"], ("half-imported?", prefixes)
PY

json=$(ctl --json rates show std 442071234567)
python3 - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
text = json.dumps(r)
assert "4420" in text, r
PY
if ctl rates import "@$WORK/missing.csv" 2>"$WORK/err2"; then
	fail "a missing file was accepted"
fi
expect_match "$(cat "$WORK/err2")" "missing.csv" "missing file named"

ctl account add alice@sbc.example password=s3cret prepaid=yes balance=10.00 currency=EUR >/dev/null
ctl account credit alice@sbc.example 2.50 note=topup >/dev/null
ctl account debit alice@sbc.example 0.75 >/dev/null
if ctl account debit alice@sbc.example 100 2>/dev/null; then
	fail "a prepaid balance was taken below zero"
fi
out=$(ctl account balance alice@sbc.example)
expect_match "$out" "11\.75" "balance after credit and debit"

sbcd_stop
sbcd_start
out=$(ctl account balance alice@sbc.example)
expect_match "$out" "11\.75" "balance after restart"
json=$(ctl --json account audit alice@sbc.example)
python3 - "$json" <<'PY'
import json, sys
a = json.loads(sys.argv[1])
rows = a if isinstance(a, list) else next(v for v in a.values() if isinstance(v, list))
actions = [r["action"] for r in rows]
assert actions[:2] == ["debit", "credit"], actions
PY
echo ok
