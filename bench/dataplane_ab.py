#!/usr/bin/env python3
"""Compare the relay of two builds: A and B alternated, round after round.

usage: bench/dataplane_ab.py BUILD_A BUILD_B [--flows N[,N...]] [--rounds R]
       (make bench-dataplane-ab A=build-a B=build-b)

For work on the forwarding loop: is B faster than A?  One
`make bench-dataplane` cannot say when the difference is a few percent:
this machine's rate moves by up to 30% from one minute to the next with
what else runs on its host.  So each round runs A's relay, then B's, with
the flows and capture of bench/dataplane_bench.py (its relay() at each
--flows count, on hugepages as root), and prints both rates and B/A.
Load that lasts a round slows both and leaves B/A where it was; load that
takes only one program's few seconds shows as a round whose B/A stands
apart from the others'.  A difference counts when B/A stays on the same
side of 1 in every round.  At the end, per flow count, the median B/A as
dataplane_ab.b_vs_a_N_flows.  The relay alone, no testpmd: about 10 s per
round at 1,000 flows, 25 s with 1,000,000.

BUILD_A and BUILD_B are build directories with sbc-dataplane and
tests/tools/ft_put (`make BUILD=... BUILD/sbc-dataplane tools`), e.g. a
`git worktree` of the base commit built next to the working tree.
"""
import argparse
import os
import signal
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataplane_bench as bench  # noqa: E402


def die(msg):
    print("dataplane_ab: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build_a")
    ap.add_argument("build_b")
    ap.add_argument("--flows", default="1000",
                    help="flow counts, comma-separated (default 1000)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    try:
        flows = [int(n) for n in args.flows.split(",")]
    except ValueError:
        die("--flows: numbers separated by commas")
    if not flows or min(flows) < 1 or max(flows) > 1000000 or \
            args.rounds < 1:
        die("--flows: 1 to 1000000 each; --rounds: at least 1")
    # SystemExit runs the finally clauses: pages given back, mount gone
    signal.signal(signal.SIGTERM, bench.sigterm)
    builds = [os.path.abspath(b) for b in (args.build_a, args.build_b)]
    for b in builds:
        for f in ("sbc-dataplane", "tests/tools/ft_put"):
            if not os.access(os.path.join(b, f), os.X_OK):
                die("%s: no %s (make BUILD=%s %s/sbc-dataplane tools)"
                    % (b, f, b, b))
    ratios = {n: [] for n in flows}
    with tempfile.TemporaryDirectory(prefix="sbc-ab-") as work:
        pages = bench.Hugepages(work)
        try:
            huge = bench.prepare(work, pages, max(flows), False,
                                 "dataplane_ab")
            for r in range(args.rounds):
                for n in flows:
                    a, b = (max(bench.relay(x, work, n,
                                            bench.active_flows(n, huge), huge))
                            for x in builds)
                    ratios[n].append(b / a)
                    print("round %d, %d flows: A %.3f, B %.3f Mpps, B/A %.3f"
                          % (r + 1, n, a, b, b / a), flush=True)
        finally:
            pages.close()
    for n in flows:
        print("dataplane_ab.b_vs_a_%d_flows: %.3f (%s)" % (
            n, statistics.median(ratios[n]),
            ", ".join("%.3f" % x for x in ratios[n])))


if __name__ == "__main__":
    main()
