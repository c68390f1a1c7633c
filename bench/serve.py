#!/usr/bin/python3
"""Serving benchmark: signetd against NSD and Knot on the same pre-signed zone.

Run it through bench/serve.sh (see bench/README.md). Every server serves the
same NSEC3-signed zone on its own 127.0.0.1 port, pinned to CPU 0 with one
UDP worker; dnsperf runs pinned to CPU 1 with DO=1. All servers run at the
same time (idle while another is measured) and the measurements interleave
round by round, so background load on the shared machine hits them alike.

Per server: CPU time per answered query at a fixed offered rate (the
server's utime+stime from /proc, all its processes, before and after each
run; median over the rounds), latency percentiles from that run (dnsperf
-v), the maximum QPS (dnsperf unthrottled) and resident memory (sum of
VmRSS, and of Pss which counts memory shared between forked processes once,
over the server's processes; VmHWM = the largest peak of one process).
Then a rate sweep (--sweep) fits CPU/query = a * wake-ups/query + b, which
separates what one wake-up of the server costs from the work per query.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORIGIN = "serve.test."
CLK = os.sysconf("SC_CLK_TCK")
WILDCARD = ('*.wild\t3600\tIN\tA\t192.0.2.53\n'
            '*.wild\t3600\tIN\tTXT\t"wildcard"\n'
            'wild\t3600\tIN\tTXT\t"wildcard parent"\n')


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log("  $", " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def free_port():
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            try:
                t.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


# ---- data ------------------------------------------------------------------------

def prepare(out, n, signet, nqueries):
    """Unsigned zone, keys, NSEC3-signed zone and query file for n records."""
    zone = os.path.join(out, f"zone-{n}.db")
    signed = os.path.join(out, f"signed-{n}.db")
    queries = os.path.join(out, f"queries-{n}.txt")
    keys = os.path.join(out, "keys")
    if not os.path.exists(zone):
        run([sys.executable, os.path.join(ROOT, "bench/genzone.py"), "--records", n,
             "--origin", ORIGIN, zone + ".tmp"], stdout=subprocess.DEVNULL)
        with open(zone + ".tmp", "a", encoding="ascii") as f:
            f.write(WILDCARD)
        os.rename(zone + ".tmp", zone)
    if not os.path.isdir(keys):
        os.makedirs(keys + ".tmp", exist_ok=True)
        for extra in ([], ["-f", "KSK"]):
            run(["dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", *extra, "-P", "20000101",
                 "-A", "20000101", "-K", keys + ".tmp", ORIGIN.rstrip(".")],
                stdout=subprocess.DEVNULL)
        os.rename(keys + ".tmp", keys)
    # Signatures valid for 30 days: sign again when the file is older than a week.
    if not os.path.exists(signed) or time.time() - os.path.getmtime(signed) > 7 * 86400 \
            or os.path.getmtime(signed) < os.path.getmtime(zone):
        run([signet, "sign", "-q", "-K", keys, "--nsec3", "-e", "+2592000", "-o", signed + ".tmp",
             zone])
        os.rename(signed + ".tmp", signed)
    if not os.path.exists(queries) or os.path.getmtime(queries) < os.path.getmtime(zone):
        run([sys.executable, os.path.join(ROOT, "bench/genqueries.py"), "--count", nqueries,
             zone, queries])
    with open(zone, encoding="ascii") as f:
        records = sum(1 for l in f if l.strip() and l[0] not in ";$")
    with open(signed, encoding="ascii") as f:
        srecords = sum(1 for l in f if l.strip() and l[0] not in ";$")
    return zone, signed, queries, records, srecords


# ---- servers -----------------------------------------------------------------------

class Server:
    def __init__(self, name, port, workdir):
        self.name, self.port, self.dir = name, port, workdir
        self.proc = None
        self.logf = None
        self.echo = False  # the floor: echoes queries, answers nothing

    def start(self, cmd):
        self.logf = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen(["taskset", "-c", "0", *map(str, cmd)], stdout=self.logf,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def pids(self):
        """The server's processes: the one we started and its descendants."""
        children = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    st = f.read()
            except OSError:
                continue
            ppid = int(st[st.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.proc.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += children.get(p, [])
        return out

    def cpu(self):
        """utime+stime of every process of the server, in seconds."""
        u, k = self.cpu_split()
        return u + k

    def cpu_split(self):
        """(utime, stime) of every process of the server, in seconds."""
        total = [0, 0]
        for p in self.pids():
            try:
                with open(f"/proc/{p}/stat") as f:
                    st = f.read()
            except OSError:
                continue
            fields = st[st.rindex(")") + 2:].split()
            total[0] += int(fields[11])  # utime (field 14)
            total[1] += int(fields[12])  # stime (field 15)
        return total[0] / CLK, total[1] / CLK

    def sched(self):
        """(seconds on the CPU, times put on the CPU) over every thread of the server's processes,
        from /proc/PID/task/TID/schedstat: the run time that utime+stime round to ticks, read
        in nanoseconds."""
        run = slices = 0
        for p in self.pids():
            for f in glob.glob(f"/proc/{p}/task/*/schedstat"):
                try:
                    with open(f) as fh:
                        v = fh.read().split()
                    run, slices = run + int(v[0]), slices + int(v[2])
                except (OSError, IndexError, ValueError):
                    pass  # the thread ended
        return run / 1e9, slices

    def memory(self):
        """(sum VmRSS, sum Pss, largest VmHWM) in KiB over the server's processes."""
        rss = pss = hwm = 0
        for p in self.pids():
            try:
                with open(f"/proc/{p}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            rss += int(line.split()[1])
                        elif line.startswith("VmHWM:"):
                            hwm = max(hwm, int(line.split()[1]))
                with open(f"/proc/{p}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1])
            except OSError:
                continue
        return rss, pss, hwm

    def wait_ready(self, timeout):
        """Until the server answers the zone's SOA (loading a big zone takes a while)."""
        q = bytes.fromhex("abcd00000001000000000000") + b"".join(
            bytes([len(l)]) + l.encode() for l in ORIGIN.split(".")) + b"\x00\x06\x00\x01"
        end = time.time() + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            while time.time() < end:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
                try:
                    s.sendto(q, ("127.0.0.1", self.port))
                    r = s.recv(4096)
                    if r[:2] == q[:2] and (self.echo or (r[3] & 0xF == 0 and r[6:8] != b"\0\0")):
                        return
                except OSError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} not answering after {timeout} s: {self.log_tail()}")

    def log_tail(self):
        with open(os.path.join(self.dir, "log"), errors="replace") as f:
            return f.read()[-2000:]

    def stop(self):
        if not self.proc:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.logf.close()


def start_signetd(build, signed, workdir):
    s = Server("signetd", free_port(), workdir)
    conf = os.path.join(workdir, "signetd.yaml")
    with open(conf, "w") as f:
        f.write(f"listen: [\"127.0.0.1@{s.port}\"]\nudp:\n  threads: 1\n"
                f"zones:\n  - name: {ORIGIN}\n    file: {signed}\n")
    s.start([os.path.join(build, "signetd"), "-c", conf])
    return s


def start_nsd(signed, workdir):
    s = Server("NSD", free_port(), workdir)
    conf = os.path.join(workdir, "nsd.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    ip-address: 127.0.0.1@{s.port}
    username: ""
    database: ""
    chroot: ""
    zonesdir: "{workdir}"
    pidfile: "{workdir}/nsd.pid"
    xfrdfile: "{workdir}/xfrd.state"
    zonelistfile: "{workdir}/zone.list"
    xfrdir: "{workdir}"
    server-count: 1
    rrl-ratelimit: 0
    verbosity: 0
remote-control:
    control-enable: no
zone:
    name: {ORIGIN}
    zonefile: "{signed}"
""")
    s.start(["nsd", "-d", "-c", conf])
    return s


def start_knot(signed, workdir):
    s = Server("Knot", free_port(), workdir)
    conf = os.path.join(workdir, "knot.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    rundir: "{workdir}"
    listen: 127.0.0.1@{s.port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "{workdir}/db"
template:
  - id: default
    storage: "{workdir}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: {ORIGIN}
    file: "{signed}"
""")
    s.start(["knotd", "-c", conf])
    return s


def start_floor(workdir):
    """bench/floor.c: receives and sends as signetd does, answers nothing (see the file)."""
    s = Server("floor", free_port(), workdir)
    binary = os.path.join(workdir, "floor")
    run(["cc", "-O2", "-o", binary, os.path.join(ROOT, "bench/floor.c")])
    s.echo = True
    s.start([binary, s.port])
    return s


def version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def dnsperf_version():
    try:
        p = subprocess.run(["dnsperf", "-h"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "?"
    m = re.search(r"Version (\S+)", p.stdout + p.stderr)
    return m.group(1) if m else "?"


# ---- dnsperf -------------------------------------------------------------------------

def dnsperf(server, queries, seconds, rate=None, verbose=False, extra=(), clients=8, outstanding=500,
            timeout=2):
    """dnsperf pinned to CPU 1 against 127.0.0.1@server.port with DO; seconds None: once through
    the file (-n 1). Returns its counts, rcodes, elapsed time and latency percentiles."""
    cmd = ["taskset", "-c", "1", "dnsperf", "-s", "127.0.0.1", "-p", server.port, "-d", queries,
           *(["-l", seconds] if seconds else ["-n", "1"]), "-D", "-c", clients, "-q", outstanding,
           "-t", timeout, *extra]
    if rate:
        cmd += ["-Q", rate]
    if verbose:
        cmd.append("-v")
    with tempfile.TemporaryFile("w+") as out:
        subprocess.run([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, check=True)
        out.seek(0)
        lat = []
        summary = []
        for line in out:
            # -v: "> NOERROR serve.test. A 0.000105" per answered query
            if line.startswith("> "):
                p = line.rsplit(None, 1)
                try:
                    lat.append(float(p[1]))
                except (ValueError, IndexError):
                    pass
            else:
                summary.append(line)
    text = "".join(summary)

    def num(pattern):
        m = re.search(pattern, text)
        if not m:
            raise RuntimeError(f"dnsperf output without {pattern!r}:\n{text}")
        return float(m.group(1))

    r = {"sent": num(r"Queries sent:\s+(\d+)"), "completed": num(r"Queries completed:\s+(\d+)"),
         "lost": num(r"Queries lost:\s+(\d+)"), "qps": num(r"Queries per second:\s+([\d.]+)"),
         "avg": num(r"Average Latency \(s\):\s+([\d.]+)"),
         "runtime": num(r"Run time \(s\):\s+([\d.]+)")}
    m = re.search(r"Response codes:\s+(.*)", text)
    r["rcodes"] = m.group(1).strip() if m else "?"
    lat.sort()
    if lat:
        r["p50"], r["p99"], r["p999"] = (lat[min(len(lat) - 1, int(len(lat) * q))]
                                         for q in (0.5, 0.99, 0.999))
    return r


def measure(servers, queries, args):
    res = {s.name: {"cpu_q": [], "runs": []} for s in servers}
    for s in servers:  # warm-up: fault in the zone, fill caches
        dnsperf(s, queries, 2, rate=args.rate)
    for rnd in range(args.rounds):
        order = servers if rnd % 2 == 0 else list(reversed(servers))
        for s in order:
            u0, k0 = s.cpu_split()
            r = dnsperf(s, queries, args.seconds, rate=args.rate, verbose=True)
            u1, k1 = s.cpu_split()
            done = r["completed"] or float("nan")
            cq = (u1 + k1 - u0 - k0) / done * 1e6
            r["user_q"], r["sys_q"] = (u1 - u0) / done * 1e6, (k1 - k0) / done * 1e6
            res[s.name]["cpu_q"].append(cq)
            res[s.name]["runs"].append(r)
            log(f"  round {rnd + 1} {s.name}: {cq:.2f} us CPU/query (user {r['user_q']:.2f},"
                f" sys {r['sys_q']:.2f}), {r['completed']:.0f} answered,"
                f" lost {r['lost']:.0f}, p50 {r.get('p50', 0) * 1e6:.0f} us,"
                f" p99 {r.get('p99', 0) * 1e6:.0f} us; {r['rcodes']}")
    for s in servers:
        c0 = s.cpu()
        r = dnsperf(s, queries, args.seconds)
        c1 = s.cpu()
        res[s.name]["max"] = r
        res[s.name]["max_cpu_q"] = (c1 - c0) / r["completed"] * 1e6 if r["completed"] else 0
        res[s.name]["mem"] = s.memory()
        log(f"  max {s.name}: {r['qps']:.0f} q/s ({res[s.name]['max_cpu_q']:.2f} us CPU/query),"
            f" RSS/PSS/HWM {res[s.name]['mem']} KiB")
    for rate in [int(x) for x in args.sweep.split(",") if x]:
        for s in servers:
            c0, w0 = s.sched()
            r = dnsperf(s, queries, args.sweep_seconds, rate=rate)
            c1, w1 = s.sched()
            done = r["completed"] or float("nan")
            res[s.name].setdefault("sweep", []).append(
                (rate, (c1 - c0) / done * 1e6, (w1 - w0) / done))
            log(f"  sweep {rate} q/s {s.name}: {(c1 - c0) / done * 1e6:.2f} us CPU/query,"
                f" {(w1 - w0) / done:.3f} wake-ups/query")
    for s in servers:
        rs = res[s.name]
        if len(rs.get("sweep", [])) >= 2:
            rs["fit"] = fit_wakes(rs["sweep"])
        rs["cpu_med"] = statistics.median(rs["cpu_q"])
        # the latency of the run whose CPU/query was the median one
        mid = sorted(range(len(rs["cpu_q"])), key=lambda i: rs["cpu_q"][i])[len(rs["cpu_q"]) // 2]
        rs["lat"] = rs["runs"][mid]
    return res


def fit_wakes(sweep):
    """Least squares CPU/query = a * wake-ups/query + b over the sweep's rates: a is what one
    wake-up of the server costs (sleeping, being woken, waking the client), b the work per
    query itself."""
    xs, ys = [w for _, _, w in sweep], [c for _, c, _ in sweep]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else float("nan")
    return a, my - a * mx


# ---- report ---------------------------------------------------------------------------

def section(results, args, meta):
    now = datetime.datetime.now(datetime.timezone.utc)
    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    L = ["<!-- serve:begin -->", "## Serving (bench/serve.sh)", "",
         f"Run {now:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs ({model}), {mem:.1f} GiB RAM, "
         f"Linux {platform.release()}.",
         f"Versions: {meta['versions']}. signetd binary: `{meta['bin']}` ({meta['btime']}).",
         "",
         "Method: the servers serve the same NSEC3-signed zone (signed by `signet sign --nsec3`,",
         "no salt, 0 iterations) at the same time, each on its own 127.0.0.1 port, each pinned to",
         "CPU 0 (`taskset -c 0`) with one UDP worker (signetd `udp.threads: 1`, NSD",
         "`server-count: 1`, Knot `udp-workers: 1`); dnsperf is pinned to CPU 1 and sets DO",
         "(`-D`). **Other engineers ran builds and tests on this 2-core machine during the run**, so",
         "wall-clock rates are noisy; the number that compares servers is the server's own CPU time",
         "per answered query at a fixed offered rate: utime+stime of all the server's processes",
         "(/proc/PID/stat, NSD's forked children included) before and after",
         f"`dnsperf -Q {args.rate} -l {args.seconds} -D -c 8 -q 500 -v`, divided by the queries",
         f"dnsperf counted as completed. {args.rounds} rounds, servers interleaved (order reversed",
         "every other round), median reported; latency percentiles are from dnsperf -v's per-query",
         "times in the median round. Max QPS: `dnsperf -l "
         f"{args.seconds} -D -c 8 -q 500` unthrottled (dnsperf itself saturates near 130k q/s on one",
         "core, and the server shares its core with whatever else runs). Memory after the runs:",
         "RSS = sum of VmRSS over the server's processes; PSS = sum of Pss (smaps_rollup), which",
         "counts pages shared by NSD's forked processes once — the fair comparison; HWM = largest",
         "VmHWM of one process. `floor` is bench/floor.c: no DNS work at all, only signetd's way of",
         "receiving and sending (it echoes each query with QR set), measured the same way.",
         "",
         f"Query mix (`bench/genqueries.py`, {args.queries} queries, fixed seed, dnsperf loops over",
         "it): 40% existing names (A/AAAA/TXT/MX), 20% NXDOMAIN, 15% NODATA (SRV at existing",
         "names), 10% wildcard (`*.wild`: A/TXT answers, 1 in 5 AAAA = wildcard NODATA), 15%",
         "names below delegations (referral with the NSEC3 proof of no DS). Zone: `bench/genzone.py",
         "--records N --origin serve.test.` plus the wildcard records.",
         "",
         "Command: `" + meta["cmd"] + "`", ""]
    for n, (records, srecords, res) in results.items():
        sd = res.get("signetd")
        L += [f"### {records} records ({srecords} signed, NSEC3)", "",
              "| server | CPU µs/query | user | sys | CPU ratio (server/signetd) | p50 µs | p99 µs"
              " | p99.9 µs | lost | max q/s | CPU µs/query at max | RSS MiB | PSS MiB | HWM MiB |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, r in res.items():
            lat = r["lat"]
            ratio = "—"
            if sd and name != "signetd":
                ratio = (f"{r['cpu_med'] / sd['cpu_med']:.2f} (per round: "
                         + ", ".join(f"{x:.2f}" for x in round_ratios(r, sd)) + ")")
            rss, pss, hwm = r["mem"]
            L.append(f"| {name} | {r['cpu_med']:.2f} | {lat['user_q']:.2f} | {lat['sys_q']:.2f} |"
                     f" {ratio} | {lat.get('p50', 0) * 1e6:.0f} |"
                     f" {lat.get('p99', 0) * 1e6:.0f} | {lat.get('p999', 0) * 1e6:.0f} |"
                     f" {lat['lost']:.0f} | {r['max']['qps']:.0f} | {r['max_cpu_q']:.2f} |"
                     f" {rss / 1024:.1f} | {pss / 1024:.1f} | {hwm / 1024:.1f} |")
        L.append("")
        L.append("CPU µs/query is the median over the rounds; user and sys are from the median round.")
        L.append("Per-round CPU µs/query: " + "; ".join(
            f"{name} " + ", ".join(f"{c:.2f}" for c in r["cpu_q"]) for name, r in res.items()) + ".")
        L.append("Response codes (median round): " + "; ".join(
            f"{name}: {r['lat']['rcodes']}" for name, r in res.items()) + ".")
        L.append("")
        if sd and sd.get("fit"):
            rates = [rt for rt, _, _ in sd["sweep"]]
            L += ["Rate sweep (`--sweep`, one run of " + f"{args.sweep_seconds} s per rate and server;"
                  " run time and times put on the CPU from /proc/PID/task/*/schedstat): CPU µs/query"
                  " (wake-ups of the server per query), and the least-squares fit CPU/query = a ×"
                  " wake-ups/query + b: a is what one wake-up costs (going to sleep, being woken,"
                  " waking dnsperf — IPIs in this VM), b the work per query. dnsperf decides how many"
                  " queries one wake-up finds, so at a fixed rate a × wake-ups is a floor that no"
                  " server's own work moves.", "",
                  "| server | " + " | ".join(f"{rt} q/s" for rt in rates)
                  + " | a µs/wake-up | b µs/query | b ratio (server/signetd) |",
                  "|---|" + "---:|" * (len(rates) + 3)]
            for name, r in res.items():
                if not r.get("fit"):
                    continue
                a_, b_ = r["fit"]
                L.append(f"| {name} | " + " | ".join(f"{c:.2f} ({w:.3f})" for _, c, w in r["sweep"])
                         + f" | {a_:.1f} | {b_:.2f} | "
                         + ("—" if name == "signetd" else f"{b_ / sd['fit'][1]:.2f}") + " |")
            L.append("")
        peers = {k: v for k, v in res.items() if k not in ("signetd", "floor")}
        if sd and peers:
            cheap = min(peers, key=lambda k: peers[k]["cpu_med"])
            c = peers[cheap]
            cpu_x = c["cpu_med"] / sd["cpu_med"]
            cpu_ok = cpu_x >= 1.2
            mem_ok = sd["mem"][0] <= c["mem"][0] and sd["mem"][1] <= c["mem"][1]
            met = cpu_ok and mem_ok
            L.append(f"Cheaper peer: {cheap} ({c['cpu_med']:.2f} µs/query). Target (CPU per query at most"
                     f" 1/1.2 of it, i.e. ≤ {c['cpu_med'] / 1.2:.2f} µs, with no more resident memory):"
                     f" **{'met' if met else 'not met'}** — signetd uses {sd['cpu_med']:.2f} µs, {cpu_x:.2f}x"
                     f" less than {cheap} (needs 1.20x; median of the per-round ratios"
                     f" {statistics.median(round_ratios(c, sd)):.2f}x), and"
                     f" {sd['mem'][0] / c['mem'][0]:.2f}x its RSS, {sd['mem'][1] / c['mem'][1]:.2f}x its PSS"
                     f" ({'ok' if mem_ok else 'more'}).")
            fl = res.get("floor")
            if fl:
                f0 = fl["cpu_med"]
                L.append(f"Floor: bench/floor.c, which receives and sends as signetd does but answers"
                         f" nothing (the query comes back with QR set), costs {f0:.2f} µs/query at the"
                         f" same rate — what this machine charges any server for the traffic alone,"
                         f" so no server can use less than that and the best possible ratio to"
                         f" {cheap} is {c['cpu_med'] / f0:.2f}x. Above the floor (the part a server's"
                         f" own code decides) signetd uses {sd['cpu_med'] - f0:.2f} µs/query and"
                         f" {cheap} {c['cpu_med'] - f0:.2f}: {(c['cpu_med'] - f0) / (sd['cpu_med'] - f0):.2f}x."
                         f" The 1.2x target on the total needs signetd at or below"
                         f" {c['cpu_med'] / 1.2 - f0:.2f} µs above the floor, i.e."
                         f" {(c['cpu_med'] / 1.2 - f0) / (c['cpu_med'] - f0):.2f}x of {cheap}'s.")
            L.append("")
    if meta.get("notes"):
        L += [meta["notes"], ""]
    L.append("<!-- serve:end -->")
    return "\n".join(L) + "\n"


def round_ratios(peer, sd):
    """peer CPU / signetd CPU, round by round (same round: same background load)."""
    return [p / q for p, q in zip(peer["cpu_q"], sd["cpu_q"])]


def write_doc(doc, text, name="serve"):
    """Replaces the section between <!-- NAME:begin --> and <!-- NAME:end --> (or appends it)."""
    with open(doc, encoding="utf-8") as f:
        old = f.read()
    b, e = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if b in old and e in old:
        new = old[:old.index(b)] + text.rstrip("\n") + old[old.index(e) + len(e):]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    with open(doc, "w", encoding="utf-8") as f:
        f.write(new)


def buildtype(build):
    """ ", meson buildtype release" from the build directory, when it says."""
    try:
        with open(os.path.join(build, "meson-info", "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    lto = ", LTO" if opts.get("b_lto") else ""
    return f"`, meson buildtype `{opts.get('buildtype', '?')}{lto}"


def command_line(argv, script="bench/serve.sh"):
    """How to repeat this run: the script's BUILD= instead of --build."""
    build, rest, i = None, [], 0
    while i < len(argv):
        if argv[i] == "--build" and i + 1 < len(argv):
            build = argv[i + 1]
            i += 2
            continue
        if argv[i] == "--doc" and i + 1 < len(argv):
            i += 2  # where the section went is not part of the method
            continue
        rest.append(argv[i])
        i += 1
    rel = os.path.relpath(build, ROOT) if build and os.path.isabs(build) else build
    return (f"BUILD={rel} " if rel else "") + " ".join([script, *rest])


def run_meta(binary, build, versions, script, notes):
    """What a results section says about its run: peer versions, the measured binary (with its
    meson buildtype and time), the command line to repeat it, and the text of the notes file
    (`notes`: a path, or - for none) that ends the section."""
    meta = {"versions": versions,
            "bin": os.path.relpath(binary, ROOT) + buildtype(build),
            "btime": datetime.datetime.fromtimestamp(os.path.getmtime(binary), datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M:%S UTC"),
            "cmd": command_line(sys.argv[1:], script), "notes": ""}
    if notes != "-" and os.path.exists(notes):
        with open(notes, encoding="utf-8") as f:
            meta["notes"] = f.read().strip()
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--sizes", default="150000", help="comma-separated record counts (e.g. 150000,1000000)")
    ap.add_argument("--rate", type=int, default=40000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--queries", type=int, default=200000)
    ap.add_argument("--sweep", default="10000,20000,40000,80000",
                    help="comma-separated offered rates for the wake-up fit ('' for none)")
    ap.add_argument("--sweep-seconds", type=int, default=5)
    ap.add_argument("--servers", default="signetd,nsd,knot,floor",
                    help="of signetd, nsd, knot and floor (bench/floor.c: no DNS work at all)")
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs/PERFORMANCE.md"),
                    help="file to update, - to print the section")
    ap.add_argument("--notes", default=os.path.join(ROOT, "bench/serve-notes.md"),
                    help="file whose text ends the section (default bench/serve-notes.md; - for none)")
    a = ap.parse_args()
    for tool in ("taskset", "dnsperf", "dnssec-keygen") + (("nsd",) if "nsd" in a.servers else ()) + \
            (("knotd",) if "knot" in a.servers else ()):
        if not shutil.which(tool):
            sys.exit(f"serve.py: {tool} not found")
    signet = os.path.join(a.build, "signet")
    signetd = os.path.join(a.build, "signetd")
    for b in (signet, signetd):
        if not os.access(b, os.X_OK):
            sys.exit(f"serve.py: {b} not built")
    out = os.path.join(ROOT, "bench/out/serve")
    os.makedirs(out, exist_ok=True)
    meta = run_meta(signetd, a.build,
                    f"{version(['nsd', '-v'])}, {version(['knotd', '-V'])}, dnsperf {dnsperf_version()}",
                    "bench/serve.sh", a.notes)
    results = {}
    for n in [int(x) for x in a.sizes.split(",")]:
        log(f"== {n} records")
        zone, signed, queries, records, srecords = prepare(out, n, signet, a.queries)
        servers = []
        try:
            for name in a.servers.split(","):
                wd = tempfile.mkdtemp(prefix=f"serve-{name}-", dir=out)
                if name == "signetd":
                    servers.append(start_signetd(a.build, signed, wd))
                elif name == "nsd":
                    servers.append(start_nsd(signed, wd))
                elif name == "knot":
                    servers.append(start_knot(signed, wd))
                elif name == "floor":
                    servers.append(start_floor(wd))
                else:
                    sys.exit(f"serve.py: unknown server {name}")
                servers[-1].wait_ready(600)
                log(f"  {name} ready on port {servers[-1].port}")
            results[n] = (records, srecords, measure(servers, queries, a))
        finally:
            for s in servers:
                s.stop()
                shutil.rmtree(s.dir, ignore_errors=True)
    text = section(results, a, meta)
    if a.doc == "-":
        sys.stdout.write(text)
    else:
        write_doc(a.doc, text)
        log(f"wrote the serve section of {a.doc}")


if __name__ == "__main__":
    main()
