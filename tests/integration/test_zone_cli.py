"""The `signet` command line: exit codes, messages, --help, --version.

Invalid zones in tests/data/zones/invalid/ describe what they must produce
in header lines:

    ; origin: example.com.
    ; expect: LINES OWNER REGEX

One stderr line must match each `expect`: it starts with `FILE:N:` for a
line N in LINES (comma-separated; `-` = any line) or, for problems of the
zone rather than of one line, with `FILE: OWNER` (`-` = no owner form
accepted), and REGEX (case-insensitive) occurs in it.
"""

import re
import shutil

import pytest

from conftest import BAD, EXAMPLES, GOOD, INVALID, REPO, ROOT_ZONES, run_signet
import zoneutil as zu

EXAMPLE = EXAMPLES / "example.com.zone"


def project_version():
    m = re.search(r"version\s*:\s*'([^']+)'", (REPO / "meson.build").read_text())
    return m.group(1)


def expectations(path):
    out = []
    for raw in path.read_text().splitlines():
        m = re.match(r";\s*expect:\s*(\S+)\s+(\S+)\s+(.*)$", raw)
        if m:
            lines = None if m.group(1) == "-" else [int(x) for x in m.group(1).split(",")]
            owner = None if m.group(2) == "-" else m.group(2).rstrip(".").lower()
            out.append((lines, owner, m.group(3).strip()))
    return out


def line_matches(line, fname, lines, owner, regex):
    if not line.startswith(fname + ":"):
        return False
    rest = line[len(fname) + 1:]
    where_ok = lines is None
    if lines is not None:
        m = re.match(r"(\d+):", rest)
        where_ok = bool(m) and int(m.group(1)) in lines
    if not where_ok and owner is not None:
        where_ok = rest.lstrip().lower().startswith(owner)
    return where_ok and re.search(regex, rest, re.I) is not None


# A closing summary such as "zone example.com: not loaded due to errors" may
# follow the problems; it is not a problem line.
SUMMARY = re.compile(r"zone \S+: ")


def stderr_lines(p):
    """The problem lines on stderr (summary line left out)."""
    return [ln for ln in p.stderr.splitlines() if ln.strip() and not SUMMARY.match(ln)]


def strip_severity(line):
    """`FILE:LINE: error: msg` -> `FILE:LINE: msg` (a severity word is allowed)."""
    return re.sub(r"^([^\s:]+:(?:\d+:)?) (?:error|warning): ", r"\1 ", line)


# --- valid zones -------------------------------------------------------------

def test_check_example_zone(signet):
    p = signet("zone", "check", EXAMPLE)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    out = [ln for ln in p.stdout.splitlines() if ln.strip()]
    assert len(out) == 1, f"expected one summary line, got: {p.stdout!r}"
    assert "example.com" in out[0]
    n = len(signet("zone", "print", EXAMPLE).stdout.splitlines())
    assert re.search(rf"\b{n}\b", out[0]), f"summary does not give the {n} records: {out[0]}"


@pytest.mark.parametrize("path", zu.corpus_files(GOOD), ids=lambda p: p.name)
def test_check_good_corpus(signet, path):
    origin = zu.header(path)["origin"]
    p = signet("zone", "check", "--origin", origin, path.name, cwd=path.parent)
    assert p.returncode == 0, f"{path.name}:\n{p.stderr}"
    assert p.stderr == ""


def test_check_real_root_zone(signet):
    for path in ROOT_ZONES:
        p = signet("zone", "check", path)
        assert p.returncode == 0, f"{path.name}:\n{p.stderr[-2000:]}"


