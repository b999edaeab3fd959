#!/bin/bash
# Several media addresses in a realm.  The carrier realm has two,
# media_address = [ "10.10.2.2", "10.10.2.3" ], and a port range of one
# RTP/RTCP pair (30000-30001) on each:
#  1. the first call's carrier leg goes on 10.10.2.2 (both empty: the
#     first address), filling it; the second call's on 10.10.2.3, its SDP
#     (c=, o=, m= port) naming that address; a third call is refused
#     "503 Media Ports Exhausted" since every address is full;
#  2. RTP of the second call really flows through the dataplane on
#     10.10.2.3 (the dataplane answers ARP for it), both ways, intact;
#  3. sbcd restarts (SIGTERM keeps the calls): each call comes back with
#     its ports reserved on its own address, so a fourth call is refused
#     503 again; then the callee ends both calls and every port is free.
#
#   access ns 10.10.1.10                         sbc ns                        carrier ns 10.10.2.10
#   sipp uac :5070 (2 calls) ---------> 10.10.1.1 | sbcd | 10.10.2.1 ---------> sipp uas :5060 (2 calls)
#   sipp uac :5072 (refused, 503) -->
#   RTP 10.10.1.10:4000 <--> 10.10.1.2:PA [dataplane] 10.10.2.2:30000 (call 1) <--> 10.10.2.10:5000
#                                                     10.10.2.3:30000 (call 2)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

CONF_SED='s|media_address = "10.10.2.2";|media_address = [ "10.10.2.2", "10.10.2.3" ];|
s|min = 30000; max = 39999;|min = 30000; max = 30001;|'
# the first call carries no RTP: no RTP timeout may end it on a slow run
RTP_TIMEOUT=0
media_lab_up
grep -qF '[ "10.10.2.2", "10.10.2.3" ]' "$CONF" || fail "no carrier media_address to replace"
python3 - "$(ctl --json status)" <<'PY' || fail "status: $(ctl --json status)"
import json, sys
r = json.loads(sys.argv[1])["realms"][1]
assert r["media_addresses"] == ["10.10.2.2", "10.10.2.3"], r
assert r["media_address"] == "10.10.2.2" and r["media_ports"] == "30000-30001", r
PY

# "ADDRESS:PORT" of the SBC toward the carrier in call $1 (its RTP flow
# from the carrier's side)
carrier_local() {
	ctl --json show call "$1" | python3 -c '
import json, sys
print([f["local"] for f in json.load(sys.stdin)["media"]
       if f["kind"] != "rtcp" and f["dir"] == "B->A"][0])'
}

# "ACCESS_PORT_IN_USE ..." per carrier address, from show media
per_address() {
	media_json | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["realms"] if x["realm"] == "carrier"][0]
print(" ".join("%s=%d" % (a["address"], a["ports_in_use"]) for a in r["addresses"]))'
}

