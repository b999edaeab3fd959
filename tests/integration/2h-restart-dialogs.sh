#!/bin/bash
# Dialogs survive an sbcd restart.  A trusted-peer call with RTP through
# the dataplane is up when sbcd is killed with SIGKILL and started again:
# the RTP never stops (the dataplane keeps forwarding, the restarted sbcd
# adopts the flows and ports instead of freeing them), `show calls` lists
# the call under its old id at once, each leg gets a re-INVITE inside its
# old dialog (same Call-ID and tags, a higher CSeq, the SDP the SBC sent
# before, unchanged), then the callee puts the call on hold itself (its
# re-INVITE reaches the caller, whose answer comes back) and the caller's
# BYE is relayed and answered 200 on both sides.  The CDR keeps the
# original setup and answer times and the packets of before and after the
# restart; afterwards no call, flow or media port is left.  A second call
# lives through a SIGTERM restart (what an upgrade does) the same way and
# ends with the callee's BYE.  A record a restart cannot resume (an older
# sbcd's) is settled with a CDR at start.
#
#   PBX sipp uac 10.10.1.10 --> 10.10.1.1 | sbcd | 10.10.2.1 --> sipp uas 10.10.2.10
#   PBX RTP 10.10.1.10:4000 <-> 10.10.1.2:PA [dataplane] 10.10.2.2:PC <-> 10.10.2.10:5000
#                                   sbcd: SIGKILL, restart; then SIGTERM, restart
#                                   (the dataplane stays up throughout)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

COUNT=750	# RTP packets each way, one every 20 ms: 15 s

media_lab_up
media_idle
sipp_uas gw1 $GW1 uas-restart.xml 1 -trace_msg -message_file "$WORK/gw1.msg"
sipp_uac_bg uac-restart.xml -trace_msg -message_file "$WORK/uac.msg"
id=$(media_call_wait)
ports=$(media_ports "$id") || fail "media ports of $id"
read -r pa pc <<<"$ports"
before=$(ctl --json show call "$id")

# 1. RTP both ways for 15 s, sbcd killed 3 s into it
in_carrier timeout 30 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:$pc \
	--count $COUNT --linger 2 --after-first 10 --ssrc 2 >"$WORK/carrier.txt" &
cpeer=$!
CLEANUP_PIDS+=("$cpeer")
udp_bound in_carrier $GW_RTP
in_access timeout 30 python3 "$RTP_PEER" $PBX_RTP --to 10.10.1.2:$pa \
	--count $COUNT --linger 2 --ssrc 1 >"$WORK/access.txt" &
apeer=$!
CLEANUP_PIDS+=("$apeer")
sleep 3
sbcd_stop KILL

# 2. restarted: the call is listed at once, with its flows and ports, and
# the adopted flows count on while the RTP still flows
sbcd_start
after=$(ctl --json show call "$id") || fail "call $id not restored: $(ctl show calls)"
packets() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])["packets"])' "$1"; }
p1=$(packets "$after")
# a counter read while the dataplane writes it is skipped: read again
for _ in $(seq 30); do
	sleep 0.1
	p2=$(packets "$(ctl --json show call "$id")")
	[ "$p2" -gt "$p1" ] && break
done
kill -0 "$apeer" 2>/dev/null || fail "RTP ended before the restart was over"
[ "$p2" -gt "$p1" ] || fail "no packets counted after the restart: $p1, then $p2"
python3 - "$before" "$after" "$(media_json)" <<'PY' || fail "restored call: $after"
import json, sys
b, a, m = (json.loads(x) for x in sys.argv[1:])
for k in ("setup_ms", "answer_ms", "state"):
    assert a[k] == b[k], (k, b[k], a[k])
assert sorted(f["local"] for f in a["media"]) == \
       sorted(f["local"] for f in b["media"]), (b["media"], a["media"])
assert m["flows_in_use"] == 4, m
assert [r["ports_in_use"] for r in m["realms"]] == [2, 2], m
PY

# 3. the packets of both ways arrived, from the SBC's address of the
# receiving side, payload intact: none lost across the restart
wait "$apeer" || fail "access RTP peer"
wait "$cpeer" || fail "carrier RTP peer"
check() {
	python3 - "$1" "$2" "$COUNT" <<'PY'
import struct, sys
path, sbc, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
seqs = set()
for line in open(path):
    src, data = line.split()
    data = bytes.fromhex(data)
    assert src == sbc, "packet from %s, not %s" % (src, sbc)
    seq = struct.unpack("!H", data[2:4])[0]
    assert data[12:] == struct.pack("!H", seq) * 80, "payload of %d" % seq
    seqs.add(seq)
# the first packets may go while the dataplane resolves the peer's
# address; from the first one of the 150 sent before the kill on, none
# may be missing, the restart included
first = min(seqs)
missing = sorted(set(range(first, count)) - seqs)
assert first < 100 and not missing, "%d of %d packets from %s, first %d, missing %s" % (
    len(seqs), count, sbc, first, missing[:20])
PY
}
check "$WORK/carrier.txt" 10.10.2.2:$pc || fail "RTP to the carrier"
check "$WORK/access.txt" 10.10.1.2:$pa || fail "RTP to the PBX"

