"""The staff pages of publishing: only those who see everything; the list and its filters; publish and
withdraw."""

import types

import pytest
from django.urls import include, path, reverse

from samleng import urls as site_urls
from samleng.budgets import staff_views
from samleng.budgets import urls as budget_urls
from samleng.budgets.models import Publication
from samleng.conftest import anonymous, assert_login_redirect, login_en
from samleng.core.models import AuditEntry
from samleng.imports.kinds import budget_workbook_import
from samleng.imports.tests.test_budget_import import budget_sheets
from samleng.imports.tests.workbooks import write_xlsx

_MINE = [
    path("budgets/manage/", staff_views.publications, name="publications"),
    path("budgets/manage/<str:unit_code>/<int:year>/", staff_views.publication_set, name="publication_set"),
]


@pytest.fixture(autouse=True)
def staff_urls(settings):
    """H6 adds these two entries to budgets/urls.py; until then the tests mount them themselves (first, with
    the budgets app's others, so that the site's own links still resolve)."""
    names = {getattr(p, "name", None) for p in budget_urls.urlpatterns}
    if {"publications", "publication_set"} <= names:
        return
    patterns = [path("", include(([*_MINE, *budget_urls.urlpatterns], "budgets"))), *site_urls.urlpatterns]
    settings.ROOT_URLCONF = types.SimpleNamespace(urlpatterns=patterns)


@pytest.fixture
def budgets(world, tmp_path):
    assert budget_workbook_import(write_xlsx(tmp_path / "b.xlsx", budget_sheets())).ok


def test_who_may_not_see_the_page(world):
    url = reverse("budgets:publications")
    assert_login_redirect(anonymous().get(url))
    for user in (world.officer, world.outsider, world.cbo_user):
        assert login_en(user).get(url).status_code == 403


def test_who_may_not_publish(world, budgets):
    url = reverse("budgets:publication_set", args=["060603", 2024])
    assert_login_redirect(anonymous().post(url, {"published": "1"}))
    for user in (world.officer, world.cbo_user):
        assert login_en(user).post(url, {"published": "1"}).status_code == 403
    assert not Publication.objects.exists()


def test_the_list_shows_every_unit_year_and_filters_it(world, budgets, django_assert_max_num_queries):
    client = login_en(world.me_officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("budgets:publications"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "4 unit-years" in text and "Klaeng" in text and "National budget" in text and "Sandan" in text
    assert "approved" in text and "executed" in text and "Publish</button>" in text
    filtered = client.get(reverse("budgets:publications"), {"level": "commune", "year": "2024"}).content.decode()
    assert "1 unit-year" in filtered and "Klaeng" in filtered and "National budget" not in filtered
    by_province = client.get(reverse("budgets:publications"), {"province": "10"}).content.decode()
    assert "0 unit-years" in by_province
    assert "4 unit-years" in client.get(reverse("budgets:publications"), {"state": "unpublished"}).content.decode()


def test_publish_then_withdraw(world, budgets):
    client = login_en(world.me_officer)
    url = reverse("budgets:publication_set", args=["060603", 2024])
    back = reverse("budgets:publications") + "?year=2024"
    response = client.post(url, {"published": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    publication = Publication.objects.get(unit="060603", fiscal_year=2024)
    assert publication.published and publication.changed_by == world.me_officer
    page = client.get(reverse("budgets:publications"), {"state": "published"}).content.decode()
    assert "1 unit-year" in page and "Withdraw</button>" in page and "is published" in page
    response = client.post(url, {"published": "0", "next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("budgets:publications")  # never away from Samleng
    assert not Publication.objects.get(unit="060603", fiscal_year=2024).published
    assert AuditEntry.objects.filter(object_type="budgets.publication").count() == 2
    national = reverse("budgets:publication_set", args=["national", 2024])
    assert client.post(national, {"published": "1"}).status_code == 302
    assert Publication.objects.get(unit="national").published


def test_a_year_without_figures_cannot_be_published(world, budgets):
    client = login_en(world.me_officer)
    assert client.post(reverse("budgets:publication_set", args=["060603", 2019]), {"published": "1"}).status_code == 404
    assert client.post(reverse("budgets:publication_set", args=["abc", 2024]), {"published": "1"}).status_code == 404
    assert client.get(reverse("budgets:publication_set", args=["060603", 2024])).status_code == 405
    assert not Publication.objects.exists()
