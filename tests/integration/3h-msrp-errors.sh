#!/bin/bash
# MSRP relay: error answers and TLS peer certificates (RFC 4975 sections
# 7.2, 10 and 14.1; a=fingerprint of RFC 8122).  Both realms have a
# certificate from a throwaway CA, dataplane.msrp_tls_ca is that CA and
# msrp_max_chunk is 4096 (and no OPTIONS pings: five calls in a row to one
# sipp gateway, which answers no OPTIONS, must not mark it down).
#
# 1. A TCP session (the PBX connects, the relay connects to the carrier).
#    On the PBX's bound connection: an unknown method gets 501, a SEND
#    naming another session 481, a REPORT no answer (it goes on to the
#    carrier), a SEND goes through; a request with a line that is no
#    header is not MSRP: that connection is closed (no 400: the relay
#    cannot frame what follows); a chunk over msrp_max_chunk closes the
#    PBX's next connection.  The carrier's connection lives through all of
#    it and gets the messages sent before and after; the relay stays up.
# 2. TLS toward the carrier, whose answer gives a=fingerprint: a carrier
#    presenting another certificate is refused in the handshake, counted
#    (bad_certs) and not connected again; one presenting the right one,
#    self-signed, carries the session.  Then the PBX, whose offer gave
#    a=fingerprint too: a client with another certificate gets 403 and is
#    closed, one with the right certificate is bound.  Every a=fingerprint
#    the SBC sends is that of its own certificate, which each peer checks.
# 3. TLS toward a carrier that gave no a=fingerprint: its chain must lead
#    to msrp_tls_ca: a self-signed certificate is refused, one the CA
#    signed carries the session.
# And the configuration check refuses an msrp_tls_ca that is no file or
# holds no certificate.
#
#   access ns                          sbc ns                          carrier ns
#   sipp uac 10.10.1.10:5070 ---SIP---> 10.10.1.1 sbcd 10.10.2.1 --SIP--> sipp uas 10.10.2.10:5060
#   probe / msrp_peer ---TCP|TLS-----> 10.10.1.1:2855|2856 [sbc-dataplane]
#                                          relay thread, kernel sockets
#                                       10.10.2.1:* ---TCP|TLS--------> msrp_peer 10.10.2.10:8888|8889
#                                                                        (listens)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"
. "$(dirname "$0")/msrp-lib.sh"

PBX_URI="msrp://10.10.1.10:7777/pbx7s3kq;tcp"
PBXS_URI="msrps://10.10.1.10:7777/pbx7s3kq;tcp"
GW_URI="msrp://10.10.2.10:8888/gw9d7wq2;tcp"
GWS_URI="msrps://10.10.2.10:8889/gw9d7wq2;tcp"
TLS=$WORK/tls
NOFP="a=accept-wrapped-types:*"

tls_certs "$TLS" 10.10.1.1 10.10.2.1
# self-signed certificates of the peers: gw, pbx, and an impostor
for n in gw pbx other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$TLS/$n.key" -out "$TLS/$n.crt" -days 1 -subj "/CN=$n" \
		2>/dev/null
	[ -s "$TLS/$n.crt" ] || fail "openssl could not make $n.crt"
done
# fp FILE: the SHA-256 fingerprint of a certificate, as a=fingerprint has it
fp() {
	echo "sha-256 $(openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//')"
}
SBC_FP=$(fp "$TLS/sbc.crt")

CONF_SED="
s|media_address = \"10.10.[12].2\";|&\ntls_cert = \"$TLS/sbc.crt\"; tls_key = \"$TLS/sbc.key\";|
s|msrp_max_chunk = 65536;|msrp_max_chunk = 4096;\n\tmsrp_tls_ca = \"$TLS/ca.crt\";|
s|gateway_ping = 30;|gateway_ping = 0;|"
media_lab_up
grep -q "msrp_tls_ca = \"$TLS/ca.crt\"" "$CONF" || fail "no msrp_tls_ca in $CONF"
grep -q "gateway_ping = 0;" "$CONF" || fail "gateway pings not off in $CONF"
# the configuration check: msrp_tls_ca must be a file with a certificate
"$B/sbcd" --check -c "$CONF" >/dev/null || fail "sbcd --check refuses msrp_tls_ca"
for bad in "$WORK/none.pem:No such file" "$TLS:not a regular file" \
	"$TLS/ca.key:no PEM certificate"; do
	sed -e "s|msrp_tls_ca = \"$TLS/ca.crt\"|msrp_tls_ca = \"${bad%%:*}\"|" \
		"$CONF" >"$WORK/bad.conf"
	out=$("$B/sbc-dataplane" --check -c "$WORK/bad.conf" 2>&1) &&
		fail "msrp_tls_ca ${bad%%:*} accepted"
	expect_match "$out" "msrp_tls_ca.*${bad#*:}" "msrp_tls_ca ${bad%%:*}"
