"""Reads of events, attendance and mechanism assessments. Lists are filtered in the database by the access
rules (accounts.access) and run the same few queries whatever the number of rows."""

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from samleng.accounts.access import can_create_records, cbo_scope, event_scope, issue_scope
from samleng.advocacy.models import CLOSED_STATUSES, Issue
from samleng.cbos.models import CBO, Representative
from samleng.core import search
from samleng.core.audit import Action, audit_record
from samleng.engagement.models import (
    Attendance,
    CommitmentAtEvent,
    Event,
    MechanismAssessment,
    TargetArea,
    UpdateAtEvent,
)
from samleng.places.models import Place

#: Youth: aged this or under on the event's date (the programme's definition; see the workbook spec).
YOUTH_MAX_AGE = 30
#: A mechanism functions when it was held, with diverse representation, and met this many of the four
#: quality criteria (notice given, minutes shared, questions answered, follow-up done).
MIN_QUALITY = 3
QUALITY_CRITERIA = ("notice_given", "minutes_shared", "questions_answered", "follow_up_done")
PER_PAGE = 50


class EventFilters(TypedDict, total=False):
    province: Place | None
    district: Place | None
    type: str
    year: int | None
    authorities_present: bool | None
    q: str


def _visible_events(user):
    # The scope of a CBO representative joins the issues raised, which repeats an event once per issue:
    # filtering on a subquery of ids keeps each event once and leaves the joins of annotations alone.
    return Event.objects.filter(pk__in=Event.objects.filter(event_scope(user)).values("pk"))


def event_list(user, filters: EventFilters | None = None, *, page: int | str = 1, per_page: int = PER_PAGE) -> Page:
    """The events `user` may see, newest first, filtered; a page of them. Each event on the page carries
    `issue_count`: the issues raised at it that the user may see."""
    filters = filters or {}
    events = _visible_events(user).select_related("province", "district", "commune")
    if filters.get("province"):
        events = events.filter(province=filters["province"])
    if filters.get("district"):
        events = events.filter(district=filters["district"])
    if filters.get("type"):
        events = events.filter(type=filters["type"])
    if filters.get("year"):
        events = events.filter(date__year=filters["year"])
    if filters.get("authorities_present") is not None:
        events = events.filter(authorities_present=filters["authorities_present"])
    if filters.get("q"):
        events = _search(events, filters["q"])
    result = Paginator(events.order_by("-date", "event_id"), per_page).get_page(page)
    result.object_list = list(result.object_list)
    counts = _issue_counts(user, [e.pk for e in result.object_list])
    for event in result.object_list:
        event.issue_count = counts.get(event.pk, 0)
    return result


def _search(events, query: str):
    """Events whose title or places hold every word of `query` (core.search), or whose id it is."""
    by_words = search.matching(Event, query)
    return events.filter(by_words | Q(event_id__iexact=query.strip())) if by_words else events


def _issue_counts(user, event_ids: list[int]) -> dict[int, int]:
    through = Event.issues_raised.through.objects.filter(
        event_id__in=event_ids, issue_id__in=Issue.objects.filter(issue_scope(user)).values("pk")
    )
    return dict(through.values("event_id").annotate(n=Count("issue_id")).values_list("event_id", "n"))


@dataclass
class AttendanceCounts:
    """Named attendees (representatives recorded by name) counted by group; each person once per group."""

    named: int = 0
    female: int = 0
    youth: int = 0
    indigenous: int = 0
    disability: int = 0
    #: female, youth, indigenous or with a disability: a young woman is counted once here.
    underrepresented: int = 0
    spoke: int = 0


@dataclass
class EventDetail:
    event: Event
    #: the issues raised at the event that the user may see, with their CBO; `status` is the current one.
    issues: list[Issue]
    #: issues raised that the user may not see (counted, not shown).
    issues_hidden: int
    #: the participant counts reported for the event as a whole (named or not).
    reported: dict[str, int | None]
    counts: AttendanceCounts
    #: named attendances the user may see the names of (with representative and CBO loaded).
    attendees: list[Attendance] = field(default_factory=list)
    #: named attendances whose names the user may not see.
    attendees_hidden: int = 0


