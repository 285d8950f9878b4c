"""What every report format shares: the labels (translated here, once), file names and content types, how
numbers, fractions, breakdowns and disaggregations are written in the report's language, and `prepare`,
which turns a report content dict (results.types.REPORT_CONTENT_EXAMPLE) into the texts the Word and PDF
reports print. Call everything here inside `translation.override(language)`."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from samleng.core.dates import long_date, long_datetime
from samleng.core.i18n import khmer_shown, local_text
from samleng.core.khmer import to_khmer_digits
from samleng.core.numbers import percent
from samleng.results.labels import dimension_label, humanize, part_label
from samleng.results.models import Direction, Unit
from samleng.results.templatetags.results_figures import dimensions_in_order
from samleng.stories import selectors as stories_selectors

#: fmt -> (file extension, content type)
FORMATS = {
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("pdf", "application/pdf"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "iati": ("xml", "application/xml"),
}
LANGUAGES = ("en", "km")

# The Khmer fonts of Debian's fonts-khmeros, which fontconfig resolves (no web font is ever fetched).

DIFFERENCE_KINDS = {
    "reported_vs_computed": gettext_lazy("reported figure differs from the computed one"),
    "parts_vs_whole": gettext_lazy("the parts do not add up to the whole"),
    "share_vs_fraction": gettext_lazy("the share does not match its fraction"),
    "cumulative_falls": gettext_lazy("a cumulative figure falls"),
}
# Differences between a past report and the records (reconciliation); the others are a report
# contradicting itself (consistency).
RECONCILIATION_KINDS = {"reported_vs_computed"}



def labels() -> dict[str, str]:
    """Every fixed text of the reports, in the active language; the PDF template reads them as `t.*`."""
    return {
        "report_title": _("Annual progress report"),
        "programme": _("Programme"),
        "programme_code": _("Programme code"),
        "donors": _("Donors"),
        "programme_period": _("Programme period"),
        "reporting_period": _("Reporting period"),
        "version": _("Version"),
        "status": _("Status"),
        "generated": _("Generated"),
        "organisation": _("Organisation"),
        "results": _("Results"),
        "outcome": _("Outcome"),
        "output": _("Output"),
        "indicator": _("Indicator"),
        "code": _("Code"),
        "statement": _("Statement"),
        "unit": pgettext("indicator", "Unit"),
        "direction": pgettext("indicator", "Direction"),
        "baseline": _("Baseline"),
        "target": _("Target"),
        "year": _("Year"),
        "period": _("Period"),
        "value": _("Value"),
        "numerator": _("Numerator"),
        "denominator": _("Denominator"),
        "fraction": _("Numerator / denominator"),
        "breakdown": _("Breakdown"),
        "disaggregation": _("Disaggregation"),
        "reported": _("Reported figure"),
        "reported_value": _("Reported value"),
        "computed": _("Computed figure"),
        "differs": _("Differs"),
        "progress": _("Progress"),
        "on_track_rule": _("Rule for on track"),
        "narrative": _("Narrative"),
        "no_narrative": _("No narrative written yet."),
        "means_of_verification": _("Means of verification"),
        "source": _("Source"),
        "differences": _("Differences"),
        "reconciliation": _("Reconciliation with past reports"),
        "reconciliation_intro": _("Figures a past report stated that differ from the figures computed from "
                                  "the records."),
        "consistency": _("Consistency of past reports"),
        "consistency_intro": _("Places where a past report contradicts itself."),
        "no_differences": _("No differences."),
        "kind": _("Kind"),
        "explanation": _("Explanation"),
        "indicators_sheet": _("Indicators"),
        "differences_sheet": _("Differences"),
        "yes": pgettext("a reported figure differs from the computed one", "yes"),
        "no": pgettext("a reported figure differs from the computed one", "no"),
        "no_indicators": _("This outcome has no indicators."),
        "output_no_indicators": _("This output has no indicators."),
        "no_outcome": _("Indicators outside any outcome"),
        "page": _("Page"),
        "annex_stories": _("Annex: stories of change"),
        "annex_intro": _("Case studies told by the communities, chosen for this report; the people they name "
                         "consented to it."),
        "story_about": _("About"),
        "effects": _("Unintended positive effects: resources CBOs mobilised"),
        "effects_intro": _("Money, goods, land, equipment or training given to the CBOs or their communities "
                           "because of their work, received in the period. Riels and dollars are never converted; "
                           "a monthly resource counts the months it was given in the period."),
        "effect_cbo": _("CBO"),
        "effect_date": _("Date"),
        "effect_kind": _("Kind"),
        "effect_from": _("From"),
        "effect_what": _("What"),
        "effect_received": _("Received in the period"),
    }


# ---------------------------------------------------------------------------------------------------------
# Numbers


def decimal_or_none(value) -> Decimal | None:
    """A content number ("78.0000", 39, None) as a Decimal; None for none or an empty string."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def plain_number(value, decimals: int = 2) -> str:
    """A number rounded to at most `decimals` places (two, as the results pages show them), trailing zeros
    dropped, thousands separated, in Latin digits: "78.0000" -> "78", "39.7590" -> "39.76", 99827 -> "99,827"."""
    number = decimal_or_none(value)
    if number is None:
        return ""
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def decimals_in(value) -> int:
    """How many decimals a figure was stated with ("7.06" -> 2, "45.0000" -> 0)."""
    text = plain_number(value, 4)
    return len(text.split(".")[1]) if "." in text else 0


