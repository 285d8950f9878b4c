"""Production is the default (issue 9): without SAMLENG_DEBUG=1 Samleng refuses to start with the development
SECRET_KEY or without SAMLENG_FIELD_KEY, and with the production settings of the README's Deployment section
`samleng check --deploy` has nothing to say; HTTPS is then required (redirect, secure cookies, HSTS). Each
case starts Samleng in a process of its own, with an environment of its own."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[1]
SAMLENG = str(Path(sys.executable).parent / "samleng")
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: The settings the HTTPS checks read, as production has them.
HTTPS_SETTINGS = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
                  "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def environment(tmp_path, **settings) -> dict[str, str]:
    """This process's environment without any of Samleng's settings (nor development mode), plus `settings`."""
    ours = {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the tests set the last (conftest.py)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMLENG_") and k not in ours}
    return {**env, "SAMLENG_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **settings}


def samleng(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SAMLENG, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def documented_production_settings() -> dict[str, str]:
    """The `NAME=value` lines of the README's example of the production settings, the keys made anew."""
    deployment = README.split("## Deployment", 1)[1].split("\n## ", 1)[0]
    block = next(b for b in re.findall(r"```sh\n(.*?)```", deployment, flags=re.S) if "SECRET_KEY=" in b)
    documented = dict(re.match(r"\s*([A-Z_]+)=(\S*)", line).groups() for line in block.splitlines() if "=" in line)
    documented["SECRET_KEY"] = secrets.token_urlsafe(50)
    documented["SAMLENG_FIELD_KEY"] = Fernet.generate_key().decode()
    documented.pop("DATABASE_URL")  # a file of the test's own, never a server
    return documented


def test_production_is_the_default_and_refuses_the_development_secret_key(tmp_path):
    run = samleng(environment(tmp_path, SAMLENG_FIELD_KEY=Fernet.generate_key().decode()), "check")
    assert run.returncode != 0
    assert "needs SECRET_KEY" in run.stderr and "SAMLENG_DEBUG=1" in run.stderr


def test_production_refuses_to_start_without_the_field_key(tmp_path):
    run = samleng(environment(tmp_path, SECRET_KEY=secrets.token_urlsafe(50)), "check")
    assert run.returncode != 0 and "needs SAMLENG_FIELD_KEY" in run.stderr


def test_development_mode_needs_neither_key(tmp_path):
    run = samleng(environment(tmp_path, SAMLENG_DEBUG="1"), "check")
    assert run.returncode == 0, run.stderr


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    documented = documented_production_settings()
    assert {"SECRET_KEY", "SAMLENG_FIELD_KEY", "ALLOWED_HOSTS", "SAMLENG_PROXY_SSL_HEADER"} <= set(documented)
    run = samleng(environment(tmp_path, **documented), "check", "--deploy", "--fail-level", "WARNING")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout, run.stdout


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """The HTTPS settings as the README's production settings make them."""
    tmp_path = tmp_path_factory.mktemp("production")
    code = ("import json; from django.conf import settings; "
            f"print(json.dumps({{name: getattr(settings, name, None) for name in {HTTPS_SETTINGS!r}}}))")
    run = samleng(environment(tmp_path, **documented_production_settings()), "shell", "-v", "0", "-c", code)
    assert run.returncode == 0, run.stderr
    values = json.loads(run.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"] or ()) or None
    return values


def test_production_redirects_plain_http_to_https(production, db):
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    with override_settings(**production):
        response = Client().get("/budgets/?q=Kleng")
    assert response.status_code == 301 and response.url == "https://testserver/budgets/?q=Kleng"
    assert "Strict-Transport-Security" not in response.headers  # said over HTTPS only


def test_production_tells_browsers_to_keep_to_https_and_sends_cookies_over_it_only(production, db):
    with override_settings(**production):
        client = Client()
        response = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")  # through the proxy
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.cookies["csrftoken"]["secure"]
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]


def test_development_mode_asks_for_no_https(settings):
    assert settings.DEBUG is False  # pytest-django runs the tests so, whatever the mode
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE and not settings.SECURE_HSTS_SECONDS
