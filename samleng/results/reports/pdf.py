"""The annual progress report as a PDF: the template results/report_pdf.html (print CSS inside it) laid out
by WeasyPrint (core.documents.pdf_write: its Khmer lines carry their text, so that it can be copied and
searched), which shapes Khmer with HarfBuzz in the Khmer OS fonts that fontconfig finds."""

import base64
import dataclasses

from django.conf import settings
from django.template.loader import render_to_string

from samleng.core.documents import KHMER_FONT, KHMER_HEADING_FONT, khmer_line_breaks, pdf_write
from samleng.results.reports.common import IndicatorView, ReportView, prepare

TEMPLATE = "results/report_pdf.html"


def write(content: dict, language: str) -> bytes:
    return pdf_write(html(content, language))


def html(content: dict, language: str) -> str:
    """The report as the HTML that WeasyPrint lays out (call inside translation.override(language))."""
    view = _breakable(prepare(content, language, organisation=settings.ORGANISATION_NAME))
    return render_to_string(TEMPLATE, {"r": view, "khmer_font": KHMER_FONT, "khmer_heading_font": KHMER_HEADING_FONT})


def _breakable(view: ReportView) -> ReportView:
    """The report with line-break opportunities between Khmer words in its long texts (statements,
    narratives, explanations): Pango breaks lines only where it finds one."""
    outcomes = [
        dataclasses.replace(outcome, title=khmer_line_breaks(outcome.title),
                            indicators=[_breakable_indicator(indicator) for indicator in outcome.indicators])
        for outcome in view.outcomes
    ]
    return dataclasses.replace(
        view, outcomes=outcomes, programme_name=khmer_line_breaks(view.programme_name),
        reconciliation=[dataclasses.replace(d, message=khmer_line_breaks(d.message)) for d in view.reconciliation],
        consistency=[dataclasses.replace(d, message=khmer_line_breaks(d.message)) for d in view.consistency],
        annex=[dataclasses.replace(story, title=khmer_line_breaks(story.title), about=khmer_line_breaks(story.about),
                                   paragraphs=[khmer_line_breaks(p) for p in story.paragraphs],
                                   photos=[(_data_uri(image), khmer_line_breaks(caption))
                                           for image, caption in story.photos])
               for story in view.annex],
        effects=[dataclasses.replace(effect, cbo=khmer_line_breaks(effect.cbo), what=khmer_line_breaks(effect.what),
                                     source=khmer_line_breaks(effect.source)) for effect in view.effects],
    )


def _breakable_indicator(indicator: IndicatorView) -> IndicatorView:
    return dataclasses.replace(
        indicator, statement=khmer_line_breaks(indicator.statement),
        on_track_rule=khmer_line_breaks(indicator.on_track_rule),
        narrative=[khmer_line_breaks(paragraph) for paragraph in indicator.narrative],
    )


def _data_uri(jpeg: bytes) -> str:
    """A photo inside the HTML itself: WeasyPrint fetches nothing."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
