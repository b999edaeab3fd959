#!/bin/bash
# UPDATE in the early dialog (RFC 3311 section 5.1), from either side.
# Once the reliable 183 with the answer is PRACKed on both legs, the
# caller changes the session with an UPDATE: sbcd relays it to the
# carrier's early dialog with the offer rewritten to the SBC's carrier-side
# media address, and the carrier's answer comes back in the 200, rewritten
# to the SBC's access-side address.  Then the carrier does the same toward
# the caller.  Last, a caller's early UPDATE toward a carrier that lists no
# UPDATE in Allow gets 488 and the call goes on.  Each call is then
# answered, ACKed and hung up; neither side ever sees an address, Call-ID
# or tag of the other.
#
#   access ns                  sbc ns (sbcd)                    carrier ns
#   sipp uac 10.10.1.10 --> 10.10.1.1:5060 | 10.10.2.1:5060 --> sipp uas 10.10.2.10
#   media seen: 10.10.1.2 (SBC, access)     10.10.2.2 (SBC, carrier)
#
#   call 1:  INVITE, 183 rel, PRACK/200 on both legs, then
#   UPDATE (PCMA only)  -->                 UPDATE (c=10.10.2.2)   -->
#   200 (c=10.10.1.2)   <--                 <--         200 (answer)
#   call 2:  the same set-up, then
#   UPDATE (c=10.10.1.2, sendonly) <--      <--  UPDATE (sendonly)
#   200 (recvonly)      -->                 200 (c=10.10.2.2)      -->
#   call 3:  the same set-up (the carrier's 183 without Allow), then
#   UPDATE              -->  (not relayed)
#   488                 <--
#   all:                <-- 200 INVITE, ACK, BYE -->
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up

# call 1: the caller's UPDATE
traced_call uas-early-update.xml uac-early-update.xml \
	"the caller's early UPDATE failed" \
	"the carrier did not get the caller's early UPDATE"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
upd = [m for m in gw_in if m.startswith("UPDATE ")]
assert len(upd) == 1, gw_in
assert "c=IN IP4 10.10.2.2" in upd[0] and "RTP/AVP 8" in upd[0], upd[0]
ok = [m for m in uac_in if m.startswith("SIP/2.0 200") and re.search(r"(?im)^CSeq:\s*3 UPDATE", m)]
assert len(ok) == 1 and "c=IN IP4 10.10.1.2" in ok[0], uac_in
# the carrier's answer port is not what the caller sees
port = re.search(r"(?m)^m=audio (\d+)", [m for m in gw_out if m.startswith("SIP/2.0 200") and "UPDATE" in m][0]).group(1)
assert f"m=audio {port} " not in ok[0], ok[0]
assert_isolated()
print(f"caller's early UPDATE: {len(uac_in)} messages to the caller, {len(gw_in)} to the carrier")
PY

# call 2: the carrier's UPDATE
traced_call uas-early-update-out.xml uac-early-update-in.xml \
	"the caller did not get the carrier's early UPDATE" \
	"the carrier's early UPDATE failed"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
upd = [m for m in uac_in if m.startswith("UPDATE ")]
assert len(upd) == 1, uac_in
assert "c=IN IP4 10.10.1.2" in upd[0] and "a=sendonly" in upd[0], upd[0]
ok = [m for m in gw_in if m.startswith("SIP/2.0 200") and re.search(r"(?im)^CSeq:\s*1 UPDATE", m)]
assert len(ok) == 1 and "c=IN IP4 10.10.2.2" in ok[0] and "a=recvonly" in ok[0], gw_in
assert_isolated()
print(f"carrier's early UPDATE: {len(uac_in)} messages to the caller, {len(gw_in)} to the carrier")
PY

# call 3: the carrier cannot take an UPDATE: 488, nothing reaches it
traced_call uas-prack.xml uac-early-update-488.xml \
	"the caller's early UPDATE was not refused cleanly" \
	"the carrier's call failed after the refused UPDATE"
sipp_msgs_check "$WORK/uac.msg" "$WORK/gw1.msg" <<'PY'
assert not [m for m in gw_in if m.startswith("UPDATE ")], gw_in
assert [m for m in uac_in if m.startswith("SIP/2.0 488") and "UPDATE" in m], uac_in
assert_isolated()
print("early UPDATE toward a carrier without UPDATE refused with 488")
PY

cdrs_all_bye 3
sbcd_stop
echo ok
