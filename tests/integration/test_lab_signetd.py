"""Chain of trust through signetd (issue 4): the lab hierarchy root -> org ->
example.org (lab.py), signed with BIND's tools, each zone served by its own
signetd on port 53 of a distinct loopback address, validated by Unbound
(root hints and root trust anchor pointing at the lab) and by delv.

The NSD lab tests of test_lab_nsd.py run here unchanged against signetd
(imported below, with this module's `hierarchy` fixture); this module adds
secure denials (NODATA, NXDOMAIN, with NSEC and with NSEC3) and the
tampering test done the signetd way: the zone file is edited without
re-signing and signetd reloads it on SIGHUP — Unbound must then return
SERVFAIL (EDE 6, DNSSEC Bogus).

Run: SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_lab_signetd.py
(needs root for port 53; skips only when binding port 53 is impossible).
"""

import contextlib
import random
import shutil
import signal
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

import lab
# The NSD lab's checks, run against signetd through this module's fixture.
from test_lab_nsd import (  # noqa: F401
    EDE_DNSSEC_BOGUS, _ede_codes, test_delv_fully_validated, test_lab_layout_refers_down_the_tree,
    test_nxdomain_is_secure, test_secure_answer_has_ad, test_wrong_trust_anchor_is_bogus)

TOOLS = ("unbound", "unbound-checkconf", "dnssec-keygen", "dnssec-signzone", "delv", "ss")
pytestmark = pytest.mark.skipif(
    not lab.signetd_binary().is_file() or bool(lab.need_tools(*TOOLS)),
    reason="needs signetd (SIGNET_BUILD) and " + " ".join(TOOLS))


# The lab's records plus wildcards: a plain one, and one that is an empty
# non-terminal (x.*.ew exists), whose NODATA proof needs the NSEC covering
# it (RFC 4592 §4.1) — an answer without it is bogus to Unbound.
RECORDS = dict(lab.DEFAULT_RECORDS)
RECORDS["example.org."] = RECORDS["example.org."] + [
    "*.wild A 192.0.2.99",
    "x.*.ew A 192.0.2.12",
]


def _started_lab(tmp_path_factory, nsec3):
    """A lab (NSEC or NSEC3) built and served by three signetd. Other tests
    run labs at the same time: the addresses are looked for from a random
    point of 127.0.0.x, and when one is taken between the choice and the
    start (the zones are signed in between), the lab is made again."""
    for attempt in range(3):
        try:
            L = lab.Lab(tmp_path_factory.mktemp("lab-signetd3" if nsec3 else "lab-signetd"),
                        nsec3=nsec3, records=RECORDS, first=random.randint(30, 200))
        except lab.PortUnavailable as e:
            pytest.skip(f"cannot bind port 53 on loopback here: {e}")
        L.build()
        try:
            return L.start_servers("signetd")
        except lab.LabError as e:
            L.stop()
            if "is busy" not in str(e) or attempt == 2:
                raise


@contextlib.contextmanager
def _serving(tmp_path_factory, nsec3):
    """A lab (NSEC or NSEC3) served by three signetd, with Unbound."""
    L = _started_lab(tmp_path_factory, nsec3)
    try:
        L.start_unbound()
        yield L
    finally:
        L.stop()


@pytest.fixture(scope="module")
def hierarchy(tmp_path_factory):
    """The NSEC lab served by three signetd instances, and Unbound."""
    with _serving(tmp_path_factory, nsec3=False) as L:
        yield L


@pytest.fixture(scope="module", params=["nsec", "nsec3"])
def any_hierarchy(request, hierarchy, tmp_path_factory):
    """The NSEC lab above, or the same hierarchy signed with NSEC3."""
    if request.param == "nsec":
        yield hierarchy
        return
    with _serving(tmp_path_factory, nsec3=True) as L:
        yield L


def _denial_types(resp):
    return {rr.rdtype for rr in resp.authority} & {dns.rdatatype.NSEC, dns.rdatatype.NSEC3}


def test_served_by_signetd(hierarchy):
    """Control: the lab really is signetd (not NSD left over)."""
    assert all(isinstance(s, lab.Signetd) and s.proc.alive() for s in hierarchy.servers)
    assert "serving" in hierarchy.servers[0].proc.log_text()


