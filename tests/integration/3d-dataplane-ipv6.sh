#!/bin/bash
# IPv6 media relay through sbc-dataplane in the lab (af_packet on the dp-*
# veths): flows keyed by the SBC's IPv6 media addresses, IPv6 in and out,
# neighbour discovery (RFC 4861) answered and sent by the dataplane itself,
# no kernel forwarding.  Then the same again with two forwarding lcores,
# each port's queue 0 (and ND) on a different one, so every packet's next
# hop is resolved by an lcore that does not own the port's neighbour table
# (dataplane/lcore.h): the restarted dataplane keeps the flows, and the
# peers' neighbour caches are flushed so ND runs again.
#
#   access ns                sbc ns: sbc-dataplane                    carrier ns
#   br-a fd00:10:10:1::10 -- dp-access [fd00:10:10:1::2]
#                            dp-carrier [fd00:10:10:2::2] ----------- br-c fd00:10:10:2::10
#
#   access [1::10]:4000 -> SBC [1::2]:20000 =[X]=> [2::2]:30000 -> carrier [2::10]:5000
#   access [1::10]:4000 <- SBC [1::2]:20000 <=[Y]= [2::2]:30000 <- carrier [2::10]:5000
#
# ([1::x] is fd00:10:10:1::x.)  X and Y are each other's pair with latching
# on first packet; Y's configured destination is a wrong port (4999): the
# replies must go where the access side really sent from.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

A6=fd00:10:10:1
C6=fd00:10:10:2

dp_lab_up
# the realms' media addresses become IPv6: the dataplane owns those
sed -i -e "s|media_address = \"10.10.1.2\"|media_address = \"$A6::2\"|" \
	-e "s|media_address = \"10.10.2.2\"|media_address = \"$C6::2\"|" "$CONF"
grep -q "media_address = \"$C6::2\"" "$CONF" || fail "no carrier media_address to replace"

# IPv6 on the peers' bridges only (lab.sh keeps it off on the SBC's dp-*
# ports, so the kernel there answers no ND); no DAD, so the addresses are
# usable at once.  Each peer reaches the far side via the SBC's media address.
in_access ip -6 addr add "$A6::10/64" dev br-a nodad
in_access ip -6 route add "$C6::/64" via "$A6::2"
in_carrier ip -6 addr add "$C6::10/64" dev br-c nodad
in_carrier ip -6 route add "$A6::/64" via "$C6::2"
[ "$(in_sbc sysctl -n net.ipv6.conf.all.forwarding)" = 0 ] || fail "kernel IPv6 forwarding is on in sbc"

dp_start sbc

dp_flow_pair "[$A6::2]" "[$C6::2]" "[$A6::10]" "[$C6::10]"

# relay TAG: 20 packets from the access side, each echoed by the carrier;
# at least 15 must cross each way (the first may be lost to ND)
relay() {
	local tag=$1 fwd back
	dp_relay "$tag" 20 10 "$A6::10" "$A6::2" "$C6::10"
	fwd=$(grep -c "^\[$C6::2\]:30000 8000" "$WORK/carrier-$tag.txt" || true)
	back=$(grep -c "^\[$A6::2\]:20000 8008" "$WORK/access-$tag.txt" || true)
	[ "$fwd" -ge 15 ] || { dp_dump; fail "$tag: carrier got $fwd of 20 from [$C6::2]:30000: $(cat "$WORK/carrier-$tag.txt")"; }
	[ "$back" -ge 15 ] || { dp_dump; fail "$tag: access got $back replies from [$A6::2]:20000: $(cat "$WORK/access-$tag.txt")"; }
	if grep -vq "^\[$C6::2\]:30000 " "$WORK/carrier-$tag.txt"; then
		fail "$tag: carrier got media from elsewhere: $(cat "$WORK/carrier-$tag.txt")"
	fi
}

# nd_learnt TAG: both peers learnt the SBC's media MAC by ND, from the
# dataplane (the kernel in sbc has no IPv6 on the dp-* ports)
nd_learnt() {
	local side ns ip br dev n mac
	for side in access/$A6::2/br-a/dp-access carrier/$C6::2/br-c/dp-carrier; do
		IFS=/ read -r ns ip br dev <<<"$side"
		n=$(ip netns exec "${LAB_PREFIX:-}$ns" ip -6 neigh show "$ip" dev "$br")
		mac=$(in_sbc cat "/sys/class/net/$dev/address")
		expect_match "$n" "lladdr $mac" "$1: $ns: neighbour $ip"
		if grep -q PERMANENT <<<"$n"; then
			fail "$1: $ns: static neighbour entry for $ip"
		fi
	done
}

relay one-lcore
nd_learnt one-lcore
stats=$("$FT_PUT" -c "$CONF" stats "$x")
expect_match "$stats" "latched=$A6::10:4000" "flow X latched source"
ports=$(dp_ports_json)
python3 - "$ports" <<'PY' || { dp_dump; fail "dataplane counters: $ports"; }
import json, sys
p = json.loads(sys.argv[1])
for name in ("access", "carrier"):
    c = p[name]
    # ND taken and sent by the dataplane on each side, media relayed
    assert c["dp_neigh_in"] > 0 and c["dp_neigh_out"] > 0, name
    assert c["dp_fwd_packets"] >= 15, name
PY
dp_stop

# Two forwarding lcores; the flows stay in the table across the restart.
dp_two_lcores
in_access ip -6 neigh flush dev br-a
in_carrier ip -6 neigh flush dev br-c
dp_start sbc
expect_match "$(cat "$WORK/dp.log")" "running: 2 port\(s\), 2 forwarding lcore\(s\)" "two lcores"
expect_match "$(cat "$WORK/dp.log")" "port access: neighbours \(ARP/ND\) owned by lcore 1" "access owner"
expect_match "$(cat "$WORK/dp.log")" "port carrier: neighbours \(ARP/ND\) owned by lcore 2" "carrier owner"
expect_match "$(cat "$WORK/dp.log")" "flow table .*: owner, [0-9]+ entries, 2 flow\(s\)" "flows kept"
relay two-lcores
nd_learnt two-lcores
ports=$(dp_ports_json)
python3 - "$ports" <<'PY' || { dp_dump; fail "dataplane counters: $ports"; }
import json, sys
p = json.loads(sys.argv[1])
# the lcore receiving one port's media resolved the other port's next hop
# through that port's owner
assert sum(p[n]["dp_neigh_handoff"] for n in ("access", "carrier")) > 0
for name in ("access", "carrier"):
    c = p[name]
    assert c["rx_queues"] == 2 and c["tx_queues"] == 2, name
    assert c["dp_drop_neigh_handoff_full"] == 0, name
    assert c["dp_fwd_packets"] >= 15, name
PY
dp_stop
echo ok
