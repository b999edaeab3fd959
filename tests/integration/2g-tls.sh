#!/bin/bash
# SIP over TLS.  Both realms listen on udp+tcp 5060 and tls 5061 with a
# certificate from a throwaway CA made here.  The PBX, a trusted peer
# admitted over tls only, calls over TLS (verifying sbcd's certificate)
# through sbcd to the UDP carrier, and hangs up.  A client that offers only
# TLS 1.1 is refused in the handshake (the same client completes one with
# an `openssl s_server -tls1_1`, so the refusal is sbcd's).  A route whose
# gateway is ";tls" is reached over TLS from the carrier realm's tls
# socket.  A caller whose TLS connection dies in the call: the next
# request toward it fails, and sbcd ends the call with a BYE to the carrier
# and "transport failure" in the CDR.  A subscriber that registered over
# TLS is called from the carrier over its own TLS connection.
#
#   access ns 10.10.1.10                 sbc ns (sbcd)                carrier ns 10.10.2.10
#   sipua.py --tls :5090 ==TLS==> 10.10.1.1:5061 | 10.10.2.1:5060 --> sipp uas :5060 (udp)
#   (peer pbx, transport tls)             leg A  |  leg B
#                                                | 10.10.2.1 ==TLS==> sipua.py answer :5061
#   sipua.py register :5093 ==TLS==> (1001@sbc.lab) | 10.10.2.1:5060 <-- sipp uac :5070
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
TLS=$WORK/tls
SRV=$SBC_ACCESS:5061

# 1. a CA and a certificate for both of sbcd's addresses (keys stay in WORK)
tls_certs "$TLS" 10.10.1.1 10.10.2.1
cat "$TLS/sbc.crt" "$TLS/sbc.key" >"$TLS/gw.pem"

