"""signetd end to end: serving, reloads, automatic signing, NOTIFY, config errors.

Run with Debian's python:
    SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_signetd.py
Every test starts its own signetd (and NSD for NOTIFY) on a loopback address
and a free high port, and stops every process it started.
"""

import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import textwrap
import threading
import time
from pathlib import Path

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

REPO = Path(__file__).resolve().parents[2]
_b = os.environ.get("SIGNET_BUILD")
BUILD = Path(_b) if _b else REPO / "build"
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
SIGNETD = BUILD / "signetd"
SIGNET = BUILD / "signet"

pytestmark = pytest.mark.skipif(not SIGNETD.is_file(), reason=f"no signetd at {SIGNETD}")

ZONE = """$ORIGIN {origin}
$TTL 300
@       IN SOA ns1 hostmaster {serial} 3600 900 604800 300
@       IN NS  ns1
ns1     IN A   127.0.0.1
www     IN A   192.0.2.1
www     IN AAAA 2001:db8::1
mail    IN MX  10 www
sub     IN NS  ns.sub
ns.sub  IN A   192.0.2.53
"""


def write_zone(path, origin="example.org.", serial=1):
    Path(path).write_text(ZONE.format(origin=origin, serial=serial))


def have_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def free_port(addr):
    """A port free for both UDP and TCP on addr."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    for _ in range(50):
        port = random.randint(20000, 60000)
        try:
            with socket.socket(fam, socket.SOCK_DGRAM) as u, socket.socket(fam, socket.SOCK_STREAM) as t:
                u.bind((addr, port))
                t.bind((addr, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


def loopback():
    return f"127.0.{random.randint(1, 250)}.{random.randint(2, 250)}"


class Server:
    """A running signetd; its stderr goes to self.log."""

    def __init__(self, tmp, args, wait=True):
        self.log = Path(tmp) / f"signetd-{random.randint(0, 1 << 30)}.log"
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen([str(SIGNETD), *map(str, args)], stderr=self.logf,
                                     stdout=subprocess.DEVNULL)
        if wait:
            self.wait_log("serving:", 30)

    def text(self):
        return self.log.read_text(errors="replace")

    def wait_log(self, needle, timeout=15, count=1):
        end = time.time() + timeout
        while time.time() < end:
            if self.text().count(needle) >= count:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"signetd exited ({self.proc.returncode}) before {needle!r}:\n{self.text()}")
            time.sleep(0.05)
        raise AssertionError(f"no {needle!r} in the log after {timeout} s:\n{self.text()}")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("signetd did not stop on SIGTERM")
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.logf.close()


@pytest.fixture
def signetd(tmp_path):
    """signetd(*args, wait=True) -> Server; every server is stopped afterwards."""
    started = []

    def start(*args, wait=True):
        s = Server(tmp_path, args, wait=wait)
        started.append(s)
        return s

    try:
        yield start
    finally:
        for s in started:
            s.kill()


def serve_config(signetd, tmp_path, zone_opts="", extra="", serial=1, addr=None, more_zones=""):
    """Starts signetd from a configuration file serving example.org from
    z.zone with the given zone options (YAML lines) and top-level extra
    lines. Returns (server, address, port, zone file)."""
    a = addr or loopback()
    port = free_port(a)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=serial)
    conf = tmp_path / "c.yaml"
    conf.write_text(f'listen: ["{a}@{port}"]\n{textwrap.dedent(extra)}zones:\n'
                    f'  - name: example.org\n    file: {zf}\n'
                    + textwrap.indent(textwrap.dedent(zone_opts), "    ")
                    + textwrap.indent(textwrap.dedent(more_zones), "  "))
    return signetd("-c", conf), a, port, zf


def query(addr, port, name, rdtype, tcp=False, dnssec=False, timeout=2.0):
    q = dns.message.make_query(name, rdtype, want_dnssec=dnssec)
    if tcp:
        return dns.query.tcp(q, addr, port=port, timeout=timeout)
    return dns.query.udp(q, addr, port=port, timeout=timeout)


def soa_serial(addr, port, zone, tcp=False):
    r = query(addr, port, zone, "SOA", tcp=tcp)
    return r.answer[0][0].serial


def rrset_of(msg, name, rdtype, covers=dns.rdatatype.NONE):
    return msg.find_rrset(msg.answer, dns.name.from_text(name), dns.rdataclass.IN, rdtype, covers)


def validate_answer(addr, port, zone, name, rdtype, now=None):
    """Checks name/rdtype's RRSIG with the zone's served DNSKEY RRset."""
    keys = query(addr, port, zone, "DNSKEY", tcp=True, dnssec=True)
    dnskey = rrset_of(keys, zone, dns.rdatatype.DNSKEY)
    keysig = rrset_of(keys, zone, dns.rdatatype.RRSIG, dns.rdatatype.DNSKEY)
    zname = dns.name.from_text(zone)
    dns.dnssec.validate(dnskey, keysig, {zname: dnskey}, now=now)
    r = query(addr, port, name, rdtype, tcp=True, dnssec=True)
    rrs = rrset_of(r, name, dns.rdatatype.from_text(rdtype))
    sig = rrset_of(r, name, dns.rdatatype.RRSIG, dns.rdatatype.from_text(rdtype))
    dns.dnssec.validate(rrs, sig, {zname: dnskey}, now=now)
    return dnskey, sig


# ---------------------------------------------------------------------------


def test_serves_udp_tcp_ipv4_ipv6_several_zones(signetd, tmp_path):
    a = loopback()
    port = free_port(a)
    write_zone(tmp_path / "one.zone", "example.org.", 11)
    write_zone(tmp_path / "two.zone", "example.net.", 22)
    args = ["--listen", f"{a}@{port}", "--zone", f"example.org={tmp_path}/one.zone",
            "--zone", f"example.net={tmp_path}/two.zone"]
    v6 = have_ipv6()
    if v6:
        port6 = free_port("::1")
        args += ["--listen", f"::1@{port6}"]
    s = signetd(*args)
    for tcp in (False, True):
        r = query(a, port, "www.example.org.", "A", tcp=tcp)
        assert r.rcode() == 0 and r.flags & dns.flags.AA
        assert rrset_of(r, "www.example.org.", dns.rdatatype.A)[0].address == "192.0.2.1"
        assert soa_serial(a, port, "example.org.", tcp=tcp) == 11
        assert soa_serial(a, port, "example.net.", tcp=tcp) == 22
        if v6:
            assert soa_serial("::1", port6, "example.net.", tcp=tcp) == 22
    # A name in no zone is not answered as authoritative data.
    r = query(a, port, "www.example.com.", "A")
    assert r.rcode() != 0 and not r.answer
    assert "zone example.org: loaded" in s.text() and "zone example.net: loaded" in s.text()
    assert s.stop() == 0
    assert "SIGTERM" in s.text()


def test_hostile_packets_do_not_hurt(signetd, tmp_path):
    a = loopback()
    port = free_port(a)
    write_zone(tmp_path / "z.zone")
    signetd("--listen", f"{a}@{port}", "--zone", f"example.org={tmp_path}/z.zone")
    rnd = random.Random(7)
    good = dns.message.make_query("www.example.org.", "A").to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        for i in range(300):
            if i % 2:
                pkt = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 600)))
            else:  # a real query with random damage
                b = bytearray(good)
                for _ in range(rnd.randrange(1, 6)):
                    b[rnd.randrange(len(b))] = rnd.randrange(256)
                pkt = bytes(b[: rnd.randrange(1, len(b) + 1)])
            u.sendto(pkt, (a, port))
    for _ in range(20):  # TCP: garbage frames, short frames, a frame cut off
        with socket.create_connection((a, port), timeout=2) as t:
            n = rnd.randrange(0, 40)
            t.sendall(struct.pack("!H", rnd.randrange(0, 65536)) + bytes(rnd.randrange(256) for _ in range(n)))
    assert soa_serial(a, port, "example.org.") == 1
    assert soa_serial(a, port, "example.org.", tcp=True) == 1


def test_sighup_reload_while_querying(signetd, tmp_path):
    a = loopback()
    port = free_port(a)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=100)
    s = signetd("--listen", f"{a}@{port}", "--zone", f"example.org={zf}")
    assert soa_serial(a, port, "example.org.") == 100
    stop = threading.Event()
    seen, failures = [], []

    def loop():
        while not stop.is_set():
            try:
                seen.append(soa_serial(a, port, "example.org.", tcp=len(seen) % 2 == 1))
            except Exception as e:  # noqa: BLE001 - any failure is a dropped query
                failures.append(repr(e))

    th = threading.Thread(target=loop)
    th.start()
    try:
        time.sleep(0.3)
        write_zone(zf, serial=101)
        s.signal(signal.SIGHUP)
        end = time.time() + 10
        while time.time() < end and (not seen or seen[-1] != 101):
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        stop.set()
        th.join()
    assert failures == []
    assert 100 in seen and seen[-1] == 101
    # Once the new serial shows, the old one never comes back.
    first = seen.index(101)
    assert all(x == 101 for x in seen[first:])
    assert "SIGHUP" in s.text() and "serial 101" in s.text()


def test_reload_applies_config_changes(signetd, tmp_path):
    s, a, port, _ = serve_config(signetd, tmp_path)
    conf = tmp_path / "c.yaml"
    good = conf.read_text()
    conf.write_text(good + "bogus: 1\n")  # a broken file changes nothing
    s.signal(signal.SIGHUP)
    s.wait_log("reload: done")
    assert f"{conf}:" in s.text() and "nothing changed" in s.text()
    assert soa_serial(a, port, "example.org.") == 1
    write_zone(tmp_path / "net.zone", "example.net.", 5)
    conf.write_text(good.replace("example.org", "example.net").replace("z.zone", "net.zone"))
    s.signal(signal.SIGHUP)
    s.wait_log("reload: done", count=2)
    assert soa_serial(a, port, "example.net.") == 5
    assert query(a, port, "example.org.", "SOA").rcode() == 5  # removed: REFUSED
    assert "zone example.org: removed" in s.text()


def test_broken_zone_at_reload_keeps_old(signetd, tmp_path):
    a = loopback()
    port = free_port(a)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=7)
    s = signetd("--listen", f"{a}@{port}", "--zone", f"example.org={zf}")
    zf.write_text(zf.read_text().replace("192.0.2.1", "192.0.2.999").replace(" 7 ", " 8 "))
    s.signal(signal.SIGHUP)
    s.wait_log("reload: done")
    assert "stays in service" in s.text()
    assert f"{zf}:6:" in s.text()  # the bad line is named
    assert soa_serial(a, port, "example.org.") == 7
    r = query(a, port, "www.example.org.", "A")
    assert rrset_of(r, "www.example.org.", dns.rdatatype.A)[0].address == "192.0.2.1"
    assert s.stop() == 0


def test_autosign_creates_keys_and_validates(signetd, signet_ds, tmp_path):
    a = loopback()
    port = free_port(a)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=5)
    keys = tmp_path / "keys"
    keys.mkdir()
    s = signetd("--listen", f"{a}@{port}", "--zone", f"example.org={zf}", "--key-dir", keys)
    made = sorted(p.name for p in keys.iterdir())
    assert len([m for m in made if m.endswith(".private")]) == 2, made
    ds = signet_ds(keys)
    assert len(ds) == 1  # the KSK's SHA-256 DS
    assert ds[0] in s.text()
    dnskey, _ = validate_answer(a, port, "example.org.", "www.example.org.", "A")
    assert sorted(k.flags for k in dnskey) == [256, 257]
    assert all(k.algorithm == 13 for k in dnskey)
    # Expirations are spread over the last tenth of the 14-day validity.
    exps = set()
    for name, t in [("example.org.", "SOA"), ("example.org.", "NS"), ("www.example.org.", "A"),
                    ("www.example.org.", "AAAA"), ("mail.example.org.", "MX"), ("ns1.example.org.", "A")]:
        r = query(a, port, name, t, tcp=True, dnssec=True)
        exps.add(rrset_of(r, name, dns.rdatatype.RRSIG, dns.rdatatype.from_text(t))[0].expiration)
    now = time.time()
    assert len(exps) > 1
    assert all(now + 14 * 86400 * 0.9 - 60 <= e <= now + 14 * 86400 + 60 for e in exps), exps
    # Denial: NSEC by default, signed.
    r = query(a, port, "nope.example.org.", "A", tcp=True, dnssec=True)
    assert r.rcode() == 3
    # Serial: max(file, unix time) — the file's 5 is older than now.
    assert soa_serial(a, port, "example.org.") >= int(time.time()) - 60
    # A restart reuses the keys (no new ones).
    assert s.stop() == 0
    s2 = signetd("--listen", f"{a}@{port}", "--zone", f"example.org={zf}", "--key-dir", keys)
    assert sorted(p.name for p in keys.iterdir()) == made
    assert "created" not in s2.text()
    validate_answer(a, port, "example.org.", "www.example.org.", "A")


def test_signed_zone_without_key_dir_served_as_is(signetd, tmp_path):
    zf, keys, signed = tmp_path / "z.zone", tmp_path / "k", tmp_path / "signed.zone"
    write_zone(zf, serial=77)
    keys.mkdir()
    for extra in (["--ksk"], []):
        subprocess.run([str(SIGNET), "keygen", *extra, "-K", str(keys), "example.org"], check=True,
                       capture_output=True)
    subprocess.run([str(SIGNET), "sign", "-q", "-K", str(keys), "-o", str(signed), str(zf)], check=True)
    a = loopback()
    port = free_port(a)
    s = signetd("--listen", f"{a}@{port}", "--zone", f"example.org={signed}")
    assert "served as it is" in s.text()
    assert soa_serial(a, port, "example.org.") == 77  # not re-signed: the file's serial
    _, sig = validate_answer(a, port, "example.org.", "www.example.org.", "A")
    line = next(l for l in signed.read_text().splitlines()
                if l.startswith("www.example.org.") and "\tRRSIG\tA " in l)
    from_file = dns.rrset.from_text("www.example.org.", 300, "IN", "RRSIG", line.split("\tRRSIG\t", 1)[1])
    assert sig[0].signature == from_file[0].signature  # the very signature in the file


def test_autosign_nsec3_from_config(signetd, tmp_path):
    _, a, port, _ = serve_config(signetd, tmp_path, f"""
        key-dir: {tmp_path}/keys
        denial: nsec3
        nsec3: {{iterations: 0, salt: "-", opt-out: false}}
        """)
    r = query(a, port, "example.org.", "NSEC3PARAM", tcp=True)
    p = rrset_of(r, "example.org.", dns.rdatatype.NSEC3PARAM)[0]
    assert (p.algorithm, p.iterations, p.salt) == (1, 0, b"")
    validate_answer(a, port, "example.org.", "mail.example.org.", "MX")


def test_tcp_pipelined(signetd, tmp_path):
    a = loopback()
    port = free_port(a)
    write_zone(tmp_path / "z.zone")
    signetd("--listen", f"{a}@{port}", "--zone", f"example.org={tmp_path}/z.zone")
    names = ["www", "mail", "ns1", "nope", "www"] * 4
    qs = [dns.message.make_query(f"{n}.example.org.", "A") for n in names]
    blob = b"".join(struct.pack("!H", len(w)) + w for w in (q.to_wire() for q in qs))
    with socket.create_connection((a, port), timeout=5) as t:
        t.sendall(blob)  # every query in one write
        buf = b""
        got = []
        while len(got) < len(qs):
            chunk = t.recv(65536)
            assert chunk, f"connection closed after {len(got)} answers"
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                n = struct.unpack("!H", buf[:2])[0]
                got.append(dns.message.from_wire(buf[2:2 + n]))
                buf = buf[2 + n:]
    assert [g.id for g in got] == [q.id for q in qs]
    assert [g.rcode() for g in got] == [3 if n == "nope" else 0 for n in names]


def test_tcp_idle_timeout_and_connection_limit(signetd, tmp_path):
    _, a, port, _ = serve_config(signetd, tmp_path, extra="tcp: {max-connections: 3, idle-timeout: 2}\n")
    conns = [socket.create_connection((a, port), timeout=5) for _ in range(3)]
    try:
        time.sleep(0.3)
        extra = socket.create_connection((a, port), timeout=5)
        assert extra.recv(10) == b""  # over the limit: closed at once
        extra.close()
        t0 = time.time()
        assert conns[0].recv(10) == b""  # idle: closed by the server
        waited = time.time() - t0
        assert 1.0 < waited < 4.5, waited
    finally:
        for c in conns:
            c.close()
    time.sleep(0.2)
    assert soa_serial(a, port, "example.org.", tcp=True) == 1  # slots were freed


@pytest.mark.parametrize("text,line,what", [
    ("listen: [\"127.0.0.1@53\"]\nbogus-option: 1\n", 2, "unknown option \"bogus-option\""),
    ("tcp:\n  max-connections: lots\n", 2, "tcp.max-connections"),
    ("zones:\n  - name: example.org\n    file: /x\n    denial: nsec4\n", 4, "expected one of nsec|nsec3"),
    ("zones:\n  - name: example.org\n    file: /x\n    signature-validity: soon\n", 4, "duration"),
    ("zones:\n  - name: example.org\n    fil: /x\n", 3, "unknown option \"zones[0].fil\""),
    ("listen: [\"127.0.0.1@99999\"]\n", 1, "bad address"),
    ("zones:\n  - file: /x\n", 2, "zone without \"name\""),
    ("listen: [a, b\n", 2, "YAML"),
])
def test_config_errors_name_file_and_line(tmp_path, text, line, what):
    conf = tmp_path / "bad.yaml"
    conf.write_text(text)
    p = subprocess.run([str(SIGNETD), "-c", str(conf)], capture_output=True, text=True, timeout=10)
    assert p.returncode == 1
    assert f"{conf}:{line}:" in p.stderr, p.stderr
    assert what in p.stderr, p.stderr


def test_usage_and_startup_errors(tmp_path):
    def run(*args):
        return subprocess.run([str(SIGNETD), *map(str, args)], capture_output=True, text=True, timeout=10)

    assert run("--no-such-flag").returncode == 2
    assert run("--listen", "not-an-address").returncode == 2
    assert run("--zone", "example.org").returncode == 2
    h = run("--help")
    assert h.returncode == 0 and "--listen" in h.stdout
    assert run("--version").stdout.startswith("signetd ")
    schema = run("--print-config-schema").stdout
    for opt in ("listen", "tcp.idle-timeout", "zones[].key-dir", "zones[].signature-refresh"):
        assert f"`{opt}`" in schema
    # A zone that does not load at start-up: exit 1 with the error.
    bad = tmp_path / "bad.zone"
    bad.write_text("@ IN SOA ns1 host 1 2 3 4 5\n@ IN A 1.2.3.4.5\n")
    a = loopback()
    p = run("--listen", f"{a}@{free_port(a)}", "--zone", f"example.org={bad}")
    assert p.returncode == 1 and f"{bad}:" in p.stderr, p.stderr
    # An address we cannot bind: exit 1 naming it.
    p = run("--listen", "192.0.2.77@5353", "--zone", f"example.org={bad}")
    assert p.returncode == 1 and "192.0.2.77@5353" in p.stderr, p.stderr


def test_control_socket(signetd, tmp_path):
    a = loopback()
    port = free_port(a)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=40)
    ctl = tmp_path / "ctl.sock"
    s = signetd("--listen", f"{a}@{port}", "--zone", f"example.org={zf}", "--control", ctl)

    def command(cmd):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as u:
            u.settimeout(5)
            u.connect(str(ctl))
            u.sendall(cmd.encode() + b"\n")
            out = b""
            while True:
                d = u.recv(4096)
                if not d:
                    return out.decode()
                out += d

    assert "example.org serial 40 unsigned" in command("status")
    write_zone(zf, serial=41)
    assert command("reload").startswith("ok")
    s.wait_log("reload: done")
    assert soa_serial(a, port, "example.org.") == 41
    assert command("frobnicate").startswith("error")
    assert s.stop() == 0
    assert not ctl.exists()


def axfr_text(addr, port, zone):
    p = subprocess.run(["dig", f"@{addr}", "-p", str(port), zone, "AXFR", "+nocmd", "+nostats"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_axfr_verifies(signetd, tmp_path):
    write_zone(tmp_path / "net.zone", "example.net.", 9)
    s, a, port, _ = serve_config(signetd, tmp_path, f"""
        key-dir: {tmp_path}/keys
        allow-transfer: ["127.0.0.0/8"]
        """, more_zones=f"""
        - name: example.net
          file: {tmp_path}/net.zone
        """)
    text = axfr_text(a, port, "example.org.")
    if "Transfer failed" in text or "SOA" not in text:
        pytest.fail(f"AXFR failed:\n{text}\n{s.text()}")
    out = tmp_path / "axfr.zone"
    out.write_text("\n".join(l for l in text.splitlines() if l and not l.startswith(";")) + "\n")
    v = subprocess.run(["ldns-verify-zone", str(out)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    # example.net has no allow-transfer: refused.
    r = dns.query.tcp(dns.message.make_query("example.net.", "AXFR"), a, port=port, timeout=5)
    assert r.rcode() == 5 and not r.answer
    assert "refused" in s.text()


def test_signature_refresh(signetd, tmp_path):
    s, a, port, _ = serve_config(signetd, tmp_path, f"""
        key-dir: {tmp_path}/keys
        signature-validity: 20s
        signature-refresh: 10s
        """)
    first = soa_serial(a, port, "example.org.")
    _, sig0 = validate_answer(a, port, "example.org.", "www.example.org.", "A")
    exp0 = sig0[0].expiration
    assert exp0 - time.time() <= 21
    time.sleep(25)
    # Past the first signatures' expiration: what is served now is valid now.
    assert time.time() > exp0
    _, sig1 = validate_answer(a, port, "example.org.", "www.example.org.", "A", now=time.time())
    assert sig1[0].expiration > exp0
    validate_answer(a, port, "example.org.", "example.org.", "SOA", now=time.time())
    assert soa_serial(a, port, "example.org.") > first
    assert s.text().count("signed, serial") >= 3  # load + two refreshes at ~8 s intervals


NSD_CONF = """server:
    ip-address: {addr}@{port}
    username: ""
    database: ""
    zonesdir: "{dir}"
    pidfile: "{dir}/nsd.pid"
    xfrdfile: "{dir}/xfrd.state"
    zonelistfile: "{dir}/zone.list"
    xfrdir: "{dir}"
    rrl-ratelimit: 0
    verbosity: 2