done
grep -q "msrp: relay up, at most .* chunks up to 4096 bytes" "$WORK/dp.log" ||
	fail "no MSRP relay: $(cat "$WORK/dp.log")"

# relay_is PYTHON-EXPR: the relay's counters (m) satisfy it (waiting at
# most 5 s for connections the peers closed to go)
relay_is() {
	local i
	for i in $(seq 25); do
		python3 - "$(msrp_json)" "$1" <<'PY' && return 0
import json, sys
m = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
		sleep 0.2
	done
	fail "relay: not $1: $(msrp_json) $(grep "msrp: " "$WORK/dp.log" | tail -8)"
}

# gw_listen NAME PORT ARGS...: the carrier's peer listens (in the
# background, $gw_peer), its output in $WORK/NAME.json and NAME.err
gw_listen() {
	local name=$1 port=$2
	shift 2
	in_carrier timeout 60 python3 "$MSRP_PEER" --listen --to auto --timeout 30 \
		"$@" >"$WORK/$name.json" 2>"$WORK/$name.err" &
	gw_peer=$!
	CLEANUP_PIDS+=("$gw_peer")
	tcp_listening in_carrier "$port"
}

# tls_call NAME GW_ATTR PBX_ATTR MS: a call whose MSRP is TLS on both legs,
# the carrier's answer and the PBX's offer with one more attribute each;
# the PBX hangs up after MS
tls_call() {
	sipp_uas gw1 $GW1 uas-msrp-tls-fp.xml 1 -key fpattr "$2" \
		-trace_msg -message_file "$WORK/$1-uas.msg"
	sipp_uac_bg uac-msrp-tls-fp.xml -d "$4" -key fpattr "$3" \
		-trace_msg -message_file "$WORK/$1-uac.msg"
	media_call_wait >/dev/null
}

call_done() {
	uac_wait || fail "sipp uac"
	uas_wait gw1 || fail "sipp uas"
	calls_gone
	media_idle
}

# gw_status WANT: the carrier's peer ended with exit status WANT
gw_status() {
	local rc=0
	wait "$gw_peer" || rc=$?
	[ "$rc" -eq "$1" ] || fail "carrier's MSRP peer: $rc, not $1: $(cat "$WORK"/gw*.json "$WORK"/gw*.err)"
}

# --- 1. error answers on a TCP session --------------------------------------
gw_listen gw1 8888 --me "$GW_URI" --expect 2 --wait-close 40
sipp_uas gw1 $GW1 uas-msrp.xml 1 -trace_msg -message_file "$WORK/uas.msg"
sipp_uac_bg uac-msrp.xml -d 25000 -trace_msg -message_file "$WORK/uac.msg"
media_call_wait >/dev/null
sbc_a=$(sdp_path "$WORK/uac.msg")
case "$sbc_a" in msrp://10.10.1.1:2855/*\;tcp) ;; *) fail "PBX got a=path '$sbc_a'" ;; esac

in_access timeout 60 python3 -B - "$TOP/tests/tools" "$sbc_a" "$PBX_URI" <<'PY' ||
import socket, sys
sys.path.insert(0, sys.argv[1])
from msrp_peer import parse
sbc, me = sys.argv[2], sys.argv[3]

