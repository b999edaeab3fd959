#!/bin/bash
# SRTP bridging: the access realm is srtp = "optional" (the shipped
# configuration), the carrier realm "off".  The PBX offers RTP/SAVP with an
# SDES key of its own; the carrier must get a plain RTP/AVP offer, the PBX
# an RTP/SAVP answer with the SBC's key.  SRTP the PBX sends with its key
# reaches the carrier as plain RTP with the exact payload; plain RTP from
# the carrier reaches the PBX as SRTP that decrypts (srtp_check) with the
# key of the SBC's answer to the original packet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

SRTP_CHECK=$B/tests/tools/srtp_check
SUITE=AES_CM_128_HMAC_SHA1_80
[ -x "$SRTP_CHECK" ] || fail "build the test tools first (make tools)"
PBX_KEY=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(1, 31))).decode())')

media_lab_up
sipp_uas gw1 $GW1 uas-media.xml 1
sipp_uac_bg uac-srtp.xml -d 20000 -key key "$PBX_KEY" -trace_msg \
	-message_file "$WORK/uac-msg.log"
id=$(media_call_wait)
read -r pa pc <<<"$(media_ports "$id")"

# the SBC's key: the inline key of the 200 OK the PBX received
sbc_key=$(python3 - "$WORK/uac-msg.log" "$PBX_KEY" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
keys = re.findall(r"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)",
                  text[text.index("SIP/2.0 200 OK"):])
keys = [k for k in keys if k != sys.argv[2]]
print(keys[0] if keys else "")
PY
)
[ -n "$sbc_key" ] || fail "no SBC key in the 200 OK"

# what the PBX sends: RTP, protected with its own key
python3 - >"$WORK/rtp.hex" <<'PY'
import struct
for seq in range(60):
    print((struct.pack("!BBHII", 0x80, 0, seq, seq * 160, 1) +
           struct.pack("!H", seq) * 80).hex())
PY
"$SRTP_CHECK" -p $SUITE "$PBX_KEY" <"$WORK/rtp.hex" >"$WORK/srtp.hex" ||
	fail "srtp_check -p"

in_carrier timeout 20 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:$pc \
	--count 60 --linger 3 --after-first 10 --ssrc 2 >"$WORK/carrier.txt" &
peer=$!
CLEANUP_PIDS+=("$peer")
udp_bound in_carrier $GW_RTP
in_access timeout 20 python3 "$RTP_PEER" $PBX_RTP --to 10.10.1.2:$pa \
	--packets "$WORK/srtp.hex" --linger 3 >"$WORK/access.txt"
wait "$peer"
ctl show call "$id" || fail "call gone: $(cdr_json 1)"

# carrier: plain RTP, exactly what the PBX protected, from the SBC only
python3 - "$WORK/carrier.txt" "$WORK/rtp.hex" "10.10.2.2:$pc" <<'PY' ||
import sys
got = [l.split() for l in open(sys.argv[1])]
sent = set(l.strip() for l in open(sys.argv[2]))
assert all(src == sys.argv[3] for src, _ in got), "a packet not from the SBC"
ok = [h for _, h in got if h in sent]
assert len(ok) >= 50 and len(ok) == len(got), "%d of %d plain" % (len(ok), len(got))
PY
	fail "carrier side: $(head -3 "$WORK/carrier.txt")"

# access: SRTP from the SBC's access address, decrypting with the SBC's key
grep -vq "^10.10.1.2:$pa " "$WORK/access.txt" && fail "access got media from elsewhere"
n=$(wc -l <"$WORK/access.txt")
[ "$n" -ge 20 ] || fail "access got $n packets"
cut -d' ' -f2 "$WORK/access.txt" | "$SRTP_CHECK" $SUITE "$sbc_key" >"$WORK/plain.hex" ||
	fail "SRTP to the PBX does not decrypt with the SBC's key: $(grep -m3 ERR "$WORK/plain.hex")"
python3 - "$WORK/plain.hex" <<'PY' || fail "decrypted payload differs"
import struct, sys
for line in open(sys.argv[1]):
    d = bytes.fromhex(line.strip())
    seq = struct.unpack("!H", d[2:4])[0]
    assert d[12:] == struct.pack("!H", seq) * 80, seq
PY
# and the plain RTP is not what reaches the PBX
grep -qf <(cut -d' ' -f2 "$WORK/carrier.txt" | head -5) "$WORK/access.txt" &&
	fail "the PBX got plain RTP"

uac_wait || fail "sipp uac"
uas_wait gw1 || fail "sipp uas"
calls_gone
media_idle
sbcd_stop
dp_stop
echo ok
