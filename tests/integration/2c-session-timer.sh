#!/bin/bash
# Session timers (RFC 4028) on each leg on its own, with the smallest
# interval the RFC allows (90 s: Min-SE may not go lower), so this case
# takes about 90 s.  The PBX does not support timers: sbcd refreshes leg A
# itself with an UPDATE.  The carrier takes the refresher role on leg B
# (refresher=uas) and never refreshes: before the session expires sbcd
# sends BYE on leg B (section 10), then BYE on leg A, and the CDR says the
# session timer expired, on the callee's side.
#
#   access ns                 sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   <-- UPDATE (~45 s), 200 -->            Session-Expires: 90;refresher=uas
#   <-- BYE (~81 s)                        <-- BYE (~81 s): never refreshed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

# No media in this call: the RTP timeout must not end it first.
CONF_SED='s/rtp_timeout = 30;/rtp_timeout = 0;/'
lab_up
sed -i -e 's/^\(\s*session_expires\s*=\s*\)[0-9]*;/\190;/' \
       -e 's/^\(\s*min_se\s*=\s*\)[0-9]*;/\190;/' "$CONF"
grep -qE '^\s*session_expires\s*=\s*90;' "$CONF" || fail "no session_expires to set"
sbcd_start
ctl peer add pbx realm=access cidr=$PBX/32 >/dev/null
ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
ctl route add default "$GW1:5060;udp" >/dev/null

sipp_uas gw1 $GW1 uas-st.xml 1 -timeout 150s
start=$(date +%s)
in_access sipp "$SBC_ACCESS:5060" -sf "$SIPP_DIR/uac-st.xml" -s 15551234 \
	-i "$PBX" -p 5070 -m 1 -timeout 150s -timeout_error -nostdin \
	-trace_err -error_file "$WORK/uac.err" >"$WORK/uac.log" 2>&1 ||
	{ tail -n 30 "$WORK/uac.err"; fail "the PBX's call did not end as expected"; }
elapsed=$(($(date +%s) - start))
uas_wait gw1 || fail "the carrier did not get its BYE"
calls_gone
[ $elapsed -ge 70 ] && [ $elapsed -le 100 ] ||
	fail "call ended after ${elapsed}s, not just before the 90 s session interval"

python3 - "$(cdr_json 10)" <<'PY'
import json, sys
cdrs = json.loads(sys.argv[1])
assert len(cdrs) == 1, cdrs
c = cdrs[0]
assert c["reason"].startswith("session timer expired"), c
assert c["side"] == "callee" and c["answer_ms"] > 0, c
PY
sbcd_stop
echo ok
