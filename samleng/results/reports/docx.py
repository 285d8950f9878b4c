"""The annual progress report in Word (python-docx): the same texts as the PDF (common.prepare), laid out
with Word's own styles so that the organisation can edit it before sending it."""

import io

from django.conf import settings
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from samleng.core.documents import docx_khmer_styles
from samleng.results.reports.common import IndicatorView, ReportView, prepare

_RED = RGBColor(0xB3, 0x26, 0x1E)
_GREEN = RGBColor(0x1E, 0x6B, 0x34)
_GREY = RGBColor(0x55, 0x55, 0x55)


def write(content: dict, language: str) -> bytes:
    view = prepare(content, language, organisation=settings.ORGANISATION_NAME)
    document = Document()
    docx_khmer_styles(document, language)
    document.core_properties.title = f"{view.programme_code} {view.t['report_title']} {view.period}"
    document.core_properties.author = view.organisation
    document.core_properties.language = "km-KH" if language == "km" else "en-GB"
    _title_page(document, view)
    document.add_heading(view.t["results"], level=1)
    for outcome in view.outcomes:
        document.add_heading(outcome.title, level=2)
        for indicator in outcome.indicators:
            _indicator(document, view, indicator)
        if not outcome.indicators:
            _muted(document.add_paragraph(), outcome.no_indicators)
    _effects(document, view)
    _differences(document, view)
    _annex(document, view)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _title_page(document, view: ReportView) -> None:
    if view.organisation:
        _muted(document.add_paragraph(), view.organisation)
    kicker = document.add_paragraph().add_run(f"{view.t['report_title']} {view.period}")
    kicker.font.size = Pt(14)
    document.add_paragraph(view.programme_name, style="Title")
    facts = [
        (view.t["programme_code"], view.programme_code),
        (view.t["donors"], view.donors or "–"),
        (view.t["programme_period"], view.programme_period),
        (view.t["reporting_period"], view.period),
        (view.t["version"], view.version),
        (view.t["status"], view.status),
        (view.t["generated"], view.generated),
    ]
    table = _facts(document, [(label, value) for label, value in facts if value])  # a draft has no version yet
    for row in table.rows:
        if row.cells[1].text == view.status:
            status = row.cells[1].paragraphs[0].runs[0]
            status.bold = True
            status.font.color.rgb = _GREEN if view.issued else _RED
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _indicator(document, view: ReportView, indicator: IndicatorView) -> None:
    t = view.t
    document.add_heading(f"{t['indicator']} {indicator.code}", level=3)
    statement = document.add_paragraph().add_run(indicator.statement)
    statement.italic = not view.khmer
    rows = [(t["baseline"], indicator.baseline), (t["target"], indicator.target),
            (f"{t['unit']} · {t['direction']}", f"{indicator.unit} · {indicator.direction}")]
    if indicator.means_of_verification:
        rows.append((t["means_of_verification"], indicator.means_of_verification))
    _facts(document, rows)
    if indicator.values:
        _values_table(document, view, indicator)
    for value in indicator.values:
        for line in value.disaggregation:
            paragraph = document.add_paragraph()
            paragraph.add_run(value.period).bold = True
            paragraph.add_run(f" · {line}").font.size = Pt(9)
    progress = document.add_paragraph()
    progress.add_run(f"{t['progress']}: ").bold = True
    run = progress.add_run(indicator.progress)
    if indicator.on_track is not None:
        run.font.color.rgb = _GREEN if indicator.on_track else _RED
    if indicator.on_track_rule:
        rule = document.add_paragraph()
        rule.add_run(f"{t['on_track_rule']}: ").bold = True
        rule.add_run(indicator.on_track_rule)
    document.add_paragraph().add_run(t["narrative"]).bold = True
    for paragraph in indicator.narrative:
        document.add_paragraph(paragraph)
    if not indicator.narrative:
        _muted(document.add_paragraph(), t["no_narrative"])


def _values_table(document, view: ReportView, indicator: IndicatorView) -> None:
    t = view.t
    rows = []
    for value in indicator.values:
        reported = value.reported or "–"
        if value.differs:
            reported = f"{reported} ≠ {value.value}"
        rows.append([value.period, value.value, value.fraction or "–", value.breakdown or "–", reported])
    table = _grid(document, [t["year"], t["value"], t["fraction"], t["breakdown"], t["reported"]], rows)
    for row, value in zip(table.rows[1:], indicator.values, strict=True):
        if value.differs:
            for run in row.cells[4].paragraphs[0].runs:
                run.font.color.rgb = _RED
                run.bold = True


def _differences(document, view: ReportView) -> None:
    t = view.t
    document.add_page_break()
    document.add_heading(t["differences"], level=1)
    for title, intro, differences in view.difference_sections:
        document.add_heading(title, level=2)
        _muted(document.add_paragraph(), intro)
        if not differences:
            _muted(document.add_paragraph(), t["no_differences"])
            continue
        _grid(document, [t["indicator"], t["year"], t["kind"], t["reported"], t["computed"], t["explanation"]],
              [[d.indicator, d.period, d.kind, d.reported, d.computed, d.message] for d in differences])


def _effects(document, view: ReportView) -> None:
    """The table of effects: the resources CBOs received in the period."""
    if not view.effects:
        return
    t = view.t
    document.add_heading(t["effects"], level=1)
    _muted(document.add_paragraph(), t["effects_intro"])
    _grid(document, [t["effect_cbo"], t["effect_date"], t["effect_kind"], t["effect_from"], t["effect_what"],
                     t["effect_received"]],
          [[e.cbo, e.date, e.kind, e.source, e.what, e.received] for e in view.effects])


def _annex(document, view: ReportView) -> None:
    """The stories chosen for the report, each with its day, place and the CBOs it tells about."""
    if not view.annex:
        return
    t = view.t
    document.add_page_break()
    document.add_heading(t["annex_stories"], level=1)
    _muted(document.add_paragraph(), t["annex_intro"])
    for story in view.annex:
        document.add_heading(story.title, level=2)
        _muted(document.add_paragraph(), story.told)
        if story.about:
            about = document.add_paragraph()
            about.add_run(f"{t['story_about']}: ").bold = True
            about.add_run(story.about)
        for paragraph in story.paragraphs:
            document.add_paragraph(paragraph)
        for image, caption in story.photos:
            document.add_picture(io.BytesIO(image), width=Cm(12))
            if caption:
                _muted(document.add_paragraph(), caption)


def _facts(document, rows: list[tuple[str, str]]):
    table = document.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for label, value in rows:
        cells = table.add_row().cells
        _muted(cells[0].paragraphs[0], label)
        cells[1].paragraphs[0].add_run(value)
    return table


def _grid(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.paragraphs[0].add_run(text)
    return table


def _muted(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.color.rgb = _GREY
