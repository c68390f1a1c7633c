#!/usr/bin/python3
"""Resolver benchmark: signet-resolver against Unbound on the same signed lab hierarchy.

Run it through bench/resolve.sh (see bench/README.md). A lab (tests/integration/lab.py):
a root, a TLD `bench.` and ZONES child zones below it (half NSEC, half NSEC3), all signed by
dnssec-signzone and served by NSD on port 53 of three free 127.0.0.x addresses (root, TLD,
and one NSD for all the children), NSD pinned to CPU 1. Both resolvers get the lab root hints
and the lab root KSK's DS as their only trust anchor (never the real root), validation on,
one worker thread, a 256 MiB cache, each pinned to CPU 0; dnsperf runs on CPU 1 with DO.

(b) cold: ROUNDS times, each resolver freshly started goes once through the name list with
    dnsperf at a fixed concurrency; wall time (dnsperf's run time) and the resolver's CPU.
Then both caches are warmed with the list, both resolvers' rcode and AD are compared for
every name (dnspython), and
(a) cache hits: serve.py's measure(): CPU per answered query at `dnsperf -Q RATE -l SECONDS`
    (rounds interleaved, median), latency percentiles, max QPS, resident memory.
"""
import argparse
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import serve  # noqa: E402  (Server, dnsperf, measure, memory, write_doc ...)
import lab as labmod  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402

log = serve.log
CACHE = 256 << 20
TLD = "bench."


# ---- the lab ---------------------------------------------------------------------------

def zone_records(i):
    recs = ["www A 192.0.2.80", "www AAAA 2001:db8::80", "mail A 192.0.2.25", "@ MX 10 mail",
            f'@ TXT "bench zone {i}"']
    recs += [f"h{j} A 198.51.100.{j + 1}" for j in range(8)]
    return recs


def zname(i):
    return f"z{i:04d}.{TLD}"


def build_lab(out, nzones):
    """The lab, built once and cached in out/lab-N (re-signed after a week)."""
    d = os.path.join(out, f"lab-{nzones}")
    addrs = labmod.free_addresses(3, start=2)
    names = [".", TLD] + [zname(i) for i in range(nzones)]
    records = {zname(i): zone_records(i) for i in range(nzones)}
    records[TLD] = ['@ TXT "bench tld"']
    stamp = os.path.join(d, "built")
    fresh = os.path.exists(stamp) and time.time() - os.path.getmtime(stamp) < 7 * 86400
    if fresh:
        with open(stamp) as f:
            fresh = f.read().split() == addrs
    if not fresh:
        shutil.rmtree(d, ignore_errors=True)
    L = labmod.Lab(d, names=names, addrs=addrs[:2] + [addrs[2]] * nzones, records=records)
    for i in range(nzones):
        L.zone(zname(i)).nsec3 = bool(i % 2)
    if fresh:
        for z in L.zones.values():
            z.signed = L.dir / f"{z.label}.zone.signed"
    else:
        log(f"  signing the lab: {nzones + 2} zones in {d}")
        L.build()
        with open(stamp, "w") as f:
            f.write(" ".join(addrs))
    return L


def name_list(nzones, path, seed=53):
    """~15 questions per zone: 10 names with data (A/AAAA/MX/TXT), NODATA, NXDOMAIN (1 in 7)."""
    qs = []
    for i in range(nzones):
        z = zname(i)
        qs += [f"www.{z} A", f"www.{z} AAAA", f"mail.{z} A", f"{z} MX", f"{z} TXT"]
        qs += [f"h{j}.{z} A" for j in range(5)]
        qs += [f"www.{z} TXT", f"mail.{z} AAAA"]          # NODATA
        qs += [f"nx{j}.{z} A" for j in range(2)]            # NXDOMAIN
        qs += [f"h{5 + i % 3}.{z} A"]
    random.Random(seed).shuffle(qs)
    with open(path, "w") as f:
        f.write("\n".join(qs) + "\n")
    return qs


def pin_tree(pid, cpu):
    """taskset every thread of pid and its descendants to cpu."""
    s = serve.Server("x", 0, "/")
    s.proc = type("P", (), {"pid": pid})
    for p in s.pids():
        subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(p)], stdout=subprocess.DEVNULL,
                       check=False)


