#!/bin/bash
# Calls an sbcd restart cannot keep end cleanly, each with a CDR saying
# why, and free their flows and media ports.
#
#  1. The carrier lost the dialog while sbcd was down: it answers the
#     restored leg's re-INVITE with 481.  The call ends there (CDR "not
#     restored (481)", side callee) and the PBX, whose own re-INVITE was
#     answered, gets a BYE inside its old dialog.
#  2. The carrier's realm is gone from the configuration of the sbcd that
#     starts: sbcd starts all the same, the call is not resumed (CDR "not
#     restored (realm no longer configured)") and nothing of it is left.
#
#   PBX sipp uac 10.10.1.10 --> 10.10.1.1 | sbcd | 10.10.2.1 --> sipp uas 10.10.2.10
#                                   sbcd: SIGKILL, restart (the dataplane
#                                   stays up throughout)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/media-lib.sh"

# cdr_last: "REASON / SIDE" of the newest CDR
cdr_last() {
	python3 -c 'import json, sys; c = json.loads(sys.argv[1])[0]; print(c["reason"], "/", c["side"])' \
		"$(cdr_json 1)"
}

media_lab_up
media_idle

# 1. a leg refuses the restore re-INVITE
sipp_uas gw1 $GW1 uas-restore-refused.xml 1
sipp_uac_bg uac-restore-refused.xml
id=$(media_call_wait)
sbcd_stop KILL
sbcd_start
uas_wait gw1 || fail "the carrier's side (re-INVITE answered 481)"
uac_wait || fail "the PBX's side (re-INVITE, then the BYE)"
calls_gone
media_idle
expect_match "$(cdr_last)" '^not restored \(481\) \[200@[^]]*\] / callee$' "CDR of call $id"

# 2. the realm of leg B is no longer configured
sipp_uas gw1 $GW1 uas-media.xml 1
sipp_uac_bg uac-media-wait.xml
id=$(media_call_wait)
sbcd_stop KILL
sed -i -e 's/name = "carrier";/name = "carrier-new";/' \
	-e 's/realm = "carrier";/realm = "carrier-new";/' "$CONF"
grep -q '"carrier-new"' "$CONF" || fail "realm not renamed in $CONF"
sbcd_start
calls_gone
media_idle
expect_match "$(cdr_last)" '^not restored \(realm no longer configured\) \[200@[^]]*\] / sbc$' \
	"CDR of call $id"
ctl status >/dev/null || fail "sbcd not answering after the restart"
sbcd_stop
dp_stop
echo ok
