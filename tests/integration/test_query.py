"""`signet query` against dig, both asking the same NSD (a small zone signed
by BIND's tools, on a loopback address and a high port). The two outputs are
parsed into header fields and records (RDATA through dnspython) and compared
semantically, not as text.

Run: SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_query.py
"""

import json
import re
import socket
import subprocess
import threading
import time

import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

import lab
from conftest import run_signet

TOOLS = ("nsd", "dig", "dnssec-keygen", "dnssec-signzone")
pytestmark = pytest.mark.skipif(bool(lab.need_tools(*TOOLS)),
                                reason="missing tools: " + " ".join(lab.need_tools(*TOOLS)))

ZONE = "query.test."
BIG_TXT = [f'big TXT "{i:02d}-' + "x" * 180 + '"' for i in range(10)]  # ~1.9 kB: over 1232
RECORDS = [
    "www A 192.0.2.1",
    "www AAAA 2001:db8::1",
    "@ MX 10 mail",
    "@ MX 20 mail2",
    "mail A 192.0.2.25",
    "mail2 A 192.0.2.26",
    'txt TXT "hello world" "second \\"string\\""',
] + BIG_TXT


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """NSD serving the signed zone on 127.0.0.x and, when possible, ::1."""
    d = tmp_path_factory.mktemp("query")
    keys = d / "keys"
    keys.mkdir()
    lab.keygen(keys, ZONE, ksk=True)
    lab.keygen(keys, ZONE)
    unsigned = d / "query.test.zone"
    unsigned.write_text("\n".join([
        f"$ORIGIN {ZONE}", "$TTL 300",
        "@ SOA ns1 hostmaster 1 3600 600 86400 300", "@ NS ns1", "ns1 A 127.0.0.1",
    ] + RECORDS) + "\n")
    signed = lab.sign_zone(d, ZONE, unsigned, keys)
    addr = "127.0.0.77"  # any loopback address; the port is picked free
    port = lab.free_port(addr)
    v6 = lab._bind_check("::1", port, socket.SOCK_DGRAM) is None
    # NSD caps UDP answers at 1232 octets unless told otherwise (+bufsize test).
    nsd = lab.Nsd(d / "nsd", addr, port, {ZONE: signed},
                  extra=["ipv4-edns-size: 4096", "ipv6-edns-size: 4096"])
    if v6:  # a second listening address for the IPv6 test
        conf = nsd.conf.read_text().replace(f"  ip-address: {addr}@{port}\n",
                                            f"  ip-address: {addr}@{port}\n"
                                            f"  ip-address: ::1@{port}\n")
        nsd.conf.write_text(conf)
    nsd.start()
    try:
        yield {"addr": addr, "port": port, "v6": v6}
    finally:
        nsd.stop()


# ---- parsing dig-layout output -------------------------------------------

SECTIONS = ("QUESTION", "ANSWER", "AUTHORITY", "ADDITIONAL")


def parse(text):
    """dig-layout text -> dict of header fields and record multisets."""
    res = {"status": None, "flags": None, "counts": None, "edns": None, "server": None,
           "proto": None, "size": None, "retried_tcp": False,
           "sections": {s: [] for s in SECTIONS}}
    sec = None
    for line in text.splitlines():
        if line.strip() == "":
            sec = None
            continue
        m = re.match(r";; ->>HEADER<<- opcode: (\S+), status: (\S+), id: (\d+)$", line)
        if m:
            res["opcode"], res["status"] = m.group(1), m.group(2)
            continue
        m = re.match(r";; flags:([^;]*); QUERY: (\d+), ANSWER: (\d+), AUTHORITY: (\d+), "
                     r"ADDITIONAL: (\d+)$", line)
        if m:
            res["flags"] = set(m.group(1).split())
            res["counts"] = tuple(int(x) for x in m.group(2, 3, 4, 5))
            continue
        m = re.match(r"; EDNS: version: (\d+), flags:([^;]*);(?: MBZ: \S+,)? udp: (\d+)$", line)
        if m:
            res["edns"] = (int(m.group(1)), frozenset(m.group(2).split()), int(m.group(3)))
            continue
        m = re.match(r";; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:$", line)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r";; SERVER: (\S+?)\((.*)\) \((UDP|TCP)\)$", line)
        if m:
            res["server"], res["proto"] = m.group(1), m.group(3)
            continue
        m = re.match(r";; MSG SIZE  rcvd: (\d+)$", line)
        if m:
            res["size"] = int(m.group(1))
            continue
        if line.startswith(";; Truncated, retrying in TCP mode."):
            res["retried_tcp"] = True
            continue
        if sec == "QUESTION" and line.startswith(";"):
            name, cls, typ = line[1:].split()
            res["sections"][sec].append((dns.name.from_text(name), cls, typ))
        elif sec and not line.startswith(";"):
            owner, ttl, cls, typ, rdata = (line.split(None, 4) + [""])[:5]
            rd = dns.rdata.from_text(cls, typ, rdata)
            res["sections"][sec].append((dns.name.from_text(owner), int(ttl), cls, typ, rd))
    for s in SECTIONS:
        res["sections"][s].sort(key=repr)
    return res


