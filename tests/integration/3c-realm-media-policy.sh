#!/bin/bash
# Per-realm media policy, both legs of one call under different settings:
# the access realm has latching = "off" and rtp_timeout = 3, the carrier
# realm latching = "relatch" and the default rtp_timeout (30).
#  1. latching off (access): the PBX's SDP says 10.10.1.10:4000 but it
#     sends from :4002; its media is relayed, and the SBC keeps sending
#     the carrier's media to :4000, never to :4002.
#  2. relatch (carrier): the carrier's SDP says :5000; it sends from :5004
#     (latched on the first packet), then from :5002 with a new SSRC
#     (re-latched): the PBX's media follows it to :5004, then to :5002.
#  3. rtp_timeout per realm: the carrier falls silent for longer than the
#     access realm's 3 s while the PBX still sends: the call stays (the
#     carrier's own timeout is 30 s); then the PBX falls silent and the
#     access realm's timeout hangs up (BYE to both, CDR "rtp timeout
#     (access)"), flows and ports freed.
#
#   access ns 10.10.1.10                       sbc ns                      carrier ns 10.10.2.10
#   sipp uac :5070 (uac-media-wait.xml) --> 10.10.1.1 | 10.10.2.1 --> sipp uas :5060 (uas-media.xml)
#   SDP :4000 (listens) / sends from :4002 <--> 10.10.1.2 [dataplane] 10.10.2.2 <--> SDP :5000; sends
#                                                                                  from :5004, then :5002
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

CONF_SED='s/srtp = "optional";/srtp = "optional"; latching = "off"; rtp_timeout = 3;/
s/srtp = "off";/srtp = "off"; latching = "relatch";/'
media_lab_up
python3 - "$(media_json)" <<'PY' || fail "realm settings: $(media_json)"
import json, sys
r = {x["realm"]: x for x in json.loads(sys.argv[1])["realms"]}
assert (r["access"]["latching"], r["access"]["rtp_timeout"]) == ("off", 3), r
assert (r["carrier"]["latching"], r["carrier"]["rtp_timeout"]) == ("relatch", 30), r
PY

# "A->B PEER" and "B->A PEER" of the call's RTP flows: where each side's
# media is taken to come from (latched source, else its SDP address)
peers() {
	ctl --json show call "$id" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["media"]:
    if f["kind"] != "rtcp":
        print(f["dir"], f["peer"])'
}

# The PBX listens where its SDP says and sends from elsewhere, from before
# the call is up (its realm's 3 s count from the answer), to the first
# port a fresh sbcd hands out (rotating allocation from the range start);
# bounded: 20 s of packets at most, and it is stopped for step 3.
pa=20000
pc=30000
in_access timeout 45 python3 "$RTP_PEER" 10.10.1.10:4000 --linger 30 \
	>"$WORK/pbx-sdp.txt" &
listener=$!
CLEANUP_PIDS+=("$listener")
# not through in_access: $! must be the sender itself, to stop it
ip netns exec "${LAB_PREFIX:-}access" timeout 45 python3 "$RTP_PEER" \
	10.10.1.10:4002 --to 10.10.1.2:$pa --count 1000 --ssrc 1 \
	>"$WORK/pbx-src.txt" &
pbx=$!
CLEANUP_PIDS+=("$pbx")
sipp_uas gw1 $GW1 uas-media.xml 1
sipp_uac_bg uac-media-wait.xml
id=$(media_call_wait)
[ "$(media_ports "$id")" = "$pa $pc" ] || fail "ports $(media_ports "$id"): $(cdr_json 1)"

# the carrier from :5004 (first packet latches), then :5002, new SSRC
in_carrier timeout 20 python3 "$RTP_PEER" 10.10.2.10:5004 --to 10.10.2.2:$pc \
	--count 100 --ssrc 2 --linger 0.5 >"$WORK/gw-5004.txt"
in_carrier timeout 20 python3 "$RTP_PEER" 10.10.2.10:5002 --to 10.10.2.2:$pc \
	--count 100 --ssrc 3 --linger 0.5 >"$WORK/gw-5002.txt"
got=$(peers) || fail "call gone: $(cdr_json 1)"
expect_match "$got" "^A->B 10\.10\.1\.10:4000$" "access not latched (off)"
expect_match "$got" "^B->A 10\.10\.2\.10:5002$" "carrier re-latched (relatch)"

# 3. the carrier silent for 4 s (over the access realm's 3 s), the PBX
# still sending: the carrier realm's 30 s apply to it, the call stays
sleep 4
ctl show call "$id" >/dev/null || fail "call ended while the PBX sent: $(cdr_json 1)"
kill -0 "$pbx" 2>/dev/null || fail "the PBX stopped sending too early"
kill "$pbx"
wait "$pbx" || true
start=$(date +%s)
uac_wait || fail "sipp uac: no BYE from the SBC"
uas_wait gw1 || fail "sipp uas: no BYE from the SBC"
took=$(($(date +%s) - start))
[ $took -le 15 ] || fail "hung up $took s after the PBX fell silent"
calls_gone
media_idle
kill "$listener"
wait "$listener" || true

python3 - "$WORK" "$pa" "$pc" <<'PY' || fail "media check"
import os, sys
w, pa, pc = sys.argv[1], sys.argv[2], sys.argv[3]
def rows(name):
    return [l.split() for l in open(os.path.join(w, name))]
sdp, src = rows("pbx-sdp.txt"), rows("pbx-src.txt")
g4, g2 = rows("gw-5004.txt"), rows("gw-5002.txt")
# 1. latching off: the carrier's 200 packets went to the SDP port only
assert len(sdp) >= 150, "PBX's SDP port got %d" % len(sdp)
assert all(s == "10.10.1.2:" + pa for s, _ in sdp), "not from the SBC"
assert not src, "the SBC latched to the PBX's source port: %d packets" % len(src)
# the PBX's media from its other port was relayed all the same, and
# 2. followed the carrier: first :5004, then :5002 after the SSRC change
assert len(g4) >= 50, "carrier :5004 got %d (first packet latch)" % len(g4)
assert len(g2) >= 50, "carrier :5002 got %d (re-latch)" % len(g2)
assert all(s == "10.10.2.2:" + pc for s, _ in g4 + g2), "not from the SBC"
PY
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR: $(cdr_json 1)"
import json, sys
c = json.loads(sys.argv[1])[0]
assert c["reason"].startswith("rtp timeout (access) "), c
assert c["side"] == "sbc", c
assert 300 <= c["pkts_a"] < 950 and c["pkts_b"] >= 150, c
PY
sbcd_stop
dp_stop
echo ok
