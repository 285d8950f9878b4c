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

pytestmark = pytest.mark.django_db

#: A value for each column whose comment does not list the words to choose from, as a field officer would
#: fill one row of each sheet in (the ids tie the sheets together).
VALUES = {
    "programme": {"key": None, "value": None},  # a key/value sheet: filled apart
    "default": {
        "district": "0606", "province": "06", "commune": "060603", "village": "",
        "from_year": 2023, "to_year": 2025, "cbo_id": "C-T1", "person_id": "P-T1", "issue_id": "I-T1",
        "event_id": "E-T1", "elc_id": "ELC-T1", "project_id": "PR-T1", "name_en": "Test fishery",
        "name_km": "សហគមន៍នេសាទសាកល្បង", "established_on": "2010-01-01", "members_total": 100,
        "members_female": 50, "committee_total": 9, "committee_female": 4, "area_ha": 12.5,
        "joined_on": "2020-01-01", "full_name": "Sok Dara", "birth_year": 1980, "phone": "012 345 678",
        "telegram": "", "consent_on": "2023-01-01", "title_en": "The canal is blocked", "title_km": "ប្រឡាយស្ទះ",
        "description": "Since 2022.", "duty_bearer": "Klaeng commune", "raised_on": "2023-02-01",
        "households_affected": 10, "people_affected": 40, "people_affected_female": 20, "title": "Forum",
        "date": "2023-03-01", "participants_total": 50, "participants_female": 20, "participants_youth": 5,
        "participants_indigenous": 0, "participants_disability": 1, "issues_raised": "I-T1", "note": "",
        "evidence": "", "people_benefited": 10, "people_benefited_female": 5, "year": 2023, "name": "Concession",
        "company": "A company", "granted_on": "2010-01-01", "disclosed_on": "2023-05-01", "source": "website",
        "buyer": "Kampong Thom provincial administration", "fiscal_year": 2024, "method": "national bidding",
        "value_khr": 1000000, "ocid": "", "code": "1.1", "outcome": "1", "statement": "Issues solved",
        "baseline": 40, "baseline_year": 2022, "target": 70, "target_year": 2025, "computation": "",
        "parameters": "", "statement_km": "បញ្ហាដែលបានដោះស្រាយ", "outcome_statement": "CBOs are heard",
        "outcome_statement_km": "សហគមន៍ត្រូវបានស្តាប់", "baseline_numerator": 4, "baseline_denominator": 10,
        "means_of_verification": "records", "outcome_parent": "", "period": 2023, "value": 45,
        "narrative": "", "numerator": 9, "denominator": 20, "parts": "solved=9", "unit": "060603",
        "category": "x_test", "amount_khr": 1000, "population": 1000, "female": 500, "khr_per_usd": 4100,
        "cost_khr": 400000000, "sector": "water", "funding_source": "commune fund", "progress_pct": 0,
        "parent": "",
    },
}
PROGRAMME_ROWS = [["name", "Test programme"], ["code", "TP"], ["donors", "A donor"], ["start", "2023-01-01"],
                  ["end", "2025-12-31"]]


def _template(client, kind: str):
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="samleng-{kind}-template.xlsx"'
    return load_workbook(io.BytesIO(response.content))


def _first_word(comment: str) -> str | None:
    """The first word a comment lists ("One of: a, b, c."), in its English part."""
    found = re.search(r"One of: ([^,.]+)", comment)
    return found.group(1).strip() if found else None


def _fill(book, kind: str) -> None:
    for sheet in book.worksheets:
        if sheet.title.startswith("_"):
            continue
        if sheet.title == "programme":
            for row in PROGRAMME_ROWS:
                sheet.append(row)
            continue
        row = []
        for cell in sheet[1]:
            comment = cell.comment.text
            word = _first_word(comment)
            if word is not None:
                value = word
            elif "yes or no" in comment:
                value = "yes"
            else:
                value = VALUES["default"][cell.value]
            if kind == "budget" and cell.value == "code":
                value = "x_test"  # a category of the workbook's own, used by its budget line
            row.append(value)
        sheet.append(row)


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
    book = _template(login(world.me_officer), kind)
    _fill(book, kind)
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
