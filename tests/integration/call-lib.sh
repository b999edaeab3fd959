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
	sleep 0.3
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