def digits(text) -> str:
    """Khmer digits when the report is in Khmer."""
    text = "" if text is None else str(text)
    return to_khmer_digits(text) if khmer_shown() else text


def figure(value, unit: str, decimals: int | None = None) -> str:
    """A figure as the report prints it: a share as pages and the command line print it (core.numbers.percent:
    "78%", "39.8%", "៧៨%"; with `decimals` places when a reported figure beside it was printed with more), a
    count "3" (at most two decimals, or `decimals`); "" when there is none."""
    if unit == Unit.PERCENT:
        return percent(value, places=1 if decimals is None else max(1, decimals))
    text = plain_number(value, 2 if decimals is None else decimals)
    return digits(text) if text else ""


def fraction(numerator, denominator) -> str:
    """"39/50" (in Khmer digits in Khmer); "" unless both are known."""
    if numerator is None or denominator is None:
        return ""
    return digits(f"{plain_number(numerator, 0)}/{plain_number(denominator, 0)}")


def no_data_text(denominator) -> str:
    if denominator == 0:
        return _("no data (the denominator is empty)")
    return _("no data")


# ---------------------------------------------------------------------------------------------------------
# Words


def pick(km: str, en: str) -> str:
    """The Khmer or English text, whichever the report is in, falling back to the other one."""
    return local_text(km or "", en or "")


def group_label(group: dict) -> str:
    return pick(group.get("label_km", ""), group.get("label_en", "")) or humanize(group.get("key", ""))


def unit_label(unit: str) -> str:
    return str(Unit(unit).label) if unit in Unit.values else humanize(unit)


def direction_label(direction: str) -> str:
    return str(Direction(direction).label) if direction in Direction.values else humanize(direction)


def difference_kind_label(kind: str) -> str:
    return str(DIFFERENCE_KINDS.get(kind, humanize(kind)))


def breakdown_text(breakdown: dict) -> str:
    """"solved 9, partly solved 30"."""
    return ", ".join(f"{part_label(key)} {digits(plain_number(count, 2))}"
                     for key, count in (breakdown or {}).items())


def group_text(group: dict, unit: str) -> str:
    """"Kampong Thom 80% (8/10)"; a count group: "female 12"."""
    value = figure(group.get("value"), unit)
    if group.get("value") is None:
        value = no_data_text(group.get("denominator"))
    share = fraction(group.get("numerator"), group.get("denominator"))
    return f"{group_label(group)} {value}" + (f" ({share})" if share else "")


def disaggregation_column(dimension: str, group: dict) -> str:
    """The Excel column of a group: "sex: female", "province: Kampong Thom"."""
    return f"{dimension_label(dimension)}: {group_label(group)}"


