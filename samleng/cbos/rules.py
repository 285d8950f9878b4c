"""Rules of a CBO's values that the staff pages (services) and the workbook (sheets) both apply, written
once here."""

from collections.abc import Callable, Iterator

#: Counts that are part of another: (part, total). Neither a form nor a workbook may give more women than
#: people in all.
CBO_PARTS = (("members_female", "members_total"), ("committee_female", "committee_total"))


def parts_over_total(value: Callable[[str], int | None], pairs) -> Iterator[tuple[str, str]]:
    """The (part, total) pairs whose part is more than its total; `value(name)` gives a field's value (None
    when unknown: nothing to compare)."""
    for part, total in pairs:
        a, b = value(part), value(total)
        if a is not None and b is not None and a > b:
            yield part, total
