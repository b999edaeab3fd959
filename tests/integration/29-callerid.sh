#!/bin/bash
# Caller-ID assertion (RFC 3325, RFC 3323): the PBX sends P-Asserted-Identity
# "Front Desk" <sip:+15551230001@pbx.example>, a P-Preferred-Identity and a
# Privacy header; the carrier gateway logs the caller-ID headers of the
# INVITE it gets.  Between calls the peers are re-provisioned with other
# callerid_trusted / pai_mode flags, and each call must show:
#
#   pbx     carrier       Privacy  to    carrier sees
#   no      yes           none     num   no PAI (untrusted source), plain From,
#                                        Privacy: none (to a trusted peer)
#   yes     yes           id       num   PAI passed, Privacy: id, anonymous From
#   yes     no            id       num   no PAI, no Privacy, anonymous From
#   yes     yes, rpid     none     num   Remote-Party-ID instead of PAI
#   no      no            id       911   PAI <tel:PPI number> (emergency)
#
#   access ns                  sbc ns (sbcd)                   carrier ns
#   sipp uac-cid 10.10.1.10 --> 10.10.1.1 | 10.10.2.1 --> sipp uas-cid 10.10.2.10
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/call-lib.sh"

call_lab_up

# peers PBX_TRUSTED CARRIER_TRUSTED PAI_MODE: re-provision both peers.
peers() {
	ctl peer del pbx >/dev/null
	ctl peer del carrier1 >/dev/null
	ctl peer add pbx realm=access cidr=$PBX/32 callerid_trusted="$1" >/dev/null
	ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 \
		callerid_trusted="$2" pai_mode="$3" >/dev/null
}

# call NAME PRIVACY PPI_NUMBER NUMBER: one call; the gateway's caller-ID
# lines ("CID PAI= <sip:...>", empty after '=' when absent) end up in
# $WORK/NAME.cid.
call() {
	local name=$1
	printf 'SEQUENTIAL\n%s;%s;\n' "$2" "$3" >"$WORK/$name.csv"
	sipp_uas "$name" $GW1 uas-cid.xml 1 -trace_logs -log_file "$WORK/$name.cid"
	sipp_uac uac-cid.xml 1 -inf "$WORK/$name.csv" -s "$4" ||
		fail "$name: call failed"
	uas_wait "$name" || fail "$name: gateway side failed"
	calls_gone
}

# has NAME REGEX / lacks NAME REGEX: about the gateway's CID lines.
has() {
	grep -qE -- "$2" "$WORK/$1.cid" ||
		fail "$1: expected /$2/ in: $(cat "$WORK/$1.cid")"
}
lacks() {
	! grep -qE -- "$2" "$WORK/$1.cid" ||
		fail "$1: unexpected /$2/ in: $(cat "$WORK/$1.cid")"
}

PAI_IN='"Front Desk" <sip:\+15551230001@pbx\.example>'
ANON='From= ?"Anonymous" <sip:anonymous@anonymous\.invalid>;tag='

peers no yes pai
call untrusted-pbx none 2001 15551234
lacks untrusted-pbx '^CID (PAI|PPI|RPID)=.+'
has untrusted-pbx '^CID Privacy= ?none$'
has untrusted-pbx '^CID From= ?<sip:2001@10\.10\.2\.1>;tag='

peers yes yes pai
call trusted-privacy id 2001 15551234
has trusted-privacy "^CID PAI= ?$PAI_IN\$"
has trusted-privacy '^CID Privacy= ?id$'
has trusted-privacy "^CID $ANON"
lacks trusted-privacy '^CID (PPI|RPID)=.+'

peers yes no pai
call untrusted-egress id 2001 15551234
lacks untrusted-egress '^CID (PAI|PPI|RPID|Privacy)=.+'
has untrusted-egress "^CID $ANON"

peers yes yes rpid
call rpid none 2001 15551234
has rpid "^CID RPID= ?$PAI_IN;party=calling;screen=yes;privacy=off\$"
lacks rpid '^CID PAI=.+'
has rpid '^CID Privacy= ?none$'

peers no no pai
call emergency id +15552345678 911
has emergency '^CID PAI= ?<tel:\+15552345678>$'
has emergency "^CID $ANON"
lacks emergency '^CID Privacy=.+'

# No address of the access side reached the carrier in any of them.
! grep -q '10\.10\.1\.' "$WORK"/*.cid || fail "access address leaked: $(grep '10\.10\.1\.' "$WORK"/*.cid)"
sbcd_stop
echo ok
