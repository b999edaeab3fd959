#!/bin/bash
# Media anchoring end to end: the PBX calls the carrier with plain RTP,
# sbcd rewrites the SDP and writes the flows, sbc-dataplane relays the
# RTP both ways.  Each side must receive the other's packets, intact, from
# the SBC's media address of its own realm and never from the other
# party; `show calls` counts packets during the call; the flows and ports
# are freed after the BYE and the CDR carries the packet counts.
#
#   PBX 10.10.1.10:4000 <-> 10.10.1.2:PA [dataplane] 10.10.2.2:PC <-> carrier 10.10.2.10:5000
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

media_lab_up
media_idle
sipp_uas gw1 $GW1 uas-media.xml 1
sipp_uac_bg uac-media.xml -d 20000
id=$(media_call_wait)
ports=$(media_ports "$id") || fail "media ports of $id: $(cat "$WORK/uac.err" 2>/dev/null)"
read -r pa pc <<<"$ports"

in_carrier timeout 20 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:$pc \
	--count 60 --linger 3 --after-first 10 --ssrc 2 >"$WORK/carrier.txt" &
peer=$!
CLEANUP_PIDS+=("$peer")
udp_bound in_carrier $GW_RTP
in_access timeout 20 python3 "$RTP_PEER" $PBX_RTP --to 10.10.1.2:$pa \
	--count 60 --linger 3 --ssrc 1 >"$WORK/access.txt"
wait "$peer"

calls=$(ctl --json show calls)
detail=$(ctl show call "$id") || fail "call $id gone: $(cdr_json 1)"
echo "$detail"
python3 - "$calls" "$(media_json)" <<'PY' || fail "media counters: $calls"
import json, sys
c, m = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert c[0]["streams"] == 1 and c[0]["packets"] >= 100, c
assert m["flows_in_use"] == 4, m	# RTP and RTCP, both directions
assert [r["ports_in_use"] for r in m["realms"]] == [2, 2], m
PY

# every packet from the SBC's address of the receiving side, payload intact
check() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
path, sbc = sys.argv[1], sys.argv[2]
n = 0
for line in open(path):
    src, data = line.split()
    data = bytes.fromhex(data)
    assert src == sbc, "packet from %s, not %s" % (src, sbc)
    seq = struct.unpack("!H", data[2:4])[0]
    assert data[12:] == struct.pack("!H", seq) * 80, "payload of %d" % seq
    n += 1
assert n >= 20, "%d packets from %s" % (n, sbc)
PY
}
check "$WORK/carrier.txt" 10.10.2.2:$pc || { dp_ports_json; fail "carrier side"; }
check "$WORK/access.txt" 10.10.1.2:$pa || { dp_ports_json; fail "access side"; }

uac_wait || fail "sipp uac"
uas_wait gw1 || fail "sipp uas"
calls_gone
media_idle

python3 - "$(cdr_json 1)" <<'PY' || fail "CDR: $(cdr_json 1)"
import json, sys
c = json.loads(sys.argv[1])[0]
assert c["reason"].startswith("BYE"), c
assert c["pkts_a"] >= 50 and c["pkts_b"] >= 50, c
assert c["bytes_a"] >= 50 * 172 and c["bytes_b"] >= 50 * 172, c
PY
sbcd_stop
dp_stop
echo ok
