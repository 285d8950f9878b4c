"""What advocacy adds to a commune's budget page through core.related: the issues raised in the commune that
the public may see (public issues of public CBOs), never a non-public one, whoever reads the page."""

import datetime as dt

import pytest
from django.urls import reverse

from samleng.advocacy.models import Issue
from samleng.advocacy.related import ISSUES_SHOWN, place_issue_blocks
from samleng.budgets.services import categories_ensure_defaults
from samleng.budgets.tests.test_selectors import KLAENG, add_year, commune_amounts
from samleng.cbos.models import CBO
from samleng.conftest import anonymous, login_en, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def klaeng_budget(world):
    """Klaeng's 2024 budget, published; the world's CBO (public) works in Klaeng."""
    categories_ensure_defaults()
    add_year(KLAENG, 2024, commune_amounts(), population=10_000)
    CBO.objects.filter(pk=world.cbo.pk).update(is_public=True)
    world.cbo.refresh_from_db()
    return world


def make_issue(cbo: CBO, issue_id: str, *, title_en: str = "Restore the canal that feeds the lakes",
               raised_on: dt.date = dt.date(2022, 3, 1), is_public: bool) -> Issue:
    """An issue with only the fields this page shows (the duty bearer is being reworked elsewhere)."""
    return Issue.objects.create(
        cbo=cbo, issue_id=issue_id, title_en=title_en, title_km="ស្ដារប្រឡាយបឹង", topic=Issue.Topic.FISHERY,
        duty_bearer_level=Issue.Level.COMMUNE, raised_on=raised_on, is_public=is_public,
        province_id=cbo.province_id, district_id=cbo.district_id)


def budget_page(client) -> str:
    response = client.get(reverse("budgets:unit", args=[KLAENG]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_commune_budget_page_lists_the_public_issues_raised_there(klaeng_budget):
    world = klaeng_budget
    canal = make_issue(world.cbo, "ISS-PUB", is_public=True)
    html = budget_page(anonymous())
    assert "Issues raised here" in html
    assert reverse("advocacy:public_detail", args=[canal.pk]) in html and canal.title_en in html
    assert reverse("cbos:public_detail", args=[world.cbo.pk]) in html


def test_a_non_public_issue_is_never_listed_even_to_staff(klaeng_budget):
    world = klaeng_budget
    make_issue(world.cbo, "ISS-PUB", is_public=True)
    hidden = make_issue(world.cbo, "ISS-HIDDEN", title_en="Land dispute with the names of those who complained",
                        is_public=False)
    # A public issue of a CBO that is not public stays off too.
    private_cbo = CBO.objects.create(cbo_id="CBO-KT-009", name_en="Private group", type=CBO.Type.COMMUNITY_FISHERY,
                                     province=world.kampong_thom, district=place("0606"), commune=place(KLAENG))
    of_private = make_issue(private_cbo, "ISS-OFPRIVATE", title_en="Issue of a private community", is_public=True)
    for client in (anonymous(), login_en(world.me_officer), login_en(world.officer), login_en(world.cbo_user)):
        html = budget_page(client)
        assert "ISS-PUB" not in html  # ids are not shown; titles are
        for issue in (hidden, of_private):
            assert issue.title_en not in html
            assert reverse("advocacy:public_detail", args=[issue.pk]) not in html


def test_no_block_without_public_issues_nor_for_issues_of_another_commune(klaeng_budget):
    world = klaeng_budget
    make_issue(world.other_cbo, "ISS-KRATIE", is_public=True)  # Chet Borei, Kratie
    CBO.objects.filter(pk=world.other_cbo.pk).update(is_public=True)
    assert "Issues raised here" not in budget_page(anonymous())


def test_the_latest_issues_then_a_link_to_the_district_s_list(klaeng_budget):
    world = klaeng_budget
    for n in range(ISSUES_SHOWN + 2):
        make_issue(world.cbo, f"ISS-{n:03}", title_en=f"Issue number {n}", is_public=True,
                   raised_on=dt.date(2023, 1, 1) + dt.timedelta(days=n))
    [block] = place_issue_blocks(None, place(KLAENG))
    assert len(block.context["issues"]) == ISSUES_SHOWN and block.context["more"]
    assert block.context["issues"][0].raised_on == dt.date(2023, 1, 1) + dt.timedelta(days=ISSUES_SHOWN + 1)
    html = budget_page(anonymous())
    district = place("0606")
    assert f"{reverse('advocacy:public_list')}?province={district.parent_id}&amp;district={district.pk}" in html


def test_only_communes_get_the_block(klaeng_budget):
    make_issue(klaeng_budget.cbo, "ISS-PUB", is_public=True)
    assert place_issue_blocks(None, place("0606")) == []


def test_an_issue_made_private_leaves_the_cached_budget_page(klaeng_budget, settings,
                                                              django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.db import transaction

    settings.PAGE_CACHE_SECONDS = 3600  # the page cache on, as in production
    cache.clear()
    canal = make_issue(klaeng_budget.cbo, "ISS-PUB", title_en="Restore the public canal", is_public=True)
    for _ in range(2):
        assert "Restore the public canal" in budget_page(anonymous())
    assert anonymous().get(reverse("budgets:unit", args=[KLAENG]))["X-Samleng-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        canal.is_public = False
        canal.save()
    assert "Restore the public canal" not in budget_page(anonymous())