def youth_filter(event_date: dt.date, prefix: str = "representative__") -> Q:
    """Representatives aged YOUTH_MAX_AGE or under on `event_date`. Only the birth year is known, so the
    age is taken as the difference of the years (a person born in 1994 counts as 30 all through 2024)."""
    return Q(**{f"{prefix}birth_year__gte": event_date.year - YOUTH_MAX_AGE})


def _underrepresented_filter(event_date: dt.date) -> Q:
    return (
        Q(representative__sex=Representative.Sex.FEMALE)
        | youth_filter(event_date)
        | Q(representative__indigenous=True)
        | Q(representative__disability=True)
    )


def attendance_counts(event: Event) -> AttendanceCounts:
    """The named attendees of `event` by group, in one query (no names: counts may be shown to anyone who
    may see the event)."""
    rows = Attendance.objects.filter(event=event).aggregate(
        named=Count("pk"),
        female=Count("pk", filter=Q(representative__sex=Representative.Sex.FEMALE)),
        youth=Count("pk", filter=youth_filter(event.date)),
        indigenous=Count("pk", filter=Q(representative__indigenous=True)),
        disability=Count("pk", filter=Q(representative__disability=True)),
        underrepresented=Count("pk", filter=_underrepresented_filter(event.date)),
        spoke=Count("pk", filter=Q(spoke=True)),
    )
    return AttendanceCounts(**rows)


def _personal_cbo_ids(user, cbo_ids: set[int]) -> set[int]:
    """Of `cbo_ids`, the CBOs whose representatives' names `user` may see. This is can_see_personal
    (staff role, and the CBO in the user's scope) asked for many CBOs in one query instead of one each;
    a test checks the two agree."""
    if not cbo_ids or not can_create_records(user):  # can_create_records: a logged-in staff member
        return set()
    return set(CBO.objects.filter(cbo_scope(user), pk__in=cbo_ids).values_list("pk", flat=True))


def event_detail(user, event: Event) -> EventDetail:
    """What the event page shows `user` (who may see `event`: the caller checks). Names of attendees are
    given only for the CBOs whose personal data the user may see, and each time they are, the view is
    written to the audit log with the person ids shown."""
    visible_issues = event.issues_raised.filter(issue_scope(user)).select_related("cbo").order_by("issue_id")
    issues = list(visible_issues)
    all_issues = event.issues_raised.count()
    attendance = list(
        Attendance.objects.filter(event=event).select_related("representative__cbo")
        .order_by("representative__cbo__name_en", "representative__full_name")
    )
    allowed = _personal_cbo_ids(user, {a.representative.cbo_id for a in attendance})
    attendees = [a for a in attendance if a.representative.cbo_id in allowed]
    if attendees:
        audit_record(
            user=user, action=Action.VIEW_PERSONAL, obj=event,
            summary=f"{event.event_id}: names of {len(attendees)} attendees",
            changes={"person_ids": [a.representative.person_id for a in attendees]},
        )
    return EventDetail(
        event=event,
        issues=issues,
        issues_hidden=all_issues - len(issues),
        reported={
            "total": event.participants_total, "female": event.participants_female,
            "youth": event.participants_youth, "indigenous": event.participants_indigenous,
            "disability": event.participants_disability,
        },
        counts=attendance_counts(event),
        attendees=attendees,
        attendees_hidden=len(attendance) - len(attendees),
    )


def open_issues_for_event(user, *, province: Place | None = None, district: Place | None = None,
                          limit: int = 100) -> list[Issue]:
    """The open issues `user` may see of the CBOs in an area (a district, else a province, else all the
    user's scope), for the "issues raised" list of the event form."""
    issues = Issue.objects.filter(issue_scope(user)).exclude(status__in=CLOSED_STATUSES).select_related("cbo")
    if district is not None:
        issues = issues.filter(cbo__district=district)
    elif province is not None:
        issues = issues.filter(cbo__province=province)
    return list(issues.order_by("cbo__name_en", "issue_id")[:limit])


# ---- for the pages of advocacy and cbos (through core.related: engagement.related) ------------------------

