"""The programme's results as an IATI 2.03 activity file (lxml): one iati-activity whose results are the
outputs (type 1) and outcomes (type 2) with their indicators, baselines and one period per year with its
actual value, broken down by the disaggregation groups as `dimension`s. Narratives are in English, with a
Khmer (xml:lang="km") duplicate wherever the content or the translation catalogue has the Khmer text; the
file is the same whichever language the report is asked in. `schema_errors` checks a file against the official schema
(data/iati-2.03/ in the shared folder)."""

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from samleng.core.khmer import to_khmer_digits, to_latin_digits
from samleng.results.models import Direction, Unit
from samleng.results.reports.common import (
    decimal_or_none,
    humanize,
    part_label,
    pick,
    plain_number,
)

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI codelists: OrganisationType 22 = national NGO (overridable with settings.IATI_ORG_TYPE);
# OrganisationRole 1 = funding, 4 = implementing; ActivityDateType 1 = planned start, 3 = planned end;
# ActivityStatus 1 = pipeline, 2 = implementation, 3 = finalisation; ResultType 1 = output, 2 = outcome;
# IndicatorMeasure 1 = unit, 2 = percentage; DescriptionType 1 = general; vocabulary 99 = the reporting
# organisation's own codes.
ORGANISATION_TYPE = "22"
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
PLANNED_START, PLANNED_END = "1", "3"
RESULT_OUTPUT, RESULT_OUTCOME = "1", "2"
MEASURE = {Unit.COUNT: "1", Unit.PERCENT: "2"}
OWN_VOCABULARY = "99"


