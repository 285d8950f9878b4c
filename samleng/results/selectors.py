"""Reads of results: the indicator table of a programme (from stored snapshots and reported figures), the
differences between reported and computed figures and within a report, the records behind a figure
(drill-down, with the access rules), progress against baseline and target, a report's content and the JSON
the command and the API print. Every function runs the same few queries whatever the number of records."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.advocacy import selectors as advocacy_selectors
from samleng.advocacy.selectors import IssueStatus as Status
from samleng.cbos import selectors as cbos_selectors
from samleng.cbos.selectors import CBOType
from samleng.core.audit import Action, audit_record
from samleng.core.dates import long_date
from samleng.core.khmer import fold, to_khmer_digits
from samleng.core.numbers import percent
from samleng.engagement import selectors as engagement_selectors
from samleng.places.selectors import place_index
from samleng.results.computations import (
    UNDERREPRESENTED,
    breakdown_parts,
    is_cumulative,
    period_bounds,
    person_groups,
)
from samleng.results.labels import part_label
from samleng.results.models import Indicator, Narrative, Outcome, Programme, ReportedValue, Snapshot
from samleng.results.types import Cell, Difference, Drilldown, DrillRecord, Group, Progress, Row
from samleng.stories import selectors as stories_selectors

PER_PAGE = 50


# ---- numbers ---------------------------------------------------------------------------------------------


def rounded(value: Decimal | None, decimals: int) -> Decimal | None:
    """`value` rounded half up to `decimals` places, as a report prints it."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def value_differs(reported: Decimal | None, decimals: int, computed: Decimal | None) -> bool:
    """Whether a reported figure differs from the computed one once the computed one is rounded to the
    reported precision. Nothing reported: no difference. Reported where the records give no data: one."""
    if reported is None:
        return False
    if computed is None:
        return True
    return rounded(computed, decimals) != rounded(reported, decimals)


def exact_value(snapshot, unit: str) -> Decimal | None:
    """The figure a snapshot stands for, before its storage rounded it to 4 decimals: a share is judged from
    its fraction n/N, so that 50 of 101 (49.504950...%) is 49.50 at two decimals, not 49.51."""
    if snapshot is None:
        return None
    if unit == "percent" and snapshot.value is not None and snapshot.numerator is not None and snapshot.denominator:
        return Decimal(snapshot.numerator) * 100 / Decimal(snapshot.denominator)
    return snapshot.value


def number_text(value: Decimal | None, decimals: int | None = None) -> str:
    """A figure for a message: "39.76", "45", "no data"."""
    if value is None:
        return "no data"
    if decimals is None:
        value = Decimal(value).normalize()
        text = f"{value:f}"
    else:
        text = f"{rounded(value, decimals):f}"
    return text


def _figure_text(value: Decimal | None, unit: str, decimals: int | None = None) -> str:
    """A figure for a difference's message, in Latin digits: a share as pages and reports print it
    (core.numbers.percent: "45%", "39.8%"), with as many decimals as the report printed when that is more than
    one ("7.06%": the difference shows at that precision); a count as it is; "no data"."""
    if value is None:
        return "no data"
    if unit == "percent":
        return percent(value, "en", places=max(1, decimals or 0))
    return number_text(value, decimals)


def _part_words(key: str, language: str) -> str:
    with translation.override(language):
        return part_label(key)


def _km(text: str) -> str:
    return to_khmer_digits(text.replace("no data", "គ្មានទិន្នន័យ"))


def _code_key(code: str) -> tuple:
    """Indicator codes in their natural order: 1.2 before 1.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-]", code))


# ---- the table -----------------------------------------------------------------------------------------


def _groups(stored: dict) -> dict[str, list[Group]]:
    return {
        dimension: [Group(key=g["key"], label_en=g["label_en"], label_km=g["label_km"], numerator=g["numerator"],
                          denominator=g["denominator"],
                          value=None if g["value"] is None else Decimal(g["value"])) for g in groups]
        for dimension, groups in (stored or {}).items()
    }


def _cell(period: int, snapshot: Snapshot | None, reported: ReportedValue | None, unit: str) -> Cell:
    value = snapshot.value if snapshot else None
    return Cell(
        period=period, value=value,
        numerator=snapshot.numerator if snapshot else None,
        denominator=snapshot.denominator if snapshot else None,
        breakdown=dict(snapshot.breakdown) if snapshot else {},
        disaggregation=_groups(snapshot.disaggregation) if snapshot else {},
        source=snapshot.source if snapshot else "",
        snapshot_id=snapshot.pk if snapshot else None,
        computed_at=snapshot.computed_at.isoformat() if snapshot else None,
        reported_value=reported.value if reported else None,
        reported_decimals=reported.decimals if reported else 0,
        # Judged against a figure there is (computed, or entered by hand), "no data" included; an indicator not
        # computed yet for the period differs from nothing.
        differs=snapshot is not None and value_differs(
            reported.value if reported else None, reported.decimals if reported else 0, exact_value(snapshot, unit)),
        no_data=value is None,
    )


def _indicators(programme: Programme) -> list[Indicator]:
    indicators = list(programme.indicators.select_related("outcome"))
    return sorted(indicators, key=lambda i: _code_key(i.code))


def _stored(programme: Programme, periods: list[int]):
    """The programme's snapshots (without their record lists, which can be long) and reported figures for
    `periods`, by (indicator pk, period): two queries."""
    snapshots = {(s.indicator_id, s.period): s for s in Snapshot.objects.filter(
        indicator__programme=programme, period__in=periods).defer("records")}
    reported = {(r.indicator_id, r.period): r for r in ReportedValue.objects.filter(
        indicator__programme=programme, period__in=periods)}
    return snapshots, reported


def indicator_row(indicator: Indicator, periods) -> Row:
    """programme_table's row of one indicator (its progress needs only its own figures)."""
    periods = sorted(set(periods))
    snapshots, reported = _stored(indicator.programme, periods)
    return _rows(indicator.programme, periods, [indicator], snapshots, reported)[0]


