"""The error pages (samleng/templates: 400, 403, 403_csrf, 404, 413, 500) speak the visitor's language, in the
site's look; the 500 page needs neither the database nor anything of the request."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client
from django.urls import include, path, reverse

from samleng.conftest import login

MB = 1024 * 1024


def _fails(request):
    raise OperationalError("the database is gone")


def _refuses(request):
    raise PermissionDenied


# The site's pages and two that fail (pytest.mark.urls(__name__)).
urlpatterns = [path("fails/", _fails), path("refuses/", _refuses), path("", include("samleng.urls"))]


def visitor(language: str, **options) -> Client:
    client = Client(**options)
    client.cookies["samleng_language"] = language
    return client


def in_the_sites_look(html: str, language: str) -> bool:
    return (f'<html lang="{language}">' in html and '<header class="top">' in html and "samleng.css" in html
            and "style=" not in html)


WORDS = {  # heading, and a word of the message, in each language
    404: {"en": ("Page not found", "no page at this address"), "km": ("រកមិនឃើញទំព័រ", "គ្មានទំព័រ")},
    403: {"en": ("You may not open this page", "administrator"), "km": ("អ្នកមិនអាចបើកទំព័រនេះបានទេ", "អ្នកគ្រប់គ្រង")},
    500: {"en": ("Something went wrong", "Try again in a few minutes"), "km": ("មានបញ្ហាកើតឡើង", "ព្យាយាមម្តងទៀត")},
    400: {"en": ("Samleng could not read what your browser sent", "Go back"),
          "km": ("សំឡេងមិនអាចអានអ្វីដែលកម្មវិធីរុករករបស់អ្នកបានផ្ញើមកទេ", "ត្រឡប់ក្រោយ")},
    "csrf": {"en": ("The form has expired", "reload the page"), "km": ("ទម្រង់នេះផុតកំណត់ហើយ", "ផ្ទុកទំព័រឡើងវិញ")},
    413: {"en": ("What you sent is too large", "at most 2.5 MB"), "km": ("អ្វីដែលអ្នកបានផ្ញើមកធំពេក", "២.៥ MB")},
}


def assert_page(response, status: int, kind, language: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert in_the_sites_look(html, language), html[:500]
    heading, word = WORDS[kind][language]
    assert f"<h1>{heading}</h1>" in html and word in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_missing_page(language):
    assert_page(visitor(language).get("/no-such-page/"), 404, 404, language)


@pytest.mark.urls(__name__)
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_page_refused(language):
    response = visitor(language).get("/refuses/")
    assert_page(response, 403, 403, language)
    assert reverse("accounts:login") in response.content.decode()  # a visitor may be staff not logged in yet


@pytest.mark.parametrize("language", ["km", "en"])
def test_a_page_refused_to_someone_logged_in(world, language):
    client = login(world.cbo_user)  # a representative may not import workbooks
    client.cookies["samleng_language"] = language
    assert_page(client.get(reverse("imports:upload")), 403, 403, language)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_server_error_is_shown_without_the_database(language):
    """No `db` mark: any query, by the page or by what renders it, would fail this test."""
    response = visitor(language, raise_request_exception=False).get("/fails/")
    assert_page(response, 500, 500, language)
    assert "the database is gone" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_form_sent_without_its_csrf_token(language):
    response = visitor(language, enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "u"})
    assert_page(response, 403, "csrf", language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_request_not_understood(language):
    response = visitor(language).get("/", HTTP_HOST="not-this-site.example")  # a host not in ALLOWED_HOSTS
    assert_page(response, 400, 400, language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_request_too_large(language):
    response = visitor(language).post(reverse("accounts:login"), data=b"x" * (3 * MB),
                                      content_type="application/x-www-form-urlencoded")
    assert_page(response, 413, 413, language)
