#!/bin/bash
# Media relay through sbc-dataplane in the lab (af_packet on the dp-* veths),
# with ARP done by the dataplane itself in both directions and no kernel
# forwarding in the sbc namespace:
#
#   access 10.10.1.10:4000 -> SBC 10.10.1.2:20000 =[X]=> 10.10.2.2:30000 -> carrier 10.10.2.10:5000
#   access 10.10.1.10:4000 <- SBC 10.10.1.2:20000 <=[Y]= 10.10.2.2:30000 <- carrier 10.10.2.10:5000
#
# Flows are put with ft_put after the dataplane started (the notice ring
# path).  X and Y are each other's pair with latching on first packet, and
# Y's configured destination is a wrong port (4999, as a NATed peer's SDP
# would say): the reply must go where the access side really sent from.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

FT_PUT=$B/tests/tools/ft_put
[ -x "$FT_PUT" ] || fail "build the test tools first (make tools: tests/tools/build.mk)"

lab_up
cd "$TOP"
dp_conf

# veth hands af_packet UDP with a partial checksum (checksum offload: the
# pseudo-header sum only), which the dataplane cannot fix up incrementally;
# a wire never carries those, so the peers compute full checksums here.

[ "$(in_sbc sysctl -n net.ipv4.ip_forward)" = 0 ] || fail "kernel forwarding is on in sbc"

dp_start sbc

x=$("$FT_PUT" -c "$CONF" put 10.10.1.2:20000 1 10.10.2.2:30000 10.10.2.10:5000 latch=first) ||
	fail "ft_put X"
y=$("$FT_PUT" -c "$CONF" put 10.10.2.2:30000 0 10.10.1.2:20000 10.10.1.10:4999 latch=first) ||
	fail "ft_put Y"
"$FT_PUT" -c "$CONF" pair "$x" "$y" || fail "ft_put pair"
sleep 0.3	# the dataplane applies flow changes every 100 ms

# The carrier answers each packet it gets, from 10.10.2.10:5000.
in_carrier timeout 20 python3 - >"$WORK/carrier.txt" <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.10.2.10", 5000))
s.settimeout(10)
n = 0
try:
    while n < 20:
        data, src = s.recvfrom(2048)
        print("%s:%d %s" % (src[0], src[1], data[:4].hex()), flush=True)
        s.sendto(b"\x80\x08" + data[2:], src)
        n += 1
except socket.timeout:
    pass
PY
echoer=$!
CLEANUP_PIDS+=("$echoer")
sleep 0.5

in_access timeout 20 python3 - >"$WORK/access.txt" <<'PY' || true
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.10.1.10", 4000))
s.settimeout(0.05)

def drain():
    try:
        while True:
            data, src = s.recvfrom(2048)
            print("%s:%d %s" % (src[0], src[1], data[:4].hex()), flush=True)
    except socket.timeout:
        pass

for i in range(20):
    s.sendto(b"\x80\x00" + bytes([0, i]) + b"\0" * 168, ("10.10.1.2", 20000))
    drain()
time.sleep(0.5)
drain()
PY
wait "$echoer" || true

# on failure, what the dataplane counted
dump() {
	dp_ports_json
	cat "$WORK/dp.log"
}
fwd=$(grep -c "^10.10.2.2:30000 8000" "$WORK/carrier.txt" || true)
back=$(grep -c "^10.10.1.2:20000 8008" "$WORK/access.txt" || true)
# the first packet or two may be lost while the carrier's MAC is resolved
[ "$fwd" -ge 15 ] || { dump; fail "carrier got $fwd of 20 from 10.10.2.2:30000: $(cat "$WORK/carrier.txt")"; }
[ "$back" -ge 15 ] || { dump; fail "access got $back replies from 10.10.1.2:20000: $(cat "$WORK/access.txt")"; }
grep -vq "^10.10.2.2:30000 " "$WORK/carrier.txt" &&
	fail "carrier got media from elsewhere: $(cat "$WORK/carrier.txt")"

# Both peers learnt the SBC's media MAC by ARP from the dataplane.
for side in access:10.10.1.2:br-a carrier:10.10.2.2:br-c; do
	IFS=: read -r ns ip br <<<"$side"
	n=$(ip netns exec "${LAB_PREFIX:-}$ns" ip neigh show "$ip" dev "$br")
	expect_match "$n" "lladdr" "$ns: neighbour $ip"
	grep -q PERMANENT <<<"$n" && fail "$ns: static neighbour entry for $ip"
done
stats=$("$FT_PUT" -c "$CONF" stats "$x")
expect_match "$stats" "latched=10.10.1.10:4000" "flow X latched source"

dp_stop
echo ok
