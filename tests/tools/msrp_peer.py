#!/usr/bin/env python3
"""msrp_peer: one MSRP endpoint (RFC 4975) for the MSRP integration case.

    msrp_peer.py --me URI --to PATH (--listen | --connect)
                 [--text TEXT] [--file FILE] [--chunk N] [--expect N]
                 [--timeout S] [--wait-close S]
                 [--tls [--cert PEM --key PEM] [--ca PEM]
                        [--expect-fp "sha-256 AB:..."]]

--me is this endpoint's URI, as its a=path said (it listens on its
host:port with --listen); --to is the path it addresses (the SBC's, from
the SDP it received; --connect connects to its first URI and binds the
connection with a bodiless SEND, section 5.4).  With --listen, --to auto
takes the From-Path of the first request that arrives.  It sends TEXT as one
message, then FILE as one message in chunks of N bytes (Byte-Range,
continuation '+' then '$'), answers every SEND with 200 and waits for
the 200 of each of its own, until it has received EXPECT complete
messages, and says "exchanged" on stderr.  With --wait-close it then
waits up to S seconds for the other end (the relay) to close the
connection.

With --tls it speaks MSRP over TLS (RFC 4975 section 14, msrps:): as a
client it does not verify the server's certificate's chain and presents
--cert/--key when given; --listen needs --cert and --key, and with --ca
asks the client for a certificate of that CA.  With --expect-fp the other
end's certificate must have that fingerprint (an a=fingerprint value,
RFC 8122), or it stops with exit status 1.  The JSON then names the
negotiated version ("tls"); a failed handshake prints {"error": ...} and
exits with 3.

It prints one JSON object: the messages received (by Message-ID: content
type, length, SHA-256, the text when it is text/plain), every To-Path and
From-Path it saw, the status codes of the responses it got ("codes"), its
sends answered, whether the relay closed; exit
status 0 when everything arrived and every message named only --me and
--to, 1 otherwise, 2 on a timeout.
"""
import argparse
import hashlib
import json
import os
import select
import socket
import ssl
import sys
import time


def hostport(uri):
    """host and port of an msrp:// URI's authority"""
    auth = uri.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    if auth.startswith("["):
        host, _, rest = auth[1:].partition("]")
        return host, int(rest[1:] or 2855)
    host, _, port = auth.partition(":")
    return host, int(port or 2855)


def parse(buf):
    """(message, rest) for the first complete message of buf, or None"""
    eol = buf.find(b"\r\n")
    if eol < 0:
        return None
    start = buf[:eol].decode()
    parts = start.split(" ", 2)
    if parts[0] != "MSRP" or len(parts) < 3:
        raise ValueError("not MSRP: %r" % start)
    tid = parts[1]
    end = ("-------" + tid).encode()
    headers, pos = {}, eol + 2
    while True:
        e = buf.find(b"\r\n", pos)
        if e < 0:
            return None
        line = buf[pos:e]
        if line.startswith(end) and len(line) == len(end) + 1:
            msg = dict(tid=tid, start=parts[2], headers=headers, body=None,
                       flag=chr(line[-1]))
            return msg, buf[e + 2:]
        if line == b"":
            break
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
        pos = e + 2
    body_start = e + 2
    needle = b"\r\n" + end
    i = buf.find(needle, body_start)
    while i >= 0:
        if len(buf) < i + len(needle) + 3:
            return None
        flag = buf[i + len(needle):i + len(needle) + 1]
        if flag in (b"+", b"$", b"#") and \
                buf[i + len(needle) + 1:i + len(needle) + 3] == b"\r\n":
            msg = dict(tid=tid, start=parts[2], headers=headers,
                       body=buf[body_start:i], flag=flag.decode())
            return msg, buf[i + len(needle) + 3:]
        i = buf.find(needle, i + 1)
    return None


class Peer:
    def __init__(self, sock, me, to):
        self.sock, self.me, self.to = sock, me, to
        self.buf = b""
        self.n = 0
        self.pending = set()
        self.received = {}
        self.parts = {}
        self.to_paths, self.from_paths = set(), set()
        self.closed = False
        self.answered = 0
        self.codes = []

    def tid(self):
        self.n += 1
        return "t%05d%s" % (self.n, os.urandom(4).hex())

    def send(self, data):
        self.sock.sendall(data)

    def request(self, headers, body=None, flag="$", ctype=None):
        tid = self.tid()
        out = ["MSRP %s SEND" % tid, "To-Path: " + self.to,
               "From-Path: " + self.me] + headers
        if body is not None:
            out += ["Content-Type: " + ctype, "", ""]
            data = "\r\n".join(out).encode() + body + \
                ("\r\n-------%s%s\r\n" % (tid, flag)).encode()
        else:
            data = ("\r\n".join(out) + "\r\n-------%s%s\r\n" %
                    (tid, flag)).encode()
        self.pending.add(tid)
        self.send(data)

    def respond(self, msg):
        self.send(("MSRP %s 200 OK\r\nTo-Path: %s\r\nFrom-Path: %s\r\n"
                   "-------%s$\r\n" % (msg["tid"],
                                       msg["headers"].get("from-path", ""),
                                       self.me, msg["tid"])).encode())

    def handle(self, msg):
        h = msg["headers"]
        self.to_paths.add(h.get("to-path", ""))
        self.from_paths.add(h.get("from-path", ""))
        if msg["start"][:3].isdigit():      # a response
            code = msg["start"].split(" ")[0]
            self.codes.append(int(code))
            if code == "200" and msg["tid"] in self.pending:
                self.pending.discard(msg["tid"])
                self.answered += 1
            return
        if msg["start"] != "SEND":
            return
        if h.get("failure-report", "yes") != "no":
            self.respond(msg)
        if msg["body"] is None:
            return
        mid = h.get("message-id", "")
        first = int(h.get("byte-range", "1-*/*").split("-")[0])
        part = self.parts.setdefault(mid, bytearray())
        if len(part) < first - 1 + len(msg["body"]):
            part.extend(b"\0" * (first - 1 + len(msg["body"]) - len(part)))
        part[first - 1:first - 1 + len(msg["body"])] = msg["body"]
        if msg["flag"] == "$":
            data = bytes(part)
            entry = dict(type=h.get("content-type"), len=len(data),
                         sha256=hashlib.sha256(data).hexdigest())
            if entry["type"] == "text/plain":
                entry["text"] = data.decode()
            self.received[mid] = entry

    def pump(self, timeout):
        # TLS may hold decrypted bytes that select() does not see
        held = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()
        r, _, _ = select.select([self.sock], [], [], 0 if held else timeout)
        if not r and not held:
            return
        try:
            data = self.sock.recv(262144)
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            return
        self.buf += data
        while True:
            got = parse(self.buf)
            if not got:
                break
            msg, self.buf = got
            self.handle(msg)


