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

FT_PUT=$B/tests/tools/ft_put
[ -x "$FT_PUT" ] || fail "build the test tools first (make tools: tests/tools/build.mk)"

lab_up
cd "$TOP"
dp_conf
dp_start sbc
first=$dp

x=$("$FT_PUT" -c "$CONF" put 10.10.1.2:20000 1 10.10.2.2:30000 10.10.2.10:5000 latch=first) ||
	fail "ft_put X"
y=$("$FT_PUT" -c "$CONF" put 10.10.2.2:30000 0 10.10.1.2:20000 10.10.1.10:4999 latch=first) ||
	fail "ft_put Y"
"$FT_PUT" -c "$CONF" pair "$x" "$y" || fail "ft_put pair"
sleep 0.3	# the dataplane applies flow changes every 100 ms

dump() {
	dp_ports_json
	cat "$WORK/dp.log"
}

# relay TAG: 10 packets from the access side, each echoed by the carrier;
# at least 7 must cross each way (the first may be lost to ARP)
relay() {
	local tag=$1 fwd back echoer
	in_carrier timeout 20 python3 - >"$WORK/carrier-$tag.txt" <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.10.2.10", 5000))
s.settimeout(5)
n = 0
try:
    while n < 10:
        data, src = s.recvfrom(2048)
        print("%s:%d %s" % (src[0], src[1], data[:4].hex()), flush=True)
        s.sendto(b"\x80\x08" + data[2:], src)
        n += 1
except socket.timeout:
    pass
PY
	echoer=$!
	CLEANUP_PIDS+=("$echoer")
	sleep 0.5
	in_access timeout 20 python3 - >"$WORK/access-$tag.txt" <<'PY' || true
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.10.1.10", 4000))
s.settimeout(0.05)

def drain():
    try:
        while True:
            data, src = s.recvfrom(2048)
            print("%s:%d %s" % (src[0], src[1], data[:4].hex()), flush=True)
    except socket.timeout:
        pass

for i in range(10):
    s.sendto(b"\x80\x00" + bytes([0, i]) + b"\0" * 168, ("10.10.1.2", 20000))
    drain()
time.sleep(0.5)
drain()
PY
	wait "$echoer" || true
	fwd=$(grep -c "^10.10.2.2:30000 8000" "$WORK/carrier-$tag.txt" || true)
	back=$(grep -c "^10.10.1.2:20000 8008" "$WORK/access-$tag.txt" || true)
	[ "$fwd" -ge 7 ] || { dump; fail "$tag: carrier got $fwd of 10: $(cat "$WORK/carrier-$tag.txt")"; }
	[ "$back" -ge 7 ] || { dump; fail "$tag: access got $back replies: $(cat "$WORK/access-$tag.txt")"; }
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