def semantic(p):
    """The parts of a parsed answer that two clients must agree on."""
    return {k: p[k] for k in ("status", "flags", "counts", "edns", "proto", "size", "sections")}


def dig(srv, *args):
    r = subprocess.run(
        ["dig", f"@{srv['addr']}", "-p", str(srv["port"]), "+nocookie", *args],
        capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def query(srv, *args, server=None):
    r = run_signet("query", f"@{server or srv['addr']}", "-p", str(srv["port"]), *args,
                   timeout=60)
    return r


def compare(srv, *args):
    """Runs both clients; asserts the same semantics; returns (ours, dig's)."""
    r = query(srv, *args)
    assert r.returncode == 0, r.stdout + r.stderr
    ours, theirs = parse(r.stdout), parse(dig(srv, *args))
    assert ours["status"] is not None, r.stdout
    assert semantic(ours) == semantic(theirs), f"signet:\n{r.stdout}\ndig:\n{dig(srv, *args)}"
    assert ours["server"] == f"{srv['addr']}#{srv['port']}"
    return ours, theirs


def rtypes(p, sec):
    return {rec[3] for rec in p["sections"][sec]}


# ---- against NSD, compared with dig ---------------------------------------


def test_a(server):
    ours, _ = compare(server, "www.query.test", "A")
    assert ours["status"] == "NOERROR" and "aa" in ours["flags"] and "qr" in ours["flags"]
    assert [str(r[4]) for r in ours["sections"]["ANSWER"]] == ["192.0.2.1"]
    assert ours["edns"][:2] == (0, frozenset()) and ours["proto"] == "UDP"


def test_aaaa(server):
    ours, _ = compare(server, "www.query.test", "AAAA")
    assert [str(r[4]) for r in ours["sections"]["ANSWER"]] == ["2001:db8::1"]


def test_mx(server):
    ours, _ = compare(server, "query.test", "MX")
    assert sorted(str(r[4]) for r in ours["sections"]["ANSWER"]) == [
        "10 mail.query.test.", "20 mail2.query.test."]


def test_txt_escapes(server):
    ours, _ = compare(server, "txt.query.test", "TXT")
    assert ours["sections"]["ANSWER"][0][4].strings == (b"hello world", b'second "string"')


def test_nxdomain(server):
    ours, _ = compare(server, "nope.query.test", "A")
    assert ours["status"] == "NXDOMAIN" and not ours["sections"]["ANSWER"]
    assert rtypes(ours, "AUTHORITY") == {"SOA"}


def test_nodata(server):
    ours, _ = compare(server, "www.query.test", "MX")
    assert ours["status"] == "NOERROR" and not ours["sections"]["ANSWER"]
    assert rtypes(ours, "AUTHORITY") == {"SOA"}


def test_dnssec_answer(server):
    ours, _ = compare(server, "+dnssec", "www.query.test", "A")
    assert ours["edns"][1] == frozenset({"do"})
    assert rtypes(ours, "ANSWER") == {"A", "RRSIG"}


def test_dnssec_nxdomain_has_nsec(server):
    ours, _ = compare(server, "+dnssec", "nope.query.test", "A")
    assert ours["status"] == "NXDOMAIN"
    assert {"NSEC", "RRSIG", "SOA"} <= rtypes(ours, "AUTHORITY")


def test_dnssec_dnskey(server):
    ours, _ = compare(server, "+dnssec", "query.test", "DNSKEY")
    assert rtypes(ours, "ANSWER") == {"DNSKEY", "RRSIG"}


def test_tcp(server):
    ours, _ = compare(server, "+tcp", "www.query.test", "A")
    assert ours["proto"] == "TCP" and not ours["retried_tcp"]


def test_truncated_udp_retries_over_tcp(server):
    ours, theirs = compare(server, "big.query.test", "TXT")
    assert ours["retried_tcp"] and theirs["retried_tcp"]
    assert ours["proto"] == "TCP" and ours["size"] > 1232
    assert len(ours["sections"]["ANSWER"]) == len(BIG_TXT) and "tc" not in ours["flags"]


def test_truncated_ignored(server):
    ours, _ = compare(server, "+ignore", "big.query.test", "TXT")
    assert "tc" in ours["flags"] and ours["proto"] == "UDP" and not ours["retried_tcp"]
    assert len(ours["sections"]["ANSWER"]) < len(BIG_TXT)


def test_bufsize_avoids_truncation(server):
    ours, _ = compare(server, "+bufsize=4096", "big.query.test", "TXT")
    assert ours["proto"] == "UDP" and "tc" not in ours["flags"]
    assert len(ours["sections"]["ANSWER"]) == len(BIG_TXT)


def test_norec_and_cd(server):
    # NSD 4.6 does not echo CD; test_query_wire checks that it is sent.
    ours, _ = compare(server, "+norec", "+cd", "www.query.test", "A")
    assert "rd" not in ours["flags"]


def test_recursion_warning(server):
    r = query(server, "www.query.test")
    assert ";; WARNING: recursion requested but not available" in r.stdout
    r = query(server, "+norec", "www.query.test")
    assert "WARNING" not in r.stdout


def test_chaos_class(server):
    r = query(server, "-c", "CH", "version.bind", "TXT")
    r2 = query(server, "version.bind", "TXT", "CH")  # dig's positional form works too
    theirs = parse(dig(server, "version.bind", "TXT", "CH"))
    assert theirs["status"] == "NOERROR"
    assert semantic(parse(r.stdout)) == semantic(parse(r2.stdout)) == semantic(theirs)


def test_short(server):
    for args in (["www.query.test"], ["query.test", "MX"], ["txt.query.test", "TXT"],
                 ["+dnssec", "www.query.test", "A"], ["nope.query.test"]):
        r = query(server, "+short", *args)
        assert r.returncode == 0, r.stderr
        d = dig(server, "+short", *args)
        qtype = args[-1] if args[-1].isupper() else "A"

        def norm(text):
            out = []
            for line in text.splitlines():
                typ = "RRSIG" if line.startswith(qtype + " ") and qtype != "TXT" else qtype
                out.append(dns.rdata.from_text("IN", typ, line))
            return sorted(out, key=repr)
        assert norm(r.stdout) == norm(d), (r.stdout, d)
    assert query(server, "+short", "nope.query.test").stdout == ""


def test_json(server):
    r = query(server, "+json", "+dnssec", "nope.query.test")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    theirs = parse(dig(server, "+dnssec", "nope.query.test"))
    assert j["status"] == theirs["status"] == "NXDOMAIN"
    assert set(j["flags"]) == theirs["flags"] and j["edns"]["do"] is True
    got = sorted((dns.name.from_text(x["name"]), x["ttl"], x["class"], x["type"],
                  dns.rdata.from_text(x["class"], x["type"], x["data"])) for x in j["authority"])
    assert sorted(got, key=repr) == theirs["sections"]["AUTHORITY"]


def test_ipv6_server(server):
    if not server["v6"]:
        pytest.skip("::1 not bindable here")
    r = query(server, "www.query.test", server="::1")
    assert r.returncode == 0, r.stdout + r.stderr
    p = parse(r.stdout)
    assert p["server"] == f"::1#{server['port']}"
    assert [str(x[4]) for x in p["sections"]["ANSWER"]] == ["192.0.2.1"]


# ---- failure paths -----------------------------------------------------------


def test_silent_server_exits_9_within_timeout():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))  # bound, never answers
    try:
        t0 = time.monotonic()
        r = run_signet("query", "@127.0.0.1", "-p", str(s.getsockname()[1]), "+timeout=1",
                       "+tries=2", "www.query.test", timeout=30)
        elapsed = time.monotonic() - t0
    finally:
        s.close()
    assert r.returncode == 9, r.stdout + r.stderr
    assert r.stdout.count("timed out") == 2 and "no servers could be reached" in r.stdout
    assert 1.8 <= elapsed < 3.5, elapsed


