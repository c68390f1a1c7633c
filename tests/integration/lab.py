"""A DNSSEC lab for the chain-of-trust tests: a small signed hierarchy
(root -> org -> example.org by default) served on port 53 of distinct
loopback addresses, and a validating Unbound that walks it from lab root
hints with the lab root's KSK as its trust anchor.

Typical use (see test_lab_nsd.py):

    lab = Lab(tmpdir)                      # picks free 127.0.0.x addresses
    lab.build()                            # writes and signs every zone, bottom-up
    lab.start_servers("nsd")               # or "signetd"
    ub = lab.start_unbound()
    ... dnspython or dig against ub.addr, ub.port ...
    lab.stop()

Everything started here is a child process that `stop()` (and the context
manager) terminates. Nothing touches port 53 without first checking that
nobody else listens there.

Zone files are written with `dnssec-signzone -O full` (one record per line,
owner on every line), so a test can edit a signed file line by line.
"""

import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

ALG = "ECDSAP256SHA256"
DEFAULT_TTL = 3600


class LabError(Exception):
    pass


class PortUnavailable(LabError):
    """Binding the port is impossible here (no permission, no such address)."""


# ---- small helpers -------------------------------------------------------


def need_tools(*names):
    """Returns the names of the missing executables among `names`."""
    return [n for n in names if shutil.which(n) is None]


def _bind_check(addr, port, kind):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, kind)
    try:
        if kind == socket.SOCK_STREAM:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        return None
    except OSError as e:
        return e
    finally:
        s.close()


