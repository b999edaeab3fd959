#!/bin/bash
# Hold and resume by re-INVITE with media: the PBX talks, holds
# (a=sendonly; the carrier answers recvonly), then resumes (a=sendrecv).
# The flows follow each answer (`show call` lists them on hold, then not),
# they keep their slots and ports, and media flows again after the resume.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

media_lab_up
# Both peers send for the whole call, from before it is up, to the first
# ports a fresh sbcd hands out (rotating allocation from the range start).
in_carrier timeout 60 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:30000 \
	--count 1300 --linger 1 --after-first 10 --ssrc 2 >"$WORK/carrier.txt" &
carrier=$!
CLEANUP_PIDS+=("$carrier")
udp_bound in_carrier $GW_RTP
in_access timeout 60 python3 "$RTP_PEER" $PBX_RTP --to 10.10.1.2:20000 \
	--count 1300 --linger 1 --ssrc 1 >"$WORK/access.txt" &
access=$!
CLEANUP_PIDS+=("$access")

sipp_uas gw1 $GW1 uas-media-hold.xml 1
sipp_uac_bg uac-media-hold.xml -d 6000
id=$(media_call_wait)
[ "$(media_ports "$id")" = "20000 30000" ] || fail "ports $(media_ports "$id")"

# flows' hold state and B->A packets: "HOLD PACKETS"
state() {
	ctl --json show call "$id" | python3 -c '
import json, sys
m = [f for f in json.load(sys.stdin)["media"] if f["kind"] == "rtp"]
print(" ".join(f["hold"] for f in m), [f for f in m if f["dir"] == "B->A"][0]["packets"])'
}
wait_hold() {
	local i s
	for i in $(seq 100); do
		s=$(state) || fail "call $id gone: $(cdr_json 1)"
		[[ "$s" == "$1 "* ]] && { echo "$s"; return 0; }
		sleep 0.2
	done
	fail "flows never became '$1': $s"
}
wait_hold "yes yes" >/dev/null
held=$(ctl --json show media)
resumed=$(wait_hold "no no")
sleep 1.5
after=$(state)
[ "${after##* }" -gt "${resumed##* }" ] ||
	fail "no media after the resume: $resumed, then $after"
python3 - "$held" <<'PY' || fail "flows or ports changed on hold: $held"
import json, sys
m = json.loads(sys.argv[1])
assert m["flows_in_use"] == 4, m
assert [r["ports_in_use"] for r in m["realms"]] == [2, 2], m
PY

uac_wait || fail "sipp uac"
uas_wait gw1 || fail "sipp uas"
calls_gone
media_idle
wait "$access" "$carrier" || true
n=$(grep -c "^10.10.1.2:20000 " "$WORK/access.txt" || true)
[ "$n" -ge 200 ] || fail "the PBX got $n packets"
grep -vq "^10.10.1.2:20000 " "$WORK/access.txt" && fail "the PBX got media from elsewhere"
expect_match "$(cdr_json 1)" '"reason": "BYE' "CDR"
sbcd_stop
dp_stop
echo ok
