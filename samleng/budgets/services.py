"""Every write of budgets: the default categories, the many records of a budget workbook import
(`*_upsert_many`, built on core.bulk.records_upsert_many: no per-row queries, one audit entry per call) and
publishing or withdrawing a unit's year. Keyword-only, atomic, audited."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from samleng.budgets.defaults import DEFAULT_CATEGORIES
from samleng.budgets.models import BudgetLine, Category, ExchangeRate, Population, Project, Publication
from samleng.core.audit import Action, audit_record
from samleng.core.bulk import UpsertResult, records_upsert_many

# ---- categories ------------------------------------------------------------------------------------------


@transaction.atomic
def categories_ensure_defaults(*, user=None) -> UpsertResult:
    """Create the default categories that are missing (budgets.defaults), with their parents, and fill the
    explanations left empty. A category already there keeps its names (a workbook may have renamed it):
    running this again changes nothing."""
    stored = {code: (en, km) for code, en, km in
              Category.objects.values_list("code", "explanation_en", "explanation_km")}
    rows = []
    for position, default in enumerate(DEFAULT_CATEGORIES, 1):
        if default.code not in stored:
            rows.append({"code": default.code, "direction": default.direction, "name_en": default.name_en,
                         "name_km": default.name_km, "kind": default.kind, "parent": default.parent or None,
                         "explanation_en": default.explanation_en, "explanation_km": default.explanation_km,
                         "position": position * 10})
            continue
        explanation_en, explanation_km = stored[default.code]
        fill = {}
        if not explanation_en:
            fill["explanation_en"] = default.explanation_en
        if not explanation_km:
            fill["explanation_km"] = default.explanation_km
        if fill:
            rows.append({"code": default.code, **fill})
    return category_upsert_many(user=user, rows=rows)


@transaction.atomic
def category_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update categories matched on `code`. A row may give `parent` as a category code (None for
    none; left out, the stored parent stays): parents are set once every category of the call exists, so
    the rows may come in any order. The caller has checked the rows (directions, no cycles). `result.pks`
    maps each code to its primary key."""
    rows = [dict(row) for row in rows]
    parents = {row["code"]: row.pop("parent") for row in rows if "parent" in row}
    stored = set(Category.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    new_codes = {row["code"] for row in rows if row["code"] not in stored}
    position = _next_position()
    for row in rows:  # new categories go after the others on the pages, in the order given
        if row["code"] in new_codes and "position" not in row:
            row["position"] = position
            position += 10
    result = records_upsert_many(user=user, model=Category, key=("code",), rows=rows)
    if parents:
        pks = dict(Category.objects.filter(code__in={*parents, *filter(None, parents.values())})
                   .values_list("code", "pk"))
        second = records_upsert_many(user=user, model=Category, key=("code",), rows=[
            {"code": code, "parent_id": pks[parent] if parent else None} for code, parent in parents.items()])
        # A new category whose parent was then set is still one created record, not also an updated one.
        newly_changed = second.changed - new_codes - result.changed
        result.updated += len(newly_changed)
        result.changed |= newly_changed
    return result


def _next_position() -> int:
    last = Category.objects.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 10


# ---- budget lines, projects, population, exchange rates ---------------------------------------------------


def budget_line_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update budget lines matched on (unit, fiscal_year, phase, direction, category). Rows give
    `category_id` and `place_id` as primary keys, `amount_khr` and maybe `note`. Send them grouped by unit
    (each batch reads back the stored lines of its units). Primary keys are not kept (500,000 lines)."""
    return records_upsert_many(user=user, model=BudgetLine,
                               key=("unit", "fiscal_year", "phase", "direction", "category_id"), rows=rows,
                               batch_size=batch_size, keep_keys=False)


def project_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update local projects matched on (unit, fiscal_year, project_id); `place_id` and
    `village_id` are primary keys. Send them grouped by unit."""
    return records_upsert_many(user=user, model=Project, key=("unit", "fiscal_year", "project_id"), rows=rows,
                               batch_size=batch_size, keep_keys=False)


def population_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update population figures matched on (unit, year). Send them grouped by unit."""
    return records_upsert_many(user=user, model=Population, key=("unit", "year"), rows=rows, batch_size=batch_size,
                               keep_keys=False)


def exchange_rate_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the riels per US dollar of each year, matched on `year`."""
    return records_upsert_many(user=user, model=ExchangeRate, key=("year",), rows=rows, keep_keys=False)


# ---- publication ---------------------------------------------------------------------------------------------


@transaction.atomic
def publication_set(*, user, unit: str, fiscal_year: int, published: bool) -> Publication:
    """Publish (or withdraw) a unit's budget year: the public pages, the API and the open data show
    published years only. Audited when it changes anything; setting what is already set changes nothing."""
    publication, created = Publication.objects.select_for_update().get_or_create(
        unit=unit, fiscal_year=fiscal_year, defaults={"published": published, "changed_by": _account(user)})
    if not created and publication.published == published:
        return publication
    before = None if created else publication.published
    if not created:
        publication.published, publication.changed_by = published, _account(user)
        publication.save(update_fields=["published", "changed_by", "changed_at"])
    audit_record(user=user, action=Action.UPDATE if not created else Action.CREATE, obj=publication,
                 summary=f"budget {unit} {fiscal_year} {'published' if published else 'withdrawn'}",
                 changes={"published": [before, published]})
    return publication


@transaction.atomic
def publication_set_many(*, user, pairs: Iterable[tuple[str, int]], published: bool = True) -> UpsertResult:
    """Publish (or withdraw) many (unit, fiscal_year) pairs at once (`samleng import --publish`, the demo):
    only those not already so are written, with one audit entry."""
    pairs = sorted(set(pairs))
    units = sorted({unit for unit, _year in pairs})
    stored = {}
    for start in range(0, len(units), 1000):
        query = Publication.objects.filter(unit__in=units[start:start + 1000])
        for unit, year, state in query.values_list("unit", "fiscal_year", "published"):
            stored[(unit, year)] = state
    account, now = _account(user), timezone.now()
    rows = [{"unit": unit, "fiscal_year": year, "published": published, "changed_by_id": account.pk if account
             else None, "changed_at": now} for unit, year in pairs if stored.get((unit, year)) != published]
    return records_upsert_many(user=user, model=Publication, key=("unit", "fiscal_year"), rows=rows,
                               keep_keys=False)


def _account(user):
    return user if getattr(user, "is_authenticated", False) else None
