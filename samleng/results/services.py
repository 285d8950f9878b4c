"""Every write of results: the framework (programmes, outcomes, indicators), reported figures, computed
snapshots, narratives and reports. Keyword-only, atomic, audited.

The workbook import writes through `programme_upsert`, `outcome_upsert_many`, `indicator_upsert_many` and
`reported_value_upsert_many` (rows matched on their codes; importing twice changes nothing)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.core.audit import Action, audit_record, changed_fields, created_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.database import allow_parallel_workers
from samleng.core.i18n import local_text
from samleng.core.khmer import normalize
from samleng.results.computations import computation_check, compute
from samleng.results.models import Indicator, Narrative, Outcome, Programme, Report, ReportedValue, Snapshot
from samleng.results.rules import fraction_fits
from samleng.results.types import Computed, Group


@transaction.atomic
def programme_upsert(*, user, code: str, name: str, start: dt.date, end: dt.date, donors: str = "",
                     name_km: str = "") -> Programme:
    """Create the programme with this code, or update its names, donors and dates; audited when anything
    changes."""
    values = {"name": name, "name_km": name_km, "donors": donors, "start": start, "end": end}
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        programme = Programme.objects.create(code=code, **values)
        audit_record(user=user, action=Action.CREATE, obj=programme, summary=f"programme {code} created",
                     changes={"fields": sorted(values)})
        return programme
    changes = changed_fields(programme, values)
    if changes:
        for field, value in values.items():
            setattr(programme, field, value)
        programme.save()
        audit_record(user=user, action=Action.UPDATE, obj=programme, summary=f"programme {code} updated",
                     changes=changes)
    return programme


def outcome_upsert_many(*, user, programme: Programme, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the programme's outcomes and outputs matched on `code`; rows give `statement_en` and,
    when known, `statement_km`, `kind` ("outcome" or "output") and `parent_id` (an output's outcome, as a
    primary key: write the parents first, then the rows that name them). The caller checks that a parent is
    an outcome of the programme. `result.pks` maps each code to its primary key."""
    rows = ({**row, "programme_id": programme.pk} for row in rows)
    return records_upsert_many(user=user, model=Outcome, key=("programme_id", "code"), rows=rows)


