"""Every write of transparency: land concessions and procurement projects with what was disclosed about
them, information requests with their events and the clock that follows them, the days declared off.
Keyword-only, atomic, audited (core.bulk writes one audit entry per call)."""

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, router, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samleng.core import pagecache, search
from samleng.core.audit import Action, audit_record, created_fields
from samleng.core.bulk import UpsertResult, among, records_insert_many, records_update_many, records_upsert_many
from samleng.core.images import file_without_metadata
from samleng.core.khmer import normalize
from samleng.core.workbook.problems import Message
from samleng.core.workdays import Amendment, Calendar
from samleng.places.models import Office
from samleng.places.selectors import office_match
from samleng.places.services import office_find_or_create
from samleng.transparency import clock, indexing, ocds
from samleng.transparency.models import (
    DeclaredHoliday,
    ElcDisclosure,
    ElcItem,
    ElcReport,
    InformationRequest,
    LandConcession,
    OcdsCompiledRelease,
    OcdsRelease,
    ProcurementBuyerYear,
    ProcurementDisclosure,
    ProcurementDocument,
    ProcurementItem,
    ProcurementProject,
    RequestEvent,
    RequestFile,
    RequestFileKind,
)


def land_concession_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update concessions matched on `elc_id`; rows give `province_id`/`district_id` as primary
    keys. `result.pks` maps each elc_id to its primary key."""
    return records_upsert_many(user=user, model=LandConcession, key=("elc_id",), rows=rows, batch_size=batch_size)


def elc_disclosure_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update disclosures matched on (concession, item); rows give `concession_id` as a primary key,
    `disclosed_on` and `source`."""
    return records_upsert_many(user=user, model=ElcDisclosure, key=("concession_id", "item"), rows=rows,
                               batch_size=batch_size, keep_keys=False)


@transaction.atomic
def procurement_project_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update procurement projects matched on `project_id`. `result.pks` maps each project_id to its
    primary key. The buyers' years of the projects written follow (those they left too, when a project
    changed its buyer or year)."""
    rows = list(rows)
    former = _groups_by_project_id([row["project_id"] for row in rows])
    result = records_upsert_many(user=user, model=ProcurementProject, key=("project_id",), rows=rows,
                                 batch_size=batch_size)
    if result.changed:
        groups = set()
        for row in rows:
            if row["project_id"] in result.changed:  # a row leaving out a field keeps the stored value
                before = former.get(row["project_id"])
                groups.add((row.get("fiscal_year", before and before[0]), row.get("buyer", before and before[1])))
                if before:
                    groups.add(before)
        procurement_buyer_years_refresh(groups=groups)
    return result


def procurement_disclosure_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update disclosures matched on (project, item); rows give `project_id` as the project's primary
    key (the field's attribute name), `disclosed_on` and `source`. The projects' counts follow."""
    rows = list(rows)
    result = records_upsert_many(user=user, model=ProcurementDisclosure, key=("project_id", "item"), rows=rows,
                                 batch_size=batch_size, keep_keys=False)
    if result.created or result.updated:
        procurement_counts_refresh(project_pks={row["project_id"] for row in rows})
    return result


#: Projects counted in one UPDATE, buyers counted again in one statement: well under every database's limit
#: on query parameters.
_COUNTS_BATCH = 500


def _counted(rows) -> Coalesce:
    return Coalesce(Subquery(rows.filter(project=OuterRef("pk")).order_by().values("project")
                             .annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))


@transaction.atomic
def procurement_counts_refresh(*, project_pks: Iterable[int] | None = None) -> None:
    """Count again, from their records, what the public ranking reads of each project (all, or `project_pks`):
    its items disclosed (ProcurementDisclosure, the seven items) and its OCDS documents of each tier; then the
    figures of their buyers' years (procurement_buyer_years_refresh). Two queries per 500 projects, and the
    buyers' years'. Every service that writes disclosures or documents calls it."""
    _counts_update(project_pks)
    procurement_buyer_years_refresh(groups=None if project_pks is None else _groups_of(project_pks))


def _counts_update(project_pks: Iterable[int] | None) -> None:
    """procurement_counts_refresh's counts, without the buyers' years."""
    counts = {"items_disclosed": _counted(ProcurementDisclosure.objects.filter(item__in=ProcurementItem.values)),
              **{f"{tier}_documents": _counted(ProcurementDocument.objects.filter(tier=tier))
                 for tier in ProcurementBuyerYear.TIER_FIELDS}}
    pagecache.model_changed(ProcurementProject)  # the public procurement pages cached go once this commits
    if project_pks is None:
        ProcurementProject.objects.update(**counts)
        return
    for chunk in _chunks(sorted(set(project_pks)), _COUNTS_BATCH):
        ProcurementProject.objects.filter(pk__in=chunk).update(**counts)


# ---- the buyers' years of the public ranking ---------------------------------------------------------------

