# Sourced by the prepaid cases (38, 40-42, 52) after lib.sh and call-lib.sh:
# the lab with sbcd, the carrier and a default route to it, the rate plan
# "pre", prepaid subscribers placing calls with sipua.py (which waits for
# the SBC's BYE and never hangs up itself), and the ledger checks.
#
#   prepaid_lab_up [RATE...]
#                           lab, sbcd, carrier1, default route, plan "pre"
#                           with the rates RATE (CSV lines "pre,prefix,
#                           price_per_min,connect_fee,first_incr,next_incr"),
#                           by default:
#                           1555... 0.60/min billed 1 then 30 by 30 s and
#                           1777... 0.60/min billed 1 then 5 by 5 s (a
#                           grant leaves a remainder a second call can use),
#                           1666... 0.06/min, connect fee 0.01, 1/1
#   prepaid_account N BAL   account N@sbc.lab, prepaid, balance BAL EUR
#   prepaid_call NAME USER NUMBER PORT WAIT
#                           USER calls NUMBER from 10.10.1.10:PORT in the
#                           background, waiting up to WAIT s for a BYE; pid
#                           in CALLER[NAME], output in $WORK/NAME.log, and
#                           the test's clock before the INVITE in
#                           T_START[NAME] (seconds, float)
#   prepaid_answered ACCT N wait (bounded) until ACCT has N confirmed calls
#   ledger_json ACCT...     {"ACCT": {"balance": ..., "audit": [...]},
#                           "cdr": [...]}, from sbcctl --json
PREPAID_SUA="python3 $TOP/tests/tools/sipua.py"
PREPAID_PW=s3cret
declare -A CALLER T_START

prepaid_lab_up() {
	lab_up
	sbcd_start
	ctl peer add carrier1 realm=carrier cidr=10.10.2.0/24 >/dev/null
	ctl route add default "$GW1:5060;udp" >/dev/null
	[ $# -gt 0 ] || set -- pre,1555,0.60,0,1,30 pre,1666,0.06,0.01,1,1 pre,1777,0.60,0,1,5
	{
		echo plan,prefix,price_per_min,connect_fee,first_incr,next_incr
		printf '%s\n' "$@"
	} >"$WORK/rates.csv"
	ctl rates import "@$WORK/rates.csv" >/dev/null
}

prepaid_account() {
	ctl account add "$1@sbc.lab" password=$PREPAID_PW realm=access \
		prepaid=yes balance="$2" currency=EUR rate_plan=pre >/dev/null
}

prepaid_call() {
	local name=$1 user=$2 number=$3 port=$4 wait=$5
	T_START[$name]=$(date +%s.%N)
	in_access $PREPAID_SUA call "$SBC_ACCESS:5060" "10.10.1.10:$port" \
		"$user" sbc.lab "$number" --password $PREPAID_PW \
		--wait-bye "$wait" >"$WORK/$name.log" 2>&1 &
	CALLER[$name]=$!
	CLEANUP_PIDS+=("$!")
}

prepaid_answered() {
	local acct=$1 n=$2 i
	for i in $(seq 100); do
		[ "$(ctl --json show calls account="$acct" | python3 -c '
import json, sys
print(sum(1 for c in json.load(sys.stdin)
          if c["state"] == "confirmed" and c["time_left_s"] is not None))')" \
			-ge "$n" ] && return 0
		sleep 0.1
	done
	fail "$acct: not $n calls up: $(ctl show calls)"
}

ledger_json() {
	local acct out="{"
	for acct in "$@"; do
		out+="\"$acct\": {\"balance\": $(ctl --json account balance "$acct"),"
		out+=" \"audit\": $(ctl --json account audit "$acct" 100)}, "
	done
	echo "$out\"cdr\": $(ctl --json cdr 100)}"
}
