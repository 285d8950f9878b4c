"""Every write of budgets: the default categories, the many records of a budget workbook import
(`*_upsert_many`, built on core.bulk.records_upsert_many: no per-row queries, one audit entry per call),
publishing or withdrawing a unit's year, and approving or rejecting a pending revision of a published year
(lines and projects of a published year are never changed in place: see `_upsert_or_hold`). Keyword-only,
atomic, audited."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from samleng.budgets import signals
from samleng.budgets.defaults import DEFAULT_CATEGORIES, DEFAULT_GLOSSARY
from samleng.budgets.models import (
    BudgetLine,
    Category,
    ExchangeRate,
    GlossaryTerm,
    PendingBudgetLine,
    PendingProject,
    Population,
    Project,
    Publication,
    Revision,
)
from samleng.core.audit import Action, audit_record
from samleng.core.bulk import UpsertResult, records_insert_many, records_upsert_many

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


# ---- the glossary ----------------------------------------------------------------------------------------


@transaction.atomic
def glossary_ensure_defaults(*, user=None) -> UpsertResult:
    """Create the glossary terms Samleng ships (budgets.defaults.DEFAULT_GLOSSARY) that are missing. A term
    already there keeps its words (a workbook or the admin may have reworded it): running this again changes
    nothing."""
    stored = set(GlossaryTerm.objects.values_list("term_id", flat=True))
    rows = [{"term_id": t.term_id, "term_en": t.en, "term_km": t.km, "explanation_en": t.definition_en,
             "explanation_km": t.definition_km} for t in DEFAULT_GLOSSARY if t.term_id not in stored]
    return glossary_upsert_many(user=user, rows=rows)


@transaction.atomic
def glossary_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update glossary terms matched on `term_id` (the knowledge-base workbook's glossary sheet). The
    caller has checked the rows."""
    return records_upsert_many(user=user, model=GlossaryTerm, key=("term_id",), rows=rows)


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


LINE_KEY = ("unit", "fiscal_year", "phase", "direction", "category_id")
PROJECT_KEY = ("unit", "fiscal_year", "project_id")


@dataclass
class BudgetUpsertResult(UpsertResult):
    """An upsert of lines or projects: `created`/`updated` count what changed in the public tables (years not
    published); `held` the rows written to (or taken back from) pending revisions, of the unit-years
    `held_pairs`."""

    held: int = 0
    held_pairs: set = field(default_factory=set)


@transaction.atomic
def budget_line_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> BudgetUpsertResult:
    """Create or update budget lines matched on (unit, fiscal_year, phase, direction, category). Rows give
    `category_id` and `place_id` as primary keys, `amount_khr` and maybe `note`. Send them grouped by unit
    (each batch reads back the stored lines of its units). Primary keys are not kept (500,000 lines). Lines
    of a published year are held as a pending revision (see `_upsert_or_hold`)."""
    return _upsert_or_hold(user=user, model=BudgetLine, pending=PendingBudgetLine, key=LINE_KEY, rows=rows,
                           batch_size=batch_size)


@transaction.atomic
def project_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> BudgetUpsertResult:
    """Create or update local projects matched on (unit, fiscal_year, project_id); `place_id` and
    `village_id` are primary keys. Send them grouped by unit. Projects of a published year are held as a
    pending revision."""
    return _upsert_or_hold(user=user, model=Project, pending=PendingProject, key=PROJECT_KEY, rows=rows,
                           batch_size=batch_size)


