"""The letter that files an information request, ready to print and sign, in Khmer or English, as PDF and
as Word (so that the organisation can adjust it). It is addressed as the draft Law on Access to Information
asks: to the office's head, naming what is requested and the days the law gives for the answer and the
delivery. Who signs is left blank on purpose: Samleng never stores who asked (DESIGN.md, Privacy)."""

import dataclasses
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from samleng.core.dates import long_date
from samleng.core.documents import KHMER_FONT, KHMER_HEADING_FONT, docx_khmer_styles, khmer_line_breaks, pdf_write
from samleng.core.i18n import local_text
from samleng.core.khmer import to_khmer_digits
from samleng.transparency.models import InformationRequest


@dataclass(frozen=True)
class Letter:
    language: str
    kingdom: tuple[str, str]
    sender: str
    reference: str
    place_and_date: str
    to: str
    subject: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]


def _digits(text: str, language: str) -> str:
    return to_khmer_digits(text) if language == "km" else text


def letter(request: InformationRequest, language: str) -> Letter:
    """The words of the letter of `request` in `language` ("km" or "en")."""
    with translation.override(language):
        office = request.office
        office_name = local_text(office.name_km, office.name_en)
        asked = local_text(request.subject_km, request.subject_en)
        cbo = request.on_behalf_of
        organisation = settings.ORGANISATION_NAME
        sender = (_("%(cbo)s, with the support of %(organisation)s") % {
            "cbo": local_text(cbo.name_km, cbo.name_en), "organisation": organisation} if cbo else organisation)
        days = {"answer": settings.REQUEST_ANSWER_DAYS, "delivery": settings.REQUEST_DELIVERY_DAYS}
        due = long_date(request.answer_due, language) if request.answer_due else ""
        paragraphs = (
            _("Under the draft Law on Access to Information (articles 13, 14 and 16), we respectfully request the "
              "following information:"),
            asked,
            _digits(_("Please tell us within %(answer)s working days, by %(due)s, whether your office holds this "
                      "information; if it does, please deliver it within %(delivery)s working days of your answer. "
                      "If a fee applies, please tell us its amount before preparing the documents.")
                    % {**days, "due": due}, language),
            _("We would like to receive the information in writing, or by e-mail where that is easier."),
        )
        return Letter(
            language=language,
            kingdom=(_("Kingdom of Cambodia"), _("Nation Religion King")),
            sender=sender,
            reference=_("Reference: %(id)s") % {"id": request.request_id},  # a key, written as it is
            place_and_date=long_date(request.filed_on, language),
            to=_("To: the head of %(office)s") % {"office": office_name},
            subject=_("Subject: request for information") + (f" ({asked})" if len(asked) <= 120 else ""),
            paragraphs=paragraphs,
            closing=_("Please accept our respectful regards."),
            signature=(_("Signature:"), _("Name:"), _("For: %(sender)s") % {"sender": sender}),
        )


def letter_pdf(request: InformationRequest, language: str) -> bytes:
    words = letter(request, language)
    if language == "km":  # Pango breaks Khmer lines only where it finds a zero-width space
        words = dataclasses.replace(words, paragraphs=tuple(khmer_line_breaks(p) for p in words.paragraphs))
    html = render_to_string("transparency/letter_pdf.html", {
        "l": words, "khmer_font": KHMER_FONT, "khmer_heading_font": KHMER_HEADING_FONT})
    return pdf_write(html)


def letter_docx(request: InformationRequest, language: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    words = letter(request, language)
    document = Document()
    docx_khmer_styles(document, language)
    document.core_properties.title = words.reference
    for line in words.kingdom:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(words.sender)
    document.add_paragraph(words.reference)
    document.add_paragraph(words.place_and_date).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(words.to)
    document.add_paragraph().add_run(words.subject).bold = True
    for paragraph in words.paragraphs:
        document.add_paragraph(paragraph)
    document.add_paragraph(words.closing)
    for line in words.signature:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letter_file_name(request: InformationRequest, language: str, extension: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.request_id)
    return f"{safe}-letter-{language}.{extension}"
