"""Every write to this app's records. Keyword-only, typed functions that run in a transaction, named
`<thing>_<verb>`, and write to the audit log.

Two sections: single records (the staff pages use them), and many records at once (`<thing>_upsert_many`,
which the workbook import uses: bulk inserts and updates, no per-row queries)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_event, cbo_scope, issue_scope
from samleng.advocacy.models import Commitment, Issue, IssueUpdate
from samleng.cbos.models import CBO, Representative
from samleng.core.audit import Action, audit_record, changed_fields
from samleng.core.bulk import UpsertResult, bulk_search_text, records_insert_many, records_upsert_many
from samleng.core.khmer import normalize
from samleng.core.khmer import search_text as make_search_text
from samleng.engagement import signals
from samleng.engagement.models import (
    Attendance,
    CommitmentAtEvent,
    Event,
    Mechanism,
    MechanismAssessment,
    TargetArea,
    UpdateAtEvent,
)
from samleng.engagement.rules import BREAKDOWNS, FIRST_ASSESSMENT_YEAR, last_assessment_year
from samleng.places.models import Place

# ---- single records ---------------------------------------------------------------------------------


class EventValues(TypedDict):
    """The fields of an event a person may change (the event id stays what it was created with)."""

    type: NotRequired[str]
    title: NotRequired[str]
    title_km: NotRequired[str]
    date: NotRequired[dt.date]
    province: NotRequired[Place]
    district: NotRequired[Place | None]
    commune: NotRequired[Place | None]
    authorities_present: NotRequired[bool]
    participants_total: NotRequired[int | None]
    participants_female: NotRequired[int | None]
    participants_youth: NotRequired[int | None]
    participants_indigenous: NotRequired[int | None]
    participants_disability: NotRequired[int | None]


def event_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with an event's values, by field (empty when nothing is). Also used by whoever writes
    events in bulk, so that a workbook row and a form obey the same rules."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not values.get("title"):
        add("title", _("Give the event a title."))
    if values.get("type") not in Event.Type.values:
        add("type", _("Choose the type of event."))
    if not isinstance(values.get("date"), dt.date):
        add("date", _("Give the date of the event."))
    province, district, commune = values.get("province"), values.get("district"), values.get("commune")
    if province is None or province.level != Place.Level.PROVINCE:
        add("province", _("Choose a province."))
    elif district is not None and (district.level != Place.Level.DISTRICT or district.parent_id != province.pk):
        add("district", _("%(district)s is not a district of %(province)s.")
            % {"district": _place_name(district), "province": _place_name(province)})
    elif commune is not None and (
        commune.level != Place.Level.COMMUNE or district is None or commune.parent_id != district.pk
    ):
        add("commune", _("%(commune)s is not a commune of %(district)s.")
            % {"commune": _place_name(commune), "district": _place_name(district) if district else "–"})
    total = values.get("participants_total")
    for field in ("participants_total", *BREAKDOWNS):
        if values.get(field) is not None and values[field] < 0:
            add(field, _("A number of people cannot be negative."))
    given = [field for field in BREAKDOWNS if values.get(field) is not None]
    if given and total is None:
        add("participants_total", _("Give the total number of participants as well."))
    for field in given:
        if total is not None and values[field] > total:
            add(field, _("This is more than the %(total)s participants in all.") % {"total": total})
    return errors


def _place_name(place: Place) -> str:
    """A place's name in the language of the page the message will be shown on."""
    km = (get_language() or "").startswith("km")
    return (place.name_km or place.name_en) if km else (place.name_en or place.name_km)


def _event_values(values: dict[str, Any]) -> dict[str, Any]:
    """Values as they are stored: text normalised, and a commune's district filled in when only the
    commune was given (a commune has one district, so asking for it again only invites mistakes)."""
    values = dict(values)
    for field in ("title", "title_km"):
        if field in values:
            values[field] = normalize(values[field] or "")
    commune = values.get("commune")
    if commune is not None and values.get("district") is None and commune.level == Place.Level.COMMUNE:
        values["district"] = commune.parent
    return values


