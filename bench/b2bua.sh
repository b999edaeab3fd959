#!/bin/bash
# B2BUA benchmark (issue 3): sipp places calls through sbcd in the lab and
# this prints `name: value` figures (bench/README.md).
#
#   ns access                    ns sbc                            ns carrier
#   sipp uac 10.10.1.10:5070 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10:5060
#   (peer pbx, realm access)      leg A   sbcd   leg B              (peer carrier1, route default)
#
#   1. calls per second: short calls at rate R for CPS_STEP_S seconds, R
#      rising through CPS_STEPS until a step fails, then one bisection;
#      a step holds when neither sipp counts a failed call, sbcd is
#      alive and answered every call, and sipp kept up with R.
#   2. concurrent calls: sbcd restarted (a clean heap for the memory
#      figure), CONC_CALLS long calls ramped in at the best rate; the peak
#      of sbcd's calls_active, sbcd's VmRSS at that peak and, once the
#      last call has been up longer than Sofia-SIP keeps a transaction
#      (64*T1, 32 s), its VmRSS for the calls that are up (steady state).
#   3. the floor: the same calls, rate and hold answered by a bare
#      Sofia-SIP UAS (bench/sofia_uas.c) in sbcd's place, its VmRSS per
#      dialog taken the same way; a call through sbcd is two dialogs.
#
# usage: bench/b2bua.sh [BUILD_DIR]   (root: namespaces; `make bench-b2bua`)
# Knobs (environment): LAB_PREFIX, CPS_STEPS, CPS_STEP_S, CPS_BUDGET_S,
# CONC_CALLS, CONC_RATE, CONC_HOLD_S, STORE_DIR, KEEP_WORK (keep the
# logs).  Progress goes to stderr, figures to stdout.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$(cd "${1:-${SBC_BUILD:-$TOP/build}}" && pwd)
# A prefix of its own by default, so that a bench never tears down the lab
# of a test run on the same machine (lab.sh up starts with a down).
export LAB_PREFIX=${LAB_PREFIX-bb-}
LAB=$TOP/tests/lab/lab.sh
SIPP_DIR=$TOP/bench/sipp

CPS_STEPS=${CPS_STEPS:-250 500 1000 1500 2000 2500 3000 4000}
CPS_STEP_S=${CPS_STEP_S:-20}
CPS_BUDGET_S=${CPS_BUDGET_S:-240}	# no step starts past this
CONC_CALLS=${CONC_CALLS:-50000}
CONC_RATE=${CONC_RATE:-}		# default: the best cps found, at most 2000
CONC_HOLD_S=${CONC_HOLD_S:-45}		# all calls up this long at the peak
# Completed transactions stay TXN_S (64*T1) after a call's set-up, for
# retransmissions (RFC 6026): the steady-state figure is taken once the
# last call has been up this long, plus a few seconds.
TXN_S=32
# The store on disk as in production (every CDR is committed with an
# fsync); STORE_DIR=/dev/shm shows what the fsyncs cost.  The store is a
# new directory inside it, removed at the end.
STORE_DIR=${STORE_DIR:-}

SBC_ACCESS=10.10.1.1
PBX=10.10.1.10
GW=10.10.2.10
# sipp's own socket buffers: a 20 s burst must never overflow them, or
# a lost datagram becomes a retransmission the B2BUA is blamed for.
SIPP_BUF=4194304

WORK=$(mktemp -d /tmp/sbc-bench-b2bua.XXXXXX)
CONF=$WORK/sbc.conf
SOCK=$WORK/run/sbcd.sock
STORE=
SBCD_PID=
PIDS=()