_EVENT_PLACES = ("province", "district", "commune")


def events_raising(issue: Issue) -> QuerySet[Event]:
    """The events where an issue was raised, latest first, with their places: the events at which its
    updates and commitments may be recorded."""
    return Event.objects.filter(issues_raised=issue).select_related(*_EVENT_PLACES).order_by("-date")


def issue_events(user, issue: Issue) -> list[Event]:
    """The events where an issue was raised, in date order, with their places, each with `seen`: whether
    `user` may open the event (its title and link are shown only then: titles can name people). One query."""
    scope = event_scope(user)
    seen = Value(True) if not scope else Case(When(scope, then=Value(True)), default=Value(False),
                                               output_field=BooleanField())
    events = Event.objects.filter(issues_raised=issue).select_related(*_EVENT_PLACES)
    return list(events.annotate(seen=seen).order_by("date", "pk"))


def update_events(issue: Issue) -> dict[int, Event]:
    """{update pk: the event where it was recorded} for the updates of an issue that were. One query."""
    links = UpdateAtEvent.objects.filter(update__issue=issue).select_related("event")
    return {link.update_id: link.event for link in links}


def commitment_events(issue: Issue) -> dict[int, Event]:
    """{commitment pk: the event where it was made} for the commitments of an issue that were. One query."""
    links = CommitmentAtEvent.objects.filter(commitment__issue=issue).select_related("event")
    return {link.commitment_id: link.event for link in links}


def cbo_event_count(user, cbo: CBO) -> int:
    """The distinct events where the issues of `cbo` that `user` may see were raised. One query."""
    issues = Issue.objects.filter(issue_scope(user), cbo=cbo)
    links = Event.issues_raised.through.objects.filter(issue__in=issues)
    return links.aggregate(n=Count("event_id", distinct=True))["n"]


def representatives_for_event(user, event: Event, *, whole_province: bool = False):
    """The representatives `user` may record at `event`: those of the CBOs in scope in the event's
    district (or the whole province), and whoever is already recorded in scope."""
    area = (
        Q(cbo__province_id=event.province_id)
        if whole_province or event.district_id is None
        else Q(cbo__district_id=event.district_id)
    )
    return (
        Representative.objects.filter(cbo_scope(user, prefix="cbo__"))
        .filter(area | Q(attendance__event=event))
        .distinct()
        .select_related("cbo")
        .order_by("cbo__name_en", "full_name")
    )


class AssessmentFilters(TypedDict, total=False):
    province: Place | None
    district: Place | None
    year: int | None


@dataclass
class DistrictYear:
    """The mechanisms assessed in one district in one year."""

    district: Place
    year: int
    assessed: int
    #: different mechanisms that functioned (held, diverse representation, MIN_QUALITY criteria met).
    functioning: int
    assessments: list[MechanismAssessment]


def _quality_score():
    score = Value(0)
    for criterion in QUALITY_CRITERIA:
        score = score + Cast(criterion, IntegerField())
    return score


def functioning_filter() -> Q:
    """Assessments of a mechanism that functioned (use on a queryset annotated by `with_quality`)."""
    return Q(held=True, diverse_representation=True, quality__gte=MIN_QUALITY)


def with_quality(assessments):
    """`assessments` with `quality`: how many of the four quality criteria each met."""
    return assessments.annotate(quality=_quality_score())


