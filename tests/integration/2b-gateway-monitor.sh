#!/bin/bash
# Gateway monitoring with OPTIONS pings.  The route has two gateways;
# nothing listens on the first, so its probes fail and `show gateways`
# marks it down (two failed rounds; the case pings every 2 s).  Calls then go
# straight to the second gateway: the first receives no INVITE (a capture
# on the carrier side), and the CDR lists it as "down@".  When a gateway
# starts answering OPTIONS on the first address, it comes back up and
# takes the calls again.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 -+-> gw1 10.10.2.10: nothing, later sipp
#                                          OPTIONS every 2 s  +-> gw2 10.10.2.11: sipp (answers OPTIONS)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

CONF_SED='s/gateway_ping = 30;/gateway_ping = 2;/'
GW1T="$GW1:5060;udp"
GW2T="$GW2:5060;udp"
call_lab_up "$GW1T" "$GW2T"
in_carrier ip addr add $GW2/24 dev br-c

# gateway NAME ADDR: sipp answering calls and, with -aa, OPTIONS, until the
# case ends.
gateway() {
	in_carrier sipp -sf "$SIPP_DIR/uas.xml" -i "$2" -p 5060 -aa -nostdin \
		-trace_err -error_file "$WORK/$1.err" >"$WORK/$1.log" 2>&1 &
	CLEANUP_PIDS+=("$!")
	sleep 0.3
}

# gw_state GATEWAY: its state in `show gateways`.
gw_state() {
	ctl --json show gateways | python3 -c '
import json, sys
print(next((g["state"] for g in json.load(sys.stdin)
            if g["gateway"] == sys.argv[1]), "absent"))' "$1"
}

# wait_state GATEWAY STATE SECONDS
wait_state() {
	local i
	for i in $(seq "$3"); do
		[ "$(gw_state "$1")" = "$2" ] && return 0
		sleep 1
	done
	fail "$1 not $2 after $3 s: $(ctl show gateways)"
}

gateway gw2 $GW2
in_carrier tcpdump -i any -n -l -A -s 0 "udp and dst host $GW1 and dst port 5060" \
	>"$WORK/gw1.txt" 2>/dev/null &
CLEANUP_PIDS+=("$!")

wait_state "$GW1T" down 30
[ "$(gw_state "$GW2T")" = up ] || fail "gw2 not up: $(ctl show gateways)"
out=$(ctl show gateways)
expect_match "$out" "10\.10\.2\.10:5060;udp +carrier +down +[0-9]+ +[0-9]+ +[2-9]" \
	"gw1 row (realm, state, last status, change time, failures)"

sipp_uac uac.xml 3 || fail "calls did not go to the second gateway"
calls_gone
grep -q OPTIONS "$WORK/gw1.txt" || fail "the capture saw no OPTIONS to gw1"
! grep -q "INVITE sip" "$WORK/gw1.txt" || fail "gw1 got an INVITE while down"

# gw1 answers OPTIONS again: up after two good rounds, and takes calls.
gateway gw1 $GW1
wait_state "$GW1T" up 30
sipp_uac uac.xml 1 || fail "call to the gateway back up failed"
calls_gone

python3 - "$(cdr_json 10)" "$GW1T" "$GW2T" <<'PY'
import json, sys
cdrs, gw1, gw2 = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
assert len(cdrs) == 4, cdrs
assert cdrs[0]["reason"] == f"BYE [200@{gw1}]", cdrs[0]
for c in cdrs[1:]:
    assert c["reason"] == f"BYE [down@{gw1},200@{gw2}]", c
PY
sbcd_stop
echo ok
