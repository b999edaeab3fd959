"""A media peer on an 802.1Q VLAN, in user space over a raw socket.

The lab's kernel has no 8021q module and no bridge VLAN filtering, so a
VLAN sub-interface cannot be the peer; this is one instead, on a veth end
whose other end is the dataplane's port:

    vlan_peer.py IFACE VID MAC IP PORT SBC_IP SBC_PORT COUNT

It answers ARP requests for IP that arrive tagged VID (and no others),
resolves SBC_IP by a tagged ARP request (RFC 826; "arp MAC" once
answered), then sends COUNT RTP-like datagrams from IP:PORT to
SBC_IP:SBC_PORT, tagged VID, and prints a line per UDP datagram it
receives for IP:PORT: "udp SRC:SPORT PAYLOAD[:4] VLAN OK|BAD", where VLAN
is the tag's VID ("none" when untagged) and OK means the IPv4 header and
UDP checksums are right.  Exit 1 when SBC_IP never answers.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapkit import BROADCAST, csum, ip4, ip4_str, mac, udp4  # noqa: E402

SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
PACKET_OUTGOING = 4


def tag(frame, vid):
    """@frame with an 802.1Q tag (priority 0) after the MAC addresses."""
    return frame[:12] + struct.pack("!HH", 0x8100, vid) + frame[12:]


def arp(op, sha, spa, tha, tpa, dst):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa,
                       tha, tpa)
    return dst + sha + b"\x08\x06" + body


def receive(s, timeout):
    """(untagged frame, VID or None) of the next frame in, or None."""
    s.settimeout(timeout)
    try:
        data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(20))
    except socket.timeout:
        return None
    if addr[2] == PACKET_OUTGOING:
        return b"", None
    vid = None
    for level, kind, d in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(d) >= 20:
            status, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", d[:20])
            if status & TP_STATUS_VLAN_VALID:
                vid = tci & 0xFFF
    # a tag the kernel left in the frame
    if vid is None and len(data) >= 18 and data[12:14] == b"\x81\x00":
        vid = struct.unpack("!H", data[14:16])[0] & 0xFFF
        data = data[:12] + data[16:]
    return data, vid


def main():
    iface, vid, my_mac, my_ip, port, sbc_ip, sbc_port, count = sys.argv[1:9]
    vid, port, sbc_port, count = int(vid), int(port), int(sbc_port), int(count)
    my_mac, me, sbc = mac(my_mac), ip4(my_ip), ip4(sbc_ip)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    sbc_mac = None

    def handle(frame, fvid):
        nonlocal sbc_mac
        if len(frame) < 42:
            return
        etype = frame[12:14]
        if etype == b"\x08\x06" and fvid == vid:
            op, sha, spa, _, tpa = struct.unpack("!6xH6s4s6s4s", frame[14:42])
            if op == 1 and tpa == me:
                s.send(tag(arp(2, my_mac, me, sha, spa, sha), vid))
            elif op == 2 and spa == sbc and sbc_mac is None:
                sbc_mac = sha
                print("arp %s" % ":".join("%02x" % b for b in sha),
                      flush=True)
        elif etype == b"\x08\x00" and frame[23] == 17:
            ihl = (frame[14] & 0x0F) * 4
            ip = frame[14:14 + ihl]
            udp = frame[14 + ihl:14 + struct.unpack("!H", ip[2:4])[0]]
            if ip[16:20] != me or struct.unpack("!H", udp[2:4])[0] != port:
                return
            good = csum(ip) == 0 and (
                udp[6:8] == b"\0\0" or
                csum(ip[12:20] + struct.pack("!BBH", 0, 17, len(udp)) +
                     udp) == 0)
            print("udp %s:%d %s %s %s" % (
                ip4_str(ip[12:16]), struct.unpack("!H", udp[0:2])[0],
                udp[8:12].hex(), "none" if fvid is None else fvid,
                "OK" if good else "BAD"), flush=True)

    def pump(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            got = receive(s, max(end - time.monotonic(), 0.001))
            if got is None:
                break
            handle(*got)

    for _ in range(3):
        s.send(tag(arp(1, my_mac, me, b"\0" * 6, sbc, BROADCAST), vid))
        pump(1.0)
        if sbc_mac:
            break
    if not sbc_mac:
        print("no ARP reply from %s on VLAN %d" % (sbc_ip, vid), flush=True)
        return 1
    for i in range(count):
        payload = b"\x80\x00" + bytes([0, i]) + b"\0" * 168
        s.send(tag(udp4(my_mac, sbc_mac, my_ip, port, sbc_ip, sbc_port,
                        payload), vid))
        pump(0.05)
    pump(1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
