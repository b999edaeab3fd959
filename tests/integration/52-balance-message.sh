#!/bin/bash
# Prepaid MESSAGE features.  A subscriber who sends the balance keyword to
# the service URI gets 200 and then a MESSAGE with its balance and
# available credit; another body gets how to ask.  With the notices
# switched on: a prepaid call refused for lack of credit brings a MESSAGE
# saying why, and a call whose credit runs out brings a warning
# message.notify_before (3) seconds before the cut-off and a notice at it,
# while a balance asked during the call shows its reservation (the call
# lasts 15 s so that the question surely comes while it is up).
#
#   access ns 10.10.1.10                     sbc ns (sbcd)             carrier ns 10.10.2.10
#   sipua.py :509x (sends, calls) ------> 10.10.1.1 | 10.10.2.1 ----> sipp -sn uas :5060
#   sipua.py :508x (registered, listens) <- 10.10.1.1 (MESSAGEs from sip:balance@sbc.lab)
# the notices on; no OPTIONS pings, which would mark the gateway down
# while no sipp answers them before step 3
CONF_SED='s/notify_refused = "off"/notify_refused = "on"/;s/notify_before = 0/notify_before = 3/;s/notify_cutoff = "off"/notify_cutoff = "on"/;s/gateway_ping = 30/gateway_ping = 0/'
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/prepaid-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=10.10.1.1:5060

# every number 0.60/min, billed 1/1
prepaid_lab_up pre,,0.60,0,1,1
prepaid_account 1001 12.50
prepaid_account 1002 0
# 0.15 at 0.60/min pays for 15 s
prepaid_account 1003 0.15

# subscriber USER PORT COUNT: register USER from PORT and listen there for
# COUNT MESSAGEs, at most 40 s, in the background (log $WORK/USER.log, pid
# LISTENER)
subscriber() {
	in_access $SUA register $SRV 10.10.1.10:$2 $1 sbc.lab \
		--password s3cret --expires 120 >/dev/null ||
		fail "REGISTER of $1 failed"
	in_access $SUA listen $SRV 10.10.1.10:$2 $1 sbc.lab --count $3 \
		--timeout 40 >"$WORK/$1.log" 2>&1 &
	LISTENER=$!
	CLEANUP_PIDS+=("$LISTENER")
	udp_bound in_access 10.10.1.10:$2
}

# bodies USER: the bodies of the MESSAGEs USER received, one per line
bodies() {
	python3 - "$WORK/$1.log" <<'PY'
import sys
for m in open(sys.argv[1]).read().replace("\r\n", "\n").split("\n----\n"):
    if m.startswith("MESSAGE "):
        head, _, body = m.partition("\n\n")
        assert "From: <sip:balance@sbc.lab>" in head, head
        print(body.strip())
PY
}

# 1. the balance, asked in lower case with blanks; then any other body
subscriber 1001 5080 2
out=$(in_access $SUA message $SRV 10.10.1.10:5090 1001 sbc.lab \
	sip:balance@sbc.lab --password s3cret --body "  balance ") ||
	fail "balance query failed: $out"
expect_match "$out" "^SIP/2.0 200" "balance query answered"
out=$(in_access $SUA message $SRV 10.10.1.10:5090 1001 sbc.lab \
	sip:balance@sbc.lab --password s3cret --body "HELP") ||
	fail "second query failed: $out"
wait "$LISTENER" || fail "1001 got no answer: $(cat "$WORK/1001.log")"
got=$(bodies 1001)
expect_match "$got" "^Balance 12\.50 EUR, available 12\.50 EUR\.$" "balance text"
expect_match "$got" "^Send BALANCE to sip:balance@sbc\.lab for your balance\.$" "usage text"

# the service is for subscribers: a trusted peer is refused
out=$(in_carrier $SUA message 10.10.2.1:5060 10.10.2.10:5070 gw carrier \
	sip:balance@sbc.lab --body BALANCE) && fail "a peer asked a balance"
expect_match "$out" "^SIP/2.0 403" "balance service refused to a peer"

# 2. a prepaid call without credit: refused, and the caller is told why
subscriber 1002 5082 1
out=$(in_access $SUA call $SRV 10.10.1.10:5092 1002 sbc.lab 15551234 \
	--password s3cret) && fail "a call without credit was answered"
expect_match "$out" "insufficient credit" "call without credit refused"
wait "$LISTENER" || fail "1002 got no notice: $(cat "$WORK/1002.log")"
expect_match "$(bodies 1002)" \
	"^Call to 15551234 refused: insufficient credit\.$" "refusal notice"

# 3. a call cut off after 15 s: its balance during the call, the warning
# 3 s before the cut-off and the notice at it
subscriber 1003 5084 3
in_carrier sipp -sn uas -i 10.10.2.10 -p 5060 -m 1 -timeout 40s \
	-timeout_error -nostdin >"$WORK/gw.log" 2>&1 &
GW=$!
CLEANUP_PIDS+=("$GW")
udp_bound in_carrier 10.10.2.10:5060
prepaid_call caller 1003 15551234 5093 35
for _ in $(seq 50); do
	[[ $(ctl --json show calls) == *time_left_s\":\ [0-9]* ]] && break
	sleep 0.1
done
out=$(in_access $SUA message $SRV 10.10.1.10:5094 1003 sbc.lab \
	sip:balance@sbc.lab --password s3cret --body BALANCE) ||
	fail "balance query during the call failed: $out"
wait "${CALLER[caller]}" || fail "no cut-off: $(grep -E "^SIP/2.0|^time|timeout" "$WORK/caller.log")"
wait "$GW" || fail "carrier side of the call failed: $(tail -n 5 "$WORK/gw.log")"
wait "$LISTENER" || fail "1003 got $(bodies 1003)"
got=$(bodies 1003)
expect_match "$got" "^Balance 0\.15 EUR, available 0\.00 EUR\.$" "reservation shown"
expect_match "$got" "^Call to 15551234: credit runs out in 3 s\.$" "warning"
expect_match "$got" "^Call to 15551234 cut off: credit exhausted\.$" "cut-off notice"
sbcd_stop
echo ok
