"""The programme workbook's stories sheets (format 1.2): good rows as field teams type them (Khmer words, places
by name), links by id to the records of the workbook and of Samleng (a budget project of the budget workbook),
bad rows named by sheet, row and column in English and Khmer with nothing written, who may import which story,
a second import that changes nothing, and an export that imports back unchanged."""

import datetime as dt

import pytest

from samleng.advocacy import sheets as advocacy
from samleng.budgets.models import Project
from samleng.cbos import sheets as cbos
from samleng.conftest import make_user
from samleng.core.workbook.run import Kind, run
from samleng.imports.export import workbook_export
from samleng.imports.kinds import PROGRAMME_KIND, may_import, workbook_import
from samleng.imports.tests.workbooks import write_xlsx
from samleng.results.models import Programme
from samleng.stories import sheets as stories
from samleng.stories.models import Story, StoryLink

D = dt.date
KIND = Kind("programme", sheets=(cbos.CBOS, advocacy.ISSUES, *stories.SHEETS))
STORY_HEADER = ["story_id", "title_en", "title_km", "text_en", "text_km", "told_on", "province", "district",
                "commune", "public"]
LINK_HEADER = ["story_id", "link_type", "target"]
ISSUE_HEADER = ["issue_id", "cbo_id", "title_en", "topic", "duty_bearer_level", "raised_on", "is_main"]


@pytest.fixture
def canal(db):
    return Project.objects.create(unit="060603", fiscal_year=2024, project_id="060603-2024-CANAL",
                                  title_en="Canal rehabilitation", cost_khr=400_000_000)


def book() -> dict[str, list[list]]:
    return {
        "issues": [ISSUE_HEADER, ["ISS-1", "CBO-KT-001", "Restore the canal", "water", "commune", "2022-03-01", "yes"]],
        "stories": [
            STORY_HEADER,
            ["ST-1", "The commune restores the canal", "ឃុំស្តារប្រឡាយ", "Sar Mol raised it at every meeting.",
             "លោក សារ ម៉ុល បានលើកឡើងគ្រប់កិច្ចប្រជុំ។", "12/07/2024", "Kampong Thom", "Sandan", "Klaeng", "បាទ"],
            ["ST-2", "", "រឿងទ្រាបក្វាន់ពីរ", "", "សហគមន៍ការពារព្រៃ។", "2023-06-27", "10", "", "", "no"],
        ],
        "story_links": [
            LINK_HEADER,
            ["ST-1", "cbo", "CBO-KT-001"],
            ["ST-1", "បញ្ហា", "ISS-1"],  # the Khmer word for an issue
            ["ST-1", "budget_project", "060603-2024-CANAL"],
            ["ST-2", "cbo", "CBO-KR-001"],
        ],
    }


def said(result) -> dict:
    return {(e.sheet, e.row, e.column): str(e) for e in result.errors}


def import_(tmp_path, workbook, user, name="s.xlsx"):
    return run(KIND, write_xlsx(tmp_path / name, workbook), user=user, may=may_import)


def test_the_programme_kind_has_the_stories_sheets_last_of_format_1_2():
    names = [sheet.name for sheet in PROGRAMME_KIND.sheets]
    assert names.index("stories") > names.index("action_updates") and names.index("story_links") == names.index(
        "stories") + 1
    assert PROGRAMME_KIND.export_order[-2:] == ("stories", "story_links")


@pytest.mark.django_db
def test_stories_and_their_links_import_and_again_change_nothing(world, canal, tmp_path):
    result = import_(tmp_path, book(), world.me_officer)
    assert result.ok, [str(e) for e in result.errors]
    one = Story.objects.get(story_id="ST-1")
    assert one.public and one.told_on == D(2024, 7, 12) and one.place.code == "060603"
    assert one.province == world.kampong_thom and one.text_km == "លោក សារ ម៉ុល បានលើកឡើងគ្រប់កិច្ចប្រជុំ។"
    two = Story.objects.get(story_id="ST-2")
    assert not two.public and two.title_en == "" and two.province == world.kratie
    links = {(link.link_type, link.target): link for link in StoryLink.objects.filter(story=one)}
    assert links[("cbo", "CBO-KT-001")].cbo == world.cbo and links[("issue", "ISS-1")].issue.issue_id == "ISS-1"
    assert links[("budget_project", "060603-2024-CANAL")].project == canal
    again = import_(tmp_path, book(), world.me_officer, "again.xlsx")
    assert again.ok and sum(again.updated.values()) == 0 and sum(again.created.values()) == 0
    assert StoryLink.objects.count() == 4


