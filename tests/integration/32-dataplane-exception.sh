#!/bin/bash
# The exception path: what the dataplane does not handle reaches the
# kernel through the port's TAP ("<port>-exc"), and the kernel's answers
# leave by the port.  Here the kernel gets an address of its own on
# access-exc and the access side pings it through dp-access: the ARP
# request is not for the media address (neigh hands it on), the kernel
# answers through the TAP, and the ICMP goes the same way.
#
#   access 10.10.1.10 --- a-dp === dp-access [sbc-dataplane] === access-exc 10.10.1.3 (kernel)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

lab_up
dp_conf
# Only the interface an address is on answers ARP for it, so that
# sig-access (same segment) does not answer for the TAP's address.
in_sbc sysctl -qw net.ipv4.conf.all.arp_ignore=1

# af_packet ports get no TAP by default (exception = "auto"); ask for one.
sed -i 's|realm = "access";|realm = "access"; exception = "on";|' "$CONF"
grep -q 'exception = "on"' "$CONF" || fail "could not set the access port's exception mode"
dp_start sbc
in_sbc ip link show access-exc >/dev/null || fail "no TAP access-exc: $(cat "$WORK/dp.log")"
in_sbc ip addr add 10.10.1.3/24 dev access-exc
in_sbc ip link set access-exc up

in_access ping -c 3 -W 2 10.10.1.3 >"$WORK/ping.txt" 2>&1 ||
	fail "no answer from the kernel through the exception path: $(cat "$WORK/ping.txt")"

json=$(dp_ports_json)
python3 - "$json" <<'PY' || fail "exception counters: $json"
import json, sys
d = json.loads(sys.argv[1])["access"]
assert d["exception"] == "access-exc", d["exception"]
assert d["dp_to_kernel"] >= 4 and d["dp_from_kernel"] >= 4, d
PY
dp_stop
in_sbc ip link show access-exc >/dev/null 2>&1 && fail "TAP access-exc left behind"
echo ok