say() { echo "b2bua: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }
now() { date +%s; }

cleanup() {
	local pid
	for pid in "${PIDS[@]}" $SBCD_PID; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true	# reaped quietly
	done
	"$LAB" down
	# sbcd created the flow table (no dataplane here): 100 MiB for 50,000
	rm -f "/dev/shm/sbc_flows_bench_$$"
	if [ -n "${KEEP_WORK:-}" ]; then
		say "logs kept in $WORK"
	else
		rm -rf "$WORK" "$STORE"
	fi
}
trap cleanup EXIT

# The shipped configuration with private paths (as tests/integration/lib.sh)
# and the limits out of the way: the bench measures sbcd, not its policy.
# Media is not part of this bench, so no RTP timeout; each realm gets the
# whole port range 1024-65535 on as many media addresses as CONC_CALLS
# needs (32,256 RTP/RTCP pairs, one per call and realm, on each: sbcd
# answers 503 once all are full), on the lab's subnets, where the
# dataplane would answer ARP for them, and a flow table with room for
# four flows per call; warn keeps the log
# (a file, sbcd runs in the foreground) to what goes wrong.
write_conf() {
	local n k access carrier flows=65536
	n=$(((CONC_CALLS + 32255) / 32256))
	[ "$n" -ge 1 ] && [ "$n" -le 16 ] || die "CONC_CALLS $CONC_CALLS needs $n media addresses per realm (1-16)"
	# the lab's .2, then .20 on: clear of its SIP (.1) and peer (.10, .11) hosts
	access='"10.10.1.2"' carrier='"10.10.2.2"'
	for k in $(seq 1 $((n - 1))); do
		access="$access, \"10.10.1.$((19 + k))\""
		carrier="$carrier, \"10.10.2.$((19 + k))\""
	done
	while [ "$flows" -lt $((4 * CONC_CALLS)) ]; do
		flows=$((flows * 2))
	done
	mkdir -p "$WORK/run"
	STORE=$(mktemp -d "${STORE_DIR:-$WORK}/sbc-bench-store.XXXXXX")
	sed -e "s|\"/var/lib/sbc\"|\"$STORE\"|" \
	    -e "s|\"/run/sbc/sbcd.sock\"|\"$SOCK\"|" \
	    -e "s|\"/run/sbc/sbcd.pid\"|\"$WORK/run/sbcd.pid\"|" \
	    -e "s|\"sbc_flows\"|\"sbc_flows_bench_$$\"|" \
	    -e 's|level = "info";|level = "warn";|' \
	    -e 's|max_calls = 50000;|max_calls = 100000;|' \
	    -e 's|max_cps = 2000;|max_cps = 100000;|' \
	    -e 's|rtp_timeout = 30;|rtp_timeout = 0;|' \
	    -e "s|media_address = \"10.10.1.2\";|media_address = [ $access ];|" \
	    -e "s|media_address = \"10.10.2.2\";|media_address = [ $carrier ];|" \
	    -e 's|min = 20000; max = 29999;|min = 1024; max = 65535;|' \
	    -e 's|min = 30000; max = 39999;|min = 1024; max = 65535;|' \
	    -e "s|flow_table_size = 65536;|flow_table_size = $flows;|" \
	    "$TOP/conf/sbc.conf" >"$CONF"
	local want
	for want in "$STORE" 'level = "warn"' 'max_calls = 100000' \
		    'max_cps = 100000' 'rtp_timeout = 0' \
		    "media_address = [ $access ]" "media_address = [ $carrier ]" \
		    "flow_table_size = $flows" 'min = 1024; max = 65535'; do
		grep -qF "$want" "$CONF" || die "conf/sbc.conf changed: no '$want' after the edit"
	done
}

ctl() { timeout 10 "$B/sbcctl" -s "$SOCK" "$@"; }

# sip_stat NAME: one counter of `show sip`.
sip_stat() {
	ctl --json show sip | grep -o "\"$1\": *[0-9]*" | grep -o '[0-9]*$'
}

# sbcd in the foreground (its log in a file), ready when it answers ctl.
sbcd_start() {
	local i
	# ip netns exec execs the program, so $! is its pid (a shell function
	# in the background would be a subshell, and killing it would not
	# kill the daemon).
	ip netns exec "${LAB_PREFIX}sbc" "$B/sbcd" -f -c "$CONF" >>"$WORK/sbcd.log" 2>&1 &
	SBCD_PID=$!
	for i in $(seq 50); do
		ctl status >/dev/null 2>&1 && return 0
		kill -0 "$SBCD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$WORK/sbcd.log" >&2
	die "sbcd did not start"
}

sbcd_stop() {
	local i
	kill -TERM "$SBCD_PID" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$SBCD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$SBCD_PID" 2>/dev/null || true
	wait "$SBCD_PID" 2>/dev/null || true
	SBCD_PID=
}

sbcd_alive() { kill -0 "$SBCD_PID" 2>/dev/null; }

# heap_kib: what sbcd's heap holds now (`show memory`), KiB.
heap_kib() {
	ctl --json show memory | grep -o '"heap_in_use_kib": *[0-9]*' | grep -o '[0-9]*$'
}

# rss_kib FIELD [PID]: VmRSS or RssAnon of sbcd (or of PID), KiB.
rss_kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/${2:-$SBCD_PID}/status"; }

# calls_drained SECONDS: wait (bounded) until sbcd has no call left.
calls_drained() {
	local i
	for i in $(seq $(($1 * 5))); do
		[ "$(sip_stat calls_active)" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}

# udp_drops: datagrams the kernel dropped in the sbc namespace because a
# socket's receive buffer was full (sbcd's, at 208 KiB by default).
udp_drops() {
	ip netns exec "${LAB_PREFIX}sbc" awk '/^Udp:/ { if (!n) { for (i = 1; i <= NF; i++)
		if ($i == "RcvbufErrors") n = i; next } print $n }' /proc/net/snmp
}

