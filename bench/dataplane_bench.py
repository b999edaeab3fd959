#!/usr/bin/env python3
"""Forwarding benchmark: sbc-dataplane's relay against dpdk-testpmd 5tswap.

usage: bench/dataplane_bench.py BUILD [--no-huge]   (make bench-dataplane)

Both programs run on the same two ports, one after the other, with the main
lcore on core 0 and one forwarding lcore on core 1, no NIC.  Memory: run as
root where 2 MiB pages can be reserved, the bench raises vm.nr_hugepages
by what the largest run needs, mounts hugetlbfs in its work directory and
runs both programs on it (--huge-dir, no --no-huge), with the flow table
a file on that mount (paths.flow_table = "/MOUNT/flows-N"); at the end it
unmounts and gives the pages back.  Otherwise, or with --no-huge, both run
with --no-huge and the table in /dev/shm, as a lab does.  It prints
dataplane.hugepages: 1 or 0 to say which.

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
net_pcap keeps the whole capture in mbufs of the port's pool (its infinite
rx refuses to start unless the pool holds every frame, plus what rx
bursts take).  On hugepages the 1,000,000-flow capture holds one frame
for every flow.  Without them it holds one for each of 262,144 flows
picked at random, because populating a pool of a million 4 KiB pages takes
this VM tens of seconds; the state those flows touch per packet (hash
buckets and keys, flow, counters: about 70 MiB over 64K pages) is as far
out of cache and TLB reach as a million's.  testpmd 5tswap forwards "in"
to "out" (swapping MACs, addresses and ports) with the same captures.

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

Prints dataplane.hugepages, dataplane.relay_mpps_per_core,
dataplane.relay_1m_flows_mpps_per_core, dataplane.testpmd_5tswap_mpps,
dataplane.relay_vs_testpmd, dataplane.relay_1m_vs_1k,
dataplane.testpmd_5tswap_1m_capture_mpps,
dataplane.relay_1m_vs_1k_source_bound (what relay_1m_vs_1k would be if
the relay's own cost per packet did not grow with the flows: the most it
can be on this source), dataplane.relay_ns_over_testpmd and
dataplane.relay_1m_flows_ns_over_testpmd; about 100 s in all.  See
bench/README.md.
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
ACTIVE_1M_NO_HUGE = 262144
MBUF_SPARE = 32767          # mbufs beyond the capture's, for rx bursts
HUGE_PAGE = 2 << 20
NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages"
FREE_HUGEPAGES = "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
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


def read_int(path):
    with open(path) as f:
        return int(f.read().split()[0])


def write_int(path, v):
    with open(path, "w") as f:
        f.write("%d\n" % v)


def table_bytes(capacity):
    """The flow table's size, as dataplane/ft.c lays it out: header (4 +
    128 lanes of 64 bytes), notice ring, 384-byte entries."""
    ring_end = 64 * (4 + 128) + 8 * capacity
    return (ring_end + 63) // 64 * 64 + 384 * capacity


def table_capacity(n_flows):
    return max(1024, 1 << (n_flows - 1).bit_length())


def huge_pages_for(n_flows, n_active):
    """2 MiB pages one run needs at most: the flow table file, the mbuf
    pool (2,176-byte buffers, their headers and the mempool's, about
    2.5 KiB each), the flow index and the flows' local state, and the
    EAL's own (rings, descriptors, telemetry); a tenth more to spare."""
    need = table_bytes(table_capacity(n_flows)) + \
        (n_active + MBUF_SPARE) * 2560 + n_flows * 512 + (256 << 20)
    return need * 11 // 10 // HUGE_PAGE + 1


