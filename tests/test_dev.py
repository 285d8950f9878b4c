"""dev.py serve: the address it serves on, and a busy port that says how to pick another (without starting
anything: serve stops before installing when the port is taken)."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402 (dev.py is a script at the clone's root)


@pytest.mark.parametrize(("args", "expected"), [
    ([], ("127.0.0.1", 8000, [])),
    (["127.0.0.1:8011"], ("127.0.0.1", 8011, [])),
    (["8011"], ("127.0.0.1", 8011, [])),
    (["0.0.0.0:8011", "--noreload"], ("0.0.0.0", 8011, ["--noreload"])),
    (["--noreload"], ("127.0.0.1", 8000, ["--noreload"])),
])
def test_the_address_to_serve_on(args, expected):
    assert dev.serve_address(args) == expected


def test_a_wrong_address_says_what_to_give():
    with pytest.raises(SystemExit, match="give HOST:PORT or PORT"):
        dev.serve_address(["127.0.0.1:port"])


def test_a_busy_port_says_how_to_pick_another():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert dev.port_busy("127.0.0.1", port)
        done = subprocess.run([sys.executable, str(ROOT / "dev.py"), "serve", f"127.0.0.1:{port}"],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"Port {port} on 127.0.0.1 is in use" in done.stderr
    assert f"python3 dev.py serve 127.0.0.1:{port + 1}" in done.stderr
    assert "+ " not in done.stdout  # stopped before installing or setting anything up
