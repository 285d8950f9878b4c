"""The donor report files, written from a report content dict (results.types.REPORT_CONTENT_EXAMPLE; built
by results.selectors.report_content, frozen in Report.content when issued), so that an issued report comes
out the same whatever changes later:

- "docx": the annual progress report in Word (python-docx),
- "pdf": the same report as a PDF (WeasyPrint, template results/report_pdf.html),
- "xlsx": the indicator-tracking table (openpyxl),
- "iati": an IATI 2.03 activity file with the results (lxml; valid against the official schema).

Each format is a module with `write(content, language) -> bytes`; its library is imported only when a
file of that format is asked for (WeasyPrint alone takes most of a second to import)."""

from importlib import import_module

from django.utils import translation

from samleng.results.reports.common import FORMATS, LANGUAGES, file_name


def render(content: dict, fmt: str, language: str) -> tuple[bytes, str, str]:
    """The report file in format `fmt` ("docx", "pdf", "xlsx", "iati") and language ("en", "km"): its
    bytes, content type and file name (N-KHM-2022-0265-2024-v1-km.pdf)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: one of {', '.join(FORMATS)}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}: one of {', '.join(LANGUAGES)}")
    writer = import_module(f"samleng.results.reports.{fmt}")
    with translation.override(language):
        data = writer.write(content, language)
    return data, FORMATS[fmt][1], file_name(content, fmt, language)