def programme_table(programme: Programme, periods) -> list[Row]:
    """Every indicator of `programme` with its value in each of `periods` (from the stored snapshots: see
    services.snapshots_compute), the reported figure and whether they differ, and its progress against
    baseline and target as of the latest period with a value. Three queries."""
    periods = sorted(set(periods))
    return _rows(programme, periods, _indicators(programme), *_stored(programme, periods))


def _rows(programme, periods, indicators, snapshots, reported) -> list[Row]:
    rows = []
    for indicator in indicators:
        cells = [_cell(p, snapshots.get((indicator.pk, p)), reported.get((indicator.pk, p)), indicator.unit)
                 for p in periods]
        row = Row(
            indicator_id=indicator.pk, code=indicator.code,
            outcome_code=indicator.outcome.code if indicator.outcome else "",
            statement_en=indicator.statement_en, statement_km=indicator.statement_km, unit=indicator.unit,
            direction=indicator.direction, baseline=indicator.baseline, baseline_year=indicator.baseline_year,
            target=indicator.target, target_year=indicator.target_year, computation=indicator.computation,
            cells=cells, progress=None,
        )
        row.progress = progress(row, programme=programme)
        rows.append(row)
    return rows


# ---- progress --------------------------------------------------------------------------------------------


def progress(row: Row, *, programme: Programme | None = None) -> Progress:
    """Where the latest value of `row` stands between its baseline and target, aware of the direction
    (lower is better for some), and whether that is on track: at least as far along the way from the
    baseline to the target as the time elapsed between the baseline year and the target year. Without a
    baseline year the year before the programme began is taken; without a target year, its last year."""
    latest = next((c for c in reversed(row.cells) if c.value is not None), None)
    baseline_year = row.baseline_year or (programme.start.year - 1 if programme else None)
    target_year = row.target_year or (programme.end.year if programme else None)
    better = "lower" if row.direction == "down" else "higher"
    better_km = "ទាបជាង" if row.direction == "down" else "ខ្ពស់ជាង"
    if row.baseline is None or row.target is None or baseline_year is None or target_year is None:
        return Progress(
            share_of_way=None, on_track=None,
            rule_en="On track cannot be said without a baseline and a target with their years.",
            rule_km="មិនអាចនិយាយថាស្របតាមផែនការបានទេ បើគ្មានមូលដ្ឋាន និងគោលដៅ ព្រមទាំងឆ្នាំរបស់វា។")
    elapsed_years = None if latest is None else latest.period - baseline_year
    span = target_year - baseline_year
    elapsed = None if latest is None or span <= 0 else min(max(Decimal(elapsed_years) / span, Decimal(0)), Decimal(1))
    b, t = number_text(row.baseline), number_text(row.target)
    rule_en = (f"{better.capitalize()} is better. On track when the latest value has gone at least as far from the "
               f"baseline ({b} in {baseline_year}) towards the target ({t} in {target_year}) as the time elapsed "
               f"since the baseline year.")
    rule_km = (f"{better_km}គឺប្រសើរជាង។ ស្របតាមផែនការ នៅពេលតម្លៃចុងក្រោយបានទៅពីមូលដ្ឋាន ({_km(b)} ក្នុងឆ្នាំ "
               f"{_km(str(baseline_year))}) ឆ្ពោះទៅគោលដៅ ({_km(t)} ក្នុងឆ្នាំ {_km(str(target_year))}) "
               f"យ៉ាងហោចណាស់ស្មើនឹងពេលវេលាដែលបានកន្លងផុតចាប់ពីឆ្នាំមូលដ្ឋាន។")
    if latest is None:
        return Progress(share_of_way=None, on_track=None, rule_en=rule_en, rule_km=rule_km)
    way = row.target - row.baseline
    if way == 0:
        reached = latest.value <= row.target if row.direction == "down" else latest.value >= row.target
        share_of_way = Decimal(100) if reached else Decimal(0)
    else:
        share_of_way = (latest.value - row.baseline) * 100 / way
        share_of_way = min(max(share_of_way, Decimal(0)), Decimal(100)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    on_track = None if elapsed is None else share_of_way >= elapsed * 100
    if elapsed is not None:
        rule_en += (f" By {latest.period}, {elapsed_years} of {span} years had passed ({number_text(elapsed * 100, 0)}%"
                    f" of the time); the value had covered {number_text(share_of_way)}% of the way.")
        rule_km += (f" ត្រឹមឆ្នាំ {_km(str(latest.period))} បានកន្លងផុត {_km(str(elapsed_years))} ក្នុងចំណោម "
                    f"{_km(str(span))} ឆ្នាំ ({_km(number_text(elapsed * 100, 0))}% នៃពេលវេលា); តម្លៃបានទៅបាន "
                    f"{_km(number_text(share_of_way))}% នៃផ្លូវ។")
    return Progress(share_of_way=share_of_way, on_track=on_track, rule_en=rule_en, rule_km=rule_km)


# ---- differences ------------------------------------------------------------------------------------------


def _difference(indicator: Indicator, period: int, kind: str, en: str, km: str, reported, computed,
                snapshot: Snapshot | None) -> Difference:
    return Difference(indicator_code=indicator.code, period=period, kind=kind, message_en=en, message_km=km,
                      reported=reported, computed=computed, snapshot_id=snapshot.pk if snapshot else None)


def differences(programme: Programme, periods) -> list[Difference]:
    """Everything that does not hold together in `periods`:
    - reported_vs_computed: a reported figure that differs from the computed (or entered) one once that is
      rounded to the reported precision;
    - parts_vs_whole: parts (solved, partly solved...) that do not add up to their whole, reported or
      computed;
    - share_vs_fraction: a reported share that is not its own printed n/N (rounded as printed), or a
      reported count that is not its printed numerator;
    - cumulative_falls: a cumulative figure (reported or computed) lower than the year before.
    Three queries."""
    periods = sorted(set(periods))
    return _differences(periods, _indicators(programme), *_stored(programme, periods))


def _differences(periods, indicators, snapshots, reported) -> list[Difference]:
    found: list[Difference] = []
    for indicator in indicators:
        for period in periods:
            snapshot, stated = snapshots.get((indicator.pk, period)), reported.get((indicator.pk, period))
            if stated is not None and snapshot is not None:
                found += _reported_vs_computed(indicator, period, stated, snapshot)
            if stated is not None:
                found += _reported_consistency(indicator, period, stated, snapshot)
            if snapshot is not None:
                found += _computed_consistency(indicator, period, snapshot)
        if is_cumulative(indicator):
            found += _falls(indicator, periods, snapshots, reported)
    return found


def _reported_vs_computed(indicator, period, stated: ReportedValue, snapshot: Snapshot) -> list[Difference]:
    if not value_differs(stated.value, stated.decimals, exact_value(snapshot, indicator.unit)):
        return []
    computed = _figure_text(snapshot.value, indicator.unit, stated.decimals if indicator.unit == "percent" else None)
    reported = _figure_text(stated.value, indicator.unit, stated.decimals)
    what = _("computed") if snapshot.source == Snapshot.Source.COMPUTED else _("entered")
    en = (f"{indicator.code} {period}: the report says {reported}, the records "
          f"give {computed}" + (f" ({snapshot.numerator} of {snapshot.denominator})"
                                if snapshot.denominator is not None else "") + f" ({what}).")
    km = (f"{indicator.code} {_km(str(period))}៖ របាយការណ៍ថា {_km(reported)} "
          f"ប៉ុន្តែកំណត់ត្រាផ្តល់ {_km(computed)}" + (
              f" ({_km(str(snapshot.numerator))} ក្នុងចំណោម {_km(str(snapshot.denominator))})"
              if snapshot.denominator is not None else "") + "។")
    return [_difference(indicator, period, "reported_vs_computed", en, km, stated.value, snapshot.value, snapshot)]


def _parts(indicator, breakdown: dict, parameters: dict | None) -> tuple[str, ...]:
    """The parts that make up the figure's numerator (solved, partly solved...), when the breakdown gives
    every one of them; a report that printed only some of its parts says nothing about their sum."""
    keys = breakdown_parts(indicator.computation, parameters if parameters is not None else indicator.parameters)
    return tuple(keys) if keys and all(k in breakdown for k in keys) else ()


def _reported_consistency(indicator, period, stated: ReportedValue, snapshot) -> list[Difference]:
    found = []
    parts = _parts(indicator, stated.breakdown or {}, None)
    parts_sum = sum(int(stated.breakdown[k]) for k in parts) if parts else None
    # A report that printed its parts but not their whole: the parts are its numerator.
    numerator = stated.numerator if stated.numerator is not None else parts_sum
    if parts and stated.numerator is not None and parts_sum != stated.numerator:
        shown = " + ".join(f"{stated.breakdown[k]} {_part_words(k, 'en')}" for k in parts)
        shown_km = " + ".join(f"{stated.breakdown[k]} {_part_words(k, 'km')}" for k in parts)
        found.append(_difference(
            indicator, period, "parts_vs_whole",
            f"{indicator.code} {period}: the report's parts ({shown} = {parts_sum}) do not add up to its "
            f"whole ({stated.numerator}).",
            f"{indicator.code} {_km(str(period))}៖ ផ្នែកនៃរបាយការណ៍ ({_km(shown_km)} = {_km(str(parts_sum))}) "
            f"មិនស្មើនឹងចំនួនសរុប ({_km(str(stated.numerator))}) ទេ។",
            stated.value, snapshot.value if snapshot else None, snapshot))
    if numerator is None:
        return found
    if indicator.unit == "percent":
        if not stated.denominator:
            return found
        fraction = Decimal(numerator) * 100 / Decimal(stated.denominator)
        consistent = rounded(fraction, stated.decimals) == rounded(stated.value, stated.decimals)
        printed = f"{numerator} of {stated.denominator} = {_figure_text(fraction, 'percent', stated.decimals)}"
        printed_km = (f"{_km(str(numerator))} ក្នុងចំណោម {_km(str(stated.denominator))} = "
                      f"{_km(_figure_text(fraction, 'percent', stated.decimals))}")
    else:
        consistent = Decimal(numerator) == stated.value
        printed, printed_km = f"{numerator}", _km(str(numerator))
    if not consistent:
        shown = _figure_text(stated.value, indicator.unit, stated.decimals)
        found.append(_difference(
            indicator, period, "share_vs_fraction",
            f"{indicator.code} {period}: the report prints {shown} "
            f"but its own figures give {printed}.",
            f"{indicator.code} {_km(str(period))}៖ របាយការណ៍បោះពុម្ព {_km(shown)} ប៉ុន្តែតួលេខរបស់វាផ្ទាល់ផ្តល់ {printed_km}។",
            stated.value, snapshot.value if snapshot else None, snapshot))
    return found


def _computed_consistency(indicator, period, snapshot: Snapshot) -> list[Difference]:
    """A computed figure whose parts do not add up to its numerator: never expected, but a snapshot written
    by an older version of a computation is checked like a report."""
    parts = _parts(indicator, snapshot.breakdown or {}, snapshot.parameters)
    if not parts or snapshot.numerator is None:
        return []
    total = sum(int(snapshot.breakdown[k]) for k in parts)
    if total == snapshot.numerator:
        return []
    return [_difference(
        indicator, period, "parts_vs_whole",
        f"{indicator.code} {period}: the computed parts add up to {total}, not to the numerator "
        f"{snapshot.numerator}.",
        f"{indicator.code} {_km(str(period))}៖ ផ្នែកដែលបានគណនាបូកបាន {_km(str(total))} មិនមែន "
        f"{_km(str(snapshot.numerator))} ទេ។",
        None, snapshot.value, snapshot)]


def _falls(indicator, periods, snapshots, reported) -> list[Difference]:
    found = []
    for series, label_en, label_km in ((snapshots, "computed", "ដែលបានគណនា"), (reported, "reported", "ដែលបានរាយការណ៍")):
        previous = None
        for period in periods:
            item = series.get((indicator.pk, period))
            value = item.value if item is not None else None
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                snapshot = snapshots.get((indicator.pk, period))
                found.append(_difference(
                    indicator, period, "cumulative_falls",
                    f"{indicator.code}: the {label_en} figure falls from {_figure_text(previous[1], indicator.unit)} "
                    f"in {previous[0]} to {_figure_text(value, indicator.unit)} in {period}, but it counts "
                    f"everything so far and cannot fall.",
                    f"{indicator.code}៖ តួលេខ{label_km}ធ្លាក់ពី {_km(_figure_text(previous[1], indicator.unit))} "
                    f"ក្នុងឆ្នាំ {_km(str(previous[0]))} មក {_km(_figure_text(value, indicator.unit))} ក្នុងឆ្នាំ "
                    f"{_km(str(period))} "
                    f"ប៉ុន្តែវារាប់អ្វីៗទាំងអស់រហូតមកដល់ពេលនេះ ហើយមិនអាចធ្លាក់ចុះបានទេ។",
                    value if label_en == "reported" else None,
                    value if label_en == "computed" else (snapshot.value if snapshot else None), snapshot))
            previous = (period, value)
    return found


# ---- the JSON of the command and the API ---------------------------------------------------------------


def _number(value: Decimal | None):
    """A figure for JSON: an int when whole, else a float; None stays None (no data)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def cell_json(code: str, cell: Cell) -> dict:
    """One indicator in one period, as `samleng results --json` and GET /api/results/{code}/{period} give it.
    Shares are percentages (0-100); value is null when there is no data."""
    return {"code": code, "period": cell.period, "value": _number(cell.value), "numerator": cell.numerator,
            "denominator": cell.denominator, "breakdown": dict(cell.breakdown),
            "reported_value": _number(cell.reported_value), "differs": cell.differs}


def results_json(programme: Programme, period: int) -> list[dict]:
    """The indicator table of `programme` for `period` as a JSON-ready list, one entry per indicator."""
    return [cell_json(row.code, row.cells[0]) for row in programme_table(programme, [period])]


def programme_json(programme: Programme, periods=None) -> list[dict]:
    """The programme's indicators with their values over `periods` (default: all its years)."""
    periods = list(periods) if periods is not None else list(programme.years)
    return [
        {"code": row.code, "outcome": row.outcome_code, "statement_en": row.statement_en,
         "statement_km": row.statement_km, "unit": row.unit, "direction": row.direction,
         "baseline": _number(row.baseline), "baseline_year": row.baseline_year, "target": _number(row.target),
         "target_year": row.target_year, "computation": row.computation,
         "values": [cell_json(row.code, cell) for cell in row.cells]}
        for row in programme_table(programme, periods)
    ]


# ---- drill-down ---------------------------------------------------------------------------------------------


def drilldown(snapshot: Snapshot, *, user, part: str, page: int = 1, per_page: int = PER_PAGE) -> Drilldown:
    """The records behind `snapshot`: those in its numerator (`part="numerator"`) or those in its
    denominator but not counted (`part="not_counted"`), a page at a time, each with a label, a link and a
    detail (an issue's status at the period's end, a person's groups...). Records `user` may not see are
    counted in `hidden`, never listed; representatives' names only where the user may see personal data
    (and that view is audited), else their person id. A few queries, whatever the number of records."""
    if part not in ("numerator", "not_counted"):
        raise ValueError(f"unknown part: {part}")
    records = snapshot.records or {}
    numerator = list(records.get("numerator", []))
    if part == "numerator":
        pks = numerator
    else:
        counted = set(numerator)
        pks = [pk for pk in records.get("denominator", []) if pk not in counted]
    kind = records.get("kind", "")
    reader = _READERS.get(kind, _read_unknown)
    try:
        page = max(int(page), 1)
    except (TypeError, ValueError):
        page = 1
    visible, listed = reader(snapshot, user, pks, (page - 1) * per_page, per_page)
    pages = max(math.ceil(visible / per_page), 1)
    if page > pages:  # past the end: show the last page
        page = pages
        visible, listed = reader(snapshot, user, pks, (page - 1) * per_page, per_page)
    return Drilldown(kind=kind, part=part, total=len(pks), hidden=len(pks) - visible, page=page, pages=pages,
                     per_page=per_page, records=listed, snapshot_id=snapshot.pk, period=snapshot.period)


def _status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def _shown_digits(number) -> str:
    """A number in the page's digits (Khmer on Khmer pages)."""
    return to_khmer_digits(str(number)) if (translation.get_language() or "").startswith("km") else str(number)


def _local(en: str, km: str) -> str:
    return (km or en) if (translation.get_language() or "").startswith("km") else (en or km)


def _read_issues(snapshot, user, pks, offset, limit):
    end = period_bounds(snapshot.period)[1]
    visible, issues = advocacy_selectors.issue_records(user, pks, day=end, offset=offset, limit=limit)
    return visible, [
        DrillRecord(pk=i.pk, label=f"{i.issue_id} {_local(i.title_en, i.title_km)}",
                    url=reverse("advocacy:detail", args=[i.pk]),
                    detail=_("%(status)s on %(day)s — %(cbo)s") % {
                        "status": _status_label(i.status_on), "day": long_date(end),
                        "cbo": _local(i.cbo.name_en, i.cbo.name_km)})
        for i in issues
    ]


_GROUP_NAMES = {"female": gettext_lazy("woman"), "youth": gettext_lazy("youth"),
                "indigenous": gettext_lazy("indigenous"), "disability": gettext_lazy("with a disability")}


def _read_representatives(snapshot, user, pks, offset, limit):
    visible, people = cbos_selectors.representative_records(user, pks, offset=offset, limit=limit)
    personal = cbos_selectors.personal_cbo_ids(user, {p.cbo_id for p in people})
    youth_max_age = (snapshot.parameters or {}).get("youth_max_age", 30)
    listed, named = [], []
    for person in people:
        row = {"sex": person.sex, "birth_year": person.birth_year, "indigenous": person.indigenous,
               "disability": person.disability}
        groups = [str(_GROUP_NAMES[g]) for g in person_groups(row, snapshot.period, youth_max_age)
                  if g in UNDERREPRESENTED]
        if person.cbo_id in personal:
            label = f"{person.full_name} ({person.person_id})"
            named.append(person.person_id)
        else:
            label = person.person_id
        cbo = _local(person.cbo.name_en, person.cbo.name_km)
        listed.append(DrillRecord(pk=person.pk, label=label, url=reverse("cbos:detail", args=[person.cbo_id]),
                                  detail=f"{', '.join(groups) or _('none of the groups')} — {cbo}"))
    if named:
        audit_record(user=user, action=Action.VIEW_PERSONAL, obj=snapshot,
                     summary=f"indicator value {snapshot.pk}: names of {len(named)} representatives",
                     changes={"person_ids": named})
    return visible, listed


def _read_cbos(snapshot, user, pks, offset, limit):
    visible, cbos = cbos_selectors.cbo_records(user, pks, offset=offset, limit=limit)
    return visible, [
        DrillRecord(pk=c.pk, label=_local(c.name_en, c.name_km), url=reverse("cbos:detail", args=[c.pk]),
                    detail=str(CBOType(c.type).label) if c.type in CBOType.values else c.type)
        for c in cbos
    ]


def _read_districts(snapshot, user, pks, offset, limit):
    """Target districts: public places, seen by anyone who may see the figure."""
    index = place_index()
    places = sorted((p for p in (index.get_by_id(pk) for pk in pks) if p is not None), key=lambda p: p.code)
    page = places[offset:offset + limit]
    min_quality = (snapshot.parameters or {}).get("min_quality", 3)
    counts = engagement_selectors.functioning_mechanism_counts(snapshot.period, [p.pk for p in page],
                                                               min_quality=min_quality)
    listed = []
    for place in page:
        province = index.get_by_id(place.parent_id)
        name = _local(place.name_en, place.name_km)
        label = f"{name} ({place.code})" + (f", {_local(province.name_en, province.name_km)}" if province else "")
        if place.pk in counts:
            detail = _("%(n)s mechanisms functioning in %(year)s") % {"n": counts[place.pk], "year": snapshot.period}
        else:
            detail = _("not assessed in %(year)s") % {"year": snapshot.period}
        url = f"{reverse('engagement:assessments')}?district={place.pk}&year={snapshot.period}"
        listed.append(DrillRecord(pk=place.pk, label=label, url=url, detail=detail))
    return len(places), listed


def _read_events(snapshot, user, pks, offset, limit):
    visible, events = engagement_selectors.event_records(user, pks, offset=offset, limit=limit)
    return visible, [
        DrillRecord(pk=e.pk, label=f"{e.event_id} {_local(e.title, e.title_km)}",
                    url=reverse("engagement:detail", args=[e.pk]),
                    detail=_("%(day)s, %(n)s participants") % {
                        "day": long_date(e.date),
                        "n": _shown_digits(e.participants_total) if e.participants_total is not None else "?"})
        for e in events
    ]


def _read_transparency(snapshot, user, pks, offset, limit):
    """Concessions and procurement projects are public records: everyone who may see the figure sees them.
    The detail lists what was disclosed (by the period's end, for a concession)."""
    from samleng.transparency import selectors as transparency_selectors  # transparency sits left of results

    page = sorted(pks)[offset:offset + limit]
    end = period_bounds(snapshot.period)[1]
    if snapshot.records.get("kind") == "transparency.landconcession":
        listed = [
            DrillRecord(pk=c.pk, label=f"{c.elc_id} {_local(c.name, c.name_km)}",
                        url=reverse("transparency:concession", args=[c.pk]),
                        detail=_disclosed([d for d in c.disclosures.all() if d.disclosed_on <= end]))
            for c in transparency_selectors.concessions_by_pks(page)
        ]
    else:
        listed = [
            DrillRecord(pk=p.pk, label=f"{p.project_id} {_local(p.title, p.title_km)}",
                        url=reverse("transparency:procurement_project", args=[p.pk]),
                        detail=f"{p.buyer} — {_disclosed(list(p.disclosures.all()))}")
            for p in transparency_selectors.procurement_projects_by_pks(page)
        ]
    return len(pks), listed


def _read_requests(snapshot, user, pks, offset, limit):
    """Information requests name no person (who asked is never stored): everyone who may see the figure
    sees the request's id, subject, office and where its clock stands."""
    from samleng.transparency import selectors as transparency_selectors  # transparency sits left of results

    page = sorted(pks)[offset:offset + limit]
    listed = []
    for r in transparency_selectors.requests_by_pks(page):
        detail = _("%(office)s; filed %(filed)s, answer due %(due)s, answered %(answered)s; %(status)s") % {
            "office": _local(r.office.name_en, r.office.name_km), "filed": long_date(r.filed_on),
            "due": long_date(r.answer_due) if r.answer_due else "?",
            "answered": long_date(r.answered_on) if r.answered_on else "-", "status": r.get_status_display()}
        listed.append(DrillRecord(pk=r.pk, label=f"{r.request_id} {_local(r.subject_en, r.subject_km)}", url="",
                                  detail=detail))
    return len(pks), listed


def _read_actions(snapshot, user, pks, offset, limit):
    """Actions of joint plans name offices and organisations, no person: everyone who may see the figure sees
    each action, its plan's authority, its due day and its status now."""
    from samleng.plans import selectors as plans_selectors  # plans sits left of results

    page = sorted(pks)[offset:offset + limit]
    return len(pks), [
        DrillRecord(pk=a.pk, label=f"{a.action_id} {_local(a.what_en, a.what_km)}", url="",
                    detail=_("%(office)s; due %(due)s; %(status)s") % {
                        "office": _local(a.plan.authority.name_en, a.plan.authority.name_km),
                        "due": long_date(a.due_on), "status": a.get_status_display()})
        for a in plans_selectors.actions_by_pks(page)
    ]


def _plain(number: Decimal) -> str:
    """3000.00 as "3,000", 0.50 as "0.5"."""
    return format(number.normalize(), ",f")


def _read_resources(snapshot, user, pks, offset, limit):
    """Resources CBOs mobilised, those of the CBOs `user` may see: what, from which kind of source (an office's
    name; never a person's), how much. A source's own name may be a person's: it stays on the staff pages."""
    from samleng.plans import selectors as plans_selectors  # plans sits left of results

    visible, resources = plans_selectors.resource_records(user, pks, offset=offset, limit=limit)
    listed = []
    for r in resources:
        source = r.get_source_type_display()
        if r.source_office is not None:
            source = f"{source} ({_local(r.source_office.name_en, r.source_office.name_km)})"
        measures = [f"{_shown_digits(_plain(r.amount))} {r.get_currency_display()}" if r.amount is not None
                    else "", f"{_shown_digits(_plain(r.quantity))} {r.get_unit_display()}"
                    if r.quantity is not None else ""]
        detail = "; ".join(part for part in (
            _local(r.cbo.name_en, r.cbo.name_km), r.get_kind_display(), source, *measures,
            r.get_recurrence_display(), long_date(r.date)) if part)
        listed.append(DrillRecord(pk=r.pk, label=f"{r.resource_id} {_local(r.description_en, r.description_km)}",
                                  url=reverse("plans:cbo_resources", args=[r.cbo_id]), detail=detail))
    return visible, listed


def _disclosed(disclosures) -> str:
    if not disclosures:
        return str(_("nothing disclosed"))
    return ", ".join(f"{d.get_item_display()} {long_date(d.disclosed_on)}" for d in disclosures)


def _read_unknown(snapshot, user, pks, offset, limit):
    return 0, []


_READERS = {
    "advocacy.issue": _read_issues,
    "cbos.representative": _read_representatives,
    "cbos.cbo": _read_cbos,
    "places.place": _read_districts,
    "engagement.event": _read_events,
    "transparency.landconcession": _read_transparency,
    "transparency.procurementproject": _read_transparency,
    "transparency.informationrequest": _read_requests,
    "plans.action": _read_actions,
    "plans.resource": _read_resources,
}


# ---- report content --------------------------------------------------------------------------------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def _group_json(group: Group) -> dict:
    return {"key": group.key, "label_en": group.label_en, "label_km": group.label_km,
            "numerator": group.numerator, "denominator": group.denominator, "value": _text(group.value)}


def report_content(programme: Programme, period: int) -> dict:
    """Everything a report of `programme` for `period` shows, JSON-ready, in the shape of
    types.REPORT_CONTENT_EXAMPLE: the programme, every outcome and output (its kind, an output's parent
    outcome) with its indicators, their values for each of
    the programme's years up to `period` (with reported figures and whether they differ), the latest
    narrative of `period`, progress, and every difference. A draft's content; services.report_issue freezes
    it. Five queries."""
    years = [year for year in programme.years if year <= period] or [period]
    ordered = _indicators(programme)
    stored = _stored(programme, years)
    rows = _rows(programme, years, ordered, *stored)
    indicators = {i.pk: i for i in ordered}
    narratives: dict[int, Narrative] = {}
    for narrative in Narrative.objects.filter(indicator__programme=programme, period=period).order_by("version"):
        narratives[narrative.indicator_id] = narrative  # the latest version wins
    outcomes: dict[str, dict] = {}
    stored_outcomes = list(programme.outcomes.all())
    codes = {outcome.pk: outcome.code for outcome in stored_outcomes}  # an output's parent is of the programme
    for outcome in stored_outcomes:
        outcomes[outcome.code] = {"code": outcome.code, "kind": outcome.kind,
                                  "parent": codes.get(outcome.parent_id, ""), "statement_en": outcome.statement_en,
                                  "statement_km": outcome.statement_km, "indicators": []}
    for row in rows:
        indicator = indicators[row.indicator_id]
        outcome = outcomes.setdefault(row.outcome_code, {
            "code": row.outcome_code, "kind": Outcome.Kind.OUTCOME.value, "parent": "", "statement_en": "",
            "statement_km": "", "indicators": []})
        narrative = narratives.get(row.indicator_id)
        outcome["indicators"].append({
            "code": row.code, "statement_en": row.statement_en, "statement_km": row.statement_km, "unit": row.unit,
            "direction": row.direction, "baseline": _text(row.baseline), "baseline_year": row.baseline_year,
            "baseline_numerator": indicator.baseline_numerator, "baseline_denominator": indicator.baseline_denominator,
            "target": _text(row.target), "target_year": row.target_year,
            "means_of_verification": indicator.means_of_verification, "computation": row.computation,
            "parameters": indicator.parameters,
            "values": [{
                "period": c.period, "value": _text(c.value), "numerator": c.numerator, "denominator": c.denominator,
                "source": c.source, "breakdown": dict(c.breakdown),
                "disaggregation": {dim: [_group_json(g) for g in groups] for dim, groups in c.disaggregation.items()},
                "reported_value": _text(c.reported_value), "differs": c.differs,
            } for c in row.cells],
            "narrative_en": narrative.text_en if narrative else "",
            "narrative_km": narrative.text_km if narrative else "",
            "narrative_version": narrative.version if narrative else None,
            "progress": None if row.progress is None else {
                "share_of_way": _text(row.progress.share_of_way), "on_track": row.progress.on_track,
                "rule_en": row.progress.rule_en, "rule_km": row.progress.rule_km},
        })
    return {
        "programme": {"code": programme.code, "name": programme.name, "name_km": programme.name_km,
                      "donors": programme.donors, "start": programme.start.isoformat(),
                      "end": programme.end.isoformat()},
        "period": period, "years": years, "version": None, "status": "draft", "issued_at": None, "issued_by": "",
        "generated_at": timezone.now().isoformat(),
        "outcomes": sorted((o for o in outcomes.values() if o["indicators"] or o["code"]),
                           key=lambda o: (o["code"] == "", _code_key(o["code"]))),
        "differences": [{
            "indicator_code": d.indicator_code, "period": d.period, "kind": d.kind, "message_en": d.message_en,
            "message_km": d.message_km, "reported": _text(d.reported), "computed": _text(d.computed),
            "snapshot_id": d.snapshot_id,
        } for d in _differences(years, ordered, *stored)],
        # The stories staff chose for the report's annex (stories.selectors: told in the period, everyone they name
        # consenting to donor reports), in both languages.
        "stories": stories_selectors.report_stories(period),
        # The resources CBOs mobilised in the period: the table of effects (plans.selectors.report_resources).
        "effects": report_effects(period),
    }


def _both(label) -> tuple[str, str]:
    with translation.override("en"):
        english = str(label)
    with translation.override("km"):
        return english, str(label)


def _amount_words(value, measure: str) -> tuple[str, str]:
    """"3,000 US dollars" / "3,000 ដុល្លារអាមេរិក" for a total (the measure a currency or a unit)."""
    from samleng.plans.selectors import Currency, Unit  # plans sits left of results

    label = (Currency(measure) if measure in Currency.values else Unit(measure)).label
    english, khmer = _both(label)
    number = _plain(value)
    return f"{number} {english}", f"{to_khmer_digits(number)} {khmer}"


# In the table of effects, in place of a private CBO's name (a donor report leaves the organisation).
_UNNAMED_CBO = gettext_lazy("a community-based organisation")


def report_effects(period: int) -> list[dict]:
    """The donor report's table of effects: each resource a CBO received in the period, in both languages, with
    what it received in the period (a monthly one: as many months as were given then). A source's name only when
    it is an office's or an organisation's; a CBO's name only when the CBO is public: a private one is "a
    community-based organisation", its row and figures kept (plans.selectors.report_resources). One query."""
    from samleng.plans import selectors as plans_selectors  # plans sits left of results

    start, end = period_bounds(period)
    unnamed_en, unnamed_km = _both(_UNNAMED_CBO)
    effects = []
    for row in plans_selectors.report_resources(start, end):
        kind_en, kind_km = _both(plans_selectors.ResourceKind(row["kind"]).label)
        type_en, type_km = _both(plans_selectors.SourceType(row["source_type"]).label)
        received = []
        if row["amount"] is not None and row["currency"]:
            received.append(_amount_words(row["amount"] * row["times"], row["currency"]))
        if row["quantity"] is not None and row["unit"]:
            received.append(_amount_words(row["quantity"] * row["times"], row["unit"]))
        effects.append({
            "resource_id": row["resource_id"], "date": row["date"].isoformat(),
            "cbo_en": row["cbo_en"] if row["cbo_public"] else unnamed_en,
            "cbo_km": row["cbo_km"] if row["cbo_public"] else unnamed_km, "kind_en": kind_en, "kind_km": kind_km,
            "source_en": f"{type_en}: {row['source_en']}" if row["source_en"] else type_en,
            "source_km": f"{type_km}: {row['source_km'] or row['source_en']}" if row["source_en"] else type_km,
            "what_en": row["description_en"], "what_km": row["description_km"],
            "received_en": "; ".join(en for en, _km in received), "received_km": "; ".join(km for _en, km in received),
            "monthly": row["recurrence"] == "monthly", "months": row["times"] if row["recurrence"] == "monthly" else 0,
        })
    return effects


#: A CBO's name shorter than this (folded) is not looked for in a report's texts: it would be found inside words.
_NAME_AT_LEAST = 4


def report_private_names(content: dict) -> list[dict]:
    """The names of CBOs that are not public found in the texts staff wrote for a report (`content`, as
    report_content gives it): the programme's outcomes and indicators (statements, means of verification), the
    indicators' narratives, the table of effects' descriptions and the stories' titles, texts and photo captions. A
    donor report leaves the organisation, which names a private CBO nowhere else in it (report_effects,
    stories.selectors.report_stories); a text typed by hand may. Each finding: where (`where_en`, `where_km`) and
    the name, in the order of the report, each name once in a place. Compared as search compares
    (core.khmer.fold: letter case, Khmer spelled in another order or with look-alike letters; ’ as '); a name's
    Latin letters or digits at its start or end not run on into others ("Sre" is not named by "Sreng")."""
    names = {}
    for name_en, name_km in cbos_selectors.private_names():
        for name in (name_en, name_km):
            if len(folded := _folded(name)) >= _NAME_AT_LEAST:
                names.setdefault(folded, name.strip())
    texts = [(where, _folded(text)) for where, text in _report_texts(content)]
    # Thousands of names: each looked for once in all the texts together, then the few found in each text.
    together = "\n".join(text for _where, text in texts)
    candidates = [(key, name) for key, name in names.items() if key in together]
    found = []
    for (where_en, where_km), text in texts:
        for key, name in candidates:
            finding = {"where_en": where_en, "where_km": where_km, "name": name}
            if key in text and _named(key, text) and finding not in found:
                found.append(finding)
    return found


def _folded(text: str) -> str:
    return fold(text.strip()).replace("\u2019", "'")


def _named(name: str, text: str) -> bool:
    """Whether `name` (folded) is in `text` (folded) as a name: an end of it that is a Latin letter or digit not
    run on into another ("Sre" is not named by "Sreng"; Khmer, whose words are not spaced, is named anywhere,
    a Latin name written against Khmer letters too)."""
    before = "(?<![a-z0-9])" if re.match(r"[a-z0-9]", name) else ""
    after = "(?![a-z0-9])" if re.search(r"[a-z0-9]$", name) else ""
    return re.search(before + re.escape(name) + after, text) is not None


def _report_texts(content: dict):
    """((where in English, where in Khmer), text) of every text of `content` typed by hand."""
    for outcome in content.get("outcomes", []):
        where = _both_formatted(gettext_lazy("result %(code)s"), code=outcome["code"])
        yield from ((where, outcome[key]) for key in ("statement_en", "statement_km") if outcome.get(key))
        for indicator in outcome["indicators"]:
            where = _both_formatted(gettext_lazy("indicator %(code)s"), code=indicator["code"])
            yield from ((where, indicator[key]) for key in ("statement_en", "statement_km", "means_of_verification")
                        if indicator.get(key))
            where = _both_formatted(gettext_lazy("narrative of indicator %(code)s"), code=indicator["code"])
            yield from ((where, indicator[key]) for key in ("narrative_en", "narrative_km") if indicator.get(key))
    for effect in content.get("effects", []):
        where = _both_formatted(gettext_lazy("resources CBOs mobilised, %(id)s"), id=effect["resource_id"])
        yield from ((where, effect[key]) for key in ("what_en", "what_km") if effect.get(key))
    for story in content.get("stories", []):
        where = _both_formatted(gettext_lazy("story %(id)s"), id=story["story_id"])
        texts = [story.get(key) for key in ("title_en", "title_km", "text_en", "text_km")]
        texts += [photo.get(key) for photo in story.get("photos", []) for key in ("caption_en", "caption_km")]
        yield from ((where, text) for text in texts if text)


def _both_formatted(label, **values) -> tuple[str, str]:
    english, khmer = _both(label)
    return english % values, khmer % values


def programme_get(code: str) -> Programme | None:
    return Programme.objects.filter(code=code).first()


def programme_codes() -> list[str]:
    return list(Programme.objects.order_by("code").values_list("code", flat=True))