remote-control:
    control-enable: no
zone:
    name: example.org
    zonefile: "{dir}/example.org.zone"
    allow-notify: {primary} NOKEY
    request-xfr: AXFR {primary}@{pport} NOKEY
    outgoing-interface: {addr}
"""


def test_notify_reaches_nsd(signetd, tmp_path):
    if not shutil.which("nsd"):
        pytest.skip("nsd not installed")
    a, b = loopback(), loopback()
    while b == a:
        b = loopback()
    nport = free_port(b)
    s, a, port, zf = serve_config(signetd, tmp_path, f"""
        key-dir: {tmp_path}/keys
        notify: ["{b}@{nport}"]
        allow-transfer: ["{b}"]
        """, addr=a)
    ndir = tmp_path / "nsd"
    ndir.mkdir()
    (ndir / "nsd.conf").write_text(NSD_CONF.format(addr=b, port=nport, dir=ndir, primary=a, pport=port))
    nlog = open(tmp_path / "nsd.log", "w")
    nsd = subprocess.Popen(["nsd", "-d", "-c", str(ndir / "nsd.conf")], stdout=nlog, stderr=nlog)
    try:
        def nsd_serial():
            try:
                return soa_serial(b, nport, "example.org.", tcp=True)
            except Exception:  # noqa: BLE001 - not loaded yet
                return None

        def wait_serial(want, timeout):
            end = time.time() + timeout
            while time.time() < end:
                assert nsd.poll() is None, (tmp_path / "nsd.log").read_text()
                if nsd_serial() == want:
                    return True
                time.sleep(0.2)
            return False

        first = soa_serial(a, port, "example.org.")
        assert wait_serial(first, 20), (tmp_path / "nsd.log").read_text()
        # A reload re-signs with a higher serial; only NOTIFY can tell NSD
        # soon (the SOA refresh is an hour).
        write_zone(zf, serial=2)
        s.signal(signal.SIGHUP)
        s.wait_log("reload: done")
        second = soa_serial(a, port, "example.org.")
        assert second != first
        assert wait_serial(second, 20), s.text() + (tmp_path / "nsd.log").read_text()
        s.wait_log(f"serial {second} to {b}@{nport}: acknowledged")
        # NSD serves the signed zone as signet made it.
        r = query(b, nport, "www.example.org.", "A", tcp=True, dnssec=True)
        assert rrset_of(r, "www.example.org.", dns.rdatatype.RRSIG, dns.rdatatype.A)
    finally:
        nsd.terminate()
        try:
            nsd.wait(10)
        except subprocess.TimeoutExpired:
            nsd.kill()
            nsd.wait()
        nlog.close()


@pytest.fixture
def signet_ds():
    def run(keydir):
        p = subprocess.run([str(SIGNET), "ds", str(keydir)], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        return [l for l in p.stdout.splitlines() if l.strip()]
    return run
