#!/bin/bash
# make demo: start the lab, run sbcd and sbc-dataplane in its sbc namespace
# with the shipped conf/sbc.conf, place three calls with RTP both ways
# between the PBX (access side) and the carrier, and show the calls with
# their per-stream packet counts, the CDRs and the media in use.  Everything is
# stopped and removed at the end unless KEEP=1.
#
#   access 10.10.1.10 ---+--- sig-access 10.10.1.1  [sbcd]           sig-carrier 10.10.2.1 ---+--- carrier 10.10.2.10
#                        +--- dp-access  (10.10.1.2) [sbc-dataplane] dp-carrier (10.10.2.2) ---+
#
# usage: tests/lab/demo.sh [BUILD]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$(realpath "${1:-$TOP/build}")
CONF=$TOP/conf/sbc.conf
LAB=$TOP/tests/lab/lab.sh
DPLOG=/tmp/sbc-demo-dataplane.log
DPPID=

stop() {
	[ -n "$DPPID" ] && kill -TERM "$DPPID" 2>/dev/null && wait "$DPPID" 2>/dev/null
	[ -f /run/sbc/sbcd.pid ] && kill -TERM "$(cat /run/sbc/sbcd.pid)" 2>/dev/null
	sleep 1
	"$LAB" down
}

step() { printf '\n== %s\n' "$*"; }

step "lab: network namespaces access, sbc, carrier, attacker"
"$LAB" up
"$LAB" status

if [ "${KEEP:-0}" != 1 ]; then
	trap stop EXIT
fi

step "configuration"
"$B/sbcd" --check -c "$CONF"

step "sbcd (namespace sbc)"
ip netns exec sbc "$B/sbcd" -c "$CONF"
echo "sbcd running, pid $(cat /run/sbc/sbcd.pid)"

step "sbc-dataplane (namespace sbc, af_packet on dp-access and dp-carrier)"
ip netns exec sbc "$B/sbc-dataplane" -f -c "$CONF" >"$DPLOG" 2>&1 &
DPPID=$!
for _ in $(seq 100); do
	grep -q "running:" "$DPLOG" && break
	kill -0 "$DPPID" 2>/dev/null || { cat "$DPLOG"; exit 1; }
	sleep 0.2
done
sed 's/^/  /' "$DPLOG"

step "sbcctl status"
"$B/sbcctl" -c "$CONF" status

step "sbcctl help"
"$B/sbcctl" -c "$CONF" help

# Calls with media: the PBX (sipp, RTP from 10.10.1.10:4000) calls the
# carrier (sipp, RTP from 10.10.2.10:5000) through sbcd; each side's RTP
# (tests/tools/rtp_peer.py) crosses sbc-dataplane.
SIPP=$TOP/tests/sipp
RTP_PEER=$TOP/tests/tools/rtp_peer.py
ctl() { "$B/sbcctl" -c "$CONF" "$@"; }
step "calls with media: peers and a route"
ctl peer add pbx realm=access cidr=10.10.1.10/32 || true
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 || true
ctl route add default "10.10.2.10:5060;udp" || true

# demo_call N: one call of about 6 s with 100 RTP packets each way
demo_call() {
	local id ports pids=()
	ip netns exec carrier timeout 20 sipp -sf "$SIPP/uas-media.xml" -i 10.10.2.10 \
		-p 5060 -m 1 -timeout 15s -nostdin >/dev/null 2>&1 &
	pids+=($!)
	sleep 0.3
	ip netns exec access timeout 20 sipp 10.10.1.1:5060 -sf "$SIPP/uac-media.xml" \
		-s 15551234 -i 10.10.1.10 -p 5070 -m 1 -d 6000 -timeout 15s \
		-nostdin >/dev/null 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do
		id=$(ctl --json show calls 2>/dev/null | python3 -c 'import json, sys
c = [x["id"] for x in json.load(sys.stdin) if x["state"] == "confirmed"]
print(c[0] if c else "")' 2>/dev/null)
		[ -n "$id" ] && break
		sleep 0.1
	done
	[ -n "$id" ] || { echo "call $1 was not answered"; return 1; }
	ports=$(ctl --json show call "$id" | python3 -c 'import json, sys
m = [f for f in json.load(sys.stdin)["media"] if f["kind"] != "rtcp"]
print(*[f["local"].rsplit(":", 1)[1] for f in m])')
	set -- "$1" $ports
	ip netns exec carrier timeout 10 python3 "$RTP_PEER" 10.10.2.10:5000 \
		--to "10.10.2.2:$3" --count 100 --linger 1 >/dev/null &
	pids+=($!)
	ip netns exec access timeout 10 python3 "$RTP_PEER" 10.10.1.10:4000 \
		--to "10.10.1.2:$2" --count 100 --linger 1 >/dev/null &
	pids+=($!)
	sleep 2.5
	if [ "$1" = 1 ]; then
		step "sbcctl show calls (during call 1)"
		ctl show calls
		step "sbcctl show call $id"
		ctl show call "$id"
		step "sbcctl show media"
		ctl show media
	fi
	wait "${pids[@]}"
}
for n in 1 2 3; do
	step "call $n"
	demo_call $n || true
done

step "sbcctl cdr 3"
ctl cdr 3
step "sbcctl show media (after the calls)"
ctl show media

if [ "${KEEP:-0}" = 1 ]; then
	printf '\nThe lab and daemons keep running: try "%s -c %s" for the shell;\n' "$B/sbcctl" "$CONF"
	printf 'stop with "make lab-down".  Dataplane log: %s\n' "$DPLOG"
fi
