#!/bin/bash
# Offers and answers in PRACK (RFC 3262 section 5, RFC 6337 section
# 3.1.2).  sbcd PRACKs per leg, so a body in the caller's PRACK has no
# PRACK to ride on toward the carrier:
#  1. an offer in the caller's PRACK goes to the carrier as an early-dialog
#     UPDATE (RFC 3311), and the carrier's answer comes back, rewritten, in
#     the 200 to the PRACK, which waits for it;
#  2. when the carrier refuses that UPDATE, the PRACK gets 488 (a 2xx to it
#     would have to carry an answer) and the call goes on;
#  3. a caller that sends no offer: the carrier offers in a reliable 183,
#     the caller answers in its PRACK, and sbcd's own PRACK to the carrier
#     carries that answer;
#  4. as 1, but the carrier answers the INVITE before the caller's PRACK
#     comes: nua holds that 200 for the PRACK's 200, the offer goes to the
#     carrier as an UPDATE in its confirmed dialog, and the 200 to the
#     PRACK with the answer releases the 200 to the INVITE.
# Every call is then answered and hung up; no side sees the other's
# addresses, Call-IDs or tags.
#
#   access ns                  sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   media seen: 10.10.1.2 (SBC, access)     10.10.2.2 (SBC, carrier)
#
#   1. INVITE (offer, 100rel) ->            INVITE (100rel)        -->
#                    <-- 183 rel (answer)   <--  183 rel (answer)
#                                           PRACK (no body) / 200  <->
#      PRACK (offer) -->                    UPDATE (offer)         -->
#      200 (answer)  <--                    <--       200 (answer)
#   2. as 1, but     <-- 488 to the PRACK   <--       488 to UPDATE
#   3. INVITE (no SDP, 100rel) -->          INVITE (no SDP, 100rel) -->
#                    <-- 183 rel (offer)    <--   183 rel (offer)
#      PRACK (answer) -->                   PRACK (answer)         -->
#      200 PRACK     <--                    <--            200 PRACK
#   4. INVITE, 183 rel as in 1             <--  200 INVITE (held)
#      PRACK (offer) -->                    UPDATE (offer)         -->
#      200 (answer), 200 INVITE <--         <--       200 (answer)
#   all:             <-- 200 INVITE, ACK, BYE -->
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up

# 1. the offer in PRACK, answered through an UPDATE
traced_call uas-prack-update.xml uac-prack-update.xml \
	"the caller's offer in PRACK was not answered" \
	"the carrier did not get the PRACK's offer as UPDATE"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
upd = [m for m in gw_in if m.startswith("UPDATE ")]
assert len(upd) == 1 and "c=IN IP4 10.10.2.2" in upd[0], gw_in
assert not re.search(r"(?im)^RAck:", upd[0]), upd[0]
ok = [m for m in uac_in if m.startswith("SIP/2.0 200") and re.search(r"(?im)^CSeq:\s*2 PRACK", m)]
assert len(ok) == 1 and "c=IN IP4 10.10.1.2" in ok[0] and "a=recvonly" in ok[0], uac_in
assert_isolated()
print(f"offer in PRACK answered: {len(uac_in)} messages to the caller, {len(gw_in)} to the carrier")
PY

# 2. the carrier refuses it: 488 to the PRACK, the call goes on
traced_call uas-prack-update-488.xml uac-prack-update-488.xml \
	"the refused offer in PRACK did not end in 488 and a call" \
	"the carrier's call failed after refusing the UPDATE"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
assert [m for m in gw_in if m.startswith("UPDATE ")], gw_in
refused = [m for m in uac_in if m.startswith("SIP/2.0 488") and re.search(r"(?im)^CSeq:\s*2 PRACK", m)]
assert len(refused) == 1 and "Content-Type" not in refused[0], uac_in
assert_isolated()
print("offer in PRACK refused with 488, call answered")
PY

# 3. no offer in the INVITE: offer in the reliable 183, answer in PRACK
traced_call uas-late-prack.xml uac-late-prack.xml \
	"the caller could not answer in PRACK" \
	"the carrier's offer in a reliable 183 got no answer in PRACK"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
inv = [m for m in gw_in if m.startswith("INVITE ")]
assert len(inv) == 1 and "Content-Type" not in inv[0], inv
p183 = [m for m in uac_in if m.startswith("SIP/2.0 183")]
assert p183 and "c=IN IP4 10.10.1.2" in p183[0], uac_in
assert re.search(r"(?im)^Require:.*\b100rel\b", p183[0]), p183[0]
pr = [m for m in gw_in if m.startswith("PRACK ")]
assert len(pr) == 1 and "c=IN IP4 10.10.2.2" in pr[0], gw_in
assert_isolated()
print("offer in a reliable 183 answered in PRACK on both legs")
PY

# 4. the carrier answered first: the held 200 follows the PRACK's 200
traced_call uas-prack-update-answered.xml uac-prack-update-late.xml \
	"the caller's late offer in PRACK lost the call" \
	"the carrier did not get the late PRACK's offer as UPDATE"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
upd = [m for m in gw_in if m.startswith("UPDATE ")]
assert len(upd) == 1 and "c=IN IP4 10.10.2.2" in upd[0], gw_in
ok = [m for m in uac_in if m.startswith("SIP/2.0 200") and re.search(r"(?im)^CSeq:\s*2 PRACK", m)]
assert len(ok) == 1 and "c=IN IP4 10.10.1.2" in ok[0] and "a=recvonly" in ok[0], uac_in
assert_isolated()
print("late offer in PRACK answered, the held 200 released")
PY

cdrs_all_bye 4
sbcd_stop
echo ok