def _buyer_year_figures() -> dict:
    """What a ProcurementBuyerYear holds, as aggregates over the projects of its group: how many projects,
    their items disclosed, those with all seven, those read from OCDS, those with each red flag (the flags are
    a JSON list, ["R003", "R018"], read as text: alike on SQLite and PostgreSQL), those with documents of each
    tier. For a query with the alias `flags_text` (the red flags as text)."""
    return {
        "projects": Count("pk"), "disclosed": Coalesce(Sum("items_disclosed"), 0),
        "complete": Count("pk", filter=Q(items_disclosed__gte=len(ProcurementItem.values))),
        "ocds_projects": Count("pk", filter=~Q(ocid="")),
        **{column: Count("pk", filter=Q(flags_text__contains=f'"{flag}"'))
           for flag, column in ProcurementBuyerYear.FLAG_FIELDS.items()},
        **{column: Count("pk", filter=Q(**{f"{tier}_documents__gt": 0}))
           for tier, column in ProcurementBuyerYear.TIER_FIELDS.items()},
    }


def _buyer_years_count(projects) -> None:
    """Store the figures of the buyers' years of `projects` (a queryset): one grouped query, one INSERT."""
    grouped = (projects.alias(flags_text=Cast("red_flags", TextField())).order_by()
               .values("fiscal_year", "buyer", "buyer_office_id").annotate(**_buyer_year_figures()))
    ProcurementBuyerYear.objects.bulk_create([ProcurementBuyerYear(**row) for row in grouped], batch_size=500)


def _buyer_years_lock() -> None:
    """On PostgreSQL, writers of the buyers' years take turns until their transaction ends: each counts from the
    projects as committed when it got the lock (with its own changes), so that the last to count saw every
    change committed before it, never a count from before another's. (SQLite's writers take turns anyway:
    IMMEDIATE transactions, settings.)"""
    connection = connections[router.db_for_write(ProcurementBuyerYear)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [ProcurementBuyerYear._meta.db_table])


@transaction.atomic
def procurement_buyer_years_refresh(*, groups: Iterable[tuple[int, str]] | None = None) -> None:
    """Count again, from the projects, the buyers' years the public ranking reads (ProcurementBuyerYear): those
    of `groups`, each (fiscal_year, buyer as its projects spell it), or all of them. A group with no project
    left loses its rows. Every write of projects calls it in its own transaction: a project saved or deleted
    (the signals below: the admin, tests), the workbook's and the OCDS import's bulk writes, and
    procurement_counts_refresh after disclosures or documents changed. Per year, three statements per 500
    buyers."""
    _buyer_years_lock()
    if groups is None:
        ProcurementBuyerYear.objects.all().delete()
        _buyer_years_count(ProcurementProject.objects.all())
        return
    buyers_by_year: dict[int, set[str]] = {}
    for year, buyer in groups:
        buyers_by_year.setdefault(year, set()).add(buyer)
    for year, buyers in sorted(buyers_by_year.items()):
        for chunk in _chunks(sorted(buyers), _COUNTS_BATCH):
            ProcurementBuyerYear.objects.filter(fiscal_year=year, buyer__in=chunk).delete()
            _buyer_years_count(ProcurementProject.objects.filter(fiscal_year=year, buyer__in=chunk))


def _groups_of(project_pks: Iterable[int]) -> set[tuple[int, str]]:
    """The (fiscal_year, buyer) of the projects of `project_pks`. A query per 500."""
    groups: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(set(project_pks)), _COUNTS_BATCH):
        groups.update(ProcurementProject.objects.filter(pk__in=chunk).order_by()
                      .values_list("fiscal_year", "buyer").distinct())
    return groups


def _groups_by_project_id(project_ids: list[str]) -> dict[str, tuple[int, str]]:
    """The (fiscal_year, buyer) of the stored projects among `project_ids`, by project_id. A query per 2,000."""
    found = {}
    for chunk in _chunks(sorted(set(project_ids)), 2000):
        for project_id, year, buyer in ProcurementProject.objects.filter(project_id__in=chunk).values_list(
                "project_id", "fiscal_year", "buyer"):
            found[project_id] = (year, buyer)
    return found


#: The fields of a project that its buyer's year reads: a save of none of them leaves it as it was.
_BUYER_YEAR_READS = frozenset({"fiscal_year", "buyer", "buyer_office", "items_disclosed", "ocid", "red_flags",
                               *(f"{tier}_documents" for tier in ProcurementBuyerYear.TIER_FIELDS)})


def _reads_buyer_year(update_fields) -> bool:
    return update_fields is None or not _BUYER_YEAR_READS.isdisjoint(update_fields)


def _project_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember the buyer's year a project is in before a save moves it (pre_save)."""
    instance._former_group = None
    if not raw and instance.pk is not None and _reads_buyer_year(update_fields):
        instance._former_group = (ProcurementProject.objects.filter(pk=instance.pk)
                                  .values_list("fiscal_year", "buyer").first())


def _project_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """A project saved one by one (the admin, the shell, tests): its buyer's years follow (post_save). A fixture
    loaded (raw) brings its buyers' years with it."""
    if raw or not _reads_buyer_year(update_fields):
        return
    former = getattr(instance, "_former_group", None)
    procurement_buyer_years_refresh(groups={(instance.fiscal_year, instance.buyer), *([former] if former else [])})


def _project_deleted(sender, instance, **kwargs):
    """A project deleted (one by one or in a queryset: Django sends post_delete for each, in the deletion's
    transaction): its buyer's year follows."""
    procurement_buyer_years_refresh(groups=[(instance.fiscal_year, instance.buyer)])


