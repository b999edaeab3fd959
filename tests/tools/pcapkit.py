"""Minimal pcap and Ethernet/ARP/IPv4/UDP helpers for the dataplane tests.

scapy is not installed; the classic pcap format (libpcap, microsecond
timestamps, LINKTYPE_ETHERNET) and the few headers the tests need are
written and parsed here with struct.
"""
import struct

PCAP_MAGIC = 0xA1B2C3D4
BROADCAST = b"\xff" * 6


def mac(text):
    return bytes(int(b, 16) for b in text.split(":"))


def ip4(text):
    return bytes(int(b) for b in text.split("."))


def ip4_str(raw):
    return ".".join(str(b) for b in raw)


def csum(data):
    """RFC 1071 one's complement sum, folded and complemented."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_csum(src, dst, udp):
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    return csum(pseudo + udp)


def udp4(src_mac, dst_mac, src, sport, dst, dport, payload, ttl=64):
    """An Ethernet/IPv4/UDP frame with correct checksums."""
    s, d = ip4(src), ip4(dst)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = udp_csum(s, d, udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, ttl,
                      17, 0, s, d)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return dst_mac + src_mac + b"\x08\x00" + hdr + udp


def arp_request(src_mac, src_ip, target_ip):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src_mac,
                       ip4(src_ip), b"\0" * 6, ip4(target_ip))
    return BROADCAST + src_mac + b"\x08\x06" + body


def rtp(seq, ssrc, payload, pt=0):
    return struct.pack("!BBHII", 0x80, pt, seq, seq * 160, ssrc) + payload


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    frames = []
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return frames
        magic = struct.unpack("<I", hdr[:4])[0]
        order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            incl = struct.unpack(order + "IIII", rec)[2]
            frames.append(f.read(incl))
    return frames


class Frame:
    """A parsed frame: .ethertype, and for IPv4/UDP the fields checked."""

    def __init__(self, raw):
        self.raw = raw
        self.dst_mac, self.src_mac = raw[0:6], raw[6:12]
        self.ethertype = struct.unpack("!H", raw[12:14])[0]
        self.udp = False
        if self.ethertype == 0x0806:
            (_, _, _, _, self.arp_op, self.arp_sha, self.arp_spa,
             self.arp_tha, self.arp_tpa) = struct.unpack(
                 "!HHBBH6s4s6s4s", raw[14:42])
        if self.ethertype != 0x0800:
            return
        ip = raw[14:]
        ihl = (ip[0] & 0x0F) * 4
        self.ip_ok = csum(ip[:ihl]) == 0
        self.ttl = ip[8]
        self.src, self.dst = ip4_str(ip[12:16]), ip4_str(ip[16:20])
        tot = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 17:
            return
        udp = ip[ihl:tot]
        self.udp = True
        self.sport, self.dport, ulen, ucs = struct.unpack("!HHHH", udp[:8])
        self.len_ok = ulen == len(udp)
        self.udp_ok = ucs == 0 or udp_csum(ip[12:16], ip[16:20], udp) == 0
        self.payload = udp[8:]
