"""signetd's answers, case by case (issue 4, "Serving" and "With the DO bit").

One zone with everything RFC 1034 §4.3.2 distinguishes — a secure and an
insecure delegation with glue, wildcards (one an empty non-terminal),
CNAME chains (into delegations, to nowhere, in a loop), DNAMEs, empty
non-terminals, names outside the zone — signed with NSEC, NSEC3 and NSEC3
opt-out, each once by `signet sign` (served as is) and once by signetd
itself on load (key-dir; the content is then read back by AXFR): the
module runs six times. Plus an unsigned zone whose SOA TTL is below its
MINIMUM. Each case is asked with dnspython and with kdig, over UDP and
TCP, with and without DO, and checked against the zone itself: RCODE, AA,
the exact answer and authority RRsets (RDATA and TTL from the zone),
RRSIGs (verified with dnspython) with DO and none without, and the denial
records — each NSEC/NSEC3 is checked to match or cover the name it must
(the NSEC3 hashes computed here), and no other is sent.

Run: SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_signetd_answers.py
"""

import socket
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import dns.dnssec
import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest

import lab

BUILD_SIGNET = lab.signetd_binary().parent / "signet"

pytestmark = pytest.mark.skipif(not lab.signetd_binary().is_file() or bool(lab.need_tools("kdig")),
                                reason="needs signetd (SIGNET_BUILD) and kdig")

ORIGIN = dns.name.from_text("example.org.")
NET = dns.name.from_text("example.net.")

# SOA TTL 3600, MINIMUM 300: negative TTL 300 (RFC 2308 §3, RFC 9077 for NSEC).
ZONE = """$ORIGIN example.org.
$TTL 3600
@          IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@          NS    ns1
@          NS    ns2.example.com.
@          MX    10 mail
ns1        A     192.0.2.1
mail       A     192.0.2.25
www        A     192.0.2.80
www        AAAA  2001:db8::80
www        TXT   "web"
sec        NS    ns.sec
sec        NS    ns1
sec        DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns.sec     A     192.0.2.53
ns.sec     AAAA  2001:db8::53
insec      NS    ns.insec
insec      NS    ns.example.com.
ns.insec   A     192.0.2.54
*.wild     A     192.0.2.99
*.wild     TXT   "wild"
c1         CNAME c2
c2         CNAME www
cwild      CNAME x.wild
cext       CNAME www.example.com.
cnx        CNAME nothere
dn         DNAME dtarget
x.dtarget  A     192.0.2.7
a.b.ent    A     192.0.2.9
*.wc       CNAME www
x.*.ew     A     192.0.2.12
cdeleg     CNAME www.sec
cinsec     CNAME www.insec
dn2        DNAME sec
loop1      CNAME loop2
loop2      CNAME loop1
*.wcnx     CNAME nothere
d.optent   NS    ns.example.com.
big        TXT   "{big}"
cbig       CNAME big
mid        TXT   "{mid}"
"""
BIG = ["%02d" % i + "x" * 150 for i in range(12)]  # about 1850 octets: more than 1232
MID = ["%02d" % i + "m" * 150 for i in range(5)]  # about 800 octets: between 512 and 1232


def zone_text():
    return ZONE.replace('"{big}"', " ".join(f'"{b}"' for b in BIG)).replace(
        '"{mid}"', " ".join(f'"{m}"' for m in MID))


# Unsigned, SOA TTL 120 below MINIMUM 600: negative TTL 120.
NET_ZONE = """$ORIGIN example.net.
$TTL 3600
@    120 IN SOA ns1 hostmaster 1 7200 3600 1209600 600
@    NS  ns1
ns1  A   192.0.2.1
"""

# signed by `signet sign` and served as is, or signed by signetd on load
# (key-dir in its configuration; the zone content is then read by AXFR)
MODES = ["nsec", "nsec3", "optout", "auto-nsec", "auto-nsec3", "auto-optout"]


def n(text):
    """A name relative to example.org (absolute when it ends with a dot)."""
    return dns.name.from_text(text, ORIGIN)


@dataclass
class Served:
    mode: str
    addr: str
    port: int
    zone: dns.zone.Zone
    keys: dict
    nsec3param: object = None
    nsec3: dict = field(default_factory=dict)  # hash (bytes) -> (owner, rdata)
    auto: bool = False  # signed by signetd on load

    def query(self, name, rdtype, do=False, tcp=False, payload=1232, edns=0):
        q = dns.message.make_query(name, rdtype, want_dnssec=do)
        q.use_edns(edns, dns.flags.DO if do else 0, payload)  # make_query reads 1 as True
        q.flags &= ~dns.flags.RD
        if tcp:
            return dns.query.tcp(q, self.addr, port=self.port, timeout=3)
        return udp_exchange(q.to_wire(), self.addr, self.port)[1]


