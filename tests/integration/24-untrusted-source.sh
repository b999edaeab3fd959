#!/bin/bash
# An INVITE from an address that is no trusted peer (the attacker on the
# access segment) is refused 403 without a challenge, leaves no call and
# no CDR, and nothing of it reaches the carrier side.  The access realm
# takes no subscribers here (subscribers = false): where it does, such a
# source is challenged instead (28-subscriber-calls.sh).
#
#   attacker ns 10.10.1.66 --> 10.10.1.1:5060 [sbc: sbcd] 10.10.2.1 -/-> carrier 10.10.2.10
#                          <-- 403                                  (tcpdump: no SIP)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

CONF_SED='s/subscribers = true;/subscribers = false;/'
call_lab_up
grep -q "subscribers = false;" "$CONF" || fail "conf: subscribers not found"
in_carrier timeout 20 tcpdump -i br-c -n -U -w "$WORK/carrier.pcap" udp port 5060 \
	>/dev/null 2>&1 &
CLEANUP_PIDS+=("$!")
sleep 1
in_attacker sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/uac-reject.xml" -s 15551234 \
	-i 10.10.1.66 -p 5070 -m 3 -timeout 20s -timeout_error -nostdin \
	-trace_msg -message_file "$WORK/attacker.log" >/dev/null 2>&1 ||
	fail "the attacker's calls were not refused cleanly"
grep -q "SIP/2.0 403 Forbidden" "$WORK/attacker.log" || fail "no 403 for the attacker"
grep -q "WWW-Authenticate\|Proxy-Authenticate" "$WORK/attacker.log" &&
	fail "the attacker was challenged"
sleep 1
pkill_pid=$(in_carrier pgrep -n tcpdump || true)
[ -n "$pkill_pid" ] && kill "$pkill_pid"
sleep 0.5
n=$(tcpdump -r "$WORK/carrier.pcap" -n 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || fail "$n SIP packet(s) reached the carrier side"
[ "$(ctl --json show calls)" = "[]" ] || fail "a call was left"
[ "$(cdr_json)" = "[]" ] || fail "a refused source left a CDR"
expect_match "$(ctl show sip)" "invites_refused: +3" "refusals counted"
sbcd_stop
echo ok
