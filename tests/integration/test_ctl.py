"""`signet ctl`: reload and status over signetd's control socket.

Exit codes (docs/user/signet-ctl.md): 0 done, 1 the server reported a
failure, 2 usage, 3 cannot reach the server.
"""

import os
import socket
import subprocess
import threading

import pytest

from test_signetd import SIGNET, SIGNETD, Server, free_port, soa_serial, write_zone

pytestmark = pytest.mark.skipif(not (SIGNETD.is_file() and SIGNET.is_file()),
                                reason=f"no signetd/signet at {SIGNETD.parent}")

ADDR = "127.0.0.1"


def ctl(*args, env=None, timeout=60):
    e = dict(os.environ)
    e.pop("SIGNETD_CONTROL", None)
    e.update(env or {})
    return subprocess.run([str(SIGNET), "ctl", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=e)


@pytest.fixture
def daemon(tmp_path):
    """daemon(*args) -> a running signetd (test_signetd.Server), killed after the test."""
    started = []

    def start(*args):
        started.append(Server(tmp_path, args))
        return started[-1]

    try:
        yield start
    finally:
        for s in started:
            s.kill()


@pytest.fixture
def served(daemon, tmp_path):
    """signetd on a free 127.0.0.1 port serving example.org from z.zone
    (serial 1), with its control socket in tmp_path."""
    port = free_port(ADDR)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=1)
    sock = tmp_path / "ctl.sock"
    s = daemon("--listen", f"{ADDR}@{port}", "--zone", f"example.org={zf}", "--control", sock)
    return s, port, zf, sock


def test_reload_serves_new_serial(served):
    s, port, zf, sock = served
    st = ctl("--socket", sock, "status")
    assert st.returncode == 0, st.stderr
    assert "example.org serial 1 unsigned" in st.stdout
    assert soa_serial(ADDR, port, "example.org.") == 1

    write_zone(zf, serial=2)
    r = ctl("--socket", sock, "reload")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok: reload done")
    assert "example.org serial 2 unsigned" in r.stdout
    assert r.stderr == ""
    # ctl returns when the reload is over: the new version is already served.
    assert soa_serial(ADDR, port, "example.org.") == 2
    assert "control: reload requested" in s.text()

    # The environment variable names the socket too; -s short option.
    write_zone(zf, serial=3)
    r = ctl("reload", env={"SIGNETD_CONTROL": str(sock)})
    assert r.returncode == 0, r.stderr
    assert soa_serial(ADDR, port, "example.org.") == 3
    assert ctl("-s", sock, "status").stdout.startswith("example.org serial 3")
    assert s.stop() == 0


def test_broken_zone_keeps_old_and_is_reported(served):
    s, port, zf, sock = served
    write_zone(zf, serial=7)
    with open(zf, "a") as f:
        f.write("broken IN A not-an-address\n")
    r = ctl("--socket", sock, "reload")
    assert r.returncode == 1, r.stdout + r.stderr
    # which zone, where in the file and what happens now
    assert "error: zone example.org" in r.stderr
    assert f"{zf}:" in r.stderr or "z.zone:" in r.stderr
    assert "old version (serial 1) stays in service" in r.stderr
    assert soa_serial(ADDR, port, "example.org.") == 1
    st = ctl("--socket", sock, "status")
    assert st.returncode == 0
    assert "example.org serial 1 unsigned (last load failed:" in st.stdout

    write_zone(zf, serial=8)
    r = ctl("--socket", sock, "reload")
    assert r.returncode == 0, r.stderr
    assert soa_serial(ADDR, port, "example.org.") == 8
    st = ctl("--socket", sock, "status")
    assert "example.org serial 8 unsigned" in st.stdout and "failed" not in st.stdout
    assert s.stop() == 0


def test_bad_configuration_at_reload(daemon, tmp_path):
    port = free_port(ADDR)
    zf = tmp_path / "z.zone"
    write_zone(zf, serial=5)
    sock = tmp_path / "ctl.sock"
    conf = tmp_path / "c.yaml"
    conf.write_text(f'listen: ["{ADDR}@{port}"]\ncontrol: {sock}\n'
                    f"zones:\n  - name: example.org\n    file: {zf}\n")
    s = daemon("-c", conf)
    conf.write_text(conf.read_text() + "    no-such-option: 1\n")
    r = ctl("-s", sock, "reload")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "error: configuration:" in r.stderr and "nothing changed" in r.stderr
    assert soa_serial(ADDR, port, "example.org.") == 5
    assert s.stop() == 0


def test_usage_errors():
    r = ctl("status")
    assert r.returncode == 2 and "SIGNETD_CONTROL" in r.stderr
    assert ctl("-s", "/nonexistent", "frobnicate").returncode == 2
    assert ctl("-s", "/nonexistent").returncode == 2
    assert ctl("-s", "/nonexistent", "status", "reload").returncode == 2
    assert ctl("-s", "/nonexistent", "-t", "0", "status").returncode == 2
    h = ctl("--help")
    assert h.returncode == 0 and "reload" in h.stdout and "Exit status" in h.stdout


def test_cannot_connect(tmp_path):
    r = ctl("-s", tmp_path / "missing.sock", "status")
    assert r.returncode == 3
    assert "no control socket" in r.stderr

    # a stale socket: the file is there, nobody listens
    stale = tmp_path / "stale.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as u:
        u.bind(str(stale))
        r = ctl("-s", stale, "status")
    assert r.returncode == 3
    assert "refused" in r.stderr

    # a server that never answers
    mute = tmp_path / "mute.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as u:
        u.bind(str(mute))
        u.listen(1)
        held = []
        t = threading.Thread(target=lambda: held.append(u.accept()), daemon=True)
        t.start()
        r = ctl("-s", mute, "-t", "1", "status")
        t.join(5)
        for c, _ in held:
            c.close()
    assert r.returncode == 3
    assert "no answer from signetd within 1 s" in r.stderr


def test_stopped_server(served):
    s, port, zf, sock = served
    assert s.stop() == 0
    r = ctl("-s", sock, "status")
    assert r.returncode == 3 and "no control socket" in r.stderr
