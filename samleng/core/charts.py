"""Charts drawn on the server as small inline SVG: no script, no chart library, no web font, readable on a
360-pixel screen and on paper.

Every chart has a <title> and a <desc> (what a screen reader says), text labels rather than colours alone,
a <title> on each mark with its exact value, and digits in Khmer on Khmer pages. The page should still give
the figures as text or a table: a chart shows the shape, the table the numbers.

    column_chart(["2023", "2024"], [Series("revenue", [1e9, 1.2e9])], title="Revenue by year")
    line_chart(["2023", "2024"], [Series("social", [8.5, 12.0])], title="...", value_format=format_percent)
    share_bar([("Commune fund", 620e6), ("Own revenue", 80e6)], title="Where the money comes from")
    hbar_chart([("Klaeng", 41_000), ("Sandan", 38_500)], title="...", highlight=0)

Each returns a SafeString to put in a template as it is (`{{ chart }}`). Style hooks: the <svg> has the
class "chart" (give it `width:100%; height:auto` in CSS); series colours are attributes, so print works."""

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samleng.core.i18n import khmer_shown
from samleng.core.khmer import to_khmer_digits
from samleng.core.numbers import percent

#: Colours that stay apart for the common colour blindnesses and in grey print (Okabe-Ito, darkened).
PALETTE = ("#0b6e4f", "#d55e00", "#0072b2", "#cc79a7", "#b8860b", "#56b4e9", "#6b6b6b", "#009e73")
INK, MUTED, GRID = "#1d2433", "#5b6475", "#d9dde5"
#: The drawing's width in SVG units: about one unit per CSS pixel on a phone, so 12-unit text reads at 12 px.
WIDTH = 320
FONT = 12
#: Khmer letters look smaller than Latin ones at the same size, and stack signs above and below.
KHMER_FONT = 13
#: The height of a legend line (or of one row of a horizontal bar chart's names).
LINE = 18


#: The lightest background a chart is drawn on (the page's; cards are white).
BACKGROUND = "#fafbfc"
#: WCAG AA contrast of text against its background.
TEXT_CONTRAST = 4.5


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours written #rrggbb (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour: str) -> str:
    """`colour` darkened just enough for text to be read on the chart's background (4.5:1): a series' value
    written in its own colour, as light as the palette's sky blue, stays that series' hue."""
    while contrast(colour, BACKGROUND) < TEXT_CONTRAST:
        colour = "#" + "".join(f"{int(int(colour[i:i + 2], 16) * 0.9):02x}" for i in (1, 3, 5))
    return colour


@dataclass
class Series:
    """A named row of values, one per label (None where there is none)."""

    name: str
    values: Sequence[float | int | None]
    color: str = ""


@dataclass
class _Svg:
    title: str
    desc: str
    height: float
    parts: list[str] = field(default_factory=list)

    def text(self, x, y, content, *, anchor="start", size=None, color=INK, weight="") -> None:
        size = size or (KHMER_FONT if khmer_shown() else FONT)
        bold = ' font-weight="bold"' if weight else ""
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{color}" '
                          f'text-anchor="{anchor}"{bold}>{escape(content)}</text>')

    def rect(self, x, y, width, height, color, tooltip="") -> None:
        tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(width, 0))}" height="{_n(max(height, 0))}" '
                          f'fill="{color}">{tip}</rect>')

    def line(self, x1, y1, x2, y2, color=GRID, width=1) -> None:
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{color}" '
                          f'stroke-width="{width}"/>')

    def render(self) -> SafeString:
        key = hashlib.blake2s((self.title + self.desc + "".join(self.parts)).encode(), digest_size=4).hexdigest()
        title_id, desc_id = f"c{key}t", f"c{key}d"
        return mark_safe(
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(self.height)}" '
            f'role="img" aria-labelledby="{title_id} {desc_id}" font-family="system-ui, sans-serif">'
            f'<title id="{title_id}">{escape(self.title)}</title><desc id="{desc_id}">{escape(self.desc)}</desc>'
            + "".join(self.parts) + "</svg>"
        )


# ---- numbers as the charts write them ------------------------------------------------------------------