class Conn:
    """one TCP connection of the PBX to the relay"""
    def __init__(self):
        self.s = socket.create_connection(("10.10.1.1", 2855), timeout=10)
        self.buf = b""

    def request(self, tid, method="SEND", to=sbc, body=None, extra=""):
        head = "MSRP %s %s\r\nTo-Path: %s\r\nFrom-Path: %s\r\n%s" % (
            tid, method, to, me, extra)
        if body is None:
            data = (head + "-------%s$\r\n" % tid).encode()
        else:
            data = (head + "Message-ID: %s\r\nByte-Range: 1-%d/%d\r\n"
                    "Content-Type: text/plain\r\n\r\n" %
                    (tid, len(body), len(body))).encode() + body + \
                ("\r\n-------%s$\r\n" % tid).encode()
        self.s.sendall(data)

    def next(self):
        """the next message from the relay, None once it closed"""
        while True:
            got = parse(self.buf)
            if got:
                msg, self.buf = got
                return msg
            try:
                data = self.s.recv(65536)
            except ConnectionResetError:
                return None
            if not data:
                return None
            self.buf += data

    def status(self, tid):
        msg = self.next()
        assert msg and msg["tid"] == tid, (tid, msg)
        return int(msg["start"].split(" ")[0])

c = Conn()
c.request("bind0001")
assert c.status("bind0001") == 200
# RFC 4975 section 10.9: a method the relay does not know
c.request("meth0001", method="FETCH")
assert c.status("meth0001") == 501
# section 7.3: a session this connection is not bound to (none: 481)
c.request("sess0001", to="msrp://10.10.1.1:2855/nosuchsession;tcp")
assert c.status("sess0001") == 481
# section 7.1.2: a REPORT is never answered: the next answer is the SEND's
c.request("rept0001", method="REPORT",
          extra="Message-ID: text0000\r\nByte-Range: 1-5/5\r\n"
                "Status: 000 200 OK\r\n")
c.request("text0001", body=b"first")
assert c.status("text0001") == 200
# a header line that is no header: not MSRP, the connection is closed
c.s.sendall(b"MSRP bad00001 SEND\r\nTo-Path: " + sbc.encode() +
            b"\r\nFrom-Path: " + me.encode() +
            b"\r\nno header here\r\n-------bad00001$\r\n")
assert c.next() is None, "still open after bytes that are not MSRP"

# a chunk over msrp_max_chunk (4096) closes the connection that sent it
c = Conn()
c.request("bind0002")
assert c.status("bind0002") == 200
try:
    c.request("huge0001", body=b"x" * 6000)
except (BrokenPipeError, ConnectionResetError):
    pass
assert c.next() is None, "still open after a chunk over msrp_max_chunk"

# the session goes on: a new connection binds and is relayed
c = Conn()
c.request("bind0003")
assert c.status("bind0003") == 200
c.request("text0002", body=b"second")
assert c.status("text0002") == 200
PY
	fail "error answers: $(msrp_json) $(tail -5 "$WORK/dp.log")"
# two connections closed for bad MSRP; the carrier's still bound
relay_is 'm["errors"] == 2 and m["refused"] == 0 and m["bad_certs"] == 0 and m["legs"] == 2'
relay_is 'm["connections"] == 1 and m["bound"] == 1'
call_done
gw_status 0
python3 - "$WORK/gw1.json" <<'PY' || fail "carrier's peer: $(cat "$WORK/gw1.json")"
import json, sys
g = json.load(open(sys.argv[1]))
assert sorted(m["text"] for m in g["received"].values()) == ["first", "second"], g
assert g["closed"], g
PY
msrp_relay_empty

# --- 2. a=fingerprint: the carrier's, then the PBX's -------------------------
# the carrier presents another certificate than its a=fingerprint's
gw_listen gw2 8889 --me "$GWS_URI" --tls --cert "$TLS/other.crt" --key "$TLS/other.key"
tls_call c2 "a=fingerprint:$(fp "$TLS/gw.crt")" "$NOFP" 4000
gw_status 3
grep -q '"error": "tls: ' "$WORK/gw2.json" || fail "carrier's handshake: $(cat "$WORK/gw2.json")"
# the SBC named its own certificate toward both legs
grep -q "a=fingerprint:$SBC_FP" "$WORK/c2-uas.msg" || fail "SBC's offer: no a=fingerprint:$SBC_FP"
grep -q "a=fingerprint:$SBC_FP" "$WORK/c2-uac.msg" || fail "SBC's answer: no a=fingerprint:$SBC_FP"
sleep 2.5	# the relay would have tried again twice by now
relay_is 'm["bad_certs"] == 1 and m["refused"] == 0 and m["connections"] == 0'
grep -q "peer certificate refused: not the certificate of its a=fingerprint" "$WORK/dp.log" ||
	fail "no refusal logged: $(tail -5 "$WORK/dp.log")"
