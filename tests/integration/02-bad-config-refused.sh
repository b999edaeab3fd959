#!/bin/bash
# Bad configuration never starts a daemon: sbcd --check and sbcd itself
# report FILE:LINE: what is wrong, exit non-zero, and create no socket.
#
#   (no network needed beyond the lab's sbc namespace)
. "$(dirname "$0")/lib.sh"

lab_up
out=$("$B/sbcd" --check -c "$CONF")
expect_match "$out" "configuration OK" "the shipped configuration checks"
out=$("$B/sbc-dataplane" --check -c "$CONF")
expect_match "$out" "configuration OK" "the dataplane accepts it too"

# check_bad NAME SED-EXPR REGEX: break $CONF with SED-EXPR, expect REGEX.
check_bad() {
	local bad=$WORK/$1.conf out
	sed -e "$2" "$CONF" >"$bad"
	if out=$("$B/sbcd" --check -c "$bad" 2>&1); then
		fail "$1: sbcd --check accepted it"
	fi
	expect_match "$out" "^sbcd: $bad:[0-9]+: .*$3" "$1"
	if in_sbc "$B/sbcd" -c "$bad" 2>/dev/null; then
		fail "$1: sbcd started"
	fi
	[ ! -e "$SOCK" ] || fail "$1: a control socket appeared"
}

check_bad unknown-key 's/^log = {/bogus_key = 1;\nlog = {/' "bogus_key"
check_bad wrong-type 's/max_calls = 50000/max_calls = "many"/' "max_calls"
check_bad out-of-range 's/min_se = 90/min_se = 10/' "min_se"
# ranges may overlap on different media addresses, not on a shared one
check_bad overlap 's/media_address = "10.10.2.2";/media_address = "10.10.1.2";/; s/min = 30000/min = 29000/' \
	"overlaps realm \"access\" .* on media address 10.10.1.2"
check_bad syntax 's/^log = {/log = {{/' "syntax"

if "$B/sbcd" --check -c "$WORK/missing.conf" 2>"$WORK/err"; then
	fail "a missing file was accepted"
fi
expect_match "$(cat "$WORK/err")" "missing.conf" "missing file named"
echo ok