def indicator_upsert_many(*, user, programme: Programme, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the programme's indicators matched on `code`; rows give the Indicator fields by
    attribute name (`outcome_id` as a primary key, `parameters` as a dict). `result.pks` maps each code to its
    primary key."""
    rows = ({**row, "programme_id": programme.pk} for row in rows)
    return records_upsert_many(user=user, model=Indicator, key=("programme_id", "code"), rows=rows)


def reported_value_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update reported figures matched on (indicator, period); rows give `indicator_id` as a
    primary key, `value`, `decimals` and, when the report printed them, `numerator`, `denominator`,
    `breakdown`, `narrative`, `source`."""
    return records_upsert_many(user=user, model=ReportedValue, key=("indicator_id", "period"), rows=rows,
                               keep_keys=False)


# ---- computed and entered values ------------------------------------------------------------------------


def group_json(group: Group) -> dict:
    """A disaggregation group as stored in Snapshot.disaggregation (numbers as text, exact)."""
    return {"key": group.key, "label_en": group.label_en, "label_km": group.label_km,
            "numerator": group.numerator, "denominator": group.denominator,
            "value": None if group.value is None else str(group.value)}


def _snapshot_values(computed: Computed, computation: str) -> dict[str, Any]:
    return {
        "source": Snapshot.Source.COMPUTED, "value": computed.value, "numerator": computed.numerator,
        "denominator": computed.denominator, "breakdown": computed.breakdown,
        "disaggregation": {dim: [group_json(g) for g in groups] for dim, groups in computed.disaggregation.items()},
        "parameters": computed.parameters, "computation": computation,
        "computation_version": computed.version,
        "records": {"kind": computed.kind, "numerator": computed.numerator_pks,
                    "denominator": computed.denominator_pks},
        "evidence": "", "entered_by": None,
    }


#: The fields of a snapshot that computing writes.
_SNAPSHOT_FIELDS = ("source", "value", "numerator", "denominator", "breakdown", "disaggregation", "parameters",
                    "computation", "computation_version", "records", "evidence", "entered_by")


def default_periods(programme: Programme) -> list[int]:
    """The programme's years up to this one."""
    this_year = timezone.localdate().year
    return [year for year in programme.years if year <= this_year]


@transaction.atomic
def snapshots_compute(*, user, programme: Programme, periods: Iterable[int] | None = None) -> list[Snapshot]:
    """Compute every computed indicator of `programme` for `periods` (default: its years up to this one)
    from the records as they are now, replacing each (indicator, period) snapshot in place (its id stays:
    pages and differences link to it). One audit entry for the whole run."""
    allow_parallel_workers()  # reads every record of the programme's years: worth a worker on PostgreSQL
    periods = sorted(set(periods)) if periods is not None else default_periods(programme)
    indicators = list(programme.indicators.exclude(computation="").order_by("code"))
    existing = {(s.indicator_id, s.period): s for s in Snapshot.objects.filter(
        indicator__in=indicators, period__in=periods).only("pk", "indicator_id", "period")}
    now = timezone.now()
    fresh, replaced = [], []
    for indicator in indicators:
        for period in periods:
            values = _snapshot_values(compute(indicator, period), indicator.computation)
            snapshot = existing.get((indicator.pk, period)) or Snapshot(indicator=indicator, period=period)
            for name, value in values.items():
                setattr(snapshot, name, value)
            snapshot.computed_at = now
            snapshot.indicator = indicator
            (replaced if snapshot.pk else fresh).append(snapshot)
    if replaced:
        Snapshot.objects.bulk_update(replaced, [*_SNAPSHOT_FIELDS, "computed_at"])
    Snapshot.objects.bulk_create(fresh)  # SQLite 3.35+ and PostgreSQL give the new ids back
    snapshots = sorted([*replaced, *fresh], key=lambda s: (s.indicator.code, s.period))
    audit_record(
        user=user, action=Action.UPDATE, obj=programme,
        summary=f"programme {programme.code}: {len(snapshots)} indicator values computed for "
                f"{', '.join(map(str, periods)) or 'no period'}",
        changes={"values": [[s.indicator.code, s.period, None if s.value is None else str(s.value),
                             s.numerator, s.denominator, s.computation_version] for s in snapshots]},
    )
    return snapshots


@transaction.atomic
def manual_value_set(*, user, indicator: Indicator, period: int, value, numerator: int | None = None,
                     denominator: int | None = None, evidence: str) -> Snapshot:
    """The value of an indicator entered by hand (one without a computation) for `period`, with the
    evidence it rests on; replaces the period's earlier value. Audited with the old and new figures."""
    if indicator.is_computed:
        raise ValidationError(_("This indicator is computed from the records; its value cannot be typed in."),
                              code="computed_indicator")
    if not (evidence or "").strip():
        raise ValidationError({"evidence": [_("Say what this figure rests on.")]}, code="evidence_required")
    if not fraction_fits(numerator, denominator):
        raise ValidationError({"numerator": [_("The numerator is larger than the denominator.")]},
                              code="numerator_above_denominator")
    value = None if value is None else Decimal(str(value))
    snapshot = Snapshot.objects.filter(indicator=indicator, period=period).first()
    before = None if snapshot is None else [_text(snapshot.value), snapshot.numerator, snapshot.denominator]
    if snapshot is None:
        snapshot = Snapshot(indicator=indicator, period=period)
    snapshot.source = Snapshot.Source.MANUAL
    snapshot.value, snapshot.numerator, snapshot.denominator = value, numerator, denominator
    snapshot.evidence = evidence.strip()
    snapshot.entered_by = user if getattr(user, "is_authenticated", False) else None
    snapshot.computed_at = timezone.now()
    snapshot.computation, snapshot.computation_version, snapshot.parameters = "", 1, {}
    snapshot.breakdown, snapshot.disaggregation, snapshot.records = {}, {}, {}
    snapshot.save()
    audit_record(user=user, action=Action.UPDATE if before else Action.CREATE, obj=snapshot,
                 summary=f"indicator {indicator.code} {period}: value entered by hand",
                 changes={"value": [before, [_text(value), numerator, denominator]], "evidence": snapshot.evidence})
    return snapshot


def _text(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def reported_value_set(*, user, indicator: Indicator, period: int, value, decimals: int = 0,
                       numerator: int | None = None, denominator: int | None = None,
                       breakdown: dict[str, int] | None = None, narrative: str = "",
                       source: str = "") -> ReportedValue:
    """The figure a past report stated for `indicator` in `period` (with the numerator, denominator and
    parts it printed, if any, and the number of decimals it was printed with), held against the computed
    one. Audited with what changed."""
    values = {"value": Decimal(str(value)), "decimals": int(decimals), "numerator": numerator,
              "denominator": denominator, "breakdown": dict(breakdown or {}), "narrative": narrative or "",
              "source": source or ""}
    reported = ReportedValue.objects.filter(indicator=indicator, period=period).first()
    if reported is None:
        reported = ReportedValue.objects.create(indicator=indicator, period=period, **values)
        audit_record(user=user, action=Action.CREATE, obj=reported,
                     summary=f"indicator {indicator.code} {period}: reported value {value}",
                     changes=created_fields(values))
        return reported
    changes = changed_fields(reported, values)
    if changes:
        for name, new in values.items():
            setattr(reported, name, new)
        reported.save()
        audit_record(user=user, action=Action.UPDATE, obj=reported,
                     summary=f"indicator {indicator.code} {period}: reported value changed", changes=changes)
    return reported


_INDICATOR_FIELDS = {
    "outcome", "code", "statement_en", "statement_km", "unit", "baseline", "baseline_year", "baseline_numerator",
    "baseline_denominator", "target", "target_year", "direction", "cumulative", "means_of_verification",
    "computation", "parameters",
}


@transaction.atomic
def indicator_update(*, user, indicator: Indicator, **changes) -> Indicator:
    """Change an indicator of the results framework: statements, unit, baseline, target, direction,
    cumulative, means of verification, computation and parameters (text `key=value;...` or a dict, checked
    by computations.computation_check: ComputationError when they do not fit). Audited with old and new."""
    unknown = set(changes) - _INDICATOR_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    if {"computation", "parameters", "unit"} & set(changes):
        computation = changes.get("computation", indicator.computation)
        # Another computation starts from its own defaults: the old one's parameters mean nothing to it.
        kept = indicator.parameters if computation == indicator.computation else {}
        changes["parameters"] = computation_check(computation, changes.get("parameters", kept),
                                                  changes.get("unit", indicator.unit))
    outcome = changes.get("outcome")
    if outcome is not None and outcome.programme_id != indicator.programme_id:
        raise ValidationError({"outcome": [_("This outcome belongs to another programme.")]}, code="outcome_programme")
    for name in ("baseline", "target"):
        if changes.get(name) is not None:
            changes[name] = Decimal(str(changes[name]))
    diff = changed_fields(indicator, changes)
    if diff:
        for name, value in changes.items():
            setattr(indicator, name, value)
        indicator.full_clean(exclude=["programme", "outcome"])
        indicator.save()
        audit_record(user=user, action=Action.UPDATE, obj=indicator, summary=f"indicator {indicator.code} changed",
                     changes=diff)
    return indicator


# ---- narratives and reports ------------------------------------------------------------------------------


@transaction.atomic
def narrative_save(*, user, indicator: Indicator, period: int, text_en: str, text_km: str) -> Narrative:
    """A new version of the indicator's narrative for `period`; the same text as the latest makes none."""
    text_en, text_km = (text_en or "").strip(), normalize((text_km or "").strip())
    latest = Narrative.objects.filter(indicator=indicator, period=period).order_by("-version").first()
    if latest is not None and latest.text_en == text_en and latest.text_km == text_km:
        return latest
    narrative = Narrative.objects.create(
        indicator=indicator, period=period, version=(latest.version + 1) if latest else 1, text_en=text_en,
        text_km=text_km, written_by=user if getattr(user, "is_authenticated", False) else None,
        written_at=timezone.now())
    audit_record(user=user, action=Action.CREATE if latest is None else Action.UPDATE, obj=narrative,
                 summary=f"indicator {indicator.code} {period}: narrative version {narrative.version}",
                 changes={"version": [latest.version if latest else None, narrative.version]})
    return narrative


@transaction.atomic
def report_create(*, user, programme: Programme, period: int) -> Report:
    """The draft report of `programme` for `period`: the draft there already is, or a new one (version 1,
    or the issued version + 1: an issued report never changes)."""
    latest = (Report.objects.select_for_update().filter(programme=programme, period=period)
              .order_by("-version").first())
    if latest is not None and latest.status == Report.Status.DRAFT:
        return latest
    report = Report.objects.create(programme=programme, period=period, version=(latest.version + 1) if latest else 1)
    audit_record(user=user, action=Action.CREATE, obj=report,
                 summary=f"report {programme.code} {period} version {report.version} drafted")
    return report


@transaction.atomic
def report_issue(*, user, report: Report, names_checked: Iterable[str] = ()) -> Report:
    """Issue a draft report: its figures are computed again from the records (so that nothing stale is
    frozen), then its content (every figure, narrative and difference, as selectors.report_content gives them
    now) is frozen in `content`, with who issued it and when. Refused while a text of it names a CBO that is not
    public (selectors.report_private_names) that the one issuing it did not say they checked (`names_checked`:
    the CBO agreed, or the name is another's; a name found since they were shown the others is refused too);
    nothing is written then. The names checked are in the audit entry."""
    from samleng.results.selectors import report_content, report_private_names  # selectors read what services write

    report = Report.objects.select_for_update().select_related("programme").get(pk=report.pk)
    if report.status == Report.Status.ISSUED:
        raise ValidationError(_("This report is issued already; an issued report never changes."),
                              code="report_issued")
    snapshots_compute(user=user, programme=report.programme,
                      periods=[year for year in report.programme.years if year <= report.period])
    report.issued_at = timezone.now()
    report.issued_by = user if getattr(user, "is_authenticated", False) else None
    report.status = Report.Status.ISSUED
    content = report_content(report.programme, report.period)
    named, checked = report_private_names(content), set(names_checked)
    if unchecked := [finding for finding in named if finding["name"] not in checked]:
        raise ValidationError(
            _("A donor report leaves the organisation, and these texts name a CBO that is not public: %(found)s. "
              "Write them again without the name, or make the CBO public if it agreed, or confirm that you "
              "checked them.") % {"found": "; ".join(_private_name_found(finding) for finding in unchecked)},
            code="private_cbo_named")
    content.update({"version": report.version, "status": report.status, "issued_at": report.issued_at.isoformat(),
                    "issued_by": _user_name(user)})
    report.content = content
    report.save()
    audit_record(user=user, action=Action.UPDATE, obj=report,
                 summary=f"report {report.programme.code} {report.period} version {report.version} issued",
                 changes={"private_names_checked": sorted({finding["name"] for finding in named})} if named else None)
    return report


def _private_name_found(finding: dict) -> str:
    return f"{local_text(finding['where_km'], finding['where_en'])}: “{finding['name']}”"


def _user_name(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()
