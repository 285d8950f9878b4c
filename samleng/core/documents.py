"""What every document Samleng prints in Khmer needs, whatever app prints it (the donor report, a letter
requesting information): the Khmer fonts, line-break opportunities between Khmer words for the PDF, and Word
styles that pick the Khmer font for Khmer text."""

import re

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
