#!/bin/bash
# make demo: start the lab, run sbcd and sbc-dataplane in its sbc namespace
# with the shipped conf/sbc.conf, and show what they report.  Everything is
# stopped and removed at the end unless KEEP=1.
#
#   access 10.10.1.10 ---+--- sig-access 10.10.1.1  [sbcd]           sig-carrier 10.10.2.1 ---+--- carrier 10.10.2.10
#                        +--- dp-access  (10.10.1.2) [sbc-dataplane] dp-carrier (10.10.2.2) ---+
#
# usage: tests/lab/demo.sh [BUILD]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$(realpath "${1:-$TOP/build}")
CONF=$TOP/conf/sbc.conf
LAB=$TOP/tests/lab/lab.sh
DPLOG=/tmp/sbc-demo-dataplane.log
DPPID=

stop() {
	[ -n "$DPPID" ] && kill -TERM "$DPPID" 2>/dev/null && wait "$DPPID" 2>/dev/null
	[ -f /run/sbc/sbcd.pid ] && kill -TERM "$(cat /run/sbc/sbcd.pid)" 2>/dev/null
	sleep 1
	"$LAB" down
}

step() { printf '\n== %s\n' "$*"; }

step "lab: network namespaces access, sbc, carrier, attacker"
"$LAB" up
"$LAB" status

if [ "${KEEP:-0}" != 1 ]; then
	trap stop EXIT
fi

step "configuration"
"$B/sbcd" --check -c "$CONF"

step "sbcd (namespace sbc)"
ip netns exec sbc "$B/sbcd" -c "$CONF"
echo "sbcd running, pid $(cat /run/sbc/sbcd.pid)"

step "sbc-dataplane (namespace sbc, af_packet on dp-access and dp-carrier)"
ip netns exec sbc "$B/sbc-dataplane" -f -c "$CONF" >"$DPLOG" 2>&1 &
DPPID=$!
for _ in $(seq 100); do
	grep -q "running:" "$DPLOG" && break
	kill -0 "$DPPID" 2>/dev/null || { cat "$DPLOG"; exit 1; }
	sleep 0.2
done
sed 's/^/  /' "$DPLOG"

step "sbcctl status"
"$B/sbcctl" -c "$CONF" status

step "sbcctl help"
"$B/sbcctl" -c "$CONF" help

if [ "${KEEP:-0}" = 1 ]; then
	printf '\nThe lab and daemons keep running: try "%s -c %s" for the shell;\n' "$B/sbcctl" "$CONF"
	printf 'stop with "make lab-down".  Dataplane log: %s\n' "$DPLOG"
fi