def test_refused_port_exits_9_quickly():
    port = lab.free_port("127.0.0.1")
    t0 = time.monotonic()
    r = run_signet("query", "@127.0.0.1", "-p", str(port), "+timeout=3", "x.test")
    assert r.returncode == 9 and "connection refused" in r.stdout
    assert time.monotonic() - t0 < 2.0


def test_tcp_silent_server_exits_9():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(4)  # accepts (kernel backlog) but never answers
    try:
        r = run_signet("query", "@127.0.0.1", "-p", str(s.getsockname()[1]), "+tcp",
                       "+timeout=1", "+tries=1", "x.test", timeout=30)
    finally:
        s.close()
    assert r.returncode == 9 and "timed out" in r.stdout


def _fake_server(replies, seen=None):
    """A UDP server answering one query with the replies made by each
    function in `replies` (query -> wire), in order; the query's wire form
    is appended to `seen`. Returns (port, thread)."""
    seen = [] if seen is None else seen
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(10)

    def serve():
        try:
            data, peer = s.recvfrom(65535)
            seen.append(data)
            for make in replies:
                s.sendto(make(dns.message.from_wire(data)), peer)
                time.sleep(0.05)
        except OSError:
            pass
        finally:
            s.close()
    port = s.getsockname()[1]
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return port, t