def test_print_output_is_a_valid_zone_and_stable(signet, tmp_path):
    """What `zone print` writes reads back as the same zone: it checks clean
    and prints identically (absolute names, no lost escapes)."""
    for src in [EXAMPLE, GOOD / "escapes-owners.zone", GOOD / "escapes-txt.zone",
                GOOD / "types-dnssec.zone", GOOD / "types-modern.zone"]:
        origin = zu.header(src)["origin"] if src.parent == GOOD else "example.com."
        p1 = signet("zone", "print", "--origin", origin, src)
        assert p1.returncode == 0, p1.stderr
        copy = tmp_path / (src.name + ".printed")
        copy.write_text(p1.stdout)
        c = signet("zone", "check", "--origin", origin, copy)
        assert c.returncode == 0, f"{src.name} printed, re-checked:\n{c.stderr}"
        p2 = signet("zone", "print", "--origin", origin, copy)
        assert p2.returncode == 0, p2.stderr
        assert p2.stdout == p1.stdout, f"{src.name}: printing the printout changed it"


def test_origin_option_changes_the_zone(signet):
    """--origin overrides the SOA owner: the example zone read as example.org
    has its SOA outside the zone and no NS at the apex."""
    p = signet("zone", "check", "--origin", "example.org.", EXAMPLE)
    assert p.returncode == 1
    assert stderr_lines(p)


def test_include_relative_to_including_file(signet, tmp_path):
    """$INCLUDE paths are relative to the including file, not the cwd."""
    src = GOOD / "include-nested.zone"
    p = signet("zone", "print", "--origin", "example.com.", src, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "b1.sub.example.com." in p.stdout.replace("\t", " ")


# --- invalid zones -------------------------------------------------------------

INVALID_FILES = sorted(INVALID.glob("*.zone"))


def test_invalid_corpus_present():
    assert len(INVALID_FILES) >= 7


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.name)
def test_check_invalid(signet, path):
    origin = zu.header(path)["origin"]
    exp = expectations(path)
    assert exp, f"{path.name} has no '; expect:' lines"
    p = signet("zone", "check", "--origin", origin, path.name, cwd=path.parent)
    assert p.returncode == 1, f"{path.name}: exit {p.returncode}\n{p.stderr}"
    errs = stderr_lines(p)
    stray = [ln for ln in errs if not ln.startswith(path.name + ":")]
    assert not stray, f"stderr lines not in FILE:LINE: / FILE: owner TYPE: form: {stray}"
    missing = [e for e in exp if not any(line_matches(ln, path.name, *e) for ln in errs)]
    assert not missing, f"{path.name}: no message for {missing}\nstderr:\n{p.stderr}"


def test_several_problems_all_listed(signet):
    path = INVALID / "several-problems.zone"
    p = signet("zone", "check", "--origin", "example.com.", path.name, cwd=path.parent)
    assert p.returncode == 1
    assert len(stderr_lines(p)) >= len(expectations(path))


@pytest.mark.parametrize("path", sorted(BAD.glob("*.zone")) if BAD.is_dir() else [],
                         ids=lambda p: p.name)
def test_check_bad_scanner_corpus(signet, path):
    """Every file of the scanner's bad/ corpus fails `zone check` with messages."""
    args = ["zone", "check"]
    try:
        args += ["--origin", zu.header(path)["origin"]]
    except ValueError:
        args += ["--origin", "example.com."]
    p = signet(*args, path.name, cwd=path.parent)
    assert p.returncode == 1, f"{path.name}: exit {p.returncode}\nstdout:{p.stdout[:500]}"
    errs = stderr_lines(p)
    assert errs, "no message on stderr"
    # Problems inside an included file name that file, so any FILE: prefix.
    assert all(re.match(r"[^\s:]+:(\d+:)? ", ln) for ln in errs), p.stderr
    assert any(ln.startswith(path.name + ":") for ln in errs), p.stderr
    # The scanner's expected messages (its .expect sidecar) reach the user.
    exp = path.with_suffix(".expect")
    if exp.exists():
        want = [ln for ln in exp.read_text().splitlines() if ln.strip()]
        got = {strip_severity(ln) for ln in errs}
        missing = [w for w in want if strip_severity(w) not in got]
        assert not missing, f"expected messages missing: {missing}\nstderr:\n{p.stderr}"