class Hugepages:
    """2 MiB pages for the run and a hugetlbfs mount in @work to put them
    on: start() says whether it worked, close() unmounts and gives back
    what start() added to vm.nr_hugepages (whatever others did since)."""

    def __init__(self, work):
        self.mnt = os.path.join(work, "huge")
        self.mounted = False
        self.added = 0

    def start(self, pages):
        if os.geteuid() != 0:
            return "not root"
        try:
            old = read_int(NR_HUGEPAGES)
            short = pages - read_int(FREE_HUGEPAGES)
            if short > 0:
                write_int(NR_HUGEPAGES, old + short)
                self.added = read_int(NR_HUGEPAGES) - old
                if read_int(FREE_HUGEPAGES) < pages:
                    # fragmented memory: compact it and ask once more
                    write_int("/proc/sys/vm/compact_memory", 1)
                    write_int(NR_HUGEPAGES, old + short)
                    self.added = read_int(NR_HUGEPAGES) - old
            free = read_int(FREE_HUGEPAGES)
        except OSError as e:
            return "vm.nr_hugepages: %s" % e
        if free < pages:
            return "%d of %d 2 MiB pages free" % (free, pages)
        os.mkdir(self.mnt, 0o700)
        r = subprocess.run(["mount", "-t", "hugetlbfs", "-o",
                            "pagesize=2M,mode=0700", "nodev", self.mnt],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            return "mount hugetlbfs: " + r.stdout.decode().strip()
        self.mounted = True
        return None

    def close(self):
        if self.mounted:
            # lazily if a program that maps it has not exited yet
            if subprocess.run(["umount", self.mnt]).returncode != 0:
                subprocess.run(["umount", "-l", self.mnt])
            self.mounted = False
        if os.path.isdir(self.mnt) and not os.path.ismount(self.mnt):
            os.rmdir(self.mnt)
        if self.added > 0:
            write_int(NR_HUGEPAGES,
                      max(0, read_int(NR_HUGEPAGES) - self.added))
            self.added = 0


def prepare(work, pages, max_flows, no_huge, prog):
    """The run's memory and neighbour capture in @work: @pages (a
    Hugepages of @work) started for @max_flows flows unless @no_huge, a
    message from @prog when it falls back to --no-huge; returns the
    hugetlbfs mount, or None."""
    why = "--no-huge given" if no_huge else \
        pages.start(huge_pages_for(max_flows, max_flows))
    if why:
        print("%s: no hugepages (%s): --no-huge" % (prog, why),
              file=sys.stderr)
    write_arp_pcap(os.path.join(work, "arp.pcap"))
    return None if why else pages.mnt


def active_flows(n_flows, huge):
    """How many of @n_flows flows receive packets: all on hugepages, at
    most ACTIVE_1M_NO_HUGE without (see the header)."""
    return n_flows if huge else min(n_flows, ACTIVE_1M_NO_HUGE)


def eal_mem_args(huge, mem_mb):
    """EAL memory options: on the mount (files unlinked once mapped, so
    none is left holding pages), or --no-huge with @mem_mb of malloc."""
    if huge:
        return ["--huge-dir", huge, "--huge-unlink"]
    return ["--no-huge", "-m", str(mem_mb)]


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


def conf_text(work, prefix, n_flows, table, mbufs, eal_mem):
    text = open(os.path.join(TOP, "conf", "sbc.conf")).read()
    eal = eal_mem + ["--no-pci", "--file-prefix=" + prefix,
                     "--log-level=lib.*:warning"]
    subs = [
        (r'store = "[^"]*";', 'store = "%s/store";' % work),
        (r'flow_table = "[^"]*";', 'flow_table = "%s";' % table),
        (r'control_socket = "[^"]*";', 'control_socket = "%s/ctl";' % work),
        (r'pid_file = "[^"]*";', 'pid_file = "%s/pid";' % work),
        (r"eal_args = \[[^]]*\];", "eal_args = [ %s ];" %
         ", ".join('"%s"' % a for a in eal)),
        (r'lcores = "[^"]*";', 'lcores = "0-1";'),
        (r"flow_table_size = \d+;", "flow_table_size = %d;" %
         table_capacity(n_flows)),
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


def relay(build, work, n_flows, n_active, huge):
    """Mpps the dataplane forwards with @n_flows flows, @n_active of them
    receiving packets: one figure per 1-s window.  @huge: the hugetlbfs
    mount for the EAL and the flow table, or None."""
    prefix = "sbc-bench-%d-%d" % (os.getpid(), n_flows)
    if huge:
        table = table_file = os.path.join(huge, "flows-%d" % n_flows)
    else:
        table = "sbc_bench_%d_%d" % (os.getpid(), n_flows)
        table_file = "/dev/shm/" + table
    # the replayed capture holds one mbuf per frame
    mbufs = n_active + MBUF_SPARE
    conf = os.path.join(work, "relay-%d.conf" % n_flows)
    log = os.path.join(work, "relay-%d.log" % n_flows)
    write_flows_pcap(os.path.join(work, "flows-%d.pcap" % n_flows),
                     random.Random(n_flows).sample(range(n_flows), n_active))
    with open(conf, "w") as f:
        f.write(conf_text(work, prefix, n_flows, table, mbufs, eal_mem_args(
            huge, 1024 + mbufs * 4096 // (1 << 20) + n_flows // 1024)))
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
            os.unlink(table_file)
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


def testpmd(work, n_flows, n_active, huge):
    """Mpps of dpdk-testpmd 5tswap on the same ports and the capture of the
    relay's @n_flows run (@n_active frames): one figure per 1-s period."""
    mbufs = max(16384, n_active + MBUF_SPARE)
    prefix = "sbc-bench-tp-%d" % os.getpid()
    cmd = ["dpdk-testpmd"] + eal_mem_args(
        huge, 1024 + mbufs * 4096 // (1 << 20)) + ["--no-pci", "-l", "0,1",
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


def sigterm(_signum, _frame):
    # SystemExit runs the finally clauses: pages given back, mount gone
    sys.exit("dataplane_bench: terminated")


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--no-huge"]):
        die("usage: dataplane_bench.py BUILD [--no-huge]")
    build = os.path.abspath(sys.argv[1])
    signal.signal(signal.SIGTERM, sigterm)
    k, tp = [], []
    with tempfile.TemporaryDirectory(prefix="sbc-bench-") as work:
        pages = Hugepages(work)
        try:
            huge = prepare(work, pages, 1000000, bool(sys.argv[2:]),
                           "dataplane_bench")
            active_1m = active_flows(1000000, huge)
            # interleaved, so that a neighbour's load hits both alike
            for _ in range(ROUNDS):
                k += relay(build, work, 1000, 1000, huge)
                tp += testpmd(work, 1000, 1000, huge)
            m = relay(build, work, 1000000, active_1m, huge)
            tp_m = testpmd(work, 1000000, active_1m, huge)
        finally:
            pages.close()
    k, tp, m, tp_m = max(k), max(tp), max(m), max(tp_m)
    if min(k, tp, m, tp_m) <= 0:
        die("a program forwarded nothing in every window: relay %.3f, "
            "testpmd %.3f, relay 1M %.3f, testpmd 1M %.3f" % (k, tp, m, tp_m))
    print("dataplane.hugepages: %d" % (1 if huge else 0))
    print("dataplane.relay_mpps_per_core: %.3f" % k)
    print("dataplane.relay_1m_flows_mpps_per_core: %.3f" % m)
    print("dataplane.testpmd_5tswap_mpps: %.3f" % tp)
    print("dataplane.relay_vs_testpmd: %.2f" % (k / tp))
    print("dataplane.relay_1m_vs_1k: %.2f" % (m / k))
    # the source's own cost grows with the capture: testpmd on the
    # 1M-flow capture, and what the relay adds per packet over testpmd on
    # the same capture (the source's cost cancels, 5tswap's stays)
    print("dataplane.testpmd_5tswap_1m_capture_mpps: %.3f" % tp_m)
    # relay_1m_vs_1k if the relay's own cost per packet did not grow at
    # all with a million flows: only the source's slower replay of the
    # larger capture, as testpmd measures it, added to its time (none
    # when the larger capture happened to replay faster)
    print("dataplane.relay_1m_vs_1k_source_bound: %.2f" %
          ((1e3 / k) / (1e3 / k + max(0.0, 1e3 / tp_m - 1e3 / tp))))
    print("dataplane.relay_ns_over_testpmd: %.0f" % (1e3 / k - 1e3 / tp))
    print("dataplane.relay_1m_flows_ns_over_testpmd: %.0f" %
          (1e3 / m - 1e3 / tp_m))


if __name__ == "__main__":
    main()
