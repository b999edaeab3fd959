#!/bin/bash
# sbcd starts in the lab from the shipped configuration, reports itself
# through sbcctl (human and --json), changes its log level at run time, and
# stops cleanly on SIGTERM, removing its socket and pid file.
#
#   access 10.10.1.10 --- [sbc: sbcd, sig-access 10.10.1.1, sig-carrier 10.10.2.1] --- carrier 10.10.2.10
#                              ^ UNIX socket $WORK/run/sbcd.sock <-- sbcctl (host)
. "$(dirname "$0")/lib.sh"

lab_up
sbcd_start
[ -S "$SOCK" ] || fail "control socket $SOCK missing after start"
mode=$(stat -c %a "$SOCK")
[ "$mode" = 660 ] || fail "control socket mode $mode, want 660"
pid=$(sbcd_pid)
kill -0 "$pid" || fail "pid file names no live process"

out=$(ctl status)
expect_match "$out" "version: +0\.1\.0" "status version"
expect_match "$out" "udp:10\.10\.1\.1:5060" "access realm socket"
expect_match "$out" "udp:10\.10\.2\.1:5060" "carrier realm socket"
expect_match "$out" "pid: +$pid" "status pid"

json=$(ctl --json status)
python3 - "$json" "$pid" <<'PY'
import json, sys
st = json.loads(sys.argv[1])
assert st["pid"] == int(sys.argv[2]), st
names = [r["name"] for r in st["realms"]]
assert names == ["access", "carrier"], names
assert st["realms"][0]["media_address"] == "10.10.1.2", st["realms"][0]
assert st["store"]["accounts"] == 0, st["store"]
assert set(st["store"]) == {"accounts", "peers", "routes", "rates",
                            "registrations", "dialogs", "cdrs", "audit",
                            "live_calls"}, st["store"]
PY

out=$(ctl version)
expect_match "$out" "sofia_sip: +1\.12" "version shows Sofia-SIP"

out=$(ctl log level debug)
expect_match "$out" "level: +debug" "log level set"
out=$(ctl log level)
expect_match "$out" "level: +debug" "log level kept"
if ctl log level loud 2>"$WORK/err"; then
	fail "an unknown log level was accepted"
fi
expect_match "$(cat "$WORK/err")" "unknown log level" "log level error message"

out=$(ctl help)
for w in status version "log level" help; do
	expect_match "$out" "$w" "help lists '$w'"
done

# A second sbcd on the same socket must refuse to start, and leave the
# first one serving.
if sbcd_start 2>"$WORK/err2"; then
	fail "a second sbcd started on a socket in use"
fi
ctl status >/dev/null || fail "first sbcd stopped answering"

sbcd_stop
[ ! -e "$SOCK" ] || fail "control socket left behind after SIGTERM"
[ ! -e "$PIDFILE" ] || fail "pid file left behind after SIGTERM"
echo ok
