#!/bin/bash
# MSRP (RFC 4975) through the SBC's back-to-back relay.  The PBX calls the
# carrier with an m=message session; sbcd gives each leg the SBC's own
# a=path (the realm's MSRP address, its SIP address here) and writes the
# two legs to the flow table; sbc-dataplane's relay accepts the PBX's
# connection (the PBX offered: it connects, RFC 4975 section 5.4) and
# connects to the carrier itself (the SBC offered it actpass; the carrier
# answered without a=setup).  A text message each way and a 200 KiB file
# one way, a 64 KiB one the other, in chunks, must arrive intact (SHA-256),
# every To-Path/From-Path a peer sees must name only itself and the SBC,
# neither side's SDP may carry the other's address, and after the BYE the
# relay must close both connections and hold no leg.  Bytes that are not
# MSRP, and a request naming no session, are turned away.
#
#   access ns                         sbc ns                         carrier ns
#   sipp uac 10.10.1.10:5070 ---SIP--> 10.10.1.1 sbcd 10.10.2.1 --SIP--> sipp uas 10.10.2.10:5060
#   msrp_peer 10.10.1.10 ---TCP-----> 10.10.1.1:2855  [sbc-dataplane  ]
#     (connects, path :7777)              relay thread, kernel sockets
#                                      10.10.2.1:* ----TCP----------> msrp_peer 10.10.2.10:8888
#                                                                        (listens)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"
. "$(dirname "$0")/msrp-lib.sh"

PBX_URI="msrp://10.10.1.10:7777/pbx7s3kq;tcp"
GW_URI="msrp://10.10.2.10:8888/gw9d7wq2;tcp"

media_lab_up
grep -q "msrp: relay up" "$WORK/dp.log" || fail "no MSRP relay: $(cat "$WORK/dp.log")"
head -c 204800 /dev/urandom >"$WORK/a.bin"
head -c 65536 /dev/urandom >"$WORK/b.bin"

msrp_gw_listen
sipp_uas gw1 $GW1 uas-msrp.xml 1 -trace_msg -message_file "$WORK/uas.msg"
sipp_uac_bg uac-msrp.xml -d 35000 -trace_msg -message_file "$WORK/uac.msg"
id=$(media_call_wait)

sbc_a=$(sdp_path "$WORK/uac.msg")
sbc_b=$(sdp_path "$WORK/uas.msg")
case "$sbc_a" in msrp://10.10.1.1:2855/*\;tcp) ;; *) fail "PBX got a=path '$sbc_a'" ;; esac
case "$sbc_b" in msrp://10.10.2.1:2855/*\;tcp) ;; *) fail "carrier got a=path '$sbc_b'" ;; esac
[ "${sbc_a##*/}" != "${sbc_b##*/}" ] || fail "one session-id on both legs: $sbc_a"
# neither side's SIP saw the other's address
! grep -q "10\.10\.2\.10" "$WORK/uac.msg" || fail "carrier address in the PBX's SIP"
! grep -q "10\.10\.1\.10" "$WORK/uas.msg" || fail "PBX address in the carrier's SIP"
ctl show call "$id"

in_access timeout 90 python3 "$MSRP_PEER" --connect --me "$PBX_URI" \
	--to "$sbc_a" --text "hello from the pbx" --file "$WORK/a.bin" \
	--chunk 16384 --expect 2 --timeout 60 --wait-close 40 \
	>"$WORK/pbx.json" 2>"$WORK/pbx.err" &
pbx_peer=$!
CLEANUP_PIDS+=("$pbx_peer")

# while the call is up: two legs, both bound, chunks relayed
msrp_exchanged
python3 - "$(msrp_json)" "$(media_json)" <<'PY' || fail "relay while up: $(msrp_json) $(media_json)"
import json, sys
m, media = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert m["legs"] == 2 and m["bound"] == 2 and m["connections"] == 2, m
assert m["bytes"] >= 204800 + 65536 + 36, m
assert m["errors"] == 0 and m["refused"] == 0, m
assert media["flows_in_use"] == 2, media
PY

msrp_peers_wait
cat "$WORK/pbx.json"

# content intact each way; each side saw only itself and the SBC of its
# realm; every message answered 200; the relay closed both after the BYE
msrp_exchange_check 10.10.1.1:2855 $((1 + 1 + 13)) tcp

uac_wait || fail "sipp uac"
uas_wait gw1 || fail "sipp uas"
calls_gone
media_idle
msrp_relay_empty
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR: $(cdr_json 1)"
import json, sys
c = json.loads(sys.argv[1])[0]
assert c["reason"].startswith("BYE"), c
# chunks with a body counted per leg: the PBX's 14, the carrier's 5
assert c["pkts_a"] >= 14 and c["pkts_b"] >= 5, c
assert c["bytes_a"] >= 204800 and c["bytes_b"] >= 65536, c
PY

# bad input: bytes that are not MSRP are cut off at once; a request that
# names no session gets 481 once an entry could have arrived (10 s)
in_access timeout 30 python3 - <<'PY' || fail "relay and bad input: $(msrp_json)"
import socket
s = socket.create_connection(("10.10.1.1", 2855), timeout=5)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
assert s.recv(100) == b"", "not closed"
s = socket.create_connection(("10.10.1.1", 2855), timeout=20)
s.sendall(b"MSRP abcd1234 SEND\r\n"
          b"To-Path: msrp://10.10.1.1:2855/nosuchsession;tcp\r\n"
          b"From-Path: msrp://10.10.1.10:7777/x;tcp\r\n-------abcd1234$\r\n")
data = b""
while True:
    d = s.recv(1000)
    if not d:
        break
    data += d
assert data.startswith(b"MSRP abcd1234 481 "), data
PY
python3 - "$(msrp_json)" <<'PY' || fail "relay counters: $(msrp_json)"
import json, sys
m = json.loads(sys.argv[1])
assert m["errors"] == 1 and m["refused"] == 1 and m["connections"] == 0, m
PY
sbcd_stop
dp_stop
echo ok