def assessment_list(user, filters: AssessmentFilters | None = None, *, page: int | str = 1,
                    per_page: int = PER_PAGE) -> Page:
    """Mechanism assessments by district and year (latest year first), each with the number of different
    mechanisms that functioned. Assessments carry no personal data; they are for staff."""
    filters = filters or {}
    assessments = MechanismAssessment.objects.all()
    if not can_create_records(user):
        assessments = assessments.none()
    if filters.get("province"):
        assessments = assessments.filter(district__parent=filters["province"])
    if filters.get("district"):
        assessments = assessments.filter(district=filters["district"])
    if filters.get("year"):
        assessments = assessments.filter(year=filters["year"])
    groups = (
        with_quality(assessments).values("district_id", "year")
        .annotate(
            assessed=Count("pk"),
            functioning=Count("mechanism", filter=functioning_filter(), distinct=True),
        )
        .order_by("-year", "district__code")
    )
    result = Paginator(groups, per_page).get_page(page)
    rows = list(result.object_list)
    districts = Place.objects.in_bulk({r["district_id"] for r in rows})
    by_pair: dict[tuple[int, int], list[MechanismAssessment]] = {}
    detail = with_quality(assessments).filter(
        district_id__in=districts, year__in={r["year"] for r in rows}
    ).order_by("mechanism")
    for assessment in detail:
        assessment.functioning = (
            assessment.held and assessment.diverse_representation and assessment.quality >= MIN_QUALITY
        )
        by_pair.setdefault((assessment.district_id, assessment.year), []).append(assessment)
    result.object_list = [
        DistrictYear(
            district=districts[r["district_id"]], year=r["year"], assessed=r["assessed"],
            functioning=r["functioning"], assessments=by_pair.get((r["district_id"], r["year"]), []),
        )
        for r in rows
    ]
    return result


@dataclass
class SheetRow:
    """A line of the attendance sheet: a representative, and whether they came and spoke."""

    representative: Representative
    present: bool
    spoke: bool


def attendance_sheet(user, event: Event, *, whole_province: bool = False) -> list[SheetRow]:
    """The attendance sheet staff tick: representatives_for_event with what is recorded. It shows names,
    so only staff get it (their CBO scope is the scope of personal data), and each showing is audited."""
    if not can_create_records(user):
        return []
    recorded = dict(Attendance.objects.filter(event=event).values_list("representative_id", "spoke"))
    rows = [
        SheetRow(representative=r, present=r.pk in recorded, spoke=recorded.get(r.pk, False))
        for r in representatives_for_event(user, event, whole_province=whole_province)
    ]
    if rows:
        audit_record(
            user=user, action=Action.VIEW_PERSONAL, obj=event,
            summary=f"{event.event_id}: attendance sheet with {len(rows)} names",
            changes={"person_ids": [row.representative.person_id for row in rows]},
        )
    return rows


# ---- for results (indicators computed from the records) -------------------------------------------------


def target_districts(programme_code: str, year: int) -> list[int]:
    """The districts (pks) a programme targets in `year` (the workbook's target_areas sheet)."""
    areas = TargetArea.objects.filter(programme_code=programme_code, from_year__lte=year, to_year__gte=year)
    return sorted(set(areas.values_list("district_id", flat=True)))


def functioning_mechanism_counts(year: int, district_ids, *, min_quality: int = MIN_QUALITY) -> dict[int, int]:
    """For each of `district_ids` assessed in `year`: how many different mechanisms functioned there (held,
    with diverse representation, meeting `min_quality` of the four quality criteria). A mechanism assessed
    twice in a year counts once; assessments of other years do not count. One query."""
    functioning = Q(held=True, diverse_representation=True, quality__gte=min_quality)
    rows = (with_quality(MechanismAssessment.objects.filter(year=year, district_id__in=list(district_ids)))
            .order_by().values("district_id")
            .annotate(n=Count("mechanism", filter=functioning, distinct=True)))
    return {row["district_id"]: row["n"] for row in rows}


def representatives_at_authority_events(start: dt.date, end: dt.date) -> list[dict]:
    """The distinct representatives who attended, from `start` to `end`, an event with authorities present,
    each once, with what indicators are broken down by: dicts of `pk`, `sex`, `birth_year`, `indigenous`,
    `disability` and their CBO's `province_id`, `district_id` and `cbo_type`. One query."""
    attended = Attendance.objects.filter(event__date__range=(start, end), event__authorities_present=True)
    people = (Representative.objects.filter(pk__in=attended.values("representative_id")).order_by()
              .values_list("pk", "sex", "birth_year", "indigenous", "disability", "cbo__province_id",
                           "cbo__district_id", "cbo__type"))
    keys = ("pk", "sex", "birth_year", "indigenous", "disability", "province_id", "district_id", "cbo_type")
    return [dict(zip(keys, row, strict=True)) for row in plain_rows(people)]


