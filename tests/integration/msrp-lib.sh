# Shared by the MSRP relay cases (3a TCP, 3g TLS): the peer tool, the
# relay's telemetry and the a=path a sipp trace shows.  Source after lib.sh
# and dp-lib.sh.

MSRP_PEER=$TOP/tests/tools/msrp_peer.py

# /sbc/msrp of the dataplane's telemetry as one JSON object
msrp_json() {
	dp_telemetry /sbc/msrp
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

# msrp_exchange_check PBX_PEER PBX_ANSWERED TLS: what the two peers saw
# ($WORK/pbx.json, $WORK/gw.json): each side's text and file arrived intact
# (a.bin, b.bin), each saw only its own path and the SBC's of its realm
# ($PBX_URI/$sbc_a, $GW_URI/$sbc_b), the PBX's connection went to
# PBX_PEER (TLS 1.2+ when TLS is "tls", plain when "tcp") and the
# carrier's plain to the SBC's carrier address, every message it sent was
# answered (PBX_ANSWERED for the PBX, 5 for the carrier) and the relay
# closed both connections after the BYE.
msrp_exchange_check() {
	python3 - "$WORK" "$sbc_a" "$sbc_b" "$PBX_URI" "$GW_URI" "$@" <<'PY' ||
import hashlib, json, sys
work, sbc_a, sbc_b, pbx_uri, gw_uri, pbx_peer, pbx_answered, tls = sys.argv[1:]
pbx = json.load(open(work + "/pbx.json"))
gw = json.load(open(work + "/gw.json"))
sha = lambda f: hashlib.sha256(open(work + "/" + f, "rb").read()).hexdigest()

def got(peer, kind):
    return [m for m in peer["received"].values() if m["type"] == kind]

assert [m["text"] for m in got(pbx, "text/plain")] == ["hello from the carrier"], pbx
assert [m["text"] for m in got(gw, "text/plain")] == ["hello from the pbx"], gw
assert [m["sha256"] for m in got(pbx, "application/octet-stream")] == [sha("b.bin")], pbx
assert [m["sha256"] for m in got(gw, "application/octet-stream")] == [sha("a.bin")], gw
assert pbx["to_paths"] == [pbx_uri] and pbx["from_paths"] == [sbc_a], pbx
assert gw["to_paths"] == [gw_uri] and gw["from_paths"] == [sbc_b], gw
assert gw["to"] == sbc_b, gw
assert pbx["peer"] == pbx_peer, pbx
assert gw["peer"].startswith("10.10.2.1:") and gw.get("tls") is None, gw
if tls == "tls":
    assert pbx["tls"] in ("TLSv1.2", "TLSv1.3"), pbx
else:
    assert pbx.get("tls") is None, pbx
assert pbx["pending"] == 0 and gw["pending"] == 0
assert pbx["answered"] == int(pbx_answered) and gw["answered"] == 1 + 4, (pbx, gw)
assert pbx["closed"] and gw["closed"], (pbx["closed"], gw["closed"])
PY
		fail "MSRP content, paths or connections"
}

# msrp_gw_listen: the carrier's MSRP peer listening on $GW_URI (8888),
# sending a text and $WORK/b.bin and expecting two messages, started before
# the call (the SBC connects as soon as it is up); its pid in gw_peer.
msrp_gw_listen() {
	in_carrier timeout 90 python3 "$MSRP_PEER" --listen --me "$GW_URI" \
		--to auto --text "hello from the carrier" --file "$WORK/b.bin" \
		--expect 2 --timeout 60 --wait-close 40 \
		>"$WORK/gw.json" 2>"$WORK/gw.err" &
	gw_peer=$!
	CLEANUP_PIDS+=("$gw_peer")
	tcp_listening in_carrier 8888
}
