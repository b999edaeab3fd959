# Shared by the MSRP relay cases (3a TCP, 3g TLS): the peer tool, the
# relay's telemetry and the a=path a sipp trace shows.  Source after lib.sh
# and dp-lib.sh.

MSRP_PEER=$TOP/tests/tools/msrp_peer.py

# /sbc/msrp of the dataplane's telemetry as one JSON object
msrp_json() {
	printf '/sbc/msrp\n' | dpdk-telemetry.py -f "$prefix" 2>/dev/null | python3 -c '
import json, sys
out = {}
for line in sys.stdin:
    start = line.find("{")
    try:
        d = json.loads(line[start:]) if start >= 0 else {}
    except ValueError:
        continue
    out = d.get("/sbc/msrp") or out
print(json.dumps(out))'
}

# the a=path in the SDP of the first message FILE shows as received
sdp_path() {
	python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
for block in re.split(r"-{20,}", text):
    if "message received" in block and "a=path:" in block:
        print(re.search(r"a=path:(\S+)", block).group(1))
        break
PY
}

# msrp_exchanged: wait (at most 20 s) until both peers (their stderr in
# $WORK/pbx.err and $WORK/gw.err) say they have exchanged everything
msrp_exchanged() {
	for _ in $(seq 200); do
		grep -q exchanged "$WORK/pbx.err" && grep -q exchanged "$WORK/gw.err" &&
			return 0
		sleep 0.1
	done
}

# msrp_peers_wait: both peers' exit status ($pbx_peer, $gw_peer) must be 0
msrp_peers_wait() {
	local rc=0
	wait "$pbx_peer" || rc=$?
	[ $rc -eq 0 ] || fail "PBX's MSRP peer: $rc $(cat "$WORK/pbx.json" "$WORK/pbx.err")"
	wait "$gw_peer" || rc=$?
	[ $rc -eq 0 ] || fail "carrier's MSRP peer: $rc $(cat "$WORK/gw.json" "$WORK/gw.err")"
}

# msrp_relay_empty: after the call, the relay has no leg, connection or
# bound session left (waiting at most 5 s for it to close them)
msrp_relay_empty() {
	for _ in $(seq 25); do
		python3 -c 'import json,sys; m=json.loads(sys.argv[1]); sys.exit(0 if m.get("legs") == 0 and m.get("connections") == 0 else 1)' \
			"$(msrp_json)" && break
		sleep 0.2
	done
	python3 - "$(msrp_json)" <<'PY' || fail "relay after the BYE: $(msrp_json)"
import json, sys
m = json.loads(sys.argv[1])
assert m["legs"] == 0 and m["connections"] == 0 and m["bound"] == 0, m
PY
}