def connect_signals() -> None:
    """Listen to the saves and deletes of projects (TransparencyConfig.ready). The bulk writes send none: the
    services that make them refresh the buyers' years themselves."""
    pre_save.connect(_project_before_save, sender=ProcurementProject, dispatch_uid="transparency-buyer-year-pre")
    post_save.connect(_project_saved, sender=ProcurementProject, dispatch_uid="transparency-buyer-year-save")
    post_delete.connect(_project_deleted, sender=ProcurementProject, dispatch_uid="transparency-buyer-year-delete")


def elc_report_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update what each source says about a concession, matched on (concession, source); rows give
    `concession_id` as a primary key."""
    return records_upsert_many(user=user, model=ElcReport, key=("concession_id", "source"), rows=rows,
                               batch_size=batch_size, keep_keys=False)


def _check_new_disclosure(*, existing, item: str, vocabulary, disclosed_on: dt.date) -> None:
    """The rules of a disclosure recorded by hand: a known item, a date that is not in the future, and one
    disclosure per item (the first date it was seen public)."""
    if item not in vocabulary.values:
        raise _field_error("item", _("Choose one of the items in the list."), "unknown_item")
    if disclosed_on > timezone.localdate():
        raise _field_error("disclosed_on", _("The date cannot be in the future."), "future")
    earlier = existing.filter(item=item).first()
    if earlier is not None:
        raise _field_error("item", _("This item is already recorded as disclosed on %(date)s.")
                           % {"date": earlier.disclosed_on.isoformat()}, "duplicate")


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _audit_created(*, user, disclosure, summary: str) -> None:
    audit_record(user=user, action=Action.CREATE, obj=disclosure, summary=summary, changes=created_fields({
        "item": disclosure.item, "disclosed_on": disclosure.disclosed_on, "source": disclosure.source,
    }))


@transaction.atomic
def elc_disclosure_record(
    *, user, concession: LandConcession, item: str, disclosed_on: dt.date, source: str = "",
) -> ElcDisclosure:
    """Record that `item` of `concession` was made public on `disclosed_on` (seen at `source`). Raises
    ValidationError by field for an unknown item, a date in the future, or an item already recorded."""
    # Lock the concession so that two people recording the same item at once get the error, not a 500.
    LandConcession.objects.select_for_update().filter(pk=concession.pk).first()
    _check_new_disclosure(existing=concession.disclosures.all(), item=item, vocabulary=ElcItem,
                          disclosed_on=disclosed_on)
    disclosure = ElcDisclosure.objects.create(concession=concession, item=item, disclosed_on=disclosed_on,
                                              source=normalize(source))
    _audit_created(user=user, disclosure=disclosure,
                   summary=f"concession {concession.elc_id}: {item} disclosed on {disclosed_on.isoformat()}")
    return disclosure


@transaction.atomic
def procurement_disclosure_record(
    *, user, project: ProcurementProject, item: str, disclosed_on: dt.date, source: str = "",
) -> ProcurementDisclosure:
    """Record that `item` of a procurement `project` was made public on `disclosed_on` (seen at `source`).
    Raises ValidationError by field for an unknown item, a date in the future, or an item already recorded."""
    ProcurementProject.objects.select_for_update().filter(pk=project.pk).first()
    _check_new_disclosure(existing=project.disclosures.all(), item=item, vocabulary=ProcurementItem,
                          disclosed_on=disclosed_on)
    disclosure = ProcurementDisclosure.objects.create(project=project, item=item, disclosed_on=disclosed_on,
                                                      source=normalize(source))
    _audit_created(user=user, disclosure=disclosure,
                   summary=f"procurement project {project.project_id}: {item} disclosed on {disclosed_on.isoformat()}")
    procurement_counts_refresh(project_pks=[project.pk])
    return disclosure


# ---- information requests -------------------------------------------------------------------------------


def request_calendar() -> Calendar:
    """Cambodia's working days with the days the NGO declared (the `holidays` sheet). One query."""
    return Calendar(Amendment(h.date, h.working, h.name_en, h.name_km) for h in DeclaredHoliday.objects.all())


def request_clock(request: InformationRequest, *, calendar: Calendar | None = None, extra: Iterable = (),
                  as_of: dt.date | None = None) -> clock.Clock:
    """The clock of `request` from its stored events (and `extra` clock.Event after them, to try one before
    it is saved). Raises clock.ClockError when the events break the rules."""
    events = [clock.Event(e.date, e.event) for e in request.events.order_by("date", "position", "pk")]
    return clock.request_clock(request.filed_on, [*events, *extra], calendar or request_calendar(), as_of=as_of)


def _clock_fields(computed: clock.Clock) -> dict[str, Any]:
    return {
        "status": computed.status, "answer_due": computed.answer_due.day,
        "delivery_due": computed.delivery_due.day if computed.delivery_due else None,
        "answer": computed.answer, "answered_on": computed.answered_on, "delivered_on": computed.delivered_on,
        "closed_on": computed.closed_on,
    }


_CLOCK_FIELDS = ("status", "answer_due", "delivery_due", "answer", "answered_on", "delivered_on", "closed_on")


