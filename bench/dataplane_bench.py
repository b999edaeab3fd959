#!/usr/bin/env python3
"""Forwarding benchmark: sbc-dataplane's relay against dpdk-testpmd 5tswap.

usage: bench/dataplane_bench.py BUILD    (make bench-dataplane runs it)

Both programs run on the same two ports, one after the other, with the main
lcore on core 0 and one forwarding lcore on core 1 (--no-huge, no NIC):

  in   net_pcap0,rx_pcap=flows-N.pcap,infinite_rx=1
       pre-built RTP frames (172-byte RTP in UDP/IPv4, 214-byte frames),
       one per flow, replayed from memory without end; no tx file, so what
       is sent on it is dropped
  out  net_pcap1,rx_pcap=arp.pcap
       two ARP replies from the peer and then nothing: the dataplane's
       neighbour entry for the peer becomes REACHABLE (good for 30 s, longer
       than a run); tx dropped by the PMD, as cheaply as net_null

sbc-dataplane relays every frame of "in" out of "out" through flows written
beforehand with ft_put bulk (plain RTP, no latching, no SRTP): 1,000 flows,
then 1,000,000 in a table of 2^20.  The capture visits its flows in a random
order, so hardware prefetchers cannot walk the flow state in slot order.
With 1,000,000 flows it holds one frame for each of 262,144 of them picked
at random: net_pcap keeps the whole capture in mbufs, and populating a pool
of a million 4 KiB pages (no hugepages) takes this VM tens of seconds; the
state those flows touch per packet (hash buckets and keys, flow, counters:
about 70 MiB over 64K pages) is as far out of cache and TLB reach as a
million's.  testpmd 5tswap forwards "in" to "out" (swapping MACs, addresses
and ports) with the same captures.

Rates are forwarded packets per 1-s window after a warm-up: the
dataplane's dp_fwd_packets read over its telemetry socket, testpmd's
per-port Rx-pps of "in" (its tx never fails).  The relay fails the run
unless it forwarded all but 1% of what it received, so the figure is
forwarding, not drops.  The machine is shared, so the 1,000-flow relay and
testpmd alternate over ROUNDS rounds and each figure is the best window of
its program: a window in which another process took the core measures
neither.  Both programs are treated alike.

The source's own cost grows with the capture (frames out of cache and
TLB, as the flows are), so testpmd also runs on the 1M-flow capture and
the run prints what the relay adds per packet over testpmd on the same
capture, at both sizes: the source cancels out, 5tswap's own small work
stays in.

Prints dataplane.relay_mpps_per_core, dataplane.relay_1m_flows_mpps_per_core,
dataplane.testpmd_5tswap_mpps, dataplane.relay_vs_testpmd,
dataplane.relay_1m_vs_1k, dataplane.testpmd_5tswap_1m_capture_mpps,
dataplane.relay_ns_over_testpmd and dataplane.relay_1m_flows_ns_over_testpmd;
about 100 s in all.  See bench/README.md.
"""
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "tools"))
from pcapkit import PCAP_MAGIC, ip4, mac  # noqa: E402

WARMUP_S = 1.5
ACTIVE_1M = 262144
MEASURE_S = 4
ROUNDS = 2
START_TIMEOUT_S = 60
PEER_MAC = mac("02:00:00:00:0a:0a")
OUT_PEER_MAC = mac("02:00:00:00:0c:0c")
PORT_MAC = mac("02:00:00:00:00:01")
IN_PEER = "10.10.1.10"      # sends the RTP
IN_LOCAL = "10.10.1.2"      # access media address: flow i is IN_LOCAL + i
OUT_LOCAL = "10.10.2.2"     # carrier media address: sent from here
OUT_PEER = "10.10.2.10"     # sent to here
LOCAL_PORT = 20000
RTP_LEN = 172


