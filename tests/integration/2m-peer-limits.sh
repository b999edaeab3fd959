#!/bin/bash
# A trusted peer's limits: calls over its max_calls or its max_cps get
# 503 with the limit as reason and a Retry-After, and a call that ends
# gives its place back.
#
#  1. max_calls=2: two calls are up; a third is refused 503 "Peer Call
#     Limit"; once the two have ended, the next call is admitted again
#     (the count of the peer's calls goes down as they end, after a
#     refusal too).
#  2. max_cps=1: four INVITEs within a few milliseconds: at most two of
#     them (one per second) are admitted, the others refused 503 "Peer
#     Call Rate".
#
#   PBX sipp uac 10.10.1.10 --> 10.10.1.1 | sbcd | 10.10.2.1 --> sipp uas 10.10.2.10
#   (peer pbx: max_calls, max_cps)                                (carrier1)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

# pbx_limits ARGS: the PBX peer again, with these limits
pbx_limits() {
	ctl peer del pbx >/dev/null 2>&1 || true
	ctl peer add pbx realm=access cidr=$PBX/32 "$@" >/dev/null ||
		fail "peer add pbx $*"
}

# outcomes TRACE: "ANSWERED LIMIT RATE" of the INVITEs in a uac message
# trace (its messages are separated by lines of dashes)
outcomes() {
	python3 - "$1" <<'PY'
import re, sys
ok = limit = rate = 0
for m in re.split(r"\n-{10,}[^\n]*\n", open(sys.argv[1], errors="replace").read()):
    if not re.search(r"(?im)^CSeq: *1 INVITE", m):
        continue
    ok += bool(re.search(r"(?m)^SIP/2.0 200 ", m))
    limit += bool(re.search(r"(?m)^SIP/2.0 503 Peer Call Limit", m))
    rate += bool(re.search(r"(?m)^SIP/2.0 503 Peer Call Rate", m))
print(ok, limit, rate)
PY
}

lab_up
sbcd_start
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl route add default "$GW1:5060;udp" >/dev/null

# 1. max_calls
pbx_limits max_calls=2
sipp_uas gw1 $GW1 uas.xml 3
in_access sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/uac-limit.xml" -s 15551234 \
	-i "$PBX" -p 5070 -m 2 -l 2 -r 10 -d 5000 -timeout 60s -timeout_error \
	-nostdin -trace_msg -message_file "$WORK/held.msg" >"$WORK/held.log" 2>&1 &
held=$!
CLEANUP_PIDS+=("$held")
for _ in $(seq 100); do
	[ "$(ctl --json show calls | grep -o '"confirmed"' | wc -l)" -eq 2 ] && break
	sleep 0.1
done
[ "$(ctl --json show calls | grep -o '"confirmed"' | wc -l)" -eq 2 ] ||
	fail "two calls not up: $(ctl show calls)"
sipp_uac uac-limit.xml 1 -p 5071 -trace_msg -message_file "$WORK/third.msg" ||
	fail "third call not refused as the scenario expects"
read -r ok limit rate <<<"$(outcomes "$WORK/third.msg")"
[ "$ok $limit $rate" = "0 1 0" ] || fail "third call: $ok answered, $limit limit, $rate rate"
wait "$held" || fail "the two held calls"
read -r ok limit rate <<<"$(outcomes "$WORK/held.msg")"
[ "$ok $limit $rate" = "2 0 0" ] || fail "held calls: $ok answered, $limit limit, $rate rate"
calls_gone
sipp_uac uac-limit.xml 1 -d 100 -trace_msg -message_file "$WORK/after.msg" ||
	fail "the call after the two ended"
read -r ok limit rate <<<"$(outcomes "$WORK/after.msg")"
[ "$ok $limit $rate" = "1 0 0" ] || fail "call after the limit: $ok answered, $limit limit, $rate rate"
uas_wait gw1 || fail "the carrier's side of the three admitted calls"

# 2. max_cps; the window of the second in which part 1's last call came
# must be over, or it would count against the burst
pbx_limits max_cps=1
sleep 1.1
sipp_uas gw1 $GW1 uas.xml 2 -timeout 20s
sipp_uac uac-limit.xml 4 -l 4 -r 1000 -d 100 -trace_msg \
	-message_file "$WORK/burst.msg" || fail "burst of four calls"
read -r ok limit rate <<<"$(outcomes "$WORK/burst.msg")"
[ "$ok" -ge 1 ] && [ "$ok" -le 2 ] && [ "$limit" -eq 0 ] &&
	[ $((ok + rate)) -eq 4 ] ||
	fail "burst: $ok answered, $limit limit, $rate rate"
calls_gone
sbcd_stop
echo ok
