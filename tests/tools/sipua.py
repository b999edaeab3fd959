#!/usr/bin/env python3
"""A minimal SIP user agent over UDP for the subscriber cases: it answers
digest challenges with SHA-256 or MD5 (RFC 7616; sipp 3.6 knows only MD5
and takes the first challenge, which sbcd makes SHA-256 per RFC 8760).

  sipua.py register SERVER LOCAL USER DOMAIN [--password PW] [--alg A]
           [--expires N] [--contact URI] [--no-auth] [--auth-user U]
  sipua.py call SERVER LOCAL USER DOMAIN NUMBER [--password PW] [--alg A]
           [--talk S] [--wait-bye S]

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
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(self.local)
        self.sock.settimeout(0.5)
        self.call_id = "%x@%s" % (random.getrandbits(64), lhost)
        self.tag = "%x" % random.getrandbits(32)
        self.cseq = 0

    def via(self):
        return "SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%x" % (
            self.local[0], self.local[1], random.getrandbits(48))

    def send(self, text):
        self.sock.sendto(text.replace("\n", "\r\n").encode(), self.server)

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
                data, _ = self.sock.recvfrom(65535)
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
    contact = a.contact or "<sip:%s@%s:%d>" % (a.user, ua.local[0],
                                                ua.local[1])
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
            data, _ = ua.sock.recvfrom(65535)
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
    contact = "Contact: <sip:%s@%s:%d>\n" % (a.user, ua.local[0],
                                             ua.local[1])
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
    if a.wait_bye is not None:
        print("time 200 %.3f" % answered, flush=True)
        return wait_bye(ua, a.wait_bye)
    time.sleep(a.talk)
    ua.request("BYE", remote, to_tagged, "")
    status, _ = ua.receive("BYE")
    return 0 if status == 200 else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["register", "call"])
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
    args = p.parse_args()
    ua = UA(args)
    sys.exit(do_register(ua) if args.mode == "register" else do_call(ua))


if __name__ == "__main__":
    main()
