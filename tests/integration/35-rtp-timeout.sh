#!/bin/bash
# RTP timeout: with timers.rtp_timeout = 3, an answered call whose peers
# send no media is hung up by the SBC with BYE on both legs (both sipp
# sides wait for that BYE), its CDR says "rtp timeout", and its flows and
# media ports are freed.  A call that does send media stays up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

RTP_TIMEOUT=3
media_lab_up

# media for 6 s (twice the timeout): the call must survive it.  The peers
# start sending before the call is up, to the first ports a fresh sbcd
# hands out (rotating allocation from each range's start): packets before
# the answer match no flow and are dropped.
in_carrier timeout 20 python3 "$RTP_PEER" $GW_RTP --to 10.10.2.2:30000 \
	--count 300 --linger 0.5 >/dev/null &
CLEANUP_PIDS+=("$!")
in_access timeout 20 python3 "$RTP_PEER" $PBX_RTP --to 10.10.1.2:20000 \
	--count 300 --linger 0.5 >/dev/null &
CLEANUP_PIDS+=("$!")
sipp_uas gw1 $GW1 uas-media.xml 1
sipp_uac_bg uac-media.xml -d 5000
id=$(media_call_wait)
[ "$(media_ports "$id")" = "20000 30000" ] || fail "ports $(media_ports "$id")"
uac_wait || fail "sipp uac (call with media): $(cdr_json 1)"
uas_wait gw1 || fail "sipp uas (call with media)"
calls_gone
expect_match "$(cdr_json 1)" '"reason": "BYE' "a call with media ends by its BYE"

# no media: hung up by the SBC, both sides get BYE (bounded by sipp's -timeout)
start=$(date +%s)
sipp_uas gw1 $GW1 uas-media.xml 1
sipp_uac_bg uac-media-wait.xml
media_call_wait >/dev/null
uac_wait || fail "sipp uac: no BYE from the SBC"
uas_wait gw1 || fail "sipp uas: no BYE from the SBC"
took=$(($(date +%s) - start))
[ $took -le 20 ] || fail "hung up after $took s"
calls_gone
media_idle
python3 - "$(cdr_json 1)" <<'PY' || fail "CDR: $(cdr_json 1)"
import json, sys
c = json.loads(sys.argv[1])[0]
assert c["reason"].startswith("rtp timeout"), c
assert c["side"] == "sbc", c
assert c["answer_ms"] > 0, c
PY
sbcd_stop
dp_stop
echo ok
