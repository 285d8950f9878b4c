"""Writing the programme workbook: the records as an .xlsx file (openpyxl, write-only: rows stream to the
file) or as a folder (or .zip) of .csv files, in the spec's sheets and columns, ids as keys, places as
codes, dates ISO, yes/no as words. Importing an export again changes nothing.

Phones and Telegram ids are personal: they are exported only when asked for, by a user allowed to see
everyone's (admin, M&E officer), and the export is written to the audit log. Without them the phone and
telegram columns are left out altogether, so that importing the file again keeps the stored numbers.

`scoped=True` (the upload page's "what I may see") limits the export to what the user may see: a field officer
gets the records of their provinces and none of the programme-wide sheets. Every export that holds
representatives (their names are personal) is written to the audit log, from the web or the command line."""

from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery

from samleng.advocacy.models import Issue, IssueUpdate
from samleng.cbos.models import CBO, Representative
from samleng.core.audit import Action, audit_record
from samleng.core.workbook.cells import figure_text, parts_text, yes_no_text
from samleng.core.workbook.writer import workbook_writer
from samleng.engagement.models import Attendance, Event, MechanismAssessment, TargetArea, UpdateAtEvent
from samleng.imports.kinds import PROGRAMME_KIND
from samleng.places.sheets import office_export_rows
from samleng.plans.sheets import export_sheets as plan_sheets
from samleng.results.models import Indicator, Programme, ReportedValue
from samleng.stories.sheets import export_sheets as story_sheets
from samleng.transparency.models import (
    DeclaredHoliday,
    ElcDisclosure,
    ElcReport,
    InformationRequest,
    LandConcession,
    ProcurementDisclosure,
    ProcurementProject,
    RequestEvent,
)

_CHUNK = 5000


