#!/bin/bash
# Parallel forking (RFC 3261 section 16.7 in a B2BUA) and the realm key
# `subscribers`.  Subscriber 1001 registers three contacts; a call from the
# carrier to 1001 INVITEs all three at once (forking = "parallel", the
# access realm's default):
#  1. contact A rings and answers after a second, B rings with early media
#     (183 + SDP), C rings and answers the CANCEL it gets with a 2xx too
#     (the race of RFC 3261 section 13.2.2.4): each got its INVITE before A
#     answered, the caller got B's early SDP, B and C are CANCELled, C's
#     late 2xx is ACKed and BYEd, the media flows go to A's SDP (port 7042,
#     not B's early 7010 nor C's 7020), `show call` shows one call with the
#     three forks as attempts (200, 487, 487), and so does the CDR;
#     again with A's answer in a PRACKed reliable 183 and none in its 2xx:
#     the flows follow that answer, not B's earlier early SDP;
#  2. all three refuse (404, 486, 503): the caller gets 486, the best
#     (lowest class, busy first), and the CDR lists the three codes;
#  3. A stays silent (no response at all), B refuses 486, C 404: A's fork
#     is given up after its own timeout (408 in the CDR), then the caller
#     gets 486;
#  4. all three ring and the caller CANCELs: each contact gets a CANCEL;
#  5. with forking = "sequential" (sbcd restarted, the bindings kept) the
#     same call rings one contact only, the others would be tried only on
#     408, 5xx or silence.
# Before that, on the carrier realm (subscribers = false): REGISTER and an
# INVITE from a source that is no trusted peer get 403 without a challenge,
# and `account add` naming that realm is refused.
#
#   access ns 10.10.1.10                    sbc ns (sbcd)          carrier ns 10.10.2.10
#   sipp uas :5081 (contact A) <--+
#   sipp uas :5082 (contact B) <--+-- 10.10.1.1 | 10.10.2.1 <-- sipp uac :5070 (calls 1001)
#   sipp uas :5083 (contact C) <--+
#   (each registered by sipua.py from its own port)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

SUA="python3 $TOP/tests/tools/sipua.py"
SRV=$SBC_ACCESS:5060
SUB=10.10.1.10

lab_up
sbcd_start

# 0. the carrier realm takes no subscribers (no carrier peer yet, so
# 10.10.2.10 is an unknown source there)
out=$(in_carrier $SUA register 10.10.2.1:5060 $GW1:5090 1001 sbc.lab \
	--password s3cret) && fail "REGISTER accepted on the carrier realm"
expect_match "$out" "^SIP/2.0 403" "REGISTER on the carrier realm"
grep -q "Authenticate" <<<"$out" && fail "carrier realm challenged a REGISTER: $out"
out=$(in_carrier $SUA call 10.10.2.1:5060 $GW1:5091 1001 sbc.lab 15551234 \
	--password s3cret) && fail "unknown INVITE accepted on the carrier realm"
expect_match "$out" "^SIP/2.0 403" "INVITE from an unknown source on the carrier realm"
grep -q "Authenticate" <<<"$out" && fail "carrier realm challenged an INVITE: $out"
out=$(ctl account add 1009@sbc.lab password=s3cret realm=carrier 2>&1) &&
	fail "account accepted on a realm without subscribers"
expect_match "$out" "realm 'carrier' takes no subscribers" "account add on the carrier realm"

ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl account add 1001@sbc.lab password=s3cret realm=access >/dev/null
for port in 5081 5082 5083; do
	in_access $SUA register $SRV $SUB:$port 1001 sbc.lab --password s3cret \
		--contact "<sip:1001@$SUB:$port>" --expires 300 >/dev/null ||
		fail "REGISTER from :$port failed"
done
n=$(ctl --json show registrations | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 3 ] || fail "expected 3 bindings, got $n"

# contact NAME PORT SCENARIO [SIPP ARGS...]: a contact's sipp in the
# background, its messages traced to $WORK/NAME.msg
declare -A CPID
contact() {
	local name=$1 port=$2 sf=$3
	shift 3
	rm -f "$WORK/$name.msg"
	in_access sipp -sf "$SIPP_DIR/$sf" -i $SUB -p "$port" -m 1 \
		-timeout 30s -timeout_error -nostdin -trace_msg \
		-message_file "$WORK/$name.msg" -trace_err \
		-error_file "$WORK/$name.err" "$@" >"$WORK/$name.log" 2>&1 &
	CPID[$name]=$!
	CLEANUP_PIDS+=("$!")
	udp_bound in_access "$SUB:$port"
}

# contacts_done NAME...: each contact's sipp completed its scenario
contacts_done() {
	local name
	for name in "$@"; do
		wait "${CPID[$name]}" ||
			fail "contact $name: $(head -n 30 "$WORK/$name.err" 2>/dev/null)"
	done
}