def request_clocks_refresh(*, request_pks: Iterable[int] | None = None, batch_size: int = 1000) -> int:
    """Compute again the clock of the requests of `request_pks` (all of them when None: a declared holiday
    moves every due day after it) and store what changed. Returns how many changed. Two queries per batch,
    and an UPDATE for the changed ones; events that break the rules raise clock.ClockError (the workbook and
    the forms refuse them before they are written). The requests and their events are read as plain values:
    model instances with their events prefetched point at each other, garbage that only a full collection of
    the garbage collector frees, and the workbook import holds those off till its end (10,000 requests at
    national scale: 50 MB)."""
    requests = InformationRequest.objects.order_by("pk")
    calendar, changed_count = request_calendar(), 0
    if request_pks is None:
        batches = _batches(requests, batch_size)
    else:
        batches = (list(among(InformationRequest, "id", chunk).values_list(*_CLOCK_READ))
                   for chunk in _chunks(sorted(set(request_pks)), batch_size))
    for chunk in batches:
        events: dict[int, list[clock.Event]] = {}
        in_order = among(RequestEvent, "request_id", [pk for pk, *_rest in chunk]).order_by(
            "request_id", "date", "position", "pk")
        for request_pk, day, event in in_order.values_list("request_id", "date", "event"):
            events.setdefault(request_pk, []).append(clock.Event(day, event))
        changed = []
        for pk, filed_on, *stored in chunk:
            fields = _clock_fields(clock.request_clock(filed_on, events.get(pk, []), calendar))
            if list(fields.values()) != stored:  # _clock_fields gives them in _CLOCK_FIELDS' order
                changed.append(InformationRequest(pk=pk, **fields))
        records_update_many(model=InformationRequest, fields=_CLOCK_FIELDS, records=changed)
        changed_count += len(changed)
    return changed_count


#: What request_clocks_refresh reads of a request: its key, its filing day and its stored clock.
_CLOCK_READ = ("pk", "filed_on", *_CLOCK_FIELDS)


def _batches(queryset, size: int):
    last = 0
    while chunk := list(queryset.filter(pk__gt=last).values_list(*_CLOCK_READ)[:size]):
        yield chunk
        last = chunk[-1][0]


def _chunks(items: list, size: int):
    return (items[i:i + size] for i in range(0, len(items), size))


def information_request_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
                                    clocks: bool = True) -> UpsertResult:
    """Create or update requests matched on `request_id` (rows give `office_id` and `on_behalf_of_id` as primary
    keys). Their clocks are computed when their events are written (request_events_replace), or here for
    requests created or whose filing day changed; with `clocks` False, not here: the caller has them computed
    by request_events_replace(refresh=...) once their events are written (the workbook import, which would
    otherwise count 10,000 new requests' clocks twice)."""
    result = records_upsert_many(user=user, model=InformationRequest, key=("request_id",), rows=rows,
                                 batch_size=batch_size)
    if result.changed and clocks:
        request_clocks_refresh(request_pks=[result.pks[key] for key in result.changed])
    return result


_EVENT_FIELDS = ("date", "event", "fee_khr", "note", "note_km", "evidence")


@transaction.atomic
def request_events_replace(*, user, events_by_request: Mapping[int, list[Mapping[str, Any]]],
                           refresh: Iterable[int] = ()) -> UpsertResult:
    """Give each request of `events_by_request` (primary key -> its events, in order) exactly the events listed:
    those no longer listed go (the workbook's rule), and its clock is computed again. Requests not given, and
    those whose events are already exactly these, are untouched. Counts the events written as created for a
    request that had none, as updated for one whose events changed. The clocks of the requests of `refresh`
    are computed again as well, with the others (see information_request_upsert_many's `clocks`)."""
    refresh = set(refresh)
    stored: dict[int, list[tuple]] = {}
    for chunk in _chunks(list(events_by_request), 2000):  # within every database's limit of parameters
        for values in RequestEvent.objects.filter(request_id__in=chunk).order_by(
                "request_id", "date", "position").values_list("request_id", *_EVENT_FIELDS):
            stored.setdefault(values[0], []).append(values[1:])
    changed = {pk: events for pk, events in events_by_request.items()
               if stored.get(pk, []) != [tuple(e.get(f, "" if f not in ("fee_khr",) else None) for f in _EVENT_FIELDS)
                                          for e in events]}
    if not changed:
        if refresh:
            request_clocks_refresh(request_pks=refresh)
        return UpsertResult()
    removed = 0
    for chunk in _chunks(list(changed), 2000):
        removed += RequestEvent.objects.filter(request_id__in=chunk).delete()[0]
    new = ({"request_id": pk, "position": position, **values}
           for pk, events in changed.items() for position, values in enumerate(events))
    while batch := list(itertools.islice(new, 2000)):  # plain rows, 2,000 at a time
        records_insert_many(model=RequestEvent, rows=batch)
    written = sum(len(events) for events in changed.values())
    request_clocks_refresh(request_pks=refresh.union(changed))
    audit_record(user=user, action=Action.UPDATE, object_type="transparency.requestevent",
                 summary=f"information requests' events: {written} written for {len(changed)} requests, "
                         f"{removed} replaced (workbook import)",
                 changes={"requests": len(changed), "written": written, "replaced": removed})
    updated = sum(len(events) for pk, events in changed.items() if pk in stored)
    return UpsertResult(created=written - updated, updated=updated)


#: What the office asked records itself: its own acts. A delivery counts from the documents it uploads once
#: staff confirm them (request_files_confirm); an appeal, a withdrawal or a fee accepted are the requester's.
OFFICE_EVENTS = frozenset({"acknowledged", "answered_held", "answered_not_held", "refused_confidential",
                           "fee_quoted", "extended"})


