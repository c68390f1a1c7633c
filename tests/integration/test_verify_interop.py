"""`signet verify` against zones signed by BIND and ldns.

Zones signed by dnssec-signzone and ldns-signzone, for every signing
algorithm, with NSEC, NSEC3 (no salt, no extra iterations) and NSEC3
opt-out, on a zone with secure and insecure delegations, glue, a wildcard,
empty non-terminals, a CNAME and a DNAME, must verify. The same zones,
tampered with, must fail with the specific message. The real root zones
must verify with the IANA anchors at a time inside their windows and fail
outside them.

Run: SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration/test_verify_interop.py
"""
import re
import shutil
import subprocess

import pytest

from conftest import REALWORLD, SHARED_TESTDATA, run_signet

ORIGIN = "example."
ALGS = [8, 10, 13, 14, 15, 16]
DENIALS = ["nsec", "nsec3", "optout"]
SIGNERS = ["bind", "ldns"]
# ldns-verify-zone compares RRSIG times as signed 32-bit numbers: stay
# before 2038 so the oracles agree with us.
INCEPTION = "20000101000000"
EXPIRATION = "20370101000000"
INSIDE = "20240101000000"
ANCHORS = SHARED_TESTDATA / "vectors" / "root-anchors.txt"

ZONE = """\
$TTL 3600
$ORIGIN example.
@         IN SOA ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300
@         IN NS ns1.example.
@         IN NS ns2.example.
@         IN MX 10 mail.example.
ns1       IN A 192.0.2.1
ns2       IN AAAA 2001:db8::2
mail      IN A 192.0.2.3
www       IN A 192.0.2.4
www       IN AAAA 2001:db8::4
alias     IN CNAME www.example.
redir     IN DNAME example.net.
*.wild    IN TXT "wildcard"
a.b.c     IN A 192.0.2.5
secure    IN NS ns.secure.example.
secure    IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns.secure IN A 192.0.2.6
insecure  IN NS ns.insecure.example.
insecure  IN NS ns.elsewhere.net.
ns.insecure IN A 192.0.2.7
deleg.ent IN NS ns.other.net.
"""

for tool in ("dnssec-keygen", "dnssec-signzone", "ldns-signzone", "dnssec-dsfromkey"):
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed", allow_module_level=True)


def run(*args, cwd=None):
    p = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout


def verify(path, *opts):
    return run_signet("verify", "--time", INSIDE, *opts, path)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("verify")
    (d / "example.zone").write_text(ZONE)
    return d


@pytest.fixture(scope="session")
def keys(workdir):
    """alg -> (key directory, [KSK base, ZSK base])."""
    out = {}
    for alg in ALGS:
        kd = workdir / f"keys{alg}"
        kd.mkdir()
        size = ["-b", "1024"] if alg in (8, 10) else []  # keeps RSA key generation quick
        dates = ["-P", "20000101", "-A", "20000101"]  # active before the inception we sign with
        ksk = run("dnssec-keygen", "-q", "-K", kd, "-a", alg, *size, *dates, "-f", "KSK", ORIGIN).strip()
        zsk = run("dnssec-keygen", "-q", "-K", kd, "-a", alg, *size, *dates, ORIGIN).strip()
        out[alg] = (kd, [ksk, zsk])
    return out


_signed = {}


def signed_zone(workdir, keys, signer, alg, denial):
    """Signs the test zone once per (signer, alg, denial); returns the path."""
    k = (signer, alg, denial)
    if k in _signed:
        return _signed[k]
    kd, bases = keys[alg]
    src = workdir / "example.zone"
    out = workdir / f"{signer}-{alg}-{denial}.signed"
    if signer == "bind":
        n3 = {"nsec": [], "nsec3": ["-3", "-", "-H", "0"], "optout": ["-3", "-", "-H", "0", "-A"]}[denial]
        run("dnssec-signzone", "-q", "-O", "full", "-S", "-K", kd, "-P", "-s", INCEPTION, "-e", EXPIRATION,
            *n3, "-o", ORIGIN, "-f", out, src, cwd=workdir)
    else:
        n3 = {"nsec": [], "nsec3": ["-n", "-t", "0"], "optout": ["-n", "-t", "0", "-p"]}[denial]
        run("ldns-signzone", *n3, "-i", INCEPTION, "-e", EXPIRATION, "-o", ORIGIN, "-f", out, src,
            *[kd / b for b in bases], cwd=workdir)
    _signed[k] = out
    return out


