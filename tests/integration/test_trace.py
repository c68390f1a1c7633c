"""`signet trace` against lab hierarchies signed by dnssec-signzone and
served by NSD on loopback (lab.py), with Unbound (and delv) in the same lab
as the independent oracle for every verdict.

Cases: a secure chain (text and JSON, key tags checked against what
dnspython computes from the lab's files), a secure NXDOMAIN and NODATA, an
insecure delegation (child unsigned, no DS at the parent; and the same
under NSEC3 opt-out), and bogus chains (a record altered without
re-signing; a DS that matches no DNSKEY). Plus bad usage and unreachable
servers, which need no lab.

Run: SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_trace.py
(needs root for port 53 on 127.0.0.x; skips, saying why, when impossible).
"""

import json
import re

import dns.dnssec
import dns.edns
import dns.flags
import dns.rcode
import dns.rdatatype
import dns.zone
import pytest

import lab
from conftest import run_signet

TOOLS = ("nsd", "unbound", "unbound-checkconf", "dnssec-keygen", "dnssec-signzone", "delv", "ss")
needs_lab = pytest.mark.skipif(bool(lab.need_tools(*TOOLS)),
                               reason="missing tools: " + " ".join(lab.need_tools(*TOOLS)))


def _make_lab(tmp_path_factory, name, files=None, **kw):
    """A built lab with its servers and Unbound running. files(L), when
    given, returns {zone: file} to serve instead of the signed files."""
    if lab.need_tools(*TOOLS):
        pytest.skip("missing tools: " + " ".join(lab.need_tools(*TOOLS)))
    try:
        L = lab.Lab(tmp_path_factory.mktemp(name), **kw)
    except lab.PortUnavailable as e:
        pytest.skip(f"cannot bind port 53 on loopback here: {e}")
    L.build()
    try:
        L.start_servers("nsd", files=files(L) if files else None)
        L.start_unbound()
    except Exception:
        L.stop()
        raise
    return L


def trace(L, *args, anchor=None):
    """signet trace through lab L; returns the CompletedProcess."""
    return run_signet("trace", "--root-hints", L.root_hints, "--anchor", anchor or L.anchor, *args,
                      timeout=120)


def trace_json(L, *args, anchor=None):
    r = trace(L, "--json", *args, anchor=anchor)
    assert r.stdout.strip(), r.stderr
    return r, json.loads(r.stdout)


def zone_keys(L, name):
    """{key tag: flags} of a lab zone's DNSKEY RRset, computed by dnspython
    from the signed file."""
    z = L.zone(name)
    zone = dns.zone.from_file(str(z.signed), origin=z.name, relativize=False)
    keys = zone.get_rdataset(z.name, "DNSKEY")
    return {dns.dnssec.key_id(k): k.flags for k in keys}


def ede_codes(resp):
    return [o.code for o in resp.options if o.otype == dns.edns.EDE]


def zones_by_name(doc):
    return {z["zone"]: z for z in doc["zones"]}


# ---- a secure lab -------------------------------------------------------------


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    L = _make_lab(tmp_path_factory, "trace-secure")
    yield L
    L.stop()