# carrier_call SCENARIO: the carrier calls 1001 (in the background)
carrier_call() {
	rm -f "$WORK/caller.msg"
	in_carrier sipp 10.10.2.1:5060 -sf "$SIPP_DIR/$1" -s 1001 -i $GW1 \
		-p 5070 -m 1 -timeout 30s -timeout_error -nostdin -trace_msg \
		-message_file "$WORK/caller.msg" -trace_err \
		-error_file "$WORK/caller.err" >"$WORK/caller.log" 2>&1 &
	CALLER=$!
	CLEANUP_PIDS+=("$!")
}

caller_done() {
	wait "$CALLER" || fail "$1: $(tail -n 30 "$WORK/caller.err" 2>/dev/null)"
}

# call_seen_up: while the call is up (8 s), `show calls` and `show call
# ID` into $WORK/calls.json and call.json, taken together once it is
# confirmed
call_seen_up() {
	python3 - "$B/sbcctl" "$SOCK" "$WORK" <<'PY' || fail "the forked call was not seen answered: $(ctl show calls)"
import json, subprocess, sys, time
ctl, sock, work = sys.argv[1:4]

def show(*args):
    return subprocess.run([ctl, "-s", sock, "--json", *args], check=True,
                          capture_output=True, text=True).stdout

end = time.time() + 30
while time.time() < end:
    calls = show("show", "calls")
    up = [c for c in json.loads(calls) if c["state"] == "confirmed"]
    if up:
        open(work + "/calls.json", "w").write(calls)
        open(work + "/call.json", "w").write(show("show", "call", up[0]["id"]))
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
}

# 1. A answers after a second; B and C ring with early media
contact a 5081 uas-fork-answer.xml
contact b 5082 uas-fork-early.xml
contact c 5083 uas-fork-late.xml
carrier_call uac-fork.xml
call_seen_up
caller_done "forked call"
contacts_done a b c
calls_gone
python3 - "$WORK" <<'PY' || fail "forked call"
import json, re, sys
w = sys.argv[1]

def trace(name):
    """(time, direction, first line, message) of each message in a trace."""
    text = open("%s/%s.msg" % (w, name), errors="replace").read()
    out = []
    for m in re.finditer(r"^-+ \S+\s+(\d+):(\d+):(\d+\.\d+)\n"
                         r"\w+ message (sent|received)[^\n]*\n\n(.*?)(?=\n-{20,}|\Z)",
                         text, re.M | re.S):
        h, mi, s, how, msg = m.groups()
        out.append((int(h) * 3600 + int(mi) * 60 + float(s), how,
                    msg.strip().splitlines()[0], msg.replace("\r\n", "\n")))
    assert out, "no messages in %s.msg" % name
    return out

a, b, c, caller = trace("a"), trace("b"), trace("c"), trace("caller")
answered = [t for t, how, first, _ in a
            if how == "sent" and first.startswith("SIP/2.0 200")][0]
for name, tr in (("a", a), ("b", b), ("c", c)):
    inv = [t for t, how, first, _ in tr
           if how == "received" and first.startswith("INVITE ")]
    assert len(inv) == 1 and inv[0] < answered, (name, inv, answered)
for name, tr in (("b", b), ("c", c)):
    assert any(how == "received" and first.startswith("CANCEL ")
               for _, how, first, _ in tr), "%s got no CANCEL" % name
assert not any(first.startswith("CANCEL ") for _, _, first, _ in a), "A cancelled"

# C's 2xx after the CANCEL: ACKed, then BYE
late = [first.split()[0] for _, how, first, _ in c if how == "received"]
assert late[-2:] == ["ACK", "BYE"], late

# the caller: the 18x of each contact, B's with its SDP, then A's answer
early = [m for _, how, first, m in caller
         if how == "received" and re.match(r"SIP/2.0 18[0-9]", first)]
with_sdp = [m for m in early if "m=audio" in m]
assert len(early) >= 3 and len(with_sdp) == 1, early
answer = [m for _, how, first, m in caller
          if how == "received" and first.startswith("SIP/2.0 200")]
assert answer and "m=audio" in answer[0], answer

calls = json.load(open(w + "/calls.json"))
assert len(calls) == 1 and calls[0]["egress"] == "1001@sbc.lab", calls
call = json.load(open(w + "/call.json"))
st = sorted(x["status"] for x in call["attempts"])
assert st == [200, 487, 487], call["attempts"]
# the flows toward the subscriber's side go to A's media, RTP and RTCP
sub = {f["kind"]: f["peer"] for f in call["media"]
       if f["peer"].startswith("10.10.1.")}
assert sub == {"rtp": "10.10.1.10:7042", "rtcp": "10.10.1.10:7043"}, call["media"]
PY
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR of the forked call"
import json, sys
cdr = json.loads(sys.argv[1])[0]
assert cdr["egress"] == "1001@sbc.lab" and cdr["answer_ms"] > 0, cdr
# "BYE [200@10.10.1.10:5081;udp,487@...,487@...]": the forks tried
reason, tried = cdr["reason"].split(" ", 1)
assert reason == "BYE", cdr
codes = sorted(int(t.split("@")[0]) for t in tried.strip("[]").split(","))
assert codes == [200, 487, 487], cdr
PY

