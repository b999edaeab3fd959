#!/bin/bash
# Media relay through sbc-dataplane with the access port's media on 802.1Q
# VLAN 100 (dataplane.ports[].vlan) and the carrier port untagged: packets
# lose the tag on the way to the carrier and gain it on the way back, with
# IP and UDP checksums right, and ARP on the VLAN is answered and sent by
# the dataplane, tagged.  Frames for the media address that are untagged
# or on another VLAN are not the dataplane's: they go to the exception path
# (off for af_packet: dropped and counted), never relayed.
#
# The lab's kernel has neither 8021q nor bridge VLAN filtering, so the
# access peer on VLAN 100 is tests/tools/vlan_peer.py on a raw socket on
# a-dp (the veth end facing dp-access): it answers tagged ARP, resolves the
# SBC by tagged ARP, and checks the tag and both checksums of what it gets.
#
#   access ns                          sbc ns: sbc-dataplane           carrier ns
#   vlan_peer.py on a-dp ------------- dp-access (vlan 100: 10.10.101.2)
#     10.10.101.10, VLAN 100           dp-carrier (untagged: 10.10.2.2) --- br-c 10.10.2.10
#
#   access 10.10.101.10:4000 -> SBC 10.10.101.2:20000 =[X]=> 10.10.2.2:30000 -> carrier 10.10.2.10:5000
#   access 10.10.101.10:4000 <- SBC 10.10.101.2:20000 <=[Y]= 10.10.2.2:30000 <- carrier 10.10.2.10:5000
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

PEER_MAC=02:00:00:00:65:0a

dp_lab_up
sed -i -e 's|media_address = "10.10.1.2"|media_address = "10.10.101.2"|' \
	-e 's|\(device = "net_af_packet0,iface=dp-access.*";\)|\1 vlan = 100;|' "$CONF"
grep -q "vlan = 100;" "$CONF" || fail "no access port to put on VLAN 100"

in_carrier ip route add 10.10.101.0/24 via 10.10.2.2

dp_start sbc

dp_flow_pair 10.10.101.2 10.10.2.2 10.10.101.10 10.10.2.10

# The carrier answers each packet it gets, from 10.10.2.10:5000, and logs
# the first payload bytes of everything, until the last hand-made frame
# (marked ff, below) or 15 s of silence.
in_carrier timeout 40 python3 "$UDP_PROBE" echo 10.10.2.10 5000 --pt 8 \
	--idle 15 --stop-mark ff >"$WORK/carrier.txt" &
echoer=$!
CLEANUP_PIDS+=("$echoer")
sleep 0.5

in_access timeout 30 python3 "$TOP/tests/tools/vlan_peer.py" a-dp 100 \
	"$PEER_MAC" 10.10.101.10 4000 10.10.101.2 20000 20 >"$WORK/access.txt" ||
	{ dp_dump; fail "access peer: $(cat "$WORK/access.txt")"; }

fwd=$(grep -c "^10.10.2.2:30000 8000" "$WORK/carrier.txt" || true)
back=$(grep -c "^udp 10.10.101.2:20000 8008.... 100 OK" "$WORK/access.txt" || true)
[ "$fwd" -ge 15 ] || { dp_dump; fail "carrier got $fwd of 20 from 10.10.2.2:30000: $(cat "$WORK/carrier.txt")"; }
[ "$back" -ge 15 ] || { dp_dump; fail "access got $back good replies on VLAN 100: $(cat "$WORK/access.txt")"; }
if grep "^udp" "$WORK/access.txt" | grep -vq " 100 OK$"; then
	fail "access got untagged, mistagged or bad-checksum media: $(cat "$WORK/access.txt")"
fi

# The dataplane answered the peer's tagged ARP with its port's MAC (and
# resolved the peer by tagged ARP, or no reply would have come back).
mac=$(in_sbc cat /sys/class/net/dp-access/address)
expect_match "$(cat "$WORK/access.txt")" "^arp $mac" "ARP on VLAN 100"
stats=$("$FT_PUT" -c "$CONF" stats "$x")
expect_match "$stats" "latched=10.10.101.10:4000" "flow X latched source"

# Hand-made frames to the dataplane's MAC and X's address and port, marked
# in their payload: 10 tagged VLAN 100 (relayed, the control), 10 untagged
# and 10 on VLAN 200 (not the dataplane's), then one on VLAN 100 marked ff
# that ends the carrier's listening.
before=$(dp_ports_json)
in_access python3 - "$mac" "$PEER_MAC" <<'PY'
import socket, struct, sys

dst = bytes.fromhex(sys.argv[1].replace(":", ""))
src = bytes.fromhex(sys.argv[2].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("a-dp", 0))

def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff

def frame(vid, mark, i):
    sa, da = socket.inet_aton("10.10.101.10"), socket.inet_aton("10.10.101.2")
    payload = b"\x80\x00" + bytes([mark, i]) + b"\0" * 28
    udp = struct.pack("!HHHH", 4000, 20000, 8 + len(payload), 0) + payload
    ck = csum(sa + da + struct.pack("!BBH", 0, 17, len(udp)) + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", ck) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, sa, da)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    tag = struct.pack("!HH", 0x8100, vid) if vid else b""
    return dst + src + tag + b"\x08\x00" + ip + udp

for vid, mark in ((100, 0xa1), (0, 0xa2), (200, 0xa3)):
    for i in range(10):
        s.send(frame(vid, mark, i))
s.send(frame(100, 0xff, 0))
PY
wait "$echoer" || true
after=$(dp_ports_json)

tagged=$(grep -c "^10.10.2.2:30000 8000a1" "$WORK/carrier.txt" || true)
[ "$tagged" -ge 8 ] || { dp_dump; fail "only $tagged of 10 hand-made VLAN 100 frames relayed: $(cat "$WORK/carrier.txt")"; }
if grep -Eq " 8000a[23]" "$WORK/carrier.txt"; then
	fail "an untagged or VLAN 200 frame was relayed: $(cat "$WORK/carrier.txt")"
fi
python3 - "$before" "$after" <<'PY' || { dp_dump; fail "counters before $before after $after"; }
import json, sys
b, a = (json.loads(x)["access"] for x in sys.argv[1:3])
# the 20 frames off the VLAN went to the (absent) exception path
assert a["dp_drop_kernel"] - b["dp_drop_kernel"] >= 20, "kernel drops"
assert a["dp_no_flow"] == b["dp_no_flow"], "looked up as media"
PY

dp_stop
echo ok
