"""Server-drawn SVG charts: well-formed, accessible (title, desc, a tooltip per mark), drawn to scale, with
Khmer digits on Khmer pages, and small."""

import xml.etree.ElementTree as ET

from django.utils import translation

from samleng.core import charts
from samleng.core.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(str(svg))  # fails on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}desc").get("id") == desc_id
    assert "<script" not in svg and "@font-face" not in svg
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def test_column_chart_scales_bars_and_labels_years():
    with translation.override("en"):
        svg = charts.column_chart(["2023", "2024"], [Series("revenue", [100, 200])], title="Revenue <by> year",
                                  desc="2023: 100; 2024: 200")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Revenue <by> year"  # escaped, then read back
    bars = rects(root)
    assert [float(b.get("height")) for b in bars] == [80, 160]  # the highest bar is the chart's height
    assert [b.find(f"{SVG}title").text for b in bars] == ["revenue 2023: 100", "revenue 2024: 200"]
    assert "2023" in texts(root) and "2024" in texts(root)
    assert "200" in texts(root)  # two columns have room for their values


def test_column_chart_groups_series_with_a_legend_and_skips_missing_values():
    with translation.override("en"):
        root = parse(charts.column_chart(
            [str(y) for y in range(2015, 2025)],
            [Series("revenue", [5e8] * 10), Series("expenditure", [4e8] * 9 + [None])], title="t"))
    assert len(rects(root)) == 19
    assert "revenue" in texts(root) and "expenditure" in texts(root)
    assert not any(t and t.endswith(" M") for t in texts(root))  # ten pairs: no room to write values


def test_khmer_digits_on_khmer_pages():
    with translation.override("km"):
        root = parse(charts.column_chart(["2024"], [Series("x", [1_234_567])], title="t"))
        assert "២០២៤" in texts(root)
        assert rects(root)[0].find(f"{SVG}title").text == "x ២០២៤: ១,២៣៤,៥៦៧"
        assert charts.format_percent(12.5) == "១២.៥%"
    with translation.override("en"):
        assert charts.format_percent(12.0) == "12%" and charts.format_number(1234567) == "1,234,567"
        assert charts.format_compact(412_000_000) == "412 M" and charts.format_compact(1_260_000_000) == "1.3 bn"
        assert charts.format_number(None) == "–"


def test_share_bar_parts_add_up_to_the_whole_width():
    with translation.override("en"):
        root = parse(charts.share_bar([("fund", 750), ("fees", 250), ("nothing", 0)], title="Where from"))
    bars = rects(root)
    assert [float(b.get("width")) for b in bars] == [charts.WIDTH * 0.75, charts.WIDTH * 0.25]
    assert "fund: 75%" in texts(root) and "fees: 25%" in texts(root)
    assert not any("nothing" in t for t in texts(root))


def test_share_bar_of_nothing_is_still_a_chart():
    parse(charts.share_bar([], title="empty"))


def test_line_chart_points_and_scale():
    with translation.override("en"):
        root = parse(charts.line_chart(["2023", "2024", "2025"],
                                       [Series("social", [10, 20, None]), Series("climate", [5, 7.5, 9])],
                                       title="Shares", y_max=100))
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    points = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert points == ["social 2023: 10%", "social 2024: 20%", "climate 2023: 5%", "climate 2024: 7.5%",
                      "climate 2025: 9%"]
    assert "100%" in texts(root) and "50%" in texts(root)  # the scale, in words
    heights = {c.find(f"{SVG}title").text: float(c.get("cy")) for c in root.iter(f"{SVG}circle")}
    assert heights["social 2024: 20%"] < heights["social 2023: 10%"]  # higher on the page


def test_hbar_chart_highlights_one_row():
    with translation.override("en"):
        root = parse(charts.hbar_chart([("Klaeng", 110_000), ("Sandan", 55_000), ("Unknown", None)],
                                       title="Per person", highlight=0))
    bars = rects(root)
    assert float(bars[0].get("width")) == 2 * float(bars[1].get("width"))
    assert bars[0].get("fill") != bars[1].get("fill")
    assert "110,000" in texts(root) and "–" in texts(root)


def test_charts_are_small():
    labels = [str(y) for y in range(2015, 2025)]
    svg = charts.column_chart(labels, [Series("a", list(range(10))), Series("b", list(range(10)))], title="t")
    assert len(str(svg).encode()) < 6_000


def test_ten_years_of_labels_do_not_run_into_each_other():
    years = [str(y) for y in range(2016, 2026)]
    for chart in (charts.column_chart, charts.line_chart):
        with translation.override("km"):
            root = parse(chart(years, [Series("share", [12] * 10)], title="Share", desc="2016-2025"))
        written = [t for t in texts(root) if t and t.startswith("២០")]
        assert "២០២៥" in written and 3 <= len(written) < 10  # the last year always; not all ten
    with translation.override("en"):
        root = parse(charts.column_chart(["2024", "2025"], [Series("x", [1, 2])], title="t", desc="d"))
    assert {"2024", "2025"} <= set(texts(root))  # two years have room for both


def test_every_text_of_every_chart_can_be_read_on_the_page():
    """Text in a chart, a series' values in its own colour included, contrasts 4.5:1 with the page (WCAG AA)."""
    import re

    from samleng.core import charts

    labels = [str(year) for year in range(2016, 2026)]
    series = [charts.Series(f"s{i}", [float(i + k) for k in range(len(labels))]) for i in range(len(charts.PALETTE))]
    drawn = [charts.line_chart(labels, series, title="all the palette"),
             charts.column_chart(labels[:3], series[:2], title="columns"),
             charts.share_bar([("a", 3), ("b", 2)], title="shares"),
             charts.hbar_chart([("Klaeng", 41_000), ("Sandan", 38_500)], title="bars", highlight=0)]
    fills = {fill for svg in drawn for fill in re.findall(r'<text [^>]*fill="(#[0-9a-f]{6})"', svg)}
    assert len(fills) > len(charts.PALETTE)  # the series' own hues are used for their values
    weak = {fill: round(charts.contrast(fill, charts.BACKGROUND), 2) for fill in fills
            if charts.contrast(fill, charts.BACKGROUND) < 4.5}
    assert not weak