def _new_event_id(province: Place, date: dt.date) -> str:
    """A readable id for an event recorded on a page: EV-<province code>-<date>, numbered when several
    events of a province fall on the same day. Workbook rows bring their own ids."""
    base = f"EV-{province.code}-{date:%Y%m%d}"
    taken = set(Event.objects.filter(event_id__startswith=base).values_list("event_id", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def event_create(
    *, user, type: str, title: str, date: dt.date, province: Place, district: Place | None = None,
    commune: Place | None = None, authorities_present: bool = False, participants_total: int | None = None,
    participants_female: int | None = None, participants_youth: int | None = None,
    participants_indigenous: int | None = None, participants_disability: int | None = None,
    issues: Iterable[Issue] = (), event_id: str = "", title_km: str = "",
) -> Event:
    """Record an event, with the issues raised at it (only issues `user` may see). `event_id` is made up
    when not given. Raises ValidationError (by field) when the values do not hold together."""
    values = _event_values({
        "type": type, "title": title, "title_km": title_km, "date": date, "province": province, "district": district,
        "commune": commune, "authorities_present": authorities_present, "participants_total": participants_total,
        "participants_female": participants_female, "participants_youth": participants_youth,
        "participants_indigenous": participants_indigenous, "participants_disability": participants_disability,
    })
    errors = event_errors(values)
    event_id = normalize(event_id)
    if event_id and Event.objects.filter(event_id=event_id).exists():
        errors.setdefault("event_id", []).append(_("Another event already has this id."))
    issues = list(issues)
    if not errors:
        errors.update(_issue_errors(user, issues))
    if errors:
        raise ValidationError(errors)
    event = Event(event_id=event_id or _new_event_id(province, date), **values)
    event.search_text = make_search_text(event.title, event.title_km)
    event.save()
    event.issues_raised.set(issues)
    audit_record(
        user=user, action=Action.CREATE, obj=event, summary=f"{event.event_id}: {event.title}",
        changes={"issues_raised": sorted(i.issue_id for i in issues)},
    )
    _public_event_announce(event)
    return event


#: What makes an event's scheduling news again: a public event moved to another day or place, or made public.
_SCHEDULE_FIELDS = ("type", "date", "province", "district", "commune")


def _public_event_announce(event: Event) -> None:
    """`signals.public_event_scheduled` once this transaction commits, for a public event not yet past."""
    if event.type in signals.PUBLIC_TYPES and event.date >= timezone.localdate():
        pk = event.pk
        transaction.on_commit(lambda: signals.public_event_scheduled.send(sender=Event, event_id=pk))


@transaction.atomic
def event_update(*, user, event: Event, **changes: Unpack[EventValues]) -> Event:
    """Change some of an event's values; the others stay as they are. Raises ValidationError (by field)."""
    unknown = set(changes) - set(EventValues.__annotations__)
    if unknown:
        raise TypeError(f"event_update() got unexpected fields: {', '.join(sorted(unknown))}")
    current = {name: getattr(event, name) for name in EventValues.__annotations__}
    changes = _event_values({**changes, "district": changes.get("district", current["district"])}
                            if "commune" in changes else changes)
    errors = event_errors({**current, **changes})
    if errors:
        raise ValidationError(errors)
    diff = changed_fields(event, changes)
    if not diff:
        return event
    for name, value in changes.items():
        setattr(event, name, value)
    event.search_text = make_search_text(event.title, event.title_km)
    event.save()
    audit_record(user=user, action=Action.UPDATE, obj=event, summary=f"{event.event_id}: {event.title}",
                 changes=diff)
    if set(diff) & set(_SCHEDULE_FIELDS):
        _public_event_announce(event)
    return event


def _issue_errors(user, issues: list[Issue]) -> dict[str, list[str]]:
    visible = set(Issue.objects.filter(issue_scope(user), pk__in=[i.pk for i in issues]).values_list("pk", flat=True))
    hidden = [i.issue_id for i in issues if i.pk not in visible]
    if hidden:
        return {"issues": [_("Unknown issue ids: %(ids)s") % {"ids": ", ".join(sorted(hidden))}]}
    return {}


@transaction.atomic
def event_issues_set(*, user, event: Event, issues: Iterable[Issue]) -> Event:
    """Make `issues` the issues raised at `event`, as far as `user` can tell: issues the user may not see
    are refused, and those already recorded by someone who could see them are kept (a field officer must
    not erase a colleague's record by not knowing about it)."""
    issues = list(issues)
    errors = _issue_errors(user, issues)
    if errors:
        raise ValidationError(errors)
    before = {i.pk: i.issue_id for i in event.issues_raised.all()}
    visible_before = set(
        event.issues_raised.filter(issue_scope(user)).values_list("pk", flat=True)
    )
    wanted = {i.pk: i.issue_id for i in issues}
    kept_hidden = set(before) - visible_before
    after = kept_hidden | set(wanted)
    if after == set(before):
        return event
    event.issues_raised.set(after)
    added = sorted(wanted[pk] for pk in set(wanted) - set(before))
    removed = sorted(before[pk] for pk in set(before) - after)
    audit_record(user=user, action=Action.UPDATE, obj=event, summary=f"{event.event_id}: issues raised",
                 changes={"issues_raised": {"added": added, "removed": removed}})
    return event


@transaction.atomic
def attendance_set(
    *, user, event: Event, present: Iterable[Representative], spoke: Iterable[Representative] = (),
) -> Event:
    """Record who of the representatives `user` may see came to `event`, and who spoke (speaking implies
    being there). Attendance of representatives outside the user's scope is left as it was."""
    present, spoke = list(present), list(spoke)
    spoke_ids = {r.pk for r in spoke}
    wanted = {r.pk for r in present} | spoke_ids
    in_scope = set(
        Representative.objects.filter(cbo_scope(user, prefix="cbo__"), pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - in_scope:
        raise ValidationError({"present": [_("Some of these representatives are not in your area.")]})
    mine = {
        a.representative_id: a
        for a in Attendance.objects.filter(event=event).filter(
            representative__in=Representative.objects.filter(cbo_scope(user, prefix="cbo__"))
        )
    }
    removed = [pk for pk in mine if pk not in wanted]
    added = [Attendance(event=event, representative_id=pk, spoke=pk in spoke_ids) for pk in wanted - set(mine)]
    changed = [a for pk, a in mine.items() if pk in wanted and a.spoke != (pk in spoke_ids)]
    for a in changed:
        a.spoke = a.representative_id in spoke_ids
    if not (removed or added or changed):
        return event
    Attendance.objects.filter(event=event, representative_id__in=removed).delete()
    Attendance.objects.bulk_create(added)
    Attendance.objects.bulk_update(changed, ["spoke"])
    # Person ids, not names, go to the log: the log is read more widely than personal data may be.
    ids = dict(Representative.objects.filter(pk__in=set(mine) | wanted).values_list("pk", "person_id"))
    audit_record(
        user=user, action=Action.UPDATE, obj=event, summary=f"{event.event_id}: attendance",
        changes={"attendance": {
            "added": sorted(ids[a.representative_id] for a in added),
            "removed": sorted(ids[pk] for pk in removed),
            "spoke": sorted(ids[pk] for pk in spoke_ids),
        }},
    )
    return event


class AssessmentValues(TypedDict):
    district: NotRequired[Place]
    year: NotRequired[int]
    mechanism: NotRequired[str]
    held: NotRequired[bool]
    diverse_representation: NotRequired[bool]
    notice_given: NotRequired[bool]
    minutes_shared: NotRequired[bool]
    questions_answered: NotRequired[bool]
    follow_up_done: NotRequired[bool]


def _assessment_errors(values: dict[str, Any], exclude_pk: int | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    district, year, mechanism = values.get("district"), values.get("year"), values.get("mechanism")
    if district is None or district.level != Place.Level.DISTRICT:
        errors["district"] = [_("Choose a district.")]
    if not isinstance(year, int) or not FIRST_ASSESSMENT_YEAR <= year <= last_assessment_year(dt.date.today()):
        errors["year"] = [_("Give a year between 1990 and next year.")]
    if mechanism not in Mechanism.values:
        errors["mechanism"] = [_("Choose the mechanism.")]
    if not errors:
        same = MechanismAssessment.objects.filter(district=district, year=year, mechanism=mechanism)
        if same.exclude(pk=exclude_pk).exists():
            errors["mechanism"] = [_("This mechanism is already assessed for this district and year.")]
    return errors


@transaction.atomic
def assessment_create(
    *, user, district: Place, year: int, mechanism: str, held: bool = False, diverse_representation: bool = False,
    notice_given: bool = False, minutes_shared: bool = False, questions_answered: bool = False,
    follow_up_done: bool = False,
) -> MechanismAssessment:
    """Assess one mechanism in a district for a year (one assessment per district, year and mechanism)."""
    values = {
        "district": district, "year": year, "mechanism": mechanism, "held": held,
        "diverse_representation": diverse_representation, "notice_given": notice_given,
        "minutes_shared": minutes_shared, "questions_answered": questions_answered, "follow_up_done": follow_up_done,
    }
    errors = _assessment_errors(values)
    if errors:
        raise ValidationError(errors)
    assessment = MechanismAssessment.objects.create(**values)
    audit_record(user=user, action=Action.CREATE, obj=assessment, summary=f"{district.code} {year} {mechanism}",
                 changes={name: value for name, value in values.items() if name != "district"})
    return assessment


@transaction.atomic
def assessment_update(
    *, user, assessment: MechanismAssessment, **changes: Unpack[AssessmentValues]
) -> MechanismAssessment:
    unknown = set(changes) - set(AssessmentValues.__annotations__)
    if unknown:
        raise TypeError(f"assessment_update() got unexpected fields: {', '.join(sorted(unknown))}")
    current = {name: getattr(assessment, name) for name in AssessmentValues.__annotations__}
    errors = _assessment_errors({**current, **changes}, exclude_pk=assessment.pk)
    if errors:
        raise ValidationError(errors)
    diff = changed_fields(assessment, changes)
    if not diff:
        return assessment
    for name, value in changes.items():
        setattr(assessment, name, value)
    assessment.save()
    audit_record(user=user, action=Action.UPDATE, obj=assessment,
                 summary=f"{assessment.district.code} {assessment.year} {assessment.mechanism}", changes=diff)
    return assessment


@transaction.atomic
def target_area_create(
    *, user, district: Place, from_year: int, to_year: int, programme_code: str = "",
) -> TargetArea:
    """Mark a district as targeted by a programme from one year to another (both included)."""
    programme_code = normalize(programme_code)
    errors: dict[str, list[str]] = {}
    if district is None or district.level != Place.Level.DISTRICT:
        errors["district"] = [_("Choose a district.")]
    if from_year > to_year:
        errors["to_year"] = [_("The last year comes before the first.")]
    elif TargetArea.objects.filter(programme_code=programme_code, district=district, from_year=from_year).exists():
        errors["from_year"] = [_("This district is already targeted from this year.")]
    if errors:
        raise ValidationError(errors)
    area = TargetArea.objects.create(programme_code=programme_code, district=district, from_year=from_year,
                                     to_year=to_year)
    audit_record(user=user, action=Action.CREATE, obj=area,
                 summary=f"{programme_code} {district.code} {from_year}-{to_year}")
    return area


# ---- advocacy's updates and commitments at events --------------------------------------------------------
# The event where an issue's update was recorded, or an authority's commitment made, is this app's to keep
# (UpdateAtEvent, CommitmentAtEvent): links point from engagement to advocacy. Advocacy's pages record
# them through the form part this app adds to their forms (engagement.related).

def raised_at_errors(*, issue: Issue, event: Event | None) -> dict[str, list[str]]:
    """The rule of a link to an event: the issue was raised at that event (the forms offer only those; the
    workbook's check is sheets.updates_at_events_check)."""
    if event is not None and not event.issues_raised.filter(pk=issue.pk).exists():
        return {"event": [_("This issue was not raised at that event.")]}
    return {}


def _event_link_set(*, user, model, name: str, record, event: Event | None, summary: str) -> bool:
    """Make `event` the event of `record` (an update or a commitment) through the link `model`; returns
    whether anything changed. Audited on the record itself, as its own changes are."""
    errors = raised_at_errors(issue=record.issue, event=event)
    if errors:
        raise ValidationError(errors)
    link = model.objects.select_for_update().select_related("event").filter(**{name: record}).first()
    before = link.event if link else None
    if before == event:
        return False
    if event is None:
        link.delete()
    elif link is None:
        model.objects.create(**{name: record, "event": event})
    else:
        link.event = event
        link.save(update_fields=["event"])
    audit_record(user=user, action=Action.UPDATE, obj=record,
                 summary=f"{summary} at {event.event_id}" if event else f"{summary} at no event",
                 changes={"event": [before.event_id if before else None, event.event_id if event else None]})
    return True


@transaction.atomic
def update_event_set(*, user, update: IssueUpdate, event: Event | None) -> bool:
    """Record the event at which an issue's update was made (None: at none). Refused (ValidationError on
    `event`) when the issue was not raised at that event. Returns whether anything changed."""
    return _event_link_set(user=user, model=UpdateAtEvent, name="update", record=update, event=event,
                           summary=f"issue {update.issue.issue_id}: update {update.status} on {update.date} made")


@transaction.atomic
def commitment_event_set(*, user, commitment: Commitment, event: Event | None) -> bool:
    """Record the event at which an authority made a commitment (None: at none); same rule as
    update_event_set."""
    return _event_link_set(user=user, model=CommitmentAtEvent, name="commitment", record=commitment, event=event,
                           summary=f"issue {commitment.issue.issue_id}: commitment of {commitment.authority} made")


# ---- many records (workbook import) -----------------------------------------------------------------

_IN_CHUNK = 2000  # ids per `__in` query


@transaction.atomic
def event_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update events matched on `event_id`; rows give places by primary key (`province_id`...) and
    may give `issues_raised`, the primary keys of the issues raised at the event, which then become exactly
    those (an event whose issues change counts as updated), and `invited_cbos`, the primary keys of the CBOs
    invited, likewise (those the user may not see stay, as event_invited_set keeps them). The caller has checked
    the rows (event_errors' rules). search_text follows the title, as event_create makes it. Returns the counts
    and every event's primary key by event_id."""
    wanted: dict[str, tuple[int, ...]] = {}  # tuples, not sets: 30,000 events' issues till the upsert is done
    invited: dict[str, tuple[int, ...]] = {}

    def without_issues(rows):
        for row in rows:
            if "issues_raised" in row or "invited_cbos" in row:
                row = dict(row)
                if "issues_raised" in row:
                    wanted[row["event_id"]] = tuple(row.pop("issues_raised"))
                if "invited_cbos" in row:
                    invited[row["event_id"]] = tuple(row.pop("invited_cbos"))
            yield row

    scheduled_before = _schedules(Event.objects.filter(date__gte=timezone.localdate()))
    result = records_upsert_many(
        user=user, model=Event, key=("event_id",), rows=without_issues(rows), batch_size=batch_size,
        derive_from=("title", "title_km"),
        derive=lambda v: {"search_text": bulk_search_text(v["title"], v["title_km"])},
    )
    if wanted:
        _event_links_sync(user, result, wanted, batch_size, field="issues_raised", model=Issue, scope=issue_scope,
                          what="issues raised at")
    if invited:
        _event_links_sync(user, result, invited, batch_size, field="invited_cbos", model=CBO, scope=cbo_scope,
                          what="CBOs invited to")
    _public_events_announce(result, scheduled_before)
    return result


def _schedules(events) -> dict[int, tuple]:
    """{pk: (type, date, province, district, commune: their keys)}: what makes an event's scheduling news."""
    return {pk: tuple(schedule) for pk, *schedule in events.values_list("pk", *_SCHEDULE_FIELDS)}


def _public_events_announce(result: UpsertResult, scheduled_before: dict[int, tuple]) -> None:
    """The upcoming public events that an import created, made public, or moved to another day or place, announced
    as a page announces them (event_update: `_public_event_announce`, once the import commits); an event whose
    other fields (its title, its issues) changed is not news again. `scheduled_before`: the schedules of the
    events that were upcoming before the import (`_schedules`; an event not among them was past or new)."""
    changed = {result.pks[key] for key in result.changed if key in result.pks}
    upcoming = _schedules(Event.objects.filter(type__in=signals.PUBLIC_TYPES, date__gte=timezone.localdate()))
    for pk in sorted(pk for pk, schedule in upcoming.items()
                     if pk in changed and scheduled_before.get(pk) != schedule):
        transaction.on_commit(partial(signals.public_event_scheduled.send, sender=Event, event_id=pk))


def _visible(user, model, scope, pks) -> set[int]:
    """Of `pks` (records of `model`), those `user` may see by `scope` (a function of the user giving a Q); all of
    them for an import run from the command line (no user) or by someone who sees everything."""
    pks = list(pks)
    if user is None or user.sees_everything:
        return set(pks)
    visible: set[int] = set()
    for start in range(0, len(pks), _IN_CHUNK):
        visible.update(model.objects.filter(scope(user), pk__in=pks[start:start + _IN_CHUNK])
                       .values_list("pk", flat=True))
    return visible


def _event_links_sync(user, result: UpsertResult, wanted: dict[str, tuple[int, ...]], batch_size: int, *,
                      field: str, model, scope, what: str) -> None:
    """Make the records of an event's many-to-many `field` (issues raised, CBOs invited) exactly those the
    workbook wants, but for those the user may not see (a colleague's link stays, as on the event's page): one
    query per 2,000 events to read them, the new links inserted `batch_size` at a time as they are found (not
    all gathered first), one bulk delete per 2,000 links that go."""
    through = getattr(Event, field).through
    column = f"{through._meta.get_field(model._meta.model_name).attname}"
    events = {result.pks[event_id]: event_id for event_id in wanted}
    current: dict[int, dict[int, int]] = {}  # event pk -> linked record's pk -> link pk
    event_pks = list(events)
    for start in range(0, len(event_pks), _IN_CHUNK):
        links = through.objects.filter(event_id__in=event_pks[start:start + _IN_CHUNK])
        for link_pk, event_pk, linked_pk in links.values_list("pk", "event_id", column):
            current.setdefault(event_pk, {})[linked_pk] = link_pk
    going = {linked_pk for event_pk, event_id in events.items() for linked_pk in current.get(event_pk, {})
             if linked_pk not in wanted[event_id]}
    removable = _visible(user, model, scope, going)
    added, added_count, removed = [], 0, []
    for event_pk, event_id in events.items():
        have, want = current.get(event_pk, {}), set(wanted[event_id])
        to_add = [{"event_id": event_pk, column: linked_pk} for linked_pk in want - set(have)]
        to_remove = [link_pk for linked_pk, link_pk in have.items() if linked_pk not in want and linked_pk in removable]
        if not to_add and not to_remove:
            continue
        added += to_add
        added_count += len(to_add)
        removed += to_remove
        if len(added) >= batch_size:
            records_insert_many(model=through, rows=added)
            added = []
        if event_id not in result.changed:
            result.updated += 1
            result.changed.add(event_id)
    if added:
        records_insert_many(model=through, rows=added)
    for start in range(0, len(removed), _IN_CHUNK):
        through.objects.filter(pk__in=removed[start:start + _IN_CHUNK]).delete()
    if added_count or removed:
        audit_record(user=user, action=Action.UPDATE, object_type="engagement.event",
                     summary=f"{what} events: {added_count} added, {len(removed)} removed at once (workbook import)")


def attendance_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update named attendance matched on (event, representative): rows give `event_id` and
    `representative_id` as primary keys, and `spoke`. Hundreds of thousands of rows stream through in
    batches; the result keeps the counts only."""
    return records_upsert_many(user=user, model=Attendance, key=("event_id", "representative_id"), rows=rows,
                               batch_size=batch_size, keep_keys=False)


def mechanism_assessment_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update mechanism assessments matched on (district, year, mechanism); rows give
    `district_id` as the district's primary key."""
    return records_upsert_many(user=user, model=MechanismAssessment, key=("district_id", "year", "mechanism"),
                               rows=rows, batch_size=batch_size, keep_keys=False)


def target_area_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update a programme's target areas matched on (programme_code, district, from_year); rows
    give `district_id` as the district's primary key and `to_year`."""
    return records_upsert_many(user=user, model=TargetArea, key=("programme_code", "district_id", "from_year"),
                               rows=rows, batch_size=batch_size, keep_keys=False)


@transaction.atomic
def update_event_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Make the event of many issue updates what the rows say (the workbook's issue_updates event_id):
    rows give `update_id` and `event_id` as primary keys, `event_id` None for an update made at no event
    (its link, if it had one, is removed). The caller has checked the rows (the issue raised at the event:
    sheets.updates_at_events_check). `changed` holds the updates whose event changed; no `pks`."""
    unlinked: list[int] = []

    def linked(rows):
        for row in rows:
            if row["event_id"] is None:
                unlinked.append(row["update_id"])
            else:
                yield {"update_id": row["update_id"], "event_id": row["event_id"]}

    result = records_upsert_many(user=user, model=UpdateAtEvent, key=("update_id",), rows=linked(rows),
                                 batch_size=batch_size)
    result.pks = {}
    removed = 0
    for start in range(0, len(unlinked), _IN_CHUNK):
        gone = list(UpdateAtEvent.objects.filter(update_id__in=unlinked[start:start + _IN_CHUNK])
                    .values_list("update_id", flat=True))
        if gone:
            UpdateAtEvent.objects.filter(update_id__in=gone).delete()
            result.changed.update(gone)
            removed += len(gone)
    if removed:
        audit_record(user=user, action=Action.DELETE, object_type="engagement.updateatevent",
                     summary=f"issue updates at events: {removed} removed at once (workbook import)")
    return result


# ---- invitations and notices ----------------------------------------------------------------------------


@transaction.atomic
def event_invited_set(*, user, event: Event, cbos: Iterable[CBO]) -> Event:
    """Make `cbos` the CBOs invited to `event`, as far as `user` can tell: CBOs the user may not see are refused
    (ValidationError on `invited_cbos`), and those a colleague invited that the user may not see are kept."""
    cbos = list(cbos)
    visible = set(CBO.objects.filter(cbo_scope(user), pk__in=[c.pk for c in cbos]).values_list("pk", flat=True))
    hidden = sorted(c.cbo_id for c in cbos if c.pk not in visible)
    if hidden:
        raise ValidationError({"invited_cbos": [_("Unknown CBO ids: %(ids)s") % {"ids": ", ".join(hidden)}]})
    before = dict(event.invited_cbos.values_list("pk", "cbo_id"))
    visible_before = set(event.invited_cbos.filter(cbo_scope(user)).values_list("pk", flat=True))
    wanted = {c.pk: c.cbo_id for c in cbos}
    after = (set(before) - visible_before) | set(wanted)
    if after == set(before):
        return event
    event.invited_cbos.set(after)
    added = sorted(wanted[pk] for pk in set(wanted) - set(before))
    removed = sorted(before[pk] for pk in set(before) - after)
    audit_record(user=user, action=Action.UPDATE, obj=event, summary=f"{event.event_id}: invited CBOs",
                 changes={"invited_cbos": {"added": added, "removed": removed}})
    return event


@transaction.atomic
def event_notice_send(*, user, event: Event) -> Event:
    """Staff ask for the event's notice to go to its invited CBOs' representatives: `signals.event_notice_sent` is
    sent once this commits (notifications queues the messages). Refused (PermissionDenied) to anyone who may not
    edit the event, and (ValidationError on `invited_cbos`) for an event with no invited CBO or one that is past."""
    if not can_edit_event(user, event):
        raise PermissionDenied
    if not event.invited_cbos.exists():
        raise ValidationError({"invited_cbos": [_("No CBO is invited to this event: add the invited CBOs first.")]})
    if event.date < timezone.localdate():
        raise ValidationError({"date": [_("This event is past: its notice can no longer be sent.")]})
    event.notice_sent_at = timezone.now()
    event.save(update_fields=["notice_sent_at", "updated_at"])
    audit_record(user=user, action=Action.UPDATE, obj=event, summary=f"{event.event_id}: notice sent",
                 changes={"notice_sent_at": [None, event.notice_sent_at.isoformat()]})
    pk = event.pk
    transaction.on_commit(lambda: signals.event_notice_sent.send(sender=Event, event_id=pk))
    return event