def plain_rows(queryset) -> list[tuple]:
    """The rows of a values_list queryset as the database gives them, without Django's converters, which
    for 15,000 representatives took twice as long as the query (yes/no columns stay 0/1 on SQLite: read
    them as true or false, never compare them with True)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def event_participant_rows(start: dt.date, end: dt.date, types=()) -> list[dict]:
    """The events from `start` to `end` (of `types`, if any) with their reported participant counts: dicts
    of `pk`, `type`, `province_id`, `district_id`, `participants_total`, `participants_female`,
    `participants_youth`, `participants_indigenous`, `participants_disability`. One query."""
    events = Event.objects.filter(date__range=(start, end))
    if types:
        events = events.filter(type__in=list(types))
    return list(events.order_by().values(
        "pk", "type", "province_id", "district_id", "participants_total", "participants_female",
        "participants_youth", "participants_indigenous", "participants_disability"))


def cbos_raising_issues_at_events(start: dt.date, end: dt.date) -> list[dict]:
    """The CBOs with at least one issue raised at an event from `start` to `end`, each once: dicts of
    `pk`, `province_id`, `district_id`, `cbo_type`. One query."""
    through = Event.issues_raised.through.objects.filter(event__date__range=(start, end))
    return list(CBO.objects.filter(pk__in=through.values("issue__cbo_id")).order_by()
                .values("pk", "province_id", "district_id", cbo_type=F("type")))


def event_records(user, pks: list[int], *, offset: int = 0, limit: int = PER_PAGE) -> tuple[int, list[Event]]:
    """Of the events `pks`, how many `user` may see, and those from `offset` to `offset + limit` in primary
    key order. Two queries at most: the ids in scope are read as a set and compared in Python."""
    scope = event_scope(user)
    visible = set(pks)
    if scope:
        visible &= set(Event.objects.filter(scope).values_list("pk", flat=True))
    page = sorted(visible)[offset:offset + limit]
    events = Event.objects.filter(pk__in=page).select_related("province", "district").order_by("pk") if page else []
    return len(visible), list(events)


# The vocabularies other apps may read (results checks its parameters with them), so that they need not
# reach into this app's models.
EventType = Event.Type


# ---- notices (for notifications, which listens to signals.event_notice_sent) ---------------------------------


@dataclass(frozen=True)
class EventNotice:
    """What an event's notice says, and to which CBOs: no person's data (the recipients are the CBOs'
    representatives, whom the listener finds itself)."""

    pk: int
    event_id: str
    type: str
    title: str
    title_km: str
    date: dt.date
    places: tuple[Place, ...]  # commune, district, province: the ones given, smallest first
    invited_cbo_ids: tuple[int, ...]
    notice_sent_at: dt.datetime | None

    def type_label(self) -> str:
        """The type in words, in the active language."""
        return str(Event.Type(self.type).label)


def event_notice(event_pk: int) -> EventNotice | None:
    """The notice of an event by primary key (None: no such event). Nothing here limits it to what a user may
    see: it goes to the invited CBOs, whom staff in scope chose."""
    event = Event.objects.select_related("province", "district", "commune").filter(pk=event_pk).first()
    if event is None:
        return None
    places = tuple(p for p in (event.commune, event.district, event.province) if p is not None)
    invited = tuple(event.invited_cbos.order_by("pk").values_list("pk", flat=True))
    return EventNotice(pk=event.pk, event_id=event.event_id, type=event.type, title=event.title,
                       title_km=event.title_km, date=event.date, places=places, invited_cbo_ids=invited,
                       notice_sent_at=event.notice_sent_at)


def events_to_remind(day: dt.date) -> list[int]:
    """The events on `day` whose notice was sent, by primary key: the reminder the day before follows a notice."""
    return list(Event.objects.filter(date=day, notice_sent_at__isnull=False).order_by("pk")
                .values_list("pk", flat=True))


def invited_cbos(user, event: Event) -> list[CBO]:
    """The CBOs invited to `event` that `user` may see (the event's page and form)."""
    return list(event.invited_cbos.filter(cbo_scope(user)).order_by("cbo_id"))
