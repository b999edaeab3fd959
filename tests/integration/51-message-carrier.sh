#!/bin/bash
# Out-of-dialog MESSAGE between a subscriber and the carrier.  The
# subscriber's MESSAGE to 0015551234 goes through the access realm's dial
# plan (+15551234) and the default route to the carrier gateway, from the
# SBC's carrier address with nothing of the access side in it; the
# carrier's MESSAGE to the subscriber's number reaches its registered
# contact.  A subscriber barred from the number is refused 403, and so is,
# without a challenge, a MESSAGE from a carrier-side address that is no
# trusted peer.
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns
#   sipua.py :5090 (1001, digest) ---> 10.10.1.1 | 10.10.2.1 --> sipua.py 10.10.2.10:5060 (gateway)
#   sipua.py :5080 (1001 registered) <- 10.10.1.1 | 10.10.2.1 <-- sipua.py 10.10.2.10:5070 (trusted)
#                                                             <-- sipua.py 10.10.2.11:5070 (untrusted)
# no OPTIONS pings: the gateway here answers MESSAGE only
CONF_SED='s/gateway_ping = 30/gateway_ping = 0/'
. "$(dirname "$0")/lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
BODY='Your code is 4711'

lab_up
in_carrier ip addr add 10.10.2.11/24 dev br-c
sbcd_start
ctl peer add carrier1 realm=carrier cidr=10.10.2.10/32 >/dev/null
ctl route add default "10.10.2.10:5060;udp" >/dev/null
ctl account add 1001@sbc.lab password=s3cret realm=access >/dev/null

# 1. subscriber -> carrier number, answered by the gateway
in_carrier $SUA listen 10.10.2.1:5060 10.10.2.10:5060 gw carrier --count 1 \
	--timeout 15 >"$WORK/gw.log" 2>&1 &
GW=$!
CLEANUP_PIDS+=("$GW")
udp_bound in_carrier 10.10.2.10:5060
out=$(in_access $SUA message 10.10.1.1:5060 10.10.1.10:5090 1001 sbc.lab \
	0015551234 --password s3cret --body "$BODY") ||
	fail "MESSAGE to the carrier failed: $out"
wait "$GW" || fail "the gateway received nothing: $(cat "$WORK/gw.log")"
expect_match "$out" "^SIP/2.0 200" "gateway's 200 relayed"
python3 - "$(cat "$WORK/gw.log")" "$BODY" <<'PY'
import re, sys
got, body = (a.replace("\r\n", "\n") for a in sys.argv[1:3])
head, _, rbody = got.split("\n----")[0].partition("\n\n")
assert head.startswith("MESSAGE sip:+15551234@10.10.2.10:5060"), head
assert rbody == body, (rbody, body)
assert re.search(r"(?im)^from: *<sip:1001@10\.10\.2\.1>", head), head
assert re.search(r"(?im)^max-forwards: *69$", head), head
# the identity asserted as for a call (callerid.c), no access address
assert re.search(r"(?im)^p-asserted-identity: *<sip:1001@sbc\.lab>$", head), head
assert "10.10.1." not in got, got
PY

# 2. the trusted carrier -> the subscriber's registered contact
in_access $SUA register 10.10.1.1:5060 10.10.1.10:5080 1001 sbc.lab \
	--password s3cret --expires 120 >/dev/null || fail "REGISTER failed"
in_access $SUA listen 10.10.1.1:5060 10.10.1.10:5080 1001 sbc.lab --count 1 \
	--timeout 15 >"$WORK/sub.log" 2>&1 &
SUB=$!
CLEANUP_PIDS+=("$SUB")
udp_bound in_access 10.10.1.10:5080
out=$(in_carrier $SUA message 10.10.2.1:5060 10.10.2.10:5070 15557777 \
	carrier sip:1001@10.10.2.1 --body "$BODY") ||
	fail "carrier MESSAGE to the subscriber failed: $out"
wait "$SUB" || fail "the subscriber received nothing: $(cat "$WORK/sub.log")"
expect_match "$out" "^SIP/2.0 200" "subscriber's 200 relayed"
python3 - "$(cat "$WORK/sub.log")" "$BODY" <<'PY'
import re, sys
got, body = (a.replace("\r\n", "\n") for a in sys.argv[1:3])
head, _, rbody = got.split("\n----")[0].partition("\n\n")
assert head.startswith("MESSAGE sip:1001@10.10.1.10:5080"), head
assert rbody == body, (rbody, body)
assert re.search(r"(?im)^from: *<sip:15557777@10\.10\.1\.1>", head), head
assert "10.10.2." not in got, got
PY

# 3. a subscriber barred from the number: 403, nothing sent
ctl account add 1002@sbc.lab password=s3cret realm=access barred=+1555 \
	>/dev/null
out=$(in_access $SUA message 10.10.1.1:5060 10.10.1.10:5091 1002 sbc.lab \
	0015551234 --password s3cret) && fail "barred MESSAGE accepted: $out"
expect_match "$out" "^SIP/2.0 403 Forbidden: destination barred" \
	"barred destination refused"

# 4. an untrusted source on the carrier realm: 403, no challenge
out=$(in_carrier $SUA message 10.10.2.1:5060 10.10.2.11:5070 666 evil \
	sip:1001@10.10.2.1) && fail "untrusted MESSAGE accepted: $out"
expect_match "$out" "^SIP/2.0 403" "untrusted source refused"
grep -q "^SIP/2.0 407" <<<"$out" && fail "untrusted source was challenged"
sbcd_stop
echo ok
