#!/bin/bash
# The test lab: network namespaces and veth pairs that every integration test
# and `make demo` run in.  Nothing leaves the namespaces created here.
#
#   ns access (subscribers)          ns sbc (the appliance)            ns carrier (trusted carrier)
#  +------------------------+      +-----------------------------+     +------------------------+
#  | br-a 10.10.1.10/24     |      |                             |     |     10.10.2.10/24 br-c |
#  |   a-sig ------------------------ sig-access 10.10.1.1/24    |     |                        |
#  |                        |      |   (kernel: SIP, ctl, ssh)   |     |                        |
#  |   a-dp  ------------------------ dp-access  (no kernel IP:  |     |                        |
#  |                        |      |   dataplane owns 10.10.1.2) |     |                        |
#  |   a-att -----+         |      |   sig-carrier 10.10.2.1/24 ------------------ c-sig      |
#  +--------------|---------+      |   dp-carrier (no kernel IP: ------------------ c-dp       |
#                 |                |   dataplane owns 10.10.2.2) |     |                        |
#  ns attacker    |                +-----------------------------+     +------------------------+
#  +--------------|---------+
#  | att 10.10.1.66/24      |      IP forwarding is off in sbc: media crosses only
#  +------------------------+      through sbc-dataplane, signalling only through sbcd.
#
# Each side is one L2 segment (a bridge in the peer's namespace), so a
# subscriber reaches the SBC's signalling address (kernel) and its media
# address (dataplane, which answers ARP for it) on the same subnet.  A
# realm with several media addresses (3i, the B2BUA bench) takes further
# ones from the same /24s (10.10.1.20, 10.10.2.3, ...): on-link, so they
# need no route, only the dataplane answering ARP for them.
#
# usage: lab.sh up|down|status
# LAB_PREFIX (default empty) is prepended to every namespace name so two labs
# can coexist.  `up` is idempotent: it tears down any previous lab first.
set -eu

P=${LAB_PREFIX:-}
NS_ACCESS=${P}access
NS_CARRIER=${P}carrier
NS_SBC=${P}sbc
NS_ATTACKER=${P}attacker
ALL_NS="$NS_ACCESS $NS_CARRIER $NS_SBC $NS_ATTACKER"

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# veth_pair NS1 IF1 NS2 IF2: a veth pair with one end in each namespace.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	in_ns "$1" ip link set "$2" up
	in_ns "$3" ip link set "$4" up
}

# side PEER_NS BRIDGE PEER_IP SIG_IF SIG_IP DP_IF PEER_SIG PEER_DP
side() {
	local ns=$1 br=$2 peer_ip=$3 sig_if=$4 sig_ip=$5 dp_if=$6 psig=$7 pdp=$8
	in_ns "$ns" ip link add "$br" type bridge
	in_ns "$ns" ip link set "$br" up
	in_ns "$ns" ip addr add "$peer_ip/24" dev "$br"
	veth_pair "$ns" "$psig" "$NS_SBC" "$sig_if"
	veth_pair "$ns" "$pdp" "$NS_SBC" "$dp_if"
	in_ns "$ns" ip link set "$psig" master "$br"
	in_ns "$ns" ip link set "$pdp" master "$br"
	in_ns "$NS_SBC" ip addr add "$sig_ip/24" dev "$sig_if"
	# The dataplane's port must not answer for anything itself: no IPv6
	# autoconfiguration, no kernel ARP on an address-less port.
	in_ns "$NS_SBC" sysctl -qw "net.ipv6.conf.$dp_if.disable_ipv6=1"
	in_ns "$NS_SBC" ip link set "$dp_if" arp off
	# veth passes UDP with a partial checksum (offload) to af_packet, so
	# what the dataplane relays would reach the far side with a bad one:
	# the peer side computes checksums in software.
	in_ns "$ns" ethtool -K "$br" tx off >/dev/null
	in_ns "$ns" ethtool -K "$pdp" tx off >/dev/null
}

lab_down() {
	local ns
	for ns in $ALL_NS; do
		if [ -e "/run/netns/$ns" ]; then
			# Kill whatever a failed test left running inside.
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
			ip netns del "$ns" 2>/dev/null || true
		fi
	done
}

lab_up() {
	local ns
	lab_down
	for ns in $ALL_NS; do
		ip netns add "$ns"
		in_ns "$ns" ip link set lo up
	done
	in_ns "$NS_SBC" sysctl -qw net.ipv4.ip_forward=0
	in_ns "$NS_SBC" sysctl -qw net.ipv6.conf.all.forwarding=0

	side "$NS_ACCESS" br-a 10.10.1.10 sig-access 10.10.1.1 dp-access a-sig a-dp
	side "$NS_CARRIER" br-c 10.10.2.10 sig-carrier 10.10.2.1 dp-carrier c-sig c-dp

	veth_pair "$NS_ACCESS" a-att "$NS_ATTACKER" att
	in_ns "$NS_ACCESS" ip link set a-att master br-a
	in_ns "$NS_ATTACKER" ip addr add 10.10.1.66/24 dev att

	# Peers reach the far side only through the SBC's media address, never
	# by routing across it.
	in_ns "$NS_ACCESS" ip route add 10.10.2.0/24 via 10.10.1.2
	in_ns "$NS_CARRIER" ip route add 10.10.1.0/24 via 10.10.2.2
}

lab_status() {
	local ns rc=0
	for ns in $ALL_NS; do
		if [ -e "/run/netns/$ns" ]; then
			echo "$ns: up"
			in_ns "$ns" ip -brief addr show | sed 's/^/  /'
		else
			echo "$ns: down"
			rc=1
		fi
	done
	return $rc
}

case "${1:-}" in
up) lab_up ;;
down) lab_down ;;
status) lab_status ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
