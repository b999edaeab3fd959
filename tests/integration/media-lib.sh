# Sourced by the media cases (33-36) after lib.sh, call-lib.sh and
# dp-lib.sh: sbc-dataplane and sbcd in the lab's sbc namespace with the
# same configuration, the PBX and carrier peers, and helpers that find a
# call's media ports and run RTP endpoints (tests/tools/rtp_peer.py).
#
#   media_lab_up            lab, dataplane, sbcd, peers pbx/carrier1, route
#                           (timers.rtp_timeout = $RTP_TIMEOUT when set)
#   sipp_uac_bg SF [ARGS]   the PBX places one call in the background ($UAC)
#   media_call_wait         the id of the one confirmed call (bounded wait)
#   media_ports ID          "ACCESS_PORT CARRIER_PORT": the SBC's RTP ports
#   media_json              `show media` as JSON
#   media_idle              fail unless no flow and no media port is in use
RTP_PEER=$TOP/tests/tools/rtp_peer.py
PBX_RTP=10.10.1.10:4000
GW_RTP=10.10.2.10:5000

media_lab_up() {
	lab_up
	cd "$TOP"
	dp_conf
	if [ -n "${RTP_TIMEOUT:-}" ]; then
		sed -i "s/rtp_timeout = 30;/rtp_timeout = $RTP_TIMEOUT;/" "$CONF"
		grep -q "rtp_timeout = $RTP_TIMEOUT;" "$CONF" || fail "rtp_timeout not set"
	fi
	dp_start sbc
	sbcd_start
	ctl peer add pbx realm=access cidr=$PBX/32 >/dev/null
	ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
	ctl route add default "$GW1:5060;udp" >/dev/null
}

sipp_uac_bg() {
	local sf=$1
	shift
	in_access sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/$sf" -s 15551234 \
		-i "$PBX" -p 5070 -m 1 -timeout 60s -timeout_error -nostdin \
		-trace_err -error_file "$WORK/uac.err" "$@" >"$WORK/uac.log" 2>&1 &
	UAC=$!
	CLEANUP_PIDS+=("$UAC")
}

# uac_wait: the PBX's sipp exit status
uac_wait() {
	local rc=0
	wait "$UAC" || rc=$?
	[ $rc -eq 0 ] || { tail -n 30 "$WORK/uac.err" 2>/dev/null; }
	return $rc
}

media_call_wait() {
	local i id
	for i in $(seq 100); do
		id=$(ctl --json show calls | python3 -c '
import json, sys
c = [x for x in json.load(sys.stdin) if x["state"] == "confirmed"]
print(c[0]["id"] if c else "")')
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.1
	done
	fail "no confirmed call: $(ctl show calls)"
}

media_ports() {
	ctl --json show call "$1" | python3 -c '
import json, sys
m = [f for f in json.load(sys.stdin)["media"] if f["kind"] != "rtcp"]
a = [f["local"] for f in m if f["dir"] == "A->B"]
b = [f["local"] for f in m if f["dir"] == "B->A"]
print(a[0].rsplit(":", 1)[1], b[0].rsplit(":", 1)[1])'
}

media_json() {
	ctl --json show media
}

media_idle() {
	python3 - "$(media_json)" <<'PY' || fail "media still in use: $(media_json)"
import json, sys
m = json.loads(sys.argv[1])
assert m["flows_in_use"] == 0, m
assert all(r["ports_in_use"] == 0 for r in m["realms"]), m
PY
}