# stat_col FILE COLUMN: the last value of a column of a sipp -trace_stat
# CSV (';'-separated, named in its first line); empty when none.
stat_col() {
	[ -s "$1" ] || return 0
	awk -F';' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) n = i; next }
		n { v = $n } END { print v }' "$1"
}

# uas_start TAG TIMEOUT_S: the carrier gateway for one run.  It has no
# call count (-m): a stray message from an earlier run would count as a
# call and end it early; uas_stop ends it instead.
uas_start() {
	ip netns exec "${LAB_PREFIX}carrier" sipp -sf "$SIPP_DIR/b2bua-uas.xml" -i "$GW" -p 5060 \
		-l 200000 -timeout "$2s" -nostdin -buff_size $SIPP_BUF \
		-trace_stat -stf "$WORK/uas-$1.csv" -fd 1 \
		-trace_err -error_file "$WORK/uas-$1.err" -max_log_size 1000000 \
		>"$WORK/uas-$1.log" 2>&1 &
	UAS_PID=$!
	PIDS+=("$UAS_PID")
	sleep 0.3
}

# uac_start TAG CALLS RATE HOLD_MS TIMEOUT_S: the PBX for one run.
uac_start() {
	ip netns exec "${LAB_PREFIX}access" sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/b2bua-uac.xml" \
		-s 15551234 -i "$PBX" -p 5070 -m "$2" -r "$3" -rp 1000 \
		-l 200000 -d "$4" -timeout "$5s" -nostdin -buff_size $SIPP_BUF \
		-trace_stat -stf "$WORK/uac-$1.csv" -fd 1 \
		-trace_err -error_file "$WORK/uac-$1.err" -max_log_size 1000000 \
		>"$WORK/uac-$1.log" 2>&1 &
	UAC_PID=$!
	PIDS+=("$UAC_PID")
}

# uas_stop: SIGUSR1 makes sipp finish the calls it has and exit, writing
# its last statistics; its status is 0 when none of them failed.
uas_stop() {
	kill -USR1 "$UAS_PID" 2>/dev/null || true
	sipp_wait "$UAS_PID" 10
}

