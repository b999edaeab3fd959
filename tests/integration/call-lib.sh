# Sourced by the call cases (2[0-9]-*.sh), after lib.sh: the lab with sbcd
# started, a trusted PBX on the access side, a carrier on the carrier side
# and a default route to it, plus helpers that run sipp as either peer.

SIPP_DIR=$TOP/tests/sipp
SBC_ACCESS=10.10.1.1
PBX=10.10.1.10
GW1=10.10.2.10
GW2=10.10.2.11

# call_lab_up [ROUTE GATEWAY...]: lab, sbcd, peers pbx and carrier1, and a
# default route (to GW1 unless gateways are given).
call_lab_up() {
	lab_up
	sbcd_start
	ctl peer add pbx realm=access cidr=$PBX/32 >/dev/null
	ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
	if [ $# -gt 0 ]; then
		ctl route add default "$@" >/dev/null
	else
		ctl route add default "$GW1:5060;udp" >/dev/null
	fi
}

# sipp_uas NAME ADDR SCENARIO CALLS [SIPP ARGS...]: a carrier gateway in the
# background; its pid goes to UAS_PID[NAME], its log to $WORK/NAME.log.
declare -A UAS_PID
sipp_uas() {
	local name=$1 addr=$2 sf=$3 calls=$4
	shift 4
	in_carrier sipp -sf "$SIPP_DIR/$sf" -i "$addr" -p 5060 -m "$calls" \
		-timeout 60s -timeout_error -nostdin -trace_err \
		-error_file "$WORK/$name.err" "$@" >"$WORK/$name.log" 2>&1 &
	UAS_PID[$name]=$!
	CLEANUP_PIDS+=("$!")
	udp_bound in_carrier "$addr:5060"
}

# silent_peer IN_NS ADDR PORT SECONDS: a SIP peer that never answers: it
# counts the INVITEs reaching ADDR:PORT for SECONDS and writes the count to
# $WORK/silent.out; its pid is in SILENT.
silent_peer() {
	"$1" timeout $(($4 + 10)) python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(1)
n, end = 0, time.time() + float(sys.argv[3])
while time.time() < end:
    try:
        n += s.recv(65535).startswith(b"INVITE ")
    except socket.timeout:
        pass
print(n)
' "$2" "$3" "$4" >"$WORK/silent.out" &
	SILENT=$!
	CLEANUP_PIDS+=("$SILENT")
	udp_bound "$1" "$2:$3"
}

# uas_wait NAME: the gateway's sipp exit status (bounded by its -timeout).
uas_wait() {
	local rc=0
	wait "${UAS_PID[$1]}" || rc=$?
	[ $rc -eq 0 ] || { head -n 60 "$WORK/$1.err" 2>/dev/null; }
	return $rc
}

# sipp_uac SCENARIO CALLS [SIPP ARGS...]: the PBX places CALLS calls to
# 15551234 through the SBC; returns sipp's exit status (0: all succeeded).
sipp_uac() {
	local sf=$1 calls=$2 rc=0
	shift 2
	in_access sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/$sf" -s 15551234 \
		-i "$PBX" -p 5070 -m "$calls" -l 10 -r 20 -timeout 60s \
		-timeout_error -nostdin -trace_err -error_file "$WORK/uac.err" \
		"$@" >"$WORK/uac.log" 2>&1 || rc=$?
	[ $rc -eq 0 ] || { tail -n 30 "$WORK/uac.err" 2>/dev/null; }
	return $rc
}

# cdr_json [N]: the last N CDRs as JSON.
cdr_json() {
	ctl --json cdr "${1:-20}"
}

# calls_gone: wait (bounded) until `show calls` is empty.
calls_gone() {
	local i
	for i in $(seq 50); do
		[ "$(ctl --json show calls)" = "[]" ] && return 0
		sleep 0.1
	done
	fail "calls left: $(ctl show calls)"
}

# traced_call UAS_SCENARIO UAC_SCENARIO UAC_FAILURE UAS_FAILURE: one call
# from the PBX to gateway gw1 at $GW1 with both sides' messages traced, to
# $WORK/uac.msg and $WORK/gw1.msg (for sipp_msgs_check); fails with
# UAC_FAILURE or UAS_FAILURE when that side's scenario fails, and waits
# until the SBC has no call left.
traced_call() {
	sipp_uas gw1 $GW1 "$1" 1 -trace_msg -message_file "$WORK/gw1.msg"
	sipp_uac "$2" 1 -trace_msg -message_file "$WORK/uac.msg" || fail "$3"
	uas_wait gw1 || fail "$4"
	calls_gone
}

# cdrs_all_bye N: the last N CDRs are N calls, each ended by a BYE.
cdrs_all_bye() {
	python3 - "$(cdr_json "$1")" "$1" <<'PY'
import json, sys
cdrs, n = json.loads(sys.argv[1]), int(sys.argv[2])
assert len(cdrs) == n and all(c["reason"].startswith("BYE") for c in cdrs), cdrs
PY
}

# sipp_msgs_check UAC_MSG GW_MSG: run the python on stdin with the messages
# of two sipp -trace_msg files, the caller's and the carrier's, at hand:
#   uac_in, uac_out, gw_in, gw_out  what each received and sent (CRLF as LF)
#   msgs(PATH, "received"|"sent")   those lists, from any trace
#   ids(MSGS)                       the Call-IDs and tags in MSGS
#   assert_isolated(ids_too=True)   no message either side received carries
#                                   an address of the other side (10.10.2.
#                                   to the caller, 10.10.1. to the carrier)
#                                   nor, ids_too, a Call-ID or tag it sent
sipp_msgs_check() {
	{ printf '%s\n' "$SIPP_MSGS_PY"; cat; } | python3 - "$1" "$2"
}
SIPP_MSGS_PY=$(cat <<'PY'
import re, sys

def msgs(path, how):
    text = open(path, errors="replace").read()
    parts = re.split(r"^.*message %s.*$" % how, text, flags=re.M)
    return [re.split(r"\n-{20,}", p, 1)[0].replace("\r\n", "\n").strip()
            for p in parts[1:]]

def ids(ms):
    out = set()
    for m in ms:
        out.update(re.findall(r"(?im)^(?:Call-ID|i):\s*(\S+)", m))
        out.update(re.findall(r"(?i);tag=([^;>\s,]+)", m))
    return out

def assert_isolated(ids_too=True):
    for side, got, foreign, other_ids in (
            ("access", uac_in, "10.10.2.", ids(gw_out) if ids_too else ()),
            ("carrier", gw_in, "10.10.1.", ids(uac_out) if ids_too else ())):
        for m in got:
            assert foreign not in m, f"{side} side sees {foreign}x:\n{m}"
            for i in other_ids:
                assert i not in m, f"{side} side sees the other side's id {i}:\n{m}"

uac_in, uac_out = msgs(sys.argv[1], "received"), msgs(sys.argv[1], "sent")
gw_in, gw_out = msgs(sys.argv[2], "received"), msgs(sys.argv[2], "sent")
PY
)
