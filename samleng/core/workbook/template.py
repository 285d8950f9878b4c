"""A blank workbook of a kind, to fill in: every sheet with its header row, each header cell carrying a
comment (in Khmer and English) that says what goes there and how to write it, with an example; and a
`_readme` sheet, which the import does not read. No example rows: every row under a header is data.

    template_write(kind, "programme-template.xlsx")
"""

from functools import partial

from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from samleng.core.workbook import cells
from samleng.core.workbook.sheets import Column, Sheet

REQUIRED = gettext_noop("Required.")
OPTIONAL = gettext_noop("Optional: leave it empty when you do not know.")
#: How each sort of cell is written, with an example.
BY_KIND = {
    "ident": gettext_noop("An id you choose (for example C-001); the same id in every sheet that names this "
                          "record."),
    "integer": gettext_noop("A whole number, not negative (for example 120; Khmer digits work too)."),
    "year": gettext_noop("A year in digits (for example 2024)."),
    "date": gettext_noop("A date: 2024-03-31 or 31/03/2024."),
    "yes_no": gettext_noop("yes or no (បាទ/ទេ, មាន/គ្មាន also work)."),
    "word": gettext_noop("One of: %(words)s."),
    "place": gettext_noop("A place: its gazetteer code or its name in Khmer or English (for example "
                          "%(example)s)."),
}
TEXT = gettext_noop("Text, at most %(length)s characters.")
LONG_TEXT = gettext_noop("Text; several lines are kept.")
BY_PARSER = {
    cells.decimal: gettext_noop("A number, not negative (for example 12.5)."),
    cells.figure: gettext_noop("A figure as the report printed it (for example 45, 7.06 or 14%)."),
    cells.amount: gettext_noop("An amount in riels, a whole number (for example 400000000)."),
    cells.parts: gettext_noop("Parts as name=number pairs separated by ; (for example solved=9;partly_solved=30)."),
    cells.phone: gettext_noop("A phone number (for example 012 345 678)."),
    cells.id_list: gettext_noop("Ids separated by ; (for example I-001;I-002)."),
}
PLACE_EXAMPLES = {"province": "06 / Kampong Thom", "district": "0606 / Sandan", "commune": "060603 / Klaeng",
                  "village": "06060301"}
README = (
    gettext_noop("How to fill in this workbook"),
    gettext_noop("Each sheet is one kind of record; row 1 names its columns: do not change it. Point at a "
                 "column's name to read what goes there."),
    gettext_noop("Write one record per row, from row 2. Leave a cell empty when you do not know its value."),
    gettext_noop("Ids (cbo_id, issue_id...) are yours to choose: a sheet that refers to a record uses the "
                 "same id."),
    gettext_noop("Samleng checks every row before it imports anything: if something is wrong, nothing is "
                 "imported and you get the list of mistakes, by sheet, row and column."),
    gettext_noop("Delete the sheets you do not need. This _readme sheet is not imported."),
)


def _both(text: str, **params) -> str:
    """English, then Khmer, from the catalogue."""
    said = []
    for language in ("km", "en"):
        with translation.override(language):
            words = gettext(text)
            said.append(words % {k: (v[language] if isinstance(v, dict) else v) for k, v in params.items()}
                        if params else words)
    return "\n".join(said)


def column_help(column: Column) -> str:
    """What the comment of a column's header says, in Khmer then English."""
    parts = [_both(REQUIRED if column.required else OPTIONAL)]
    parser = getattr(column.parse, "func", column.parse)
    if column.kind == "word" and column.vocabulary:
        vocabulary = column.vocabulary()
        parts.append(_both(BY_KIND["word"], words={
            "en": ", ".join(vocabulary.values), "km": ", ".join(vocabulary.khmer[v][0] for v in vocabulary.values)}))
    elif column.kind == "place":
        parts.append(_both(BY_KIND["place"], example=PLACE_EXAMPLES.get(column.name, "")))
    elif parser in BY_PARSER:
        parts.append(_both(BY_PARSER[parser]))
    elif column.kind == "text":
        length = column.parse.keywords.get("max_length") if isinstance(column.parse, partial) else None
        parts.append(_both(TEXT, length=length) if length else _both(LONG_TEXT))
    elif column.kind in BY_KIND:
        parts.append(_both(BY_KIND[column.kind]))
    if column.help:
        parts.append(_both(column.help))
    return "\n\n".join(parts)


def template_write(sheets: list[Sheet], path) -> None:
    """Write the blank workbook of `sheets` (in that order) to `path` (.xlsx)."""
    book = Workbook()
    readme = book.active
    readme.title = "_readme"
    for number, line in enumerate(README, 1):
        readme.cell(row=2 * number - 1, column=1, value=_both(line).split("\n")[0])
        readme.cell(row=2 * number, column=1, value=_both(line).split("\n")[1])
    readme["A1"].font = readme["A2"].font = Font(bold=True)
    readme.column_dimensions["A"].width = 120
    # Then what each sheet holds, in Khmer and in English.
    for sheet in sheets:
        if sheet.help:
            for words in _both(sheet.help).split("\n"):
                readme.append([f"{sheet.name}: {words}"])
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        for index, column in enumerate(sheet.columns, 1):
            cell = page.cell(row=1, column=index, value=column.name)
            cell.font = Font(bold=True)
            comment = Comment(column_help(column), "Samleng")
            comment.width, comment.height = 320, 220
            cell.comment = comment
            page.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
        page.freeze_panes = "A2"
    book.save(path)