def _upsert_or_hold(*, user, model, pending, key, rows, batch_size) -> BudgetUpsertResult:
    """Rows of a unit-year that is published (or has a revision pending) do not change the public table:
    those that would change it are written to its pending twin (`pending`), to wait for approval; those that
    change nothing are dropped (and take back what was pending for their record). The other rows are
    upserted as usual. The split costs one query, and nothing per row when no year is published."""
    held_pairs = _held_pairs()
    if not held_pairs:
        direct = records_upsert_many(user=user, model=model, key=key, rows=rows, batch_size=batch_size,
                                     keep_keys=False)
        return BudgetUpsertResult(created=direct.created, updated=direct.updated)
    holding = _Holding(model, pending, key, held_pairs, batch_size)
    direct = records_upsert_many(user=user, model=model, key=key, rows=holding.divert(rows), batch_size=batch_size,
                                 keep_keys=False)
    holding.flush()
    if holding.pairs:
        _revisions_sync(user=user, pairs=holding.pairs)
    if holding.count:
        audit_record(user=user, action=Action.UPDATE, object_type=pending._meta.label_lower,
                     summary=f"{model._meta.verbose_name_plural}: {holding.count} changes of published years held "
                             f"for approval ({len(holding.pairs)} unit-years)",
                     changes={"held_count": holding.count, "unit_years": _pair_labels(holding.pairs)})
    return BudgetUpsertResult(created=direct.created, updated=direct.updated, held=holding.count,
                              held_pairs=holding.pairs)


def _held_pairs() -> set[tuple[str, int]]:
    """The (unit, year) whose lines and projects are held: published, or with a revision pending."""
    published = Publication.objects.filter(published=True).values_list("unit", "fiscal_year")
    return {*published, *Revision.objects.values_list("unit", "fiscal_year")}


class _Holding:
    """Takes the rows of held unit-years out of a stream of rows, and writes them, `batch_size` at a time,
    as pending rows: compared with the public record and with what is pending already, two queries a batch."""

    def __init__(self, model, pending, key, held_pairs, batch_size):
        self.model, self.pending, self.key, self.held_pairs, self.batch_size = (model, pending, key, held_pairs,
                                                                                 batch_size)
        self.fields = [f.attname for f in pending._meta.concrete_fields if not f.primary_key]
        self.buffer: list[Mapping[str, Any]] = []
        self.count = 0
        self.pairs: set[tuple[str, int]] = set()

    def divert(self, rows):
        held, buffer = self.held_pairs, self.buffer
        for row in rows:
            if (row["unit"], row["fiscal_year"]) in held:
                buffer.append(row)
                if len(buffer) >= self.batch_size:
                    self.flush()
            else:
                yield row

    def flush(self) -> None:
        chunk, self.buffer[:] = list(self.buffer), []
        if not chunk:
            return
        key_of = itemgetter(*self.key)
        units = {row["unit"] for row in chunk}
        public = {key_of(values): values for values in
                  self.model.objects.filter(unit__in=units).order_by().values(*self.fields)}
        pending = {key_of(values): values for values in
                   self.pending.objects.filter(unit__in=units).order_by().values("pk", *self.fields)}
        new, changed, dropped = [], [], []
        for row in chunk:
            record_key = key_of(row)
            stored, waiting = public.get(record_key), pending.get(record_key)
            if stored is not None and _same(stored, row):
                if waiting is None:
                    continue  # the public figure stands, nothing pending: nothing to do
                dropped.append(waiting["pk"])
            elif waiting is not None:
                # Already pending as such: nothing to write, but the revision still concerns this import
                # (`import --publish` approves it).
                self.pairs.add((row["unit"], row["fiscal_year"]))
                if _same(waiting, row):
                    continue
                changed.append(self.pending(**{**waiting, **row}))
            else:
                new.append({**(stored or {}), **row})
            self.count += 1
            self.pairs.add((row["unit"], row["fiscal_year"]))
        if new:
            records_insert_many(model=self.pending, rows=new)
        if changed:
            self.pending.objects.bulk_update(changed, [f for f in self.fields if f not in self.key])
        if dropped:
            self.pending.objects.filter(pk__in=dropped).delete()


def _same(stored: Mapping[str, Any], row: Mapping[str, Any]) -> bool:
    return all(stored[name] == value for name, value in row.items())


def _pair_labels(pairs, limit: int = 500) -> list[str]:
    return [f"{unit}/{year}" for unit, year in sorted(pairs)[:limit]]


def _slices(pks: list[int], size: int = 5000):
    """`pks` in slices of `size`: one IN list each, within SQLite's limit of variables per query."""
    return (pks[start:start + size] for start in range(0, len(pks), size))


