"""The README's main command must keep telling its story: runs the
chain-of-trust demo (scripts/demo-chain.sh) against the build under test and
checks that every step happened -- the secure answer with AD, the trace
exit 0, the forged record refused with SERVFAIL and EDE 6, the trace
marking it BOGUS -- and that it left no process behind."""

import subprocess

import conftest

SCRIPT = conftest.REPO / "scripts" / "demo-chain.sh"


def test_chain_demo_plays_out():
    p = subprocess.run(["bash", str(SCRIPT), str(conftest.BUILD)], capture_output=True,
                       text=True, timeout=180)
    out = p.stdout
    assert p.returncode == 0, (out[-3000:], p.stderr[-3000:])
    assert "demo: the chain of trust held, and the forgery was caught" in out
    # step 3: the secure answer, authenticated
    secure = out.split("== 3.")[1].split("== 4.")[0]
    assert "status: NOERROR" in secure
    assert " ad" in secure.split("flags:")[1].split(";")[0]
    # step 4: every link of the trace secure
    trace_ok = out.split("== 4.")[1].split("== 5.")[0]
    assert "RESULT" in trace_ok and "SECURE" in trace_ok.split("RESULT")[1]
    assert "BOGUS" not in trace_ok
    # step 6: SERVFAIL with EDE 6 (DNSSEC Bogus), the forged address never shown
    refused = out.split("== 6.")[1].split("== 7.")[0]
    assert "status: SERVFAIL" in refused
    assert "EDE: 6" in refused
    assert "127.0.0.66" not in refused.split("resolver log:")[0]
    # step 7: the trace names the broken link
    trace_bad = out.split("== 7.")[1]
    assert "BOGUS" in trace_bad.split("RESULT")[1]
    assert "bad signature" in trace_bad


def test_chain_demo_stops_what_it_started():
    pattern = f"{conftest.BUILD}/(signetd|signet-resolver) .*--(control|root-hints) /tmp/tmp\\."
    before = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    p = subprocess.run(["bash", str(SCRIPT), str(conftest.BUILD)], capture_output=True, text=True,
                       timeout=180)
    assert p.returncode == 0, p.stderr[-2000:]
    after = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    assert set(after) <= set(before), subprocess.run(["ps", "-fp", ",".join(after)],
                                                     capture_output=True, text=True).stdout
