#!/bin/bash
# MSRP over TLS (RFC 4975 section 14) through the SBC's back-to-back relay.
# The access realm has a certificate (a throwaway CA made here, keys stay in
# WORK), so sbc-dataplane's relay also listens for TLS on its
# msrp_tls_port (2856); the carrier realm has none.  The PBX offers
# TCP/TLS/MSRP with an msrps: path: sbcd answers it TCP/TLS/MSRP with
# msrps://10.10.1.1:2856/ID;tcp and offers the carrier plain TCP/MSRP with
# msrp://10.10.2.1:2855/ID;tcp (each leg on its own: the relay terminates
# both).  The PBX connects over TLS (1.2 or newer, as its peer reports),
# the relay connects to the carrier over TCP; a text message each way and
# a file each way, in chunks, must arrive intact (SHA-256) with every path
# naming only the peer itself and the SBC.  After the BYE the relay holds
# no leg.  Bytes that are not TLS on the TLS port are cut off.
#
#   access ns                          sbc ns                          carrier ns
#   sipp uac 10.10.1.10:5070 ---SIP---> 10.10.1.1 sbcd 10.10.2.1 --SIP--> sipp uas 10.10.2.10:5060
#   msrp_peer --tls 10.10.1.10 ==TLS==> 10.10.1.1:2856 [sbc-dataplane ]
#     (connects, path msrps: :7777)         relay thread, kernel sockets
#                                       10.10.2.1:* ----TCP----------> msrp_peer 10.10.2.10:8888
#                                                                        (listens)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"
. "$(dirname "$0")/msrp-lib.sh"

PBX_URI="msrps://10.10.1.10:7777/pbx7s3kq;tcp"
GW_URI="msrp://10.10.2.10:8888/gw9d7wq2;tcp"
TLS=$WORK/tls

# a CA and a certificate for the access realm's address
tls_certs "$TLS" 10.10.1.1
CONF_SED="s|media_address = \"10.10.1.2\";|&\ntls_cert = \"$TLS/sbc.crt\"; tls_key = \"$TLS/sbc.key\";|"

media_lab_up
grep -q "tls_cert" "$CONF" || fail "no tls_cert in $CONF"
grep -q "msrp: relay up" "$WORK/dp.log" || fail "no MSRP relay: $(cat "$WORK/dp.log")"
grep -q "realm access: relay on 10.10.1.1 port 2856 (TLS)" "$WORK/dp.log" ||
	fail "no MSRP TLS listener: $(cat "$WORK/dp.log")"
! grep -q "realm carrier: relay on .* (TLS)" "$WORK/dp.log" ||
	fail "a TLS listener in the carrier realm, which has no certificate"
head -c 150000 /dev/urandom >"$WORK/a.bin"
head -c 50000 /dev/urandom >"$WORK/b.bin"

msrp_gw_listen
sipp_uas gw1 $GW1 uas-msrp.xml 1 -trace_msg -message_file "$WORK/uas.msg"
sipp_uac_bg uac-msrp-tls.xml -d 35000 -trace_msg -message_file "$WORK/uac.msg"
id=$(media_call_wait)

sbc_a=$(sdp_path "$WORK/uac.msg")
sbc_b=$(sdp_path "$WORK/uas.msg")
case "$sbc_a" in msrps://10.10.1.1:2856/*\;tcp) ;; *) fail "PBX got a=path '$sbc_a'" ;; esac
case "$sbc_b" in msrp://10.10.2.1:2855/*\;tcp) ;; *) fail "carrier got a=path '$sbc_b'" ;; esac
grep -q "m=message 2856 TCP/TLS/MSRP" "$WORK/uac.msg" || fail "PBX's answer is not TCP/TLS/MSRP on 2856"
grep -q "m=message 2855 TCP/MSRP" "$WORK/uas.msg" || fail "carrier's offer is not TCP/MSRP on 2855"
! grep -q "10\.10\.2\.10" "$WORK/uac.msg" || fail "carrier address in the PBX's SIP"
! grep -q "10\.10\.1\.10" "$WORK/uas.msg" || fail "PBX address in the carrier's SIP"
ctl show call "$id"

in_access timeout 90 python3 "$MSRP_PEER" --connect --tls --me "$PBX_URI" \
	--to "$sbc_a" --text "hello from the pbx" --file "$WORK/a.bin" \
	--chunk 16384 --expect 2 --timeout 60 --wait-close 40 \
	>"$WORK/pbx.json" 2>"$WORK/pbx.err" &
pbx_peer=$!
CLEANUP_PIDS+=("$pbx_peer")

msrp_exchanged
python3 - "$(msrp_json)" <<'PY' || fail "relay while up: $(msrp_json) $(tail -20 "$WORK/dp.log") $(cat "$WORK/pbx.err" "$WORK/gw.err" "$WORK/pbx.json")"
import json, sys
m = json.loads(sys.argv[1])
assert m["legs"] == 2 and m["bound"] == 2 and m["connections"] == 2, m
assert m["bytes"] >= 150000 + 50000 + 36, m
assert m["errors"] == 0 and m["refused"] == 0, m
PY

msrp_peers_wait
cat "$WORK/pbx.json"

# as in 3a, and: msrps: toward the TLS side, msrp: toward the TCP side; the
# PBX's connection is TLS 1.2 or newer to the TLS port
msrp_exchange_check 10.10.1.1:2856 $((1 + 1 + 10)) tls

uac_wait || fail "sipp uac"
uas_wait gw1 || fail "sipp uas"
calls_gone
media_idle
msrp_relay_empty

# bad input: plain MSRP on the TLS port is no TLS handshake: cut off
in_access timeout 30 python3 - <<'PY' || fail "TLS port and plain bytes: $(msrp_json)"
import socket
s = socket.create_connection(("10.10.1.1", 2856), timeout=20)
s.sendall(b"MSRP abcd1234 SEND\r\n"
          b"To-Path: msrps://10.10.1.1:2856/nosuchsession;tcp\r\n"
          b"From-Path: msrps://10.10.1.10:7777/x;tcp\r\n-------abcd1234$\r\n")
data = b""
while True:
    try:
        d = s.recv(1000)
    except ConnectionResetError:
        break
    if not d:
        break
    data += d
assert not data.startswith(b"MSRP"), data
PY
python3 - "$(msrp_json)" <<'PY' || fail "relay counters: $(msrp_json)"
import json, sys
m = json.loads(sys.argv[1])
assert m["connections"] == 0, m
PY
sbcd_stop
dp_stop
echo ok