def is_the_office_asked(user) -> bool:
    """Whether `user` writes as the office asked (an authority; access decides which requests it may touch)."""
    return getattr(user, "role", "") == "authority"


@transaction.atomic
def request_event_add(*, user, request: InformationRequest, date: dt.date, event: str, fee_khr: int | None = None,
                      note: str = "", note_km: str = "", evidence: str = "") -> RequestEvent:
    """Record what happened to a request (staff, or the office's authority answering), after checking it
    against the clock's rules; the request's clock follows. Raises ValidationError, in the reader's language,
    for an event the rules refuse, a date in the future, a fee without a quote, or an event that is not the
    office's own when the office records it (OFFICE_EVENTS)."""
    if is_the_office_asked(user) and event not in OFFICE_EVENTS:
        raise ValidationError(_("The office records its own answer; a delivery counts once staff confirm the "
                                "documents the office uploads."), code="not_the_office")
    if date > timezone.localdate():
        raise ValidationError(_("The date is in the future."), code="future")
    if (fee_khr is not None) != (event == "fee_quoted"):
        raise ValidationError(_("A fee in riel goes with a quoted fee, and only with it."), code="fee")
    if request.events.filter(date=date, event=event).exists():
        raise ValidationError(_("This event is already recorded on that day."), code="twice")
    try:
        request_clock(request, extra=[clock.Event(date, event)])
    except clock.ClockError as error:
        raise ValidationError(error.message.render(error.params, translation.get_language() or "en"),
                              code=error.message.code) from None
    position = request.events.filter(date=date).count()
    added = RequestEvent.objects.create(request=request, date=date, event=event, position=position,
                                        fee_khr=fee_khr, note=note, note_km=note_km, evidence=evidence)
    request_clocks_refresh(request_pks=[request.pk])
    audit_record(user=user, action=Action.CREATE, obj=added, summary=f"{request.request_id}: {event} on {date}",
                 changes=created_fields({"date": date, "event": event, "fee_khr": fee_khr}))
    return added


@transaction.atomic
def request_file_add(*, user, request: InformationRequest, kind: str, upload: File) -> RequestFile:
    """Keep a file of a request, without its metadata (core.images). Staff's files count at once; the office's
    (its answer, the documents it delivers: never the letter, which is the NGO's) wait for staff to confirm
    them. Raises ValidationError for an unknown kind, the letter from the office, or a file that cannot be
    read."""
    if kind not in RequestFileKind.values:
        raise ValidationError(_("Choose what the file is."), code="kind")
    from_office = is_the_office_asked(user)
    if from_office and kind == RequestFileKind.LETTER:
        raise ValidationError(_("The letter is the NGO's: the office uploads its answer and the documents."),
                              code="letter")
    added = RequestFile.objects.create(request=request, kind=kind, file=file_without_metadata(upload),
                                       uploaded_on=timezone.localdate(), from_office=from_office,
                                       confirmed=not from_office)
    audit_record(user=user, action=Action.CREATE, obj=added,
                 summary=f"{request.request_id}: {kind} uploaded ({added.name})",
                 changes=created_fields({"kind": kind, "file": added.name, "confirmed": added.confirmed}))
    return added


@transaction.atomic
def request_files_confirm(*, user, request: InformationRequest, files: Iterable[RequestFile],
                          delivered: str = "", date: dt.date | None = None) -> None:
    """Staff confirm files the office uploaded: they are shown to whoever sees the request. With `delivered`
    ("delivered" or "partially_delivered"), the documents count as delivered on `date` (the day the last of
    them was uploaded when not given): the event is recorded through request_event_add, so the clock's rules
    apply, and nothing is confirmed when they refuse it."""
    files = [file for file in files if file.request_id == request.pk and not file.confirmed]
    if not files:
        raise ValidationError(_("No file of this request waits to be confirmed."), code="nothing")
    if delivered:
        if delivered not in ("delivered", "partially_delivered"):
            raise ValidationError(_("Choose whether the documents were delivered in full or in part."),
                                  code="delivered")
        day = date or max(file.uploaded_on for file in files)
        request_event_add(user=user, request=request, date=day, event=delivered,
                          evidence=", ".join(file.name for file in files)[:500])
    RequestFile.objects.filter(pk__in=[file.pk for file in files]).update(confirmed=True)
    audit_record(user=user, action=Action.UPDATE, obj=request,
                 summary=f"{request.request_id}: {len(files)} file(s) of the office confirmed"
                         + (f", {delivered}" if delivered else ""))


