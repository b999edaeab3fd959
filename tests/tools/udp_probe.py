#!/usr/bin/env python3
"""udp_probe: the two UDP ends of a dataplane relay test, IPv4 or IPv6.

    udp_probe.py echo ADDR PORT [--count N] [--pt PT] [--idle S] [--stop-mark M]
    udp_probe.py send ADDR PORT DEST DPORT [--count N]

Both print each datagram they receive, as it comes, as "SRC:PORT HEX" (IPv6
sources as "[SRC]:PORT"), HEX being its first 4 bytes in hex.

echo: binds ADDR PORT and sends each datagram back to where it came from
with its 2nd byte (RTP: marker and payload type) set to PT, its 1st to
0x80; exits after COUNT (0: no limit), after IDLE seconds without one, or
on one whose 3rd byte is STOP_MARK (printed, not echoed).

send: binds ADDR PORT and sends COUNT RTP-like datagrams of 172 bytes
(80 00, then the sequence 0..COUNT-1 in two bytes, then zeros) to DEST
DPORT, printing the replies that came in after each and during half a
second after the last.
"""
import argparse
import socket
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def show(data, src):
    fmt = "[%s]:%d %s" if ":" in src[0] else "%s:%d %s"
    print(fmt % (src[0], src[1], data[:4].hex()), flush=True)


def echo(a):
    s = socket.socket(family(a.addr), socket.SOCK_DGRAM)
    s.bind((a.addr, a.port))
    s.settimeout(a.idle)
    n = 0
    try:
        while a.count == 0 or n < a.count:
            data, src = s.recvfrom(2048)
            show(data, src)
            if a.stop_mark is not None and data[2:3] == bytes([a.stop_mark]):
                break
            s.sendto(bytes([0x80, a.pt]) + data[2:], src)
            n += 1
    except socket.timeout:
        pass


def send(a):
    s = socket.socket(family(a.addr), socket.SOCK_DGRAM)
    s.bind((a.addr, a.port))
    s.settimeout(0.05)

    def drain():
        try:
            while True:
                show(*s.recvfrom(2048))
        except socket.timeout:
            pass

    for i in range(a.count):
        s.sendto(b"\x80\x00" + bytes([0, i]) + b"\0" * 168, (a.dest, a.dport))
        drain()
    time.sleep(0.5)
    drain()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="mode", required=True)
    e = sub.add_parser("echo", help="echo datagrams back")
    e.add_argument("addr")
    e.add_argument("port", type=int)
    e.add_argument("--count", type=int, default=0)
    e.add_argument("--pt", type=lambda x: int(x, 0), default=8)
    e.add_argument("--idle", type=float, default=10)
    e.add_argument("--stop-mark", type=lambda x: int(x, 16), default=None)
    s = sub.add_parser("send", help="send RTP-like datagrams")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    s.add_argument("dest")
    s.add_argument("dport", type=int)
    s.add_argument("--count", type=int, default=20)
    a = p.parse_args()
    echo(a) if a.mode == "echo" else send(a)


if __name__ == "__main__":
    main()