@needs_lab
def test_secure_chain_text(secure):
    r = trace(secure, "www.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    # every zone cut, from the root down, each with a secure link
    assert [m for m in re.findall(r"^zone (\S+)$", out, re.M)] == [".", "org.", "example.org."]
    assert len(re.findall(r"^\s+link\s+SECURE\b", out, re.M)) == 3, out
    assert len(re.findall(r"^\s+DS verdict\s+SECURE\b", out, re.M)) == 2, out
    assert re.search(r"^RESULT\s+SECURE", out, re.M), out
    assert "192.0.2.80" in out
    # the servers asked are the lab's
    for z in secure.zones.values():
        assert z.addr in out
    # each KSK is shown as matching the DS and signing the DNSKEY set
    for name in (".", "org.", "example.org."):
        for tag, flags in zone_keys(secure, name).items():
            role = "KSK" if flags == 257 else "ZSK"
            line = re.search(rf"key {tag}\s+alg 13 \(ECDSAP256SHA256\) {role} flags {flags}(.*)$", out, re.M)
            assert line, (name, tag, out)
            if flags == 257:
                assert "matches-DS signed-DNSKEY-set" in line.group(1)
    # validity windows are printed for the answer's signature
    assert re.search(r"RRSIG\s+key \d+\s+alg 13 .* \d{14} \.\. \d{14}\s+valid", out), out


@needs_lab
def test_secure_chain_json_matches_dnspython(secure):
    r, doc = trace_json(secure, "www.example.org", "A")
    assert r.returncode == 0, r.stderr
    assert doc["result"]["status"] == "secure"
    assert doc["error"] is None
    zones = zones_by_name(doc)
    assert list(zones) == [".", "org.", "example.org."]
    for name, z in zones.items():
        keys = zone_keys(secure, name)
        assert {k["key_tag"]: k["flags"] for k in z["dnskeys"]} == keys
        ksk = [t for t, f in keys.items() if f == 257]
        assert len(ksk) == 1
        # the DS (or, at the root, the trust anchor) matches the KSK...
        assert z["ds_source"] == ("trust-anchor" if name == "." else "parent")
        assert [d["key_tag"] for d in z["ds"]] == ksk
        assert z["ds"][0]["matches_key"] == ksk[0]
        assert z["ds"][0]["algorithm"] == 13 and z["ds"][0]["digest_type"] == 2
        # ...which signed the DNSKEY set, inside its validity window
        signer = [k for k in z["dnskeys"] if k["signed_dnskey_set"]]
        assert [k["key_tag"] for k in signer] == ksk
        valid = [s for s in z["dnskey_signatures"] if s["result"] == "valid"]
        assert [s["key_tag"] for s in valid] == ksk
        assert valid[0]["inception"] < valid[0]["expiration"]
        assert z["link"]["status"] == "secure"
        assert z["queries"] and all(q["address"] == secure.zone(name).addr for q in z["queries"])
    # the DS records each parent holds are the child's dsset
    for parent, child in ((".", "org."), ("org.", "example.org.")):
        d = zones[parent]["delegation"]
        assert d["child"] == child and d["result"]["status"] == "secure"
        want = {(t, a, dt, h) for _, t, a, dt, h in lab.read_ds(lab.dsset_path(secure.dir, child))}
        got = set()
        for rec in d["ds"]["records"]:
            f = rec.split()
            got.add((int(f[4]), int(f[5]), int(f[6]), "".join(f[7:]).upper()))
        assert got == want
    ans = doc["answer"]
    assert ans["rcode"] == "NOERROR" and ans["result"]["status"] == "secure"
    zsk = [t for t, f in zone_keys(secure, "example.org.").items() if f == 256]
    assert [s["key_tag"] for s in ans["rrsets"][0]["signatures"]] == zsk
    # the oracle agrees
    u = secure.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.flags & dns.flags.AD


@needs_lab
def test_secure_nxdomain(secure):
    r, doc = trace_json(secure, "nonexistent.example.org", "A")
    assert r.returncode == 0, r.stderr
    ans = doc["answer"]
    assert ans["rcode"] == "NXDOMAIN"
    assert ans["denial"]["status"] == "secure"
    assert doc["result"]["status"] == "secure"
    assert ans["proof"] and all(p["type"] == "NSEC" for p in ans["proof"])
    assert all(p["result"]["status"] == "secure" for p in ans["proof"])
    u = secure.unbound.query("nonexistent.example.org.", "A")
    assert u.rcode() == dns.rcode.NXDOMAIN and u.flags & dns.flags.AD
    t = trace(secure, "nonexistent.example.org", "A")
    assert t.returncode == 0 and re.search(r"^RESULT\s+SECURE: .*no such name", t.stdout, re.M), t.stdout


@needs_lab
def test_secure_nodata(secure):
    r, doc = trace_json(secure, "www.example.org", "TXT")
    assert r.returncode == 0, r.stderr
    assert doc["answer"]["rcode"] == "NOERROR" and not doc["answer"]["rrsets"]
    assert doc["answer"]["denial"]["status"] == "secure"
    assert doc["result"]["status"] == "secure"
    u = secure.unbound.query("www.example.org.", "TXT")
    assert u.rcode() == dns.rcode.NOERROR and not u.answer and u.flags & dns.flags.AD


@needs_lab
def test_delv_agrees_secure(secure):
    ub = secure.unbound
    d = lab.delv(ub.addr, ub.port, secure.delv_anchor, "www.example.org", "A")
    assert "; fully validated" in d.stdout, d.stdout + d.stderr
    assert trace(secure, "www.example.org").returncode == 0


@needs_lab
def test_wrong_anchor_is_bogus(secure, tmp_path):
    """A root anchor of a key the lab never used: the first link breaks."""
    anchor = tmp_path / "wrong.anchor"
    anchor.write_text(". IN DS 12345 13 2 " + "AB" * 32 + "\n")
    r, doc = trace_json(secure, "www.example.org", anchor=anchor)
    assert r.returncode == 2, r.stdout + r.stderr
    root = doc["zones"][0]
    assert root["link"]["status"] == "bogus"
    assert root["link"]["ede"] == 9  # DNSKEY Missing
    assert root["ds"][0]["matches_key"] is None
    assert doc["result"]["status"] == "bogus" and doc["result"]["text"].startswith(". DNSKEY")
    assert "key tag 12345 alg 13 digest type 2: no key has that tag" in doc["result"]["text"]


@pytest.fixture(scope="module")
def nsec3_wild(tmp_path_factory):
    """The whole lab on NSEC3, example.org. with a wildcard."""
    records = dict(lab.DEFAULT_RECORDS)
    records["example.org."] = list(records["example.org."]) + ["*.wild A 192.0.2.77",
                                                               "alias CNAME target.org."]
    records["org."] = list(records["org."]) + ["target A 192.0.2.99"]
    L = _make_lab(tmp_path_factory, "trace-nsec3", nsec3=True, records=records)
    yield L
    L.stop()


@needs_lab
def test_nsec3_wildcard_and_nxdomain(nsec3_wild):
    r, doc = trace_json(nsec3_wild, "foo.wild.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    ans = doc["answer"]
    assert ans["rrsets"][0]["owner"] == "foo.wild.example.org."
    assert ans["rrsets"][0]["signatures"][0]["labels"] == 3  # *.wild.example.org.
    assert ans["denial"]["status"] == "secure"  # no closer match
    assert ans["proof"] and all(p["type"] == "NSEC3" for p in ans["proof"])
    assert doc["result"]["status"] == "secure" and "wildcard" in doc["result"]["text"]
    u = nsec3_wild.unbound.query("foo.wild.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.flags & dns.flags.AD
    r, doc = trace_json(nsec3_wild, "nope.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    assert doc["answer"]["rcode"] == "NXDOMAIN" and doc["answer"]["denial"]["status"] == "secure"
    assert all(p["type"] == "NSEC3" for p in doc["answer"]["proof"])
    u = nsec3_wild.unbound.query("nope.example.org.", "A")
    assert u.rcode() == dns.rcode.NXDOMAIN and u.flags & dns.flags.AD
    # wildcard NODATA
    r, doc = trace_json(nsec3_wild, "foo.wild.example.org", "TXT")
    assert r.returncode == 0 and doc["result"]["status"] == "secure", r.stdout
    u = nsec3_wild.unbound.query("foo.wild.example.org.", "TXT")
    assert u.rcode() == dns.rcode.NOERROR and not u.answer and u.flags & dns.flags.AD


@needs_lab
def test_cname_into_another_zone(nsec3_wild):
    """alias.example.org. CNAME target.org.: the CNAME is checked in
    example.org., then the target is walked from the root and checked in
    org."""
    r, doc = trace_json(nsec3_wild, "alias.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    first = doc["answer"]
    assert [s["type"] for s in first["rrsets"]] == ["CNAME"]
    assert first["result"]["status"] == "secure" and "target.org." in first["note"]
    assert len(doc["cname_chain"]) == 1
    hop = doc["cname_chain"][0]
    assert hop["qname"] == "target.org."
    assert [z["zone"] for z in hop["zones"]] == [".", "org."]
    assert hop["answer"]["zone"] == "org."
    assert hop["answer"]["rrsets"][0]["records"] == ["target.org. 3600 IN A 192.0.2.99"]
    assert hop["answer"]["result"]["status"] == "secure"
    assert doc["result"]["status"] == "secure"
    t = trace(nsec3_wild, "alias.example.org", "A")
    assert t.returncode == 0
    assert "==== following the CNAME to target.org. A, from the root" in t.stdout, t.stdout
    u = nsec3_wild.unbound.query("alias.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.flags & dns.flags.AD
    assert any(rr.rdtype == dns.rdatatype.A for rr in u.answer)


# ---- insecure delegations ---------------------------------------------------------


@pytest.fixture(scope="module")
def insecure(tmp_path_factory):
    L = _make_lab(tmp_path_factory, "trace-insecure", zone_opts={"example.org.": {"unsigned": True}})
    yield L
    L.stop()


@needs_lab
def test_insecure_delegation(insecure):
    r, doc = trace_json(insecure, "www.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    zones = zones_by_name(doc)
    assert zones["."]["link"]["status"] == "secure"
    assert zones["org."]["link"]["status"] == "secure"
    d = zones["org."]["delegation"]
    assert d["child"] == "example.org." and not d["ds"]["records"]
    assert d["result"]["status"] == "insecure"
    assert d["proof"] and d["proof"][0]["type"] == "NSEC"
    assert zones["example.org."]["link"]["status"] == "insecure"
    assert not zones["example.org."]["dnskey_checked"]
    assert doc["answer"]["result"]["status"] == "insecure"
    assert doc["result"]["status"] == "insecure"
    t = trace(insecure, "www.example.org", "A")
    assert t.returncode == 0
    assert re.search(r"^\s+DS verdict\s+INSECURE\s+insecure delegation", t.stdout, re.M), t.stdout
    assert re.search(r"^RESULT\s+INSECURE", t.stdout, re.M), t.stdout
    # Unbound: an answer, but not authenticated
    u = insecure.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.answer and not u.flags & dns.flags.AD
    dv = lab.delv(insecure.unbound.addr, insecure.unbound.port, insecure.delv_anchor,
                  "www.example.org", "A")
    assert "; unsigned answer" in dv.stdout, dv.stdout + dv.stderr


@pytest.fixture(scope="module")
def opt_out(tmp_path_factory):
    L = _make_lab(tmp_path_factory, "trace-optout",
                  zone_opts={"org.": {"opt_out": True}, "example.org.": {"unsigned": True}})
    yield L
    L.stop()


@needs_lab
def test_insecure_delegation_nsec3_opt_out(opt_out):
    r, doc = trace_json(opt_out, "www.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    d = zones_by_name(doc)["org."]["delegation"]
    assert d["proof"] and all(p["type"] == "NSEC3" for p in d["proof"])
    assert d["result"]["status"] == "insecure"
    assert d["result"]["reason"] == "NSEC3 opt-out"
    assert doc["result"]["status"] == "insecure"
    u = opt_out.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.answer and not u.flags & dns.flags.AD


# ---- bogus chains ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    def files(L):
        z = L.zone("example.org.")
        return {z.name: lab.tamper_a_record(z.signed, "www.example.org.", "192.0.2.66",
                                            L.dir / "tampered.zone")}

    L = _make_lab(tmp_path_factory, "trace-tampered", files=files)
    yield L
    L.stop()


@needs_lab
def test_tampered_record_is_bogus(tampered):
    r = trace(tampered, "www.example.org", "A")
    assert r.returncode == 2, r.stdout + r.stderr
    out = r.stdout
    # the chain itself holds; the broken link is the answer, named
    assert len(re.findall(r"^\s+link\s+SECURE\b", out, re.M)) == 3, out
    assert re.search(r"^\s+verdict\s+BOGUS\s+www\.example\.org\. A: RRSIG key \d+ alg 13: "
                     r"bad signature.*EDE 6", out, re.M), out
    assert re.search(r"^RESULT\s+BOGUS: www\.example\.org\. A", out, re.M), out
    assert "192.0.2.66" in out
    j, doc = trace_json(tampered, "www.example.org", "A")
    assert j.returncode == 2
    assert doc["result"]["status"] == "bogus" and doc["result"]["ede"] == 6
    sigs = doc["answer"]["rrsets"][0]["signatures"]
    assert sigs and sigs[0]["result"] == "bad signature"
    # untouched names in the same zone stay secure
    ok = trace(tampered, "mail.example.org", "A")
    assert ok.returncode == 0, ok.stdout
    # the oracle agrees
    u = tampered.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.SERVFAIL and 6 in ede_codes(u), u.to_text()


def _break_ds(text):
    """A dsset whose digest no longer matches the key (last hex digit changed)."""
    out = []
    for line in text.splitlines():
        if " DS " in line:
            line = line[:-1] + ("0" if line[-1] != "0" else "1")
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def ds_mismatch(tmp_path_factory):
    L = _make_lab(tmp_path_factory, "trace-dsbad", zone_opts={"example.org.": {"ds_edit": _break_ds}})
    yield L
    L.stop()


@needs_lab
def test_ds_not_matching_is_bogus(ds_mismatch):
    r, doc = trace_json(ds_mismatch, "www.example.org", "A")
    assert r.returncode == 2, r.stdout + r.stderr
    zones = zones_by_name(doc)
    # org. signs the (wrong) DS correctly; the link into example.org. breaks
    assert zones["org."]["delegation"]["result"]["status"] == "secure"
    link = zones["example.org."]["link"]
    assert link["status"] == "bogus" and link["ede"] == 9, link
    assert link["text"].startswith("example.org. DNSKEY: no DNSKEY matches the DS (key tag ")
    assert "the key with that tag has another digest" in link["text"]
    # the signatures over the DNSKEY set are listed, unused
    assert zones["example.org."]["dnskey_signatures"]
    assert all(s["result"] == "not used" for s in zones["example.org."]["dnskey_signatures"])
    ksk = [t for t, f in zone_keys(ds_mismatch, "example.org.").items() if f == 257]
    assert [d["key_tag"] for d in zones["example.org."]["ds"]] == ksk
    assert zones["example.org."]["ds"][0]["matches_key"] is None
    assert doc["result"]["status"] == "bogus"
    assert doc["result"]["text"] == link["text"]  # the broken link is the verdict
    t = trace(ds_mismatch, "www.example.org", "A")
    assert t.returncode == 2
    assert re.search(r"^\s+link\s+BOGUS\s+example\.org\. DNSKEY", t.stdout, re.M), t.stdout
    assert re.search(r"matches no DNSKEY", t.stdout), t.stdout
    u = ds_mismatch.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.SERVFAIL, u.to_text()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """org.'s server also serves example.org.: it answers for the child
    itself, so the walk meets the zone cut without a referral."""
    if lab.need_tools(*TOOLS):
        pytest.skip("missing tools")
    try:
        L = lab.Lab(tmp_path_factory.mktemp("trace-shared"))
    except lab.PortUnavailable as e:
        pytest.skip(f"cannot bind port 53 on loopback here: {e}")
    L.build()
    org, ex = L.zone("org."), L.zone("example.org.")
    try:
        L.servers.append(L.start_zone_server(L.zone(".")))
        L.servers.append(lab.start_server("nsd", L.dir / "nsd-org-both", org.addr, 53,
                                          {org.name: org.signed, ex.name: ex.signed}))
        L.servers.append(L.start_zone_server(ex))
        L.start_unbound()
    except Exception:
        L.stop()
        raise
    yield L
    L.stop()


@needs_lab
def test_zone_cut_without_referral(shared_server):
    r, doc = trace_json(shared_server, "www.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    zones = zones_by_name(doc)
    assert list(zones) == [".", "org.", "example.org."]
    org_addr = shared_server.zone("org.").addr
    # example.org. was asked at org.'s server, its DS fetched there
    assert all(q["address"] == org_addr for q in zones["example.org."]["queries"])
    assert any(q["qtype"] == "DS" and q["qname"] == "example.org." for q in zones["org."]["queries"])
    assert zones["org."]["delegation"]["result"]["status"] == "secure"
    assert zones["example.org."]["ds_source"] == "parent"
    assert zones["example.org."]["link"]["status"] == "secure"
    assert doc["result"]["status"] == "secure"
    u = shared_server.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.flags & dns.flags.AD
    # a negative answer from the lower zone too
    r, doc = trace_json(shared_server, "nope.example.org", "A")
    assert r.returncode == 0 and doc["result"]["status"] == "secure", r.stdout
    assert doc["answer"]["zone"] == "example.org."


def _glueless(L):
    """Files where example.org.'s name server is nsx.lab., a name of the
    root zone (added unsigned: only its address matters), so org.'s
    referral carries no glue for it."""
    root, org, ex = L.zone("."), L.zone("org."), L.zone("example.org.")
    root_file = L.dir / "root-nsx.zone"
    root_file.write_text(root.signed.read_text() + f"nsx.lab. 3600 IN A {ex.addr}\n")
    lines = []
    for line in org.signed.read_text().splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] == "example.org." and f[3] == "NS":
            line = line.replace("ns1.example.org.", "nsx.lab.")
        if len(f) >= 5 and f[0] == "ns1.example.org." and f[3] == "A":
            continue  # the glue
        lines.append(line)
    org_file = L.dir / "org-nsx.zone"
    org_file.write_text("\n".join(lines) + "\n")
    return {".": root_file, "org.": org_file}


@pytest.fixture(scope="module")
def glueless(tmp_path_factory):
    L = _make_lab(tmp_path_factory, "trace-glueless", files=_glueless)
    yield L
    L.stop()


@needs_lab
def test_glueless_delegation(glueless):
    r, doc = trace_json(glueless, "www.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    ex = zones_by_name(doc)["example.org."]
    lookup = [q for q in ex["queries"] if q["qname"] == "nsx.lab."]
    assert lookup and "1 found" in lookup[0]["outcome"], ex["queries"]
    assert ex["servers"] == [{"name": "nsx.lab.", "address": glueless.zone("example.org.").addr}]
    assert doc["result"]["status"] == "secure"
    u = glueless.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.flags & dns.flags.AD


@pytest.fixture(scope="module")
def expired(tmp_path_factory):
    """example.org. signed with a window that ended in 2020."""
    L = _make_lab(tmp_path_factory, "trace-expired", zone_opts={
        "example.org.": {"sign_args": ["-s", "20200101000000", "-e", "20200201000000", "-P"]}})
    yield L
    L.stop()


@needs_lab
def test_expired_signatures_are_bogus(expired):
    r, doc = trace_json(expired, "www.example.org", "A")
    assert r.returncode == 2, r.stdout + r.stderr
    link = zones_by_name(doc)["example.org."]["link"]
    assert link["status"] == "bogus" and link["ede"] == 7, link
    assert "expired" in link["text"] and "20200201000000" in link["text"]
    sigs = zones_by_name(doc)["example.org."]["dnskey_signatures"]
    assert any(s["expiration"] == "20200201000000" and s["result"] == "signature expired" for s in sigs)
    assert doc["result"]["ede"] == 7
    u = expired.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.SERVFAIL and 7 in ede_codes(u), u.to_text()


def _unknown_alg_ds(text):
    """The child's DS with algorithm 253 (private): no supported DS."""
    return re.sub(r"(IN\s+DS\s+\d+\s+)13(\s)", r"\g<1>253\2", text)


@pytest.fixture(scope="module")
def unknown_alg(tmp_path_factory):
    L = _make_lab(tmp_path_factory, "trace-alg", zone_opts={"example.org.": {"ds_edit": _unknown_alg_ds}})
    yield L
    L.stop()


@needs_lab
def test_unsupported_ds_algorithm_is_insecure(unknown_alg):
    """RFC 6840 §5.2: a DS of an algorithm the validator does not know
    makes the child insecure, not bogus."""
    r, doc = trace_json(unknown_alg, "www.example.org", "A")
    assert r.returncode == 0, r.stdout + r.stderr
    ex = zones_by_name(doc)["example.org."]
    assert ex["ds"][0]["algorithm"] == 253 and not ex["ds"][0]["supported"]
    assert ex["link"]["status"] == "insecure" and ex["link"]["ede"] == 1, ex["link"]
    assert doc["result"]["status"] == "insecure"
    u = unknown_alg.unbound.query("www.example.org.", "A")
    assert u.rcode() == dns.rcode.NOERROR and u.answer and not u.flags & dns.flags.AD, u.to_text()


@pytest.fixture(scope="module")
def served_by_signetd(tmp_path_factory):
    """The secure lab served by signetd instead of NSD."""
    if lab.need_tools(*TOOLS):
        pytest.skip("missing tools")
    if not lab.signetd_binary().exists():
        pytest.skip(f"no signetd at {lab.signetd_binary()}")
    try:
        L = lab.Lab(tmp_path_factory.mktemp("trace-signetd"))
    except lab.PortUnavailable as e:
        pytest.skip(f"cannot bind port 53 on loopback here: {e}")
    L.build()
    try:
        L.start_servers("signetd")
        L.start_unbound()
    except Exception:
        L.stop()
        raise
    yield L
    L.stop()


@needs_lab
@pytest.mark.parametrize("name, rcode", [("www.example.org", "NOERROR"), ("nope.example.org", "NXDOMAIN"),
                                         ("www.example.org TXT", "NOERROR")])
def test_signetd_lab(served_by_signetd, name, rcode):
    r, doc = trace_json(served_by_signetd, *name.split())
    assert r.returncode == 0, r.stdout + r.stderr
    assert [z["link"]["status"] for z in doc["zones"]] == ["secure"] * 3
    assert doc["answer"]["rcode"] == rcode and doc["result"]["status"] == "secure", doc["result"]
    qname, qtype = (name.split() + ["A"])[:2]
    u = served_by_signetd.unbound.query(qname + ".", qtype)
    assert dns.rcode.to_text(u.rcode()) == rcode and u.flags & dns.flags.AD


# ---- no lab needed ---------------------------------------------------------------------


def test_usage_errors(tmp_path):
    r = run_signet("trace")
    assert r.returncode == 1 and "no NAME" in r.stderr
    r = run_signet("trace", "--bogus-option", "x.")
    assert r.returncode == 1 and "unknown option" in r.stderr
    r = run_signet("trace", "--upstream-port", "70000", "x.")
    assert r.returncode == 1 and "bad port" in r.stderr
    r = run_signet("trace", "x.", "NOTATYPE")
    assert r.returncode == 1 and "bad type" in r.stderr
    r = run_signet("trace", "--help")
    assert r.returncode == 0 and "--root-hints" in r.stdout
    bad = tmp_path / "bad.anchor"
    bad.write_text("example. IN DS 1 13 2 XYZ\n")
    r = run_signet("trace", "--anchor", bad, "x.")
    assert r.returncode == 1 and "bad.anchor:1" in r.stderr, r.stderr
    r = run_signet("trace", "--anchor", tmp_path / "missing", "x.")
    assert r.returncode == 1 and "missing" in r.stderr
    hints = tmp_path / "hints"
    hints.write_text(". 3600 IN NS a.root.\n")
    r = run_signet("trace", "--root-hints", hints, "x.")
    assert r.returncode == 1 and "no root server with an address" in r.stderr


def test_no_server_answers(tmp_path):
    """Hints pointing at a loopback port where nobody listens: an error
    (exit 1) that says which server did not answer, never a verdict."""
    port = lab.free_port("127.0.0.1")
    hints = tmp_path / "hints"
    hints.write_text(". 3600 IN NS a.root.lab.\na.root.lab. 3600 IN A 127.0.0.1\n")
    r = run_signet("trace", "--root-hints", hints, "--upstream-port", port, "x.")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "no server of . answered" in r.stderr
    assert "127.0.0.1" in r.stdout