@transaction.atomic
def request_file_remove(*, user, file: RequestFile) -> None:
    """Staff remove a file (the wrong document, or one that shows people). A file whose delivery was recorded
    stays recorded as delivered: remove the event too if it was not."""
    name, storage = file.file.name, file.file.storage
    audit_record(user=user, action=Action.DELETE, obj=file, summary=f"{file.request.request_id}: {name} removed")
    file.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def declared_holiday_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update declared days matched on `date`; every request's clock follows (a day off moves the
    due days after it)."""
    result = records_upsert_many(user=user, model=DeclaredHoliday, key=("date",), rows=rows)
    if result.created or result.updated:
        request_clocks_refresh()
    return result


# ---- procurement in OCDS ----------------------------------------------------------------------------------

RELEASE_REPLACED = Message("ocds.release_replaced", gettext_noop(
    "Release '%(id)s' of '%(ocid)s' differs from the one imported before: the newer one counts."))
NO_FISCAL_YEAR = Message("ocds.no_fiscal_year", gettext_noop(
    "'%(ocid)s' has no tender period and no release date: its fiscal year is unknown, so it was left out."))


@dataclass
class OcdsImportResult:
    releases_new: int = 0
    releases_changed: int = 0
    projects_created: int = 0
    projects_updated: int = 0
    warnings: list = field(default_factory=list)  # (Message, params): the schema's, and what was left out
    extensions: list = field(default_factory=list)
    linked_skipped: int = 0


_PROJECT_OCDS_FIELDS = ("buyer", "buyer_office_id", "title", "fiscal_year", "method", "value_khr", "value",
                        "currency", "ocid", "tender_days", "tenderers", "red_flags", "basic_score", "ocds_warnings")
#: The schema's warnings kept with a project: enough to see what is wrong, not a copy of a broken file.
WARNINGS_KEPT = 50


#: ocids handled together: one query per kind of record for each batch, not per project.
OCDS_BATCH = 500


@transaction.atomic
def ocds_import(data: bytes, *, user, source: str = "") -> OcdsImportResult:
    """Import an OCDS release or record package (or JSON Lines of them): its releases are stored, and the
    projects of the ocids it holds are read again from all their stored releases (releases of one ocid that
    came in different files merge) into procurement projects with their disclosures and documents. Raises
    ocds.OcdsRejected, with every reason, when the file cannot be used; schema violations are only warnings.
    Importing a file again changes nothing. One transaction, audited; a few queries per 500 projects."""
    reading = ocds.read(data)
    result = OcdsImportResult(extensions=reading.extensions, linked_skipped=reading.linked_skipped,
                              warnings=[w.as_problem() for w in reading.warnings])
    warnings_by_ocid = _warnings_by_ocid(reading)
    offices = list(Office.objects.all())
    grouped = reading.by_ocid()
    ocids = list(grouped)
    buyer_years: set[tuple[int, str]] = set()  # the (fiscal_year, buyer) written, and those projects left
    for start in range(0, len(ocids), OCDS_BATCH):
        batch = {ocid: grouped[ocid] for ocid in ocids[start:start + OCDS_BATCH]}
        releases = _store_releases(batch, source, result)
        compiled = _store_compiled({o: reading.compiled[o] for o in batch if o in reading.compiled}, source)
        read = {}
        for ocid in batch:
            project = ocds.project_of(ocid, releases.get(ocid, []), compiled.get(ocid),
                                      settings.PROCUREMENT_MIN_TENDER_DAYS)
            if project.fiscal_year is None:
                result.warnings.append((NO_FISCAL_YEAR, {"ocid": ocid}))
            else:
                read[ocid] = project
        buyer_years |= _write_projects(read, warnings_by_ocid, offices, result)
    if buyer_years:
        procurement_buyer_years_refresh(groups=buyer_years)  # once, not a year's buyers again for each batch
    if result.releases_new or result.releases_changed or result.projects_created or result.projects_updated:
        audit_record(user=user, action=Action.IMPORT, object_type="transparency.procurementproject",
                     object_id=source[:64],
                     summary=f"OCDS {source}: {result.releases_new} new releases, {result.releases_changed} changed; "
                             f"projects: {result.projects_created} created, {result.projects_updated} updated",
                     changes={"releases_new": result.releases_new, "projects_created": result.projects_created,
                              "projects_updated": result.projects_updated, "warnings": len(result.warnings)})
    return result


def _store_releases(batch: dict[str, list[ocds.Release]], source: str,
                    result: OcdsImportResult) -> dict[str, list[ocds.Release]]:
    """Store the batch's new releases (and a publisher's corrections: the newer content counts); every stored
    release of the batch's ocids, by ocid, the file's among them. One query, one insert, one update."""
    stored = {(r.ocid, r.release_id): r for r in OcdsRelease.objects.filter(ocid__in=list(batch))}
    new, changed = [], []
    for releases in batch.values():
        for release in releases:
            known = stored.get((release.ocid, release.id))
            if known is None:
                known = OcdsRelease(ocid=release.ocid, release_id=release.id, date=release.date[:40],
                                    data=release.data, source=source[:255])
                new.append(known)
                stored[(release.ocid, release.id)] = known
            elif known.data != release.data:
                known.data, known.date, known.source = release.data, release.date[:40], source[:255]
                changed.append(known)
                result.warnings.append((RELEASE_REPLACED, {"id": release.id, "ocid": release.ocid}))
    OcdsRelease.objects.bulk_create(new, batch_size=500)
    OcdsRelease.objects.bulk_update(changed, ["data", "date", "source"], batch_size=500)
    result.releases_new += len(new)
    result.releases_changed += len(changed)
    by_ocid: dict[str, list[ocds.Release]] = {}
    for r in stored.values():
        by_ocid.setdefault(r.ocid, []).append(ocds.Release(r.ocid, r.release_id, r.date, r.data, ""))
    return by_ocid


def _store_compiled(compiled: dict[str, dict], source: str) -> dict[str, dict]:
    """Store the records' compiled releases of the batch; every stored one of the batch's ocids."""
    for ocid, data in compiled.items():
        OcdsCompiledRelease.objects.update_or_create(ocid=ocid, defaults={"data": data, "source": source[:255]})
    return dict(OcdsCompiledRelease.objects.filter(ocid__in=list(compiled)).values_list("ocid", "data"))


def _warnings_by_ocid(reading: ocds.Reading) -> dict[str, list[dict]]:
    """The schema's warnings of each ocid's releases: a warning belongs to the release whose path is the
    longest start of its own (a few dictionary lookups per warning, whatever the number of releases)."""
    owners = {r.path: r.ocid for r in reading.releases}
    found: dict[str, list[dict]] = {}
    for warning in reading.warnings:
        path = warning.path
        cuts = [i for i, c in enumerate(path) if c in ".["] + [len(path)]
        ocid = next((owners[path[:i]] for i in reversed(cuts) if path[:i] in owners), None)
        if ocid is not None:
            found.setdefault(ocid, []).append({"path": path, "problem": warning.problem})
    return found


def _buyer_office(name: str, offices: list, memo: dict) -> int | None:
    """The office a buyer's name matches among all offices, when exactly one does (never a guess)."""
    if name not in memo:
        match = office_match(name, offices) if name else None
        memo[name] = match.office.pk if match is not None and match.office is not None else None
    return memo[name]


