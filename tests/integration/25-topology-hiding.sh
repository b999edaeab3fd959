#!/bin/bash
# Topology hiding: every SIP message on each side of the SBC is captured,
# and none may carry, in its start line or headers, an address, Call-ID or
# tag of the other side.  The SBC's own address on a side is the only one
# of its addresses that side may see.  The SDP body is exempt in this
# slice: it still carries the far side's media address until media
# anchoring (issue 5) rewrites it.
#
#   access ns (tcpdump br-a)     sbc ns (sbcd)              carrier ns (tcpdump br-c)
#   sipp uac 10.10.1.10 --> 10.10.1.1 | 10.10.2.1 --> sipp uas 10.10.2.10
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up
in_access timeout 60 tcpdump -i br-a -n -U -s 0 -w "$WORK/access.pcap" udp port 5060 \
	>/dev/null 2>&1 &
CLEANUP_PIDS+=("$!")
in_carrier timeout 60 tcpdump -i br-c -n -U -s 0 -w "$WORK/carrier.pcap" udp port 5060 \
	>/dev/null 2>&1 &
CLEANUP_PIDS+=("$!")
sleep 1
sipp_uas gw1 $GW1 uas.xml 3
sipp_uac uac.xml 3 || fail "calls failed"
uas_wait gw1 || fail "gateway side failed"
sleep 1
for ns in access carrier; do
	pid=$(ip netns pids "${LAB_PREFIX:-}$ns" | xargs -r ps -o pid=,comm= -p |
		awk '$2 == "tcpdump" { print $1 }')
	[ -n "$pid" ] && kill $pid
done
sleep 0.5

python3 - "$WORK/access.pcap" "$WORK/carrier.pcap" <<'PY'
import re, struct, sys

def sip_heads(path):
    """Start line and headers of every SIP message over UDP in a pcap."""
    data = open(path, "rb").read()
    off, heads = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        pkt = data[off + 16: off + 16 + incl]
        off += 16 + incl
        if len(pkt) < 42 or pkt[12:14] != b"\x08\x00":
            continue
        ihl = (pkt[14] & 0x0F) * 4
        payload = pkt[14 + ihl + 8:].decode("latin-1")
        heads.append(payload.split("\r\n\r\n", 1)[0])
    return heads

def ids(heads):
    out = set()
    for h in heads:
        out.update(re.findall(r"(?im)^(?:Call-ID|i):\s*(\S+)", h))
        out.update(re.findall(r"(?i);tag=([^;>\s,]+)", h))
    return out

access, carrier = sip_heads(sys.argv[1]), sip_heads(sys.argv[2])
assert len(access) >= 9 and len(carrier) >= 9, (len(access), len(carrier))
for side, heads, foreign_net, foreign_ids in (
        ("carrier", carrier, "10.10.1.", ids(access)),
        ("access", access, "10.10.2.", ids(carrier))):
    for h in heads:
        assert foreign_net not in h, f"{side} side sees {foreign_net}x:\n{h}"
        for i in foreign_ids:
            assert i not in h, f"{side} side sees the other side's id {i}:\n{h}"
        assert not re.search(r"(?im)^(User-Agent|Server):.*sofia", h), h
        if side == "carrier":
            assert "P-Asserted-Identity" not in h, h
            assert "X-Internal" not in h, h
print(f"{len(access)} access and {len(carrier)} carrier messages clean")
PY
sbcd_stop
echo ok
