#!/usr/bin/env python3
"""A minimal SIP user agent over UDP or TLS for the subscriber and TLS
cases: it answers digest challenges with SHA-256 or MD5 (RFC 7616; sipp
3.6 knows only MD5 and takes the first challenge, which sbcd makes SHA-256
per RFC 8760), and Debian's sipp has no TLS.

  sipua.py register SERVER LOCAL USER DOMAIN [--password PW] [--alg A]
           [--expires N] [--contact URI] [--no-auth] [--auth-user U]
           [--then-answer]
  sipua.py call SERVER LOCAL USER DOMAIN NUMBER [--password PW] [--alg A]
           [--talk S] [--wait-bye S] [--drop]
  sipua.py answer SERVER LOCAL USER DOMAIN [--wait-bye S]
  sipua.py message SERVER LOCAL USER DOMAIN TARGET [--password PW]
           [--alg A] [--body TEXT | --body-size N] [--content-type T]
  sipua.py listen SERVER LOCAL USER DOMAIN [--count N] [--timeout S]
           [--answer CODE]

message sends one MESSAGE (RFC 3428) to TARGET, a URI or a user (then
sip:TARGET@DOMAIN), answering a 407 once; its body is TEXT (default
"hello") or N bytes of filler.  listen answers every MESSAGE it receives
with CODE (default 200) and prints it; it exits 0 after N of them
(default 1), 2 when S seconds (default 10) pass first.

With --tls [--ca FILE] the UA connects to SERVER over TLS (1.2 or newer,
verifying the server against FILE when given) and keeps that one
connection.  `answer` answers the first INVITE 200 with SDP and waits
for the ACK and the BYE; with --tls it takes one TLS connection on LOCAL
with --cert FILE (certificate and key), and SERVER may be "-".  --drop ends a call by closing the
connection after the ACK, without BYE (a caller whose transport dies).
register --then-answer stays on the connection it registered over and
answers a call that comes to it there, as `answer` does.

SERVER and LOCAL are ADDR:PORT.  Every message received is printed to
stdout, each followed by a line "----".  Exit status 0 when the final
answer to the (last) request was 2xx, 1 otherwise, 2 on a timeout.

With --wait-bye S a call is not hung up: sipua waits up to S seconds for
the other side's BYE, answers it 200 and prints the wall-clock times the
200 to the INVITE and the BYE arrived, as "time 200 T" and "time BYE T"
(seconds since the epoch); exit status 2 when no BYE came.
"""
import argparse
import hashlib
import random
import re
import socket
import ssl
import sys
import time


def hexdigest(alg, text):
    h = hashlib.sha256 if alg == "SHA-256" else hashlib.md5
    return h(text.encode()).hexdigest()


def parse(data):
    head = data.decode(errors="replace").split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    m = re.match(r"SIP/2.0 (\d+)", lines[0])
    return (int(m.group(1)) if m else 0), headers


def header(headers, name):
    return [v for n, v in headers if n == name]