# 1b. B's early SDP comes first; A's answer comes in a reliable 183
# (PRACKed on A's fork, its body not relayed) and A's 2xx has no SDP: the
# flows still go to A's media (port 7060)
contact a 5081 uas-fork-rel.xml
contact b 5082 uas-fork-early.xml
contact c 5083 uas-ring.xml
carrier_call uac-fork.xml
call_seen_up
caller_done "forked call answered with an early answer"
contacts_done a b c
calls_gone
python3 - "$WORK" <<'PY' || fail "forked call answered with an early answer"
import json, sys
call = json.load(open(sys.argv[1] + "/call.json"))
sub = {f["kind"]: f["peer"] for f in call["media"]
       if f["peer"].startswith("10.10.1.")}
assert sub == {"rtp": "10.10.1.10:7060", "rtcp": "10.10.1.10:7061"}, call["media"]
assert sorted(x["status"] for x in call["attempts"]) == [200, 487, 487], call
PY

# 2. all three refuse: the caller gets the best response
contact a 5081 uas-fork-404.xml
contact b 5082 uas-486.xml
contact c 5083 uas-503.xml
carrier_call uac-fork-fail.xml
caller_done "all contacts refusing"
contacts_done a b c
calls_gone
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR of the refused call"
import json, sys
cdr = json.loads(sys.argv[1])[0]
reason, tried = cdr["reason"].split(" ", 1)
assert reason == "486" and cdr["answer_ms"] == 0, cdr
codes = sorted(int(t.split("@")[0]) for t in tried.strip("[]").split(","))
assert codes == [404, 486, 503], cdr
PY

# 3. A swallows its INVITE (bound, so no transport error): its fork times
# out on its own while B and C have answered long before
silent_peer in_access 10.10.1.10 5081 10
contact b 5082 uas-486.xml
contact c 5083 uas-fork-404.xml
carrier_call uac-fork-fail.xml
caller_done "a silent contact"
contacts_done b c
calls_gone
wait "$SILENT" || fail "the silent contact's socket failed"
[ "$(cat "$WORK/silent.out")" -ge 1 ] || fail "the silent contact got no INVITE"
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR of the call with a silent contact"
import json, sys
cdr = json.loads(sys.argv[1])[0]
reason, tried = cdr["reason"].split(" ", 1)
assert reason == "486", cdr
codes = {t.split("@")[1]: int(t.split("@")[0])
         for t in tried.strip("[]").split(",")}
assert codes == {"10.10.1.10:5081;udp": 408, "10.10.1.10:5082;udp": 486,
                 "10.10.1.10:5083;udp": 404}, cdr
# the caller waited for the silent fork's own timeout (4 s), no longer
assert cdr["end_ms"] - cdr["setup_ms"] >= 3900, cdr
PY

# 4. all three ring, the caller CANCELs: every contact gets a CANCEL
contact a 5081 uas-ring.xml
contact b 5082 uas-ring.xml
contact c 5083 uas-ring.xml
carrier_call uac-fork-cancel.xml
caller_done "caller CANCEL"
contacts_done a b c
calls_gone
for name in a b c; do
	grep -q "^CANCEL sip:1001@$SUB" "$WORK/$name.msg" ||
		fail "contact $name got no CANCEL"
done
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR of the cancelled call"
import json, sys
cdr = json.loads(sys.argv[1])[0]
reason, tried = cdr["reason"].split(" ", 1)
assert reason == "CANCEL" and cdr["side"] == "caller", cdr
codes = [int(t.split("@")[0]) for t in tried.strip("[]").split(",")]
assert codes == [487, 487, 487], cdr
PY

# 5. forking = "sequential": one contact rings, the caller CANCELs
sbcd_stop
sed -i 's/subscribers = true;/&\n\t\tforking = "sequential";/' "$CONF"
grep -q 'forking = "sequential";' "$CONF" || fail "conf: forking not set"
sbcd_start
contact a 5081 uas-ring.xml
contact b 5082 uas-ring.xml
contact c 5083 uas-ring.xml
carrier_call uac-fork-cancel.xml
caller_done "sequential call"
calls_gone
# the rung contact's sipp ends with the call; the others never hear of it
for i in $(seq 100); do
	for name in a b c; do
		kill -0 "${CPID[$name]}" 2>/dev/null || break 2
	done
	sleep 0.1
done
rung=0
for name in a b c; do
	if kill -0 "${CPID[$name]}" 2>/dev/null; then
		kill -TERM "${CPID[$name]}"
		wait "${CPID[$name]}" || true
		grep -qs "^INVITE " "$WORK/$name.msg" && fail "contact $name rang unanswered"
	else
		contacts_done "$name"
		rung=$((rung + 1))
	fi
done
[ "$rung" -eq 1 ] || fail "sequential forking rang $rung contacts, not 1"
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR of the sequential call"
import json, sys
cdr = json.loads(sys.argv[1])[0]
reason, tried = cdr["reason"].split(" ", 1)
assert reason == "CANCEL" and tried.count("@") == 1, cdr
PY
sbcd_stop
echo ok
