"""Proves the lab harness (lab.py): a root -> org -> example.org hierarchy
signed with BIND's tools and served by NSD on port 53 of distinct loopback
addresses validates in Unbound and in delv; breaking one signature makes
it bogus.

Run: SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_lab_nsd.py
(needs root for port 53; it skips, saying why, only when binding port 53
is impossible).
"""

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

import lab

pytestmark = pytest.mark.skipif(
    bool(lab.need_tools("nsd", "unbound", "unbound-checkconf", "dnssec-keygen", "dnssec-signzone",
                        "delv", "ss")),
    reason="missing tools: " + " ".join(lab.need_tools("nsd", "unbound", "unbound-checkconf",
                                                        "dnssec-keygen", "dnssec-signzone", "delv",
                                                        "ss")))

EDE_DNSSEC_BOGUS = 6


@pytest.fixture(scope="module")
def hierarchy(tmp_path_factory):
    try:
        L = lab.Lab(tmp_path_factory.mktemp("lab"))
    except lab.PortUnavailable as e:
        pytest.skip(f"cannot bind port 53 on loopback here: {e}")
    L.build()
    try:
        L.start_servers("nsd")
        L.start_unbound()
        yield L
    finally:
        L.stop()


def _ede_codes(resp):
    return [o.code for o in resp.options if o.otype == dns.edns.EDE]


def test_lab_layout_refers_down_the_tree(hierarchy):
    """Each NSD serves only its own zone: the root refers to org, org
    holds example.org's DS (the chain the build put in place)."""
    root, org = hierarchy.zone("."), hierarchy.zone("org.")
    assert len({z.addr for z in hierarchy.zones.values()}) == 3
    q = dns.message.make_query("www.example.org.", "A", want_dnssec=True)
    r = dns.query.udp(q, root.addr, port=53, timeout=3)
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert not (r.flags & dns.flags.AA)
    ns = [rr for rr in r.authority if rr.rdtype == dns.rdatatype.NS]
    assert ns and ns[0].name.to_text() == "org."
    assert any(rr.rdtype == dns.rdatatype.DS for rr in r.authority)
    q = dns.message.make_query("example.org.", "DS", want_dnssec=True)
    r = dns.query.udp(q, org.addr, port=53, timeout=3)
    assert r.flags & dns.flags.AA
    ds = [rr for rr in r.answer if rr.rdtype == dns.rdatatype.DS]
    assert ds, r.to_text()
    want = {(t, a, d, h) for _, t, a, d, h in lab.read_ds(lab.dsset_path(hierarchy.dir,
                                                                          "example.org."))}
    got = {(x.key_tag, x.algorithm, x.digest_type, x.digest.hex().upper()) for x in ds[0]}
    assert got == want


def test_secure_answer_has_ad(hierarchy):
    r = hierarchy.unbound.query("www.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert r.flags & dns.flags.AD, r.to_text()
    a = [rr for rr in r.answer if rr.rdtype == dns.rdatatype.A]
    assert a and {x.address for x in a[0]} == {"192.0.2.80"}
    assert any(rr.rdtype == dns.rdatatype.RRSIG for rr in r.answer)


def test_nxdomain_is_secure(hierarchy):
    r = hierarchy.unbound.query("nonexistent.example.org.", "A")
    assert r.rcode() == dns.rcode.NXDOMAIN, r.to_text()
    assert r.flags & dns.flags.AD, r.to_text()
    assert any(rr.rdtype == dns.rdatatype.NSEC for rr in r.authority)


def test_delv_fully_validated(hierarchy):
    ub = hierarchy.unbound
    d = lab.delv(ub.addr, ub.port, hierarchy.delv_anchor, "www.example.org", "A")
    assert d.returncode == 0, d.stdout + d.stderr
    assert "; fully validated" in d.stdout, d.stdout + d.stderr
    assert "192.0.2.80" in d.stdout


def test_wrong_trust_anchor_is_bogus(hierarchy, tmp_path):
    """Control: the anchor really is what makes answers secure. A DS of a
    key the root never used must make the same name SERVFAIL."""
    keydir = tmp_path / "keys"
    keydir.mkdir()
    lab.keygen(keydir, ".", ksk=True)
    key = next(keydir.glob("K.+*.key"))
    ds = lab.run(["dnssec-dsfromkey", "-2", key]).stdout
    anchor = tmp_path / "wrong.anchor"
    anchor.write_text(ds)
    ub = lab.Unbound(tmp_path / "ub", hierarchy.root_hints, anchor).start()
    try:
        r = ub.query("www.example.org.", "A")
        assert r.rcode() == dns.rcode.SERVFAIL, r.to_text()
        assert not (r.flags & dns.flags.AD)
    finally:
        ub.stop()


def test_tampered_record_is_bogus(hierarchy, tmp_path):
    """Change www's A in the signed file without re-signing, restart NSD on
    it and a fresh Unbound: the answer must be SERVFAIL (EDE DNSSEC Bogus)."""
    z = hierarchy.zone("example.org.")
    bad = lab.tamper_a_record(z.signed, "www.example.org.", "192.0.2.66", tmp_path / "bad.zone")
    try:
        hierarchy.restart_zone_server("example.org.", "nsd", bad)
        q = dns.message.make_query("www.example.org.", "A")
        direct = dns.query.udp(q, z.addr, port=53, timeout=3)
        assert {x.address for x in direct.answer[0]} == {"192.0.2.66"}  # the edit is served
        hierarchy.unbound.restart()
        r = hierarchy.unbound.query("www.example.org.", "A")
        assert r.rcode() == dns.rcode.SERVFAIL, r.to_text()
        assert EDE_DNSSEC_BOGUS in _ede_codes(r), r.to_text()
        # Unbound explains (val-log-level 2).
        assert "validation failure" in hierarchy.unbound.proc.log_text()
    finally:
        hierarchy.restart_zone_server("example.org.", "nsd", z.signed)
        hierarchy.unbound.restart()
    r = hierarchy.unbound.query("www.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AD