@pytest.mark.parametrize("name,qtype,rcode", [
    ("www.example.org.", "A", dns.rcode.NOERROR),
    ("example.org.", "MX", dns.rcode.NOERROR),
    ("www.example.org.", "MX", dns.rcode.NOERROR),        # NODATA
    ("nothing.example.org.", "A", dns.rcode.NXDOMAIN),
    ("a.b.nothing.example.org.", "TXT", dns.rcode.NXDOMAIN),
    ("org.", "TXT", dns.rcode.NOERROR),
    ("nothing.org.", "A", dns.rcode.NXDOMAIN),            # denial from the parent zone
    ("example.org.", "DS", dns.rcode.NOERROR),
    ("nothing.", "A", dns.rcode.NXDOMAIN),                # and from the root
    ("x.wild.example.org.", "A", dns.rcode.NOERROR),      # wildcard answer
    ("x.wild.example.org.", "MX", dns.rcode.NOERROR),     # wildcard NODATA
    ("a.ew.example.org.", "A", dns.rcode.NOERROR),        # wildcard that is an ENT
    ("b.a.ew.example.org.", "TXT", dns.rcode.NOERROR),
])
def test_secure_with_ad(any_hierarchy, name, qtype, rcode):
    ub = any_hierarchy.unbound
    r = ub.query(name, qtype)
    assert r.rcode() == rcode, r.to_text()
    assert r.flags & dns.flags.AD, r.to_text()
    want = dns.rdatatype.from_text(qtype)
    answer = [rr for rr in r.answer if rr.rdtype == want]
    if answer:
        assert any(rr.rdtype == dns.rdatatype.RRSIG and rr.covers == want for rr in r.answer)
    else:
        # a denial: the proof of the zone's kind came along (Unbound passes it on)
        nsec3 = any_hierarchy.zone("example.org.").nsec3
        assert _denial_types(r) == {dns.rdatatype.NSEC3 if nsec3 else dns.rdatatype.NSEC}, \
            r.to_text()


@pytest.mark.parametrize("name,qtype,text", [
    ("www.example.org", "A", "192.0.2.80"),
    ("nothing.example.org", "A", "; negative response, fully validated"),
    ("www.example.org", "TXT", "; negative response, fully validated"),
])
def test_delv_validates(any_hierarchy, name, qtype, text):
    ub = any_hierarchy.unbound
    d = lab.delv(ub.addr, ub.port, any_hierarchy.delv_anchor, name, qtype)
    out = d.stdout + d.stderr
    assert "fully validated" in out, out
    assert text in out, out


def _sighup_and_wait(srv, name, want_addr, timeout=10.0):
    """Sends SIGHUP to a signetd and waits until it serves want_addr for name."""
    srv.proc.p.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        q = dns.message.make_query(name, "A")
        last = dns.query.udp(q, srv.addr, port=srv.port, timeout=2)
        if last.answer and {x.address for x in last.answer[0]} == {want_addr}:
            return last
        time.sleep(0.1)
    raise AssertionError(f"signetd did not reload {name} -> {want_addr}: {last}\n"
                         f"{srv.proc.log_text()}")


def test_tampered_then_reloaded_is_bogus(any_hierarchy, tmp_path):
    """Change www's A in the served file without re-signing, reload signetd
    (SIGHUP): the edit is served, and a fresh Unbound answers SERVFAIL with
    EDE DNSSEC Bogus. Restoring the file and reloading makes it secure again."""
    L = any_hierarchy
    z = L.zone("example.org.")
    srv = next(s for s in L.servers if s.addr == z.addr)
    good = tmp_path / "good.zone"
    shutil.copyfile(z.signed, good)
    try:
        lab.tamper_a_record(good, "www.example.org.", "192.0.2.66", tmp_path / "bad.zone")
        shutil.copyfile(tmp_path / "bad.zone", z.signed)
        _sighup_and_wait(srv, "www.example.org.", "192.0.2.66")
        L.unbound.restart()
        r = L.unbound.query("www.example.org.", "A")
        assert r.rcode() == dns.rcode.SERVFAIL, r.to_text()
        assert EDE_DNSSEC_BOGUS in _ede_codes(r), r.to_text()
        assert "validation failure" in L.unbound.proc.log_text()
        # what is still correctly signed stays secure
        r = L.unbound.query("example.org.", "MX")
        assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AD, r.to_text()
    finally:
        shutil.copyfile(good, z.signed)
        _sighup_and_wait(srv, "www.example.org.", "192.0.2.80")
        L.unbound.restart()
    r = L.unbound.query("www.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AD, r.to_text()
