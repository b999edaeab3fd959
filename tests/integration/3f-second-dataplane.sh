#!/bin/bash
# One flow table, one dataplane: a second sbc-dataplane started on a table
# in use refuses to start, with a clear message and a non-zero exit, before
# touching the EAL or the ports, and the first keeps forwarding; the first
# killed with SIGKILL (no clean-up of any kind), a new one attaches to the
# same table, keeps the flows and their counters, and forwards them.
#
#   access 10.10.1.10:4000 -> SBC 10.10.1.2:20000 =[X]=> 10.10.2.2:30000 -> carrier 10.10.2.10:5000
#   access 10.10.1.10:4000 <- SBC 10.10.1.2:20000 <=[Y]= 10.10.2.2:30000 <- carrier 10.10.2.10:5000
#
#   sbc ns: sbc-dataplane #1 (owner of /dev/shm/<flow_table>)
#           sbc-dataplane #2, same configuration: refused, #1 unharmed
#           #1 SIGKILLed -> sbc-dataplane #3: owner again, same flows
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

dp_lab_up
dp_start sbc
first=$dp

dp_flow_pair 10.10.1.2 10.10.2.2 10.10.1.10 10.10.2.10

# relay TAG: 10 packets from the access side, each echoed by the carrier;
# at least 7 must cross each way (the first may be lost to ARP)
relay() {
	local tag=$1 fwd back
	dp_relay "$tag" 10 5 10.10.1.10 10.10.1.2 10.10.2.10
	fwd=$(grep -c "^10.10.2.2:30000 8000" "$WORK/carrier-$tag.txt" || true)
	back=$(grep -c "^10.10.1.2:20000 8008" "$WORK/access-$tag.txt" || true)
	[ "$fwd" -ge 7 ] || { dp_dump; fail "$tag: carrier got $fwd of 10: $(cat "$WORK/carrier-$tag.txt")"; }
	[ "$back" -ge 7 ] || { dp_dump; fail "$tag: access got $back replies: $(cat "$WORK/access-$tag.txt")"; }
}

# packets=N of flow X
packets() {
	"$FT_PUT" -c "$CONF" stats "$x" | sed -n 's/^packets=//p'
}

relay first

# A second dataplane, same configuration: refused up front.
rc=0
in_sbc timeout 30 "$B/sbc-dataplane" -f -c "$CONF" >"$WORK/second.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "a second dataplane started: $(cat "$WORK/second.log")"
[ "$rc" -ne 124 ] || fail "the second dataplane neither ran nor exited"
expect_match "$(cat "$WORK/second.log")" \
	"flow table /dev/shm/$flow_table is owned by another sbc-dataplane; refusing to start a second one" \
	"second dataplane's message"
if grep -Eq "^EAL:|Sanitizer" "$WORK/second.log"; then
	fail "the second dataplane got as far as the EAL, or leaked: $(cat "$WORK/second.log")"
fi
kill -0 "$first" 2>/dev/null || fail "the first dataplane died"
relay "first-after-second"
n1=$(packets)

# SIGKILL: no clean-up at all; a new dataplane takes the table over.
kill -KILL "$first"
wait "$first" 2>/dev/null || true
cp "$WORK/dp.log" "$WORK/dp-first.log"
dp_start sbc
expect_match "$(cat "$WORK/dp.log")" "flow table /dev/shm/$flow_table: owner, [0-9]+ entries, 2 flow\(s\)" \
	"the new dataplane kept the flows"
relay third
n2=$(packets)
# the counters survived and went on: 10 more packets at most
[ "$n2" -gt "$n1" ] && [ "$n2" -le $((n1 + 10)) ] ||
	fail "flow X counted $n1 then $n2 packets"
stats=$("$FT_PUT" -c "$CONF" stats "$x")
expect_match "$stats" "latched=10.10.1.10:4000" "flow X latched source"
dp_stop
echo ok
