# Sourced by every integration case.  Gives each case a private work
# directory, a lab configuration derived from the shipped conf/sbc.conf (only
# the paths change), helpers to start and stop the daemons inside the lab's
# `sbc` namespace, and a cleanup that runs however the case ends.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${SBC_BUILD:-$TOP/build}
LAB=$TOP/tests/lab/lab.sh
WORK=$(mktemp -d /tmp/sbc-it.XXXXXX)
CONF=$WORK/sbc.conf
SOCK=$WORK/run/sbcd.sock
PIDFILE=$WORK/run/sbcd.pid
CLEANUP_PIDS=()

cleanup() {
	local pid
	if [ -f "$PIDFILE" ]; then
		CLEANUP_PIDS+=("$(cat "$PIDFILE")")
	fi
	for pid in "${CLEANUP_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	"$LAB" down
	rm -rf "$WORK"
	# sbcd creates the flow table when no dataplane did
	rm -f "/dev/shm/sbc_flows_$$"
	# the EAL's runtime files of a dataplane run with the case's
	# --file-prefix (dp-lib.sh, 04): DPDK leaves them behind
	rm -rf "/var/run/dpdk/sbc-it-$$"
}
trap cleanup EXIT

# Run a command in one of the lab's namespaces (LAB_PREFIX lets two labs
# coexist: see tests/lab/lab.sh).
in_sbc() { ip netns exec "${LAB_PREFIX:-}sbc" "$@"; }
in_access() { ip netns exec "${LAB_PREFIX:-}access" "$@"; }
in_carrier() { ip netns exec "${LAB_PREFIX:-}carrier" "$@"; }
in_attacker() { ip netns exec "${LAB_PREFIX:-}attacker" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_match TEXT REGEX WHAT
expect_match() {
	grep -qE -- "$2" <<<"$1" || fail "$3: expected /$2/ in: $1"
}

# The shipped configuration with this case's private paths.
lab_conf() {
	mkdir -p "$WORK/run"
	sed -e "s|\"/var/lib/sbc\"|\"$WORK/store\"|" \
	    -e "s|\"/run/sbc/sbcd.sock\"|\"$SOCK\"|" \
	    -e "s|\"/run/sbc/sbcd.pid\"|\"$PIDFILE\"|" \
	    -e "s|\"sbc_flows\"|\"sbc_flows_$$\"|" \
	    "$TOP/conf/sbc.conf" >"$CONF"
	grep -q "$WORK/store" "$CONF" || fail "conf/sbc.conf has no store path to replace"
	# A case may change settings before the daemons start: CONF_SED is a
	# sed script applied to the configuration.
	if [ -n "${CONF_SED:-}" ]; then
		sed -i -e "$CONF_SED" "$CONF"
	fi
}

lab_up() {
	"$LAB" up
	lab_conf
}

# sbcd_start: daemonizes in the sbc namespace; returns once it is ready.
sbcd_start() {
	in_sbc "$B/sbcd" -c "$CONF" "$@"
}

sbcd_pid() {
	cat "$PIDFILE"
}

# sbcd_stop [SIGNAL]: SIGTERM (or SIGNAL, e.g. KILL for a crash) and wait
# (bounded) for the process to go.
sbcd_stop() {
	local pid i sig=${1:-TERM}
	pid=$(sbcd_pid)
	kill -"$sig" "$pid"
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	fail "sbcd $pid did not stop on SIG$sig"
}

ctl() {
	"$B/sbcctl" -s "$SOCK" "$@"
}

# tls_certs DIR IP...: a throwaway CA (DIR/ca.crt) and a certificate for
# the IP addresses given (DIR/sbc.crt, DIR/sbc.key), valid a day; the keys
# stay in the case's WORK directory.
tls_certs() {
	local dir=$1 san
	shift
	san=$(printf 'IP:%s,' "$@")
	mkdir -p "$dir"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/ca.key" -out "$dir/ca.crt" -days 1 \
		-subj /CN=sbc-lab-ca 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/sbc.key" -out "$dir/sbc.csr" -subj /CN=sbc.lab \
		2>/dev/null
	printf 'subjectAltName=%s\n' "${san%,}" >"$dir/ext"
	openssl x509 -req -in "$dir/sbc.csr" -CA "$dir/ca.crt" \
		-CAkey "$dir/ca.key" -CAcreateserial -out "$dir/sbc.crt" -days 1 \
		-extfile "$dir/ext" 2>/dev/null
	[ -s "$dir/sbc.crt" ] || fail "openssl could not make a test certificate"
}

# tcp_listening IN_NS PORT: wait (at most 30 s) until a TCP socket listens
# on PORT in the namespace IN_NS enters.
tcp_listening() {
	local i
	for i in $(seq 100); do
		[ -n "$("$1" ss -Hltn "sport = :$2")" ] && return 0
		sleep 0.3
	done
	fail "nothing listening on tcp port $2"
}

# udp_bound IN_NS ADDR:PORT: wait (at most 30 s: sipp starts slowly on a
# loaded machine) until a UDP socket is bound
# to ADDR:PORT in the namespace IN_NS (in_access, in_carrier) enters, so a
# peer started in the background is ready before anything is sent to it.
udp_bound() {
	local i
	for i in $(seq 100); do
		[ -n "$("$1" ss -Huan src "$2")" ] && return 0
		sleep 0.3
	done
	fail "nothing bound to udp $2"
}
