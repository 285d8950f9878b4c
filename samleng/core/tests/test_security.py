"""Safe defaults on every answer (issue 9): the Content-Security-Policy and what it needs of the templates
(nothing inline), the Permissions-Policy, the API docs from Samleng's own static files, compressed pages, and
request bodies refused unread over their limit. Production mode and `check --deploy`: tests/test_deploy.py."""

import gzip
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from samleng.conftest import anonymous, english, login, login_en
from samleng.imports.models import ImportRun

SAMLENG = Path(settings.BASE_DIR)
MB = 1024 * 1024


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def no_other_host(text: str) -> bool:
    return not re.search(r"(?:https?:)?//(?!testserver\b)[a-z0-9.-]+\.[a-z]{2,}", text, flags=re.I)


# ---- the policy -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_pages_run_no_script_and_take_nothing_inline_or_from_other_hosts():
    for url in ("/", reverse("budgets:find"), reverse("advocacy:public_list"), "/no-such-page/"):
        response = anonymous().get(url)
        csp = policy(response)
        assert csp["default-src"] == ["'none'"] and csp["script-src"] == ["'none'"], url
        assert csp["style-src"] == ["'self'"] and csp["img-src"] == ["'self'"], url
        assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"], url
        assert csp["base-uri"] == ["'none'"], url
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert no_other_host(response.headers["Content-Security-Policy"])


def test_the_staff_pages_carry_the_same_policy(world):
    for url in (reverse("cbos:list"), reverse("cbos:detail", args=[world.cbo.pk]), reverse("imports:upload")):
        response = login(world.me_officer).get(url)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == ["'none'"], url


def test_the_admin_runs_its_own_scripts_and_no_other(world):
    response = Client().get(reverse("admin:login"))
    csp = policy(response)
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_permissions_policy_turns_off_what_samleng_never_uses():
    header = anonymous().get("/").headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


@pytest.mark.django_db
def test_the_pages_have_no_inline_style_or_script_as_rendered(world):
    """What Python writes into pages (charts, QR codes, widgets) obeys the policy too."""
    me = login_en(world.me_officer)
    pages = [anonymous().get("/"), anonymous().get(reverse("budgets:find")),
             anonymous().get(reverse("advocacy:public_list")), me.get(reverse("cbos:detail", args=[world.cbo.pk])),
             me.get(reverse("cbos:list")), me.get(reverse("imports:upload"))]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert not INLINE.search(html), INLINE.search(html)


# ---- the templates ----------------------------------------------------------------------------------------

#: What a policy without 'unsafe-inline' refuses: <style>, style="", <script> with code, on...="", javascript:.
INLINE = re.compile(r"<style\b|\sstyle\s*=|<script\b(?![^>]*\b(?:src=|type=\"application/json\"))|"
                    r"\son[a-z]+\s*=\s*[\"']|javascript:", re.I)
#: Laid out by WeasyPrint into a PDF, never sent to a browser: its print CSS stays inside it.
NOT_FOR_BROWSERS = {"results/templates/results/report_pdf.html", "transparency/templates/transparency/letter_pdf.html"}


def templates() -> list[Path]:
    return [path for path in sorted(SAMLENG.glob("**/templates/**/*.html"))
            if path.relative_to(SAMLENG).as_posix() not in NOT_FOR_BROWSERS]


def test_no_template_holds_inline_style_or_script():
    found = [f"{path.relative_to(SAMLENG)}: {match.group(0)!r}"
             for path in templates() for match in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert len(templates()) > 50
    assert not found, "move these into the static CSS (the Content-Security-Policy refuses them):\n" + "\n".join(found)


def test_no_template_loads_anything_from_another_host():
    loads = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=\"(?:https?:)?//",
                       re.I)
    found = [str(path.relative_to(SAMLENG)) for path in templates() if loads.search(path.read_text(encoding="utf-8"))]
    assert not found


# ---- the API docs ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_docs_come_from_samlengs_own_static_files_with_a_nonce():
    client = Client()
    response = client.get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200 and "swagger-ui" in html
    assert no_other_host(html), "the docs page names another host (a CDN?)"
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert policy(response)["script-src"] == [f"'nonce-{nonce}'"]
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>", html)
    assert len(scripts) == 2 and html.count(f'nonce="{nonce}"') == 2
    stylesheets = re.findall(r"<link\b[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", html)
    for url in scripts + stylesheets:
        assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL), url
        served = client.get(url)
        assert served.status_code == 200, url  # whitenoise serves ninja's files: ninja is an installed app
        served.close()
    assert client.get("/api/docs").headers["Content-Security-Policy"] != response.headers["Content-Security-Policy"]


