#!/bin/bash
# A real softphone with SRTP through the SBC to a plain-RTP carrier.
# baresip (Debian's, headless: a sine tone as microphone, no sound card)
# registers as subscriber 1001@sbc.lab and calls 15551234 with SDES SRTP
# mandatory (mediaenc=srtp-mand); the access realm is srtp = "optional",
# the carrier realm "off", so the SBC terminates SRTP and the carrier gets
# plain RTP.  The dataplane relays both ways (per-flow counters), the
# carrier receives valid plain RTP of baresip's tone, baresip receives
# SRTP that decrypts (srtp_check) with the key of the SBC's 200 OK to the
# carrier's exact packets, and neither capture holds an address of the
# other side.  baresip then holds and resumes by re-INVITE (the flows go
# on hold and back, media flows again) and hangs up.  The access realm
# challenges with MD5 alone (digest = "md5"): baresip 1.0.0 gives up at a
# SHA-256 challenge instead of answering the MD5 one after it.
#
#   access ns 10.10.1.10 (tcpdump br-a)    sbc ns                   carrier ns 10.10.2.10 (tcpdump br-c)
#   baresip SIP :5090, 1001@sbc.lab -----> 10.10.1.1 | 10.10.2.1 ---> sipp uas :5060 (uas-media-hold.xml)
#   baresip RTP :10000-10019  <== SRTP ==> 10.10.1.2 [dataplane] 10.10.2.2 <== RTP ==> rtp_peer.py :5000
#   commands: UDP console (cons) 127.0.0.1:5555 in the access ns
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

SRTP_CHECK=$B/tests/tools/srtp_check
[ -x "$SRTP_CHECK" ] || fail "build the test tools first (make tools)"
command -v baresip >/dev/null || fail "baresip is not installed (make deps)"
BS=$WORK/baresip
PCAPKIT_DIR=$TOP/tests/tools

# bs_cmd COMMAND: one command line to baresip's UDP console
bs_cmd() {
	in_access python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(sys.argv[1].encode() + b"\n", ("127.0.0.1", 5555))' "$1"
}

# flows of the call as "DIR KIND HOLD PACKETS DROPS" lines, RTP only
flows() {
	ctl --json show call "$id" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["media"]:
    if f["kind"] != "rtcp":
        print(f["dir"], f["kind"], f["hold"], f["packets"], f["drops"])'
}

# wait_flows PYTHON-CONDITION WHAT: until the condition on `rows` (the
# lines of flows() split) holds, bounded to 10 s
wait_flows() {
	local i
	for i in $(seq 50); do
		flows | python3 -c "import sys
rows = [l.split() for l in sys.stdin]
sys.exit(0 if rows and ($1) else 1)" && return 0
		sleep 0.2
	done
	fail "$2: $(flows)"
}

CONF_SED='s/srtp = "optional";/srtp = "optional"; digest = "md5";/'
media_lab_up
grep -q 'digest = "md5"' "$CONF" || fail "digest not set"
ctl account add 1001@sbc.lab password=s3cret realm=access >/dev/null
in_access ip link set lo up
TCPDUMP=()
for side in access:br-a carrier:br-c; do
	ip netns exec "${LAB_PREFIX:-}${side%%:*}" timeout 150 tcpdump -i "${side#*:}" \
		-n -U -s 0 -w "$WORK/${side%%:*}.pcap" udp >/dev/null 2>&1 &
	TCPDUMP+=("$!")
	CLEANUP_PIDS+=("$!")
done
sleep 1

mkdir -p "$BS"
cat >"$BS/config" <<EOF
poll_method		epoll
sip_listen		10.10.1.10:5090
rtp_ports		10000-10019
audio_source		ausine,440
audio_player		aubridge,nowhere
audio_alert		aubridge,nowhere
ausrc_srate		48000
ausrc_channels		2
module_path		/usr/lib/baresip/modules
module			cons.so
module			g711.so
module			ausine.so
module			aubridge.so
module			srtp.so
module_app		account.so
module_app		menu.so
cons_listen		127.0.0.1:5555
EOF
echo '<sip:1001@sbc.lab>;auth_pass=s3cret;outbound="sip:10.10.1.1:5060;transport=udp";regint=120;mediaenc=srtp-mand;audio_codecs=PCMU' \
	>"$BS/accounts"