def _units_of(pairs) -> list[list[str]]:
    """The units of `pairs`, in slices of 1,000 (one IN list each)."""
    units = sorted({unit for unit, _year in pairs})
    return [units[start:start + 1000] for start in range(0, len(units), 1000)]


def _pending_pairs(model, pairs: set) -> set:
    """Which of `pairs` have rows in `model`."""
    found = set()
    for units in _units_of(pairs):
        found.update(model.objects.filter(unit__in=units).values_list("unit", "fiscal_year").distinct())
    return found & pairs


def _revisions_sync(*, user, pairs: set) -> None:
    """One Revision for each of `pairs` with pending rows (submitted now, by `user`), none for the others."""
    waiting = _pending_pairs(PendingBudgetLine, pairs) | _pending_pairs(PendingProject, pairs)
    gone = pairs - waiting
    for units in _units_of(gone):
        stale = [r.pk for r in Revision.objects.filter(unit__in=units) if (r.unit, r.fiscal_year) in gone]
        for some in _slices(stale):
            Revision.objects.filter(pk__in=some).delete()
    account, now = _account(user), timezone.now()
    records_upsert_many(user=user, model=Revision, key=("unit", "fiscal_year"), keep_keys=False, rows=[
        {"unit": unit, "fiscal_year": year, "submitted_at": now, "submitted_by_id": account.pk if account else None}
        for unit, year in sorted(waiting)])


# ---- pending revisions: approve or reject --------------------------------------------------------------------


@dataclass
class RevisionOutcome:
    revisions: int = 0
    lines: int = 0
    projects: int = 0


def _pending_rows(model: type[models.Model], pairs: set, fields: list[str], pks: list[int], units=None):
    """The pending rows of `pairs` (of `units` only, if given), grouped by unit, read 200 units at a time
    (approving a national re-import must not hold half a million rows at once); their primary keys are added
    to `pks`."""
    units = sorted({unit for unit, _year in pairs}) if units is None else units
    for start in range(0, len(units), 200):
        for values in model.objects.filter(unit__in=units[start:start + 200]).order_by("unit").values("pk", *fields):
            if (values["unit"], values["fiscal_year"]) in pairs:
                pks.append(values.pop("pk"))
                yield values


def _lines_replace(approved: set) -> int:
    """The pending lines of `approved` take the place of the public lines of the same key: those are deleted
    and the pending ones inserted, 200 units at a time. Nothing refers to a budget line by its primary key,
    and a delete and an insert cost a statement per few thousand rows, where bulk_update's CASE of 2,000
    branches per statement made approving a national re-import take minutes. Returns the lines written."""
    fields = [f.attname for f in PendingBudgetLine._meta.concrete_fields if not f.primary_key]
    key_of = itemgetter(*LINE_KEY)
    units = sorted({unit for unit, _year in approved})
    written = 0
    for start in range(0, len(units), 200):
        some, pks = units[start:start + 200], []
        rows = list(_pending_rows(PendingBudgetLine, approved, fields, pks, units=some))
        if not rows:
            continue
        keys = {key_of(row) for row in rows}
        _delete(BudgetLine, [pk for pk, *key in BudgetLine.objects.filter(unit__in=some).order_by()
                             .values_list("pk", *LINE_KEY) if tuple(key) in keys])
        records_insert_many(model=BudgetLine, rows=rows)
        _delete(PendingBudgetLine, pks)
        written += len(rows)
    return written


def _delete(model: type[models.Model], pks: list[int]) -> None:
    """DELETE by primary key, 5,000 at a time, without loading the records: the page cache's per-record
    delete signals would make it read every row first (it learns of the change from the insert that
    follows and from `public_figures_changed`). Only for models nothing refers to."""
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connections[router.db_for_write(model)].ops.quote_name
    with connections[router.db_for_write(model)].cursor() as cursor:
        for some in _slices(pks):
            cursor.execute(f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({', '.join(['%s'] * len(some))})",
                           some)