def _project_values(read: ocds.Project, warnings: list[dict], offices: list, memo: dict) -> dict:
    return {
        "buyer": read.buyer or "?", "buyer_office_id": _buyer_office(read.buyer, offices, memo),
        "title": read.title, "fiscal_year": read.fiscal_year, "method": read.method[:100], "ocid": read.project_id,
        "value_khr": int(read.value) if read.value is not None and read.currency in ("KHR", "") else None,
        "value": Decimal(str(read.value)).quantize(Decimal("0.01")) if read.value is not None else None,
        "currency": read.currency[:3], "tender_days": read.tender_days, "tenderers": read.tenderers,
        "red_flags": read.red_flags, "basic_score": Decimal(str(round(read.basic_score, 4))),
        "ocds_warnings": warnings[:WARNINGS_KEPT],
    }


def _write_projects(read: dict[str, ocds.Project], warnings: dict, offices: list,
                    result: OcdsImportResult) -> set[tuple[int, str]]:
    """Create or update the batch's projects, then their disclosures, documents and counts. A few queries.
    Returns the buyers' years to count again: (fiscal_year, buyer) of the projects, before and after."""
    memo: dict[str, int | None] = {}
    groups: set[tuple[int, str]] = set()  # where the projects are now, and where those that moved were
    stored = {p.project_id: p for p in ProcurementProject.objects.filter(project_id__in=[o[:60] for o in read])}
    new, changed, fields, reworded = [], [], set(), []  # reworded: project_ids whose searched words are new
    for ocid, project in read.items():
        values = _project_values(project, warnings.get(ocid, []), offices, memo)
        groups.add((values["fiscal_year"], values["buyer"]))
        known = stored.get(ocid[:60])
        if known is None:
            new.append(ProcurementProject(project_id=ocid[:60], **values))
            reworded.append(ocid[:60])
            continue
        differ = [name for name, value in values.items() if getattr(known, name) != value]
        if differ:
            groups.add((known.fiscal_year, known.buyer))
            if not indexing.PROJECT_WORDS_SET.isdisjoint(differ):
                reworded.append(ocid[:60])
            for name in differ:
                setattr(known, name, values[name])
            changed.append(known)
            fields.update(differ)
    ProcurementProject.objects.bulk_create(new, batch_size=500)
    if changed:
        ProcurementProject.objects.bulk_update(changed, sorted(fields), batch_size=500)
    result.projects_created += len(new)
    result.projects_updated += len(changed)
    pks = dict(ProcurementProject.objects.filter(project_id__in=[o[:60] for o in read]).values_list("project_id",
                                                                                                    "pk"))
    _disclosures_from_ocds({pks[o[:60]]: p.disclosures for o, p in read.items()})
    _documents_from_ocds({pks[o[:60]]: p.documents for o, p in read.items()})
    _counts_update(pks.values())
    search.reindex(ProcurementProject, [pks[project_id] for project_id in reworded])  # bulk writes send no signal
    return groups


def _disclosures_from_ocds(items_by_project: dict[int, dict[str, dt.date]]) -> None:
    """One disclosure record per project and item, fed by OCDS and by the workbook alike: the earliest day
    wins."""
    stored = {(d.project_id, d.item): d for d in ProcurementDisclosure.objects.filter(project_id__in=list(
        items_by_project))}
    new, earlier = [], []
    for project_pk, items in items_by_project.items():
        for item, day in items.items():
            known = stored.get((project_pk, item))
            if known is None:
                new.append(ProcurementDisclosure(project_id=project_pk, item=item, disclosed_on=day, source="OCDS"))
            elif day < known.disclosed_on:
                known.disclosed_on, known.source = day, "OCDS"
                earlier.append(known)
    ProcurementDisclosure.objects.bulk_create(new, batch_size=500)
    ProcurementDisclosure.objects.bulk_update(earlier, ["disclosed_on", "source"], batch_size=500)