# sipp_wait PID SECONDS: its exit status; killed (status 124) if it
# outlives SECONDS.
sipp_wait() {
	local pid=$1 i rc=0
	for i in $(seq $(($2 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null && { wait "$pid" 2>/dev/null; return 124; }
	wait "$pid" || rc=$?
	return $rc
}

# sipp_why TAG: the first reasons sipp gave for failed calls.
sipp_why() {
	grep -hE '^[0-9-]+ .*(Aborting|Unexpected|unexpected|timeout|Dead call)' \
		"$WORK/uac-$1.err" "$WORK/uas-$1.err" 2>/dev/null |
		sed -E 's/^[0-9-]+[ \t]+[0-9:.]+[ \t]+[0-9.]+: //' | sort | uniq -c |
		sort -rn | head -n 4 | sed 's/^/b2bua:   /' >&2 || true
}

# cps_step RATE: 0 when RATE held for CPS_STEP_S seconds without a failure.
cps_step() {
	local r=$1 n=$(($1 * CPS_STEP_S)) t0 t1 rc_uac=0 rc_uas=0
	local ans0 ans1 drops0 ok_uac fail_uac fail_uas retrans retrans_uas took
	ans0=$(sip_stat calls_answered)
	drops0=$(udp_drops)
	uas_start "$r" $((CPS_STEP_S + 40))
	t0=$(date +%s.%N)
	uac_start "$r" "$n" "$r" 0 $((CPS_STEP_S + 30))
	sipp_wait "$UAC_PID" $((CPS_STEP_S + 35)) || rc_uac=$?
	t1=$(date +%s.%N)
	sleep 1		# the last 200 to a BYE
	uas_stop || rc_uas=$?
	ok_uac=$(stat_col "$WORK/uac-$r.csv" 'SuccessfulCall(C)')
	fail_uac=$(stat_col "$WORK/uac-$r.csv" 'FailedCall(C)')
	fail_uas=$(stat_col "$WORK/uas-$r.csv" 'FailedCall(C)')
	retrans=$(stat_col "$WORK/uac-$r.csv" 'Retransmissions(C)')
	retrans_uas=$(stat_col "$WORK/uas-$r.csv" 'Retransmissions(C)')
	took=$(echo "$t1 - $t0" | bc)
	calls_drained 10 || true
	sbcd_alive || { say "cps $r: sbcd died"; return 1; }
	ans1=$(sip_stat calls_answered)
	UDP_DROPS=$((UDP_DROPS + $(udp_drops) - drops0))
	say "cps $r: ${ok_uac:-0}/$n calls in ${took}s, failed uac ${fail_uac:-?} uas ${fail_uas:-?}," \
	    "retransmissions uac ${retrans:-?} uas ${retrans_uas:-?}, sbcd answered $((ans1 - ans0)), udp drops $(($(udp_drops) - drops0)), sipp exit $rc_uac/$rc_uas"
	if [ "$rc_uac" != 0 ] || [ "$rc_uas" != 0 ] ||
	   [ "${fail_uac:-1}" != 0 ] || [ "${fail_uas:-1}" != 0 ]; then
		sipp_why "$r"
		return 1
	fi
	[ "${ok_uac:-0}" = "$n" ] && [ $((ans1 - ans0)) = "$n" ] || return 1
	# sipp falls behind rather than failing when it cannot keep the rate
	# (CPU): a step that took more than 10% longer did not hold RATE.
	[ "$(echo "$took <= $CPS_STEP_S * 1.1 + 1" | bc)" = 1 ] || {
		say "cps $r: took ${took}s for a ${CPS_STEP_S}s step: rate not held"; return 1; }
	return 0
}

# Phase 1: highest rate with no failed call.
cps_search() {
	local start r best=0 bad=0 mid
	start=$(now)
	for r in $CPS_STEPS; do
		if [ $(($(now) + CPS_STEP_S + 15)) -gt $((start + CPS_BUDGET_S)) ]; then
			say "cps: time budget spent"; break
		fi
		if cps_step "$r"; then
			best=$r
		else
			bad=$r; break
		fi
		sbcd_alive || break
	done
	# One bisection between the last rate held and the first that was not,
	# rounded to 50 cps, when there is time left and sbcd survived.
	mid=$(((best + bad) / 2 / 50 * 50))
	if [ "$bad" -gt 0 ] && [ "$mid" -gt "$best" ] && sbcd_alive &&
	   [ $(($(now) + CPS_STEP_S + 15)) -le $((start + CPS_BUDGET_S)) ]; then
		calls_drained 10 || true
		cps_step "$mid" && best=$mid
	fi
	CPS_BEST=$best
	CPS_FIRST_FAIL=$bad
}

# Phase 2: CONC_CALLS long calls up at once, and sbcd's memory for them.
concurrent() {
	local rate=$1 n=$CONC_CALLS ramp hold_ms rc_uac=0 rc_uas=0
	local base base_anon active peak=0 peak_rss=0 peak_anon=0 rss anon
	local fail_uac fail_uas end rise steady=0 steady_rss=0 steady_anon=0
	local base_heap steady_heap=0
	ramp=$(((n + rate - 1) / rate))
	hold_ms=$(((ramp + CONC_HOLD_S) * 1000))
	base=$(rss_kib VmRSS)
	base_anon=$(rss_kib RssAnon)
	base_heap=$(heap_kib)
	uas_start conc $((2 * ramp + CONC_HOLD_S + 60))
	uac_start conc "$n" "$rate" "$hold_ms" $((2 * ramp + CONC_HOLD_S + 50))
	say "concurrent: $n calls at $rate cps, each held $((hold_ms / 1000)) s"
	# Sample once a second until every call is up and has been for a while;
	# calls then end at the rate they came in.  The steady state is one
	# sample TXN_S + 3 s after the last call came up (the calls_active
	# count last rose), while none has ended yet.
	end=$(($(now) + ramp + CONC_HOLD_S + 5))
	rise=$(now)
	while [ "$(now)" -lt "$end" ] && sbcd_alive; do
		active=$(sip_stat calls_active || echo 0)
		rss=$(rss_kib VmRSS)
		anon=$(rss_kib RssAnon)
		if [ "${active:-0}" -gt "$peak" ]; then
			peak=$active
			rise=$(now)
		fi
		[ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
		[ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
		if [ "$steady" = 0 ] && [ "$(now)" -ge $((rise + TXN_S + 3)) ] &&
		   [ "${active:-0}" -eq "$peak" ] && [ "$peak" -gt 0 ]; then
			steady=$active
			steady_rss=$rss
			steady_anon=$anon
			steady_heap=$(heap_kib)
		fi
		sleep 1
	done
	sipp_wait "$UAC_PID" $((ramp + 30)) || rc_uac=$?
	sleep 1
	uas_stop || rc_uas=$?
	fail_uac=$(stat_col "$WORK/uac-conc.csv" 'FailedCall(C)')
	fail_uas=$(stat_col "$WORK/uas-conc.csv" 'FailedCall(C)')
	sbcd_alive || say "concurrent: sbcd died"
	say "concurrent: peak $peak calls, VmRSS $base -> $peak_rss KiB (anon $base_anon -> $peak_anon)," \
	    "failed uac ${fail_uac:-?} uas ${fail_uas:-?}, sipp exit $rc_uac/$rc_uas"
	CONC_PEAK=$peak
	CONC_FAILED=$(( ${fail_uac:-0} + ${fail_uas:-0} ))
	if [ "$peak" -gt 0 ]; then
		PEAK_RSS_PER_CALL=$(echo "scale=1; ($peak_rss - $base) / $peak" | bc)
		PEAK_ANON_PER_CALL=$(echo "scale=1; ($peak_anon - $base_anon) / $peak" | bc)
	fi
	if [ "$steady" -gt 0 ]; then
		say "concurrent: steady state $steady calls, VmRSS $steady_rss KiB (anon $steady_anon)," \
		    "heap in use $base_heap -> $steady_heap KiB"
		RSS_PER_CALL=$(echo "scale=1; ($steady_rss - $base) / $steady" | bc)
		ANON_PER_CALL=$(echo "scale=1; ($steady_anon - $base_anon) / $steady" | bc)
		HEAP_PER_CALL=$(echo "scale=1; ($steady_heap - $base_heap) / $steady" | bc)
	else
		say "concurrent: no steady state: calls not all up for $((TXN_S + 3)) s (CONC_HOLD_S)"
	fi
}

# Phase 3: the same calls, rate and hold against a bare Sofia-SIP UAS
# (bench/sofia_uas.c) where sbcd listened: its VmRSS per dialog, sampled
# as sbcd's steady state is (every call up for longer than the set-up
# transactions live, none ended), is what Sofia-SIP itself keeps; a call
# through sbcd is two such dialogs.
sofia_baseline() {
	local rate=$1 n=$CONC_CALLS ramp hold_ms pid base rss up failed i
	local rc=0
	ramp=$(((n + rate - 1) / rate))
	hold_ms=$(((ramp + CONC_HOLD_S) * 1000))
	ip netns exec "${LAB_PREFIX}sbc" "$B/bench/sofia_uas" "sip:$SBC_ACCESS:5060" \
		>"$WORK/sofia_uas.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	for i in $(seq 50); do
		grep -q '^ready' "$WORK/sofia_uas.log" && break
		sleep 0.2
	done
	grep -q '^ready' "$WORK/sofia_uas.log" || die "sofia_uas did not start: $(cat "$WORK/sofia_uas.log")"
	base=$(rss_kib VmRSS "$pid")
	uac_start sofia "$n" "$rate" "$hold_ms" $((2 * ramp + CONC_HOLD_S + 50))
	say "sofia_uas: $n calls at $rate cps, each held $((hold_ms / 1000)) s"
	sleep $((ramp + TXN_S + 3))
	up=$(stat_col "$WORK/uac-sofia.csv" 'CurrentCall')
	rss=$(rss_kib VmRSS "$pid")
	sipp_wait "$UAC_PID" $((ramp + CONC_HOLD_S + 30)) || rc=$?
	failed=$(stat_col "$WORK/uac-sofia.csv" 'FailedCall(C)')
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	say "sofia_uas: $up calls up, VmRSS $base -> $rss KiB, failed ${failed:-?}, sipp exit $rc"
	[ "${up:-0}" -gt 0 ] || return 0
	SOFIA_PER_DIALOG=$(echo "scale=1; ($rss - $base) / $up" | bc)
	SOFIA_FAILED=${failed:-0}
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
for p in "$B/sbcd" "$B/sbcctl" "$B/bench/sofia_uas"; do
	[ -x "$p" ] || die "$p not built"
done
command -v sipp >/dev/null || die "sipp not installed"
command -v bc >/dev/null || die "bc not installed"

"$LAB" up >/dev/null
write_conf
sbcd_start
ctl peer add pbx realm=access cidr=$PBX/32 >/dev/null
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl route add default "$GW:5060;udp" >/dev/null

UDP_DROPS=0
cps_search
say "cps: best $CPS_BEST, first failure at ${CPS_FIRST_FAIL:-none}"
[ "$CPS_BEST" -gt 0 ] || die "not even the lowest rate held (see above)"

# A fresh process, so the RSS difference is what the calls hold, not what
# the heap kept from phase 1's churn.
sbcd_stop
sbcd_start
rate=${CONC_RATE:-$((CPS_BEST < 2000 ? CPS_BEST : 2000))}
RSS_PER_CALL=0 ANON_PER_CALL=0 PEAK_RSS_PER_CALL=0 PEAK_ANON_PER_CALL=0
HEAP_PER_CALL=0
concurrent "$rate"

# sbcd's complaints, without their time stamps, most frequent first
grep -E 'err|warn' "$WORK/sbcd.log" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/b2bua: sbcd log: /' >&2 || true

sbcd_stop
SOFIA_PER_DIALOG=0 SOFIA_FAILED=0 SOFIA_RATIO=0
sofia_baseline "$rate"
if [ "$SOFIA_PER_DIALOG" != 0 ]; then
	SOFIA_RATIO=$(echo "scale=2; $RSS_PER_CALL / (2 * $SOFIA_PER_DIALOG)" | bc)
fi

echo "b2bua.cps_no_fail: $CPS_BEST"
echo "b2bua.concurrent_calls: $CONC_PEAK"
echo "b2bua.rss_kib_per_call: $RSS_PER_CALL"
echo "b2bua.rss_anon_kib_per_call: $ANON_PER_CALL"
echo "b2bua.heap_kib_per_call: $HEAP_PER_CALL"
echo "b2bua.rss_kib_per_call_at_peak: $PEAK_RSS_PER_CALL"
echo "b2bua.rss_anon_kib_per_call_at_peak: $PEAK_ANON_PER_CALL"
echo "b2bua.concurrent_failed_calls: $CONC_FAILED"
echo "b2bua.concurrent_ramp_cps: $rate"
echo "b2bua.cps_first_fail: $CPS_FIRST_FAIL"
echo "b2bua.cps_udp_rcvbuf_drops: $UDP_DROPS"
echo "b2bua.sofia_uas_rss_kib_per_dialog: $SOFIA_PER_DIALOG"
echo "b2bua.sofia_uas_failed_calls: $SOFIA_FAILED"
echo "b2bua.rss_vs_two_sofia_dialogs: $SOFIA_RATIO"
