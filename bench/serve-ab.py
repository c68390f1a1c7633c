#!/usr/bin/python3
"""A/B of signetd builds (and peers) at a fixed query rate, the way bench/serve.sh measures.

    bench/serve-ab.py [--size N] [--rounds R] [--seconds S] [--rate Q] [--verbose] SPEC...

SPEC is NAME=BUILDDIR (a signetd build, e.g. base=build-base new=build-bench), or
knot, nsd, floor. Every server serves the same cached zone of bench/serve.py
(bench/out/serve/, made on first use with BUILDDIR/signet of the first spec), all
at once, pinned and configured as in bench/serve.sh; after a warm-up the rounds
go to each in turn, the order reversed every other round. Printed per server:
CPU µs per answered query per round and their median (run time from
/proc/PID/task/*/schedstat, not rounded to ticks), wake-ups (times put on the
CPU) per query, and each round's ratio to the first SPEC. Lines that a server
wrote to its log starting with PROF (temporary timing instrumentation) are
printed at the end.

On this shared two-CPU machine a round moves by ±5% and a median of six by
about ±3% (bench/serve-notes.md item 10): an effect smaller than that needs
more rounds, or a measure taken inside the server, before it is believed.
Nothing is written to docs/PERFORMANCE.md.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve  # noqa: E402


def start(spec, signed, workdir):
    if spec == "knot":
        return serve.start_knot(signed, workdir)
    if spec == "nsd":
        return serve.start_nsd(signed, workdir)
    if spec == "floor":
        return serve.start_floor(workdir)
    name, _, build = spec.partition("=")
    if not build:
        sys.exit(f"{spec}: expected NAME=BUILDDIR, knot, nsd or floor")
    s = serve.start_signetd(os.path.abspath(build), signed, workdir)
    s.name = name
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=150000, help="zone records (default 150000)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rate", type=int, default=40000, help="dnsperf -Q (default 40000)")
    ap.add_argument("--verbose", action="store_true",
                    help="run dnsperf with -v (one line per answer), as bench/serve.sh's rounds do")
    ap.add_argument("specs", nargs="+")
    a = ap.parse_args()
    builds = [s.partition("=")[2] for s in a.specs if "=" in s]
    if not builds:
        sys.exit("at least one NAME=BUILDDIR: its signet prepares the zone")
    out = os.path.join(serve.ROOT, "bench", "out", "serve")
    os.makedirs(out, exist_ok=True)
    _, signed, queries, _, _ = serve.prepare(out, a.size, os.path.join(os.path.abspath(builds[0]),
                                                                        "signet"), 200000)
    servers = []
    try:
        for spec in a.specs:
            s = start(spec, signed, tempfile.mkdtemp(prefix="ab-", dir=out))
            servers.append(s)
            s.wait_ready(600)
        for s in servers:
            serve.dnsperf(s, queries, 2, rate=a.rate)
        res = {s.name: [] for s in servers}
        for rnd in range(a.rounds):
            for s in servers if rnd % 2 == 0 else servers[::-1]:
                c0, w0 = s.sched()
                r = serve.dnsperf(s, queries, a.seconds, rate=a.rate, verbose=a.verbose)
                c1, w1 = s.sched()
                done = max(r["completed"], 1)
                res[s.name].append(((c1 - c0) / done * 1e6, (w1 - w0) / done))
        base = res[servers[0].name]
        for s in servers:
            v = res[s.name]
            print(f"{s.name:10s} cpu " + " ".join(f"{c:6.2f}" for c, _ in v)
                  + f" | med {statistics.median(c for c, _ in v):.2f}"
                  + " | wakes/q " + " ".join(f"{w:.3f}" for _, w in v)
                  + " | ratio " + " ".join(f"{x[0] / b[0]:.3f}" for x, b in zip(v, base)))
    finally:
        for s in servers:
            s.stop()
            try:
                with open(os.path.join(s.dir, "log")) as f:
                    for line in f:
                        if line.startswith("PROF") or " PROF " in line:
                            print(s.name, line.strip())
            except OSError:
                pass
            shutil.rmtree(s.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
