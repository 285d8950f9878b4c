"""How the results pages write figures: a value with its unit, a fraction n/N, a statement in the page's
language, and the progress bar (inline SVG drawn on the server, no script). Digits are Khmer on Khmer pages."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from samleng.core.i18n import local_text
from samleng.core.numbers import percent
from samleng.core.templatetags.samleng import digits, num
from samleng.results.labels import DIMENSIONS, dimension_label
from samleng.results.labels import part_label as _part_label

register = template.Library()

# The progress bar's drawing box: a track across the width, marks above and below it.
_WIDTH, _HEIGHT, _PAD = 200, 28, 6
_TRACK_Y, _TRACK_H = 10, 8


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def figure(value, unit="count"):
    """A value as the pages show it: a percent whole when whole, else with one decimal ("78%", "39.8%":
    core.numbers.percent, as reports and the command line print it), "39" for a count; "no data" when there
    is none (an empty denominator is never 0%)."""
    number = _decimal(value)
    if number is None:
        return _("no data")
    if unit == "percent":
        return percent(number)
    return num(number.quantize(Decimal("0.01")))


@register.filter
def fraction(numerator, denominator):
    """ "39/50", or "" when there is no denominator (a count has none)."""
    if denominator is None or denominator == "":
        return ""
    return f"{num(numerator or 0)}/{num(denominator)}"


@register.filter
def statement(obj):
    """The statement of an outcome or indicator (a model, a Row or a report dict) in the page's language."""
    if isinstance(obj, dict):
        return local_text(obj.get("statement_km", ""), obj.get("statement_en", ""))
    return local_text(getattr(obj, "statement_km", ""), getattr(obj, "statement_en", ""))


@register.filter
def bilingual(obj, stem="message"):
    """`obj.<stem>_km` or `obj.<stem>_en` (a difference's message, a group's label, a progress rule)."""
    get = obj.get if isinstance(obj, dict) else (lambda key, default="": getattr(obj, key, default))
    return local_text(get(f"{stem}_km", ""), get(f"{stem}_en", ""))


@register.filter
def dimension(key):
    """The name of a disaggregation ("sex", "province"...) in the page's language."""
    return dimension_label(key)


@register.filter
def part_label(key):
    """A part of a breakdown ("partly_solved") in words."""
    return _part_label(key)


@register.filter
def dimensions_in_order(disaggregation):
    """The (dimension, groups) pairs of a disaggregation, the known dimensions first in their usual order."""
    if not disaggregation:
        return []
    known = [key for key in DIMENSIONS if key in disaggregation]
    others = sorted(key for key in disaggregation if key not in DIMENSIONS)
    return [(key, disaggregation[key]) for key in known + others]


def _scale_top(unit: str, numbers: list[Decimal]) -> Decimal:
    """The value at the right end of the bar: 100 for a percent, a little past the largest figure otherwise."""
    if unit == "percent":
        return Decimal(100)
    largest = max(numbers, default=Decimal(0))
    return max(largest * Decimal("1.1"), Decimal(1))


def progress_geometry(*, unit: str, baseline, target, value) -> dict | None:
    """Where baseline, target and value fall on the bar, in drawing units; None without a target (there is
    nothing to make progress towards). Values past the ends are drawn at the ends."""
    baseline, target, value = _decimal(baseline), _decimal(target), _decimal(value)
    if target is None:
        return None
    numbers = [n for n in (baseline, target, value) if n is not None]
    top = _scale_top(unit, numbers)

    def x(number: Decimal | None) -> float | None:
        if number is None:
            return None
        share = min(max(number / top, Decimal(0)), Decimal(1))
        return round(_PAD + float(share) * (_WIDTH - 2 * _PAD), 1)

    start = x(baseline) if baseline is not None else x(Decimal(0))
    end = x(value)
    segment = None if end is None else (min(start, end), round(abs(end - start), 1))
    return {"baseline": x(baseline), "target": x(target), "value": end, "segment": segment}


def _summary(row, latest) -> str:
    """The bar in words, for screen readers and as the SVG's title."""
    parts = []
    if row.baseline is not None:
        parts.append(_("baseline %(figure)s") % {"figure": figure(row.baseline, row.unit)})
    if latest is not None:
        parts.append(_("%(year)s: %(figure)s") % {"year": digits(latest.period),
                                                   "figure": figure(latest.value, row.unit)})
    parts.append(_("target %(figure)s") % {"figure": figure(row.target, row.unit)})
    return "; ".join(parts)


def _latest_with_value(row):
    return next((cell for cell in reversed(row.cells) if cell.value is not None), None)


@register.simple_tag
def progress_bar(row):
    """The progress bar of an indicator (a types.Row): the baseline as a line, the target as a diamond, the
    latest value as a dot, and the way from baseline to value filled, green when on track, orange when
    not, grey when it cannot be said. Direction-aware: for "lower is better" the target lies left of the
    baseline and progress runs leftwards."""
    latest = _latest_with_value(row)
    geometry = progress_geometry(unit=row.unit, baseline=row.baseline, target=row.target,
                                 value=latest.value if latest else None)
    if geometry is None:
        return ""
    on_track = row.progress.on_track if row.progress else None
    state = {True: "on-track", False: "off-track"}.get(on_track, "unknown")
    summary = _summary(row, latest)
    shapes = [format_html('<rect class="track" x="{}" y="{}" width="{}" height="{}" rx="3"/>',
                          _PAD, _TRACK_Y, _WIDTH - 2 * _PAD, _TRACK_H)]
    if geometry["segment"]:
        left, width = geometry["segment"]
        shapes.append(format_html('<rect class="way {}" x="{}" y="{}" width="{}" height="{}"/>',
                                  state, left, _TRACK_Y, max(width, 1), _TRACK_H))
    if geometry["baseline"] is not None:
        shapes.append(format_html('<line class="baseline" x1="{0}" x2="{0}" y1="4" y2="24"/>', geometry["baseline"]))
    t = geometry["target"]
    shapes.append(format_html('<path class="target" d="M{} 1 l5 5 l-5 5 l-5 -5 z"/>', t))
    if geometry["value"] is not None:
        shapes.append(format_html('<circle class="value {}" cx="{}" cy="{}" r="5"/>',
                                  state, geometry["value"], _TRACK_Y + _TRACK_H / 2))
    return format_html(
        '<svg class="progress" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        _WIDTH, _HEIGHT, summary, summary, mark_safe("".join(shapes)),  # noqa: S308 (each shape is escaped)
    )


@register.filter
def on_track_words(progress):
    """ "on track" / "not on track" / "" for a types.Progress."""
    if progress is None or progress.on_track is None:
        return ""
    return _("on track") if progress.on_track else _("not on track")
