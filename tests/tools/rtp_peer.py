#!/usr/bin/env python3
"""rtp_peer: one RTP endpoint for the media integration tests.

    rtp_peer.py BIND_IP:PORT [--to IP:PORT] [--count N] [--interval S]
                [--linger S] [--ssrc N] [--pt N] [--packets FILE]
                [--after-first S]

Binds BIND_IP:PORT, sends COUNT RTP packets (version 2, payload type PT,
sequence numbers from 0, 160 bytes of payload holding the sequence number)
to --to every INTERVAL seconds, or the packets of FILE as they are (one
UDP payload per line, hex, e.g. SRTP made by srtp_check -p), and prints
every packet it receives until LINGER seconds after the last one sent (or
after the last received, when it sends nothing) as "SRC_IP:PORT HEX".
With --after-first it starts sending only when the first packet arrives
(waiting at most S seconds): a peer answering media never sends before the
other side, started after it, is listening.
"""
import argparse
import select
import socket
import struct
import sys
import time


def addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def rtp(seq, ssrc, pt):
    payload = struct.pack("!H", seq) * 80
    return struct.pack("!BBHII", 0x80, pt, seq, seq * 160, ssrc) + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bind", type=addr)
    p.add_argument("--to", type=addr)
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--interval", type=float, default=0.02)
    p.add_argument("--linger", type=float, default=1.0)
    p.add_argument("--ssrc", type=int, default=0x11223344)
    p.add_argument("--pt", type=int, default=0)
    p.add_argument("--packets")
    p.add_argument("--after-first", type=float, metavar="S")
    a = p.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(a.bind)
    if a.packets:
        with open(a.packets) as f:
            out = [bytes.fromhex(line.strip()) for line in f if line.strip()]
    elif a.to:
        out = [rtp(i, a.ssrc, a.pt) for i in range(a.count)]
    else:
        out = []
    waiting = bool(a.after_first and out)
    if waiting:
        deadline = time.monotonic() + a.after_first
        next_send = float("inf")
    else:
        deadline = time.monotonic() + a.linger + a.interval * len(out)
        next_send = time.monotonic()
    while time.monotonic() < deadline:
        now = time.monotonic()
        if out and now >= next_send:
            s.sendto(out.pop(0), a.to)
            next_send = now + a.interval
            if not out:
                deadline = now + a.linger
        wait = max(0.0, min(deadline, next_send if out else deadline) - now)
        r, _, _ = select.select([s], [], [], wait)
        if r:
            data, src = s.recvfrom(4096)
            print("%s:%d %s" % (src[0], src[1], data.hex()), flush=True)
            if waiting:
                waiting = False
                next_send = time.monotonic()
                deadline = next_send + a.linger + a.interval * len(out)
            if not a.to:
                deadline = time.monotonic() + a.linger
    return 0


if __name__ == "__main__":
    sys.exit(main())