CONF_SED="
s|{ transport = \"tcp\"; address = \"10.10.1.1\"; port = 5060; }|&,\n{ transport = \"tls\"; address = \"10.10.1.1\"; port = 5061; }|
s|{ transport = \"udp\"; address = \"10.10.2.1\"; port = 5060; }|&,\n{ transport = \"tls\"; address = \"10.10.2.1\"; port = 5061; }|
s|media_address = \"10.10.[12].2\";|&\ntls_cert = \"$TLS/sbc.crt\"; tls_key = \"$TLS/sbc.key\";|"
lab_up
grep -q 'port = 5061' "$CONF" || fail "the TLS sockets were not added to $CONF"
"$B/sbcd" -n -c "$CONF" >/dev/null || fail "sbcd -n refuses the TLS configuration"
sbcd_start
# the key's copy for Sofia-SIP is gone once the sockets are bound
[ ! -e "$WORK/run/tls-access" ] || fail "private TLS directory left behind"
ctl peer add pbx realm=access cidr=$PBX/32 transport=tls >/dev/null
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl route add default "$GW1:5060;udp" >/dev/null

# 2. the PBX calls over TLS to the UDP carrier and hangs up
sipp_uas gw1 $GW1 uas.xml 1
out=$(in_access $SUA call $SRV $PBX:5090 2001 sbc.lab 15551234 --tls \
	--ca "$TLS/ca.crt") || fail "TLS call failed: $out"
expect_match "$out" "^tls TLSv1\.[23]$" "TLS 1.2 or newer negotiated"
expect_match "$out" "SIP/2.0 200" "call answered"
expect_match "$out" "Via: SIP/2.0/TLS $PBX:5090" "responses over TLS"
uas_wait gw1 || fail "carrier: the TLS caller's call did not complete"
calls_gone

# 3. the same PBX over plain TCP: its peer admits tls only, so over tcp it
# is a stranger, which the access realm (it takes subscribers) challenges
in_access sipp $SBC_ACCESS:5060 -t t1 -sf "$SIPP_DIR/uac.xml" -s 15551234 \
	-i $PBX -p 5095 -m 1 -timeout 10s -nostdin -trace_msg \
	-message_file "$WORK/tcp.msg" >/dev/null 2>&1 &&
	fail "a call over tcp from a tls-only peer was accepted"
expect_match "$(cat "$WORK/tcp.msg")" "^SIP/2.0 407" "tcp call from the tls-only peer challenged"
calls_gone

# 4. TLS 1.1 only: refused by sbcd, accepted by a TLS 1.1 server
probe() {
	in_access python3 - "$1" "$2" <<'PY'
import socket, ssl, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)   # TLSv1_1, on purpose
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
try:
    with socket.create_connection((sys.argv[1], int(sys.argv[2])), 5) as s:
        with ctx.wrap_socket(s) as t:
            print("handshake", t.version())
except (ssl.SSLError, OSError) as e:
    print("refused", e)
    sys.exit(1)
PY
}
in_access openssl s_server -accept 127.0.0.1:5443 -tls1_1 \
	-cipher DEFAULT@SECLEVEL=0 -cert "$TLS/sbc.crt" -key "$TLS/sbc.key" \
	-naccept 1 -quiet >/dev/null 2>&1 &
CLEANUP_PIDS+=("$!")
sleep 0.5
out=$(probe 127.0.0.1 5443) || fail "the TLS 1.1 probe fails even against a TLS 1.1 server: $out"
expect_match "$out" "handshake TLSv1.1" "probe speaks TLS 1.1"
out=$(probe $SBC_ACCESS 5061) && fail "sbcd accepted TLS 1.1: $out"
expect_match "$out" "^refused" "TLS 1.1 refused"

# 5. a ";tls" gateway is reached over TLS from the carrier realm (the route
# added only now, so that no OPTIONS round finds the gateway down before)
ctl route add 44 "$GW1:5061;tls" >/dev/null
in_carrier $SUA answer - $GW1:5061 gw sbc.lab --tls --cert "$TLS/gw.pem" \
	--wait-bye 20 >"$WORK/gw-tls.log" 2>&1 &
gw_tls=$!
CLEANUP_PIDS+=("$gw_tls")
sleep 0.5
out=$(in_access $SUA call $SRV $PBX:5091 2001 sbc.lab 442071234567 --tls \
	--ca "$TLS/ca.crt") || fail "call to the TLS gateway failed: $out"
wait $gw_tls || fail "TLS gateway: call did not end with ACK and BYE: $(cat "$WORK/gw-tls.log")"
gw_log=$(cat "$WORK/gw-tls.log")
expect_match "$gw_log" "^INVITE sip:442071234567@$GW1:5061;transport=tls" "INVITE to the TLS gateway"
expect_match "$gw_log" "Via: SIP/2.0/TLS 10.10.2.1(:5061)?;" "INVITE sent over TLS by the carrier realm"
expect_match "$gw_log" "^BYE " "BYE over TLS"
calls_gone

# 6. the caller's TLS connection dies in the call: the carrier's INFO
# cannot be relayed (503), and sbcd hangs the carrier up with a BYE
sipp_uas gw1 $GW1 uas-info.xml 1 -trace_msg -message_file "$WORK/gw1.msg"
in_access $SUA call $SRV $PBX:5092 2001 sbc.lab 15551234 --tls \
	--ca "$TLS/ca.crt" --drop --talk 0.2 >/dev/null ||
	fail "dropping caller: call failed"
uas_wait gw1 || fail "carrier: no 503 and BYE after the caller's connection died: $(grep -A3 "^SIP/2.0\|^BYE" "$WORK/gw1.msg")"
calls_gone

# 7. a subscriber registered over TLS is called back on that connection
ctl account add 1001@sbc.lab password=s3cret realm=access >/dev/null
in_access $SUA register $SRV $PBX:5093 1001 sbc.lab --password s3cret \
	--tls --ca "$TLS/ca.crt" --expires 120 --then-answer --wait-bye 20 \
	>"$WORK/sub.log" 2>&1 &
sub=$!
CLEANUP_PIDS+=("$sub")
for i in $(seq 50); do
	ctl show registrations | grep -q "1001@sbc.lab" && break
	sleep 0.1
done
expect_match "$(ctl show registrations)" "tls" "registration over tls"
in_carrier sipp 10.10.2.1:5060 -sf "$SIPP_DIR/uac.xml" -s 1001 -i $GW1 \
	-p 5070 -m 1 -timeout 30s -timeout_error -nostdin -trace_err \
	-error_file "$WORK/carrier-uac.err" >/dev/null 2>&1 ||
	fail "carrier call to the TLS subscriber failed: $(tail -n 20 "$WORK/carrier-uac.err" 2>/dev/null)"
wait $sub || fail "TLS subscriber did not answer and hang up: $(cat "$WORK/sub.log")"
expect_match "$(cat "$WORK/sub.log")" "^INVITE sip:1001@$PBX:5093;transport=tls" "INVITE over the registered TLS connection"
calls_gone

python3 - "$(cdr_json 10)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
assert len(cdrs) == 4, f"{len(cdrs)} CDRs, want 4 (tcp attempt refused): {cdrs}"
sub, drop, tls_gw, first = cdrs
assert sub["egress"] == "1001@sbc.lab" and sub["reason"].startswith("BYE"), sub
for c in (drop, tls_gw, first):
    assert c["ingress"] == "pbx" and c["answer_ms"] > 0, c
assert first["egress"] == "carrier1" and first["side"] == "caller", first
assert first["reason"].startswith("BYE"), first
assert tls_gw["callee"] == "442071234567", tls_gw
assert tls_gw["reason"].startswith("BYE") and tls_gw["side"] == "caller", tls_gw
assert drop["reason"].startswith("transport failure"), drop
assert drop["side"] == "caller", drop
PY
sbcd_stop
echo ok
