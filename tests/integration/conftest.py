"""Shared fixtures for signet's integration tests.

Run with Debian's python (it has dnspython 2.3):
    SIGNET_BUILD=build-x /usr/bin/python3 -m pytest tests/integration
SIGNET_BUILD is the meson build directory holding the `signet` binary
(default: <repo>/build). SIGNET_ASAN_BUILD, when set and built, adds runs of
the sanitizer build. Real-world test data comes from <repo>/../shared/testdata
(override with SIGNET_SHARED_TESTDATA).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

REPO = HERE.parents[1]
DATA = REPO / "tests" / "data"
ZONES = DATA / "zones"
GOOD = ZONES / "good"
INVALID = ZONES / "invalid"
BAD = ZONES / "bad"
EXAMPLES = REPO / "examples"


def _dir(var, default):
    v = os.environ.get(var)
    p = Path(v) if v else Path(default)
    return p if p.is_absolute() else (REPO / p)


BUILD = _dir("SIGNET_BUILD", REPO / "build")
SHARED_TESTDATA = _dir("SIGNET_SHARED_TESTDATA", REPO.parent / "shared" / "testdata")
REALWORLD = SHARED_TESTDATA / "realworld"
ROOT_ZONES = [REALWORLD / "root-2017082100.zone", REALWORLD / "root-2023051100.zone"]


def signet_binary(build=BUILD):
    return Path(build) / "signet"


def run_signet(*args, binary=None, cwd=None, timeout=120, env=None):
    """Runs signet with args; returns the CompletedProcess (text mode)."""
    exe = Path(binary) if binary else signet_binary()
    if not exe.is_file() or not os.access(exe, os.X_OK):
        pytest.fail(f"signet binary not found at {exe} (set SIGNET_BUILD to the build directory)")
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, errors="surrogateescape", timeout=timeout, env=env)


@pytest.fixture
def signet():
    """signet(*args, cwd=None) -> CompletedProcess."""
    return run_signet


@pytest.fixture(scope="session")
def asan_binary():
    """The sanitizer build's signet, or skip when there is none."""
    d = os.environ.get("SIGNET_ASAN_BUILD")
    if not d:
        pytest.skip("SIGNET_ASAN_BUILD not set")
    exe = _dir("SIGNET_ASAN_BUILD", d) / "signet"
    if not exe.is_file():
        pytest.skip(f"no sanitizer build at {exe}")
    return exe
