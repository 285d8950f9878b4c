"""Write docs/vocabularies.md from the code: every word column of every kind of workbook, its values, their
English and Khmer labels and the other words accepted. A test (tests/test_docs.py) fails when the page and
the code differ; run this to write it again:

    .venv/bin/python scripts/vocabularies_doc.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "vocabularies.md"

INTRODUCTION = """# Vocabularies of the workbooks

Every column of the programme, budget and knowledge-base workbooks that takes one of a fixed set of words, with
each value, its English label and its Khmer label as Samleng's pages show them, and the other Khmer words the
importer accepts for it. Written from the code by `scripts/vocabularies_doc.py` (the apps' `sheets.py`, the
models' choices, the Khmer labels from the translation catalogue); a test fails when they differ.

How a cell is read: a cell may hold the value (`community_fishery`), its English label (`Community fishery`)
or any of its Khmer words. Case, spaces, underscores, hyphens and apostrophes do not matter
(`community-fishery`, `Community Fishery` and `community_fishery` are one word), and Khmer is matched spelt
with or without spaces. A word that is none of these is an error that lists the values in English and
the first Khmer word of each in Khmer. An export writes the value.
"""

YES_NO = """## Yes/no columns

| value | words accepted |
|---|---|
| yes | {yes} |
| no | {no} |

Case, surrounding spaces and a final full stop do not matter; Khmer digits count as digits (`១`, `០`);
a cell that holds a spreadsheet's TRUE/FALSE or the number 1/0 is read as such. An export writes `yes` or `no`.
"""

NATION = """### unit: the nation

The `unit` column (`budgets`, `projects`, `population`) takes a gazetteer code, or one of these words for the
national budget: {words} (case does not matter).
"""

#: A kind's title and its spec's file, where they are not "<kind> workbook" and "<kind>-workbook.md".
_TITLES = {"knowledge": "knowledge-base"}


def page() -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    from samleng.budgets.sheets import NATIONAL_WORDS
    from samleng.core.workbook import cells
    from samleng.imports.kinds import KINDS

    parts = [INTRODUCTION]
    for kind in KINDS.values():
        title = _TITLES.get(kind.name, kind.name)
        parts.append(f"## {title.capitalize()} workbook ([{title}-workbook.md]({title}-workbook.md))\n")
        vocabularies: dict = {}  # the function that gives a vocabulary -> (the vocabulary, its columns)
        for name in kind.export_order:
            for column in kind.sheet(name).columns:
                if column.kind == "word" and column.vocabulary:
                    found = vocabularies.setdefault(column.vocabulary, (column.vocabulary(), []))
                    found[1].append(f"`{name}.{column.name}`")
        for vocabulary, columns in vocabularies.values():
            with translation.override("km"):
                name_km = gettext(vocabulary.name)
            parts.append(f"### {vocabulary.name} ({name_km})\n\nColumns: {', '.join(columns)}.\n\n"
                         "| value | English label | Khmer label | other Khmer words accepted |\n|---|---|---|---|")
            for value in vocabulary.values:
                label, *others = vocabulary.khmer[value]
                parts.append(f"| `{value}` | {vocabulary.labels[value]} | {label} | {', '.join(others) or '—'} |")
            parts.append("")
        if kind.name == "budget":
            parts.append(NATION.format(words=", ".join(f"`{w}`" for w in NATIONAL_WORDS)))
    parts.append(YES_NO.format(yes=", ".join(f"`{w}`" for w in sorted(cells._YES)),
                               no=", ".join(f"`{w}`" for w in sorted(cells._NO))))
    return "\n".join(parts)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    PAGE.write_text(page(), encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
