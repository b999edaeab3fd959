#!/bin/bash
# The control socket survives hostile and broken clients: garbage, invalid
# JSON-RPC, an oversized line, a client that disconnects mid-request and one
# that never reads its reply.  sbcd keeps serving, and sbcctl's exit codes
# follow the reply classes (0 ok, 2 usage, 3 no daemon; docs/CONTROL.md).
#
#   sbcd (ns sbc) <-- UNIX socket <-- python3 raw clients, sbcctl
. "$(dirname "$0")/lib.sh"

lab_up
set +e
ctl status >/dev/null 2>&1; rc=$?
set -e
[ "$rc" -eq 3 ] || fail "sbcctl without a daemon exited $rc, want 3"

sbcd_start
pid=$(sbcd_pid)

python3 - "$SOCK" <<'PY'
import json, socket, sys
path = sys.argv[1]

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s

def lines(s, n):
    buf = b""
    while buf.count(b"\n") < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return [json.loads(l) for l in buf.split(b"\n") if l]

s = conn()
s.sendall(b"this is not json\n")
r, = lines(s, 1)
assert r["error"]["code"] == -32700, r
s.sendall(b'{"jsonrpc":"2.0","id":7}\n')
r, = lines(s, 1)
assert r["error"]["code"] == -32600 and r["id"] == 7, r
s.sendall(b'{"jsonrpc":"2.0","id":8,"method":"no.such"}\n')
r, = lines(s, 1)
assert r["error"]["code"] == -32601 and "no.such" in r["error"]["message"], r
s.sendall(b'{"jsonrpc":"2.0","id":9,"method":"sbc.version"}\n')
r, = lines(s, 1)
assert r["result"]["version"] == "0.1.0", r
s.close()

# Half a request, then gone.
s = conn()
s.sendall(b'{"jsonrpc":"2.0","id":1,"meth')
s.close()

# Requests whose replies are never read.
s = conn()
s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"sbc.status"}\n' * 200)
s.close()

# A line over the limit: an error, then the connection is closed.
s = conn()
try:
    s.sendall(b"[" * (5 << 20))
except OSError:
    pass
r = lines(s, 1)
assert r and r[0]["error"]["code"] == -32003, r
s.close()

# The daemon still answers.
s = conn()
s.sendall(b'{"jsonrpc":"2.0","id":2,"method":"sbc.status"}\n')
r, = lines(s, 1)
assert r["result"]["realms"][0]["name"] == "access", r
PY

kill -0 "$pid" || fail "sbcd died"
ctl status >/dev/null || fail "sbcctl status failed after hostile clients"

set +e
ctl no such command >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "unknown command exited $rc, want 2"
ctl log level loud >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "invalid parameter exited $rc, want 2"
set -e
echo ok
