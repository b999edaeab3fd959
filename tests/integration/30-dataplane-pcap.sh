#!/bin/bash
# pcap in, pcap out: sbc-dataplane on the net_pcap PMD relays a generated
# capture through flows written with ft_put, and every frame it sends is
# checked.
#
#   access-in.pcap  -> [port access  net_pcap0] -> access-out.pcap
#   carrier-in.pcap -> [port carrier net_pcap1] -> carrier-out.pcap
#
# Flows (slot numbers printed by ft_put):
#   A  10.10.1.2:20000 -> 10.10.2.10:5000 from 10.10.2.2:30000  RTP -> RTP
#   B  10.10.1.2:20002 -> 10.10.2.10:5002 from 10.10.2.2:30002  RTP -> SRTP (K2)
#   C  10.10.2.2:30004 -> 10.10.1.10:4004 from 10.10.1.2:20004  SRTP (K1) -> RTP
#   (none) 10.10.1.2:20100: unknown flow, counted and not forwarded
# Each input starts with ARP requests from the peer for the port's media
# address (more than a burst, so both ports' neighbours are learnt before
# any RTP is read); the dataplane answers them and learns the peers' MACs.
# One packet of C is tampered with and must be dropped as an auth failure.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

T=$TOP/tests/tools
FT_PUT=$B/tests/tools/ft_put
SRTP_CHECK=$B/tests/tools/srtp_check
[ -x "$FT_PUT" ] && [ -x "$SRTP_CHECK" ] ||
	fail "build the test tools first (make tools: tests/tools/build.mk)"

lab_conf
cd "$TOP"
dp_conf
python3 - "$CONF" "$WORK" <<'PY'
import re, sys
conf, work = sys.argv[1:]
text = open(conf).read()
ports = """ports = (
		{ name = "access"; realm = "access";
		  device = "net_pcap0,rx_pcap=%(w)s/access-in.pcap,tx_pcap=%(w)s/access-out.pcap"; },
		{ name = "carrier"; realm = "carrier";
		  device = "net_pcap1,rx_pcap=%(w)s/carrier-in.pcap,tx_pcap=%(w)s/carrier-out.pcap"; }
	);""" % {"w": work}
text, n = re.subn(r"ports = \((.|\n)*?\n\t\);", ports, text)
assert n == 1, "no dataplane.ports in the configuration"
text = re.sub(r"flow_table_size = \d+;", "flow_table_size = 1024;", text)
open(conf, "w").write(text)
PY

K1=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(1, 31))).decode())')
K2=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(101, 131))).decode())')
SUITE=AES_CM_128_HMAC_SHA1_80

put() { "$FT_PUT" -c "$CONF" put "$@" || fail "ft_put put $*"; }
slot_a=$(put 10.10.1.2:20000 1 10.10.2.2:30000 10.10.2.10:5000)
slot_b=$(put 10.10.1.2:20002 1 10.10.2.2:30002 10.10.2.10:5002 "out=$SUITE:$K2")
slot_c=$(put 10.10.2.2:30004 0 10.10.1.2:20004 10.10.1.10:4004 "in=$SUITE:$K1")

# The RTP of flow C, protected with K1 the way the carrier would send it.
python3 - >"$WORK/c-rtp.hex" <<'PY'
import sys
sys.path.insert(0, "tests/tools")
from pcapkit import rtp
for i in range(10):
    print(rtp(100 + i, 0xC0C0C0C0, bytes([0x30 + i]) * 160).hex())
PY
"$SRTP_CHECK" -p "$SUITE" "$K1" <"$WORK/c-rtp.hex" >"$WORK/c-srtp.hex" ||
	fail "srtp_check could not protect the input"