# ids of the confirmed calls, oldest first, once there are $1 of them
calls_up() {
	local i ids id
	for i in $(seq 100); do
		ids=$(ctl --json show calls | python3 -c '
import json, sys
c = [x["id"] for x in json.load(sys.stdin) if x["state"] == "confirmed"]
print(" ".join(c) if len(c) == int(sys.argv[1]) else "")' "$1")
		if [ -n "$ids" ]; then
			# oldest first, by setup time (show call has it)
			for id in $ids; do
				echo "$(ctl --json show call "$id" | python3 -c '
import json, sys
print(json.load(sys.stdin)["setup_ms"])') $id"
			done | sort -n | cut -d' ' -f2 | tr '\n' ' '
			return 0
		fi
		sleep 0.1
	done
	fail "not $1 confirmed calls: $(ctl show calls)"
}

# refused: one call from the PBX's port 5072 must get 503 Media Ports
# Exhausted
refused() {
	in_access sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/uac-media-503.xml" \
		-s 15551234 -i "$PBX" -p 5072 -m 1 -timeout 20s -timeout_error \
		-nostdin -trace_err -error_file "$WORK/uac503-$1.err" \
		>"$WORK/uac503-$1.log" 2>&1 ||
		{ cat "$WORK/uac503-$1.err" 2>/dev/null; fail "$1: not refused 503 Media Ports Exhausted"; }
}

# 1. two calls take the two addresses; the third finds both full
sipp_uas gw1 $GW1 uas-restart-bye-late.xml 2 -trace_msg -message_file "$WORK/gw1.msg"
in_access sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/uac-restart-bye.xml" \
	-s 15551234 -i "$PBX" -p 5070 -m 2 -l 2 -r 10 -timeout 60s \
	-timeout_error -nostdin -trace_err -error_file "$WORK/uac.err" \
	>"$WORK/uac.log" 2>&1 &
UAC=$!
CLEANUP_PIDS+=("$UAC")
read -r id1 id2 <<<"$(calls_up 2)"
l1=$(carrier_local "$id1") || fail "media of $id1"
l2=$(carrier_local "$id2") || fail "media of $id2"
[ "$l1" = 10.10.2.2:30000 ] || fail "first call on $l1, not 10.10.2.2:30000"
[ "$l2" = 10.10.2.3:30000 ] || fail "second call on $l2, not 10.10.2.3:30000"
[ "$(per_address)" = "10.10.2.2=2 10.10.2.3=2" ] || fail "ports per address: $(per_address)"
refused third
pa=$(media_ports "$id2" | cut -d' ' -f1)

# 2. RTP of the second call through the dataplane on 10.10.2.3
in_carrier timeout 20 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.3:30000 \
	--count 60 --linger 3 --after-first 10 --ssrc 2 >"$WORK/carrier.txt" &
peer=$!
CLEANUP_PIDS+=("$peer")
udp_bound in_carrier $GW_RTP
in_access timeout 20 python3 "$RTP_PEER" $PBX_RTP --to 10.10.1.2:$pa \
	--count 60 --linger 3 --ssrc 1 >"$WORK/access.txt"
wait "$peer"
python3 - "$WORK" "$pa" <<'PY' || { dp_dump; fail "RTP on the second address"; }
import os, struct, sys
w, pa = sys.argv[1], sys.argv[2]
for name, sbc in (("carrier.txt", "10.10.2.3:30000"), ("access.txt", "10.10.1.2:" + pa)):
    n = 0
    for line in open(os.path.join(w, name)):
        src, data = line.split()
        data = bytes.fromhex(data)
        assert src == sbc, "%s: packet from %s, not %s" % (name, src, sbc)
        seq = struct.unpack("!H", data[2:4])[0]
        assert data[12:] == struct.pack("!H", seq) * 80, "payload of %d" % seq
        n += 1
    assert n >= 20, "%s: %d packets" % (name, n)
PY

# 3. a restart keeps each call on its address, ports reserved there
sbcd_stop
sbcd_start
for id in $id1 $id2; do
	ctl --json show call "$id" >/dev/null || fail "call $id not restored: $(ctl show calls) $(cdr_json 4)"
done
[ "$(carrier_local "$id1")" = "$l1" ] || fail "call 1 moved to $(carrier_local "$id1")"
[ "$(carrier_local "$id2")" = "$l2" ] || fail "call 2 moved to $(carrier_local "$id2")"
[ "$(per_address)" = "10.10.2.2=2 10.10.2.3=2" ] || fail "ports after the restart: $(per_address)"
refused fourth
uac_wait || fail "sipp uac"
uas_wait gw1 || fail "sipp uas"
calls_gone
media_idle
# what the carrier got: each call's offer, and its restore re-INVITE with
# the same SDP, named its own address in c= and o=, and never the other's
python3 - "$WORK/gw1.msg" <<'PY' || fail "SDP toward the carrier"
import re, sys
text = open(sys.argv[1], errors="replace").read()
bodies = re.findall(r"^INVITE .*?(?=^-{5,}|\Z)", text, re.M | re.S)
by_addr = {}
for b in bodies:
    c = re.findall(r"^c=IN IP4 (\S+)", b, re.M)
    o = re.findall(r"^o=- \d+ \d+ IN IP4 (\S+)", b, re.M)
    assert len(c) == 1 and o == c, b
    by_addr[c[0]] = by_addr.get(c[0], 0) + 1
assert by_addr == {"10.10.2.2": 2, "10.10.2.3": 2}, by_addr
PY
python3 - "$(cdr_json 4)" <<'PY' || fail "CDRs: $(cdr_json 4)"
import json, sys
c = json.loads(sys.argv[1])
byes = [x for x in c if x["reason"].startswith("BYE") and x["side"] == "callee"]
refused = [x for x in c if "Media Ports Exhausted" in x["reason"]]
assert len(byes) == 2 and len(refused) == 2, c
assert all(x["pkts_b"] == 0 for x in refused), refused
PY
sbcd_stop
dp_stop
echo ok
