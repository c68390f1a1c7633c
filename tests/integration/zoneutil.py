"""Reading zones through signet and through the oracles (dnspython, ldns, BIND).

Every reader returns a list of Record tuples; `key()` turns one into the
normalized form the differential tests compare: the owner canonicalized
(lower case), TTL, class, type and the RDATA in canonical wire form
(RFC 4034 §6.2) — formatting differences vanish, data differences do not.

Corpus files carry their metadata in leading comment lines:

    ; origin: example.com.        the zone's origin (required)
    ; oracles: dnspython ldns named   which oracles must agree (default:
                                      dnspython ldns); `named` is BIND's
                                      named-compilezone
    ; class: CH                    zone class (default IN)

Oracles and signet are run with the zone file's directory as the working
directory, so relative $INCLUDE paths mean the same to all of them (signet
resolves them against the including file, BIND against its working
directory); corpus include files live next to the zone that includes them.
"""

import contextlib
import os
import re
import subprocess
from collections import namedtuple
from pathlib import Path

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.ttl
import dns.zone

Record = namedtuple("Record", "owner ttl rdclass rdtype rdata line")

DEFAULT_ORACLES = ("dnspython", "ldns")


def header(path):
    """The `; key: value` metadata from the first comment lines of a corpus file."""
    meta = {"oracles": DEFAULT_ORACLES, "class": "IN"}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith(";"):
                break
            m = re.match(r";\s*([a-z-]+)\s*:\s*(.*)$", line)
            if m:
                k, v = m.group(1), m.group(2).strip()
                meta[k] = tuple(v.split()) if k == "oracles" else v
    if "origin" not in meta:
        raise ValueError(f"{path}: no '; origin: NAME' header line")
    return meta


def parse_line(line):
    """One `owner TTL class type rdata` line (absolute names) -> Record."""
    tok = dns.tokenizer.Tokenizer(line)
    owner = tok.get_name(None)
    if not owner.is_absolute():
        raise ValueError(f"owner {owner} is not absolute")
    ttl = dns.ttl.from_text(tok.get_string())
    rdclass = dns.rdataclass.from_text(tok.get_string())
    rdtype = dns.rdatatype.from_text(tok.get_string())
    # origin=None: a relative name in the RDATA makes to_wire() fail below.
    rd = dns.rdata.from_text(rdclass, rdtype, tok, None, relativize=False)
    rd.to_digestable()
    return Record(owner, ttl, rdclass, rdtype, rd, line)


def parse_lines(text, skip=()):
    """Records of a one-record-per-line listing; blank and ';' lines skipped.
    Raises ValueError naming the line that dnspython cannot read."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith(";") or any(s.startswith(p) for p in skip):
            continue
        try:
            out.append(parse_line(line))
        except Exception as e:  # noqa: BLE001 - report which line failed
            raise ValueError(f"line {n} unreadable by dnspython: {line!r}: {e}") from e
    return out


def key(r):
    """Normalized, hashable form of a record for set comparison."""
    return (r.owner.canonicalize().to_text(), r.ttl, r.rdclass, r.rdtype,
            r.rdata.to_digestable(dns.name.root))


def wire(r):
    """The record as dnspython encodes it: canonical owner, case-preserved RDATA."""
    return (r.owner.canonicalize().to_wire(), r.ttl, r.rdclass, r.rdtype,
            r.rdata.to_wire())


def describe(k):
    owner, ttl, rdclass, rdtype, digest = k
    h = digest.hex()
    if len(h) > 72:
        h = f"{h[:64]}... ({len(digest)} octets)"
    return (f"{owner} {ttl} {dns.rdataclass.to_text(rdclass)} "
            f"{dns.rdatatype.to_text(rdtype)} [{h}]")


def dnspython_records(path, origin, rdclass="IN"):
    path = Path(path)
    with contextlib.chdir(path.parent):
        z = dns.zone.from_file(path.name, origin=origin, relativize=False, check_origin=False,
                               rdclass=dns.rdataclass.from_text(rdclass))
    out = []
    for name, node in z.nodes.items():
        for rds in node:
            for rd in rds:
                out.append(Record(name, rds.ttl, rds.rdclass, rds.rdtype, rd, None))
    return out


def _run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return p.stdout


def ldns_records(path, origin=None, rdclass="IN"):
    path = Path(path)
    return parse_lines(_run(["ldns-read-zone", path.name], path.parent))


def named_records(path, origin, rdclass="IN"):
    path = Path(path)
    out = _run(["named-compilezone", "-s", "full", "-i", "none", "-k", "ignore",
                "-c", rdclass, "-o", "-", origin, path.name], path.parent)
    # named-compilezone also writes "zone NAME/CLASS: loaded serial N" and
    # "OK" to stdout; records always start with an absolute owner name.
    keep = [ln for ln in out.splitlines()
            if ln.strip() != "OK" and not re.match(r"zone \S+/\S+: ", ln)]
    return parse_lines("\n".join(keep))


ORACLES = {"dnspython": dnspython_records, "ldns": ldns_records, "named": named_records}


def sym_diff_report(name_a, a, name_b, b, limit=20):
    """Readable symmetric difference of two key sets (first `limit` of each side)."""
    only_a = sorted(a - b)
    only_b = sorted(b - a)
    lines = [f"{len(only_a)} only in {name_a}, {len(only_b)} only in {name_b}"]
    for k in only_a[:limit]:
        lines.append(f"  only {name_a}: {describe(k)}")
    for k in only_b[:limit]:
        lines.append(f"  only {name_b}: {describe(k)}")
    return "\n".join(lines)


def corpus_files(directory):
    return sorted(Path(directory).glob("*.zone"))


def env_path(var, default):
    v = os.environ.get(var)
    return Path(v) if v else Path(default)
