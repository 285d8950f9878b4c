"""The programme workbook's offices sheet, and the issues that name an office: by its office_id, or by its name
with the level and the CBO's place (fuzzy, either language; a new name makes the office). Its errors, in English
and Khmer; and an export imported again changes nothing."""

import re

import pytest

from samleng.advocacy.models import Issue
from samleng.conftest import place
from samleng.imports.export import workbook_export
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx
from samleng.places.models import Office
from samleng.places.services import office_create

pytestmark = pytest.mark.django_db

OFFICES_HEADER = ["office_id", "name_en", "name_km", "level", "kind", "province", "district", "commune", "village"]
KHMER = re.compile("[\u1780-\u17ff]")


def offices(*rows) -> list[list]:
    return [OFFICES_HEADER, *[list(r) + [""] * (len(OFFICES_HEADER) - len(r)) for r in rows]]


def with_bearers(sheets, *bearers):
    """The clean workbook's issues (I-001 of Kleng's CBO, I-002 and I-003 of Tuek Vil's, in Klaeng too), each
    with a (level, duty bearer)."""
    header = sheets["issues"][0]
    for row, (level, bearer) in zip(sheets["issues"][1:], bearers, strict=False):
        row[header.index("duty_bearer_level")] = level
        row[header.index("duty_bearer")] = bearer
    return sheets


def imported(tmp_path, sheets, name="book.xlsx"):
    return workbook_import(write_xlsx(tmp_path / name, sheets))


def bearer(issue_id: str) -> Office | None:
    return Issue.objects.select_related("duty_bearer").get(issue_id=issue_id).duty_bearer


def test_issues_name_offices_by_id_by_name_or_not_at_all(world, tmp_path):
    sheets = clean_sheets()
    sheets["offices"] = offices(
        ["OF-SD", "Sandan district administration", "រដ្ឋបាលស្រុកសណ្ដាន់", "district", "administration", "Kampong Thom",
         "Sandan"],
        ["OF-MOI", "Ministry of Interior", "ក្រសួងមហាផ្ទៃ", "ថ្នាក់ជាតិ", "ក្រសួង"],
    )
    with_bearers(sheets, ("commune", "Kleng commune council"), ("district", "of-sd"),
                 ("national", "ministry of interor"))
    result = imported(tmp_path, sheets)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created["offices"] == 2
    council = bearer("I-001")  # a new name: a new office, at the row's level, in the CBO's commune
    assert (council.name_en, council.level, council.place.code, council.office_id) == (
        "Kleng commune council", "commune", "060603", "OF-060603-1")
    assert bearer("I-002").office_id == "OF-SD" and bearer("I-003").office_id == "OF-MOI"  # fuzzy, by name
    moi = Office.objects.get(office_id="OF-MOI")
    assert (moi.level, moi.kind, moi.place) == ("national", "ministry", None)

    # The same names again, in Khmer and another spelling: the same offices, nothing new.
    with_bearers(sheets, ("commune", "kleng commune councl"), ("district", "រដ្ឋបាលស្រុកសណ្តាន់"),
                 ("national", "OF-MOI"))
    again = imported(tmp_path, sheets, "again.xlsx")
    assert again.ok and Office.objects.count() == 3
    assert (bearer("I-001"), bearer("I-002").office_id) == (council, "OF-SD")


def test_an_empty_duty_bearer_is_the_administration_of_the_cbos_place(world, tmp_path):
    sheets = with_bearers(clean_sheets(), ("commune", ""), ("district", ""), ("national", ""))
    assert imported(tmp_path, sheets).ok
    assert (bearer("I-001").name_en, bearer("I-001").place.code) == ("Klaeng commune administration", "060603")
    assert bearer("I-002").name_km == "រដ្ឋបាលស្រុកសណ្ដាន់" and bearer("I-003") is None


def test_an_export_imported_again_changes_nothing(world, tmp_path):
    office_create(user=None, level="province", place=place("06"), name_en="Kampong Thom provincial hall",
                  name_km="សាលាខេត្តកំពង់ធំ", kind="other", office_id="OF-KT")
    sheets = with_bearers(clean_sheets(), ("commune", "Kleng commune council"), ("province", "OF-KT"),
                          ("village", "Tuek Vil village chief"))
    assert imported(tmp_path, sheets).ok
    before = sorted(Office.objects.values_list("office_id", "name_en", "name_km", "level", "kind", "place_id"))
    issues = sorted(Issue.objects.values_list("issue_id", "duty_bearer_id"))
    workbook_export(tmp_path / "out.zip")
    result = workbook_import(tmp_path / "out.zip")
    assert result.ok, [str(e) for e in result.errors]
    assert set(result.created.values()) == {0} and set(result.updated.values()) == {0}, (result.created,
                                                                                         result.updated)
    assert sorted(Office.objects.values_list("office_id", "name_en", "name_km", "level", "kind", "place_id")) == before
    assert sorted(Issue.objects.values_list("issue_id", "duty_bearer_id")) == issues
    village = Office.objects.get(name_en="Tuek Vil village chief")
    assert village.level == "village" and village.place.level == 4


@pytest.mark.parametrize("office_rows, bearers, sheet, column, code", [
    ([["OF-X", "X", "", "county"]], (), "offices", "level", "cell.word"),  # a bad level
    ([["OF-X", "", "", "national"]], (), "offices", "name_en", "office.no_name"),
    ([["OF-X", "X", "", "national", "", "06"]], (), "offices", "province", "office.national_place"),
    ([["OF-X", "X", "", "district", "", "06"]], (), "offices", "district", "office.place_missing"),
    ([["OF-X", "X", "", "district", "", "06", "Sandan"], ["OF-Y", "x", "", "district", "", "06", "0606"]], (),
     "offices", "name_en", "office.same_name"),
    ([["OF-X", "X", "", "district", "", "06", "Nowhere"]], (), "offices", "district", "place.none"),
    ([], [("commune", "OF-9999-9")], "issues", "duty_bearer", "row.unknown_id"),  # an unknown office_id
    ([["OF-X", "Sandan district administration", "", "district", "", "06", "0606"],
      ["OF-Y", "Sandan district administrations", "", "district", "", "06", "0606"]],
     [("district", "Sandan distric administration")], "issues", "duty_bearer", "office.ambiguous"),
    ([["OF-X", "X", "", "district", "", "06", "0606"]], [("commune", "OF-X")], "issues", "duty_bearer",
     "office.other_level"),
    ([], [("village", "Kleng village chief")], "issues", "duty_bearer", "office.no_place"),  # CBO-KT-001: no village
])
def test_what_the_sheets_refuse(world, tmp_path, office_rows, bearers, sheet, column, code):
    sheets = with_bearers(clean_sheets(), *bearers)
    sheets["offices"] = offices(*office_rows)
    result = imported(tmp_path, sheets)
    assert not result.ok and Office.objects.count() == 0
    found = [e for e in result.errors if (e.sheet, e.column, e.code) == (sheet, column, code)]
    assert found, [(e.sheet, e.column, e.code, str(e)) for e in result.errors]
    assert KHMER.search(found[0].message_km) and found[0].message_en != found[0].message_km
