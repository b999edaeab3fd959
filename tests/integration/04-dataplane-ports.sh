#!/bin/bash
# sbc-dataplane starts in the lab on the af_packet PMD with the shipped
# configuration, receives what the access side sends to the SBC's media
# address, reports it through DPDK telemetry (/sbc/ports), and stops cleanly
# on SIGTERM.  Forwarding is not built yet, so the packets are counted as
# "no flow" and go nowhere: the carrier side must see none of them.
#
#   access 10.10.1.10 (br-a) --- a-dp === dp-access [sbc-dataplane, owns 10.10.1.2]
#                                                    dp-carrier === c-dp --- carrier 10.10.2.10
. "$(dirname "$0")/lib.sh"

lab_up
prefix=sbc-it-$$
sed -i "s|eal_args = \[|eal_args = [ \"--file-prefix=$prefix\",|" "$CONF"
# Not through in_sbc: $! must be the dataplane itself (ip netns exec execs it).
ip netns exec "${LAB_PREFIX:-}sbc" "$B/sbc-dataplane" -f -c "$CONF" >"$WORK/dp.log" 2>&1 &
dp=$!
CLEANUP_PIDS+=("$dp")
for _ in $(seq 150); do
	grep -q "running:" "$WORK/dp.log" && break
	kill -0 "$dp" 2>/dev/null || { cat "$WORK/dp.log"; fail "sbc-dataplane exited"; }
	sleep 0.2
done
grep -q "running:" "$WORK/dp.log" || fail "sbc-dataplane never reported running"

# ARP for the media address arrives with the flow table; until then the
# subscriber learns the dataplane port's MAC statically.
mac=$(in_sbc cat /sys/class/net/dp-access/address)
in_access ip neigh replace 10.10.1.2 lladdr "$mac" dev br-a nud permanent

ip netns exec "${LAB_PREFIX:-}carrier" timeout 20 tcpdump -i br-c -n -l -c 1 udp port 20000 \
	>"$WORK/carrier.pcap.txt" 2>/dev/null &
sniff=$!
sleep 1
in_access python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(25):
    s.sendto(b"\x80\x00" + bytes([0, i]) + b"\0" * 168, ("10.10.1.2", 20000))
PY

telemetry() {
	printf '%s\n' "$1" | dpdk-telemetry.py -f "$prefix" 2>/dev/null
}
got=0
for _ in $(seq 50); do
	got=$(telemetry "/sbc/ports,access" | python3 -c '
import json, sys
got = 0
for line in sys.stdin:
    start = line.find("{")
    try:
        d = json.loads(line[start:]) if start >= 0 else {}
    except ValueError:
        continue
    got = d.get("/sbc/ports", {}).get("access", {}).get("dp_rx_packets", got)
print(got)')
	[ "$got" -ge 25 ] && break
	sleep 0.2
done
[ "$got" -ge 25 ] || fail "telemetry shows $got packets received on access, want >= 25"

kill -TERM "$dp"
wait "$dp" || fail "sbc-dataplane exited non-zero on SIGTERM"
grep -q "stopped and closed" "$WORK/dp.log" || fail "ports were not stopped"
kill "$sniff" 2>/dev/null || true
wait "$sniff" 2>/dev/null || true
if grep -q "IP " "$WORK/carrier.pcap.txt"; then
	fail "a packet reached the carrier side: $(cat "$WORK/carrier.pcap.txt")"
fi
echo ok
