#!/bin/bash
# sbcctl show dataplane: sbcd reads sbc-dataplane's DPDK telemetry socket
# (found from the EAL --file-prefix in the configuration) and shows its
# ports, drops by cause and lcores, as text and with --json; once the
# dataplane stopped, the command fails with "dataplane not running".
#
#   access 10.10.1.10 --- [dp-access: sbc-dataplane owns 10.10.1.2] ...
#   25 UDP packets to 10.10.1.2:20100, a port of no flow: each counts as
#   no_flow, and as the drop cause drop_kernel (no exception path on a
#   virtual port).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp-lib.sh"

lab_up
cd "$TOP"
dp_conf
dp_start sbc
sbcd_start

# the dataplane answers ARP for its media address itself
in_access python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(25):
    s.sendto(b"\x80\x00" + bytes([0, i]) + b"\0" * 168, ("10.10.1.2", 20100))
PY

got=0
for _ in $(seq 50); do
	got=$(dp_ports_json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access",{}).get("dp_no_flow",0))')
	[ "$got" -ge 25 ] && break
	sleep 0.2
done
[ "$got" -ge 25 ] || fail "telemetry shows $got unknown-flow packets, want 25"

text=$(ctl show dataplane) || fail "sbcctl show dataplane failed: $text"
expect_match "$text" "^pid: +$dp$" "pid"
expect_match "$text" "NAME +DEVICE +RX_PACKETS +TX_PACKETS +FWD_PACKETS +NO_FLOW +DROPS +RX_MPPS +FWD_MPPS" "ports table"
expect_match "$text" "access +net_af_packet0,iface=dp-access" "access row"
expect_match "$text" "carrier +net_af_packet1,iface=dp-carrier" "carrier row"
expect_match "$text" "access +drop_kernel +[0-9]+" "drops by cause"
expect_match "$text" "LCORE +RX_QUEUES" "lcores table"

json=$(ctl --json show dataplane) || fail "sbcctl --json show dataplane failed"
python3 - "$json" "$dp" <<'PY'
import json, sys
r, pid = json.loads(sys.argv[1]), int(sys.argv[2])
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
check(r["pid"] == pid, "pid %s, want %d" % (r["pid"], pid))
ports = {p["name"]: p for p in r["ports"]}
check([p["name"] for p in r["ports"]] == ["access", "carrier"],
      "ports %s" % [p["name"] for p in r["ports"]])
a = ports.get("access", {})
for k in ("device", "rx_packets", "tx_packets", "fwd_packets", "no_flow",
          "drops", "rx_mpps", "fwd_mpps"):
    check(k in a, "access has no %s" % k)
check(a.get("rx_packets", 0) >= 25, "access rx_packets %s" % a.get("rx_packets"))
check(a.get("no_flow", 0) >= 25, "access no_flow %s" % a.get("no_flow"))
check(a.get("fwd_packets") == 0, "access fwd_packets %s" % a.get("fwd_packets"))
check(isinstance(a.get("rx_mpps"), str) and "." in a["rx_mpps"],
      "rx_mpps %r" % a.get("rx_mpps"))
kernel = [d for d in r["drops"] if d["port"] == "access" and
          d["cause"] == "drop_kernel"]
check(kernel and kernel[0]["packets"] >= 25, "drops %s" % r["drops"])
check(a.get("drops") == sum(d["packets"] for d in r["drops"]
                            if d["port"] == "access"),
      "access drops %s is not the sum of its causes" % a.get("drops"))
check(all(d["packets"] > 0 for d in r["drops"]), "a zero cause is listed")
check([l["lcore"] for l in r["lcores"]] == [1], "lcores %s" % r["lcores"])
l = r["lcores"][0] if r["lcores"] else {}
check("access:0" in l.get("rx_queues", ""), "lcore queues %s" % l)
check(l.get("no_flow", 0) >= 25, "lcore no_flow %s" % l.get("no_flow"))
if errors:
    print("\n".join(errors))
    sys.exit(1)
PY

dp_stop
sock="/var/run/dpdk/$prefix/dpdk_telemetry.v2"
rc=0
err=$(ctl show dataplane 2>&1) || rc=$?
[ "$rc" -eq 1 ] || fail "show dataplane without a dataplane: exit $rc, want 1: $err"
expect_match "$err" "dataplane not running: (no telemetry socket at|nobody answers on) $sock" "error"
echo ok
