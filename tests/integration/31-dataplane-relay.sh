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

dp_lab_up

# veth hands af_packet UDP with a partial checksum (checksum offload: the
# pseudo-header sum only), which the dataplane cannot fix up incrementally;
# a wire never carries those, so the peers compute full checksums here.

[ "$(in_sbc sysctl -n net.ipv4.ip_forward)" = 0 ] || fail "kernel forwarding is on in sbc"

dp_start sbc
dp_flow_pair 10.10.1.2 10.10.2.2 10.10.1.10 10.10.2.10

# The carrier answers each packet it gets, from 10.10.2.10:5000.
dp_relay relay 20 10 10.10.1.10 10.10.1.2 10.10.2.10

fwd=$(grep -c "^10.10.2.2:30000 8000" "$WORK/carrier-relay.txt" || true)
back=$(grep -c "^10.10.1.2:20000 8008" "$WORK/access-relay.txt" || true)
# the first packet or two may be lost while the carrier's MAC is resolved
[ "$fwd" -ge 15 ] || { dp_dump; fail "carrier got $fwd of 20 from 10.10.2.2:30000: $(cat "$WORK/carrier-relay.txt")"; }
[ "$back" -ge 15 ] || { dp_dump; fail "access got $back replies from 10.10.1.2:20000: $(cat "$WORK/access-relay.txt")"; }
grep -vq "^10.10.2.2:30000 " "$WORK/carrier-relay.txt" &&
	fail "carrier got media from elsewhere: $(cat "$WORK/carrier-relay.txt")"

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