def challenge_params(value):
    params = {k: a or b for k, a, b in
              re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', value)}
    params.setdefault("algorithm", "MD5")
    return params


class UA:
    def __init__(self, args):
        self.args = args
        host, port = args.server.split(":")
        self.server = (host, int(port))
        lhost, lport = args.local.split(":")
        self.local = (lhost, int(lport))
        self.buf = b""
        if args.tls:
            self.sock = self.tls_socket(args)
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind(self.local)
        self.sock.settimeout(0.5)
        self.call_id = "%x@%s" % (random.getrandbits(64), lhost)
        self.tag = "%x" % random.getrandbits(32)
        self.cseq = 0

    def tls_socket(self, args):
        """A TLS client connection to SERVER, or (answer) one accepted."""
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        raw.bind(self.local)
        if args.mode == "answer":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args.cert)
            raw.listen(1)
            raw.settimeout(args.wait_bye or 10.0)
            conn, _ = raw.accept()
            raw.close()
            return ctx.wrap_socket(conn, server_side=True)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.check_hostname = False
        if args.ca:
            ctx.load_verify_locations(args.ca)
        else:
            ctx.verify_mode = ssl.CERT_NONE
        raw.settimeout(5.0)
        raw.connect(self.server)
        tls = ctx.wrap_socket(raw)
        print("tls %s" % tls.version(), flush=True)
        return tls

    def proto(self):
        return "TLS" if self.args.tls else "UDP"

    def via(self):
        return "SIP/2.0/%s %s:%d;rport;branch=z9hG4bK%x" % (
            self.proto(), self.local[0], self.local[1],
            random.getrandbits(48))

    def contact(self):
        return "<sip:%s@%s:%d%s>" % (self.args.user, self.local[0],
                                     self.local[1],
                                     ";transport=tls" if self.args.tls
                                     else "")

    def send(self, text):
        data = text.replace("\n", "\r\n").encode()
        if self.args.tls:
            self.sock.sendall(data)
        else:
            self.sock.sendto(data, self.server)

    def recv(self):
        """One message; socket.timeout when none within 0.5 s."""
        if not self.args.tls:
            data, peer = self.sock.recvfrom(65535)
            self.peer = peer
            return data
        while True:
            head, sep, rest = self.buf.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)",
                              head)
                size = int(m.group(1)) if m else 0
                if len(rest) >= size:
                    self.buf = rest[size:]
                    return head + sep + rest[:size]
            chunk = self.sock.recv(65535)
            if not chunk:
                print("connection closed by the peer")
                sys.exit(3)
            self.buf += chunk

    def request(self, method, uri, to, extra, body="", cseq=None, via=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        msg = ("%s %s SIP/2.0\nVia: %s\nMax-Forwards: 70\n"
               "From: <sip:%s@%s>;tag=%s\nTo: %s\nCall-ID: %s\n"
               "CSeq: %d %s\n%sContent-Length: %d\n\n%s") % (
            method, uri, via or self.via(), self.args.user, self.args.domain,
            self.tag, to, self.call_id, cseq, method, extra,
            len(body.replace("\n", "\r\n")), body)
        self.send(msg)

    def receive(self, method, deadline=10.0, final=True):
        """Responses to METHOD until a final one (or any with final=False)."""
        end = time.time() + deadline
        while time.time() < end:
            try:
                data = self.recv()
            except socket.timeout:
                continue
            status, headers = parse(data)
            cseq = (header(headers, "cseq") or [""])[0]
            if not status or not cseq.endswith(method):
                continue
            print(data.decode(errors="replace").rstrip("\r\n"))
            print("----", flush=True)
            if status >= 200 or not final:
                return status, headers
        print("timeout waiting for a response to %s" % method)
        sys.exit(2)

    def authorization(self, headers, status, method, uri):
        name = "www-authenticate" if status == 401 else "proxy-authenticate"
        offers = [challenge_params(v) for v in header(headers, name)]
        offer = next((o for o in offers
                      if o["algorithm"].upper() == self.args.alg), None)
        if offer is None:
            print("no %s challenge offered" % self.args.alg)
            sys.exit(1)
        self.nc = getattr(self, "nc", 0) + 1
        nc = "%08x" % self.nc
        cnonce = "%x" % random.getrandbits(64)
        alg = offer["algorithm"].upper()
        user = self.args.auth_user or self.args.user
        ha1 = hexdigest(alg, "%s:%s:%s" % (user, offer["realm"],
                                           self.args.password))
        ha2 = hexdigest(alg, "%s:%s" % (method, uri))
        resp = hexdigest(alg, "%s:%s:%s:%s:auth:%s" % (
            ha1, offer["nonce"], nc, cnonce, ha2))
        value = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                 'response="%s", algorithm=%s, cnonce="%s", qop=auth, '
                 'nc=%s') % (user, offer["realm"], offer["nonce"],
                             uri, resp, offer["algorithm"], cnonce, nc)
        hname = "Authorization" if status == 401 else "Proxy-Authorization"
        return "%s: %s\n" % (hname, value)


def do_register(ua):
    a = ua.args
    uri = "sip:%s" % a.domain
    to = "<sip:%s@%s>" % (a.user, a.domain)
    contact = a.contact or ua.contact()
    extra = "Contact: %s\nExpires: %d\n" % (contact, a.expires)
    ua.request("REGISTER", uri, to, extra)
    status, headers = ua.receive("REGISTER")
    tries = 0
    while status == 401 and not a.no_auth and tries < 2:
        tries += 1
        ua.request("REGISTER", uri, to,
                   extra + ua.authorization(headers, status, "REGISTER", uri))
        status, headers = ua.receive("REGISTER")
    return 0 if 200 <= status < 300 else 1