def write(content: dict, language: str) -> bytes:
    return etree.tostring(activities(content), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activities(content: dict) -> etree._Element:
    """The iati-activities document of the report content."""
    generated = content.get("generated_at") or timezone.now().isoformat(timespec="seconds")
    root = etree.Element("iati-activities", {"version": VERSION, "generated-datetime": generated})
    root.append(_activity(content, generated))
    return root


def activity_identifier(code: str) -> str:
    """The organisation identifier, a hyphen and the programme code: "XM-SAMLENG-DEMO-N-KHM-2022-0265"."""
    return f"{settings.IATI_ORG_REF}-{code}"


def _activity(content: dict, generated: str) -> etree._Element:
    programme = content["programme"]
    start, end = dt.date.fromisoformat(programme["start"]), dt.date.fromisoformat(programme["end"])
    activity = etree.Element("iati-activity", {
        "last-updated-datetime": content.get("issued_at") or generated, XML_LANG: "en", "hierarchy": "1"})
    _add(activity, "iati-identifier").text = activity_identifier(programme["code"])
    reporting = _add(activity, "reporting-org", ref=settings.IATI_ORG_REF, type=_organisation_type())
    _narratives(reporting, settings.ORGANISATION_NAME)
    _narratives(_add(activity, "title"), programme.get("name") or programme["code"], programme.get("name_km", ""))
    _narratives(_add(activity, "description", type="1"), *_translated(_description, content))
    for donor in _donors(programme.get("donors", "")):
        _narratives(_add(activity, "participating-org", role=ROLE_FUNDING), donor)
    implementing = _add(activity, "participating-org", ref=settings.IATI_ORG_REF, role=ROLE_IMPLEMENTING,
                        type=_organisation_type())
    _narratives(implementing, settings.ORGANISATION_NAME)
    _add(activity, "activity-status", code=_status(start, end, dt.date.fromisoformat(generated[:10])))
    _add(activity, "activity-date", type=PLANNED_START, **{"iso-date": start.isoformat()})
    _add(activity, "activity-date", type=PLANNED_END, **{"iso-date": end.isoformat()})
    for outcome in content.get("outcomes", []):
        if outcome.get("indicators"):  # the schema wants at least one indicator in a result
            activity.append(_result(outcome, content, start, end))
    return activity


def _result(outcome: dict, content: dict, start: dt.date, end: dt.date) -> etree._Element:
    # A content frozen before outputs existed has no kind: all its results were outcomes.
    output = outcome.get("kind") == "output"
    result = etree.Element("result", {"type": RESULT_OUTPUT if output else RESULT_OUTCOME,
                                      "aggregation-status": "false"})
    if outcome.get("code"):
        title = gettext_noop("Output %(code)s: %(statement)s") if output else gettext_noop(
            "Outcome %(code)s: %(statement)s")
        _narratives(_add(result, "title"), *_titled(title, outcome))
        _add(result, "reference", vocabulary=OWN_VOCABULARY, code=str(outcome["code"]))
    else:
        _narratives(_add(result, "title"), *_translated(lambda: _("Indicators outside any outcome")))
    for indicator in outcome["indicators"]:
        result.append(_indicator(indicator, content, start, end))
    return result


def _indicator(indicator: dict, content: dict, start: dt.date, end: dt.date) -> etree._Element:
    unit = indicator.get("unit", "")
    element = etree.Element("indicator", {
        "measure": MEASURE.get(unit, "1"),
        "ascending": "false" if indicator.get("direction") == Direction.DOWN else "true",
    })
    _narratives(_add(element, "title"), *_titled(gettext_noop("Indicator %(code)s: %(statement)s"), indicator))
    if indicator.get("means_of_verification"):
        _narratives(_add(element, "description"), indicator["means_of_verification"])
    _add(element, "reference", vocabulary=OWN_VOCABULARY, code=str(indicator.get("code", "")))
    baseline = decimal_or_none(indicator.get("baseline"))
    if baseline is not None:
        element.append(_baseline(indicator, baseline, start))
    values = {value.get("period"): value for value in indicator.get("values", [])}
    target_year = indicator.get("target_year") or end.year
    years = sorted(set(content.get("years") or values) | ({target_year} if start.year <= target_year else set()))
    for year in years:
        period = _period(year, values.get(year), indicator, target_year, start, end)
        if period is not None:
            element.append(period)
    return element


def _baseline(indicator: dict, baseline: Decimal, start: dt.date) -> etree._Element:
    """The baseline, dated at the end of its year, or at the programme's start when taken in that year."""
    year = indicator.get("baseline_year") or start.year
    date = dt.date(year, 12, 31) if year < start.year else start
    element = etree.Element("baseline", {"year": str(year), "iso-date": date.isoformat(), "value": _value(baseline)})
    comment = _fraction_comment(indicator.get("baseline_numerator"), indicator.get("baseline_denominator"), {})
    if comment[0]:
        _narratives(_add(element, "comment"), *comment)
    return element


def _period(year: int, value: dict | None, indicator: dict, target_year: int, start: dt.date,
            end: dt.date) -> etree._Element | None:
    """The indicator's period of `year`: its target when the target is due that year, its actual value
    and one actual per disaggregation group; None when it has neither (no data is not a zero)."""
    target = decimal_or_none(indicator.get("target")) if year == target_year else None
    actual = decimal_or_none(value.get("value")) if value else None
    if target is None and actual is None:
        return None
    period = etree.Element("period")
    period_start = max(start, dt.date(year, 1, 1)) if year >= start.year else dt.date(year, 1, 1)
    period_end = min(end, dt.date(year, 12, 31)) if year <= end.year else dt.date(year, 12, 31)
    _add(period, "period-start", **{"iso-date": period_start.isoformat()})
    _add(period, "period-end", **{"iso-date": period_end.isoformat()})
    if target is not None:
        _add(period, "target", value=_value(target))
    if actual is not None:
        total = _add(period, "actual", value=_value(actual))
        comment = _fraction_comment(value.get("numerator"), value.get("denominator"), value.get("breakdown") or {})
        if comment[0]:
            _narratives(_add(total, "comment"), *comment)
        for dimension, groups in (value.get("disaggregation") or {}).items():
            for group in groups:
                _group_actual(period, dimension, group)
    return period


def _group_actual(period: etree._Element, dimension: str, group: dict) -> None:
    value = decimal_or_none(group.get("value"))
    if value is None:
        return
    actual = _add(period, "actual", value=_value(value))
    _add(actual, "dimension", name=dimension, value=group.get("label_en") or humanize(group.get("key", "")))
    comment = _fraction_comment(group.get("numerator"), group.get("denominator"), {})
    if comment[0]:
        _narratives(_add(actual, "comment"), *comment)


# ---------------------------------------------------------------------------------------------------------
# Texts


def _narratives(parent: etree._Element, english: str, khmer: str = "") -> None:
    """An English narrative, and a Khmer one when there is Khmer text; at least one of them."""
    if english or not khmer:
        _add(parent, "narrative").text = english or "–"
    if khmer:
        _add(parent, "narrative", **{XML_LANG: "km"}).text = khmer


def _translated(build, *args) -> tuple[str, str]:
    """(English, Khmer) of a text built with gettext. Khmer is "" when it says nothing the English does not
    (the catalogue has no translation yet, only the digits differ): English is not repeated as Khmer."""
    with translation.override("en"):
        english = build(*args)
    with translation.override("km"):
        khmer = build(*args)
    return english, "" if to_latin_digits(khmer) == english else khmer


def _titled(template: str, item: dict) -> tuple[str, str]:
    """"Outcome 1: statement" in English and, when the statement exists in Khmer, in Khmer."""

    def build() -> str:
        khmer = translation.get_language() == "km"
        statement = item.get("statement_km", "") if khmer else item.get("statement_en", "")
        return _(template) % {"code": _digits(item.get("code", "")), "statement": statement}

    english, khmer = _translated(build)
    return english, khmer if item.get("statement_km") else ""


def _fraction_comment(numerator, denominator, breakdown: dict) -> tuple[str, str]:
    """"39/50; solved 9, partly solved 30" (English, Khmer); ("", "") when there is nothing to say."""

    def build() -> str:
        parts = []
        if numerator is not None and denominator is not None:
            parts.append(_digits(f"{plain_number(numerator, 0)}/{plain_number(denominator, 0)}"))
        if breakdown:
            parts.append(", ".join(f"{part_label(key)} {_digits(plain_number(count, 2))}"
                                   for key, count in breakdown.items()))
        return "; ".join(parts)

    return _translated(build)


def _digits(text) -> str:
    return to_khmer_digits(text) if translation.get_language() == "km" else str(text)


def _description(content: dict) -> str:
    programme = content["programme"]
    text = _("Results of %(name)s (%(code)s) as reported in the annual progress report %(period)s, version "
             "%(version)s: each outcome's indicators with their baseline, target and the value of every year, "
             "computed from the records.") % {
        "name": pick(programme.get("name_km", ""), programme.get("name", "")), "code": programme.get("code", ""),
        "period": _digits(content.get("period", "")), "version": _digits(content.get("version", 1))}
    if programme.get("donors"):
        text += " " + _("Funded by %(donors)s.") % {"donors": programme["donors"]}
    return text


# ---------------------------------------------------------------------------------------------------------
# Small things


def _add(parent: etree._Element, tag: str, **attributes) -> etree._Element:
    return etree.SubElement(parent, tag, {key: str(value) for key, value in attributes.items()})


def _value(number: Decimal) -> str:
    """A number as IATI wants it: plain digits, no thousands separator, no exponent ("78", "39.759")."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _donors(donors: str) -> list[str]:
    return [name.strip() for name in donors.replace(",", ";").split(";") if name.strip()]


def _organisation_type() -> str:
    return str(getattr(settings, "IATI_ORG_TYPE", ORGANISATION_TYPE))


def _status(start: dt.date, end: dt.date, today: dt.date) -> str:
    if today < start:
        return "1"
    return "2" if today <= end else "3"


@lru_cache(maxsize=4)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def schema_errors(data: bytes, schema_dir: Path) -> list[str]:
    """The schema's complaints about an IATI activity file (none when it is valid), checked against
    iati-activities-schema.xsd in `schema_dir` (which includes its neighbours; nothing is fetched)."""
    schema = _schema(str(Path(schema_dir) / "iati-activities-schema.xsd"))
    document = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