def local_digits(text) -> str:
    """Digits in Khmer on Khmer pages."""
    return to_khmer_digits(str(text)) if khmer_shown() else str(text)


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """12,345 (or ១២,៣៤៥ on Khmer pages); "–" for no value."""
    if value is None:
        return "–"
    return local_digits(f"{value:,.{decimals}f}")


def format_percent(value: float | int | None) -> str:
    """12.5% with one decimal at most (Khmer digits on Khmer pages): core.numbers.percent."""
    return percent(value) or "–"


def format_compact(value: float | int | None) -> str:
    """A large amount shortened for a label: 412 million, 1.2 billion (in the page's language)."""
    if value is None:
        return "–"
    size = abs(value)
    for limit, template in ((1e9, _("%(number)s bn")), (1e6, _("%(number)s M")), (1e3, _("%(number)s k"))):
        if size >= limit:
            shown = value / limit
            text = f"{shown:,.0f}" if abs(shown) >= 100 else f"{shown:,.1f}".rstrip("0").rstrip(".")
            return template % {"number": local_digits(text)}
    return format_number(value)


# ---- the charts -------------------------------------------------------------------------------------------


def _label_shown(index: int, count: int, labels: Sequence[str], pitch: float) -> bool:
    """Whether the label under point `index` is written: where labels would run into each other (ten years
    across a phone's width), every second or third one is, counted back from the last, which is always
    written."""
    widest = max((len(str(label)) for label in labels), default=0) * 7.5 + 6  # 11 px digits, Khmer ones included
    step = max(1, math.ceil(widest / pitch)) if pitch else 1
    return (count - 1 - index) % step == 0


def column_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, desc: str = "",
    value_format: Callable = format_compact, exact_format: Callable = format_number, height: int = 160,
) -> SafeString:
    """Vertical columns, one group per label (years, say), one column per series in a group. Values are
    written above the columns when there is room (`value_format`), and always in each column's tooltip
    (`exact_format`)."""
    series = _coloured(series)
    legend_rows = len(series) if len(series) > 1 else 0
    top, label_band, legend_band = 16, 18, legend_rows * LINE
    svg = _Svg(title, desc, top + height + label_band + legend_band)
    values = [v for s in series for v in s.values if v is not None]
    lowest, highest = min([0, *values]), max([0, *values])
    scale = height / ((highest - lowest) or 1)
    baseline = top + highest * scale
    pitch = WIDTH / max(len(labels), 1)
    column = min(pitch * 0.8 / max(len(series), 1), 48)
    write_values = (pitch if len(series) == 1 else column) >= 32
    svg.line(0, baseline, WIDTH, baseline, MUTED)
    for i, label in enumerate(labels):
        group_left = i * pitch + (pitch - column * len(series)) / 2
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                continue
            x = group_left + j * column
            y = baseline - max(value, 0) * scale
            tooltip = f"{s.name} {local_digits(label)}: {exact_format(value)}"
            svg.rect(x + 1, y, column - 2, abs(value) * scale, s.color, tooltip.strip())
            if write_values:
                svg.text(x + column / 2, (y - 4) if value >= 0 else y + abs(value) * scale + 11, value_format(value),
                         anchor="middle", size=10, color=MUTED)
        if _label_shown(i, len(labels), labels, pitch):
            svg.text(i * pitch + pitch / 2, top + height + 14, local_digits(label), anchor="middle", size=11)
    if legend_rows:
        _legend(svg, series, top + height + label_band)
    return svg.render()


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, desc: str = "",
    value_format: Callable = format_percent, y_max: float | None = None, height: int = 140,
) -> SafeString:
    """Lines over labels (years), with a dot and its value at each point: for shares and rates. `y_max`
    fixes the top of the scale (100 for percentages that should look like percentages)."""
    series = _coloured(series)
    top, left, right, label_band = 14, 8, 8, 18
    legend_band = len(series) * LINE if len(series) > 1 or series and series[0].name else 0
    svg = _Svg(title, desc, top + height + label_band + legend_band)
    values = [v for s in series for v in s.values if v is not None]
    ceiling = y_max if y_max is not None else _nice_ceiling(max([0, *values]))
    scale = height / (ceiling or 1)
    pitch = (WIDTH - left - right) / max(len(labels), 1)

    def x_of(i):
        return left + pitch * (i + 0.5)

    for fraction in (0, 0.5, 1):  # three grid lines with their values: the scale in words
        y = top + height - fraction * height
        svg.line(left, y, WIDTH - right, y)
        svg.text(left, y - 2, value_format(ceiling * fraction), size=10, color=MUTED)
    write_all = pitch >= 34
    for s in series:
        points = [(x_of(i), top + height - v * scale, v, labels[i]) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y, _v, _label in points)
            svg.parts.append(f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2"/>')
        for k, (x, y, v, label) in enumerate(points):
            tooltip = f"{s.name} {local_digits(label)}: {value_format(v)}"
            svg.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{s.color}"><title>{escape(tooltip)}'
                             '</title></circle>')
            if write_all or k == len(points) - 1:
                svg.text(x, y - 6, value_format(v), anchor="middle", size=10, color=readable(s.color))
    for i, label in enumerate(labels):
        if _label_shown(i, len(labels), labels, pitch):
            svg.text(x_of(i), top + height + 14, local_digits(label), anchor="middle", size=11)
    if legend_band:
        _legend(svg, series, top + height + label_band)
    return svg.render()


