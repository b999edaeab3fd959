# Sourced by the account policy cases (44, 46, 47) after lib.sh and
# call-lib.sh: subscriber 1001 on the access side (no trusted PBX there:
# 10.10.1.10 is the subscribers'), the carrier as peer carrier1, and
# sipua.py as the phone of either.
#
#   SUA, SRV                  sipua.py, and the SBC's access address for it
#   policy_lab_up [route]     lab, sbcd, peer carrier1; with "route" a
#                             default route to the carrier ($GW1)
#   policy_subscriber [SETTING...]
#                             account 1001@sbc.lab (password s3cret, realm
#                             access) with the account settings SETTING,
#                             registered from 10.10.1.10:5080 for 300 s
#   subscriber_uas CALLS TIMEOUT
#                             in the background, sipp answering CALLS calls
#                             for 1001 at 10.10.1.10:5080 (its messages in
#                             $WORK/sub.msg, log $WORK/sub.log, pid SUB),
#                             giving up after TIMEOUT (sipp's -timeout)
SUA="python3 $TOP/tests/tools/sipua.py"
SRV=$SBC_ACCESS:5060

policy_lab_up() {
	lab_up
	sbcd_start
	ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
	if [ "${1:-}" = route ]; then
		ctl route add default "$GW1:5060;udp" >/dev/null
	fi
}

policy_subscriber() {
	ctl account add 1001@sbc.lab password=s3cret realm=access "$@" >/dev/null
	in_access $SUA register $SRV 10.10.1.10:5080 1001 sbc.lab --password s3cret \
		--expires 300 >/dev/null || fail "REGISTER failed"
}

subscriber_uas() {
	in_access sipp -sn uas -i 10.10.1.10 -p 5080 -m "$1" -timeout "$2" \
		-timeout_error -nostdin -trace_msg -message_file "$WORK/sub.msg" \
		>"$WORK/sub.log" 2>&1 &
	SUB=$!
	CLEANUP_PIDS+=("$SUB")
	udp_bound in_access 10.10.1.10:5080
}
