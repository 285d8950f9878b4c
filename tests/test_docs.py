"""The README documents every setting and every Samleng command (a test, so that it stays true)."""

import re
from pathlib import Path

from django.conf import settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table():
    table = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    missing = sorted(set(settings.ENVIRONMENT) - documented)
    assert not missing, f"settings read from the environment but not documented in README.md: {missing}"


def test_the_readme_names_the_two_commands():
    assert "python3 dev.py serve" in README
    assert "python3 dev.py test" in README


def test_every_samleng_command_is_in_the_readme():
    """Each management command Samleng adds is in the README's command table."""
    commands_table = README.split("## The `samleng` command", 1)[1].split("\n## ", 1)[0]
    ours = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "samleng").glob("*/management/commands/*.py")
                  if not p.stem.startswith("_"))
    missing = [name for name in ours if f"`samleng {name}" not in commands_table]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_the_vocabularies_page_is_what_the_code_accepts():
    """docs/vocabularies.md is written from the code; run scripts/vocabularies_doc.py after changing a word."""
    from scripts.vocabularies_doc import PAGE, page

    assert PAGE.read_text(encoding="utf-8") == page(), "run .venv/bin/python scripts/vocabularies_doc.py"


def test_the_workbook_formats_ship_with_the_project():
    docs = Path(settings.DOCS_DIR)
    for name in ("programme-workbook.md", "budget-workbook.md", "knowledge-base-workbook.md", "vocabularies.md"):
        assert (docs / name).is_file(), name