def share_bar(
    parts: Sequence[tuple[str, float | int]], *, title: str, desc: str = "", value_format: Callable = format_percent,
) -> SafeString:
    """One horizontal bar split into the parts of a whole (where money comes from, where it goes), with a
    legend line per part: its name and its share of the whole. Parts of zero or less are left out."""
    parts = [(name, value) for name, value in parts if value and value > 0]
    whole = sum(value for _name, value in parts)
    series = _coloured([Series(name, [value]) for name, value in parts])
    bar = 22
    svg = _Svg(title, desc, bar + 6 + len(series) * LINE)
    x = 0.0
    for s in series:
        width = WIDTH * s.values[0] / whole
        share = 100 * s.values[0] / whole
        svg.rect(x, 0, width, bar, s.color, f"{s.name}: {value_format(share)}")
        x += width
    if not series:
        svg.rect(0, 0, WIDTH, bar, GRID)
    for k, s in enumerate(series):
        y = bar + 6 + k * LINE
        svg.rect(0, y + 3, 11, 11, s.color)
        svg.text(17, y + 13, f"{s.name}: {value_format(100 * s.values[0] / whole)}")
    return svg.render()


def hbar_chart(
    rows: Sequence[tuple[str, float | int | None]], *, title: str, desc: str = "",
    value_format: Callable = format_number, highlight: int | None = None,
) -> SafeString:
    """Horizontal bars, one per row, its name above it and its value at its end: for comparing places
    (long names fit, as they have the whole width). `highlight` is the index of the row to bring out."""
    row_height = LINE + 16
    svg = _Svg(title, desc, max(len(rows), 1) * row_height)
    highest = max([0, *[v for _name, v in rows if v is not None]]) or 1
    for i, (name, value) in enumerate(rows):
        y = i * row_height
        strong = i == highlight
        svg.text(0, y + 13, name, weight="bold" if strong else "")
        if value is None:
            svg.text(0, y + LINE + 11, "–", color=MUTED)
            continue
        width = (WIDTH - 80) * max(value, 0) / highest
        svg.rect(0, y + LINE, width, 11, PALETTE[1] if strong else PALETTE[0], f"{name}: {value_format(value)}")
        svg.text(width + 4, y + LINE + 10, value_format(value), size=11, color=INK if strong else MUTED,
                 weight="bold" if strong else "")
    return svg.render()


# ---- helpers -------------------------------------------------------------------------------------------


def _coloured(series: Sequence[Series]) -> list[Series]:
    return [Series(s.name, list(s.values), s.color or PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]


def _legend(svg: _Svg, series: list[Series], top: float) -> None:
    for k, s in enumerate(series):
        y = top + k * LINE
        svg.rect(0, y + 3, 11, 11, s.color)
        svg.text(17, y + 13, s.name)


def _nice_ceiling(value: float) -> float:
    """The top of a scale: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _n(value: float) -> str:
    """A coordinate with at most one decimal: smaller SVG."""
    return f"{value:.1f}".rstrip("0").rstrip(".")
