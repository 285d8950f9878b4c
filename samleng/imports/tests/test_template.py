"""The blank templates of the upload page: every sheet of the kind with its header, a comment on each header
cell in Khmer and English, a _readme sheet the import passes over, no example rows; filled in with one row per
sheet as its comments say, each imports cleanly."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samleng.conftest import english, login
from samleng.imports.kinds import KINDS, any_workbook_import
from samleng.imports.tests.workbooks import template_facility, template_fill

pytestmark = pytest.mark.django_db

def _template(client, kind: str):
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="samleng-{kind}-template.xlsx"'
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("kind", ["programme", "budget"])
def test_the_template_has_every_sheet_a_comment_on_each_column_and_no_rows(world, kind):
    book = _template(login(world.me_officer), kind)
    found = KINDS[kind]
    assert book.sheetnames == ["_readme", *found.export_order]
    assert "How to fill in this workbook" in book["_readme"]["A2"].value
    assert "របៀបបំពេញ" in book["_readme"]["A1"].value
    for name in found.export_order:
        sheet = book[name]
        assert sheet.max_row == 1, f"{name} has rows under its header"
        assert [c.value for c in sheet[1]] == found.sheet(name).names
        for cell in sheet[1]:
            comment = cell.comment.text
            assert re.search(r"[\u1780-\u17ff]", comment), f"{name}.{cell.value}: no Khmer"
            assert "Required." in comment or "Optional" in comment, f"{name}.{cell.value}"


@pytest.mark.parametrize("kind", ["programme", "budget"])
def test_the_template_filled_in_as_its_comments_say_imports_cleanly(world, tmp_path, kind):
    if kind == "programme":  # the facility its scorecard names (the knowledge-base workbook's)
        template_facility()
    book = _template(login(world.me_officer), kind)
    template_fill(book, kind)
    path = tmp_path / f"{kind}.xlsx"
    book.save(path)
    found, result = any_workbook_import(path, user=world.me_officer)
    assert found == kind
    assert result.ok, [str(e) for e in result.errors]
    # One of each, besides the outcome with its indicator and the default budget categories put in first.
    assert all(count == 1 for sheet, count in result.created.items()
               if sheet not in ("indicators", "default categories")), result.created
    assert not [w for w in result.warnings if w.sheet != "_readme"], [str(w) for w in result.warnings]


def test_templates_and_exports_are_for_staff_only(world):
    for name in ("template", "export"):
        assert login(world.cbo_user).get(reverse(f"imports:{name}", args=["programme"])).status_code == 403
        assert login(world.me_officer).get(reverse(f"imports:{name}", args=["nothing"])).status_code == 404


def test_an_officer_exports_only_the_records_of_their_provinces(world):
    response = login(world.officer).get(reverse("imports:export", args=["programme"]))
    book = load_workbook(io.BytesIO(response.content))
    cbos = [row[0] for row in book["cbos"].iter_rows(min_row=2, values_only=True)]
    assert world.cbo.cbo_id in cbos and world.other_cbo.cbo_id not in cbos
    assert "land_concessions" not in book.sheetnames and "indicators" not in book.sheetnames
    assert "phone" not in [c.value for c in book["representatives"][1]]


def test_the_upload_page_links_the_templates_the_exports_and_the_formats(world):
    page = english(login(world.officer)).get(reverse("imports:upload")).content.decode()
    for kind in ("programme", "budget"):
        assert reverse("imports:template", args=[kind]) in page
        assert reverse("imports:export", args=[kind]) in page
        assert reverse("imports:spec", args=[kind]) in page
    spec = login(world.officer).get(reverse("imports:spec", args=["programme"]))
    assert spec.status_code == 200 and "target_areas" in spec.content.decode()


def test_every_column_of_the_cbo_chains_sheets_says_what_goes_there_in_both_languages():
    from django.utils import translation

    from samleng.advocacy import sheets as advocacy
    from samleng.cbos import sheets as cbos
    from samleng.engagement import sheets as engagement

    sheets = (cbos.CBOS, cbos.REPRESENTATIVES, advocacy.ISSUES, advocacy.ISSUE_UPDATES, engagement.TARGET_AREAS,
              engagement.EVENTS, engagement.ATTENDANCE, engagement.MECHANISM_ASSESSMENTS)
    for sheet in sheets:
        for help in (sheet.help, *(c.help for c in sheet.columns)):
            assert help, f"{sheet.name}: a column or the sheet has no help"
            with translation.override("km"):
                assert re.search(r"[\u1780-\u17ff]", translation.gettext(help)), f"{sheet.name}: {help!r}"
