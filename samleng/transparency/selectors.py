"""Reads of transparency: what was disclosed about land concessions and procurement projects. The two
`*_disclosure` functions feed the indicators (results reads them through this module only); the others
feed the staff pages and the results drill-down. Every function runs a fixed number of queries, whatever
the number of rows."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower, Trim
from django.utils.translation import gettext as _

from samleng.core import search
from samleng.core.khmer import normalize
from samleng.places.models import Office, Place
from samleng.transparency import clock
from samleng.transparency.models import (
    ElcDisclosure,
    ElcItem,
    ElcReport,
    InformationRequest,
    LandConcession,
    ProcurementBuyerYear,
    ProcurementDisclosure,
    ProcurementItem,
    ProcurementProject,
    RequestEvent,
    RequestEventKind,
    RequestFile,
    RequestFileKind,
    RequestStatus,
    RequestTopic,
)

OfficeLevel = Office.Level  # for the indicators' breakdowns (results reads transparency through its selectors)

PAGE_SIZE = 50
#: Primary keys asked for in one query by the drill-down readers: well under every database's limit on
#: query parameters (old SQLite builds allow 999), whatever the number of records behind an indicator.
_PKS_PER_QUERY = 500


def _known_items(items: Iterable[str], vocabulary) -> list[str]:
    """`items` without repeats, in the order given. An unknown item is a mistake of the caller (a typo in an
    indicator's parameters would otherwise count nothing, silently): it raises ValueError."""
    chosen = list(dict.fromkeys(items))
    unknown = [item for item in chosen if item not in vocabulary.values]
    if unknown:
        raise ValueError(f"unknown disclosure items: {', '.join(map(str, unknown))} "
                         f"(known: {', '.join(vocabulary.values)})")
    return chosen


# --- for the indicators (results.computations) -------------------------------------------------------------

def concessions_disclosure(*, by: dt.date, items: Iterable[str]) -> list[tuple[int, str, bool]]:
    """Every tracked concession as (pk, province code, whether at least one of `items` was disclosed on or
    before `by`), ordered by pk. Untracked concessions are left out. One query."""
    chosen = _known_items(items, ElcItem)
    if chosen:
        disclosed = Exists(ElcDisclosure.objects.filter(
            concession=OuterRef("pk"), item__in=chosen, disclosed_on__lte=by,
        ))
    else:
        disclosed = Value(False)  # "at least one of no items" is never true
    rows = (LandConcession.objects.filter(tracked=True).annotate(disclosed=disclosed)
            .order_by("pk").values_list("pk", "province__code", "disclosed"))
    return [(pk, code, bool(flag)) for pk, code, flag in rows]


def buyer_key(buyer: str) -> str:
    """How buyer names are compared: trimmed (inner spaces single, Khmer normalised) and lower-cased."""
    return normalize(buyer).lower()


def procurement_disclosure(
    *, fiscal_year: int, items: Iterable[str], buyers: Iterable[str] | None = None,
) -> list[tuple[int, str, bool]]:
    """Every procurement project of `fiscal_year` (of `buyers` if any is given, compared by buyer_key) as
    (pk, buyer, whether every one of `items` was disclosed, on any date), ordered by pk. Spellings of one
    buyer that buyer_key makes equal ("MoEYS", " moeys ") come out as the first one seen, so that they make
    one group. With no items, every project counts as disclosed ("every one of none"). Two queries: the
    projects, then those with all the items (a grouped count over the disclosures of that year's projects)."""
    chosen = _known_items(items, ProcurementItem)
    wanted = {buyer_key(b) for b in buyers or () if buyer_key(b)}
    keys: dict[str, str] = {}  # spelling -> its key; a year has a few hundred buyers, not 20,000
    shown: dict[str, str] = {}  # key -> the first spelling seen
    rows = []
    for pk, buyer in (ProcurementProject.objects.filter(fiscal_year=fiscal_year).order_by("pk")
                      .values_list("pk", "buyer")):
        key = keys.get(buyer)
        if key is None:
            key = keys[buyer] = buyer_key(buyer)
        if not wanted or key in wanted:
            rows.append((pk, shown.setdefault(key, buyer.strip())))
    if not rows or not chosen:
        return [(pk, buyer, True) for pk, buyer in rows]
    # (project, item) is unique, so counting the rows counts the distinct items.
    complete = set(
        ProcurementDisclosure.objects.filter(project__fiscal_year=fiscal_year, item__in=chosen)
        .values("project_id").annotate(n=Count("pk")).filter(n=len(chosen)).values_list("project_id", flat=True)
    )
    return [(pk, buyer, pk in complete) for pk, buyer in rows]


# --- information requests, for the indicators ------------------------------------------------------------

def requests_overdue(today: dt.date) -> Q:
    """Requests overdue on `today` (clock.Clock.overdue, on the fields the clock keeps): not closed, and a due
    day passed with no answer, or no delivery."""
    no_answer = Q(answered_on__isnull=True, answer_due__lt=today)
    no_delivery = Q(delivery_due__isnull=False, delivery_due__lt=today, delivered_on__isnull=True)
    return Q(closed_on__isnull=True) & (no_answer | no_delivery)


def _overdue_now(today: dt.date) -> Case:
    """requests_overdue(today) as a column of each request (for the lists' order and the API's `overdue`)."""
    return Case(When(requests_overdue(today), then=Value(True)), default=Value(False), output_field=BooleanField())


def _requests(topics: Iterable[str]):
    requests = InformationRequest.objects.order_by("pk")
    chosen = [t for t in topics or () if t in RequestTopic.values]
    return requests.filter(topic__in=chosen) if chosen else requests


def requests_answer_due(start: dt.date, end: dt.date, topics: Iterable[str] = ()) -> list[dict]:
    """The requests whose answer fell due from `start` to `end` (of `topics`, all when none), as dicts of pk,
    topic, office level, answered_on and answer_due. A request withdrawn by its answer's due day without an
    answer is left out: its answer never fell due. One query."""
    withdrawn_early = Q(status=RequestStatus.WITHDRAWN, answered_on__isnull=True, closed_on__lte=F("answer_due"))
    return list(_requests(topics).filter(answer_due__range=(start, end)).exclude(withdrawn_early)
                .values("pk", "topic", "answered_on", "answer_due", level=F("office__level")))


def requests_held_filed(start: dt.date, end: dt.date, topics: Iterable[str] = ()) -> list[dict]:
    """The requests filed from `start` to `end` and answered "held" (of `topics`), as dicts of pk, topic,
    office level, delivered_on, and `partly_by_end`: whether something was partly delivered by `end`. One
    query."""
    partly = RequestEvent.objects.filter(request=OuterRef("pk"), event=RequestEventKind.PARTIALLY_DELIVERED,
                                         date__lte=end)
    return list(_requests(topics).filter(filed_on__range=(start, end), answer="held")
                .annotate(partly_by_end=Exists(partly))
                .values("pk", "topic", "delivered_on", "partly_by_end", level=F("office__level")))


#: How each office's requests are counted on its responsiveness page (results), from the fields the clock keeps
#: on the record: answered by the answer's due day, answered after it, never answered (the due day passed with
#: no answer, the request still open or closed without one), not yet due, and withdrawn without an answer by
#: its due day (requests_answer_due leaves those out: their answer never fell due). Then the deliveries of the
#: requests answered "held": delivered by the delivery's due day, after it, and overdue now (requests_overdue).
def _answer_parts(today: dt.date) -> dict[str, Q]:
    answered, unanswered = Q(answered_on__isnull=False), Q(answered_on__isnull=True)
    withdrawn_early = unanswered & Q(status=RequestStatus.WITHDRAWN, closed_on__lte=F("answer_due"))
    return {
        "on_time": answered & Q(answered_on__lte=F("answer_due")),
        "late": answered & Q(answered_on__gt=F("answer_due")),
        "never": unanswered & Q(answer_due__lt=today) & ~withdrawn_early,
        "not_yet_due": unanswered & (Q(answer_due__gte=today) | Q(answer_due__isnull=True)) & ~withdrawn_early,
        "withdrawn": withdrawn_early,
        "delivered_on_time": Q(delivered_on__isnull=False, delivery_due__isnull=False,
                               delivered_on__lte=F("delivery_due")),
        "delivered_late": Q(delivered_on__isnull=False, delivery_due__isnull=False, delivered_on__gt=F("delivery_due")),
        "delivery_overdue": Q(closed_on__isnull=True, delivered_on__isnull=True, delivery_due__lt=today),
    }


#: The figures of requests_by_office, in the order pages show them.
REQUEST_FIGURES = ("total", "on_time", "late", "never", "not_yet_due", "withdrawn", "delivered_on_time",
                   "delivered_late", "delivery_overdue")


def requests_by_office(scope: Q, offices, *, today: dt.date) -> dict[int, dict[str, int]]:
    """The requests within `scope` (accounts.access.request_scope: the public ones for the anonymous) asked of
    each of `offices` (a queryset of places.Office, used as a subquery), counted as _answer_parts says on
    `today`: {office pk: {figure: n for figure in REQUEST_FIGURES}}; offices with none are left out. The answer
    parts (on_time, late, never, not_yet_due, withdrawn) add up to the total. One query, whatever the number of
    offices."""
    parts = {name: Count("pk", filter=rule) for name, rule in _answer_parts(today).items()}
    rows = (InformationRequest.objects.filter(scope, office__in=offices).order_by().values("office_id")
            .annotate(total=Count("pk"), **parts))
    return {row["office_id"]: {name: row[name] for name in REQUEST_FIGURES} for row in rows}


def requests_by_pks(pks: Iterable[int]) -> list[InformationRequest]:
    """The requests of `pks` ordered by request_id, with their office, for the drill-down of an indicator. One
    query per 500 requests; unknown pks are left out."""
    found = []
    for chunk in _in_chunks(pks):
        found += InformationRequest.objects.filter(pk__in=chunk).select_related("office")
    return sorted(found, key=lambda r: r.request_id)


# --- for the results drill-down ----------------------------------------------------------------------------

def _in_chunks(pks: Iterable[int]) -> list[list[int]]:
    unique = sorted(set(pks))
    return [unique[i:i + _PKS_PER_QUERY] for i in range(0, len(unique), _PKS_PER_QUERY)]


def concessions_by_pks(pks: Iterable[int]) -> list[LandConcession]:
    """The concessions of `pks` ordered by elc_id, with province and district loaded and their disclosures
    prefetched (`c.disclosures.all()`, by date), for the drill-down of an indicator. Two queries per 500
    concessions; unknown pks are left out."""
    found = []
    for chunk in _in_chunks(pks):
        found += (LandConcession.objects.filter(pk__in=chunk).select_related("province", "district")
                  .prefetch_related(Prefetch("disclosures", ElcDisclosure.objects.order_by("disclosed_on", "item"))))
    return sorted(found, key=lambda c: c.elc_id)


def procurement_projects_by_pks(pks: Iterable[int]) -> list[ProcurementProject]:
    """The procurement projects of `pks` ordered by fiscal year, buyer and project_id, with their disclosures
    prefetched (`p.disclosures.all()`, by date), for the drill-down of an indicator. Two queries per 500
    projects; unknown pks are left out."""
    found = []
    for chunk in _in_chunks(pks):
        found += (ProcurementProject.objects.filter(pk__in=chunk).prefetch_related(
            Prefetch("disclosures", ProcurementDisclosure.objects.order_by("disclosed_on", "item"))))
    return sorted(found, key=lambda p: (p.fiscal_year, p.buyer, p.project_id))


# --- for the assistant (it reads transparency through this module only) ----------------------------------------

def procurement_buyers() -> dict[str, tuple[str, list[int]]]:
    """Every buyer with projects, by buyer_key: (its spelling, the fiscal years it has projects in, newest
    first). One query over the buyers' years (a few hundred rows a year)."""
    found: dict[str, tuple[str, list[int]]] = {}
    for buyer, year in (ProcurementBuyerYear.objects.order_by("-fiscal_year", "buyer")
                        .values_list("buyer", "fiscal_year").distinct()):
        _spelling, years = found.setdefault(buyer_key(buyer), (buyer.strip(), []))
        if year not in years:
            years.append(year)
    return found


def procurement_buyer_year(name: str, fiscal_year: int):
    """The buyer named `name` (compared by buyer_key) in the public ranking of `fiscal_year`, as its page shows
    it (transparency.procurement.BuyerRow: projects, items disclosed, score, rank), and how many buyers that
    year has; (None, count) when it has no project that year. Two queries."""
    from samleng.transparency import procurement  # which reads this module: imported when called

    rows = procurement.buyer_ranking(fiscal_year)
    key = buyer_key(name)
    return next((row for row in rows if row.key == key), None), len(rows)


def procurement_project_get(project_id: str) -> ProcurementProject | None:
    """A procurement project by its project_id (exactly, or without case), its disclosures prefetched (for
    procurement_items). Two queries."""
    projects = ProcurementProject.objects.prefetch_related("disclosures")
    return (projects.filter(project_id=project_id).first()
            or projects.filter(project_id__iexact=project_id).first())


def concession_get(elc_id: str = "", *, pk: int | None = None) -> LandConcession | None:
    """A land concession by its elc_id (without case) or pk, with its province, district and disclosures (for
    concession_items). Two queries."""
    concessions = LandConcession.objects.select_related("province", "district").prefetch_related("disclosures")
    return (concessions.filter(pk=pk) if pk is not None else concessions.filter(elc_id__iexact=elc_id)).first()


def concession_names() -> list[tuple[int, str, str]]:
    """Every land concession as (pk, elc_id, what a question may name it by: its names, company, crop, and its
    district's and province's names in both languages), by elc_id. One query."""
    fields = ("name", "name_km", "company", "crop", "district__name_en", "district__name_km", "province__name_en",
              "province__name_km")
    return [(pk, elc_id, " ".join(n for n in names if n)) for pk, elc_id, *names in
            LandConcession.objects.order_by("elc_id").values_list("pk", "elc_id", *fields)]


# --- for the staff pages -----------------------------------------------------------------------------------

class ConcessionFilters(TypedDict, total=False):
    province: Place | None
    tracked: bool | None
    q: str


class ProcurementFilters(TypedDict, total=False):
    buyer: str
    fiscal_year: int | None
    q: str


def _paged(queryset, page, per_page: int) -> Page:
    result = Paginator(queryset, per_page).get_page(page)
    result.object_list = list(result.object_list)
    return result


def _count_of(disclosures, to: str) -> Coalesce:
    """How many disclosures a record has: a subquery per row of the page rather than a grouped join, which
    would count the disclosures of every record the filters keep before the page is cut."""
    counted = disclosures.filter(**{to: OuterRef("pk")}).order_by().values(to).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def procurement_list(filters: ProcurementFilters | None = None, page: int | str = 1, *,
                     per_page: int = PAGE_SIZE) -> Page:
    """Procurement projects, newest fiscal year first, then by buyer and project_id, filtered, a page of
    them, each with `disclosed_count` (how many of the seven items were disclosed). Two queries."""
    filters = filters or {}
    projects = ProcurementProject.objects.all()
    if filters.get("fiscal_year"):
        projects = projects.filter(fiscal_year=filters["fiscal_year"])
    if filters.get("buyer"):
        projects = (projects.alias(trimmed_buyer=Lower(Trim("buyer")))
                    .filter(trimmed_buyer=filters["buyer"].strip().lower()))
    if filters.get("q"):
        projects = search.filter(projects, filters["q"])  # its ids and titles (transparency.indexing)
    projects = projects.annotate(disclosed_count=_count_of(ProcurementDisclosure.objects, "project"))
    return _paged(projects.order_by("-fiscal_year", "buyer", "project_id"), page, per_page)


def procurement_filter_choices() -> dict:
    """The buyers (trimmed, each once whatever its case) and fiscal years that projects have, for the
    filters of the list. Two queries."""
    buyers: dict[str, str] = {}
    for buyer in (ProcurementProject.objects.annotate(trimmed=Trim("buyer")).order_by("trimmed")
                  .values_list("trimmed", flat=True).distinct()):
        buyers.setdefault(buyer_key(buyer), normalize(buyer))
    years = (ProcurementProject.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
             .distinct())
    return {"buyers": sorted(buyers.values(), key=str.lower), "years": list(years)}


@dataclass
class ItemRow:
    """One item of the vocabulary on a concession's or project's page: disclosed or not, when, where."""

    item: str
    label: str
    disclosure: ElcDisclosure | ProcurementDisclosure | None

    @property
    def disclosed(self) -> bool:
        return self.disclosure is not None

    @property
    def source_link(self) -> str:
        """The source when it is a web address, to be shown as a link (and never a javascript: one)."""
        source = self.disclosure.source if self.disclosure else ""
        return source if source.lower().startswith(("https://", "http://")) else ""


def _item_rows(vocabulary, disclosures) -> list[ItemRow]:
    by_item = {d.item: d for d in disclosures}
    return [ItemRow(item=value, label=label, disclosure=by_item.get(value)) for value, label in vocabulary.choices]


def concession_items(concession: LandConcession) -> list[ItemRow]:
    """The six items of a concession in the vocabulary's order, each with its disclosure or None. One query."""
    return _item_rows(ElcItem, concession.disclosures.all())


def procurement_items(project: ProcurementProject) -> list[ItemRow]:
    """The seven items of a procurement project in the vocabulary's order, each with its disclosure or None.
    One query."""
    return _item_rows(ProcurementItem, project.disclosures.all())


# --- land concessions whose sources disagree -----------------------------------------------------------------

#: Sources that give areas further apart than this (the largest over the smallest, less one) disagree.
AREA_TOLERANCE = Decimal("0.05")
_COMPANY_WORDS = re.compile(r"\b(co|company|ltd|limited|plc|inc|corporation|corp|group|the)\b")


@dataclass
class Disagreement:
    """What the sources of a concession say differently: `field` ("area_ha", "developer") and each source's
    figure, as (source, value)."""

    field: str
    figures: list[tuple[str, str]]


def _company_key(name: str) -> str:
    words = re.sub(r"[^\w]+", " ", normalize(name).casefold())
    return " ".join(_COMPANY_WORDS.sub(" ", words).split())


def concession_disagreements(concession: LandConcession, reports: Iterable[ElcReport]) -> list[Disagreement]:
    """Where the concession's own figures (from its `source`) and its reports disagree: areas more than 5%
    apart, developers that are not the same company (compared without case, punctuation and words such as
    "Co., Ltd.")."""
    own = concession.source or str(_("the concession's record"))
    areas = ([(own, concession.area_ha)] if concession.area_ha else []) + [
        (r.source, r.area_ha) for r in reports if r.area_ha]
    developers = ([(own, concession.company)] if concession.company else []) + [
        (r.source, r.developer) for r in reports if r.developer]
    found = []
    if len(areas) > 1:
        smallest, largest = min(a for _, a in areas), max(a for _, a in areas)
        if smallest > 0 and largest / smallest - 1 > AREA_TOLERANCE:
            found.append(Disagreement("area_ha", [(source, f"{area:,.2f}") for source, area in areas]))
    if len({_company_key(d) for _, d in developers}) > 1:
        found.append(Disagreement("developer", list(developers)))
    return found


# --- information requests, for the API and the pages ---------------------------------------------------------

def requests_for_api(scope: Q, *, request_id: str | None = None, office_id: str | None = None,
                     status: str | None = None, overdue: bool | None = None, today: dt.date | None = None,
                     upto: int = 51) -> list[InformationRequest]:
    """The requests within `scope` (accounts.access.request_scope), filtered, newest filed first, at most
    `upto` of them, each with its office (and place), its CBO, its events and `overdue_now`. Three queries."""
    today = today or dt.date.today()
    requests = InformationRequest.objects.filter(scope).annotate(overdue_now=_overdue_now(today))
    if request_id is not None:
        requests = requests.filter(request_id=request_id)
    if office_id:
        requests = requests.filter(office__office_id=office_id)
    if status:
        requests = requests.filter(status=status)
    if overdue is not None:
        requests = requests.filter(overdue_now=overdue)
    return list(requests.select_related("office__place", "on_behalf_of")
                .prefetch_related(Prefetch("events", RequestEvent.objects.order_by("date", "position")))
                .order_by("-filed_on", "request_id")[:upto])


class RequestFilters(TypedDict, total=False):
    status: str
    topic: str
    office: str
    overdue: bool | None
    due_within: int | None


def request_list(scope: Q, filters: RequestFilters | None = None, page: int | str = 1, *, today: dt.date,
                 per_page: int = PAGE_SIZE) -> Page:
    """The requests within `scope`, filtered, overdue first, then open before closed, then by the day their
    answer fell due; each with its office (and place) and `overdue_now`. Two queries (count and page)."""
    filters = filters or {}
    requests = InformationRequest.objects.filter(scope)
    if filters.get("status"):
        requests = requests.filter(status=filters["status"])
    if filters.get("topic"):
        requests = requests.filter(topic=filters["topic"])
    if filters.get("office"):
        requests = requests.filter(office__office_id=filters["office"].strip())
    requests = requests.annotate(overdue_now=_overdue_now(today))
    if filters.get("overdue") is not None:
        requests = requests.filter(overdue_now=filters["overdue"])
    if filters.get("due_within"):
        until = today + dt.timedelta(days=filters["due_within"])
        requests = requests.filter(Q(closed_on__isnull=True) & (
            Q(answered_on__isnull=True, answer_due__range=(today, until))
            | Q(delivered_on__isnull=True, delivery_due__range=(today, until))))
    # The page's keys are sorted first, without the joins and the long columns (sorting 10,000 whole rows
    # with their office and place took SQLite 4-5 times as long); then the page's 50 rows are read.
    ordered = requests.order_by("-overdue_now", F("closed_on").asc(nulls_first=True), "answer_due", "request_id")
    result = _paged(ordered.values_list("pk", flat=True), page, per_page)
    rows = InformationRequest.objects.filter(pk__in=result.object_list).select_related("office__place").annotate(
        overdue_now=_overdue_now(today)).in_bulk()
    result.object_list = [rows[pk] for pk in result.object_list]
    return result


# --- the public concession pages -----------------------------------------------------------------------------

def concessions_by_province(filters: ConcessionFilters | None = None, page: int | str = 1, *,
                            per_page: int = PAGE_SIZE) -> Page:
    """Land concessions by province (its code), then by name, filtered, a page of them, each with its province
    and district, `items` (concession_items), `disclosed` (the items disclosed, in the vocabulary's order) and
    `disagreements` (concession_disagreements). Four queries (count, page, disclosures, reports)."""
    filters = filters or {}
    concessions = LandConcession.objects.select_related("province", "district")
    if filters.get("province"):
        concessions = concessions.filter(province=filters["province"])
    if filters.get("tracked") is not None:
        concessions = concessions.filter(tracked=filters["tracked"])
    if filters.get("q"):
        concessions = search.filter(concessions, filters["q"])  # its id, names, company (transparency.indexing)
    concessions = concessions.prefetch_related(
        Prefetch("disclosures", ElcDisclosure.objects.order_by("disclosed_on", "item")),
        Prefetch("reports", ElcReport.objects.order_by("source")),
    ).order_by("province__code", "name", "elc_id")
    result = _paged(concessions, page, per_page)
    for concession in result.object_list:
        concession.items = concession_items(concession)
        concession.disclosed = [row for row in concession.items if row.disclosed]
        concession.disagreements = concession_disagreements(concession, concession.reports.all())
    return result


def web_address(text: str) -> str:
    """`text` when it is a web address, to be shown as a link (never a javascript: one), else ""."""
    return text if text.lower().startswith(("https://", "http://")) else ""


@dataclass
class SourceRow:
    """What one source says about a concession: its own record (`own`, from its `source`) or an ElcReport."""

    source: str
    own: bool
    reported_on: dt.date | None
    area_ha: Decimal | None
    developer: str
    sub_decree: str
    note: str

    @property
    def link(self) -> str:
        return web_address(self.source)


def concession_sources(concession: LandConcession, reports: Iterable[ElcReport]) -> list[SourceRow]:
    """What each source says about a concession, side by side: its own record first (as the concession's
    `source` gives it), then its `reports` in the order given. No query."""
    rows = [SourceRow(source=concession.source, own=True, reported_on=None, area_ha=concession.area_ha,
                      developer=concession.company, sub_decree=concession.sub_decree, note="")]
    rows += [SourceRow(source=r.source, own=False, reported_on=r.reported_on, area_ha=r.area_ha,
                       developer=r.developer, sub_decree=r.sub_decree, note=r.note)
             for r in reports]
    return rows


# --- the calendar of what falls due ----------------------------------------------------------------------------

@dataclass
class DueEntry:
    """A request's answer or delivery (`kind`) falling due: its Due (the day and how it was computed), the day
    it was done if it was, and whether it is overdue today."""

    request: InformationRequest
    kind: str  # "answer" or "delivery"
    due: clock.Due
    done_on: dt.date | None
    overdue: bool

    @property
    def day(self) -> dt.date:
        return self.due.day

    @cached_property
    def explained(self) -> str:  # shown twice (the link's title, the text): its holidays looked up once
        return self.due.explained()


def _due_entries(requests, *, calendar, today: dt.date, start: dt.date | None = None,
                 end: dt.date | None = None, overdue_only: bool = False) -> list[DueEntry]:
    """The due days of `requests` (a queryset), from each one's clock computed again from its events so that
    every day can say how it was computed; those from `start` to `end`, or those overdue `today`. Two queries:
    the requests with their offices, and their events as plain rows (thousands of them in a busy month)."""
    found = list(requests.select_related("office__place"))
    events: dict[int, list[clock.Event]] = {}
    # The same requests as a subquery rather than their keys: a busy month may hold more than old SQLite builds
    # take as parameters of one query.
    for request_id, day, name in (RequestEvent.objects.filter(request__in=requests.values("pk"))
                                  .order_by("request_id", "date", "position", "pk")
                                  .values_list("request_id", "date", "event")) if found else ():
        events.setdefault(request_id, []).append(clock.Event(day, name))
    entries = []
    for request in found:
        computed = clock.request_clock(request.filed_on, events.get(request.pk, []), calendar)
        for kind, due, done_on in (("answer", computed.answer_due, computed.answered_on),
                                   ("delivery", computed.delivery_due, computed.delivered_on)):
            if due is None:
                continue
            late = done_on is None and not computed.closed_by(today) and due.day < today
            if overdue_only and not late:
                continue
            if start is not None and not start <= due.day <= end:
                continue
            entries.append(DueEntry(request=request, kind=kind, due=due, done_on=done_on, overdue=late))
    return sorted(entries, key=lambda e: (e.day, e.request.request_id, e.kind))


def requests_falling_due(scope: Q, *, start: dt.date, end: dt.date, today: dt.date, calendar) -> list[DueEntry]:
    """The answer and delivery due days from `start` to `end` of the requests within `scope`, by day, each with
    how it was computed (`calendar`: services.request_calendar()). Two queries (the requests with their
    offices, their events)."""
    requests = InformationRequest.objects.filter(scope).filter(
        Q(answer_due__range=(start, end)) | Q(delivery_due__range=(start, end)))
    return _due_entries(requests, calendar=calendar, today=today, start=start, end=end)


def requests_overdue_due(scope: Q, *, today: dt.date, calendar, upto: int = 50) -> tuple[list[DueEntry], int]:
    """The due days passed without an answer or delivery of the requests within `scope` that are overdue
    `today` (the longest overdue first, at most `upto` requests), and how many requests are overdue. Three
    queries (count, requests, events)."""
    overdue = InformationRequest.objects.filter(scope).filter(requests_overdue(today))
    count = overdue.count()
    if not count:
        return [], 0
    first = overdue.order_by("answer_due", "request_id")[:upto]
    return _due_entries(first, calendar=calendar, today=today, overdue_only=True), count


def request_files(found: InformationRequest, *, sees_all: bool, is_office: bool) -> list[RequestFile]:
    """The files of a request a reader may see: staff in scope all of them (the letter, and the office's files
    waiting for them); the office asked the answer and documents confirmed, and its own uploads; anyone else
    who sees the request the answer and the documents once confirmed (never the letter)."""
    files = found.files.all()
    if sees_all:
        return list(files)
    shown = Q(confirmed=True, kind__in=[RequestFileKind.ANSWER, RequestFileKind.DOCUMENT])
    return list(files.filter(shown | Q(from_office=True)) if is_office else files.filter(shown))