# ---- compression ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_are_sent_compressed_to_browsers_that_take_gzip():
    client = anonymous()
    plain = client.get("/")
    compressed = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert compressed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.content).decode().count("<html") == 1
    assert len(compressed.content) < len(plain.content) * 0.75


# ---- request bodies ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("encoding, limit", [("application/x-www-form-urlencoded", "2.5 MB"),
                                             ("multipart/form-data; boundary=b", "12 MB")])
def test_a_45_mb_username_is_refused_unread_and_not_echoed(encoding, limit, monkeypatch):
    """Refused from its declared length, before anything reads the body (nor the CSRF token in it)."""
    from django.core.handlers.wsgi import LimitedStream

    reads = []
    for method in ("read", "readline"):
        real = getattr(LimitedStream, method)
        monkeypatch.setattr(LimitedStream, method, lambda self, *args, real=real: reads.append(1) or real(self, *args))
    username = "a" * (45 * MB)
    if encoding.startswith("multipart"):
        body = (f'--b\r\nContent-Disposition: form-data; name="username"\r\n\r\n{username}\r\n'
                f'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--b--\r\n')
    else:
        body = f"username={username}&password=x"
    response = english(Client(enforce_csrf_checks=True)).post(reverse("accounts:login"), data=body.encode(),
                                                              content_type=encoding)
    assert response.status_code == 413 and reads == []
    assert len(response.content) < 20_000 and "aaaaaaaaaa" not in response.content.decode()
    assert f"Samleng takes at most {limit} here" in response.content.decode()


@pytest.mark.django_db
def test_a_field_over_the_form_limit_inside_a_smaller_body_is_refused_and_not_echoed():
    """Under the limit of a body with files, a field of 5 MB is still too much for a form (Django counts the
    fields as they arrive): a bilingual 400, without the field."""
    body = (f'--b\r\nContent-Disposition: form-data; name="username"\r\n\r\n{"a" * (5 * MB)}\r\n'
            f'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--b--\r\n')
    response = english(Client()).post(reverse("accounts:login"), data=body.encode(),
                                      content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400 and "aaaaaaaaaa" not in response.content.decode()
    assert "Samleng could not read what your browser sent" in response.content.decode()


@pytest.mark.django_db
def test_a_username_under_the_body_limit_but_longer_than_any_is_not_echoed():
    """A 2 MB username passes the body limit (2.5 MB): the login form refuses it without sending it back."""
    response = english(Client()).post(reverse("accounts:login"), f"username={'a' * (2 * MB)}&password=x",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and len(response.content) < 50_000
    assert "aaaaaaaaaa" not in response.content.decode() and "at most 150 characters" in response.content.decode()
    typed = english(Client()).post(reverse("accounts:login"), {"username": "sokha", "password": "x"})
    assert 'value="sokha"' in typed.content.decode()  # what a person typed stays in the form


@override_settings(SAMLENG_MAX_REQUEST_MB=1)
def test_a_form_with_files_is_limited_to_samleng_max_request_mb(world):
    small = io.BytesIO(b"x" * (MB // 2))
    small.name = "small.jpg"
    big = io.BytesIO(b"x" * (2 * MB))
    big.name = "big.jpg"
    page = reverse("accounts:login")
    assert Client().post(page, {"username": "u", "password": "p", "photo": small}).status_code == 200
    response = english(Client()).post(page, {"username": "u", "password": "p", "photo": big})
    assert response.status_code == 413 and "Samleng takes at most 1 MB here" in response.content.decode()


@override_settings(SAMLENG_MAX_REQUEST_MB=1)
def test_the_workbook_upload_keeps_its_own_larger_limit(world):
    client = login(world.me_officer)
    runs = ImportRun.objects.count()
    workbook = io.BytesIO(b"PK" + b"\0" * (2 * MB))
    workbook.name = "national.zip"
    response = client.post(reverse("imports:upload"), {"file": workbook})
    assert response.status_code == 302 and ImportRun.objects.count() == runs + 1  # taken, to be read later
    with override_settings(SAMLENG_IMPORT_MAX_UPLOAD_MB=1):
        workbook.seek(0)
        response = client.post(reverse("imports:upload"), {"file": workbook})
    assert response.status_code == 413 and "imports/upload.html" in [t.name for t in response.templates]
