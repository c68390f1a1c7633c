"""signet keygen / sign / ds against independent implementations.

Zones signed by signet must pass ldns-verify-zone and BIND's dnssec-verify
for every signing algorithm with NSEC, NSEC3 and NSEC3 opt-out; keys made by
dnssec-keygen and ldns-keygen must sign in signet; keys made by signet must
sign in BIND; `signet ds` must agree with dnssec-dsfromkey; dnspython must
validate signet's signatures.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import dns.dnssec
import dns.name
import dns.rdatatype
import dns.zone
import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("SIGNET_BUILD", REPO / "build"))
SIGNET = str(BUILD / "signet")
ZONE = REPO / "tests" / "data" / "sign" / "example.org.zone"
ORIGIN = "example.org"

ALGS = [8, 10, 13, 14, 15, 16]
DENIALS = {
    "nsec": [],
    "nsec3": ["--nsec3"],
    "nsec3-optout": ["--nsec3", "--opt-out", "--salt", "c0ffee", "--iterations", "2"],
}


def run(*args, check=True, **kw):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}\nstdout:{p.stdout}\nstderr:{p.stderr}")
    return p


def signet(*args, **kw):
    return run(SIGNET, *args, **kw)


def keygen_pair(keydir, alg):
    extra = ["-b", "1024"] if alg in (8, 10) else []  # keep RSA tests fast
    zsk = signet("keygen", "-a", alg, *extra, "-K", keydir, ORIGIN).stdout.strip()
    ksk = signet("keygen", "-a", alg, *extra, "--ksk", "-K", keydir, ORIGIN).stdout.strip()
    assert re.fullmatch(r"Kexample\.org\.\+%03d\+\d{5}" % alg, zsk), zsk
    return zsk, ksk


def oracles_accept(signed):
    ldns = run("ldns-verify-zone", signed, check=False)
    assert ldns.returncode == 0, f"ldns-verify-zone: {ldns.stdout}{ldns.stderr}"
    bind = run("dnssec-verify", "-o", ORIGIN, signed, check=False)
    assert bind.returncode == 0, f"dnssec-verify: {bind.stdout}{bind.stderr}"


@pytest.mark.parametrize("alg", ALGS)
@pytest.mark.parametrize("denial", list(DENIALS))
def test_signet_signed_zone_passes_ldns_and_bind(tmp_path, alg, denial):
    keygen_pair(tmp_path, alg)
    out = tmp_path / "signed.zone"
    signet("sign", "-K", tmp_path, *DENIALS[denial], "-o", out, ZONE)
    oracles_accept(out)
    text = out.read_text()
    # glue and the delegation NS are never signed; the DS is
    assert not re.search(r"^ns\.secure\.example\.org\.\s+\d+\s+IN\s+RRSIG", text, re.M)
    assert not re.search(r"^insecure\.example\.org\.\s+\d+\s+IN\s+RRSIG\s+NS\s", text, re.M)
    assert re.search(r"^secure\.example\.org\.\s+\d+\s+IN\s+RRSIG\s+DS", text, re.M)
    if denial == "nsec":
        assert "\tNSEC\t" in text and "NSEC3" not in text
    else:
        assert re.search(r"NSEC3PARAM\t1 0 (0|2) (-|C0FFEE)", text, re.I)
        if denial == "nsec3-optout":
            assert re.search(r"\tNSEC3\t1 1 2 C0FFEE ", text, re.I)


def test_dnspython_validates_every_rrset(tmp_path):
    keygen_pair(tmp_path, 13)
    out = tmp_path / "signed.zone"
    signet("sign", "-K", tmp_path, "--nsec3", "-o", out, ZONE)
    z = dns.zone.from_file(str(out), origin=ORIGIN + ".", relativize=False)
    origin = dns.name.from_text(ORIGIN + ".")
    keys = {origin: z.find_rdataset(origin, "DNSKEY")}
    checked = 0
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            if rds.rdtype == dns.rdatatype.RRSIG:
                continue
            sigs = node.get_rdataset(rds.rdclass, dns.rdatatype.RRSIG, rds.rdtype)
            if sigs is None:
                continue
            dns.dnssec.validate((name, rds), (name, sigs), keys)
            checked += 1
    assert checked > 20


def test_keys_from_bind_and_ldns_sign_in_signet(tmp_path):
    kd = tmp_path / "keys"
    kd.mkdir()
    run("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-K", kd, ORIGIN)
    run("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", kd, ORIGIN)
    out = tmp_path / "signed.zone"
    signet("sign", "-K", kd, "-o", out, ZONE)
    oracles_accept(out)
    # ldns-keygen writes into the current directory
    ld = tmp_path / "ldns"
    ld.mkdir()
    base = run("ldns-keygen", "-a", "ED25519", "-k", ORIGIN, cwd=ld).stdout.strip()
    zbase = run("ldns-keygen", "-a", "ED25519", ORIGIN, cwd=ld).stdout.strip()
    out2 = tmp_path / "signed2.zone"
    signet("sign", "-k", ld / base, "-k", ld / zbase, "-o", out2, ZONE)
    oracles_accept(out2)


def test_signet_keys_sign_in_bind(tmp_path):
    zsk, ksk = keygen_pair(tmp_path, 13)
    shutil.copy(ZONE, tmp_path / "zone")
    out = tmp_path / "bind-signed.zone"
    run("dnssec-signzone", "-q", "-K", tmp_path, "-d", tmp_path, "-S", "-o", ORIGIN, "-f", out, tmp_path / "zone")
    oracles_accept(out)
    # and signet's DS equals BIND's for the KSK
    ours = signet("ds", tmp_path / (ksk + ".key")).stdout.split()
    theirs = run("dnssec-dsfromkey", "-2", tmp_path / (ksk + ".key")).stdout.split()
    assert ours[-4:] == theirs[-4:]


def test_ds_digests_match_bind(tmp_path):
    _, ksk = keygen_pair(tmp_path, 14)
    for ours_d, bind_d in (("sha1", "-1"), ("sha256", "-2"), ("sha384", "-a SHA-384")):
        ours = signet("ds", "-d", ours_d, tmp_path / (ksk + ".key")).stdout.split()
        theirs = run("dnssec-dsfromkey", *bind_d.split(), tmp_path / (ksk + ".key")).stdout.split()
        assert [x.upper() for x in ours[-4:]] == [x.upper() for x in theirs[-4:]]
    # a zone file and a key directory give the same DS
    out = tmp_path / "signed.zone"
    signet("sign", "-K", tmp_path, "-o", out, ZONE)
    from_zone = signet("ds", out).stdout.split()
    from_dir = signet("ds", tmp_path).stdout.split()
    assert from_zone == from_dir and len(from_zone) == 7


def test_private_key_mode_0600(tmp_path):
    zsk, _ = keygen_pair(tmp_path, 13)
    mode = (tmp_path / (zsk + ".private")).stat().st_mode & 0o777
    assert mode == 0o600


def test_validity_window_and_labels(tmp_path):
    keygen_pair(tmp_path, 13)
    out = tmp_path / "signed.zone"
    signet("sign", "-K", tmp_path, "--inception", "20200101000000", "--expiration", "20200201000000",
           "-o", out, ZONE)
    text = out.read_text()
    sigs = re.findall(r"\tRRSIG\t(\S+) 13 (\d+) \d+ (\d{14}) (\d{14}) ", text)
    assert sigs and all(s[2] == "20200201000000" and s[3] == "20200101000000" for s in sigs)
    # the wildcard's signature counts the labels without the "*"
    assert re.search(r"^\*\.wild\.example\.org\.\s+\d+\s+IN\s+RRSIG\s+TXT 13 3 ", text, re.M)
    # expired on purpose: dnssec-verify judges with the current time and fails
    assert run("dnssec-verify", "-o", ORIGIN, out, check=False).returncode != 0


@pytest.mark.parametrize("alg,msg", [("5", "cannot be used to sign"), ("1", "cannot be used to sign"), ("3", "cannot be used to sign"), ("12", "cannot be used to sign"), ("99", "")])
def test_keygen_refuses_deprecated_and_unknown(tmp_path, alg, msg):
    p = signet("keygen", "-a", alg, "-K", tmp_path, ORIGIN, check=False)
    assert p.returncode != 0
    assert msg in p.stderr.lower()
    assert not list(tmp_path.iterdir())


def test_sign_errors_are_clear(tmp_path):
    out = tmp_path / "out.zone"
    # no keys at all
    p = signet("sign", "-K", tmp_path, "-o", out, ZONE, check=False)
    assert p.returncode == 1 and "no active keys for example.org." in p.stderr
    assert not out.exists()
    # a key of another zone named explicitly
    other = signet("keygen", "-K", tmp_path, "example.com").stdout.strip()
    p = signet("sign", "-k", tmp_path / other, "-o", out, ZONE, check=False)
    assert p.returncode == 1 and "example.com" in p.stderr
    # a zone without SOA
    keygen_pair(tmp_path, 13)
    nosoa = tmp_path / "nosoa.zone"
    nosoa.write_text("$ORIGIN example.org.\nwww 3600 IN A 192.0.2.1\n")
    p = signet("sign", "-K", tmp_path, "--origin", ORIGIN, "-o", out, nosoa, check=False)
    assert p.returncode == 1 and "SOA" in p.stderr
    # a corrupt private key file
    priv = next(tmp_path.glob("Kexample.org.+013+*.private"))
    priv.write_text("Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: !!!\n")
    p = signet("sign", "-K", tmp_path, "-o", out, ZONE, check=False)
    assert p.returncode == 1 and priv.name in p.stderr
    assert not out.exists()
    # usage errors exit 2
    assert signet("sign", ZONE, check=False).returncode == 2
    assert signet("sign", "--salt", "ab", "-o", out, ZONE, check=False).returncode == 2