# ---- resolvers -------------------------------------------------------------------------

class Resolver(serve.Server):
    def __init__(self, name, workdir, cmd_fn):
        super().__init__(name, labmod.free_port("127.0.0.1"), workdir)
        self.cmd_fn = cmd_fn

    def fresh(self):
        """(Re)starts it with an empty cache; waits until its UDP and TCP ports are bound
        (no query: nothing primes the cache)."""
        self.stop()
        self.start(self.cmd_fn(self))
        end = time.time() + 30
        while labmod.port_free("127.0.0.1", self.port):
            if self.proc.poll() is not None or time.time() > end:
                raise RuntimeError(f"{self.name} did not start: {self.log_tail()}")
            time.sleep(0.05)
        time.sleep(0.3)
        return self

    def stop(self):
        super().stop()
        self.proc = None


def signet_cmd(build, L, threads):
    def cmd(r):
        return [os.path.join(build, "signet-resolver"), "--listen", f"127.0.0.1@{r.port}",
                "--root-hints", L.root_hints, "--anchor", L.anchor, "--threads", str(threads),
                "--cache-size", CACHE]
    return cmd


def unbound_cmd(L):
    def cmd(r):
        ub = labmod.Unbound(r.dir, L.root_hints, L.anchor, port=r.port, extra=[
            "rrset-cache-size: 256m", "msg-cache-size: 128m", "key-cache-size: 16m",
            "neg-cache-size: 16m", "val-log-level: 0", "verbosity: 0"])
        return ["unbound", "-d", "-c", ub.conf]
    return cmd


# ---- measurements ------------------------------------------------------------------------

def cold(resolvers, names_file, a):
    res = {r.name: [] for r in resolvers}
    for rnd in range(a.cold_rounds):
        order = resolvers if rnd % 2 == 0 else list(reversed(resolvers))
        for r in order:
            r.fresh()
            c0 = r.cpu_split()
            d = serve.dnsperf(r, names_file, None, clients=a.cold_clients,
                              outstanding=a.cold_concurrency, timeout=10)
            c1 = r.cpu_split()
            d["user"], d["sys"] = c1[0] - c0[0], c1[1] - c0[1]
            d["cpu"] = d["user"] + d["sys"]
            d["mem"] = r.memory()
            res[r.name].append(d)
            log(f"  cold round {rnd + 1} {r.name}: {d['runtime']:.2f} s, CPU {d['cpu']:.2f} s"
                f" (user {d['user']:.2f}, sys {d['sys']:.2f}), {d['completed']:.0f} answered,"
                f" lost {d['lost']:.0f}; {d['rcodes']}")
    return res


def compare(resolvers, qs):
    """rcode and AD of every name from each resolver (DO set); returns a summary dict."""
    got = {}
    for r in resolvers:
        out = []
        for line in qs:
            name, qtype = line.split()
            q = dns.message.make_query(name, qtype, want_dnssec=True)
            try:
                m = dns.query.udp(q, "127.0.0.1", port=r.port, timeout=5)
                # answer RRsets without TTLs (they count down differently in each cache)
                out.append((dns.rcode.to_text(m.rcode()), bool(m.flags & dns.flags.AD),
                            sorted(f"{rs.name} {rs.rdtype} {rd.to_text()}"
                                   for rs in m.answer for rd in rs)))
            except Exception as e:  # noqa: BLE001
                out.append((f"error {type(e).__name__}", False, []))
        got[r.name] = out
    a, b = (got[r.name] for r in resolvers)
    s = {"n": len(qs),
         "rcode_eq": sum(x[0] == y[0] for x, y in zip(a, b)),
         "ad_eq": sum(x[1] == y[1] for x, y in zip(a, b)),
         "answer_eq": sum(x[2] == y[2] for x, y in zip(a, b)),
         "ad": {r.name: sum(x[1] for x in got[r.name]) for r in resolvers},
         "rcodes": {r.name: dict(sorted(_count(x[0] for x in got[r.name]).items()))
                    for r in resolvers},
         "diff": [(qs[i], a[i][:2], b[i][:2]) for i in range(len(qs)) if a[i][:2] != b[i][:2]][:5]}
    return s