def status_text(content: dict) -> str:
    """"Draft" or "Issued on 2025-02-03 by Sok Dara"."""
    if content.get("status") != "issued":
        return _("Draft: the figures may still change")
    when = local_time_text(content.get("issued_at"))
    who = content.get("issued_by") or ""
    if who:
        return _("Issued on %(date)s by %(name)s") % {"date": when, "name": who}
    return _("Issued on %(date)s") % {"date": when}


def _local(iso: str) -> dt.datetime | None:
    """An ISO time (any offset) in the local time zone (Phnom Penh): the day it was there."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def date_text(iso: str | None) -> str:
    """An ISO date or time as the local day in words, as pages write it (core.dates.long_date): "10 February
    2025", "១០ កុម្ភៈ ២០២៥"; "" for none, and a text that is not a date as it is."""
    if not iso:
        return ""
    moment = _local(iso) if "T" in iso else None
    if moment:
        return long_date(moment.date())
    try:
        return long_date(dt.date.fromisoformat(iso[:10]))
    except ValueError:
        return digits(iso)


def local_time_text(iso: str | None) -> str:
    """An ISO time as the local day and time of day (core.dates.long_datetime): "3 February 2025, 14:05"."""
    moment = _local(iso) if iso else None
    return long_datetime(moment) if moment else date_text(iso)


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n|\r?\n", text or "") if part.strip()]


def file_name(content: dict, fmt: str, language: str) -> str:
    """N-KHM-2022-0265-2024-v1-km.pdf (...-2024-draft-km.pdf before a version is issued); the IATI file
    carries both languages: ...-v1-iati.xml."""
    programme = content["programme"]
    suffix = "iati" if fmt == "iati" else language
    version = f"v{content['version']}" if content.get("version") else "draft"  # a draft has no number yet
    stem = f"{programme['code']}-{content['period']}-{version}-{suffix}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem) + "." + FORMATS[fmt][0]


# ---------------------------------------------------------------------------------------------------------
# The Word and PDF report


@dataclass
class ValueView:
    period: str
    value: str  # "78%" or "no data"
    fraction: str  # "39/50" or ""
    breakdown: str  # "solved 9, partly solved 30"
    disaggregation: list[str]  # "sex: female 80% (8/10), male 70% (14/20)"
    reported: str  # the figure a past report stated, "" when none
    differs: bool  # the reported figure differs from the computed one: both are printed
    no_data: bool


@dataclass
class IndicatorView:
    code: str
    statement: str
    unit: str
    direction: str
    baseline: str
    target: str
    means_of_verification: str
    values: list[ValueView]
    progress: str
    on_track_rule: str
    on_track: bool | None
    narrative: list[str]  # paragraphs


@dataclass
class OutcomeView:
    """An outcome or an output of the framework, as the report prints it."""

    code: str
    statement: str
    title: str  # "Outcome 1: The engagement of citizens...", "Output 1.1: ..."
    indicators: list[IndicatorView]
    no_indicators: str = ""  # what is said when it has none


@dataclass
class DifferenceView:
    indicator: str
    period: str
    kind: str
    message: str
    reported: str
    computed: str


@dataclass
class StoryView:
    """A story of the annex: its title, "12 July 2024 · Klaeng", the CBOs it tells about, its paragraphs."""

    title: str
    told: str
    about: str
    paragraphs: list[str]
    photos: list[tuple[bytes, str]] = field(default_factory=list)  # (JPEG, caption) still consented to reports


@dataclass
class EffectView:
    """A row of the table of effects: a resource a CBO received in the period."""

    cbo: str
    date: str
    kind: str
    source: str
    what: str
    received: str


@dataclass
class ReportView:
    language: str
    khmer: bool
    t: dict
    organisation: str
    programme_name: str
    programme_code: str
    donors: str
    programme_period: str
    period: str
    version: str
    status: str
    issued: bool
    generated: str
    outcomes: list[OutcomeView]
    reconciliation: list[DifferenceView] = field(default_factory=list)
    consistency: list[DifferenceView] = field(default_factory=list)
    annex: list[StoryView] = field(default_factory=list)
    effects: list[EffectView] = field(default_factory=list)

    @property
    def difference_sections(self) -> list[tuple[str, str, list[DifferenceView]]]:
        """(title, introduction, differences) of the reconciliation, then of the consistency checks."""
        return [(self.t["reconciliation"], self.t["reconciliation_intro"], self.reconciliation),
                (self.t["consistency"], self.t["consistency_intro"], self.consistency)]