# 4. the callee's hold and the caller's BYE went through (both scenarios)
uac_wait || fail "the PBX's side of the call"
uas_wait gw1 || fail "the carrier's side of the call"
calls_gone
media_idle

# 5. each side's restore re-INVITE was inside its old dialog with the SDP
# it had, and the restart leaked nothing of one side to the other
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY' || fail "messages"
def sdp(m):
    return m.split("\n\n", 1)[1].strip()

def hdr(m, name):
    return re.search(r"(?im)^%s:\s*(.+)$" % name, m).group(1).strip()

def cseq(m):
    return int(hdr(m, "CSeq").split()[0])

invites = lambda ms: [m for m in ms if m.startswith("INVITE ")]
# the PBX: the SBC's 200 had the SDP; its re-INVITE has it again
first = [m for m in uac_in if m.startswith("SIP/2.0 200") and "INVITE" in hdr(m, "CSeq")][0]
re_inv = invites(uac_in)
assert len(re_inv) == 2, re_inv
assert sdp(re_inv[0]) == sdp(first), (sdp(first), sdp(re_inv[0]))
assert hdr(re_inv[0], "Call-ID") == hdr(first, "Call-ID")
assert ";tag=" in hdr(re_inv[0], "From") and ";tag=" in hdr(re_inv[0], "To")
assert hdr(re_inv[0], "From").split(";tag=")[1] == hdr(first, "To").split(";tag=")[1]
assert "a=sendonly" in sdp(re_inv[1])
assert cseq(re_inv[1]) > cseq(re_inv[0])
# the carrier: the SBC's INVITE had the SDP; its re-INVITE has it again
gw_inv = invites(gw_in)
assert len(gw_inv) == 2, gw_inv
assert sdp(gw_inv[1]) == sdp(gw_inv[0]), (sdp(gw_inv[0]), sdp(gw_inv[1]))
assert hdr(gw_inv[1], "Call-ID") == hdr(gw_inv[0], "Call-ID")
assert hdr(gw_inv[1], "From") == hdr(gw_inv[0], "From")
assert cseq(gw_inv[1]) > cseq(gw_inv[0])
assert_isolated()
PY

python3 - "$(cdr_json 1)" "$before" <<'PY' || fail "CDR: $(cdr_json 1)"
import json, sys
c, b = json.loads(sys.argv[1])[0], json.loads(sys.argv[2])
assert c["setup_ms"] == b["setup_ms"] and c["answer_ms"] == b["answer_ms"], (c, b)
assert c["reason"].startswith("BYE") and c["side"] == "caller", c
# the counters of before and after the restart, in one record
assert c["pkts_a"] >= 400 and c["pkts_b"] >= 400, c
PY

# 6. a second call across a SIGTERM restart (an upgrade): sbcd stops
# without a BYE to either side (their scenarios fail on one), the call
# comes back, and the callee's BYE ends it
sipp_uas gw2 $GW1 uas-restart-bye.xml 1
sipp_uac_bg uac-restart-bye.xml
id=$(media_call_wait)
before=$(ctl --json show call "$id")
sbcd_stop
[ -e "$PIDFILE" ] && fail "pid file left by the stop"
sbcd_start
ctl --json show call "$id" >/dev/null || fail "call $id not restored after SIGTERM: $(ctl show calls)"
[ "$(cdr_json 5 | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
	fail "the stop wrote a CDR: $(cdr_json 5)"
uac_wait || fail "the PBX's side of the second call"
uas_wait gw2 || fail "the carrier's side of the second call"
calls_gone
media_idle
python3 - "$(cdr_json 2)" "$before" <<'PY' || fail "second CDR: $(cdr_json 2)"
import json, sys
cdrs, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert len(cdrs) == 2, cdrs
c = cdrs[0]
assert c["setup_ms"] == b["setup_ms"] and c["answer_ms"] == b["answer_ms"], (c, b)
assert c["reason"].startswith("BYE") and c["side"] == "callee", c
PY

# 7. a record no restart can resume (written by an older sbcd, without
# what a restore needs) ends its call with a CDR; sbcd starts all the same
sbcd_stop
printf '%s\n%s\n' old-call@pbx '{"v":1,"call_id":"old-call@pbx","b_call_id":"b@sbc","state":"confirmed","created_ms":1767225600000,"account":"","peer":"pbx","route":""}' |
	mdb_load -T -s dialogs "$WORK/store"
sbcd_start
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR of the old record: $(cdr_json 1)"
import json, sys
c = json.loads(sys.argv[1])[0]
assert c["reason"] == "not restored (record of an older sbcd)", c
assert c["setup_ms"] == 1767225600000 and c["side"] == "sbc", c
PY
mdb_dump -s dialogs -p "$WORK/store" | grep -q old-call && fail "old record kept"
calls_gone
media_idle
sbcd_stop
dp_stop
echo ok
