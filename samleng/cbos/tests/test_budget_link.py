"""A CBO's page (public and staff) links the budget of its commune, else of its district, where published."""

import pytest
from django.urls import reverse

from samleng.budgets.services import categories_ensure_defaults
from samleng.budgets.tests.test_selectors import KLAENG, SANDAN, add_year, commune_amounts
from samleng.cbos.models import CBO
from samleng.conftest import anonymous, login_en

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_cbo(world):
    categories_ensure_defaults()
    CBO.objects.filter(pk=world.cbo.pk).update(is_public=True)
    return world


def pages(world) -> list[str]:
    return [anonymous().get(reverse("cbos:public_detail", args=[world.cbo.pk])).content.decode(),
            login_en(world.officer).get(reverse("cbos:detail", args=[world.cbo.pk])).content.decode()]


def test_the_commune_s_budget_is_linked_once_published(public_cbo):
    world = public_cbo
    link = f'href="{reverse("budgets:unit", args=[KLAENG])}"'
    assert all(link not in html for html in pages(world))  # nothing published: no link to a 404
    add_year(KLAENG, 2024, commune_amounts(), population=10_000)
    for html in pages(world):
        assert link in html and "The budget of Klaeng" in html


def test_the_district_s_budget_when_the_commune_has_none(public_cbo):
    add_year(SANDAN, 2024, {"exp_administration": 2_000_000_000}, population=60_000)
    add_year(KLAENG, 2024, commune_amounts(), published=False)
    for html in pages(public_cbo):
        assert f'href="{reverse("budgets:unit", args=[SANDAN])}"' in html
        assert f'href="{reverse("budgets:unit", args=[KLAENG])}"' not in html