def prepare(content: dict, language: str, organisation: str = "") -> ReportView:
    """The texts of the annual progress report, in the active language (call inside translation.override)."""
    programme = content["programme"]
    t = labels()
    units = {indicator.get("code"): indicator.get("unit", "")
             for outcome in content.get("outcomes", []) for indicator in outcome.get("indicators", [])}
    differences = [_difference_view(d, units.get(d.get("indicator_code"), "")) for d in content.get("differences", [])]
    kinds = [d.get("kind") for d in content.get("differences", [])]
    return ReportView(
        language=language,
        khmer=khmer_shown(),
        t=t,
        organisation=organisation,
        programme_name=pick(programme.get("name_km", ""), programme.get("name", "")),
        programme_code=programme.get("code", ""),
        donors=programme.get("donors", ""),
        programme_period=f"{date_text(programme.get('start'))} – {date_text(programme.get('end'))}",
        period=digits(content.get("period", "")),
        version=digits(content.get("version") or ""),  # a draft has no version number yet
        status=status_text(content),
        issued=content.get("status") == "issued",
        generated=date_text(content.get("generated_at")),
        outcomes=[_outcome_view(outcome, t) for outcome in content.get("outcomes", [])],
        reconciliation=[d for d, kind in zip(differences, kinds, strict=True) if kind in RECONCILIATION_KINDS],
        consistency=[d for d, kind in zip(differences, kinds, strict=True) if kind not in RECONCILIATION_KINDS],
        annex=_annex(content.get("stories", [])),
        effects=[_effect_view(effect, t) for effect in content.get("effects", [])],
    )


def _effect_view(effect: dict, t: dict) -> EffectView:
    """A row of the table of effects in the report's language (falling back to the other one)."""
    received = pick(effect.get("received_km", ""), effect.get("received_en", ""))
    if effect.get("monthly"):
        received = f"{received} ({_('%(n)s months') % {'n': digits(effect.get('months', 0))}})"
    return EffectView(cbo=pick(effect.get("cbo_km", ""), effect.get("cbo_en", "")), date=date_text(effect.get("date")),
                      kind=pick(effect.get("kind_km", ""), effect.get("kind_en", "")),
                      source=pick(effect.get("source_km", ""), effect.get("source_en", "")),
                      what=pick(effect.get("what_km", ""), effect.get("what_en", "")), received=received)


def _annex(stories: list[dict]) -> list[StoryView]:
    """The annex's stories, with the photos whose consent for donor reports is still given when the file is
    written (stories.selectors.report_photo_bytes: one query, whatever the photos)."""
    pks = [photo["pk"] for story in stories for photo in story.get("photos", [])]
    files = stories_selectors.report_photo_bytes(pks) if pks else {}
    views = []
    for story in stories:
        view = _story_view(story)
        view.photos = [(files[photo["pk"]], pick(photo.get("caption_km", ""), photo.get("caption_en", "")))
                       for photo in story.get("photos", []) if photo["pk"] in files]
        views.append(view)
    return views


def _story_view(story: dict) -> StoryView:
    """A story of the annex in the report's language (falling back to the other one)."""
    told = " · ".join(part for part in (date_text(story.get("told_on")),
                                        pick(story.get("place_km", ""), story.get("place_en", ""))) if part)
    about = ", ".join(pick(cbo.get("name_km", ""), cbo.get("name_en", "")) for cbo in story.get("cbos", []))
    return StoryView(title=pick(story.get("title_km", ""), story.get("title_en", "")), told=told, about=about,
                     paragraphs=paragraphs(pick(story.get("text_km", ""), story.get("text_en", ""))))


