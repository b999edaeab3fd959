#!/bin/bash
# Incoming-call policy of a subscriber.  1001 rejects caller 666 and
# accepts only callers 555* and 666: from the carrier, 666 is refused 403
# "caller rejected" (the reject list wins), 777 403 "caller not accepted",
# 5551 reaches 1001.  With in_hours set to a day that is not today (UTC),
# 5551 gets 480 "outside hours"; with every day open it reaches 1001 again,
# and once the accept list is cleared so does 777.
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipp -sn uas :5080 (1001, 3 calls) <- 10.10.1.1 | 10.10.2.1 <-- sipua.py :5071.. (callers)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/policy-lib.sh"

ACCT=1001@sbc.lab
PORT=5070

# from CALLER: a carrier call from CALLER to 1001, from a port of its own
# (an unACKed refusal is still retransmitted to the last one); what came
# back goes to $WORK/call.out, status as sipua's
from() {
	PORT=$((PORT + 1))
	in_carrier $SUA call 10.10.2.1:5060 $GW1:$PORT "$1" carrier.lab 1001 \
		>"$WORK/call.out" 2>&1
}

# refused CALLER STATUS-LINE
refused() {
	from "$1" && fail "call from $1 was admitted"
	expect_match "$(cat "$WORK/call.out")" "^SIP/2.0 $2" "call from $1"
}

# admitted CALLER
admitted() {
	from "$1" || fail "call from $1 refused: $(cat "$WORK/call.out")"
}

policy_lab_up
policy_subscriber in_reject=666 in_accept='555*,666'
subscriber_uas 3 60s

# 1. caller lists
refused 666 "403 Forbidden: caller rejected"
refused 777 "403 Forbidden: caller not accepted"
admitted 5551

# 2. hours, in UTC: a day two days from now is never today during the case
day=$(LC_ALL=C date -u -d '+2 days' +%a)
ctl account set $ACCT "in_hours=$day 00:00-24:00" >/dev/null
refused 5551 "480 Temporarily Unavailable: outside hours"
ctl account set $ACCT 'in_hours=Mon-Sun 00:00-24:00' >/dev/null
admitted 5551

# 3. an empty accept list accepts everyone (but the rejected)
ctl account set $ACCT in_accept= >/dev/null
admitted 777
refused 666 "403 Forbidden: caller rejected"
wait "$SUB" || fail "subscriber did not complete its 3 calls"
calls_gone
[ "$(grep -c '^INVITE sip:1001@' "$WORK/sub.msg")" -eq 3 ] ||
	fail "the subscriber saw $(grep -c '^INVITE sip:1001@' "$WORK/sub.msg") INVITEs, not 3"

python3 - "$(cdr_json 7)" <<'PY'
import json, sys
cdrs = list(reversed(json.loads(sys.argv[1])))
got = [(c["caller"], c["reason"].split(" [")[0]) for c in cdrs]
assert got == [("666", "caller rejected"), ("777", "caller not accepted"),
               ("5551", "BYE"), ("5551", "outside hours"), ("5551", "BYE"),
               ("777", "BYE"), ("666", "caller rejected")], got
for c in cdrs:
    assert c["ingress"] == "carrier1" and c["callee"] == "1001", c
    if c["reason"] != "BYE" and not c["reason"].startswith("BYE"):
        assert c["side"] == "sbc" and c["answer_ms"] == 0, c
PY
sbcd_stop
echo ok
