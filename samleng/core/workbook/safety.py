"""Text that a spreadsheet would take for a formula. A cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is run as a formula by Excel and LibreOffice when a CSV is opened ("CSV injection"): text
typed by anyone (a citizen's comment, a project title) must never reach a CSV that way. Every CSV Samleng
writes passes its text cells through `neutralise`; the workbook reader takes the quote off again
(`unneutralise`), so that an export imported again changes nothing."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` as a CSV text cell may safely carry it: text starting like a formula gets a leading `'`.
    Numbers are not text: -5 stays -5."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(value):
    """The text a neutralised cell stood for: one `'` before a formula-like start is taken off."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value