@pytest.mark.django_db
def test_bad_rows_are_named_in_both_languages_and_nothing_is_written(world, canal, tmp_path):
    workbook = book()
    workbook["stories"] += [
        ["ST-3", "", "", "", "", "2999-01-01", "06", "", "", ""],
        ["ST-1", "Twice", "", "Again", "", "2024-01-01", "06", "", "", ""],
        ["ST-4", "Somewhere", "", "Text", "", "2024-01-01", "Atlantis", "", "", ""],
    ]
    workbook["story_links"] += [
        ["ST-1", "issue", "ISS-404"],
        ["ST-9", "cbo", "CBO-KT-001"],
        ["ST-1", "village", "X"],
        ["ST-1", "cbo", "CBO-KT-001"],
        ["ST-1", "budget_project", "NO-SUCH-PROJECT"],
    ]
    result = import_(tmp_path, workbook, world.me_officer)
    assert not result.ok
    errors = said(result)
    assert ("stories", 4, "title_en") in errors and ("stories", 4, "text_en") in errors
    assert ("stories", 4, "told_on") in errors and ("stories", 5, "story_id") in errors
    assert ("stories", 6, "province") in errors
    unknown = errors[("story_links", 6, "target")]
    assert "ISS-404" in unknown and "បញ្ហា" in unknown  # in English and Khmer
    assert ("story_links", 7, "story_id") in errors and ("story_links", 8, "link_type") in errors
    assert ("story_links", 9, "target") in errors and "NO-SUCH-PROJECT" in errors[("story_links", 10, "target")]
    assert not Story.objects.exists() and not StoryLink.objects.exists()


@pytest.mark.django_db
def test_a_field_officer_imports_the_stories_of_their_provinces_only(world, canal, tmp_path):
    workbook = book()
    refused = import_(tmp_path, workbook, world.officer)  # ST-2 is Kratie's
    assert not refused.ok and ("stories", 3, "province") in said(refused) and not Story.objects.exists()
    workbook["stories"].pop()
    workbook["story_links"].pop()
    assert import_(tmp_path, workbook, world.officer, "mine.xlsx").ok
    links = {"story_links": [LINK_HEADER, ["ST-1", "cbo", "CBO-KR-001"]]}
    outsider = import_(tmp_path, links, world.outsider, "outsider.xlsx")
    assert not outsider.ok and ("story_links", 2, "story_id") in said(outsider)
    # Nor may the officer link their story to a record they do not see (Kratie's CBO): unknown to them.
    refused = import_(tmp_path, links, world.officer, "theirs.xlsx")
    assert not refused.ok and "CBO-KR-001" in said(refused)[("story_links", 2, "target")]
    national = {"stories": [STORY_HEADER, ["ST-N", "A national story", "", "Text", "", "2024-01-01", "", "", "",
                                           ""]]}
    result = import_(tmp_path, national, world.officer, "national.xlsx")
    assert not result.ok and "those who see everything" in said(result)[("stories", 2, "province")]
    assert import_(tmp_path, national, make_user("admin2", "admin"), "national2.xlsx").ok


@pytest.mark.django_db
def test_an_export_imports_back_unchanged(world, canal, tmp_path):
    assert import_(tmp_path, book(), world.me_officer).ok
    Programme.objects.create(code="CE-1", name="Civic engagement", start=D(2021, 1, 1), end=D(2025, 12, 31))
    counts = workbook_export(tmp_path / "out.xlsx", user=world.me_officer)
    assert (counts["stories"], counts["story_links"]) == (2, 4)
    again = workbook_import(tmp_path / "out.xlsx", user=world.me_officer)
    assert again.ok, [str(e) for e in again.errors]
    assert sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_a_workbook_without_place_columns_keeps_a_stored_story_s_place(world, canal, tmp_path):
    assert import_(tmp_path, book(), world.me_officer).ok
    header = ["story_id", "title_en", "text_en", "told_on"]
    again = {"stories": [header, ["ST-1", "The commune restores its canal", "New text.", "2024-07-12"]]}
    result = import_(tmp_path, again, world.officer, "again.xlsx")  # Kampong Thom's officer: the story is theirs
    assert result.ok, [str(e) for e in result.errors]
    story = Story.objects.get(story_id="ST-1")
    assert story.place.code == "060603" and story.text_en == "New text." and story.public
    refused = import_(tmp_path, again, world.outsider, "outsider.xlsx")
    assert not refused.ok and ("stories", 2, "story_id") in said(refused)