def _count(it):
    c = {}
    for x in it:
        c[x] = c.get(x, 0) + 1
    return c


# ---- report ---------------------------------------------------------------------------

def section(hit, cold_res, check, a, meta):
    now = datetime.datetime.now(datetime.timezone.utc)
    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    sg, ub = "signet-resolver", "Unbound"
    L = ["<!-- resolve:begin -->", "## Resolving (bench/resolve.sh)", "",
         f"Run {now:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs ({model}), {mem:.1f} GiB RAM, "
         f"Linux {platform.release()}. **The machine has 2 cores and other work (builds, tests of",
         "other sessions) may have been running during the run**: wall-clock numbers are noisy;",
         "CPU time of the resolver process is the steadier figure.",
         f"Versions: {meta['versions']}. signet-resolver binary: `{meta['bin']}` ({meta['btime']}).",
         "",
         f"Lab (tests/integration/lab.py, all on loopback, no traffic off the machine): root `.`,",
         f"TLD `{TLD}` and {a.zones} child zones `zNNNN.{TLD}` (even ones NSEC, odd ones NSEC3 with",
         "no salt and 0 iterations), each zone signed by `dnssec-signzone` with its own",
         "ECDSAP256SHA256 KSK+ZSK, each parent holding its child's DS; served by NSD",
         "(`server-count: 1`, `rrl-ratelimit: 0`) on port 53 of three 127.0.0.x addresses (root;",
         "TLD; one NSD for all the children), NSD pinned to CPU 1. Both resolvers get the lab",
         "root hints and the lab root KSK's DS as their only trust anchor, validation on, QNAME",
         "minimisation on (both defaults), each on one core: Unbound `num-threads: 1` (one event",
         "loop with many questions in flight); signet-resolver its default front end (one UDP",
         f"thread, the loop) and `--threads {a.signet_threads}` resolution workers (its default; a worker",
         "resolves one question at a time with blocking upstream I/O, so workers are questions in",
         "flight, not cores), cache 256 MiB (signet `--cache-size 268435456`; Unbound",
         "`rrset-cache-size: 256m`, `msg-cache-size: 128m`), each pinned to CPU 0 (`taskset -c 0`);",
         "dnsperf pinned to CPU 1, always with DO (`-D`).",
         "",
         f"Name list: {check['n']} questions, about 15 per zone, shuffled (fixed seed): 10 with",
         "data (A, AAAA, MX, TXT), 2 NODATA, 2 NXDOMAIN, 1 repeated A per zone.",
         "",
         "Check before measuring (warm caches, dnspython, DO set, every name of the list):",
         f"rcode equal for {check['rcode_eq']}/{check['n']}, AD equal for {check['ad_eq']}/{check['n']},"
         f" answer section (TTLs aside) equal for {check['answer_eq']}/{check['n']}; AD set by {sg} on"
         f" {check['ad'][sg]}, by {ub} on {check['ad'][ub]}. Rcodes: "
         + "; ".join(f"{k} {v}" for k, v in check["rcodes"].items()) + "."
         + (" First differences: " + "; ".join(f"`{q}` {x} vs {y}" for q, x, y in check["diff"])
            if check["diff"] else ""),
         "",
         "Command: `" + meta["cmd"] + "`", ""]
    # cold
    cs, cu = cold_res[sg], cold_res[ub]
    med = lambda rs, k: statistics.median(r[k] for r in rs)  # noqa: E731
    L += ["### Cold cache", "",
          f"Each round starts each resolver afresh (empty cache) and sends the name list once:",
          f"`dnsperf -n 1 -D -c {a.cold_clients} -q {a.cold_concurrency} -t 10` (at most"
          f" {a.cold_concurrency} questions in flight). Time = dnsperf's run time; CPU = the",
          f"resolver's utime+stime from /proc/PID/stat before and after. {a.cold_rounds} rounds,",
          "order reversed every other round, median reported. Memory (RSS) after the round.", "",
          "| resolver | time s | CPU s | user s | sys s | CPU ms per name | answered | lost |"
          " names/s | RSS MiB | time ratio (Unbound/signet) | CPU ratio (Unbound/signet) |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, rs in ((sg, cs), (ub, cu)):
        t, c = med(rs, "runtime"), med(rs, "cpu")
        tr = f"{med(cu, 'runtime') / t:.2f}" if name == sg else "—"
        cr = f"{med(cu, 'cpu') / c:.2f}" if name == sg and c else "—"
        L.append(f"| {name} | {t:.2f} | {c:.2f} | {med(rs, 'user'):.2f} | {med(rs, 'sys'):.2f} |"
                 f" {c / check['n'] * 1e3:.2f} | {med(rs, 'completed'):.0f} | {med(rs, 'lost'):.0f} |"
                 f" {check['n'] / t:.0f} | {statistics.median(r['mem'][0] for r in rs) / 1024:.1f} |"
                 f" {tr} | {cr} |")
    L += ["", "Per round (time s / CPU s): " + "; ".join(
        f"{n} " + ", ".join(f"{r['runtime']:.2f}/{r['cpu']:.2f}" for r in rs)
        for n, rs in ((sg, cs), (ub, cu))) + ".",
        "Response codes (last round): " + "; ".join(f"{n}: {rs[-1]['rcodes']}"
                                                    for n, rs in ((sg, cs), (ub, cu))) + ".", ""]
    # hits
    s, u = hit[sg], hit[ub]
    L += ["### Cache hits", "",
          "After the cold rounds both caches are warmed with the list (once more through it with",
          f"dnsperf, then the check above). serve.py's method: a 2 s warm-up, then {a.rounds}",
          f"rounds of `dnsperf -Q {a.rate} -l {a.seconds} -D -c 8 -q 500 -v` over the same list",
          "(dnsperf loops over it; every answer comes from the cache of validated data),",
          "resolvers interleaved (order reversed every other round); the resolver's",
          "utime+stime before and after divided by the answered queries, median over the rounds;",
          "latency percentiles from the median round's dnsperf -v times. Max QPS: the same",
          f"unthrottled (`-l {a.seconds} -c 8 -q 500`). Memory after the runs: VmRSS, Pss and VmHWM.",
          "",
          "| resolver | CPU µs/query | user | sys | CPU ratio (Unbound/signet) | p50 µs | p99 µs |"
          " p99.9 µs | lost | max q/s | CPU µs/query at max | RSS MiB | PSS MiB | HWM MiB |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in ((sg, s), (ub, u)):
        lat = r["lat"]
        ratio = "—"
        if name == sg:
            ratio = (f"{u['cpu_med'] / s['cpu_med']:.2f} (per round: "
                     + ", ".join(f"{x:.2f}" for x in serve.round_ratios(u, s)) + ")")
        rss, pss, hwm = r["mem"]
        L.append(f"| {name} | {r['cpu_med']:.2f} | {lat['user_q']:.2f} | {lat['sys_q']:.2f} |"
                 f" {ratio} | {lat.get('p50', 0) * 1e6:.0f} | {lat.get('p99', 0) * 1e6:.0f} |"
                 f" {lat.get('p999', 0) * 1e6:.0f} | {lat['lost']:.0f} | {r['max']['qps']:.0f} |"
                 f" {r['max_cpu_q']:.2f} | {rss / 1024:.1f} | {pss / 1024:.1f} | {hwm / 1024:.1f} |")
    L += ["", "Per-round CPU µs/query: " + "; ".join(
        f"{n} " + ", ".join(f"{c:.2f}" for c in r["cpu_q"]) for n, r in ((sg, s), (ub, u))) + ".",
        "Response codes (median round): " + "; ".join(
            f"{n}: {r['lat']['rcodes']}" for n, r in ((sg, s), (ub, u))) + ".", ""]
    hit_x = u["cpu_med"] / s["cpu_med"]
    cold_x = med(cu, "runtime") / med(cs, "runtime")
    cold_cx = med(cu, "cpu") / med(cs, "cpu")
    hit_ok, cold_ok = hit_x >= 1.2, cold_x >= 1.0
    L += ["### Target", "",
          "Target from issue 5: cache-hit CPU per query at most 1/1.2 of Unbound's, and no slower",
          f"cold. **{'met' if hit_ok and cold_ok else 'NOT met'}**:",
          f"- cache hits: signet-resolver {s['cpu_med']:.2f} µs/query, Unbound {u['cpu_med']:.2f}:"
          f" Unbound/signet = {hit_x:.2f}x (needs ≥ 1.20x, i.e. ≤ {u['cpu_med'] / 1.2:.2f} µs):"
          f" **{'met' if hit_ok else 'NOT met'}**;",
          f"- cold: signet-resolver {med(cs, 'runtime'):.2f} s, Unbound {med(cu, 'runtime'):.2f} s"
          f" (Unbound/signet {cold_x:.2f}x, needs ≥ 1.00x): **{'met' if cold_ok else 'NOT met'}**;"
          f" resolver CPU {med(cs, 'cpu'):.2f} s vs {med(cu, 'cpu'):.2f} s"
          f" (Unbound/signet {cold_cx:.2f}x).", ""]
    if meta.get("notes"):
        L += [meta["notes"], ""]
    L.append("<!-- resolve:end -->")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--zones", type=int, default=200)
    ap.add_argument("--rate", type=int, default=40000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold-rounds", type=int, default=3)
    ap.add_argument("--cold-concurrency", type=int, default=20)
    ap.add_argument("--cold-clients", type=int, default=4)
    ap.add_argument("--signet-threads", type=int, default=8,
                    help="signet-resolver --threads (resolution workers; its default is 8)")
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs/PERFORMANCE.md"),
                    help="file to update, - to print the section")
    ap.add_argument("--notes", default=os.path.join(ROOT, "bench/resolve-notes.md"),
                    help="file whose text ends the section (- for none)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("resolve.py: the lab serves on port 53 of 127.0.0.x: run as root")
    for tool in ("taskset", "dnsperf", "dnssec-keygen", "dnssec-signzone", "nsd", "unbound"):
        if not shutil.which(tool):
            sys.exit(f"resolve.py: {tool} not found")
    binary = os.path.join(a.build, "signet-resolver")
    if not os.access(binary, os.X_OK):
        sys.exit(f"resolve.py: {binary} not built")
    out = os.path.join(ROOT, "bench/out/resolve")
    os.makedirs(out, exist_ok=True)
    meta = serve.run_meta(binary, a.build,
                          f"{serve.version(['unbound', '-V'])}, {serve.version(['nsd', '-v'])},"
                          f" dnsperf {serve.dnsperf_version()}", "bench/resolve.sh", a.notes)
    L = build_lab(out, a.zones)
    names_file = os.path.join(out, f"names-{a.zones}.txt")
    qs = name_list(a.zones, names_file)
    resolvers = []
    try:
        L.start_servers_by_address("nsd")
        for s in L.servers:
            pin_tree(s.proc.p.pid, 1)
        log(f"  lab up: {[(s.addr, len(s.zones)) for s in L.servers]}")
        for name, fn in (("signet-resolver", signet_cmd(a.build, L, a.signet_threads)), ("Unbound", unbound_cmd(L))):
            resolvers.append(Resolver(name, tempfile.mkdtemp(prefix=f"res-{name}-", dir=out), fn))
        cold_res = cold(resolvers, names_file, a)
        for r in resolvers:  # warm (the last cold round already went through the list once)
            serve.dnsperf(r, names_file, None, clients=a.cold_clients, outstanding=a.cold_concurrency,
                          timeout=10)
        check = compare(resolvers, qs)
        log(f"  check: {check}")
        hit = serve.measure(resolvers, names_file, a)
    finally:
        for r in resolvers:
            r.stop()
            shutil.rmtree(r.dir, ignore_errors=True)
        L.stop()
    text = section(hit, cold_res, check, a, meta)
    if a.doc == "-":
        sys.stdout.write(text)
    else:
        serve.write_doc(a.doc, text, "resolve")
        log(f"wrote the resolve section of {a.doc}")


if __name__ == "__main__":
    main()
