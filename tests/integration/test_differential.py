"""Differential tests: `signet zone print` against independent readers.

For every zone of tests/data/zones/good/ and the two real root zones,
signet's printout must hold exactly the records each oracle reads from the
same file (dnspython; ldns-read-zone or BIND's named-compilezone, as the
corpus file's `; oracles:` header says), in RFC 4034 canonical order, and
each printed line must encode to the same wire form as the oracle's.
See zoneutil.py for the normalization and the corpus header format.
"""

import functools
import re
from pathlib import Path

import dns.name
import dns.rdatatype
import pytest

from conftest import EXAMPLES, GOOD, ROOT_ZONES, run_signet
import zoneutil as zu


def _cases():
    """(path, origin, class, oracles) for every file the differential covers."""
    out = []
    for f in zu.corpus_files(GOOD):
        meta = zu.header(f)
        out.append((f, meta["origin"], meta["class"], meta["oracles"]))
    out.append((EXAMPLES / "example.com.zone", "example.com.", "IN", ("dnspython", "ldns", "named")))
    for f in ROOT_ZONES:
        out.append((f, ".", "IN", ("dnspython", "ldns")))
    return out


CASES = _cases()
CASE_IDS = [c[0].name for c in CASES]
ORACLE_CASES = [(c, o) for c in CASES for o in c[3]]
ORACLE_IDS = [f"{c[0].name}-{o}" for c, o in ORACLE_CASES]


@functools.lru_cache(maxsize=None)
def signet_print(path, origin):
    """signet's printout of a file: (lines, records). Fails the test on a
    non-zero exit or a line dnspython cannot read back."""
    p = run_signet("zone", "print", "--origin", origin, path)
    assert p.returncode == 0, f"signet zone print {path.name} exited {p.returncode}:\n{p.stderr[-3000:]}"
    lines = p.stdout.splitlines()
    try:
        records = zu.parse_lines(p.stdout)
    except ValueError as e:
        pytest.fail(f"signet zone print {path.name}: {e}")
    assert len(records) == len([ln for ln in lines if ln.strip()]), \
        "signet zone print wrote lines that are not records (blank lines or comments)"
    return lines, records


@functools.lru_cache(maxsize=None)
def oracle_records(oracle, path, origin, rdclass):
    return zu.ORACLES[oracle](path, origin, rdclass)


def test_corpus_is_big_enough():
    assert len(list(GOOD.glob("*.zone"))) >= 15


@pytest.mark.parametrize("case,oracle", ORACLE_CASES, ids=ORACLE_IDS)
def test_print_matches_oracle(case, oracle):
    path, origin, rdclass, _ = case
    if not path.exists():
        pytest.skip(f"{path} missing")
    _, recs = signet_print(path, origin)
    mine = {zu.key(r) for r in recs}
    theirs = {zu.key(r) for r in oracle_records(oracle, path, origin, rdclass)}
    assert theirs, f"{oracle} read no records from {path.name}"
    if mine != theirs:
        pytest.fail(f"{path.name}: signet vs {oracle}:\n" +
                    zu.sym_diff_report("signet", mine, oracle, theirs), pytrace=False)


def canonical_key(r):
    """RFC 4034 §6.1 names (dnspython's Name ordering is the canonical one),
    then type number, then RDATA in canonical wire form (§6.3)."""
    return (r.owner, r.rdtype, r.rdata.to_digestable())


def order_violations(recs):
    return [(a.line, b.line) for a, b in zip(recs, recs[1:])
            if canonical_key(a) > canonical_key(b)]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_print_canonical_order(case):
    """Every record but the SOA is in canonical order. (Where the SOA goes
    is test_print_soa_in_canonical_place's job, so that one decision about
    it does not fail every file.)"""
    path, origin, _, _ = case
    if not path.exists():
        pytest.skip(f"{path} missing")
    _, recs = signet_print(path, origin)
    assert recs, "signet printed no records"
    bad = order_violations([r for r in recs if r.rdtype != dns.rdatatype.SOA])
    assert not bad, "out of canonical order:\n" + \
        "\n".join(f"  {a}\n  {b}\n" for a, b in bad[:10])


def test_print_soa_in_canonical_place():
    """The contract: canonical order is by name, then TYPE, then RDATA, so
    at the apex SOA (6) comes after A (1) and NS (2), not first."""
    path = GOOD / "types-basic.zone"
    _, recs = signet_print(path, "example.com.")
    bad = order_violations(recs)
    assert not bad, "out of canonical order:\n" + \
        "\n".join(f"  {a}\n  {b}\n" for a, b in bad[:10])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_print_wire_roundtrip(case):
    """Each printed line, read by dnspython, encodes to the same wire form
    (case-preserved RDATA) as the oracle's record with the same key."""
    path, origin, rdclass, oracles = case
    if not path.exists():
        pytest.skip(f"{path} missing")
    _, recs = signet_print(path, origin)
    # Prefer an oracle that prints lines (its text is then parsed exactly as
    # signet's); dnspython's own reading is the fallback.
    oracle = next((o for o in oracles if o != "dnspython"), oracles[0])
    by_key = {}
    for r in oracle_records(oracle, path, origin, rdclass):
        by_key.setdefault(zu.key(r), []).append(zu.wire(r))
    bad = []
    for r in recs:
        want = by_key.get(zu.key(r))
        if want is None:
            bad.append(f"not in {oracle}: {r.line}")
        elif zu.wire(r) not in want:
            bad.append(f"wire differs from {oracle}: {r.line}\n    signet {zu.wire(r)}\n    {oracle} {want[0]}")
    assert not bad, f"{len(bad)} records differ:\n" + "\n".join(bad[:20])


def _starts_with_origin(path, origin):
    """True when the file sets its own origin before any relative name:
    its first directive is `$ORIGIN <origin>` or an absolute SOA owner."""
    for raw in Path(path).read_text(errors="replace").splitlines():
        s = raw.strip()
        if not s or s.startswith(";") or s.upper().startswith("$TTL"):
            continue
        m = re.match(r"\$ORIGIN\s+(\S+)", s, re.I)
        if m:
            return dns.name.from_text(m.group(1)) == dns.name.from_text(origin)
        owner = s.split()[0]
        return not raw[0].isspace() and owner.endswith(".") and \
            dns.name.from_text(owner) == dns.name.from_text(origin)
    return False


NO_ORIGIN_CASES = [c for c in CASES if c[0].exists() and _starts_with_origin(c[0], c[1])]


@pytest.mark.parametrize("case", NO_ORIGIN_CASES, ids=[c[0].name for c in NO_ORIGIN_CASES])
def test_print_without_origin_option(case):
    """Without --origin the origin is the SOA owner: same printout."""
    path, origin, _, _ = case
    lines, _ = signet_print(path, origin)
    p = run_signet("zone", "print", path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.splitlines() == lines


def test_root_zone_counts():
    """The real root zones: record count equals ldns-read-zone's line count
    (duplicates included), so nothing is merged away or invented."""
    for path in ROOT_ZONES:
        _, recs = signet_print(path, ".")
        theirs = oracle_records("ldns", path, ".", "IN")
        assert len({zu.key(r) for r in recs}) == len(recs), f"{path.name}: duplicate records printed"
        assert len(recs) == len({zu.key(r) for r in theirs}), path.name