def _answer(q, qname=None, qid=None, addr="192.0.2.99"):
    r = dns.message.make_response(q)
    if qname:
        r.question[0].name = dns.name.from_text(qname)
        r.question = [r.question[0]]
    if qid is not None:
        r.id = qid
    rrset = r.find_rrset(r.answer, r.question[0].name, dns.rdataclass.IN, dns.rdatatype.A,
                         create=True)
    rrset.add(dns.rdata.from_text("IN", "A", addr), 60)
    return r.to_wire()


def test_reply_must_match_id_and_question():
    bad_id = lambda q: _answer(q, qid=(q.id + 1) & 0xFFFF, addr="192.0.2.1")
    bad_q = lambda q: _answer(q, qname="other.test.", addr="192.0.2.2")
    good = lambda q: _answer(q, addr="192.0.2.3")
    port, t = _fake_server([bad_id, bad_q, good])
    r = run_signet("query", "@127.0.0.1", "-p", str(port), "+timeout=3", "+tries=1", "x.test")
    t.join(5)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ID mismatch" in r.stdout and "question section mismatch" in r.stdout
    p = parse(r.stdout)
    assert [str(x[4]) for x in p["sections"]["ANSWER"]] == ["192.0.2.3"]


def test_only_mismatched_replies_is_no_answer():
    port, t = _fake_server([lambda q: _answer(q, qid=(q.id + 7) & 0xFFFF)])
    r = run_signet("query", "@127.0.0.1", "-p", str(port), "+timeout=1", "+tries=1", "x.test")
    t.join(5)
    assert r.returncode == 9, r.stdout
    assert "192.0.2.99" not in r.stdout


@pytest.mark.parametrize("args,flags,edns", [
    ([], dns.flags.RD | dns.flags.AD, (1232, 0)),
    (["+dnssec", "+cd", "+norec", "+noadflag"], dns.flags.CD, (1232, dns.flags.DO)),
    (["+bufsize=4000", "+nsid"], dns.flags.RD | dns.flags.AD, (4000, 0)),
    (["+noedns"], dns.flags.RD | dns.flags.AD, None),
])
def test_query_wire(args, flags, edns):
    """What signet sends: header flags, EDNS, the question, a random ID."""
    ids = set()
    for _ in range(3):
        seen = []
        port, t = _fake_server([lambda q: _answer(q)], seen)
        r = run_signet("query", "@127.0.0.1", "-p", str(port), "+timeout=3", *args, "X.test",
                       "AAAA")
        t.join(5)
        assert r.returncode == 0, r.stdout + r.stderr
        q = dns.message.from_wire(seen[0])
        ids.add(q.id)
        assert q.flags == flags and q.opcode() == 0
        assert [(x.name.to_text(), x.rdtype, x.rdclass) for x in q.question] == [
            ("X.test.", dns.rdatatype.AAAA, dns.rdataclass.IN)]
        assert not q.answer and not q.authority and not q.additional
        if edns is None:
            assert q.edns == -1
        else:
            assert q.edns == 0 and (q.payload, q.ednsflags) == edns
            assert [o.otype for o in q.options] == ([3] if "+nsid" in args else [])
    assert len(ids) > 1  # getrandom IDs (3 equal draws: p = 2^-32)


@pytest.mark.parametrize("args", [
    ["+bogus", "x.test"], ["-p", "0", "x.test"], ["-p", "abc", "x.test"], ["-p"],
    ["-t", "NOTATYPE", "x.test"], [], ["x.test", "A", "extra"], ["-z", "x.test"],
    ["+bufsize=70000", "x.test"], ["+timeout=soon", "x.test"], ["+dnssec", "+noedns", "x.test"],
    ["bad..name"],
])
def test_bad_usage_exits_2(args):
    r = run_signet("query", "@127.0.0.1", *args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert r.stderr.startswith("signet query: ")


def test_help():
    r = run_signet("query", "--help")
    assert r.returncode == 0 and "usage: signet query" in r.stdout and "+[no]dnssec" in r.stdout


def test_default_server_from_resolv_conf():
    first = None
    for line in open("/etc/resolv.conf"):
        f = line.split()
        if len(f) >= 2 and f[0] == "nameserver":
            first = f[1]
            break
    if first is None:
        pytest.skip("no nameserver in /etc/resolv.conf")
    r = run_signet("query", "+timeout=1", "+tries=1", "+norec", "x.test", timeout=30)
    assert r.returncode in (0, 9), r.stdout + r.stderr
    assert f"{first}#53" in r.stdout, r.stdout
