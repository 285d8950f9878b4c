#!/usr/bin/env python3
"""The two commands a fresh clone needs (see README):

    python3 dev.py serve   install, prepare the SQLite database with the demo, serve on 127.0.0.1:8000
                           (`python3 dev.py serve 127.0.0.1:8011` or `serve 8011` serves elsewhere)
    python3 dev.py test    install the test dependencies and run the whole test suite

Both create a virtual environment in .venv inside the clone and install Samleng into it; they can be run
any number of times. Extra arguments after `test` go to pytest (`python3 dev.py test -k places`).
"""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CHROMIUM = os.environ.get("SAMLENG_CHROMIUM", "/usr/bin/chromium")


def run(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def install(extras: str) -> None:
    """Create .venv and install Samleng (editable) with `extras`, unless pyproject.toml is unchanged."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be started by an older python3)
        sys.exit("Samleng needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(digest)


def development_mode() -> None:
    """Samleng runs in production mode unless SAMLENG_DEBUG=1 (README, Settings); these commands are for
    development: the development keys, static files from the apps."""
    os.environ.setdefault("SAMLENG_DEBUG", "1")


DEFAULT_ADDRESS = ("127.0.0.1", 8000)


def serve_address(args: list[str]) -> tuple[str, int, list[str]]:
    """The host and port `serve` listens on, from a first argument "HOST:PORT" or "PORT" (as runserver takes
    it), and the arguments left for runserver."""
    if not args or args[0].startswith("-"):
        return (*DEFAULT_ADDRESS, args)
    first, rest = args[0], args[1:]
    host, _, port = first.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.exit(f"{first!r} is not an address to serve on: give HOST:PORT or PORT, e.g. "
                 f"python3 dev.py serve 127.0.0.1:8011")
    return host or DEFAULT_ADDRESS[0], int(port), rest


def port_busy(host: str, port: int) -> bool:
    """Something listens on host:port already (another Samleng, another server): runserver would fail
    there after the setup, with an error that does not say what to do."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def serve(args: list[str]) -> None:
    host, port, args = serve_address(args)
    if port_busy(host, port):
        sys.exit(f"Port {port} on {host} is in use (is Samleng already running?). Stop what runs there, or "
                 f"pick another port: python3 dev.py serve {host}:{port + 1}")
    install("")
    development_mode()
    samleng = str(BIN / "samleng")
    run(samleng, "setup", "--demo")
    print(f"\nSamleng is at http://{host}:{port} (log in as demo-admin / samleng-demo-2024)\n", flush=True)
    env = {**os.environ, "SAMLENG_TASKS_IMMEDIATE": os.environ.get("SAMLENG_TASKS_IMMEDIATE", "1")}
    os.execve(samleng, [samleng, "runserver", f"{host}:{port}", *args], env)


def test(args: list[str]) -> None:
    install("test")
    development_mode()
    if not Path(CHROMIUM).exists():
        print(f"NOTE: {CHROMIUM} not found: the browser tests will be SKIPPED. "
              "Install Debian's chromium package (apt-get install chromium) to run them.", flush=True)
    run(str(BIN / "python"), "-m", "pytest", *args)


def main() -> None:
    command, *args = sys.argv[1:] or ["help"]
    if command == "serve":
        serve(args)
    elif command == "test":
        try:
            test(args)
        except subprocess.CalledProcessError as error:
            sys.exit(error.returncode)
    else:
        print(__doc__)
        sys.exit(0 if command == "help" else 2)


if __name__ == "__main__":
    shutil.os.umask(0o022)
    main()
