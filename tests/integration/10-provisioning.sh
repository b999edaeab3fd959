#!/bin/bash
# Provisioning through sbcctl: a trusted peer, routes and a subscriber
# account are added, shown (human and --json) and survive a restart of
# sbcd; bad input gets the documented exit codes (1 runtime, 2 usage); the
# account's password appears nowhere (ctl output, store dump) while its
# HA1 digests (MD5 and SHA-256 of user:domain:password) are in the store.
#
#   sbcctl (host) --> UNIX socket $WORK/run/sbcd.sock --> sbcd (ns sbc) --> LMDB $WORK/store
#                                                                             ^ mdb_dump (host)
. "$(dirname "$0")/lib.sh"

PW='Pr0v-s3cret.XyZ'
PW2='0ther-s3cret.QwE'
OUT=$WORK/ctl-output	# every sbcctl output of the case, for the password scan

# c ARGS...: sbcctl, its stdout and stderr also appended to $OUT
c() {
	local rc=0
	ctl "$@" >"$WORK/o" 2>"$WORK/e" || rc=$?
	cat "$WORK/o" "$WORK/e" >>"$OUT"
	cat "$WORK/o"
	return $rc
}

# expect_exit CODE ARGS...: sbcctl must exit with CODE; prints its stderr
expect_exit() {
	local want=$1 rc=0
	shift
	c "$@" >/dev/null || rc=$?
	[ "$rc" -eq "$want" ] || fail "sbcctl $*: exit $rc, want $want"
	cat "$WORK/e"
}

ha1() {
	printf %s "alice:sbc.example:$2" | "$1" | cut -d' ' -f1
}

lab_up
sbcd_start

# --- peers ----------------------------------------------------------------
c peer add carrier1 realm=carrier cidr=10.10.2.77/24 port=5060 \
	transport=udp max_calls=100 max_cps=10 callerid_trusted=yes >/dev/null
c peer add pbx realm=access cidr=10.10.1.10 transport=tcp >/dev/null
out=$(c show peers)
expect_match "$out" "NAME +REALM +CIDR" "peer table header"
expect_match "$out" "carrier1 +carrier +10\.10\.2\.0/24 +5060 +udp +100 +10 +true +pai" \
	"peer carrier1 row"
expect_match "$out" "pbx +access +10\.10\.1\.10/32 +0 +tcp" "peer pbx row"
python3 - "$(c --json show peers)" <<'PY'
import json, sys
peers = json.loads(sys.argv[1])
assert [p["name"] for p in peers] == ["carrier1", "pbx"], peers
p = peers[0]
assert p == {"name": "carrier1", "realm": "carrier", "cidr": "10.10.2.0/24",
             "port": 5060, "transport": "udp", "max_calls": 100,
             "max_cps": 10, "callerid_trusted": True, "pai_mode": "pai"}, p
PY

# --- routes ---------------------------------------------------------------
c route add 44 '10.10.2.10:5060;udp' '[2001:db8::10]:5061;tls' >/dev/null
c route add default 10.10.2.11 >/dev/null
out=$(c route show 4420)
expect_match "$out" "prefix: +44$" "route show 4420 picks prefix 44"
expect_match "$out" "gateways: +10\.10\.2\.10:5060;udp, \[2001:db8::10\]:5061;tls" \
	"route show 4420 gateways"
out=$(c route show 3312345)
expect_match "$out" "prefix: +default" "route show falls back to default"
out=$(c route show)
expect_match "$out" "PREFIX +GATEWAYS" "route table header"
expect_match "$out" "default +10\.10\.2\.11" "route table default row"
python3 - "$(c --json route show 4420)" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r == {"prefix": "44", "number": "4420",
             "gateways": ["10.10.2.10:5060;udp", "[2001:db8::10]:5061;tls"]}, r
PY

# --- accounts -------------------------------------------------------------
c account add alice@sbc.example "password=$PW" realm=access prepaid=yes \
	balance=12.50 currency=EUR max_calls=2 >/dev/null
out=$(c show accounts)
expect_match "$out" "alice@sbc\.example +alice +sbc\.example +access +true +12\.50 EUR +12500000" \
	"account row"