python3 - "$WORK" <<'PY'
import sys
sys.path.insert(0, "tests/tools")
from pcapkit import mac, udp4, arp_request, rtp, write_pcap
work = sys.argv[1]
A_MAC, C_MAC = mac("02:00:00:00:0a:0a"), mac("02:00:00:00:0c:0c")
SBC = mac("02:00:00:00:00:01")  # ignored: the ports are promiscuous
arp_a = [arp_request(A_MAC, "10.10.1.10", "10.10.1.2")] * 40
arp_c = [arp_request(C_MAC, "10.10.2.10", "10.10.2.2")] * 40
acc = list(arp_a)
for i in range(10):
    acc.append(udp4(A_MAC, SBC, "10.10.1.10", 4000, "10.10.1.2", 20000,
                    rtp(i, 0xA0A0A0A0, bytes([i]) * 160)))
    acc.append(udp4(A_MAC, SBC, "10.10.1.10", 4002, "10.10.1.2", 20002,
                    rtp(i, 0xB0B0B0B0, bytes([0x10 + i]) * 160)))
    acc.append(udp4(A_MAC, SBC, "10.10.1.10", 4100, "10.10.1.2", 20100,
                    rtp(i, 0xD0D0D0D0, bytes([0x20 + i]) * 160)))
car = list(arp_c)
srtp = [bytes.fromhex(l) for l in open(work + "/c-srtp.hex").read().split()]
for i, p in enumerate(srtp):
    if i == 5:  # tampered: one payload bit flipped, tag unchanged
        p = p[:20] + bytes([p[20] ^ 1]) + p[21:]
    car.append(udp4(C_MAC, SBC, "10.10.2.10", 5004, "10.10.2.2", 30004, p))
write_pcap(work + "/access-in.pcap", acc)
write_pcap(work + "/carrier-in.pcap", car)
open(work + "/total", "w").write(str(len(acc) + len(car)))
PY
total=$(cat "$WORK/total")

dp_start
# net_pcap stops receiving at the end of its file: wait until every frame
# was received (bounded), then give the transmit drain a moment.
seen=0
for _ in $(seq 60); do
	kill -0 "$dp" 2>/dev/null || { cat "$WORK/dp.log"; fail "sbc-dataplane exited"; }
	dp_ports_json >"$WORK/ports.json"
	seen=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(p.get("dp_rx_packets",0) for p in d.values()))' "$WORK/ports.json")
	[ "$seen" -ge "$total" ] && break
	sleep 0.25
done
[ "$seen" -ge "$total" ] || fail "dataplane received $seen of $total frames"
sleep 0.5
dp_ports_json >"$WORK/ports.json"
dp_stop

# The SRTP flow B sent: decrypt with K2, as the carrier would.
python3 - "$WORK" >"$WORK/b-srtp.hex" <<'PY'
import sys
sys.path.insert(0, "tests/tools")
from pcapkit import Frame, read_pcap
for raw in read_pcap(sys.argv[1] + "/carrier-out.pcap"):
    f = Frame(raw)
    if f.udp and f.sport == 30002:
        print(f.payload.hex())
PY
"$SRTP_CHECK" "$SUITE" "$K2" <"$WORK/b-srtp.hex" >"$WORK/b-rtp.hex" ||
	fail "flow B's output does not verify with K2: $(cat "$WORK/b-rtp.hex")"

"$FT_PUT" -c "$CONF" stats "$slot_c" >"$WORK/c.stats" || fail "ft_put stats"
"$FT_PUT" -c "$CONF" lanes >"$WORK/lanes" || fail "ft_put lanes"

python3 - "$WORK" <<'PY'
import json, sys
sys.path.insert(0, "tests/tools")
from pcapkit import Frame, read_pcap, rtp, ip4_str
work = sys.argv[1]
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)

def frames(name):
    return [Frame(r) for r in read_pcap("%s/%s-out.pcap" % (work, name))]

