#!/bin/bash
# Out-of-dialog MESSAGE (RFC 3428) between two registered subscribers.
# 1001 sends; its MESSAGE is challenged (407) like an INVITE, then relayed
# to 1002's registered contact with the body intact and nothing of the
# sender (address, port, Call-ID, tag) in what 1002 receives; 1002's answer
# (code and phrase) goes back to 1001.  A MESSAGE to a subscriber who is not
# registered gets 480, to nobody 404, with a body above message.max_body
# 413, with a wrong password 403.
#
#   access ns                               sbc ns (sbcd)
#   sipua.py 10.10.1.11:5090 (1001) --> 10.10.1.1:5060
#   sipua.py 10.10.1.10:5080 (1002) <-- 10.10.1.1:5060   (registered)
. "$(dirname "$0")/lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=10.10.1.1:5060
BODY='Lunch at 12:30? <b>yes</b> & "no" -- 1001'

lab_up
in_access ip addr add 10.10.1.11/24 dev br-a
sbcd_start
for u in 1001 1002 1003; do
	ctl account add $u@sbc.lab password=s3cret realm=access >/dev/null
done
in_access $SUA register $SRV 10.10.1.10:5080 1002 sbc.lab --password s3cret \
	--expires 120 >/dev/null || fail "REGISTER of 1002 failed"

# listen RECV_LOG ANSWER: 1002 answers one MESSAGE with ANSWER, backgrounded
listen() {
	in_access $SUA listen $SRV 10.10.1.10:5080 1002 sbc.lab --count 1 \
		--timeout 15 --answer "$2" >"$1" 2>&1 &
	LISTENER=$!
	CLEANUP_PIDS+=("$LISTENER")
	udp_bound in_access 10.10.1.10:5080
}

# 1. 1001 -> 1002: 407, then relayed; 1002's "200 Answer" comes back
listen "$WORK/recv1.log" 200
out=$(in_access $SUA message $SRV 10.10.1.11:5090 1001 sbc.lab 1002 \
	--password s3cret --body "$BODY") || fail "MESSAGE failed: $out"
wait "$LISTENER" || fail "1002 received nothing: $(cat "$WORK/recv1.log")"
expect_match "$out" "^SIP/2.0 407" "MESSAGE challenged"
expect_match "$out" "^SIP/2.0 200 Answer" "receiver's answer relayed"
python3 - "$out" "$(cat "$WORK/recv1.log")" "$BODY" <<'PY'
import re, sys
sent, got, body = (a.replace("\r\n", "\n") for a in sys.argv[1:4])
head, _, rbody = got.split("\n----")[0].partition("\n\n")
assert head.startswith("MESSAGE sip:1002@10.10.1.10:5080 SIP/2.0"), head
assert rbody == body, (rbody, body)
assert re.search(r"(?im)^content-type: *text/plain", head), head
assert re.search(r"(?im)^from:.*sip:1001@", head), head
call_id = re.search(r"(?im)^call-id: *(\S+)", sent).group(1)
tag = re.search(r"(?im)^from:.*;tag=(\w+)", sent).group(1)
for leak in (call_id, tag, "10.10.1.11", "5090", "Proxy-Authorization"):
    assert leak not in got, ("sender's %s reached the receiver" % leak, got)
PY

# 2. the receiver's refusal goes back with its code and phrase
listen "$WORK/recv2.log" 603
out=$(in_access $SUA message $SRV 10.10.1.11:5090 1001 sbc.lab 1002 \
	--password s3cret) && fail "a refused MESSAGE succeeded: $out"
wait "$LISTENER" || fail "1002 received nothing"
expect_match "$out" "^SIP/2.0 603 Answer" "receiver's 603 relayed"

# 3. an account that is not registered: 480; no such user: 404
out=$(in_access $SUA message $SRV 10.10.1.11:5090 1001 sbc.lab 1003 \
	--password s3cret) && fail "MESSAGE to an unregistered user accepted"
expect_match "$out" "^SIP/2.0 480" "unregistered subscriber"
out=$(in_access $SUA message $SRV 10.10.1.11:5090 1001 sbc.lab nobody \
	--password s3cret) && fail "MESSAGE to nobody accepted"
expect_match "$out" "^SIP/2.0 404" "unknown user"

# 4. a body over message.max_body (1300): 413, nothing relayed
out=$(in_access $SUA message $SRV 10.10.1.11:5090 1001 sbc.lab 1002 \
	--password s3cret --body-size 1301) && fail "a 1301-byte body was relayed"
expect_match "$out" "^SIP/2.0 413" "body too large"

# 5. a wrong password: 407, then 403
out=$(in_access $SUA message $SRV 10.10.1.11:5090 1001 sbc.lab 1002 \
	--password guess --alg MD5) && fail "wrong password accepted"
expect_match "$out" "^SIP/2.0 403" "wrong password refused"
expect_match "$(ctl --json show calls)" '^\[\]$' "a MESSAGE is no call"
sbcd_stop
echo ok