call_done

# the right (self-signed) certificates on both sides; the carrier checks
# the relay's (its CA's, and the a=fingerprint the SBC sent)
gw_listen gw3 8889 --me "$GWS_URI" --tls --cert "$TLS/gw.crt" --key "$TLS/gw.key" \
	--ca "$TLS/ca.crt" --expect-fp "$SBC_FP" --text "hello from the carrier" \
	--expect 1 --wait-close 30
tls_call c3 "a=fingerprint:$(fp "$TLS/gw.crt")" "a=fingerprint:$(fp "$TLS/pbx.crt")" 15000
sbc_a=$(sdp_path "$WORK/c3-uac.msg")
case "$sbc_a" in msrps://10.10.1.1:2856/*\;tcp) ;; *) fail "PBX got a=path '$sbc_a'" ;; esac
# an impostor's client certificate: 403 and closed; the session stays free
rc=0
in_access timeout 30 python3 "$MSRP_PEER" --connect --tls --cert "$TLS/other.crt" \
	--key "$TLS/other.key" --me "$PBXS_URI" --to "$sbc_a" --timeout 10 \
	>"$WORK/pbx-bad.json" 2>"$WORK/pbx-bad.err" || rc=$?
python3 - "$WORK/pbx-bad.json" "$rc" <<'PY' || fail "impostor: $rc $(cat "$WORK/pbx-bad.json")"
import json, sys
p = json.load(open(sys.argv[1]))
assert sys.argv[2] == "2" and p["codes"] == [403] and p["closed"], p
PY
in_access timeout 30 python3 "$MSRP_PEER" --connect --tls --cert "$TLS/pbx.crt" \
	--key "$TLS/pbx.key" --expect-fp "$SBC_FP" --me "$PBXS_URI" --to "$sbc_a" \
	--text "hello from the pbx" --expect 1 --timeout 20 \
	>"$WORK/pbx.json" 2>"$WORK/pbx.err" ||
	fail "PBX's MSRP peer: $(cat "$WORK/pbx.json" "$WORK/pbx.err")"
grep -q '"text": "hello from the carrier"' "$WORK/pbx.json" || fail "PBX got: $(cat "$WORK/pbx.json")"
relay_is 'm["bad_certs"] == 2 and m["errors"] == 2'
call_done
gw_status 0
# closing the checked connections counts nothing more
relay_is 'm["bad_certs"] == 2 and m["connections"] == 0'
grep -q '"text": "hello from the pbx"' "$WORK/gw3.json" || fail "carrier got: $(cat "$WORK/gw3.json")"

# --- 3. no a=fingerprint: the chain must lead to msrp_tls_ca -----------------
gw_listen gw4 8889 --me "$GWS_URI" --tls --cert "$TLS/gw.crt" --key "$TLS/gw.key"
tls_call c4 "$NOFP" "$NOFP" 4000
gw_status 3
sleep 1.5
relay_is 'm["bad_certs"] == 3 and m["connections"] == 0'
[ "$(grep -c "peer certificate refused" "$WORK/dp.log")" -eq 2 ] ||
	fail "refusals logged: $(grep "peer certificate" "$WORK/dp.log")"
call_done

gw_listen gw5 8889 --me "$GWS_URI" --tls --cert "$TLS/sbc.crt" --key "$TLS/sbc.key" \
	--wait-close 30
tls_call c5 "$NOFP" "$NOFP" 5000
relay_is 'm["bad_certs"] == 3 and m["bound"] == 1'
call_done
gw_status 0
relay_is 'm["bad_certs"] == 3 and m["refused"] == 0'
python3 - "$WORK/gw5.json" <<'PY' || fail "carrier's peer: $(cat "$WORK/gw5.json")"
import json, sys
g = json.load(open(sys.argv[1]))
# bound by the relay's bodiless SEND over TLS, closed after the BYE
assert g["tls"] in ("TLSv1.2", "TLSv1.3") and g["to"].startswith("msrps://10.10.2.1:2856/"), g
assert g["closed"], g
PY
msrp_relay_empty
sbcd_stop
dp_stop
echo ok