@transaction.atomic
def revision_approve_many(*, user, pairs: Iterable[tuple[str, int]]) -> RevisionOutcome:
    """Approve the pending revisions of these (unit, fiscal_year): their lines and projects replace the public
    ones (or join them), in this transaction, and the revision is gone. Audited; the publication says when
    it was revised; `signals.revision_approved` and `public_figures_changed` go out once committed. Pairs
    without a pending revision are skipped. The caller checks that `user` may publish."""
    wanted = set(pairs)
    revisions = [r for units in _units_of(wanted) for r in Revision.objects.select_for_update().filter(unit__in=units)
                 if (r.unit, r.fiscal_year) in wanted]
    approved = {(r.unit, r.fiscal_year) for r in revisions}
    outcome = RevisionOutcome(revisions=len(revisions))
    if not approved:
        return outcome
    outcome.lines = _lines_replace(approved)
    fields = [f.attname for f in PendingProject._meta.concrete_fields if not f.primary_key]
    pks: list[int] = []
    records_upsert_many(user=user, model=Project, key=PROJECT_KEY, keep_keys=False,
                        rows=_pending_rows(PendingProject, approved, fields, pks))
    _delete(PendingProject, pks)
    outcome.projects = len(pks)
    for done in _slices([r.pk for r in revisions]):
        Revision.objects.filter(pk__in=done).delete()
    now = timezone.now()
    for units in _units_of(approved):
        stamped = [p.pk for p in Publication.objects.filter(unit__in=units) if (p.unit, p.fiscal_year) in approved]
        for some in _slices(stamped):
            Publication.objects.filter(pk__in=some).update(revised_at=now)
    audit_record(user=user, action=Action.UPDATE, object_type="budgets.revision",
                 object_id=_pair_labels(approved, 1)[0] if len(approved) == 1 else "",
                 summary=f"budget revisions approved: {_summary(approved)} ({outcome.lines} lines, "
                         f"{outcome.projects} projects)",
                 changes={"approved": _pair_labels(approved), "lines": outcome.lines, "projects": outcome.projects})
    _send_on_commit(signals.revision_approved, user=user, pairs=approved)
    _send_on_commit(signals.public_figures_changed, user=user, pairs=approved)
    return outcome


@transaction.atomic
def revision_reject(*, user, unit: str, fiscal_year: int) -> RevisionOutcome:
    """Discard the pending revision of a unit-year: the public figures stay as they are. Audited."""
    revision = Revision.objects.select_for_update().filter(unit=unit, fiscal_year=fiscal_year).first()
    if revision is None:
        return RevisionOutcome()
    lines, _ = PendingBudgetLine.objects.filter(unit=unit, fiscal_year=fiscal_year).delete()
    projects, _ = PendingProject.objects.filter(unit=unit, fiscal_year=fiscal_year).delete()
    revision.delete()
    audit_record(user=user, action=Action.DELETE, object_type="budgets.revision", object_id=f"{unit}/{fiscal_year}",
                 summary=f"budget revision rejected: {unit} {fiscal_year} ({lines} lines, {projects} projects)",
                 changes={"lines": lines, "projects": projects})
    return RevisionOutcome(revisions=1, lines=lines, projects=projects)


def _summary(pairs: set) -> str:
    labels = _pair_labels(pairs, 5)
    return ", ".join(labels) + (f" and {len(pairs) - 5} more" if len(pairs) > 5 else "")


def _send_on_commit(signal, *, user, pairs: set) -> None:
    """Once the transaction commits: a receiver (a cache) must not act on figures that may yet roll back."""
    transaction.on_commit(lambda: signal.send(sender=Revision, user=user, pairs=frozenset(pairs)))


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
    _send_on_commit(signals.public_figures_changed, user=user, pairs={(unit, fiscal_year)})
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
    result = records_upsert_many(user=user, model=Publication, key=("unit", "fiscal_year"), rows=rows,
                                 keep_keys=False)
    if rows:
        _send_on_commit(signals.public_figures_changed, user=user,
                        pairs={(row["unit"], row["fiscal_year"]) for row in rows})
    return result


def _account(user):
    return user if getattr(user, "is_authenticated", False) else None
