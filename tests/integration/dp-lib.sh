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
prefix=sbc-it-$$

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

dp_ports_json() {
	printf '/sbc/ports\n' | dpdk-telemetry.py -f "$prefix" 2>/dev/null | python3 -c '
import json, sys
out = {}
for line in sys.stdin:
    start = line.find("{")
    try:
        d = json.loads(line[start:]) if start >= 0 else {}
    except ValueError:
        continue
    out = d.get("/sbc/ports") or out
print(json.dumps(out))'
}

dp_stop() {
	kill -TERM "$dp"
	wait "$dp" || { cat "$WORK/dp.log"; fail "sbc-dataplane exited non-zero on SIGTERM"; }
}