def port_free(addr, port):
    """True when both UDP and TCP addr:port can be bound now. Raises
    PortUnavailable when binding is impossible for another reason than
    someone already using it (EACCES: not root; EADDRNOTAVAIL)."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        e = _bind_check(addr, port, kind)
        if e is None:
            continue
        if e.errno == errno.EADDRINUSE:
            return False
        raise PortUnavailable(f"cannot bind {addr} port {port}: {e.strerror}")
    return True


def listeners(addr, port):
    """Lines of `ss -lunp`/`ss -ltnp` for addr:port (for error messages)."""
    out = []
    for flag in ("-lunp", "-ltnp"):
        try:
            r = subprocess.run(["ss", "-H", flag], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        out += [l for l in r.stdout.splitlines() if f"{addr}:{port} " in l]
    return out


def free_addresses(n, start=2, port=53, avoid=()):
    """n loopback addresses 127.0.0.start.. on which `port` is free over UDP
    and TCP (checked by binding and, for the report, with ss)."""
    found = []
    for last in range(start, 255):
        addr = f"127.0.0.{last}"
        if addr in avoid:
            continue
        if port_free(addr, port) and not listeners(addr, port):
            found.append(addr)
            if len(found) == n:
                return found
    raise LabError(f"fewer than {n} loopback addresses with port {port} free")


def free_port(addr="127.0.0.1"):
    """A high port free on addr over UDP and TCP."""
    for _ in range(200):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, 0))
        port = s.getsockname()[1]
        s.close()
        if port > 1024 and port_free(addr, port):
            return port
    raise LabError(f"no free port on {addr}")


def wait_answer(addr, port, qname, qtype="SOA", timeout=10.0, proc=None):
    """Polls addr:port over UDP until it answers qname/qtype (any RCODE).
    Returns the response or raises LabError (at once if `proc`, the
    server's Proc, has exited)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise LabError(f"{proc.name} exited with status {proc.p.returncode}")
        q = dns.message.make_query(qname, qtype)
        try:
            return dns.query.udp(q, addr, port=port, timeout=0.3)
        except Exception as e:  # timeouts and refusals while starting up
            last = e
            time.sleep(0.05)
    raise LabError(f"{addr}#{port} did not answer {qname}/{qtype} within {timeout}s: {last!r}")


def run(cmd, cwd=None, timeout=60):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise LabError(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r


def _fqdn(name):
    return name if name.endswith(".") else name + "."


def _labels(name):
    return 0 if name == "." else len(name.rstrip(".").split("."))


def _label(zone):
    """A file-name-safe form of a zone name ('root' for the root)."""
    return "root" if zone == "." else zone.rstrip(".")


# ---- processes -----------------------------------------------------------


class Proc:
    """A foreground server process with its log file."""

    def __init__(self, name, cmd, log, cwd=None):
        self.name = name
        self.cmd = [str(c) for c in cmd]
        self.log = Path(log)
        self._logf = open(self.log, "ab")
        self.p = subprocess.Popen(self.cmd, cwd=cwd, stdout=self._logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)

    def alive(self):
        return self.p.poll() is None

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL after `timeout`. NSD's forked children
        leave with their parent (NSD stops them on SIGTERM)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(5)
        self._logf.close()


class _AuthServer:
    """An authoritative server process on addr@port serving self.zones."""

    proc = None

    def _start(self, name, cmd, timeout):
        """Starts cmd and waits until every zone's SOA is answered."""
        self.proc = Proc(name, cmd, self.dir / f"{name}.log")
        try:
            for zone in self.zones:
                wait_answer(self.addr, self.port, _fqdn(zone), "SOA", timeout, self.proc)
        except LabError as e:
            log = self.proc.log_text()
            self.stop()
            raise LabError(f"{name} on {self.addr}@{self.port} did not start: {e}\n{log}") from None
        return self

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None


class Nsd(_AuthServer):
    """NSD in the foreground (`nsd -d -c CONF`) serving zones on addr@port.
    zones: {name: zone-file path}; extra: more lines for the server: clause."""

    def __init__(self, workdir, addr, port, zones, verbosity=1, extra=()):
        self.addr, self.port, self.zones = addr, port, dict(zones)
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "nsd.conf"
        lines = [
            "server:",
            f"  ip-address: {addr}@{port}",
            '  username: ""',
            '  database: ""',
            "  rrl-ratelimit: 0",
            "  server-count: 1",
            f"  verbosity: {verbosity}",
            f"  zonesdir: {self.dir}",
            f"  pidfile: {self.dir / 'nsd.pid'}",
            f"  xfrdfile: {self.dir / 'xfrd.state'}",
            "  zonelistfile: " + str(self.dir / "zone.list"),
            *("  " + e for e in extra),
            "remote-control:",
            "  control-enable: no",
        ]
        for name, path in self.zones.items():
            lines += ["zone:", f"  name: {_fqdn(name)}", f"  zonefile: {Path(path).resolve()}"]
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self, timeout=10.0):
        return self._start("nsd", ["nsd", "-d", "-c", self.conf], timeout)


def signetd_binary():
    build = os.environ.get("SIGNET_BUILD", "build")
    p = Path(build)
    return (p if p.is_absolute() else REPO / p) / "signetd"


class Signetd(_AuthServer):
    """signetd serving zones: `signetd --listen ADDR@PORT --zone NAME=FILE ...`."""

    def __init__(self, workdir, addr, port, zones, binary=None):
        self.addr, self.port, self.zones = addr, port, dict(zones)
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.binary = Path(binary) if binary else signetd_binary()

    def start(self, timeout=10.0):
        if not os.access(self.binary, os.X_OK):
            raise LabError(f"signetd not found at {self.binary} (set SIGNET_BUILD)")
        cmd = [self.binary, "--listen", f"{self.addr}@{self.port}"]
        for name, path in self.zones.items():
            cmd += ["--zone", f"{_fqdn(name)}={Path(path).resolve()}"]
        return self._start("signetd", cmd, timeout)


def start_server(kind, workdir, addr, port, zones):
    """Starts "nsd" or "signetd" serving zones ({name: file}) on addr@port."""
    if kind == "nsd":
        return Nsd(workdir, addr, port, zones).start()
    if kind == "signetd":
        return Signetd(workdir, addr, port, zones).start()
    raise ValueError(f"unknown server kind {kind!r}")


class Unbound:
    """Unbound as a validating resolver on addr@port, walking the lab from
    root hints with a trust-anchor file (DS or DNSKEY records)."""

    def __init__(self, workdir, root_hints, trust_anchor, addr="127.0.0.1", port=None,
                 extra=()):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.addr = addr
        self.port = port or free_port(addr)
        self.conf = self.dir / "unbound.conf"
        lines = [
            "server:",
            f"  interface: {addr}@{self.port}",
            f"  port: {self.port}",
            "  do-ip6: no",
            "  do-daemonize: no",
            "  do-not-query-localhost: no",
            '  username: ""',
            '  chroot: ""',
            f'  directory: "{self.dir}"',
            f'  pidfile: "{self.dir / "unbound.pid"}"',
            '  logfile: ""',
            "  use-syslog: no",
            "  verbosity: 1",
            f'  root-hints: "{Path(root_hints).resolve()}"',
            f'  trust-anchor-file: "{Path(trust_anchor).resolve()}"',
            "  ede: yes",
            "  val-log-level: 2",
            "  access-control: 127.0.0.0/8 allow",
            "  num-threads: 1",
            "  so-reuseport: no",
            "  minimal-responses: no",
            *("  " + e for e in extra),
            "remote-control:",
            "  control-enable: no",
        ]
        self.conf.write_text("\n".join(lines) + "\n")
        self.proc = None

    def start(self, timeout=10.0):
        r = subprocess.run(["unbound-checkconf", str(self.conf)], capture_output=True, text=True)
        if r.returncode != 0:
            raise LabError(f"unbound-checkconf: {r.stdout}{r.stderr}")
        self.proc = Proc("unbound", ["unbound", "-d", "-c", self.conf], self.dir / "unbound.log")
        # Ready when it answers anything; "localhost." is answered locally
        # (local-zone default) so this does not prime the cache.
        try:
            wait_answer(self.addr, self.port, "localhost.", "A", timeout, self.proc)
        except LabError as e:
            log = self.proc.log_text()
            self.stop()
            raise LabError(f"Unbound did not start: {e}\n{log}") from None
        return self

    def query(self, name, qtype="A", dnssec=True, timeout=5.0):
        """One recursive query (RD, DO); returns the dnspython response."""
        q = dns.message.make_query(name, qtype, want_dnssec=dnssec)
        return dns.query.udp(q, self.addr, port=self.port, timeout=timeout)

    def restart(self):
        """A fresh process: an empty cache."""
        self.stop()
        return self.start()

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None


# ---- zones and signing ----------------------------------------------------


def keygen(keydir, zone, ksk=False, alg=ALG):
    """dnssec-keygen in keydir; returns the key's base name (K<zone>+AAA+TTTTT).
    Published and active since 2000 so signing at any time uses it."""
    cmd = ["dnssec-keygen", "-q", "-a", alg, "-K", keydir, "-P", "20000101", "-A", "20000101"]
    if ksk:
        cmd += ["-f", "KSK"]
    r = run(cmd + ["-n", "ZONE", _fqdn(zone)])
    return r.stdout.strip().splitlines()[-1]


def sign_zone(workdir, origin, unsigned, keydir, out=None, nsec3=False, extra_args=()):
    """Signs `unsigned` with every key in keydir (smart signing, -S) into
    `out` (default <unsigned>.signed), one record per line (-O full). The
    DS set lands in workdir/dsset-<origin>. Returns the signed path."""
    out = Path(out) if out else Path(str(unsigned) + ".signed")
    cmd = ["dnssec-signzone", "-S", "-K", keydir, "-d", workdir, "-o", _fqdn(origin), "-O", "full",
           "-f", out]
    if nsec3:
        cmd += ["-3", "-", "-H", "0"]
    cmd += list(extra_args) + [unsigned]
    run(cmd, cwd=workdir)
    return out


def dsset_path(workdir, zone):
    return Path(workdir) / ("dsset-" + _fqdn(zone))


def read_ds(path):
    """DS records of a dsset file as (owner, keytag, alg, digest_type, HEX)."""
    res = []
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if "DS" not in f:
            continue
        i = f.index("DS")
        res.append((f[0], int(f[i + 1]), int(f[i + 2]), int(f[i + 3]), "".join(f[i + 4:]).upper()))
    if not res:
        raise LabError(f"no DS records in {path}")
    return res


def write_delv_anchor(path, ds_records):
    """A delv/BIND trust-anchors file from (owner, tag, alg, dtype, hex) tuples."""
    lines = ["trust-anchors {"]
    for owner, tag, alg, dtype, digest in ds_records:
        lines.append(f'\t"{owner}" static-ds {tag} {alg} {dtype} "{digest}";')
    lines.append("};")
    Path(path).write_text("\n".join(lines) + "\n")
    return Path(path)


class LabZone:
    """One zone of the lab: its name, its name server (name, address) and
    extra records (zone-file lines, relative to the zone)."""

    def __init__(self, name, addr, ns=None, records=(), nsec3=False):
        self.name = _fqdn(name)
        self.addr = addr
        if ns is None:
            ns = "a.root-servers.lab." if self.name == "." else "ns1." + self.name.lstrip(".")
        self.ns = _fqdn(ns)
        self.records = list(records)
        self.nsec3 = nsec3
        self.children = []
        self.unsigned = self.signed = self.keydir = None
        self.ksk = self.zsk = None

    @property
    def label(self):
        return _label(self.name)


DEFAULT_RECORDS = {
    "example.org.": [
        "www  A     192.0.2.80",
        "www  AAAA  2001:db8::80",
        "@    MX    10 mail",
        "mail A     192.0.2.25",
        '@    TXT   "lab zone"',
    ],
    "org.": ['@ TXT "lab org"'],
    ".": [],
}


class Lab:
    """A signed lab hierarchy. `names` lists the zones, parents before
    children (each zone's parent is the closest enclosing one listed).
    Addresses are picked among free 127.0.0.x (x >= first) unless given."""

    def __init__(self, workdir, names=(".", "org.", "example.org."), addrs=None, first=2,
                 records=None, nsec3=False, zone_opts=None):
        # zone_opts: {zone: {...}} per-zone variants, see build_zone_variant().
        self.zone_opts = {_fqdn(k): dict(v) for k, v in (zone_opts or {}).items()}
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        names = [_fqdn(n) for n in names]
        if addrs is None:
            addrs = free_addresses(len(names), start=first)
        if len(addrs) != len(names):
            raise ValueError("one address per zone")
        recs = DEFAULT_RECORDS if records is None else records
        self.zones = {}
        for n, a in zip(names, addrs):
            self.zones[n] = LabZone(n, a, records=recs.get(n, ()), nsec3=nsec3)
        for n, z in self.zones.items():
            if n == ".":
                continue
            parent = self.parent_of(n)
            if parent is None:
                raise ValueError(f"{n} has no parent in the lab")
            parent.children.append(z)
        self.root = self.zones["."]
        self.servers = []
        self.unbound = None
        self.root_hints = self.dir / "root.hints"
        self.anchor = self.dir / "root.anchor"     # for Unbound: DS lines
        self.delv_anchor = self.dir / "root.delv"  # for delv: trust-anchors { } syntax

    def parent_of(self, name):
        best = None
        for n, z in self.zones.items():
            if n == name:
                continue
            if n == "." or name.endswith("." + n):
                if best is None or len(n) > len(best.name):
                    best = z
        return best

    def zone(self, name):
        return self.zones[_fqdn(name)]

    # -- writing --

    def zone_text(self, z):
        """The unsigned zone file: SOA, NS, the server's address, the
        delegations (NS + glue + DS when the child is signed), extra records."""
        lines = [
            f"$ORIGIN {z.name}",
            f"$TTL {DEFAULT_TTL}",
            f"@ IN SOA {z.ns} hostmaster.{z.name.lstrip('.')} 1 7200 3600 1209600 300",
            f"@ IN NS {z.ns}",
            f"{z.ns} IN A {z.addr}",
        ]
        for c in z.children:
            lines += [f"{c.name} IN NS {c.ns}", f"{c.ns} IN A {c.addr}"]
            ds = dsset_path(self.dir, c.name)
            if ds.exists():
                lines += [l for l in ds.read_text().splitlines() if l.strip()]
        lines += z.records
        return "\n".join(lines) + "\n"

    def build(self, sign=True):
        """Writes every zone and signs them children first, so that each
        child's DS set is in its parent before the parent is signed. Writes
        the root hints and both trust-anchor files."""
        order = sorted(self.zones.values(), key=lambda z: -_labels(z.name))
        if sign:
            for z in order:  # deepest first
                if self.zone_opts.get(z.name):
                    self.build_zone_variant(z, self.zone_opts[z.name])
                    continue
                z.keydir = self.dir / f"keys-{z.label}"
                z.keydir.mkdir(exist_ok=True)
                if not list(z.keydir.glob("K*.key")):
                    z.ksk = keygen(z.keydir, z.name, ksk=True)
                    z.zsk = keygen(z.keydir, z.name)
                z.unsigned = self.dir / f"{z.label}.zone"
                z.unsigned.write_text(self.zone_text(z))
                z.signed = sign_zone(self.dir, z.name, z.unsigned, z.keydir, nsec3=z.nsec3)
        else:
            for z in order:
                z.unsigned = self.dir / f"{z.label}.zone"
                z.unsigned.write_text(self.zone_text(z))
                z.signed = z.unsigned
        self.root_hints.write_text(f". 3600000 NS {self.root.ns}\n"
                                   f"{self.root.ns} 3600000 A {self.root.addr}\n")
        if sign:
            ds = read_ds(dsset_path(self.dir, "."))
            self.anchor.write_text("".join(f"{o} IN DS {t} {a} {d} {h}\n" for o, t, a, d, h in ds))
            write_delv_anchor(self.delv_anchor, ds)
        return self

    def build_zone_variant(self, z, opts):
        """Writes and (unless opts["unsigned"]) signs zone z with variants:
        unsigned: serve it unsigned (its parent then has no DS: an insecure
                  delegation);
        nsec3 / opt_out: NSEC3 (no salt, no iterations), with opt-out;
        sign_args: more dnssec-signzone arguments (e.g. an expired window:
                  ["-s", "20200101000000", "-e", "20200201000000", "-P"]);
        alg: the key algorithm (default ECDSAP256SHA256);
        zsks: how many ZSKs to make (default 1; many make a KeyTrap-style
              zone once a record is tampered with);
        ds_edit: a function from the child's dsset text to the text its
                 parent gets (a DS not matching, an unknown algorithm...);
        signed_edit: a function from the signed zone text (one record per
                 line, -O full) to the text served (records removed...)."""
        z.unsigned = self.dir / f"{z.label}.zone"
        if opts.get("unsigned"):
            dsset_path(self.dir, z.name).unlink(missing_ok=True)
            z.unsigned.write_text(self.zone_text(z))
            z.signed = z.unsigned
            return
        z.keydir = self.dir / f"keys-{z.label}"
        z.keydir.mkdir(exist_ok=True)
        if not list(z.keydir.glob("K*.key")):
            alg = opts.get("alg", ALG)
            z.ksk = keygen(z.keydir, z.name, ksk=True, alg=alg)
            z.zsk = keygen(z.keydir, z.name, alg=alg)
            for _ in range(opts.get("zsks", 1) - 1):
                keygen(z.keydir, z.name, alg=alg)
        z.unsigned.write_text(self.zone_text(z))
        args = list(opts.get("sign_args", ()))
        if opts.get("opt_out"):
            args.append("-A")
        nsec3 = z.nsec3 or opts.get("nsec3", False) or opts.get("opt_out", False)
        z.signed = sign_zone(self.dir, z.name, z.unsigned, z.keydir, nsec3=nsec3, extra_args=args)
        if opts.get("signed_edit"):
            z.signed.write_text(opts["signed_edit"](z.signed.read_text()))
        if opts.get("ds_edit"):
            ds = dsset_path(self.dir, z.name)
            ds.write_text(opts["ds_edit"](ds.read_text()))

    # -- serving --

    def start_servers(self, kind="nsd", files=None):
        """One server process per zone on port 53 of the zone's address.
        files: {zone: path} overrides the signed file served."""
        files = {_fqdn(k): v for k, v in (files or {}).items()}
        for z in self.zones.values():
            self.servers.append(self.start_zone_server(z, kind, files.get(z.name, z.signed)))
        return self

    def start_servers_by_address(self, kind="nsd", files=None):
        """Like start_servers(), but zones given the same address (Lab's
        addrs) are served by one process: a server authoritative for a
        parent and its child, so no referral shows the cut."""
        files = {_fqdn(k): v for k, v in (files or {}).items()}
        groups = {}
        for z in self.zones.values():
            groups.setdefault(z.addr, []).append(z)
        for addr, zs in groups.items():
            if not port_free(addr, 53):
                raise LabError(f"port 53 on {addr} is busy: {listeners(addr, 53)}")
            self.servers.append(start_server(kind, self.dir / f"{kind}-{zs[0].label}", addr, 53,
                                             {z.name: files.get(z.name, z.signed) for z in zs}))
        return self

    def start_zone_server(self, z, kind="nsd", path=None):
        if not port_free(z.addr, 53):
            raise LabError(f"port 53 on {z.addr} is busy: {listeners(z.addr, 53)}")
        return start_server(kind, self.dir / f"{kind}-{z.label}", z.addr, 53,
                            {z.name: path or z.signed})

    def restart_zone_server(self, name, kind="nsd", path=None):
        """Stops the server of zone `name` and starts it on `path`."""
        z = self.zone(name)
        for s in list(self.servers):
            if s.addr == z.addr:
                s.stop()
                self.servers.remove(s)
        srv = self.start_zone_server(z, kind, path)
        self.servers.append(srv)
        return srv

    def start_unbound(self, port=None, extra=()):
        self.unbound = Unbound(self.dir / "unbound", self.root_hints, self.anchor, port=port,
                               extra=extra).start()
        return self.unbound

    def stop(self):
        if self.unbound:
            self.unbound.stop()
            self.unbound = None
        for s in self.servers:
            s.stop()
        self.servers = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def tamper_a_record(signed, owner, new_addr, out):
    """Copies a `-O full` signed file to `out` with owner's A RDATA replaced
    (its RRSIG left alone, so the RRset no longer verifies)."""
    owner = _fqdn(owner).lower()
    lines, changed = [], 0
    for line in Path(signed).read_text().splitlines():
        f = line.split()
        if len(f) >= 5 and f[0].lower() == owner and f[3] == "A" and f[2] == "IN":
            line = re.sub(r"\S+$", new_addr, line)
            changed += 1
        lines.append(line)
    if not changed:
        raise LabError(f"no A record of {owner} in {signed}")
    Path(out).write_text("\n".join(lines) + "\n")
    return Path(out)


def delv(server, port, anchor, name, qtype="A", timeout=30):
    """Runs delv through a (validating) resolver; returns CompletedProcess."""
    return subprocess.run(["delv", f"@{server}", "-p", str(port), "-a", str(anchor), name, qtype],
                          capture_output=True, text=True, timeout=timeout)