def side(frames, peer_mac, own_ip, peer_ip):
    """ARP replies give the port's MAC; every UDP frame is checked.  A
    neighbour learnt from a request is unconfirmed (neigh.h), so the first
    use may add a unicast probe."""
    arps = [f for f in frames if f.ethertype == 0x0806]
    replies = [a for a in arps if a.arp_op == 2]
    probes = [a for a in arps if a.arp_op == 1]
    check(len(replies) == 40, "%s: %d ARP replies, want 40" %
          (own_ip, len(replies)))
    check(len(probes) <= 2, "%s: %d ARP probes" % (own_ip, len(probes)))
    port_mac = replies[0].arp_sha if replies else None
    for a in replies:
        check(ip4_str(a.arp_spa) == own_ip and a.dst_mac == peer_mac and
              a.arp_tha == peer_mac and a.arp_sha == port_mac,
              "bad ARP reply for %s" % own_ip)
    for a in probes:
        check(ip4_str(a.arp_spa) == own_ip and ip4_str(a.arp_tpa) == peer_ip
              and a.arp_sha == port_mac, "bad ARP probe from %s" % own_ip)
    udp = [f for f in frames if f.udp]
    check(len(udp) + len(arps) == len(frames), "%s: stray frames" % own_ip)
    for f in udp:
        check(f.src_mac == port_mac and f.dst_mac == peer_mac,
              "%s: MACs %s -> %s" % (own_ip, f.src_mac.hex(), f.dst_mac.hex()))
        check(f.ip_ok, "%s: bad IPv4 header checksum" % own_ip)
        check(f.udp_ok and f.len_ok, "%s: bad UDP checksum or length" % own_ip)
        check(f.src == own_ip and f.ttl == 63, "%s: source %s ttl %d" %
              (own_ip, f.src, f.ttl))
    return udp

A_MAC = bytes.fromhex("02000000" "0a0a")
C_MAC = bytes.fromhex("02000000" "0c0c")
car = side(frames("carrier"), C_MAC, "10.10.2.2", "10.10.2.10")
acc = side(frames("access"), A_MAC, "10.10.1.2", "10.10.1.10")

a = [f for f in car if f.sport == 30000]
check([(f.dst, f.dport) for f in a] == [("10.10.2.10", 5000)] * 10,
      "flow A: %d packets, want 10 to 10.10.2.10:5000" % len(a))
check([f.payload for f in a] == [rtp(i, 0xA0A0A0A0, bytes([i]) * 160)
                                 for i in range(10)], "flow A: payload changed")
b = [f for f in car if f.sport == 30002]
check([(f.dst, f.dport) for f in b] == [("10.10.2.10", 5002)] * 10,
      "flow B: %d packets, want 10 to 10.10.2.10:5002" % len(b))
check(all(len(f.payload) == 172 + 10 for f in b), "flow B: no SRTP tag")
dec = open(work + "/b-rtp.hex").read().split()
check(dec == [rtp(i, 0xB0B0B0B0, bytes([0x10 + i]) * 160).hex()
              for i in range(10)], "flow B: SRTP does not decrypt to the input")
check(not [f for f in car if f.sport not in (30000, 30002)],
      "carrier side: a frame of no flow (unknown flow forwarded?)")
c = [f for f in acc if f.sport == 20004]
want = [rtp(100 + i, 0xC0C0C0C0, bytes([0x30 + i]) * 160)
        for i in range(10) if i != 5]
check([(f.dst, f.dport) for f in c] == [("10.10.1.10", 4004)] * 9,
      "flow C: %d packets, want 9 to 10.10.1.10:4004" % len(c))
check([f.payload for f in c] == want, "flow C: not the plain RTP sent")

ports = json.load(open(work + "/ports.json"))
pa, pc = ports.get("access", {}), ports.get("carrier", {})
check(pa.get("dp_no_flow") == 10, "telemetry: access dp_no_flow %s, want 10"
      % pa.get("dp_no_flow"))
check(pc.get("dp_drop_srtp_auth") == 1, "telemetry: carrier dp_drop_srtp_auth"
      " %s, want 1" % pc.get("dp_drop_srtp_auth"))
check(pa.get("dp_fwd_packets") == 20 and pc.get("dp_fwd_packets") == 9,
      "telemetry: forwarded %s/%s, want 20/9" %
      (pa.get("dp_fwd_packets"), pc.get("dp_fwd_packets")))
st = dict(l.split("=", 1) for l in open(work + "/c.stats").read().split())
check(st["auth"] == "1" and st["packets"] == "9",
      "flow C entry: auth %s packets %s, want 1 and 9" % (st["auth"], st["packets"]))
lanes = dict(l.split("=", 1) for l in open(work + "/lanes").read().split())
check(lanes["unknown_flow"] == "10", "flow table lanes: unknown_flow %s, "
      "want 10" % lanes["unknown_flow"])
if errors:
    print("\n".join(errors))
    sys.exit(1)
PY
echo ok
