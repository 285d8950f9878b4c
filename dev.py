#!/usr/bin/env python3
"""The two commands a fresh clone needs (see README):

    python3 dev.py serve   install, prepare the SQLite database with the demo, serve on 127.0.0.1:8000
    python3 dev.py test    install the test dependencies and run the whole test suite

Both create a virtual environment in .venv inside the clone and install Samleng into it; they can be run
any number of times. Extra arguments after `test` go to pytest (`python3 dev.py test -k places`).
"""

import hashlib
import os
import shutil
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


def serve(args: list[str]) -> None:
    install("")
    development_mode()
    samleng = str(BIN / "samleng")
    run(samleng, "setup", "--demo")
    print("\nSamleng is at http://127.0.0.1:8000 (log in as demo-admin / samleng-demo-2024)\n", flush=True)
    env = {**os.environ, "SAMLENG_TASKS_IMMEDIATE": os.environ.get("SAMLENG_TASKS_IMMEDIATE", "1")}
    os.execve(samleng, [samleng, "runserver", "127.0.0.1:8000", *args], env)


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
