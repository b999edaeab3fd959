#!/bin/bash
# Reliable provisional responses (100rel, RFC 3262) on both legs.  The
# caller offers 100rel; sbcd offers it to the carrier, whose 183 with early
# media comes reliably: sbcd PRACKs it itself, and sends the caller its own
# reliable 183 with the answer rewritten to the SBC's media address, whose
# PRACK it answers; the 200 to the INVITE follows, then ACK and BYE.  A
# second caller requires 100rel and PRACKs with a new offer, which sbcd
# refuses with 488 without harm to the call: it would go to the carrier as
# an early UPDATE, and this carrier's 183 lists no UPDATE in Allow (the
# relayed case is 2j-prack-offer.sh).
#
#   access ns                  sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   INVITE (100rel)     -->                 INVITE (100rel) -->
#                       <-- 183 rel (SBC SDP)  <-- 183 rel (carrier SDP)
#   PRACK               -->                 PRACK           -->
#   200 PRACK           <--                 <--       200 PRACK
#                       <-- 200 INVITE      <--      200 INVITE
#   ACK, BYE            -->                 ACK, BYE        -->
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up
traced_call uas-prack.xml uac-prack.xml "the caller's 100rel call failed" \
	"the carrier did not see 100rel, PRACK and the call"

# an offer in the caller's PRACK: 488 to the PRACK, the call goes on
sipp_uas gw2 $GW1 uas-prack.xml 1
sipp_uac uac-prack-offer.xml 1 || fail "offer in PRACK not refused cleanly"
uas_wait gw2 || fail "the carrier's call failed after the refused PRACK"
calls_gone

# what each side received: the caller's 183 is reliable and carries the
# SBC's media address; neither side sees an address of the other
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
p183 = [m for m in uac_in if m.startswith("SIP/2.0 183")]
assert p183, uac_in
m = p183[0]
assert re.search(r"(?im)^Require:.*\b100rel\b", m), m
assert re.search(r"(?im)^RSeq:\s*\d+", m), m
assert "c=IN IP4 10.10.1.2" in m, m
prack_ok = [x for x in uac_in if x.startswith("SIP/2.0 200") and re.search(r"(?im)^CSeq:\s*2 PRACK", x)]
assert prack_ok, "no 200 to the caller's PRACK"
pracks = [x for x in gw_in if x.startswith("PRACK ")]
assert len(pracks) == 1 and re.search(r"(?im)^RAck:\s*1 \d+ INVITE", pracks[0]), pracks
assert not any(x.startswith("PRACK") and "Content-Type" in x for x in gw_in), pracks
assert_isolated(ids_too=False)
print(f"{len(uac_in)} messages to the caller, {len(gw_in)} to the carrier: 100rel on both legs")
PY

cdrs_all_bye 2
sbcd_stop
echo ok