def die(msg):
    print("dataplane_bench: " + msg, file=sys.stderr)
    sys.exit(1)


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def words(b):
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def flow_local(i):
    """The local (address as int, port) of flow i, as ft_put bulk counts."""
    span = 65536 - LOCAL_PORT
    return struct.unpack("!I", ip4(IN_LOCAL))[0] + i // span, \
        LOCAL_PORT + i % span


def write_flows_pcap(path, flows):
    """One frame per flow of @flows, in that order; checksums summed
    incrementally from the parts all frames share."""
    payload = struct.pack("!BBHII", 0x80, 0, 1, 160, 0x5EED) + \
        b"\xd5" * (RTP_LEN - 12)
    ulen = 8 + RTP_LEN
    src = ip4(IN_PEER)
    ip_base = words(struct.pack("!BBHHHBBH4s", 0x45, 0, 20 + ulen, 0, 0,
                                64, 17, 0, src))
    udp_base = words(src) + 17 + ulen + words(struct.pack(
        "!HHH", 4000, 0, ulen)) + words(payload)
    flen = 14 + 20 + ulen
    rec = 16 + flen
    tmpl = struct.pack("<IIII", 0, 0, flen, flen) + PORT_MAC + PEER_MAC + \
        b"\x08\x00" + struct.pack("!BBHHHBBH4s4sHHHH", 0x45, 0, 20 + ulen, 0,
                                  0, 64, 17, 0, src, b"\0" * 4, 4000, 0,
                                  ulen, 0) + payload
    buf = bytearray(24 + len(flows) * rec)
    struct.pack_into("<IHHiIII", buf, 0, PCAP_MAGIC, 2, 4, 0, 0, 65535, 1)
    for k, i in enumerate(flows):
        off = 24 + k * rec
        dst, port = flow_local(i)
        dw = (dst >> 16) + (dst & 0xFFFF)
        buf[off:off + rec] = tmpl
        ucs = ~fold(udp_base + dw + port) & 0xFFFF
        struct.pack_into("!H", buf, off + 16 + 24, ~fold(ip_base + dw) & 0xFFFF)
        struct.pack_into("!IHHHH", buf, off + 16 + 30, dst, 4000, port, ulen,
                         ucs or 0xFFFF)
    with open(path, "wb") as f:
        f.write(buf)


def write_arp_pcap(path):
    """Two ARP replies from OUT_PEER to OUT_LOCAL (unsolicited, then again:
    the second confirms the entry the first created)."""
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, OUT_PEER_MAC,
                       ip4(OUT_PEER), PORT_MAC, ip4(OUT_LOCAL))
    frame = PORT_MAC + OUT_PEER_MAC + b"\x08\x06" + body + b"\0" * 18
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535, 1))
        for i in range(2):
            f.write(struct.pack("<IIII", 0, i, len(frame), len(frame)))
            f.write(frame)


def runtime_dir(prefix):
    """Where the EAL of this user puts the telemetry socket of @prefix."""
    if os.getuid() == 0:
        base = "/var/run"
    else:
        base = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


def telemetry(path, cmd):
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(2)
        s.connect(path)
        s.recv(16384)
        s.send(cmd.encode())
        return json.loads(s.recv(1 << 20).decode())[cmd]


