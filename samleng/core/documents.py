"""What every document Samleng prints in Khmer needs, whatever app prints it (the donor report, a letter
requesting information): the Khmer fonts, line-break opportunities between Khmer words for the PDF, and Word
styles that pick the Khmer font for Khmer text, and `pdf_write`, which lays a page out with WeasyPrint so
that its Khmer text can be copied and searched."""

import re
import threading

from docx.oxml.ns import qn

from samleng.core.khmer import segment

#: The fonts of Debian's fonts-khmeros, which fontconfig (for WeasyPrint) and Word both know by name.
KHMER_FONT = "Khmer OS System"
KHMER_HEADING_FONT = "Khmer OS Muol Light"

_KHMER_RUN = re.compile("[\u1780-\u17ff\u19e0-\u19ff]+")
ZERO_WIDTH_SPACE = "\u200b"
# Styles whose runs may hold Khmer; each gets the Khmer font for complex-script text.
_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Table Grid", "List Bullet")


def khmer_line_breaks(text: str) -> str:
    """The text with a zero-width space between Khmer words. Khmer is written without spaces, so without
    them a renderer (Pango, in the PDF) finds nowhere to break a line and runs Khmer text off the page."""

    def split_run(match: re.Match) -> str:
        run = match.group(0)
        words = segment(run)
        # segment() drops punctuation; break the run only when the words rebuild it exactly.
        return ZERO_WIDTH_SPACE.join(words) if "".join(words) == run else run

    return _KHMER_RUN.sub(split_run, text or "")


def pdf_write(html: str) -> bytes:
    """The HTML laid out as a PDF by WeasyPrint, its Khmer lines carrying their text as ActualText.

    Why: a PDF maps each glyph of a font to one text (its ToUnicode map), and WeasyPrint fills that map with
    the first cluster each glyph is drawn in. Khmer shaping breaks that model whatever the font: a pre-base
    vowel (the glyph of េ in "លេ") is drawn before the consonant it follows in the text, one cluster draws
    several glyphs (a consonant with its subscript and vowel), and the same glyph serves many clusters (the
    consonant ល maps to "លេ" for the whole document if "លេ" came first). Extracted, Khmer came out reordered
    and garbled. Each line drawn with Khmer in it is therefore wrapped in a marked-content span whose
    /ActualText is the line's text in Unicode (PDF 32000-1, 14.9.4), which text extraction, copying and
    searching use instead of the glyphs (pdfium, Poppler and MuPDF do). The zero-width spaces that
    `khmer_line_breaks` put between words are left out of it, so that a search for a phrase finds it."""
    from weasyprint import HTML  # loads Pango: only when a PDF is written

    _actual_text_install()
    return HTML(string=html).write_pdf()


_installed = threading.Lock()


def _actual_text_install() -> None:
    """Wrap WeasyPrint's drawing of a line of text (weasyprint.draw.text.draw_first_line, called by
    draw_text for every line box) once per process. It only adds the marked content around lines with Khmer
    in them; what is drawn does not change."""
    from weasyprint.draw import text as weasyprint_text

    with _installed:
        draw_first_line = weasyprint_text.draw_first_line
        if getattr(draw_first_line, "samleng_actual_text", False):
            return

        def draw_first_line_with_actual_text(stream, textbox, *args, **kwargs):
            actual = (getattr(textbox, "text", "") or "").replace(ZERO_WIDTH_SPACE, "")
            if not _KHMER_RUN.search(actual):
                return draw_first_line(stream, textbox, *args, **kwargs)
            stream.begin_marked_content("Span", pdf_text_string(actual, key="ActualText"))
            try:
                return draw_first_line(stream, textbox, *args, **kwargs)
            finally:
                stream.end_marked_content()

        draw_first_line_with_actual_text.samleng_actual_text = True
        weasyprint_text.draw_first_line = draw_first_line_with_actual_text


def pdf_text_string(text: str, *, key: str) -> str:
    """A one-entry PDF dictionary `<</key <FEFF...>>>` holding text as a UTF-16BE hexadecimal string (a PDF
    text string: any character, nothing to escape)."""
    encoded = ("\ufeff" + text).encode("utf-16-be").hex().upper()
    return f"<</{key} <{encoded}>>>"


def docx_khmer_styles(document, language: str) -> None:
    """Word picks the font of Khmer text from the complex-script slot of rFonts (w:cs), not from w:ascii;
    the built-in styles point that slot at the theme font (w:cstheme), which has no Khmer glyphs. Point
    it, and w:eastAsia, at the Khmer font, and mark complex-script text as Khmer."""
    for name in _STYLES:
        try:
            style = document.styles[name]
        except KeyError:
            continue
        run_properties = style.element.get_or_add_rPr()
        fonts = run_properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = run_properties.makeelement(qn("w:rFonts"), {})
            run_properties.insert(0, fonts)
        for theme_slot in ("w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme_slot), None)
        fonts.set(qn("w:cs"), KHMER_FONT)
        fonts.set(qn("w:eastAsia"), KHMER_FONT)
        if language == "km" and name == "Normal":
            # Khmer stacks vowels and subscripts: give the lines room.
            style.paragraph_format.line_spacing = 1.3
    normal = document.styles["Normal"].element.get_or_add_rPr()
    lang = normal.find(qn("w:lang"))
    if lang is None:
        lang = normal.makeelement(qn("w:lang"), {})
        normal.append(lang)
    lang.set(qn("w:val"), "km-KH" if language == "km" else "en-GB")
    lang.set(qn("w:bidi"), "km-KH")
