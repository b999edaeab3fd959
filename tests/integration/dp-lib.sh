#!/bin/bash
# Sourced by the dataplane cases (3x-*.sh) after lib.sh: start, query and
# stop sbc-dataplane with a private EAL file prefix and flow table.
#
#   dp_conf            give $CONF a private --file-prefix ($prefix), and
#                      remove the flow table when the case ends; with
#                      DP_WORKERS=2 in the environment, as dp_two_lcores
#   dp_two_lcores      two forwarding lcores (both on CPU 1, beside the
#                      main lcore on CPU 0) and two af_packet queue pairs
#                      per port: each port's queue 0, hence its ARP/ND,
#                      on another lcore, so next hops resolve across lcores
#   dp_start [NETNS]   start the dataplane (in the lab's NETNS, e.g. sbc;
#                      none: here) and wait until it runs; sets $dp
#   dp_ports_json      /sbc/ports as one JSON object ({} until it answers)
#   dp_stop            SIGTERM, and fail unless it exits 0
#   dp_dump            on failure: the ports' counters, the dataplane's log
#
# For the relay cases (31, 3d-3f), which put flows with ft_put:
#   dp_lab_up          the lab up, in $TOP, dp_conf done
#   dp_flow_pair A C A_PEER C_PEER
#                      flows X (SBC A:20000, port 1, out from C:30000 to
#                      C_PEER:5000) and Y (C:30000, port 0, out from
#                      A:20000 to A_PEER:4999: a wrong port, as a NATed
#                      peer's SDP would say), each other's pair, latching
#                      on first packet; their ids in $x and $y (IPv6
#                      addresses in brackets)
#   dp_relay TAG N IDLE ACCESS A CARRIER
#                      N datagrams from ACCESS:4000 to A:20000, each echoed
#                      (payload type 8) by CARRIER:5000, which stops after
#                      N or IDLE s without one; what each got, as
#                      tests/tools/udp_probe.py prints it ("SRC:PORT HEX"),
#                      in $WORK/access-TAG.txt and $WORK/carrier-TAG.txt
prefix=sbc-it-$$
FT_PUT=$B/tests/tools/ft_put
UDP_PROBE=$TOP/tests/tools/udp_probe.py

dp_conf() {
	sed -i "s|eal_args = \[|eal_args = [ \"--file-prefix=$prefix\",|" "$CONF"
	flow_table=$(sed -n 's/.*flow_table = "\(.*\)";/\1/p' "$CONF")
	trap 'rm -f "/dev/shm/$flow_table"; cleanup' EXIT
	if [ "${DP_WORKERS:-1}" = 2 ]; then
		dp_two_lcores
	fi
}

dp_two_lcores() {
	sed -i -e 's|lcores = "[0-9,-]*";|lcores = "0@0,(1-2)@1";|' \
		-e 's|\(iface=dp-[a-z]*\)"|\1,qpairs=2"|' \
		-e 's|rx_queues = 1;|rx_queues = 2;|' "$CONF"
}

dp_start() {
	# Not through in_sbc: $! must be the dataplane itself (ip netns exec
	# execs it).
	if [ -n "${1:-}" ]; then
		ip netns exec "${LAB_PREFIX:-}$1" "$B/sbc-dataplane" -f -c "$CONF" \
			>"$WORK/dp.log" 2>&1 &
	else
		"$B/sbc-dataplane" -f -c "$CONF" >"$WORK/dp.log" 2>&1 &
	fi
	dp=$!
	CLEANUP_PIDS+=("$dp")
	for _ in $(seq 150); do
		grep -q "running:" "$WORK/dp.log" && return 0
		kill -0 "$dp" 2>/dev/null || { cat "$WORK/dp.log"; fail "sbc-dataplane exited"; }
		sleep 0.2
	done
	fail "sbc-dataplane never reported running"
}

# dp_telemetry ENDPOINT: the dataplane's telemetry answer for ENDPOINT
# (e.g. /sbc/ports) as one JSON object, {} when it gives none
dp_telemetry() {
	printf '%s\n' "$1" | dpdk-telemetry.py -f "$prefix" 2>/dev/null | python3 -c '
import json, sys
out = {}
for line in sys.stdin:
    start = line.find("{")
    try:
        d = json.loads(line[start:]) if start >= 0 else {}
    except ValueError:
        continue
    out = d.get(sys.argv[1]) or out
print(json.dumps(out))' "$1"
}

dp_ports_json() {
	dp_telemetry /sbc/ports
}

dp_stop() {
	kill -TERM "$dp"
	wait "$dp" || { cat "$WORK/dp.log"; fail "sbc-dataplane exited non-zero on SIGTERM"; }
}

dp_dump() {
	dp_ports_json
	cat "$WORK/dp.log"
}

dp_lab_up() {
	[ -x "$FT_PUT" ] || fail "build the test tools first (make tools: tests/tools/build.mk)"
	lab_up
	cd "$TOP"
	dp_conf
}

dp_flow_pair() {
	x=$("$FT_PUT" -c "$CONF" put "$1:20000" 1 "$2:30000" "$4:5000" latch=first) ||
		fail "ft_put X"
	y=$("$FT_PUT" -c "$CONF" put "$2:30000" 0 "$1:20000" "$3:4999" latch=first) ||
		fail "ft_put Y"
	"$FT_PUT" -c "$CONF" pair "$x" "$y" || fail "ft_put pair"
	sleep 0.3	# the dataplane applies flow changes every 100 ms
}

dp_relay() {
	local tag=$1 n=$2 idle=$3 access=$4 sbc=$5 carrier=$6 echoer
	in_carrier timeout 20 python3 "$UDP_PROBE" echo "$carrier" 5000 \
		--count "$n" --pt 8 --idle "$idle" >"$WORK/carrier-$tag.txt" &
	echoer=$!
	CLEANUP_PIDS+=("$echoer")
	sleep 0.5
	in_access timeout 20 python3 "$UDP_PROBE" send "$access" 4000 "$sbc" 20000 \
		--count "$n" >"$WORK/access-$tag.txt" || true
	wait "$echoer" || true
}