@pytest.mark.parametrize("denial", DENIALS)
@pytest.mark.parametrize("alg", ALGS)
@pytest.mark.parametrize("signer", SIGNERS)
def test_signed_zone_verifies(workdir, keys, signer, alg, denial):
    path = signed_zone(workdir, keys, signer, alg, denial)
    p = verify(path)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    chain = {"nsec": "NSEC chain", "nsec3": "NSEC3 chain", "optout": "NSEC3 (opt-out) chain"}[denial]
    assert re.fullmatch(rf"zone example\. is valid at {INSIDE}: \d+ records, \d+ RRsets verified, "
                        rf"\d+ signatures checked, {re.escape(chain)} of \d+ records\n", p.stdout), p.stdout


# ---- tampering --------------------------------------------------------------------


def records(path):
    """The zone as (owner, ttl, class, type, rdata) lines, one record per line."""
    out = []
    for line in path.read_text().splitlines():
        s = line.split(";", 1)[0].strip() if not line.lstrip().startswith(";") else ""
        if not s or s.startswith("$"):
            continue
        f = s.split(None, 4)
        out.append([f[0], f[1], f[2], f[3].upper(), f[4] if len(f) > 4 else ""])
    return out


def write(path, recs):
    path.write_text("".join("\t".join(r) + "\n" for r in recs))
    return path


def is_rrsig_of(r, owner, covered):
    return r[0].lower() == owner and r[3] == "RRSIG" and r[4].split()[0].upper() == covered


def key_tag(r):
    return r[4].split()[6]


def tamper_cases():
    # (signer, alg, denial) triples: both signers, RSA and EC, both chains
    return [("bind", 13, "nsec"), ("ldns", 8, "nsec"), ("ldns", 15, "nsec"), ("bind", 14, "nsec")]


@pytest.mark.parametrize("signer,alg,denial", tamper_cases())
def test_tampered_address(workdir, keys, signer, alg, denial, tmp_path):
    recs = records(signed_zone(workdir, keys, signer, alg, denial))
    for r in recs:
        if r[0].lower() == "www.example." and r[3] == "A":
            r[4] = "192.0.2.99"
    tag = [key_tag(r) for r in recs if is_rrsig_of(r, "www.example.", "A")][0]
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert f"www.example. A: RRSIG by key {tag} (alg {alg}): bad signature\n" in p.stderr
    assert "www.example. A: no valid signature\n" in p.stderr
    assert p.stdout == ""


@pytest.mark.parametrize("signer,alg,denial", tamper_cases())
def test_tampered_removed_rrsig(workdir, keys, signer, alg, denial, tmp_path):
    recs = [r for r in records(signed_zone(workdir, keys, signer, alg, denial))
            if not is_rrsig_of(r, "mail.example.", "A")]
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert "mail.example. A: no valid signature (no RRSIG)\n" in p.stderr
    assert p.stderr.count("\n") == 2  # that line and the summary


@pytest.mark.parametrize("signer,alg,denial", tamper_cases())
def test_tampered_removed_nsec(workdir, keys, signer, alg, denial, tmp_path):
    recs = [r for r in records(signed_zone(workdir, keys, signer, alg, denial))
            if not (r[0].lower() == "mail.example." and r[3] == "NSEC")]
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert "mail.example. NSEC: missing: the name has data and needs an NSEC record\n" in p.stderr
    assert "mail.example. NSEC: RRSIG for a type that does not exist at this name\n" in p.stderr


@pytest.mark.parametrize("signer,alg,denial", tamper_cases())
def test_tampered_nsec_next(workdir, keys, signer, alg, denial, tmp_path):
    recs = records(signed_zone(workdir, keys, signer, alg, denial))
    for r in recs:
        if r[0].lower() == "mail.example." and r[3] == "NSEC":
            nxt, types = r[4].split(None, 1)
            r[4] = "zzz.example. " + types
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert re.search(r"^mail\.example\. NSEC: next name is zzz\.example\. but the next name in the zone is "
                     rf"{re.escape(nxt)}$", p.stderr, re.M | re.I), p.stderr
    assert re.search(r"^mail\.example\. NSEC: RRSIG by key \d+ \(alg \d+\): bad signature$", p.stderr, re.M)


@pytest.mark.parametrize("signer,alg,denial", tamper_cases())
def test_tampered_nsec_bitmap(workdir, keys, signer, alg, denial, tmp_path):
    recs = records(signed_zone(workdir, keys, signer, alg, denial))
    for r in recs:
        if r[0].lower() == "www.example." and r[3] == "NSEC":
            r[4] = r[4].split()[0] + " A RRSIG NSEC"
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert "www.example. NSEC: type bitmap lists A RRSIG NSEC but the name has A AAAA RRSIG NSEC\n" in p.stderr