def conf_text(work, prefix, n_flows, table, mbufs, mem_mb):
    text = open(os.path.join(TOP, "conf", "sbc.conf")).read()
    subs = [
        (r'store = "[^"]*";', 'store = "%s/store";' % work),
        (r'flow_table = "[^"]*";', 'flow_table = "%s";' % table),
        (r'control_socket = "[^"]*";', 'control_socket = "%s/ctl";' % work),
        (r'pid_file = "[^"]*";', 'pid_file = "%s/pid";' % work),
        (r"eal_args = \[[^]]*\];", 'eal_args = [ "--no-huge", "-m", "%d", '
         '"--no-pci", "--file-prefix=%s", "--log-level=lib.*:warning" ];'
         % (mem_mb, prefix)),
        (r'lcores = "[^"]*";', 'lcores = "0-1";'),
        (r"flow_table_size = \d+;", "flow_table_size = %d;" %
         max(1024, 1 << (n_flows - 1).bit_length())),
        (r"mbufs = \d+;", "mbufs = %d;" % mbufs),
        (r"burst = \d+;", "burst = 32;"),
        (r"ports = \((.|\n)*?\n\t\);", """ports = (
		{ name = "in"; realm = "access";
		  device = "net_pcap0,rx_pcap=%(w)s/flows-%(n)d.pcap,infinite_rx=1"; },
		{ name = "out"; realm = "carrier";
		  device = "net_pcap1,rx_pcap=%(w)s/arp.pcap"; }
	);""" % {"w": work, "n": n_flows}),
    ]
    for pat, rep in subs:
        text, k = re.subn(pat, lambda _m, r=rep: r, text, count=1)
        if k != 1:
            die("conf/sbc.conf: no match for %s" % pat)
    return text


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def relay(build, work, n_flows, n_active):
    """Mpps the dataplane forwards with @n_flows flows, @n_active of them
    receiving packets: one figure per 1-s window."""
    prefix = "sbc-bench-%d-%d" % (os.getpid(), n_flows)
    table = "sbc_bench_%d_%d" % (os.getpid(), n_flows)
    # the replayed capture holds one mbuf per frame
    mbufs = n_active + 32767
    conf = os.path.join(work, "relay-%d.conf" % n_flows)
    log = os.path.join(work, "relay-%d.log" % n_flows)
    write_flows_pcap(os.path.join(work, "flows-%d.pcap" % n_flows),
                     random.Random(n_flows).sample(range(n_flows), n_active))
    with open(conf, "w") as f:
        f.write(conf_text(work, prefix, n_flows, table, mbufs,
                          1024 + mbufs * 4096 // (1 << 20) + n_flows // 1024))
    proc = None
    try:
        subprocess.run([os.path.join(build, "tests/tools/ft_put"), "-c", conf,
                        "bulk", str(n_flows), "%s:%d" % (IN_LOCAL, LOCAL_PORT),
                        "1", "%s:30000" % OUT_LOCAL, "%s:5000" % OUT_PEER],
                       check=True, stdout=subprocess.DEVNULL, timeout=60)
        with open(log, "w") as out:
            proc = subprocess.Popen([os.path.join(build, "sbc-dataplane"),
                                     "-f", "-c", conf], stdout=out,
                                    stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while "running:" not in open(log).read():
            if proc.poll() is not None or time.monotonic() > deadline:
                die("sbc-dataplane did not start:\n" + open(log).read())
            time.sleep(0.1)
        sock = os.path.join(runtime_dir(prefix), "dpdk_telemetry.v2")
        time.sleep(WARMUP_S)
        samples = [(time.monotonic(), telemetry(sock, "/sbc/ports")["in"])]
        for _ in range(MEASURE_S):
            time.sleep(1)
            samples.append((time.monotonic(),
                            telemetry(sock, "/sbc/ports")["in"]))
    finally:
        if proc:
            stop(proc)
        try:
            os.unlink("/dev/shm/" + table)
        except FileNotFoundError:
            pass
        # the EAL leaves its runtime directory behind
        shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    (_, first), (_, last) = samples[0], samples[-1]
    rx = last["dp_rx_packets"] - first["dp_rx_packets"]
    fwd = last["dp_fwd_packets"] - first["dp_fwd_packets"]
    if rx == 0 or fwd < rx * 0.99:
        die("%d flows: forwarded %d of %d packets received:\n%s" %
            (n_flows, fwd, rx, json.dumps(last, indent=1)))
    return [(b["dp_fwd_packets"] - a["dp_fwd_packets"]) / (tb - ta) / 1e6
            for (ta, a), (tb, b) in zip(samples, samples[1:])]


def testpmd(work, n_flows, n_active):
    """Mpps of dpdk-testpmd 5tswap on the same ports and the capture of the
    relay's @n_flows run (@n_active frames): one figure per 1-s period."""
    mbufs = max(16384, n_active + 32767)
    prefix = "sbc-bench-tp-%d" % os.getpid()
    cmd = ["dpdk-testpmd", "--no-huge", "-m",
           str(1024 + mbufs * 4096 // (1 << 20)), "--no-pci", "-l", "0,1",
           "--file-prefix=" + prefix,
           "--log-level=lib.*:warning",
           "--vdev", "net_pcap0,rx_pcap=%s/flows-%d.pcap,infinite_rx=1" %
           (work, n_flows),
           "--vdev", "net_pcap1,rx_pcap=%s/arp.pcap" % work, "--",
           "--forward-mode=5tswap", "--auto-start", "--stats-period=1",
           "--total-num-mbufs=%d" % mbufs, "--burst=32", "--rxd=1024",
           "--txd=1024"]
    # with --stats-period it prints every second and runs until a signal;
    # the capture is loaded before the first period (seconds for a large one)
    want = int(WARMUP_S) + 1 + MEASURE_S
    pps, out = [], []
    block_port = None
    partial = ""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while len(pps) < want:
            r, _, _ = select.select([fd], [], [],
                                    max(0, deadline - time.monotonic()))
            chunk = os.read(fd, 65536).decode(errors="replace") if r else ""
            if not chunk:
                die("testpmd stopped or gave no Rx-pps in %d s:\n%s" %
                    (START_TIMEOUT_S, "".join(out[-60:])))
            lines = (partial + chunk).split("\n")
            partial = lines.pop()
            for line in lines:
                out.append(line + "\n")
                # per period: a "NIC statistics for port N" block per port
                m = re.search(r"NIC statistics for port (\d+)", line)
                if m:
                    block_port = m.group(1)
                m = re.search(r"Rx-pps:\s+(\d+)", line)
                if m and block_port == "0":
                    pps.append(int(m.group(1)))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    # the first periods include start-up; keep the steady ones
    return [v / 1e6 for v in pps[int(WARMUP_S) + 1:]]


def main():
    if len(sys.argv) != 2:
        die("usage: dataplane_bench.py BUILD")
    build = os.path.abspath(sys.argv[1])
    k, tp = [], []
    with tempfile.TemporaryDirectory(prefix="sbc-bench-") as work:
        write_arp_pcap(os.path.join(work, "arp.pcap"))
        # interleaved, so that a neighbour's load hits both alike
        for _ in range(ROUNDS):
            k += relay(build, work, 1000, 1000)
            tp += testpmd(work, 1000, 1000)
        m = relay(build, work, 1000000, ACTIVE_1M)
        tp_m = testpmd(work, 1000000, ACTIVE_1M)
    k, tp, m, tp_m = max(k), max(tp), max(m), max(tp_m)
    if min(k, tp, m, tp_m) <= 0:
        die("a program forwarded nothing in every window: relay %.3f, "
            "testpmd %.3f, relay 1M %.3f, testpmd 1M %.3f" % (k, tp, m, tp_m))
    print("dataplane.relay_mpps_per_core: %.3f" % k)
    print("dataplane.relay_1m_flows_mpps_per_core: %.3f" % m)
    print("dataplane.testpmd_5tswap_mpps: %.3f" % tp)
    print("dataplane.relay_vs_testpmd: %.2f" % (k / tp))
    print("dataplane.relay_1m_vs_1k: %.2f" % (m / k))
    # the source's own cost grows with the capture: testpmd on the
    # 1M-flow capture, and what the relay adds per packet over testpmd on
    # the same capture (the source's cost cancels, 5tswap's stays)
    print("dataplane.testpmd_5tswap_1m_capture_mpps: %.3f" % tp_m)
    print("dataplane.relay_ns_over_testpmd: %.0f" % (1e3 / k - 1e3 / tp))
    print("dataplane.relay_1m_flows_ns_over_testpmd: %.0f" %
          (1e3 / m - 1e3 / tp_m))


if __name__ == "__main__":
    main()
