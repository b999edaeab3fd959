#!/bin/bash
# The interactive sbcctl shell on a terminal (a pty): libedit completes
# command words from the daemon's own registry, runs commands, keeps
# history in ~/.sbcctl_history, and a daemon restart between two commands
# goes unnoticed.  Without a terminal, commands are read from stdin.
#
#   sbcd (ns sbc) <-- UNIX socket <-- sbcctl on a pty (python3 pty driver)
. "$(dirname "$0")/lib.sh"

lab_up
sbcd_start
export HOME=$WORK/home
mkdir -p "$HOME"

python3 - "$B/sbcctl" "$SOCK" "$PIDFILE" "$CONF" "$B/sbcd" <<'PY'
import os, pty, select, signal, subprocess, sys, time
sbcctl, sock, pidfile, conf, sbcd = sys.argv[1:]

pid, fd = pty.fork()
if pid == 0:
    os.execv(sbcctl, [sbcctl, "-s", sock])

buf = b""
def expect(what, timeout=10):
    global buf
    end = time.monotonic() + timeout
    while what not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise SystemExit("timed out waiting for %r; got %r" % (what, buf[-400:]))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise SystemExit("sbcctl exited; got %r" % buf[-400:])
            buf += chunk
    i = buf.index(what) + len(what)
    seen, buf = buf[:i], buf[i:]
    return seen

expect(b"sbc> ")
os.write(fd, b"stat\t\r")          # completion: "stat" -> "status"
out = expect(b"sbc> ")
assert b"realms" in out and b"access" in out, out

os.write(fd, b"log l\t debug\r")   # two-word command completed
out = expect(b"sbc> ")
assert b"debug" in out, out

# Restart the daemon between two commands.
old = int(open(pidfile).read())
os.kill(old, signal.SIGTERM)
for _ in range(100):
    try:
        os.kill(old, 0)
        time.sleep(0.1)
    except ProcessLookupError:
        break
subprocess.run(["ip", "netns", "exec", os.environ.get("LAB_PREFIX", "") + "sbc",
                sbcd, "-c", conf], check=True)
os.write(fd, b"version\r")
out = expect(b"sbc> ")
assert b"0.1.0" in out, out

os.write(fd, b"no such thing\r")
out = expect(b"sbc> ")
assert b"unknown command" in out.lower() or b"usage" in out.lower(), out

os.write(fd, b"quit\r")
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status), status
PY

grep -q "^status" "$HOME/.sbcctl_history" || fail "history was not saved: $(cat "$HOME/.sbcctl_history" 2>/dev/null)"

# "--KEY VALUE" is KEY=VALUE; an option without its value is a usage error
[ "$(ctl --json show calls --account nobody@sbc.lab)" = "[]" ] ||
	fail "show calls --account: $(ctl --json show calls --account nobody@sbc.lab)"
rc=0
out=$(ctl show calls --account 2>&1) || rc=$?
[ $rc -eq 2 ] && [[ $out == *"needs a value"* ]] ||
	fail "--account without a value: exit $rc: $out"

out=$(printf 'version\nlog level\n' | ctl)
expect_match "$out" "0\.1\.0" "stdin script: version"
expect_match "$out" "level: +info" "stdin script: log level (the restarted daemon is back at info)"
echo ok