@pytest.mark.parametrize("signer,alg,denial", tamper_cases())
def test_tampered_signed_glue(workdir, keys, signer, alg, denial, tmp_path):
    recs = records(signed_zone(workdir, keys, signer, alg, denial))
    sig = [r for r in recs if is_rrsig_of(r, "www.example.", "A")][0]
    recs.append(["ns.secure.example."] + sig[1:])
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert "ns.secure.example. A: glue must not be signed\n" in p.stderr
    assert p.stderr.count("\n") == 2


@pytest.mark.parametrize("signer", SIGNERS)
def test_tampered_nsec3(workdir, keys, signer, tmp_path):
    recs = records(signed_zone(workdir, keys, signer, 13, "nsec3"))
    n3 = [r for r in recs if r[3] == "NSEC3"]
    victim = n3[len(n3) // 2]
    recs = [r for r in recs if r is not victim]
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert re.search(r"^\S+ NSEC3: missing: no NSEC3 record for hash %s$" % victim[0].split(".")[0].lower(),
                     p.stderr, re.M), p.stderr
    assert re.search(r"NSEC3: next hashed owner is %s but the next NSEC3 in the chain is " %
                     victim[0].split(".")[0].lower(), p.stderr), p.stderr


@pytest.mark.parametrize("signer", SIGNERS)
def test_tampered_nsec3_params(workdir, keys, signer, tmp_path):
    recs = records(signed_zone(workdir, keys, signer, 13, "nsec3"))
    victim = [r for r in recs if r[3] == "NSEC3"][0]
    f = victim[4].split()
    f[2] = "5"
    victim[4] = " ".join(f)
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert (f"{victim[0]} NSEC3: parameters (hash 1, iterations 5, salt -) differ from NSEC3PARAM "
            "(hash 1, iterations 0, salt -)\n").lower() in p.stderr.lower()


@pytest.mark.parametrize("signer", SIGNERS)
def test_nsec3_without_param(workdir, keys, signer, tmp_path):
    recs = [r for r in records(signed_zone(workdir, keys, signer, 13, "nsec3"))
            if r[3] != "NSEC3PARAM" and not is_rrsig_of(r, "example.", "NSEC3PARAM")]
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert "example. NSEC3PARAM: missing, but the zone has NSEC3 records\n" in p.stderr


def test_optout_needs_flag(workdir, keys, tmp_path):
    """Without the opt-out flag an insecure delegation needs its NSEC3.
    (BIND leaves insecure delegations out of an opt-out chain; ldns keeps them.)"""
    recs = records(signed_zone(workdir, keys, "bind", 13, "optout"))
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 0, p.stderr
    for r in recs:
        if r[3] == "NSEC3":
            f = r[4].split()
            f[1] = "0"
            r[4] = " ".join(f)
    p = verify(write(tmp_path / "z", recs))
    assert p.returncode == 1
    assert re.search(r"^insecure\.example\. NSEC3: missing: no NSEC3 record for hash \w+ \(an insecure "
                     r"delegation may be skipped only by an opt-out NSEC3\)$", p.stderr, re.M), p.stderr


def test_both_chains(workdir, keys, tmp_path):
    a = records(signed_zone(workdir, keys, "bind", 13, "nsec"))
    b = records(signed_zone(workdir, keys, "bind", 13, "nsec3"))
    extra = [r for r in b if r[3] in ("NSEC3", "NSEC3PARAM")]
    p = verify(write(tmp_path / "z", a + extra))
    assert p.returncode == 1
    assert "example. NSEC: the zone has both NSEC and NSEC3 records\n" in p.stderr


def test_unsigned_zone(workdir):
    p = verify(workdir / "example.zone")
    assert p.returncode == 1
    assert "example. DNSKEY: the zone is not signed: no DNSKEY RRset at the apex\n" in p.stderr


# ---- time and anchors ------------------------------------------------------------------


def test_time_window(workdir, keys):
    path = signed_zone(workdir, keys, "bind", 13, "nsec")
    p = run_signet("verify", "--time", "20370201000000", path)
    assert p.returncode == 1
    assert re.search(r"^example\. SOA: RRSIG by key \d+ \(alg 13\): signature expired "
                     rf"\(expiration {EXPIRATION}\)$", p.stderr, re.M), p.stderr
    p = run_signet("verify", "--time", "19990101000000", path)
    assert p.returncode == 1
    assert re.search(r"^example\. SOA: RRSIG by key \d+ \(alg 13\): signature not yet valid "
                     rf"\(inception {INCEPTION}\)$", p.stderr, re.M), p.stderr


def test_expired_bind_zone(workdir, keys):
    """Signed with a window in the past: fails now, passes inside the window."""
    kd, _ = keys[13]
    out = workdir / "expired.signed"
    run("dnssec-signzone", "-q", "-O", "full", "-S", "-K", kd, "-P", "-s", "20100101000000", "-e",
        "20110101000000", "-o", ORIGIN, "-f", out, workdir / "example.zone", cwd=workdir)
    p = run_signet("verify", out)
    assert p.returncode == 1 and "signature expired (expiration 20110101000000)" in p.stderr
    assert run_signet("verify", "--time", "20100601000000", out).returncode == 0


def test_anchor(workdir, keys, tmp_path):
    kd, (ksk, zsk) = keys[13]
    path = signed_zone(workdir, keys, "ldns", 13, "nsec")  # ldns signs the DNSKEY RRset with the KSK only
    ds = run("dnssec-dsfromkey", "-2", kd / (ksk + ".key"))
    (tmp_path / "ds").write_text(ds)
    p = verify(path, "--anchor", tmp_path / "ds")
    assert p.returncode == 0, p.stderr
    (tmp_path / "dnskey").write_text((kd / (ksk + ".key")).read_text())
    assert verify(path, "--anchor", tmp_path / "dnskey").returncode == 0
    # the ZSK does not sign the DNSKEY RRset
    (tmp_path / "zsk").write_text(run("dnssec-dsfromkey", "-2", kd / (zsk + ".key")))
    p = verify(path, "--anchor", tmp_path / "zsk")
    assert p.returncode == 1
    assert p.stderr.startswith("example. DNSKEY: not signed by a key matching the trust anchor\n"), p.stderr
    # an anchor for another zone is bad usage
    (tmp_path / "other").write_text(ds.replace("example.", "other."))
    assert verify(path, "--anchor", tmp_path / "other").returncode == 2


def test_not_sep(workdir, keys, tmp_path):
    """A DNSKEY RRset signed by the ZSK only."""
    kd, (ksk, zsk) = keys[13]
    out = tmp_path / "z"
    # re-sign with the ZSK alone, the KSK published but not signing
    unsigned = workdir / "example.zone"
    pub = (kd / (ksk + ".key")).read_text()
    (tmp_path / "in.zone").write_text(unsigned.read_text() + "\n".join(
        line for line in pub.splitlines() if not line.startswith(";")) + "\n")
    run("ldns-signzone", "-i", INCEPTION, "-e", EXPIRATION, "-o", ORIGIN, "-f", out, tmp_path / "in.zone",
        kd / zsk, cwd=tmp_path)
    p = verify(out)
    assert p.returncode == 1
    assert "example. DNSKEY: not signed by a key flagged as SEP (KSK)\n" in p.stderr


def test_usage():
    assert run_signet("verify").returncode == 2
    assert run_signet("verify", "--time", "yesterday", "x.zone").returncode == 2
    assert run_signet("verify", "--threads", "0", "x.zone").returncode == 2
    p = run_signet("verify", "--help")
    assert p.returncode == 0 and "--anchor" in p.stdout


# ---- the real root zones ---------------------------------------------------------------

ROOTS = [("root-2017082100.zone", "20170825000000"), ("root-2023051100.zone", "20230515000000")]


@pytest.mark.parametrize("name,when", ROOTS)
def test_root_zone(name, when):
    path = REALWORLD / name
    if not path.exists():
        pytest.skip(f"{path} missing")
    p = run_signet("verify", "--time", when, "--anchor", ANCHORS, path)
    assert p.returncode == 0, p.stderr[:2000]
    assert p.stdout.startswith(f"zone . is valid at {when}: ")
    assert "NSEC chain of" in p.stdout
    # one thread gives the same answer
    assert run_signet("verify", "-j", "1", "--time", when, "--anchor", ANCHORS, path).stdout == p.stdout


@pytest.mark.parametrize("name,when", ROOTS)
def test_root_zone_outside_window(name, when):
    path = REALWORLD / name
    if not path.exists():
        pytest.skip(f"{path} missing")
    year = int(when[:4])
    p = run_signet("verify", "--time", f"{year + 1}0101000000", path)
    assert p.returncode == 1 and "signature expired" in p.stderr
    p = run_signet("verify", "--time", f"{year - 1}0101000000", path)
    assert p.returncode == 1 and "signature not yet valid" in p.stderr


def test_root_2023_needs_the_right_anchor(tmp_path):
    """In 2023 the root DNSKEY RRset is signed by KSK 20326, not by 19036 or 38696."""
    path = REALWORLD / "root-2023051100.zone"
    if not path.exists():
        pytest.skip(f"{path} missing")
    lines = [ln for ln in ANCHORS.read_text().splitlines() if " 20326 " not in ln]
    (tmp_path / "a").write_text("\n".join(lines) + "\n")
    p = run_signet("verify", "--time", "20230515000000", "--anchor", tmp_path / "a", path)
    assert p.returncode == 1
    assert p.stderr.startswith(". DNSKEY: not signed by a key matching the trust anchor\n"), p.stderr