def test_missing_file(signet, tmp_path):
    missing = tmp_path / "no-such.zone"
    for cmd in ("check", "print"):
        p = signet("zone", cmd, "--origin", "example.com.", missing)
        assert p.returncode == 1, cmd
        assert "no-such.zone" in p.stderr, p.stderr
        assert p.stdout == "", cmd


def test_missing_include(signet, tmp_path):
    z = tmp_path / "inc.zone"
    z.write_text("$ORIGIN example.com.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n"
                 "ns1 A 192.0.2.1\n$INCLUDE not-there.inc\n")
    p = signet("zone", "check", z.name, cwd=tmp_path)
    assert p.returncode == 1
    assert re.search(r"inc\.zone:6:.*not-there\.inc", p.stderr), p.stderr


def test_no_origin_and_no_absolute_soa(signet, tmp_path):
    """Without --origin and with relative names only, there is no origin."""
    z = tmp_path / "rel.zone"
    z.write_text("$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n")
    p = signet("zone", "check", z.name, cwd=tmp_path)
    assert p.returncode == 1
    assert stderr_lines(p)


# --- help, usage, version ----------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["zone", "--help"], ["zone", "check", "--help"],
                                  ["zone", "print", "--help"]], ids=" ".join)
def test_help(signet, args):
    p = signet(*args)
    assert p.returncode == 0, p.stderr
    assert re.search(r"usage", p.stdout, re.I), p.stdout


def test_help_mentions_commands(signet):
    assert "zone" in signet("--help").stdout
    z = signet("zone", "--help").stdout
    assert "check" in z and "print" in z
    for cmd in ("check", "print"):
        assert "--origin" in signet("zone", cmd, "--help").stdout


@pytest.mark.parametrize("args", [["frobnicate"], ["zone", "frobnicate"],
                                  ["zone", "check", "--bogus", str(EXAMPLE)],
                                  ["zone", "print", "--bogus", str(EXAMPLE)],
                                  ["zone", "check"], ["zone", "print"],
                                  ["zone", "check", "--origin"],
                                  ["--bogus"], []], ids=lambda a: " ".join(a) or "no-args")
def test_usage_errors(signet, args):
    p = signet(*args)
    assert p.returncode != 0
    assert re.search(r"usage", p.stderr, re.I), p.stderr
    assert p.stdout == ""


def test_bad_origin_option(signet):
    p = signet("zone", "check", "--origin", "a..b", EXAMPLE)
    assert p.returncode != 0
    assert p.stderr.strip()


def test_version(signet):
    p = signet("--version")
    assert p.returncode == 0
    assert p.stdout.strip() == f"signet {project_version()}"


# --- the sanitizer build -------------------------------------------------------

def test_asan_build_on_corpus(asan_binary):
    """The ASan+UBSan build reads every corpus zone and a root zone cleanly."""
    files = [(p, zu.header(p)["origin"]) for p in zu.corpus_files(GOOD)]
    files += [(p, zu.header(p)["origin"]) for p in INVALID_FILES]
    files.append((ROOT_ZONES[0], "."))
    for path, origin in files:
        for cmd in ("check", "print"):
            p = run_signet("zone", cmd, "--origin", origin, path.name, cwd=path.parent,
                           binary=asan_binary)
            assert p.returncode in (0, 1), f"{cmd} {path.name}: exit {p.returncode}\n{p.stderr[-3000:]}"
            assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, \
                f"{cmd} {path.name}:\n{p.stderr[-3000:]}"


def test_oracle_tools_present():
    """The differential tests need these peers (Debian: ldnsutils, bind9-utils)."""
    for tool in ("ldns-read-zone", "named-compilezone"):
        assert shutil.which(tool), f"{tool} not installed"