def _documents_from_ocds(documents_by_project: dict[int, list]) -> None:
    """Each project's documents as OCDS lists them now; a project whose list did not change is not touched."""
    stored: dict[int, list] = {}
    for row in ProcurementDocument.objects.filter(project_id__in=list(documents_by_project)).order_by("pk").values_list(
            "project_id", "document_type", "tier", "published_on", "title", "url"):
        stored.setdefault(row[0], []).append(row[1:])
    replaced, new = [], []
    for project_pk, documents in documents_by_project.items():
        wanted = [(d.document_type, d.tier, d.published_on, d.title, d.url) for d in documents]
        if stored.get(project_pk, []) != wanted:
            replaced.append(project_pk)
            new += [ProcurementDocument(project_id=project_pk, document_type=kind, tier=tier, published_on=day,
                                        title=title, url=url) for kind, tier, day, title, url in wanted]
    ProcurementDocument.objects.filter(project_id__in=replaced).delete()
    ProcurementDocument.objects.bulk_create(new, batch_size=500)


def ocds_export(*, projects=None) -> dict:
    """Samleng's procurement projects (all, or those of the queryset `projects`: a buyer's year, one project)
    as one OCDS 1.1 release package: those read from OCDS as their ocid's compiled release (the publisher's own
    words), those typed in the workbook from their fields. A few queries whatever the number of projects."""
    published = timezone.now().replace(microsecond=0).isoformat()
    chosen = ProcurementProject.objects.all() if projects is None else projects
    disclosures: dict[int, dict] = {}
    rows = ProcurementDisclosure.objects.all()
    compiled_rows, release_rows = OcdsCompiledRelease.objects.all(), OcdsRelease.objects.all()
    if projects is not None:
        ocids = chosen.exclude(ocid="").order_by().values("ocid")
        rows = rows.filter(project__in=chosen.order_by().values("pk"))
        compiled_rows, release_rows = compiled_rows.filter(ocid__in=ocids), release_rows.filter(ocid__in=ocids)
    for project_pk, item, day in rows.values_list("project_id", "item", "disclosed_on"):
        disclosures.setdefault(project_pk, {})[item] = day
    compiled = dict(compiled_rows.values_list("ocid", "data"))
    stored: dict[str, list[ocds.Release]] = {}
    for r in release_rows.order_by("ocid").iterator(chunk_size=2000):
        stored.setdefault(r.ocid, []).append(ocds.Release(r.ocid, r.release_id, r.date, r.data, ""))
    releases = []
    for project in chosen.order_by("project_id").values(
            "pk", "project_id", "ocid", "title", "buyer", "fiscal_year", "method", "value_khr", "value", "currency"):
        ocid = project["ocid"]
        if ocid in compiled or ocid in stored:
            releases.append(ocds.compiled_release(stored.get(ocid, []), compiled.get(ocid)))
        else:
            releases.append(ocds.release_of({**project, "disclosures": disclosures.get(project["pk"], {})},
                                            prefix=settings.OCDS_PREFIX, published=published))
    return ocds.release_package(releases, publisher=settings.OCDS_PUBLISHER or settings.ORGANISATION_NAME,
                                uri=f"urn:samleng:{settings.OCDS_PREFIX}:{published}", published=published)


# ---- filing a request on the staff pages ------------------------------------------------------------------

def _new_request_id(filed_on: dt.date) -> str:
    prefix = f"AIR-{filed_on.year}-"
    taken = set(InformationRequest.objects.filter(request_id__startswith=prefix).values_list("request_id", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


@transaction.atomic
def request_file(*, user, authority: str, level: str, place, subject_en: str = "", subject_km: str = "",
                 topic: str = "other", channel: str = "written", filed_on: dt.date, on_behalf_of=None,
                 public: bool = False, request_id: str = "") -> InformationRequest:
    """File a request (staff pages): the office asked is found by its office_id, or by its name at `level` and
    `place` (a new name makes the office); the id is the next AIR-<year>-<n> unless given. Its clock is computed.
    Raises ValidationError by field for a missing subject, a date in the future, an id already used, an office
    name several offices could be. Who asked is never a field: the request belongs to the NGO or the CBO."""
    errors = {}
    if not (subject_en.strip() or subject_km.strip()):
        errors["subject_en"] = _("Say what is asked, in English or in Khmer.")
    if filed_on > timezone.localdate():
        errors["filed_on"] = _("The date is in the future.")
    request_id = request_id.strip()
    if request_id and InformationRequest.objects.filter(request_id=request_id).exists():
        errors["request_id"] = _("Another request has this id.")
    if errors:
        raise ValidationError(errors)
    try:
        office = office_find_or_create(user=user, text=authority, level=level, place=place)
    except ValidationError as error:
        raise ValidationError({"authority": error.messages}) from None
    request = InformationRequest.objects.create(
        request_id=request_id or _new_request_id(filed_on), office=office, subject_en=subject_en.strip(),
        subject_km=subject_km.strip(), topic=topic, channel=channel, filed_on=filed_on, on_behalf_of=on_behalf_of,
        public=public)
    request_clocks_refresh(request_pks=[request.pk])
    audit_record(user=user, action=Action.CREATE, obj=request, summary=f"information request {request.request_id} "
                 f"to {office.office_id}", changes=created_fields({"office": office.office_id, "topic": topic,
                                                                     "filed_on": filed_on, "public": public}))
    request.refresh_from_db()
    return request