SDP = """v=0
o=sub 1 1 IN IP4 %s
s=-
c=IN IP4 %s
t=0 0
m=audio 40000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
"""


def wait_bye(ua, seconds):
    """Answer the first BYE received within SECONDS with 200."""
    end = time.time() + seconds
    while time.time() < end:
        try:
            data = ua.recv()
        except socket.timeout:
            continue
        now = time.time()
        text = data.decode(errors="replace")
        if not text.startswith("BYE "):
            continue
        print(text.rstrip("\r\n"))
        print("----")
        print("time BYE %.3f" % now, flush=True)
        head = text.split("\r\n\r\n", 1)[0].split("\r\n")
        keep = [l for l in head[1:] if l.split(":", 1)[0].strip().lower()
                in ("via", "v", "from", "f", "to", "t", "call-id", "i",
                    "cseq")]
        ua.send("SIP/2.0 200 OK\n%s\nContent-Length: 0\n\n" %
                "\n".join(keep))
        return 0
    print("timeout waiting for a BYE")
    return 2


def do_call(ua):
    a = ua.args
    uri = "sip:%s@%s:%d" % (a.number, ua.server[0], ua.server[1])
    to = "<sip:%s@%s>" % (a.number, a.domain)
    contact = "Contact: %s\n" % ua.contact()
    extra = contact + "Content-Type: application/sdp\n"
    body = SDP % (ua.local[0], ua.local[0])
    via = ua.via()
    ua.request("INVITE", uri, to, extra, body, via=via)
    status, headers = ua.receive("INVITE")
    if status == 407:
        to_tagged = header(headers, "to")[0]
        ua.request("ACK", uri, to_tagged, "", cseq=ua.cseq, via=via)
        auth = ua.authorization(headers, status, "INVITE", uri)
        ua.request("INVITE", uri, to, extra + auth, body)
        status, headers = ua.receive("INVITE")
    answered = time.time()
    if not 200 <= status < 300:
        return 1
    to_tagged = header(headers, "to")[0]
    remote = re.search(r"<([^>]+)>", header(headers, "contact")[0]).group(1)
    ua.request("ACK", remote, to_tagged, "", cseq=ua.cseq)
    if a.drop:
        time.sleep(a.talk)
        ua.sock.close()
        print("connection dropped", flush=True)
        return 0
    if a.wait_bye is not None:
        print("time 200 %.3f" % answered, flush=True)
        return wait_bye(ua, a.wait_bye)
    time.sleep(a.talk)
    ua.request("BYE", remote, to_tagged, "")
    status, _ = ua.receive("BYE")
    return 0 if status == 200 else 1


def reply(ua, request, status, extra="", body=""):
    """A response to REQUEST (text) with its Via, From, To, Call-ID, CSeq."""
    head = request.split("\r\n\r\n", 1)[0].split("\r\n")
    keep = [l for l in head[1:] if l.split(":", 1)[0].strip().lower()
            in ("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq")]
    if status > 100:
        keep = [l + ";tag=%s" % ua.tag
                if l.split(":", 1)[0].strip().lower() in ("to", "t")
                and ";tag=" not in l else l for l in keep]
    ua.send("SIP/2.0 %s\n%s\n%sContent-Length: %d\n\n%s" % (
        status_line(status), "\n".join(keep), extra,
        len(body.replace("\n", "\r\n")), body))


def status_line(status):
    return {100: "100 Trying", 200: "200 OK"}[status]


def do_answer(ua):
    """Answer the first INVITE 200, then wait for its ACK and BYE."""
    a = ua.args
    end = time.time() + (a.wait_bye or 10.0)
    acked = False
    while time.time() < end:
        try:
            text = ua.recv().decode(errors="replace")
        except socket.timeout:
            continue
        print(text.rstrip("\r\n"))
        print("----", flush=True)
        if text.startswith("INVITE "):
            reply(ua, text, 100)
            body = SDP % (ua.local[0], ua.local[0])
            reply(ua, text, 200, "Contact: %s\nContent-Type: "
                  "application/sdp\n" % ua.contact(), body)
        elif text.startswith("ACK "):
            acked = True
        elif text.startswith("BYE "):
            reply(ua, text, 200)
            return 0 if acked else 1
    print("timeout waiting for the call to end")
    return 2