def may_export_personal(user) -> bool:
    """Phones and Telegram ids of every representative: only for those who may see everyone's."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.sees_everything)


def workbook_export(path, *, user=None, personal: bool = False, programme_code: str | None = None,
                    scoped: bool = False) -> dict[str, int]:
    """Write every record to the programme workbook at `path`: an .xlsx file, a .zip of .csv files, or else
    a folder of .csv files (created if need be). `personal` adds phones and Telegram ids (PermissionDenied
    unless `user` may export them). Target areas are those of `programme_code`; when it is not given, of
    the only programme there is (ValueError when there are several). `scoped`: only what `user` may see.
    Returns the rows written per sheet."""
    if personal and not may_export_personal(user):
        raise PermissionDenied("Only an administrator or an M&E officer may export phones and Telegram ids.")
    code = _programme_code(programme_code)
    provinces = _provinces(user) if scoped else None
    path = Path(path)
    writer = workbook_writer(path)
    counts = {}
    with writer:
        for name, header, rows in _sheets(code, personal, provinces):
            counts[name] = writer.sheet(name, header, rows)
    if personal:
        audit_record(user=user, action=Action.EXPORT_PERSONAL, object_type="cbos.representative",
                     summary=f"programme workbook {path.name} exported with the phones and Telegram ids of "
                             f"{counts.get('representatives', 0)} representatives")
    elif counts.get("representatives"):  # their names: personal, on the web and on the command line alike
        audit_record(user=user, action=Action.EXPORT_PERSONAL, object_type="cbos.representative",
                     summary=f"programme workbook {path.name} exported with the names of "
                             f"{counts['representatives']} representatives")
    return counts


def _provinces(user) -> list[int] | None:
    """The provinces whose records `user` may export: None for all (those who see everything)."""
    if user is not None and getattr(user, "sees_everything", False):
        return None
    return list(user.provinces.values_list("pk", flat=True)) if user is not None else []


def _programme_code(asked: str | None) -> str:
    if asked is not None:
        return asked
    codes = sorted(set(TargetArea.objects.values_list("programme_code", flat=True))
                   | set(Programme.objects.values_list("code", flat=True)))
    if len(codes) > 1:
        raise ValueError(f"Several programmes have target areas ({', '.join(codes)}): say which to export.")
    return codes[0] if codes else ""


def _in(queryset, field: str, provinces: list[int] | None):
    """The records of `provinces` (all when None), `field` leading to the province."""
    return queryset if provinces is None else queryset.filter(**{f"{field}__in": provinces})


def _sheets(code: str, personal: bool, provinces: list[int] | None = None):
    """(sheet name, header, rows) in the spec's order; rows are generators read in chunks. With
    `provinces`, only their records, and none of the sheets that belong to no province."""
    sheets = {sheet.name: sheet for sheet in PROGRAMME_KIND.sheets}
    if code:
        yield "programme", ["key", "value"], _programme(code)
    areas = _in(TargetArea.objects.filter(programme_code=code), "district__parent_id", provinces).order_by(
        "district__code", "from_year")
    yield "target_areas", sheets["target_areas"].names, _values(
        areas, "district__code", "district__parent__code", "from_year", "to_year")
    yield "cbos", sheets["cbos"].names, _values(
        _in(CBO.objects, "province_id", provinces).order_by("cbo_id"), "cbo_id", "name_en", "name_km", "type",
        "province__code", "district__code", "commune__code", "village__code", "established_on", "members_total",
        "members_female", "committee_total", "committee_female", "area_ha", "joined_on")
    people = [c for c in sheets["representatives"].names if personal or c not in ("phone", "telegram")]
    fields = {"cbo_id": "cbo__cbo_id"}
    # People who were forgotten keep only what counts are made of: they are no row of this sheet (their
    # attendance still names their person_id, which the database knows).
    yield "representatives", people, _values(
        _in(Representative.objects.filter(forgotten_on__isnull=True), "cbo__province_id", provinces).order_by(
            "person_id"),
        *(fields.get(c, c) for c in people))
    yield "issues", sheets["issues"].names, _values(
        _in(Issue.objects, "cbo__province_id", provinces).order_by("issue_id"), "issue_id", "cbo__cbo_id",
        "title_en", "title_km", "topic", "description", "duty_bearer_level", "duty_bearer__office_id", "raised_on",
        "is_main", "households_affected", "people_affected", "people_affected_female", "description_km",
        "duty_bearer__name_km")
    # Only confirmed updates: one a representative posted and staff have not confirmed is not yet a fact. The
    # event where each was recorded is engagement's link to it (UpdateAtEvent).
    at_event = UpdateAtEvent.objects.filter(update_id=OuterRef("pk")).values("event__event_id")[:1]
    yield "issue_updates", sheets["issue_updates"].names, _values(
        _in(IssueUpdate.objects.filter(confirmed=True), "issue__cbo__province_id", provinces).annotate(
            at_event=Subquery(at_event)).order_by("issue__issue_id", "date", "id"), "issue__issue_id",
        "date", "status", "note", "note_km", "evidence", "at_event", "people_benefited", "people_benefited_female")
    yield "events", sheets["events"].names, _events(provinces)
    # Who attended: the events and the people both of the provinces (a person of another province stays unnamed).
    attendance = _in(_in(Attendance.objects, "event__province_id", provinces), "representative__cbo__province_id",
                     provinces)
    yield "attendance", sheets["attendance"].names, _values(
        attendance.order_by("event__event_id", "representative__person_id"), "event__event_id",
        "representative__person_id", "spoke")
    yield "mechanism_assessments", sheets["mechanism_assessments"].names, _values(
        _in(MechanismAssessment.objects, "district__parent_id", provinces).order_by("district__code", "year",
                                                                                    "mechanism"), "district__code",
        "district__parent__code", "year", "mechanism", "held", "diverse_representation", "notice_given",
        "minutes_shared", "questions_answered", "follow_up_done")
    if provinces is not None:  # the rest belongs to no province: for those who see everything
        yield from plan_sheets(provinces)
        yield from story_sheets(provinces)
        return
    yield "land_concessions", sheets["land_concessions"].names, _values(
        LandConcession.objects.order_by("elc_id"), "elc_id", "name", "company", "province__code", "district__code",
        "area_ha", "granted_on", "tracked", "name_km", "investor_country", "crop", "sub_decree", "original_area_ha",
        "adjustment", "data_class", "source")
    yield "elc_disclosures", sheets["elc_disclosures"].names, _values(
        ElcDisclosure.objects.order_by("concession__elc_id", "item"), "concession__elc_id", "item", "disclosed_on",
        "source")
    yield "procurement_projects", sheets["procurement_projects"].names, _values(
        ProcurementProject.objects.order_by("project_id"), "project_id", "buyer", "title", "title_km", "fiscal_year",
        "method", "value_khr", "ocid")
    yield "procurement_disclosures", sheets["procurement_disclosures"].names, _values(
        ProcurementDisclosure.objects.order_by("project__project_id", "item"), "project__project_id", "item",
        "disclosed_on", "source")
    yield "elc_reports", sheets["elc_reports"].names, _values(
        ElcReport.objects.order_by("concession__elc_id", "source"), "concession__elc_id", "source", "reported_on",
        "area_ha", "developer", "sub_decree", "note")
    yield "offices", sheets["offices"].names, office_export_rows()
    yield "information_requests", sheets["information_requests"].names, _requests()
    yield "request_events", sheets["request_events"].names, _values(
        RequestEvent.objects.order_by("request__request_id", "date", "position"), "request__request_id", "date",
        "event", "fee_khr", "note", "note_km", "evidence")
    yield "holidays", sheets["holidays"].names, _values(
        DeclaredHoliday.objects.order_by("date"), "date", "name_en", "name_km", "working")
    yield "indicators", sheets["indicators"].names, _indicators(code)
    yield "reported_values", sheets["reported_values"].names, _reported_values(code)
    yield from plan_sheets()
    yield from story_sheets()


def _requests() -> Iterator[tuple]:
    """The information_requests rows: the office asked by its office_id (its level and place are the office's),
    the CBO a request was filed for by its cbo_id."""
    for row in InformationRequest.objects.order_by("request_id").values_list(
            "request_id", "office__office_id", "office__level", "office__place__code", "subject_en", "subject_km",
            "topic", "filed_on", "channel", "on_behalf_of__cbo_id", "public"):
        request_id, office_id, level, place_code, *rest = row
        codes = _place_codes(place_code)
        yield (request_id, office_id, level, *codes, *rest)


def _place_codes(code: str | None) -> tuple[str, str, str]:
    """A commune's code as its (province, district, commune) codes; a district's or province's as far as
    it goes."""
    code = code or ""
    return code[:2], code[:4] if len(code) >= 4 else "", code[:6] if len(code) >= 6 else ""


def _programme(code: str) -> Iterator[tuple]:
    """The key/value rows of the programme sheet: the code alone for a programme Samleng does not hold."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        yield ("code", code)
        return
    yield ("name", programme.name)
    yield ("code", code)
    yield ("donors", programme.donors)
    yield ("start", programme.start)
    yield ("end", programme.end)
    yield ("name_km", programme.name_km)


def parameters_text(parameters: dict) -> str:
    """An indicator's parameters as the workbook writes them: key=value pairs separated by `;`, lists of
    words separated by commas (an empty list, meaning all, as `all`), yes/no as words."""
    def value_text(value) -> str:
        if isinstance(value, bool):
            return yes_no_text(value)
        if isinstance(value, (list, tuple)):
            return ",".join(str(v) for v in value) or "all"
        return str(value)

    return ";".join(f"{key}={value_text(value)}" for key, value in (parameters or {}).items())


def _indicators(code: str) -> Iterator[tuple]:
    indicators = Indicator.objects.filter(programme__code=code).select_related(
        "outcome", "outcome__parent").order_by("code")
    for i in indicators:
        outcome = i.outcome
        parent = outcome.parent if outcome else None
        yield (i.code, outcome.code if outcome else "", i.statement_en, i.unit, figure_text(i.baseline),
               i.baseline_year, figure_text(i.target), i.target_year, i.computation, parameters_text(i.parameters),
               i.statement_km, outcome.statement_en if outcome else "", outcome.statement_km if outcome else "",
               i.direction, i.cumulative, i.baseline_numerator, i.baseline_denominator, i.means_of_verification,
               outcome.kind if outcome else "", parent.code if parent else "")


def _reported_values(code: str) -> Iterator[tuple]:
    # The value as the report printed it: "7.06" keeps its two decimals, "45" none (text, not a number cell,
    # so that a spreadsheet does not drop the zeros of "45.0").
    values = ReportedValue.objects.filter(indicator__programme__code=code).select_related("indicator").order_by(
        "indicator__code", "period")
    for v in values:
        yield (v.indicator.code, v.period, figure_text(v.value, v.decimals), v.narrative, v.numerator, v.denominator,
               parts_text(v.breakdown), v.source)


def _values(queryset, *fields) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=_CHUNK)


