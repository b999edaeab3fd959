#!/bin/bash
# The registrar: REGISTER with digest authentication (sbcd challenges with
# SHA-256 first, then MD5), bindings with the real source address, expiry
# bounds (423), the max_registrations limit (503), wrong passwords (401
# then 403), no challenge on the carrier realm, unregistration, expiry by
# time, `show registrations`, and bindings surviving an sbcd restart.
#
#   access ns 10.10.1.10 (tests/tools/sipua.py) --REGISTER--> 10.10.1.1:5060 [sbcd]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=$SBC_ACCESS:5060

lab_up
# short bounds so that expiry can be watched; a small registration limit
sed -i -e 's/registration_min = 60;/registration_min = 2;/' \
	-e 's/max_registrations = 100000;/max_registrations = 3;/' "$CONF"
grep -q "registration_min = 2;" "$CONF" || fail "conf: registration_min not found"
sbcd_start
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl account add 1001@sbc.lab password=s3cret realm=access >/dev/null
ctl account add 1002@sbc.lab password=other realm=access >/dev/null

# register USER LOCAL [ARGS...]: sipua in the access namespace
register() {
	local user=$1 local=$2
	shift 2
	in_access $SUA register $SRV "$local" "$user" sbc.lab "$@"
}

# without credentials: 401 with a SHA-256 then an MD5 challenge
out=$(register 1001 10.10.1.10:5070 --no-auth) && fail "REGISTER without credentials accepted"
python3 - "$out" <<'PY' || fail "challenge: $out"
import re, sys
msg = sys.argv[1]
assert msg.startswith("SIP/2.0 401"), msg
ch = re.findall(r"^WWW-Authenticate: (.*)$", msg, re.M)
assert len(ch) == 2, ch
assert "algorithm=SHA-256" in ch[0] and "algorithm=MD5" in ch[1], ch
for c in ch:
    assert c.startswith("Digest ") and 'realm="sbc.lab"' in c, c
    assert 'qop="auth"' in c and re.search(r'nonce="[0-9a-f]{64}"', c), c
PY

# SHA-256 credentials: 200 listing the contact with its expiry
out=$(register 1001 10.10.1.10:5070 --password s3cret --expires 120) ||
	fail "SHA-256 REGISTER: $out"
expect_match "$out" "^SIP/2.0 200" "SHA-256 REGISTER"
expect_match "$out" "Contact: <sip:1001@10.10.1.10:5070>;expires=120" "200 lists the binding"

# MD5 credentials, behind NAT: the Contact names a private address
out=$(register 1002 10.10.1.10:5071 --password other --alg MD5 \
	--contact "<sip:1002@192.168.1.50:5999>") || fail "MD5 REGISTER: $out"
expect_match "$out" "Contact: <sip:1002@192.168.1.50:5999>;expires=" "MD5 binding"

# a wrong password: challenged, then 403, and nothing is bound
out=$(register 1002 10.10.1.10:5072 --password guess) && fail "wrong password accepted"
expect_match "$out" "^SIP/2.0 401" "wrong password challenged first"
expect_match "$out" "SIP/2.0 403" "wrong password then refused"

# the username must own the AOR (RFC 3261 section 10.3 step 4)
out=$(register 1001 10.10.1.10:5073 --auth-user 1002 --password other) &&
	fail "1002 registered 1001"
expect_match "$out" "SIP/2.0 403" "foreign AOR refused"

# below registration_min: 423 with Min-Expires
out=$(register 1002 10.10.1.10:5073 --password other --expires 1) && fail "expires 1 accepted"
expect_match "$out" "SIP/2.0 423" "interval too brief"
expect_match "$out" "Min-Expires: 2" "Min-Expires"

# the carrier realm takes no subscribers: 403 without a challenge
out=$(in_carrier $SUA register 10.10.2.1:5060 10.10.2.10:5070 1001 sbc.lab \
	--password s3cret) && fail "REGISTER on the carrier realm accepted"
expect_match "$out" "^SIP/2.0 403" "carrier realm refuses"
grep -q "Authenticate" <<<"$out" && fail "carrier realm challenged: $out"

# show registrations: the real source, transport and expiry
reg=$(ctl --json show registrations)
python3 - "$reg" <<'PY' || fail "show registrations: $reg"
import json, sys
regs = {r["aor"]: r for r in json.loads(sys.argv[1])}
assert set(regs) == {"1001@sbc.lab", "1002@sbc.lab"}, regs
a, b = regs["1001@sbc.lab"], regs["1002@sbc.lab"]
assert a["contact"] == "sip:1001@10.10.1.10:5070" and a["source"] == "10.10.1.10:5070", a
assert b["contact"] == "sip:1002@192.168.1.50:5999" and b["source"] == "10.10.1.10:5071", b
assert a["transport"] == "udp" and a["realm"] == "access", a
assert 100 < a["expires_in"] <= 120, a
PY

# max_registrations = 3: a third binding fits, a fourth gets 503
register 1001 10.10.1.10:5074 --password s3cret --expires 120 >/dev/null ||
	fail "third binding refused"
out=$(register 1001 10.10.1.10:5075 --password s3cret --expires 120) &&
	fail "binding over max_registrations accepted"
expect_match "$out" "SIP/2.0 503" "over the registration limit"

# unregister one contact (Expires: 0), then the wildcard removes the rest
register 1001 10.10.1.10:5074 --password s3cret --expires 0 >/dev/null ||
	fail "unregister refused"
[ "$(ctl --json show registrations | grep -o '"aor"' | wc -l)" -eq 2 ] ||
	fail "unregister left: $(ctl show registrations)"
out=$(register 1001 10.10.1.10:5070 --password s3cret --expires 0 --contact '*') ||
	fail "wildcard unregister: $out"
grep -q "^Contact" <<<"$out" && fail "wildcard left contacts: $out"

# bindings survive a restart of sbcd
sbcd_stop
sbcd_start
reg=$(ctl --json show registrations)
expect_match "$reg" '"aor": ?"1002@sbc.lab"' "binding kept across restart"
expect_match "$reg" '"source": ?"10.10.1.10:5071"' "source kept across restart"

# a short registration expires by itself (sweep every 2 s)
register 1001 10.10.1.10:5070 --password s3cret --expires 3 >/dev/null ||
	fail "short REGISTER refused"
expect_match "$(ctl show registrations)" "1001@sbc.lab" "short binding listed"
for i in $(seq 40); do
	ctl show registrations | grep -q "1001@sbc.lab" || break
	sleep 0.25
done
ctl show registrations | grep -q "1001@sbc.lab" && fail "binding did not expire"

# reg del removes an AOR's bindings
ctl reg del 1002@sbc.lab >/dev/null || fail "reg del"
[ "$(ctl --json show registrations)" = "[]" ] || fail "reg del left: $(ctl show registrations)"
ctl reg del 1002@sbc.lab >/dev/null 2>&1 && fail "reg del of nothing succeeded"
sbcd_stop
echo ok
