#!/bin/bash
# REFER (call transfer, RFC 3515) from the carrier in an answered call, by
# the carrier realm's `refer` setting.  "refuse" (the default): the REFER
# gets 403 and the call goes on until the carrier hangs up.  "relay": the
# PBX gets the REFER with Refer-To rewritten to the number at the SBC's
# access address (no host, Replaces or other header of the carrier's
# side), its 202 and both NOTIFYs go back to the carrier with the sipfrag
# cut to its status line, and no message on either side carries an
# address, Call-ID or tag of the other.
#
#   access ns                  sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   refuse:                                 <-- REFER, 403 -->   BYE <--
#   relay:  <-- REFER (Refer-To rewritten)  <-- REFER
#           202, NOTIFY x2 -->              202, NOTIFY x2 -->       BYE -->
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up

# 1. refuse (default): 403, the call is torn down by the carrier's BYE
sipp_uas gw1 $GW1 uas-refer-403.xml 1
sipp_uac uac-media-wait.xml 1 || fail "caller: call with a refused REFER failed"
uas_wait gw1 || fail "carrier: REFER not answered 403"
calls_gone
sbcd_stop

# 2. relay
sed -i '0,/name = "carrier";/s//name = "carrier"; refer = "relay";/' "$CONF"
grep -q 'refer = "relay"' "$CONF" || fail "could not set refer = relay"
sbcd_start
traced_call uas-refer.xml uac-refer.xml "caller: relayed REFER not as expected" \
	"carrier: 202 or NOTIFYs not relayed"

sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
refer = [m for m in uac_in if m.startswith("REFER ")]
assert len(refer) == 1, uac_in
assert re.search(r"(?im)^Refer-To:\s*<sip:2003@10\.10\.1\.1:5060>\s*$", refer[0]), refer[0]
assert "Replaces" not in refer[0], refer[0]
notifies = [m for m in gw_in if m.startswith("NOTIFY ")]
assert len(notifies) == 2, gw_in
assert notifies[0].split("\n\n", 1)[1].strip() == "SIP/2.0 100 Trying", notifies[0]
assert re.search(r"(?im)^Subscription-State:\s*terminated", notifies[1]), notifies[1]
assert notifies[1].split("\n\n", 1)[1].strip() == "SIP/2.0 200 OK", notifies[1]
assert any(m.startswith("SIP/2.0 202") for m in gw_in), gw_in
assert_isolated()
print(f"REFER relayed: {len(uac_in)} messages to the caller, {len(gw_in)} to the carrier, clean")
PY

cdrs_all_bye 2
sbcd_stop
echo ok