def fingerprint(sock):
    """the a=fingerprint value (RFC 8122) of the other end's certificate,
    with the hash of --expect-fp"""
    der = sock.getpeercert(binary_form=True)
    return der and hashlib.sha256(der).hexdigest().upper()


def tls_wrap(ctx, sock, a, **kw):
    """the TLS socket over sock, or exit 3 when the handshake fails; 1
    when the other end's certificate is not --expect-fp's"""
    try:
        tls = ctx.wrap_socket(sock, **kw)
    except (ssl.SSLError, OSError) as e:
        print(json.dumps(dict(error="tls: %s" % e)))
        sys.exit(3)
    if a.expect_fp:
        name, _, want = a.expect_fp.partition(" ")
        got = fingerprint(tls)
        if name.lower() != "sha-256" or \
                want.replace(":", "").upper() != got:
            print(json.dumps(dict(error="certificate sha-256 %s, not %s" %
                                  (got, a.expect_fp))))
            sys.exit(1)
    return tls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--me", required=True)
    ap.add_argument("--to", required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--listen", action="store_true")
    mode.add_argument("--connect", action="store_true")
    ap.add_argument("--text")
    ap.add_argument("--file")
    ap.add_argument("--chunk", type=int, default=16384)
    ap.add_argument("--expect", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--wait-close", type=float, default=0)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--ca")
    ap.add_argument("--expect-fp")
    a = ap.parse_args()
    deadline = time.time() + a.timeout

    if a.listen:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(hostport(a.me))
        ls.listen(1)
        ls.settimeout(a.timeout)
        try:
            sock, src = ls.accept()
        except socket.timeout:
            print(json.dumps(dict(error="no connection")))
            return 2
        ls.close()
        if a.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(a.cert, a.key)
            if a.ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(a.ca)
            sock = tls_wrap(ctx, sock, a, server_side=True)
    else:
        sock = socket.create_connection(hostport(a.to), timeout=a.timeout)
        src = sock.getpeername()
        if a.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            if a.cert:
                ctx.load_cert_chain(a.cert, a.key)
            sock = tls_wrap(ctx, sock, a)
    sock.setblocking(True)
    # what was negotiated, asked now: a closed TLS socket no longer says
    version = sock.version() if a.tls else None
    p = Peer(sock, a.me, a.to)
    while p.to == "auto" and not p.closed and time.time() < deadline:
        p.pump(0.2)
        if p.from_paths:
            p.to = sorted(p.from_paths)[0]
    if a.connect:
        p.request([])
    if a.text is not None:
        body = a.text.encode()
        p.request(["Message-ID: text-%s" % os.urandom(4).hex(),
                   "Byte-Range: 1-%d/%d" % (len(body), len(body))],
                  body, "$", "text/plain")
    if a.file:
        data = open(a.file, "rb").read()
        mid = "file-%s" % os.urandom(4).hex()
        for off in range(0, len(data), a.chunk):
            part = data[off:off + a.chunk]
            last = off + a.chunk >= len(data)
            p.request(["Message-ID: " + mid,
                       "Byte-Range: %d-%d/%d" % (off + 1, off + len(part),
                                                 len(data))],
                      part, "$" if last else "+",
                      "application/octet-stream")
            # keep the window small: every chunk is answered
            while len(p.pending) > 4 and time.time() < deadline and \
                    not p.closed:
                p.pump(0.2)
    while (p.pending or len(p.received) < a.expect) and not p.closed and \
            time.time() < deadline:
        p.pump(0.2)
    done = not p.pending and len(p.received) >= a.expect
    if done:
        print("exchanged", file=sys.stderr, flush=True)
    if done and a.wait_close:
        end = min(deadline, time.time() + a.wait_close)
        while not p.closed and time.time() < end:
            p.pump(0.2)
    print(json.dumps(dict(peer="%s:%d" % src[:2], to=p.to,
                          received=p.received,
                          to_paths=sorted(p.to_paths),
                          from_paths=sorted(p.from_paths),
                          answered=p.answered, pending=len(p.pending),
                          codes=p.codes,
                          closed=p.closed,
                          tls=version), indent=1))
    if not done:
        return 2
    ok = p.to_paths <= {a.me} and p.from_paths <= {p.to}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
