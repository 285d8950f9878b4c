"""budgets.services: the default categories, the many-record upserts and publishing."""

import pytest

from samleng.budgets.defaults import DEFAULT_CATEGORIES, NATIONAL_CODES
from samleng.budgets.models import BudgetLine, Category, Publication
from samleng.budgets.services import (
    budget_line_upsert_many,
    categories_ensure_defaults,
    category_upsert_many,
    publication_set,
    publication_set_many,
)
from samleng.core.models import AuditEntry


@pytest.mark.django_db
def test_the_defaults_are_created_once_with_names_and_explanations_in_both_languages():
    result = categories_ensure_defaults()
    assert result.created == len(DEFAULT_CATEGORIES) == 15
    assert Category.objects.get(code="exp_dev_social").parent.code == "exp_development"
    for category in Category.objects.all():
        assert category.name_en and category.name_km and category.explanation_en and category.explanation_km
        assert any("\u1780" <= ch <= "\u17ff" for ch in category.name_km + category.explanation_km)
    assert {"nat_exp_national", "nat_exp_subnational"} == NATIONAL_CODES
    assert "Commune/Sangkat Fund" in Category.objects.get(code="rev_csf").explanation_en
    entries = AuditEntry.objects.count()
    again = categories_ensure_defaults()
    assert (again.created, again.updated) == (0, 0) and AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_the_defaults_keep_a_renamed_category_and_fill_an_empty_explanation():
    categories_ensure_defaults()
    Category.objects.filter(code="rev_csf").update(name_en="Commune Fund", explanation_km="")
    result = categories_ensure_defaults()
    assert (result.created, result.updated) == (0, 1)
    csf = Category.objects.get(code="rev_csf")
    assert csf.name_en == "Commune Fund" and csf.explanation_km.startswith("ថវិកា")


@pytest.mark.django_db
def test_categories_are_upserted_with_parents_in_any_order():
    result = category_upsert_many(user=None, rows=[
        {"code": "exp_child", "direction": "expenditure", "name_en": "Child", "name_km": "កូន", "parent": "exp_top"},
        {"code": "exp_top", "direction": "expenditure", "name_en": "Top", "name_km": "មេ", "parent": None},
    ])
    assert (result.created, result.updated) == (2, 0)
    child = Category.objects.get(code="exp_child")
    assert child.parent.code == "exp_top" and child.position > 0
    again = category_upsert_many(user=None, rows=[{"code": "exp_child", "name_en": "Child", "parent": "exp_top"}])
    assert (again.created, again.updated) == (0, 0)
    moved = category_upsert_many(user=None, rows=[{"code": "exp_child", "parent": None}])
    assert moved.updated == 1 and Category.objects.get(code="exp_child").parent is None


@pytest.mark.django_db
def test_budget_lines_are_matched_on_their_key_and_written_only_when_they_differ():
    categories_ensure_defaults()
    csf = Category.objects.get(code="rev_csf").pk
    row = {"unit": "060603", "fiscal_year": 2024, "phase": "approved", "direction": "revenue", "category_id": csf,
           "amount_khr": 100}
    assert budget_line_upsert_many(user=None, rows=[row]).created == 1
    assert budget_line_upsert_many(user=None, rows=[row]).updated == 0
    assert budget_line_upsert_many(user=None, rows=[{**row, "amount_khr": 200}]).updated == 1
    assert BudgetLine.objects.get().amount_khr == 200


@pytest.mark.django_db
def test_publishing_and_withdrawing_are_audited_and_repeating_changes_nothing(world):
    publication = publication_set(user=world.me_officer, unit="060603", fiscal_year=2024, published=True)
    assert publication.published and publication.changed_by == world.me_officer
    entries = AuditEntry.objects.filter(object_type="budgets.publication")
    assert entries.count() == 1 and "published" in entries.get().summary
    publication_set(user=world.me_officer, unit="060603", fiscal_year=2024, published=True)
    assert entries.count() == 1
    publication_set(user=world.me_officer, unit="060603", fiscal_year=2024, published=False)
    assert not Publication.objects.get().published and entries.count() == 2
    assert entries.latest("pk").changes == {"published": [True, False]}


@pytest.mark.django_db
def test_many_publications_at_once():
    publication_set(user=None, unit="0606", fiscal_year=2024, published=False)
    result = publication_set_many(user=None, pairs=[("060603", 2024), ("0606", 2024), ("060603", 2024)])
    assert (result.created, result.updated) == (1, 1)
    assert Publication.objects.filter(published=True).count() == 2
    again = publication_set_many(user=None, pairs=[("060603", 2024), ("0606", 2024)])
    assert (again.created, again.updated) == (0, 0)