def _events(provinces: list[int] | None = None) -> Iterator[tuple]:
    raised: dict[int, list[str]] = {}
    links = _in(Event.issues_raised.through.objects, "issue__cbo__province_id", provinces)
    for event_pk, issue_id in links.order_by("issue__issue_id").values_list(
            "event_id", "issue__issue_id").iterator(chunk_size=_CHUNK):
        raised.setdefault(event_pk, []).append(issue_id)
    events = _in(Event.objects, "province_id", provinces).order_by("event_id").values_list(
        "pk", "event_id", "type", "title", "date", "province__code", "district__code", "commune__code",
        "authorities_present", "participants_total", "participants_female", "participants_youth",
        "participants_indigenous", "participants_disability", "title_km")
    invited: dict[int, list[str]] = {}  # format 1.2: the CBOs invited (of the exporter's provinces when scoped)
    invitations = _in(Event.invited_cbos.through.objects, "cbo__province_id", provinces)
    for event_pk, cbo_id in invitations.order_by("cbo__cbo_id").values_list("event_id", "cbo__cbo_id").iterator(
            chunk_size=_CHUNK):
        invited.setdefault(event_pk, []).append(cbo_id)
    for pk, *values, title_km in events.iterator(chunk_size=_CHUNK):
        yield (*values, ";".join(raised.get(pk, ())), title_km, ";".join(invited.get(pk, ())))
