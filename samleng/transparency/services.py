"""Every write of transparency: land concessions and procurement projects with what was disclosed about
them, information requests with their events and the clock that follows them, the days declared off.
Keyword-only, atomic, audited (core.bulk writes one audit entry per call)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samleng.core.audit import Action, audit_record, created_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.khmer import normalize
from samleng.core.workdays import Amendment, Calendar
from samleng.transparency import clock
from samleng.transparency.models import (
    DeclaredHoliday,
    ElcDisclosure,
    ElcItem,
    InformationRequest,
    LandConcession,
    ProcurementDisclosure,
    ProcurementItem,
    ProcurementProject,
    RequestEvent,
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


def procurement_project_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update procurement projects matched on `project_id`. `result.pks` maps each project_id to its
    primary key."""
    return records_upsert_many(user=user, model=ProcurementProject, key=("project_id",), rows=rows,
                               batch_size=batch_size)


def procurement_disclosure_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update disclosures matched on (project, item); rows give `project_id` as the project's primary
    key (the field's attribute name), `disclosed_on` and `source`."""
    return records_upsert_many(user=user, model=ProcurementDisclosure, key=("project_id", "item"), rows=rows,
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
    the forms refuse them before they are written)."""
    requests = InformationRequest.objects.order_by("pk")
    if request_pks is not None:
        requests = requests.filter(pk__in=list(request_pks))
    calendar, changed_count = request_calendar(), 0
    for chunk in _batches(requests.prefetch_related(
            Prefetch("events", RequestEvent.objects.order_by("date", "position", "pk"))), batch_size):
        changed = []
        for request in chunk:
            events = [clock.Event(e.date, e.event) for e in request.events.all()]
            fields = _clock_fields(clock.request_clock(request.filed_on, events, calendar))
            if any(getattr(request, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(request, name, value)
                changed.append(request)
        InformationRequest.objects.bulk_update(changed, _CLOCK_FIELDS)
        changed_count += len(changed)
    return changed_count


def _batches(queryset, size: int):
    last = 0
    while chunk := list(queryset.filter(pk__gt=last)[:size]):
        yield chunk
        last = chunk[-1].pk


def information_request_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update requests matched on `request_id` (rows give `office_id` and `on_behalf_of_id` as primary
    keys). Their clocks are computed when their events are written (request_events_replace), or here for
    requests whose filing day changed."""
    result = records_upsert_many(user=user, model=InformationRequest, key=("request_id",), rows=rows,
                                 batch_size=batch_size)
    if result.changed:
        request_clocks_refresh(request_pks=[result.pks[key] for key in result.changed])
    return result


@transaction.atomic
def request_events_replace(*, user, events_by_request: Mapping[int, list[Mapping[str, Any]]]) -> int:
    """Give each request of `events_by_request` (primary key -> its events, in order) exactly the events listed:
    those no longer listed go (the workbook's rule), and its clock is computed again. Requests not given are
    untouched. Returns how many events were written."""
    pks = list(events_by_request)
    if not pks:
        return 0
    removed, _ = RequestEvent.objects.filter(request_id__in=pks).delete()
    new = [RequestEvent(request_id=pk, position=position, **values)
           for pk, events in events_by_request.items() for position, values in enumerate(events)]
    RequestEvent.objects.bulk_create(new, batch_size=2000)
    request_clocks_refresh(request_pks=pks)
    audit_record(user=user, action=Action.UPDATE, object_type="transparency.requestevent",
                 summary=f"information requests' events: {len(new)} written for {len(pks)} requests, "
                         f"{removed} replaced (workbook import)",
                 changes={"requests": len(pks), "written": len(new), "replaced": removed})
    return len(new)


@transaction.atomic
def request_event_add(*, user, request: InformationRequest, date: dt.date, event: str, fee_khr: int | None = None,
                      note: str = "", note_km: str = "", evidence: str = "") -> RequestEvent:
    """Record what happened to a request (staff, or the office's authority answering), after checking it
    against the clock's rules; the request's clock follows. Raises ValidationError, in the reader's language,
    for an event the rules refuse, a date in the future or a fee without a quote."""
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
def declared_holiday_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update declared days matched on `date`; every request's clock follows (a day off moves the
    due days after it)."""
    result = records_upsert_many(user=user, model=DeclaredHoliday, key=("date",), rows=rows)
    if result.created or result.updated:
        request_clocks_refresh()
    return result