def _outcome_view(outcome: dict, t: dict) -> OutcomeView:
    code = digits(outcome.get("code", ""))
    statement = pick(outcome.get("statement_km", ""), outcome.get("statement_en", ""))
    # A content frozen before outputs existed has no kind: all its results were outcomes.
    output = outcome.get("kind") == "output"
    return OutcomeView(
        code=code,
        statement=statement,
        title=f"{t['output' if output else 'outcome']} {code}: {statement}" if code else t["no_outcome"],
        indicators=[_indicator_view(indicator) for indicator in outcome.get("indicators", [])],
        no_indicators=t["output_no_indicators" if output else "no_indicators"],
    )


def _indicator_view(indicator: dict) -> IndicatorView:
    unit = indicator.get("unit", "")
    progress = indicator.get("progress") or {}
    return IndicatorView(
        code=digits(indicator.get("code", "")),
        statement=pick(indicator.get("statement_km", ""), indicator.get("statement_en", "")),
        unit=unit_label(unit),
        direction=direction_label(indicator.get("direction", "")),
        baseline=_baseline_text(indicator),
        target=_with_year(figure(indicator.get("target"), unit), indicator.get("target_year")),
        means_of_verification=indicator.get("means_of_verification", ""),
        values=[_value_view(value, unit) for value in indicator.get("values", [])],
        progress=_progress_text(progress),
        on_track_rule=pick(progress.get("rule_km", ""), progress.get("rule_en", "")),
        on_track=progress.get("on_track"),
        narrative=paragraphs(pick(indicator.get("narrative_km", ""), indicator.get("narrative_en", ""))),
    )


def _with_year(text: str, year) -> str:
    if not text:
        return "–"
    return f"{text} ({digits(year)})" if year else text


def _baseline_text(indicator: dict) -> str:
    """"14% (2022)", with the fraction when known: "14% (7/50, 2022)"."""
    text = figure(indicator.get("baseline"), indicator.get("unit", ""))
    if not text:
        return "–"
    details = [part for part in (fraction(indicator.get("baseline_numerator"), indicator.get("baseline_denominator")),
                                 digits(indicator.get("baseline_year") or "")) if part]
    return f"{text} ({', '.join(details)})" if details else text


def _value_view(value: dict, unit: str) -> ValueView:
    no_data = value.get("value") is None
    reported = value.get("reported_value")
    differs = bool(value.get("differs"))
    # Print the computed figure with at least the precision of the reported one, so that a reported "7.06%"
    # is not set beside a computed "7.1%" as if they differed (one decimal otherwise, as everywhere).
    decimals = decimals_in(reported) if decimals_in(reported) > 1 else None
    return ValueView(
        period=digits(value.get("period", "")),
        value=no_data_text(value.get("denominator")) if no_data else figure(value.get("value"), unit, decimals),
        fraction=fraction(value.get("numerator"), value.get("denominator")),
        breakdown=breakdown_text(value.get("breakdown") or {}),
        disaggregation=[
            f"{dimension_label(dimension)}: " + ", ".join(group_text(group, unit) for group in groups)
            for dimension, groups in dimensions_in_order(value.get("disaggregation") or {}) if groups
        ],
        reported=figure(reported, unit, 4) if decimal_or_none(reported) is not None else "",
        differs=differs,
        no_data=no_data,
    )


def _progress_text(progress: dict) -> str:
    share = decimal_or_none(progress.get("share_of_way"))
    parts = []
    if share is not None:
        parts.append(_("%(share)s of the way from the baseline to the target")
                     % {"share": percent(share)})
    on_track = progress.get("on_track")
    if on_track is True:
        parts.append(_("on track"))
    elif on_track is False:
        parts.append(_("not on track"))
    else:
        parts.append(_("on track or not: cannot be said yet"))
    return "; ".join(parts)


def _difference_view(difference: dict, unit: str) -> DifferenceView:
    reported, computed = difference.get("reported"), difference.get("computed")
    decimals = decimals_in(reported) if decimals_in(reported) > 1 else None
    return DifferenceView(
        indicator=digits(difference.get("indicator_code", "")),
        period=digits(difference.get("period", "")),
        kind=difference_kind_label(difference.get("kind", "")),
        message=pick(difference.get("message_km", ""), difference.get("message_en", "")),
        reported=figure(reported, unit, 4) or "–",
        computed=figure(computed, unit, decimals) or "–",
    )