json=$(c --json show accounts)
python3 - "$json" <<'PY'
import json, sys
a, = json.loads(sys.argv[1])
assert a["id"] == "alice@sbc.example" and a["balance"] == "12.50 EUR", a
assert a["balance_micro"] == 12500000 and a["prepaid"] is True, a
assert not any("ha1" in k or "pass" in k for k in a), a
PY
c account passwd alice@sbc.example "$PW2" >/dev/null

dump=$(mdb_dump -a -p "$WORK/store")
grep -qF "$(ha1 md5sum "$PW2")" <<<"$dump" || fail "MD5 HA1 not in the store"
grep -qF "$(ha1 sha256sum "$PW2")" <<<"$dump" || fail "SHA-256 HA1 not in the store"
if grep -qF "$(ha1 md5sum "$PW")" <<<"$dump"; then
	fail "the old password's HA1 is still in the store"
fi

# --- bad input: exit 2 for bad arguments, 1 for failed commands -----------
err=$(expect_exit 1 peer add carrier1 realm=carrier cidr=10.0.0.1)
expect_match "$err" "peer carrier1 exists" "duplicate peer message"
err=$(expect_exit 2 peer add gw2 realm=core cidr=10.0.0.1)
expect_match "$err" "unknown realm 'core'" "unknown realm message"
err=$(expect_exit 2 peer add gw2 realm=carrier cidr=10.0.0.0/33)
expect_match "$err" "bad cidr '10\.0\.0\.0/33'" "bad cidr message"
err=$(expect_exit 2 peer add gw2 realm=carrier cidr=10.0.0.1 port=99999)
expect_match "$err" "port must be an integer" "bad port message"
err=$(expect_exit 1 peer del nosuch)
expect_match "$err" "no peer nosuch" "missing peer message"
err=$(expect_exit 2 route add 44x 10.0.0.1)
expect_match "$err" "bad prefix '44x'" "bad prefix message"
err=$(expect_exit 2 route add 33 gw.example.net)
expect_match "$err" "bad gateway 1 'gw\.example\.net'" "bad gateway message"
err=$(expect_exit 2 account add bob@sbc.example "password=$PW" balance=1.2345678)
expect_match "$err" "bad balance" "bad balance message"
err=$(expect_exit 2 account add bob@sbc.example "$PW")
expect_match "$err" "expected one of password=" "password without key"
err=$(expect_exit 1 account add alice@sbc.example "password=$PW")
expect_match "$err" "account alice@sbc\.example exists" "duplicate account"
err=$(expect_exit 1 account passwd nobody@sbc.example "$PW")
expect_match "$err" "no account nobody@sbc\.example" "passwd of a missing account"
c route del default >/dev/null
err=$(expect_exit 1 route show 3312345)
expect_match "$err" "no route for 3312345" "no route message"
c route add default 10.10.2.11 >/dev/null

# --- the password is nowhere ----------------------------------------------
for pw in "$PW" "$PW2"; do
	if grep -qF "$pw" "$OUT"; then
		fail "a password appears in sbcctl output"
	fi
	if mdb_dump -a -p "$WORK/store" | grep -qF "$pw"; then
		fail "a password appears in the store"
	fi
done
if grep -qiE "ha1|$(ha1 md5sum "$PW2")" "$OUT"; then
	fail "an HA1 digest appears in sbcctl output"
fi

# --- everything persists across a restart ---------------------------------
sbcd_stop
sbcd_start
out=$(c show peers)
expect_match "$out" "carrier1 +carrier +10\.10\.2\.0/24" "peer after restart"
expect_match "$out" "pbx +access" "second peer after restart"
out=$(c route show 4420)
expect_match "$out" "prefix: +44$" "route after restart"
out=$(c show accounts)
expect_match "$out" "alice@sbc\.example .* 12\.50 EUR" "account after restart"
python3 - "$(c --json status)" <<'PY'
import json, sys
st = json.loads(sys.argv[1])["store"]
assert (st["peers"], st["routes"], st["accounts"]) == (2, 2, 1), st
PY
c peer del pbx >/dev/null
c account del alice@sbc.example >/dev/null
out=$(c --json show accounts)
[ "$out" = "[]" ] || fail "accounts left after delete: $out"
sbcd_stop
echo ok