def udp_exchange(wire, addr, port, timeout=2.0):
    """Sends wire over UDP; returns (raw response or None, parsed or None;
    None too when dnspython cannot read it, e.g. an unassigned opcode)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, (addr, port))
        try:
            data, _ = s.recvfrom(65535)
        except socket.timeout:
            return None, None
    try:
        return data, dns.message.from_wire(data)
    except (dns.exception.DNSException, ValueError):
        return data, None


def nsec3_hash(name, p):
    """The raw SHA-1 NSEC3 hash of name (dnspython gives it in base32hex)."""
    text = dns.dnssec.nsec3_hash(name, p.salt if p.salt else None, p.iterations, p.algorithm)
    return b32(text.encode())


class AutoSignetd(lab._AuthServer):
    """signetd from a configuration file signing example.org on load."""

    def __init__(self, workdir, addr, port, d, mode):
        self.addr, self.port, self.dir = addr, port, Path(workdir)
        self.zones = {"example.org.": None, "example.net.": None}
        self.dir.mkdir(parents=True, exist_ok=True)
        denial = "nsec" if mode == "nsec" else "nsec3"
        self.conf = self.dir / "signetd.yaml"
        self.conf.write_text(
            f'listen: ["{addr}@{port}"]\n'
            "zones:\n"
            f"  - name: example.org\n    file: {d / 'ex.zone'}\n    key-dir: {d / 'keys'}\n"
            f"    denial: {denial}\n"
            f"    nsec3: {{opt-out: {'true' if mode == 'optout' else 'false'}}}\n"
            '    allow-transfer: ["127.0.0.0/8"]\n'
            f"  - name: example.net\n    file: {d / 'net.zone'}\n")

    def start(self, timeout=30.0):
        self._start("signetd", [lab.signetd_binary(), "-c", self.conf], timeout)
        # served once signed: wait for the DNSKEY RRset (the signer may run
        # after the first answers)
        deadline = time.monotonic() + timeout
        while not lab.wait_answer(self.addr, self.port, ORIGIN, "DNSKEY", timeout,
                                  self.proc).answer:
            if time.monotonic() > deadline:
                self.stop()
                raise lab.LabError("signetd did not sign example.org")
            time.sleep(0.05)
        return self


@pytest.fixture(scope="module", params=MODES)
def served(request, tmp_path_factory):
    auto = request.param.startswith("auto-")
    mode = request.param.replace("auto-", "")
    d = tmp_path_factory.mktemp(f"answers-{request.param}")
    (d / "ex.zone").write_text(zone_text())
    (d / "net.zone").write_text(NET_ZONE)
    keys = d / "keys"
    keys.mkdir()
    addr = "127.0.0.1"
    if auto:  # signetd makes the keys and signs
        port = lab.free_port(addr)
        srv = AutoSignetd(d / "srv", addr, port, d, mode).start()
        try:
            zone = dns.zone.from_xfr(dns.query.xfr(addr, ORIGIN, port=port, timeout=10,
                                                   relativize=False),
                                     relativize=False)
        except BaseException:
            srv.stop()
            raise
    else:
        for extra in (["--ksk"], []):
            lab.run([BUILD_SIGNET, "keygen", *extra, "-K", keys, "example.org."])
        args = {"nsec": [], "nsec3": ["--nsec3"], "optout": ["--nsec3", "--opt-out"]}[mode]
        lab.run([BUILD_SIGNET, "sign", "-q", "-K", keys, *args, "-o", d / "signed.zone",
                 d / "ex.zone"])
        zone = dns.zone.from_file(str(d / "signed.zone"), origin=ORIGIN, relativize=False)
        port = lab.free_port(addr)  # just before the start: other tests pick ports too
        srv = lab.Signetd(d / "srv", addr, port, {"example.org.": d / "signed.zone",
                                                   "example.net.": d / "net.zone"})
        srv.start()
    try:
        s = describe(mode, zone, addr, port)
        s.auto = auto
        # the zone exercises what it is meant to: opt-out leaves the
        # insecure delegations and the ENT above one out of the chain
        if mode != "nsec":
            unchained = {nm for nm in (n("insec"), n("optent"), n("d.optent"), n("sec"))
                         if nsec3_hash(nm, s.nsec3param) not in s.nsec3}
            assert unchained == ({n("insec"), n("optent"), n("d.optent")}
                                 if mode == "optout" else set())
        yield s
    finally:
        srv.stop()


def describe(mode, zone, addr, port):
    """A Served for a signed zone: its DNSKEY RRset and NSEC3 chain."""
    s = Served(mode, addr, port, zone, {ORIGIN: zone.find_rrset(ORIGIN, dns.rdatatype.DNSKEY)})
    if mode != "nsec":
        s.nsec3param = zone.find_rdataset(ORIGIN, dns.rdatatype.NSEC3PARAM)[0]
        for name, node in zone.nodes.items():
            rds = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NSEC3)
            if rds:
                s.nsec3[b32(name.labels[0])] = (name, rds[0])
    return s


_B32HEX = "0123456789ABCDEFGHIJKLMNOPQRSTUV"


def b32(label):
    """base32hex (RFC 4648 §7) of an NSEC3 owner label, decoded."""
    bits = 0
    acc = 0
    out = bytearray()
    for ch in label.decode().upper():
        acc = (acc << 5) | _B32HEX.index(ch)
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    return bytes(out)


# ---- what the zone says ------------------------------------------------------


def zone_rrset(zone, owner, rdtype, covers=dns.rdatatype.NONE):
    return zone.find_rrset(owner, rdtype, covers)


def existing_names(zone):
    """Names that exist in the zone (RFC 4592 §2.2.2): owners (not NSEC3
    hashed ones), and every empty non-terminal above them."""
    names = set()
    for name, node in zone.nodes.items():
        types = {r.rdtype for r in node}
        if types <= {dns.rdatatype.NSEC3, dns.rdatatype.RRSIG}:
            continue
        while name != ORIGIN and name.is_subdomain(ORIGIN):
            names.add(name)
            name = name.parent()
        names.add(ORIGIN)
    return names


def closest_encloser(zone, name):
    ex = existing_names(zone)
    while name not in ex:
        name = name.parent()
    return name


def next_closer(name, ce):
    return dns.name.Name(name.labels[-(len(ce.labels) + 1):])


# ---- denial proofs -------------------------------------------------------------


def nsec_covers(owner, rd, name):
    """owner < name < next in canonical order (the last NSEC wraps, RFC 4034 §4.1.1)."""
    nxt = rd.next
    if nxt == ORIGIN:
        return owner < name
    return owner < name < nxt


def nsec3_covers(h_owner, rd, h):
    nxt = rd.next
    if nxt <= h_owner:  # the last NSEC3 wraps around (RFC 5155 §3.1.7)
        return h > h_owner or h < nxt
    return h_owner < h < nxt


def proof_requirements(s, kind, qname, qtype):
    """The denial records RFC 4035 §3.1.3 / RFC 5155 §7.2 require for a case:
    a list of (how, name) with how = match | cover | cover-optout."""
    z = s.zone
    if kind is None:
        return []

    def has_nsec3(name):
        h = nsec3_hash(name, s.nsec3param)
        return h in s.nsec3

    def match3(name):
        """The NSEC3 matching name; in an opt-out zone a name without one
        (an empty non-terminal above insecure delegations only, or the
        cut itself) gets the closest provable encloser proof instead, its
        next closer name covered by an opt-out NSEC3 (RFC 5155 §7.2.3, §7.2.4)."""
        if has_nsec3(name):
            return [("match", name)]
        assert s.mode == "optout", f"test zone: no NSEC3 for {name}"
        cpe = name.parent()
        while not has_nsec3(cpe):
            cpe = cpe.parent()
        return [("match", cpe), ("cover-optout", next_closer(name, cpe))]

    if kind == "nodata":  # RFC 4035 §3.1.3.1, RFC 5155 §7.2.3
        return [("match", qname)] if s.mode == "nsec" else match3(qname)
    if kind == "ent":  # RFC 4035 §3.1.3.2 (no NSEC at an ENT: the one whose span holds it)
        return [("ent", qname)] if s.mode == "nsec" else match3(qname)
    if kind == "nods":  # RFC 4035 §3.1.4 / RFC 5155 §7.2.7 (§7.2.4 for a DS query)
        return [("match", qname)] if s.mode == "nsec" else match3(qname)
    ce = closest_encloser(z, qname)
    if s.mode != "nsec":
        while not has_nsec3(ce):  # the closest *provable* encloser (opt-out)
            ce = ce.parent()
    wild = dns.name.Name((b"*",) + ce.labels)
    nc = next_closer(qname, ce)
    if kind == "nx":  # RFC 4035 §3.1.3.2, RFC 5155 §7.2.2
        if s.mode == "nsec":
            return [("cover", qname), ("cover", wild)]
        return [("match", ce), ("cover", nc), ("cover", wild)]
    if kind == "wild":  # RFC 4035 §3.1.3.3, RFC 5155 §7.2.6
        return [("cover", qname)] if s.mode == "nsec" else [("cover", nc)]
    if kind == "wildnodata":  # RFC 4035 §3.1.3.4, RFC 5155 §7.2.5
        if s.mode == "nsec":
            # a wildcard that is an empty non-terminal owns no NSEC: the one
            # covering it, with a next name below it, shows it has no data
            has_nsec = z.get_node(wild) is not None and \
                z.get_node(wild).get_rdataset(dns.rdataclass.IN, dns.rdatatype.NSEC)
            return [("cover", qname), ("match" if has_nsec else "ent", wild)]
        return [("match", ce), ("cover", nc), ("match", wild)]
    raise ValueError(kind)


def check_proof(s, resp, kind, qname, qtype):
    """The NSEC/NSEC3 RRsets of the authority section are exactly a proof of
    `kind` for qname: every requirement met by one of them, none extra, the
    bitmaps of the matching ones without the denied type."""
    check_proofs(s, resp, [(kind, qname)], qtype)


def check_proofs(s, resp, proofs, qtype):
    """check_proof for several proofs in one response (a wildcard CNAME
    whose target does not exist needs two, RFC 4035 §3.1.3)."""
    rtype = dns.rdatatype.NSEC if s.mode == "nsec" else dns.rdatatype.NSEC3
    recs = [rr for rr in resp.authority if rr.rdtype == rtype]
    assert all(len(rr) == 1 for rr in recs)
    reqs = [(how, name, kind, qname) for kind, qname in proofs
            for how, name in proof_requirements(s, kind, qname, qtype)]
    used = set()
    for how, name, kind, qname in reqs:
        ok = False
        for i, rr in enumerate(recs):
            rd = rr[0]
            if rtype == dns.rdatatype.NSEC:
                if how == "match" and rr.name == name:
                    types = {t for w, b in rd.windows for t in _bitmap(w, b)}
                    if kind in ("nodata", "wildnodata"):
                        assert qtype not in types and dns.rdatatype.CNAME not in types, rr
                    if kind == "nods":
                        assert dns.rdatatype.NS in types and dns.rdatatype.DS not in types
                    ok = True
                elif how == "cover" and nsec_covers(rr.name, rd, name):
                    ok = True
                elif how == "ent" and nsec_covers(rr.name, rd, name) and \
                        rd.next.is_subdomain(name) and rd.next != name:
                    ok = True  # name is an empty non-terminal
            else:
                h = nsec3_hash(name, s.nsec3param)
                ho = b32(rr.name.labels[0])
                assert rr.name.parent() == ORIGIN
                if how == "match" and ho == h:
                    types = {t for w, b in rd.windows for t in _bitmap(w, b)}
                    if kind in ("nodata", "wildnodata") and name == qname:
                        assert qtype not in types and dns.rdatatype.CNAME not in types, rr
                    if kind == "nods" and s.mode != "optout":
                        assert dns.rdatatype.NS in types and dns.rdatatype.DS not in types
                    ok = True
                elif how in ("cover", "cover-optout") and nsec3_covers(ho, rd, h):
                    if how == "cover-optout":
                        assert rd.flags & 1, f"{rr} covers {name} without opt-out"
                    ok = True
            if ok:
                used.add(i)
                break
        assert ok, f"no {rtype!s} to {how} {name} in:\n{resp.to_text()}"
    extra = [recs[i] for i in range(len(recs)) if i not in used]
    assert not extra, f"denial records beyond the proof: {extra}\n{resp.to_text()}"


def _bitmap(window, bitmap):
    for i, byte in enumerate(bitmap):
        for bit in range(8):
            if byte & (0x80 >> bit):
                yield window * 256 + i * 8 + bit


# ---- the cases ---------------------------------------------------------------------

NEG = 300  # min(SOA TTL 3600, MINIMUM 300)


@dataclass
class Case:
    id: str
    qname: str
    qtype: str
    rcode: int = dns.rcode.NOERROR
    aa: bool = True
    # (owner, type, source owner in the zone or None = owner, or "synth:<target>")
    answer: list = field(default_factory=list)
    authority: list = field(default_factory=list)  # (owner, type): SOA, NS, DS
    additional: list = None  # (owner, type) exactly; None: not checked
    proof: tuple = None  # (kind, name)


SOA = [("@", "SOA")]

CASES = [
    Case("apex-soa", "example.org.", "SOA", answer=[("@", "SOA")]),
    Case("apex-ns", "example.org.", "NS", answer=[("@", "NS")],
         additional=[("ns1", "A")]),  # RFC 1034 §4.3.2 step 6; ns2 is out of zone
    Case("apex-mx", "example.org.", "MX", answer=[("@", "MX")], additional=[("mail", "A")]),
    Case("a", "www", "A", answer=[("www", "A")]),
    Case("aaaa", "www", "AAAA", answer=[("www", "AAAA")]),
    Case("txt", "www", "TXT", answer=[("www", "TXT")]),
    Case("dnskey", "example.org.", "DNSKEY", answer=[("@", "DNSKEY")]),
    Case("nodata", "www", "MX", authority=SOA, proof=("nodata", "www")),
    Case("nodata-apex", "example.org.", "SRV", authority=SOA, proof=("nodata", "@")),
    Case("nxdomain", "nope", "A", rcode=dns.rcode.NXDOMAIN, authority=SOA, proof=("nx", "nope")),
    Case("nxdomain-deep", "a.b.nope", "A", rcode=dns.rcode.NXDOMAIN, authority=SOA,
         proof=("nx", "a.b.nope")),
    Case("nxdomain-below-name", "x.www", "A", rcode=dns.rcode.NXDOMAIN, authority=SOA,
         proof=("nx", "x.www")),
    Case("ent", "ent", "A", authority=SOA, proof=("ent", "ent")),
    Case("ent-inner", "b.ent", "TXT", authority=SOA, proof=("ent", "b.ent")),
    Case("below-ent", "a.b.ent", "A", answer=[("a.b.ent", "A")]),
    Case("wildcard", "x.wild", "A", answer=[("x.wild", "A", "*.wild")], proof=("wild", "x.wild")),
    Case("wildcard-deep", "a.b.wild", "TXT", answer=[("a.b.wild", "TXT", "*.wild")],
         proof=("wild", "a.b.wild")),
    Case("wildcard-nodata", "x.wild", "MX", authority=SOA, proof=("wildnodata", "x.wild")),
    Case("wildcard-parent-ent", "wild", "A", authority=SOA, proof=("ent", "wild")),
    # the wildcard *.ew is itself an empty non-terminal (x.*.ew exists):
    # a.ew matches it and gets NODATA (RFC 4592 §4.1)
    Case("wildcard-ent-nodata", "a.ew", "A", authority=SOA, proof=("wildnodata", "a.ew")),
    Case("below-ent-wildcard", "x.*.ew", "A", answer=[("x.*.ew", "A")]),
    Case("wildcard-itself", "*.wild", "A", answer=[("*.wild", "A")]),
    Case("cname-chain", "c1", "A", answer=[("c1", "CNAME"), ("c2", "CNAME"), ("www", "A")]),
    Case("cname-query", "c1", "CNAME", answer=[("c1", "CNAME")]),
    Case("cname-to-wildcard", "cwild", "A",
         answer=[("cwild", "CNAME"), ("x.wild", "A", "*.wild")], proof=("wild", "x.wild")),
    Case("cname-to-nxdomain", "cnx", "A", rcode=dns.rcode.NXDOMAIN, answer=[("cnx", "CNAME")],
         authority=SOA, proof=("nx", "nothere")),  # RFC 6604 §2.1
    Case("cname-out-of-zone", "cext", "A", answer=[("cext", "CNAME")]),
    Case("cname-chain-nodata", "c1", "MX", answer=[("c1", "CNAME"), ("c2", "CNAME")],
         authority=SOA, proof=("nodata", "www")),
    Case("dname", "x.dn", "A", answer=[("dn", "DNAME"), ("x.dn", "CNAME", "synth:x.dtarget"),
                                       ("x.dtarget", "A")]),
    Case("dname-nxdomain", "y.dn", "A", rcode=dns.rcode.NXDOMAIN,
         answer=[("dn", "DNAME"), ("y.dn", "CNAME", "synth:y.dtarget")], authority=SOA,
         proof=("nx", "y.dtarget")),
    Case("dname-owner", "dn", "DNAME", answer=[("dn", "DNAME")]),
    # QTYPE CNAME: the synthesized CNAME answers it (RFC 6672 §3.2 with
    # RFC 1034 §4.3.2 step 3a), whether or not its target exists
    Case("dname-cname-query", "x.dn", "CNAME",
         answer=[("dn", "DNAME"), ("x.dn", "CNAME", "synth:x.dtarget")]),
    Case("dname-cname-query-nx", "y.dn", "CNAME",
         answer=[("dn", "DNAME"), ("y.dn", "CNAME", "synth:y.dtarget")]),
    # the wildcard's own name asked literally is an ordinary name (RFC 4592 §3.3.1)
    Case("wildcard-itself-nodata", "*.wild", "MX", authority=SOA, proof=("nodata", "*.wild")),
    Case("referral-secure", "www.sec", "A", aa=False, authority=[("sec", "NS"), ("sec", "DS")],
         additional=[("ns.sec", "A"), ("ns.sec", "AAAA"), ("ns1", "A")]),
    Case("referral-secure-at-cut", "sec", "NS", aa=False,
         authority=[("sec", "NS"), ("sec", "DS")],
         additional=[("ns.sec", "A"), ("ns.sec", "AAAA"), ("ns1", "A")]),
    Case("referral-glue-name", "ns.sec", "A", aa=False, authority=[("sec", "NS"), ("sec", "DS")],
         additional=[("ns.sec", "A"), ("ns.sec", "AAAA"), ("ns1", "A")]),
    Case("referral-insecure", "www.insec", "A", aa=False, authority=[("insec", "NS")],
         additional=[("ns.insec", "A")], proof=("nods", "insec")),
    Case("ds-secure", "sec", "DS", answer=[("sec", "DS")]),
    # chains that lead into delegations: the CNAME (authoritative, so AA,
    # RFC 1034 §4.3.2 and §6.2.7 example), then the referral
    Case("cname-to-secure-delegation", "cdeleg", "A", answer=[("cdeleg", "CNAME")],
         authority=[("sec", "NS"), ("sec", "DS")],
         additional=[("ns.sec", "A"), ("ns.sec", "AAAA"), ("ns1", "A")]),
    Case("cname-to-insecure-delegation", "cinsec", "A", answer=[("cinsec", "CNAME")],
         authority=[("insec", "NS")], additional=[("ns.insec", "A")], proof=("nods", "insec")),
    Case("dname-to-delegation", "x.dn2", "A",
         answer=[("dn2", "DNAME"), ("x.dn2", "CNAME", "synth:x.sec")],
         authority=[("sec", "NS"), ("sec", "DS")],
         additional=[("ns.sec", "A"), ("ns.sec", "AAAA"), ("ns1", "A")]),
    Case("cname-loop", "loop1", "A", answer=[("loop1", "CNAME"), ("loop2", "CNAME")]),
    Case("wildcard-cname-to-nxdomain", "x.wcnx", "A", rcode=dns.rcode.NXDOMAIN,
         answer=[("x.wcnx", "CNAME", "*.wcnx")], authority=SOA,
         proof=[("wild", "x.wcnx"), ("nx", "nothere")]),
    Case("ds-below-cut", "www.sec", "DS", aa=False, authority=[("sec", "NS"), ("sec", "DS")],
         additional=[("ns.sec", "A"), ("ns.sec", "AAAA"), ("ns1", "A")]),
    Case("wildcard-cname", "x.wc", "A", answer=[("x.wc", "CNAME", "*.wc"), ("www", "A")],
         proof=("wild", "x.wc")),
    Case("ent-above-insecure", "optent", "A", authority=SOA, proof=("ent", "optent")),
    Case("referral-below-ent", "www.d.optent", "A", aa=False, authority=[("d.optent", "NS")],
         additional=[], proof=("nods", "d.optent")),
    Case("nxdomain-below-ent", "x.optent", "AAAA", rcode=dns.rcode.NXDOMAIN, authority=SOA,
         proof=("nx", "x.optent")),
    Case("ds-insecure", "insec", "DS", authority=SOA, proof=("nods", "insec")),
    Case("any-name", "www", "ANY", answer=None),  # checked in test_minimal_any
]


def expected_answer(s, case, qname):
    """[(owner, rdtype, rdataset)] of the answer section, from the zone."""
    out = []
    for item in case.answer:
        owner, rdtype = item[0], dns.rdatatype.from_text(item[1])
        src = item[2] if len(item) > 2 else None
        oname = qname if n(owner) == qname else n(owner)
        if src and src.startswith("synth:"):
            rr = dns.rrset.from_text(oname, 3600, "IN", "CNAME", n(src[6:]).to_text())
            out.append((oname, rdtype, rr))
        else:
            out.append((oname, rdtype, zone_rrset(s.zone, n(src or owner), rdtype)))
    return out


def sigs_of(section, name, rdtype):
    return [rr for rr in section if rr.rdtype == dns.rdatatype.RRSIG and rr.covers == rdtype
            and rr.name == name]


def check_case(s, case, resp, do):
    qname = n(case.qname)
    qtype = dns.rdatatype.from_text(case.qtype)
    assert resp.rcode() == case.rcode, resp.to_text()
    assert bool(resp.flags & dns.flags.AA) == case.aa, resp.to_text()
    assert not resp.flags & dns.flags.TC
    # the question, with the query's own case (set by the caller)
    assert resp.question[0].name.to_text() == qname.to_text() or case.qname != case.qname.lower()
    # answer: exactly the expected RRsets, RDATA and TTL as in the zone
    exp = expected_answer(s, case, qname)
    got = [rr for rr in resp.answer if rr.rdtype != dns.rdatatype.RRSIG]
    assert [(rr.name, rr.rdtype) for rr in got] == [(o, t) for o, t, _ in exp], resp.to_text()
    for rr, (_, _, want) in zip(got, exp):
        assert set(rr) == set(want), f"{rr} != {want}"
        assert rr.ttl == want.ttl, rr
    # authority: the SOA (negative TTL), NS, DS as expected
    dtypes = (dns.rdatatype.NSEC, dns.rdatatype.NSEC3, dns.rdatatype.RRSIG)
    got = [rr for rr in resp.authority if rr.rdtype not in dtypes]
    want_auth = [(n(o), dns.rdatatype.from_text(t)) for o, t in case.authority]
    if not do:
        want_auth = [w for w in want_auth if w[1] != dns.rdatatype.DS]
    assert sorted((rr.name, rr.rdtype) for rr in got) == sorted(want_auth), resp.to_text()
    for rr in got:
        want = zone_rrset(s.zone, rr.name, rr.rdtype)
        assert set(rr) == set(want), rr
        if rr.rdtype == dns.rdatatype.SOA:
            assert rr.ttl == NEG, f"negative TTL {rr.ttl}, want min(SOA TTL, MINIMUM) = {NEG}"
        else:
            assert rr.ttl == want.ttl
    if case.additional is not None:
        got = {(rr.name, rr.rdtype) for rr in resp.additional
               if rr.rdtype not in (dns.rdatatype.RRSIG, dns.rdatatype.OPT)}
        assert got == {(n(o), dns.rdatatype.from_text(t)) for o, t in case.additional}, \
            resp.to_text()
        for rr in resp.additional:
            if rr.rdtype != dns.rdatatype.RRSIG:
                assert set(rr) == set(zone_rrset(s.zone, rr.name, rr.rdtype))
    sections = resp.answer + resp.authority + resp.additional
    dnssec_types = {dns.rdatatype.RRSIG, dns.rdatatype.NSEC, dns.rdatatype.NSEC3}
    if not do:
        # RFC 4035 §3.2.1: no DNSSEC records unless asked for by type
        assert not [rr for rr in sections if rr.rdtype in dnssec_types and rr.rdtype != qtype], \
            resp.to_text()
        return
    # DO: every authoritative RRset signed, each signature valid
    for sec in (resp.answer, resp.authority, resp.additional):
        for rr in sec:
            if rr.rdtype in (dns.rdatatype.RRSIG, dns.rdatatype.OPT):
                continue
            unsigned = (rr.rdtype == dns.rdatatype.NS and sec is resp.authority
                        and rr.name != ORIGIN)  # RFC 4035 §2.2: delegation NS
            cuts = [c.name for c in resp.authority
                    if c.rdtype == dns.rdatatype.NS and c.name != ORIGIN]
            unsigned |= sec is resp.additional and any(rr.name.is_subdomain(c) for c in cuts)
            # RFC 6672 §5.3.1: the CNAME synthesized from a DNAME is unsigned
            unsigned |= (rr.rdtype == dns.rdatatype.CNAME and
                         any(a.rdtype == dns.rdatatype.DNAME for a in resp.answer))
            sigs = sigs_of(sec, rr.name, rr.rdtype)
            if unsigned:
                assert not sigs, f"{rr} should not be signed"
                continue
            what = f"{rr.name} {dns.rdatatype.to_text(rr.rdtype)}"
            assert sigs, f"no RRSIG for {what}:\n{resp.to_text()}"
            dns.dnssec.validate(rr, sigs[0], s.keys)
            assert sigs[0].ttl == rr.ttl, "RRSIG TTL is that of the RRset (RFC 4034 §3)"
    if case.proof:
        proofs = case.proof if isinstance(case.proof, list) else [case.proof]
        check_proofs(s, resp, [(k, n(name)) for k, name in proofs], qtype)
    else:
        assert not [rr for rr in resp.authority
                    if rr.rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3)], resp.to_text()


# ---- kdig --------------------------------------------------------------------------


def kdig(s, name, rdtype, do=False, tcp=False, extra=(), bufsize=1232, retry_tcp=False):
    """kdig's reading of the response, as (rcode text, flags set, {section: set of RRsets}).
    retry_tcp: let kdig retry over TCP when truncated (its default; off here
    so that it reads the same UDP response as dnspython)."""
    cmd = ["kdig", f"@{s.addr}", "-p", str(s.port), "+norec", "+retry=1", "+time=3",
           f"+bufsize={bufsize}", *extra]
    if not retry_tcp:
        cmd.append("+ignore")
    if do:
        cmd.append("+dnssec")
    if tcp:
        cmd.append("+tcp")
    cmd += [str(name), rdtype]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout
    rcode = flags = None
    sections = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
    cur = None
    for line in out.splitlines():
        if "->>HEADER<<-" in line:
            rcode = line.split("status: ")[1].split(";")[0].strip()
        elif line.startswith(";; Flags:"):
            flags = set(line.split(";")[2].replace("Flags:", "").split())
        elif line.startswith(";; ") and line.rstrip().endswith("SECTION:"):
            w = line[3:].split()[0]
            cur = w if w in sections else None
        elif not line.strip():
            cur = None
        elif cur and not line.startswith(";"):
            fields = line.split(None, 4)
            owner, ttl, cls, typ, rdata = fields + [""] * (5 - len(fields))
            sections[cur].append(dns.rrset.from_text(owner, int(ttl), cls, typ, rdata))
    assert rcode is not None, out
    return rcode, flags, {k: rrsets_key(v) for k, v in sections.items()}


def rrsets_key(rrs):
    """A comparable form: {(name, type, covers, ttl, frozenset(rdata))} merging records."""
    acc = {}
    for rr in rrs:
        covers = rr.covers if rr.rdtype == dns.rdatatype.RRSIG else 0
        if rr.rdtype == dns.rdatatype.RRSIG:
            covers = rr[0].type_covered
        k = (rr.name.canonicalize(), rr.rdtype, covers, rr.ttl)
        acc.setdefault(k, set()).update(rr)
    return {(k, frozenset(v)) for k, v in acc.items()}


def pysections(resp):
    key = {}
    for label, sec in (("ANSWER", resp.answer), ("AUTHORITY", resp.authority),
                       ("ADDITIONAL", resp.additional)):
        key[label] = rrsets_key([rr for rr in sec if rr.rdtype != dns.rdatatype.OPT])
    return key


def assert_kdig_agrees(s, qname, qtype, resp, do):
    rcode, flags, secs = kdig(s, qname, qtype, do=do)
    assert rcode == dns.rcode.to_text(resp.rcode()), (rcode, resp.to_text())
    assert ("aa" in flags) == bool(resp.flags & dns.flags.AA)
    assert ("tc" in flags) == bool(resp.flags & dns.flags.TC)
    assert secs == pysections(resp), f"kdig and dnspython read different sections\n{resp.to_text()}"


# ---- tests -------------------------------------------------------------------------

@pytest.mark.parametrize("do", [False, True], ids=["plain", "do"])
@pytest.mark.parametrize("case", [c for c in CASES if c.answer is not None], ids=lambda c: c.id)
def test_answer(served, case, do):
    qname = n(case.qname)
    resp = served.query(qname, case.qtype, do=do)
    check_case(served, case, resp, do)
    if not served.auto:  # kdig reads the same wire format whoever signed
        assert_kdig_agrees(served, qname, case.qtype, resp, do)
    # over TCP: the same response
    tcp = served.query(qname, case.qtype, do=do, tcp=True)
    assert (tcp.rcode(), tcp.flags) == (resp.rcode(), resp.flags)
    assert pysections(tcp) == pysections(resp)


def test_query_name_case_preserved(served):
    for text, rdtype in (("WwW.ExAmPlE.oRg.", "A"), ("X.wIlD.Example.ORG.", "A"),
                         ("NoPe.ExAmPlE.oRg.", "A"), ("C1.example.ORG.", "A")):
        q = dns.message.make_query(text, rdtype, want_dnssec=True)
        wire, resp = udp_exchange(q.to_wire(), served.addr, served.port)
        qname = dns.name.from_text(text)
        assert resp.question[0].name.labels == qname.labels  # octet for octet
        if resp.answer:
            assert resp.answer[0].name.labels == qname.labels, resp.to_text()
        # the question octets themselves are the query's
        assert wire[12:12 + len(qname.to_wire())] == qname.to_wire()


def test_minimal_any(served):
    """RFC 8482 §4.1: one RRset of those at the name (with its RRSIGs with
    DO), never all of them; ANY for names that do not exist is a normal
    negative answer."""
    for name in ("www", "example.org.", "c1", "x.wild"):
        owner = n(name)
        src = n("*.wild") if name == "x.wild" else owner
        node = served.zone.get_node(src)
        present = {r.rdtype for r in node}
        for do in (False, True):
            resp = served.query(owner, "ANY", do=do)
            assert resp.rcode() == dns.rcode.NOERROR and resp.flags & dns.flags.AA
            data = [rr for rr in resp.answer if rr.rdtype != dns.rdatatype.RRSIG]
            assert len(data) == 1, resp.to_text()
            assert data[0].rdtype in present and data[0].name == owner
            assert set(data[0]) == set(served.zone.find_rrset(src, data[0].rdtype))
            sigs = sigs_of(resp.answer, owner, data[0].rdtype)
            assert bool(sigs) == do, resp.to_text()
            if do:
                dns.dnssec.validate(data[0], sigs[0], served.keys)
            assert_kdig_agrees(served, owner, "ANY", resp, do)
    resp = served.query(n("nope"), "ANY", do=True)
    assert resp.rcode() == dns.rcode.NXDOMAIN
    check_proof(served, resp, "nx", n("nope"), dns.rdatatype.ANY)


def test_dnssec_types_when_asked(served):
    """Without DO, RRSIG/NSEC/NSEC3PARAM come back when they are the QTYPE."""
    resp = served.query(n("www"), "RRSIG")
    assert resp.rcode() == dns.rcode.NOERROR and resp.flags & dns.flags.AA
    covered = {rd.type_covered for rr in resp.answer for rd in rr}
    assert {dns.rdatatype.A, dns.rdatatype.AAAA, dns.rdatatype.TXT} <= covered
    want = "NSEC" if served.mode == "nsec" else "NSEC3PARAM"
    owner = n("www") if want == "NSEC" else ORIGIN
    resp = served.query(owner, want)
    assert [rr.rdtype for rr in resp.answer] == [dns.rdatatype.from_text(want)], resp.to_text()


def test_negative_ttl_and_unsigned_zone(served):
    """example.net: SOA TTL 120 < MINIMUM 600, so the negative TTL is 120;
    the zone is unsigned, so DO adds nothing (RFC 4035 §3.1)."""
    for do in (False, True):
        for name, rdtype, rcode in (("nope.example.net.", "A", dns.rcode.NXDOMAIN),
                                    ("ns1.example.net.", "MX", dns.rcode.NOERROR)):
            resp = served.query(dns.name.from_text(name), rdtype, do=do)
            assert resp.rcode() == rcode and resp.flags & dns.flags.AA
            assert [(rr.name, rr.rdtype, rr.ttl) for rr in resp.authority] == \
                [(NET, dns.rdatatype.SOA, 120)], resp.to_text()
            assert not resp.answer


def test_refused_outside_zones(served):
    q = dns.message.make_query(n("www"), "A", rdclass="CH")
    _, resp = udp_exchange(q.to_wire(), served.addr, served.port)
    assert resp.rcode() == dns.rcode.REFUSED and not resp.answer  # our zones are class IN
    for name in ("example.com.", "www.example.com.", ".", "org."):
        for do in (False, True):
            resp = served.query(dns.name.from_text(name), "A", do=do)
            assert resp.rcode() == dns.rcode.REFUSED, resp.to_text()
            assert not resp.flags & dns.flags.AA
            assert not resp.answer and not resp.authority
        rcode, flags, _ = kdig(served, name, "A")
        assert rcode == "REFUSED" and "aa" not in flags


def test_edns(served):
    # BADVERS for EDNS version 1 (RFC 6891 §6.1.3), with an OPT of version 0
    resp = served.query(n("www"), "A", edns=1)
    assert resp.rcode() == dns.rcode.BADVERS, resp.to_text()
    assert resp.edns == 0 and not resp.answer
    rcode, _, _ = kdig(served, n("www"), "A", extra=["+edns=1"])
    assert rcode == "BADVERS"
    # unknown options ignored (RFC 6891 §6.1.2)
    q = dns.message.make_query(n("www"), "A", use_edns=0,
                               options=[dns.edns.GenericOption(65001, b"hello")])
    _, resp = udp_exchange(q.to_wire(), served.addr, served.port)
    assert resp.rcode() == dns.rcode.NOERROR and resp.answer
    assert not [o for o in resp.options if o.otype == 65001]
    # the OPT of the reply advertises our payload size
    assert resp.edns == 0 and resp.payload == 1232
    # no EDNS in, no EDNS out
    resp = served.query(n("www"), "A", edns=-1)
    assert resp.edns == -1 and resp.answer


def raw_query(qid=0x1234, flags=0, opcode=0, qd=1, body=None):
    hdr = struct.pack("!HHHHHH", qid, flags | (opcode << 11), qd, 0, 0, 0)
    if body is None:
        body = dns.name.from_text("www.example.org.").to_wire() + struct.pack("!HH", 1, 1)
    return hdr + body


def test_formerr_notimp_and_responses(served):
    a, p = served.addr, served.port
    # a question cut short: FORMERR, same id, QR set
    wire, resp = udp_exchange(raw_query(qid=0x1111, body=b"\x03www\x07exam"), a, p)
    assert resp is not None and resp.rcode() == dns.rcode.FORMERR and resp.id == 0x1111
    assert resp.flags & dns.flags.QR
    # two questions (RFC 9619): FORMERR
    body = (dns.name.from_text("www.example.org.").to_wire() + struct.pack("!HH", 1, 1)) * 2
    _, resp = udp_exchange(raw_query(qid=0x2222, qd=2, body=body), a, p)
    assert resp.rcode() == dns.rcode.FORMERR and resp.id == 0x2222
    # trailing garbage after the counted records
    _, resp = udp_exchange(raw_query(qid=0x2323) + b"\x00\x01\x02", a, p)
    assert resp is not None and resp.rcode() == dns.rcode.FORMERR
    # unknown and unimplemented opcodes: NOTIMP (RFC 1035 §4.1.1)
    for op in (dns.opcode.STATUS, 3, dns.opcode.UPDATE, 15):
        wire, _ = udp_exchange(raw_query(qid=0x4444, opcode=op), a, p)
        assert wire is not None, op
        qid, fl = struct.unpack("!HH", wire[:4])
        assert qid == 0x4444 and fl & 0x8000 and (fl >> 11) & 0xF == op
        assert fl & 0xF == dns.rcode.NOTIMP, (op, fl)
    # responses are never answered (RFC 1035 §4.1.1 QR; avoids loops)
    for flags in (0x8000, 0x8400, 0x8000 | 0x0200):
        wire, resp = udp_exchange(raw_query(qid=0x3333, flags=flags), a, p, timeout=0.4)
        assert wire is None, resp
    # the server is still there
    assert served.query(n("www"), "A").answer


def test_truncation_and_tcp_retry(served):
    """An answer larger than the payload: TC, only whole RRsets (RFC 2181
    §9), and over TCP the full answer (which kdig gives too)."""
    want = set(served.zone.find_rrset(n("big"), dns.rdatatype.TXT))
    for do, payload, edns in ((False, 512, -1), (False, 1232, 0), (True, 4096, 0), (True, 600, 0)):
        q = dns.message.make_query(n("big"), "TXT")
        q.use_edns(edns, dns.flags.DO if do else 0, payload)
        wire, resp = udp_exchange(q.to_wire(), served.addr, served.port)
        assert resp.flags & dns.flags.TC, resp.to_text()
        assert len(wire) <= (512 if edns < 0 else min(payload, 1232))
        assert not resp.answer  # the one RRset does not fit: nothing of it
        full = dns.query.tcp(q, served.addr, port=served.port, timeout=3)
        assert not full.flags & dns.flags.TC
        txt = [rr for rr in full.answer if rr.rdtype == dns.rdatatype.TXT]
        assert set(txt[0]) == want
        if do:
            dns.dnssec.validate(txt[0], sigs_of(full.answer, n("big"), dns.rdatatype.TXT)[0],
                                served.keys)
    # kdig reads the same: TC at a small payload, nothing of the RRset
    rcode, flags, secs = kdig(served, n("big"), "TXT", do=True, bufsize=512)
    assert "tc" in flags and not secs["ANSWER"]
    # kdig retries over TCP by itself on TC, as a resolver does
    for tcp in (False, True):
        rcode, flags, secs = kdig(served, n("big"), "TXT", do=True, tcp=tcp, retry_tcp=True)
        assert "tc" not in flags and rcode == "NOERROR"
        assert {v for (k, v) in secs["ANSWER"] if k[1] == dns.rdatatype.TXT} == \
            {frozenset(want)}


def test_payload_honoured(served):
    """RFC 6891 §6.2.3-6.2.5: the reply fits min(client payload, ours = 1232),
    512 without EDNS or below 512; what fits is not truncated."""
    for do, payload, edns, tc in ((False, 1232, 0, False), (True, 1232, 0, False),
                                  (True, 4096, 0, False), (False, 900, 0, False),
                                  (False, 512, 0, True), (True, 100, 0, True),
                                  (False, 0, -1, True)):
        q = dns.message.make_query(n("mid"), "TXT")
        q.use_edns(edns, dns.flags.DO if do else 0, payload)
        wire, resp = udp_exchange(q.to_wire(), served.addr, served.port)
        assert bool(resp.flags & dns.flags.TC) == tc, (do, payload, edns, len(wire))
        assert len(wire) <= (512 if edns < 0 else min(max(payload, 512), 1232))
        if not tc:
            assert set(resp.answer[0]) == set(served.zone.find_rrset(n("mid"),
                                                                    dns.rdatatype.TXT))
        if edns >= 0:
            assert resp.payload == 1232  # what we advertise


def test_truncation_at_rrset_boundary(served):
    """A CNAME to the big RRset: the CNAME (and its RRSIG) fit, the TXT
    does not — TC, and nothing partial (RFC 2181 §9, RFC 4035 §3.1.1: an
    RRset goes with its RRSIGs or not at all)."""
    for do in (False, True):
        q = dns.message.make_query(n("cbig"), "TXT", want_dnssec=do)
        wire, resp = udp_exchange(q.to_wire(), served.addr, served.port)
        assert resp.flags & dns.flags.TC and len(wire) <= 1232
        data = [rr for rr in resp.answer if rr.rdtype != dns.rdatatype.RRSIG]
        assert [(rr.name, rr.rdtype) for rr in data] == [(n("cbig"), dns.rdatatype.CNAME)]
        assert bool(sigs_of(resp.answer, n("cbig"), dns.rdatatype.CNAME)) == do
        full = dns.query.tcp(q, served.addr, port=served.port, timeout=3)
        assert not full.flags & dns.flags.TC
        assert [(rr.name, rr.rdtype) for rr in full.answer if rr.rdtype != dns.rdatatype.RRSIG] \
            == [(n("cbig"), dns.rdatatype.CNAME), (n("big"), dns.rdatatype.TXT)]


def test_dname_result_too_long_is_yxdomain(served):
    """RFC 6672 §2.2: a substitution longer than 255 octets: YXDOMAIN, with
    the DNAME (signed, with DO) and no CNAME."""
    long = dns.name.Name([b"a" * 62, b"b" * 62, b"c" * 62, b"d" * 49] + list(n("dn").labels))
    assert len(long.to_wire()) == 255
    for do in (False, True):
        resp = served.query(long, "A", do=do)
        assert resp.rcode() == dns.rcode.YXDOMAIN and resp.flags & dns.flags.AA, resp.to_text()
        data = [rr for rr in resp.answer if rr.rdtype != dns.rdatatype.RRSIG]
        assert [(rr.name, rr.rdtype) for rr in data] == [(n("dn"), dns.rdatatype.DNAME)]
        if do:
            dns.dnssec.validate(data[0], sigs_of(resp.answer, n("dn"), dns.rdatatype.DNAME)[0],
                                served.keys)


def test_truncated_referral_keeps_glue_or_sets_tc(served):
    """RFC 9471 §3: in-domain glue of a referral must fit, or TC is set."""
    q = dns.message.make_query(n("www.sec"), "A", want_dnssec=True, payload=512)
    wire, resp = udp_exchange(q.to_wire(), served.addr, served.port)
    glue = {(rr.name, rr.rdtype) for rr in resp.additional}
    assert resp.flags & dns.flags.TC or {(n("ns.sec"), dns.rdatatype.A),
                                         (n("ns.sec"), dns.rdatatype.AAAA)} <= glue


def test_tcp_errors_and_responses_pipelined(served):
    """Over one TCP connection: a response (ignored), a malformed query
    (FORMERR), an unknown opcode (NOTIMP) and a query, sent in one write:
    three replies, in order, and the connection still serves."""
    def frame(w):
        return struct.pack("!H", len(w)) + w
    blob = (frame(raw_query(qid=0x0101, flags=0x8000)) +
            frame(raw_query(qid=0x0202, body=b"\x03www")) +
            frame(raw_query(qid=0x0303, opcode=2)) +
            frame(raw_query(qid=0x0404)))
    got = []
    with socket.create_connection((served.addr, served.port), timeout=3) as t:
        t.sendall(blob)
        buf = b""
        while len(got) < 3:
            chunk = t.recv(65535)
            assert chunk, f"connection closed after {got}"
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                size = struct.unpack("!H", buf[:2])[0]
                msg, buf = buf[2:2 + size], buf[2 + size:]
                qid, fl = struct.unpack("!HH", msg[:4])
                got.append((qid, fl & 0xF))
    assert got == [(0x0202, dns.rcode.FORMERR), (0x0303, dns.rcode.NOTIMP),
                   (0x0404, dns.rcode.NOERROR)]


def test_denial_that_does_not_fit_sets_tc(served):
    """A proof is all or nothing for a validator: when the authority
    section does not fit a 512-octet payload the reply has TC (RFC 4035
    §3.1.1, RFC 2181 §9); over TCP the whole proof comes."""
    q = dns.message.make_query(n("a.b.nope"), "A")
    q.use_edns(0, dns.flags.DO, 512)
    wire, resp = udp_exchange(q.to_wire(), served.addr, served.port)
    assert len(wire) <= 512
    full = dns.query.tcp(q, served.addr, port=served.port, timeout=3)
    assert not full.flags & dns.flags.TC
    check_proof(served, full, "nx", n("a.b.nope"), dns.rdatatype.A)
    if len(full.to_wire()) > 512:
        assert resp.flags & dns.flags.TC, resp.to_text()
    else:
        assert pysections(resp) == pysections(full)