def do_message(ua):
    a = ua.args
    uri = a.number if ":" in a.number else "sip:%s@%s" % (a.number,
                                                          a.domain)
    body = a.body if a.body_size is None else "x" * a.body_size
    extra = "Content-Type: %s\n" % a.content_type
    ua.request("MESSAGE", uri, "<%s>" % uri, extra, body)
    status, headers = ua.receive("MESSAGE")
    if status == 407:
        auth = ua.authorization(headers, status, "MESSAGE", uri)
        ua.request("MESSAGE", uri, "<%s>" % uri, extra + auth, body)
        status, headers = ua.receive("MESSAGE")
    return 0 if 200 <= status < 300 else 1


def do_listen(ua):
    """Answer MESSAGEs with --answer until --count of them arrived."""
    a = ua.args
    end = time.time() + a.timeout
    got = 0
    while time.time() < end and got < a.count:
        try:
            text = ua.recv().decode(errors="replace")
        except socket.timeout:
            continue
        if not text.startswith("MESSAGE "):
            continue
        got += 1
        print(text.rstrip("\r\n"))
        print("----", flush=True)
        head = text.split("\r\n\r\n", 1)[0].split("\r\n")
        keep = [l for l in head[1:] if l.split(":", 1)[0].strip().lower()
                in ("via", "v", "from", "f", "to", "t", "call-id", "i",
                    "cseq")]
        keep = [l + ";tag=%s" % ua.tag
                if l.split(":", 1)[0].strip().lower() in ("to", "t")
                and ";tag=" not in l else l for l in keep]
        ua.send("SIP/2.0 %d Answer\n%s\nContent-Length: 0\n\n" %
                (a.answer, "\n".join(keep)))
    if got < a.count:
        print("timeout: %d of %d MESSAGEs received" % (got, a.count))
        return 2
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["register", "call", "answer",
                                    "message", "listen"])
    p.add_argument("server")
    p.add_argument("local")
    p.add_argument("user")
    p.add_argument("domain")
    p.add_argument("number", nargs="?")
    p.add_argument("--password", default="")
    p.add_argument("--alg", default="SHA-256", choices=["SHA-256", "MD5"])
    p.add_argument("--expires", type=int, default=3600)
    p.add_argument("--contact")
    p.add_argument("--no-auth", action="store_true")
    p.add_argument("--auth-user", help="digest username, if not USER")
    p.add_argument("--talk", type=float, default=0.5)
    p.add_argument("--wait-bye", type=float,
                   help="wait this long for the other side's BYE")
    p.add_argument("--drop", action="store_true",
                   help="after the ACK, close the connection without BYE")
    p.add_argument("--tls", action="store_true", help="SIP over TLS")
    p.add_argument("--ca", help="CA file the TLS server must chain to")
    p.add_argument("--cert", help="answer: certificate and key (PEM)")
    p.add_argument("--then-answer", action="store_true",
                   help="register: then answer a call on the connection")
    p.add_argument("--body", default="hello", help="message: the text")
    p.add_argument("--body-size", type=int, help="message: filler bytes")
    p.add_argument("--content-type", default="text/plain")
    p.add_argument("--count", type=int, default=1,
                   help="listen: MESSAGEs to receive")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="listen: seconds to wait for them")
    p.add_argument("--answer", type=int, default=200,
                   help="listen: the status to answer with")
    args = p.parse_args()
    if args.mode == "answer" and args.server == "-":
        args.server = args.local
    ua = UA(args)
    modes = {"register": do_register, "call": do_call, "answer": do_answer,
             "message": do_message, "listen": do_listen}
    rc = modes[args.mode](ua)
    if rc == 0 and args.mode == "register" and args.then_answer:
        rc = do_answer(ua)
    sys.exit(rc)


if __name__ == "__main__":
    main()