sipp_uas gw1 $GW1 uas-media-hold.xml 1 -timeout 120s
# not through in_access: $! must be baresip's timeout, to stop it at the end
ip netns exec "${LAB_PREFIX:-}access" timeout 120 baresip -f "$BS" \
	>"$WORK/baresip.log" 2>&1 &
BARESIP=$!
CLEANUP_PIDS+=("$BARESIP")

# registered: the SBC's registrar has its binding
for i in $(seq 50); do
	ctl --json show registrations 2>/dev/null | grep -q 1001 && break
	[ "$i" -lt 50 ] || fail "baresip did not register: $(tail -n 20 "$WORK/baresip.log")"
	sleep 0.2
done

bs_cmd "/dial sip:15551234@sbc.lab"
id=$(media_call_wait)
read -r pa pc <<<"$(media_ports "$id")"

# the carrier talks (plain RTP, ssrc 2) and records what it hears
in_carrier timeout 20 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:$pc \
	--count 150 --linger 1 --ssrc 2 >"$WORK/carrier.txt"
wait_flows 'all(int(r[3]) >= 100 for r in rows) and all(r[4] == "0" for r in rows)' \
	"media both ways, no drops (SRTP auth included)"

# hold (a=sendonly) and resume (a=sendrecv) by baresip's re-INVITEs; the
# carrier then talks again as a new stream (SSRC 3: its sequence numbers
# start again, which one SSRC may not do)
bs_cmd "/hold"
wait_flows 'all(r[2] == "yes" for r in rows)' "flows on hold"
bs_cmd "/resume"
wait_flows 'all(r[2] == "no" for r in rows)' "flows resumed"
before=$(flows | awk '{ printf "%s%s: %s", sep, "\"" $1 "\"", $4; sep = ", " }')
in_carrier timeout 20 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:$pc \
	--count 50 --linger 1 --ssrc 3 >"$WORK/carrier2.txt"
wait_flows "all(int(r[3]) >= {${before}}[r[0]] + 40 for r in rows)" \
	"media both ways after the resume"
[ "$(media_ports "$id")" = "$pa $pc" ] ||
	fail "ports changed across hold: $(media_ports "$id")"

bs_cmd "/hangup"
uas_wait gw1 || fail "carrier sipp: hold, resume and BYE: $(tail -n 30 "$WORK/baresip.log")"
calls_gone
media_idle
bs_cmd "/quit"
for i in $(seq 25); do
	kill -0 "$BARESIP" 2>/dev/null || break
	sleep 0.2
done
kill "$BARESIP" 2>/dev/null || true
sleep 1
kill "${TCPDUMP[@]}"
wait "${TCPDUMP[@]}" || true

# the carrier heard baresip: valid plain RTP (PCMU, one SSRC, 20 ms
# frames, no SRTP tag), from the SBC's carrier media address only
python3 - "$WORK/carrier.txt" "10.10.2.2:$pc" <<'PY' || fail "carrier side RTP"
import struct, sys
got = [l.split() for l in open(sys.argv[1])]
assert len(got) >= 50, "carrier heard %d packets" % len(got)
assert all(src == sys.argv[2] for src, _ in got), "a packet not from the SBC"
ssrcs, seqs = set(), []
for _, h in got:
    d = bytes.fromhex(h)
    v, pt, seq, ts, ssrc = struct.unpack("!BBHII", d[:12])
    assert v >> 6 == 2 and not v & 0x0F, "not RTP v2 without CSRC: %s" % h[:24]
    assert pt & 0x7F == 0, "payload type %d, not PCMU" % (pt & 0x7F)
    assert len(d) == 12 + 160, "%d bytes: not a plain 20 ms PCMU frame" % len(d)
    ssrcs.add(ssrc)
    seqs.append(seq)
assert len(ssrcs) == 1, ssrcs
steps = [(b - a) & 0xFFFF for a, b in zip(seqs, seqs[1:])]
assert all(0 < s < 100 for s in steps), "sequence numbers jump: %s" % steps[:20]
PY

