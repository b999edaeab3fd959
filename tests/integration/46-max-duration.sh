#!/bin/bash
# Maximum call duration.  Subscriber 1001 has max_duration_s=3 and the
# configuration cuts every call at timers.max_call_duration = 6 s.  1001's
# call to the carrier is ended by the SBC with BYE on both legs 3 s after
# the answer; a carrier's call to 1001 (no account limit on that side)
# 6 s after it.  Each side's own clock on its messages (200 OK -> BYE)
# must read that time within one second; the CDRs say "max duration".
#
#   access ns 10.10.1.10                  sbc ns (sbcd)              carrier ns 10.10.2.10
#   sipua.py :5090 (1001, waits) ----> 10.10.1.1 | 10.10.2.1 --> sipp -sn uas :5060 (waits)
#   sipp -sn uas :5080 (registered) <- 10.10.1.1 | 10.10.2.1 <-- sipua.py :5071 (waits)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/policy-lib.sh"

# sipp's UAS does not answer OPTIONS: no gateway pinging
CONF_SED='s/^\(\s*max_call_duration\) = 14400;/\1 = 6;/; s/gateway_ping = 30;/gateway_ping = 0;/'

# cut_after CALLER_LOG SIPP_MSG SECONDS: both sides saw 200 OK -> BYE last
# SECONDS within one second, each by its own clock
cut_after() {
	python3 - "$@" <<'PY'
import re, sys
from datetime import datetime
caller, msgs, want = open(sys.argv[1]).read(), open(sys.argv[2]).read(), float(sys.argv[3])
t200 = float(re.search(r"^time 200 ([\d.]+)$", caller, re.M).group(1))
tbye = float(re.search(r"^time BYE ([\d.]+)$", caller, re.M).group(1))
assert abs((tbye - t200) - want) <= 1, ("caller", tbye - t200)
# sipp -trace_msg: a dashed line with the time, the direction, the message
stamps = {}
for m in re.finditer(r"^-+ (\d{4}-\d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+)\s*\n"
                     r"(?:.*\n){0,3}?(SIP/2.0 200|BYE )", msgs, re.M):
    t = datetime.strptime(m.group(1).split(".")[0], "%Y-%m-%d %H:%M:%S")
    t = t.timestamp() + float("0." + m.group(1).split(".")[1])
    stamps.setdefault(m.group(2), t)
assert "SIP/2.0 200" in stamps and "BYE " in stamps, stamps
d = stamps["BYE "] - stamps["SIP/2.0 200"]
assert abs(d - want) <= 1, ("callee", d)
print("cut off after %.3f s (caller) and %.3f s (callee)" % (tbye - t200, d))
PY
}

policy_lab_up route
grep -q "max_call_duration = 6;" "$CONF" || fail "max_call_duration not set"
policy_subscriber max_duration_s=3

# 1. 1001 calls out; neither side hangs up
in_carrier sipp -sn uas -i $GW1 -p 5060 -m 1 -timeout 30s -timeout_error \
	-nostdin -trace_msg -message_file "$WORK/gw1.msg" \
	>"$WORK/gw1.log" 2>&1 &
GW=$!
CLEANUP_PIDS+=("$GW")
udp_bound in_carrier $GW1:5060
in_access $SUA call $SRV 10.10.1.10:5090 1001 sbc.lab 15551234 \
	--password s3cret --wait-bye 20 >"$WORK/out.log" 2>&1 ||
	fail "1001's call: no BYE: $(tail -n 5 "$WORK/out.log")"
wait "$GW" || fail "carrier: no BYE: $(tail -n 20 "$WORK/gw1.log")"
calls_gone
cut_after "$WORK/out.log" "$WORK/gw1.msg" 3

# 2. the carrier calls 1001: the configuration's limit
subscriber_uas 1 30s
in_carrier $SUA call 10.10.2.1:5060 $GW1:5071 15550000 carrier.lab 1001 \
	--wait-bye 20 >"$WORK/in.log" 2>&1 ||
	fail "call to 1001: no BYE: $(tail -n 5 "$WORK/in.log")"
wait "$SUB" || fail "subscriber: no BYE: $(tail -n 20 "$WORK/sub.log")"
calls_gone
cut_after "$WORK/in.log" "$WORK/sub.msg" 6

python3 - "$(cdr_json 2)" <<'PY'
import json, sys
inbound, outbound = json.loads(sys.argv[1])
for c in inbound, outbound:
    assert c["reason"].startswith("max duration") and c["side"] == "sbc", c
assert outbound["ingress"] == "1001@sbc.lab" and outbound["duration_s"] == 3, outbound
assert inbound["ingress"] == "carrier1" and inbound["egress"] == "1001@sbc.lab", inbound
assert inbound["duration_s"] == 6, inbound
PY
sbcd_stop
echo ok