# baresip got SRTP from the SBC's access media address that decrypts with
# the key of the SBC's answer in force (baresip draws new keys in its
# re-INVITEs, so the SBC does too toward it: sdp_rewrite.h), to exactly the
# carrier's packets.  A packet may still use the previous key for up to
# the dataplane's update period after an answer.
python3 - "$WORK/access.pcap" "$PCAPKIT_DIR" 10.10.1.2 "$pa" "$SRTP_CHECK" \
	>"$WORK/srtp.txt" <<'PY' || fail "SRTP to baresip: $(tail -n 5 "$WORK/srtp.txt")"
import re, struct, subprocess, sys
sys.path.insert(0, sys.argv[2])
import pcapkit
sbc, port, check = sys.argv[3], int(sys.argv[4]), sys.argv[5]
segs = []                       # [suite, key, [packets]] per SBC answer
for raw in pcapkit.read_pcap(sys.argv[1]):
    f = pcapkit.Frame(raw)
    if not f.udp:
        continue
    if f.sport == 5060 and f.src == "10.10.1.1":
        text = f.payload.decode("latin-1")
        m = re.search(r"a=crypto:\d+ (\S+) inline:([A-Za-z0-9+/=]+)", text)
        if text.startswith("SIP/2.0 200") and \
                re.search(r"(?im)^CSeq: *\d+ INVITE", text) and m and \
                (not segs or segs[-1][1] != m.group(2)):
            segs.append([m.group(1), m.group(2), []])
    elif f.src == sbc and f.sport == port:
        assert segs, "SRTP before the SBC's answer"
        segs[-1][2].append(f.payload.hex())

def unprotect(suite, key, pkts):
    out = subprocess.run([check, suite, key], input="\n".join(pkts) + "\n",
                         capture_output=True, text=True).stdout.split("\n")
    return [None if l.startswith("ERR") else bytes.fromhex(l) for l in out[:len(pkts)]]

total = 0
for i, (suite, key, pkts) in enumerate(segs):
    plain = unprotect(suite, key, pkts)
    if i:
        old = unprotect(segs[i - 1][0], segs[i - 1][1], pkts)
        lag = 0
        while lag < len(pkts) and plain[lag] is None and old[lag] is not None:
            plain[lag] = old[lag]
            lag += 1
        assert lag <= 10, "answer %d: %d packets under the old key" % (i, lag)
    bad = sum(p is None for p in plain)
    assert not bad, "answer %d (%s): %d of %d do not decrypt" % (i, suite, bad, len(pkts))
    for d in plain:
        seq = struct.unpack("!H", d[2:4])[0]
        assert struct.unpack("!I", d[8:12])[0] in (2, 3), "not the carrier's SSRC"
        assert d[12:] == struct.pack("!H", seq) * 80, "payload of %d" % seq
    total += len(pkts)
    print("answer %d: %s, %d packets decrypt" % (i, suite, len(pkts)))
assert total >= 150, "baresip got %d SRTP packets" % total
PY

# neither side's capture carries the other side's addresses: not in IP
# headers, not in SIP or SDP text, not as binary in any payload
python3 - "$WORK/access.pcap" "$WORK/carrier.pcap" "$PCAPKIT_DIR" <<'PY' || fail "address leak"
import socket, sys
sys.path.insert(0, sys.argv[3])
import pcapkit
sides = {
    "access": (sys.argv[1], "10.10.1.", "10.10.2.", ["10.10.2.10", "10.10.2.1", "10.10.2.2"]),
    "carrier": (sys.argv[2], "10.10.2.", "10.10.1.", ["10.10.1.10", "10.10.1.1", "10.10.1.2"]),
}
for side, (path, own, foreign, addrs) in sides.items():
    frames = [pcapkit.Frame(r) for r in pcapkit.read_pcap(path)]
    udp = [f for f in frames if getattr(f, "udp", False)]
    assert len(udp) >= 100, (side, len(udp))
    for f in udp:
        assert f.src.startswith(own) and f.dst.startswith(own), (side, f.src, f.dst)
        assert foreign.encode() not in f.payload, \
            "%s side sees %sx: %r" % (side, foreign, f.payload[:400])
        for a in addrs:
            assert socket.inet_aton(a) not in f.payload, (side, a, f.sport, f.dport)
print("captures clean")
PY
sbcd_stop
dp_stop
echo ok
