"""The public procurement pages (public_procurement.py): buyers ranked by their disclosure score, a buyer's
projects, a project; their CSV and OCDS downloads. Read by anyone, in Khmer and English, in a fixed number
of queries; the disclosure form stays staff's. And the score of a project typed by hand (the workbook's
procurement_disclosures, no OCDS) comes from the same records as the indicator procurement_disclosed_share."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from samleng.accounts.models import User
from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private, login_en, make_user, place
from samleng.transparency import ocds, procurement, services
from samleng.transparency.models import ProcurementDisclosure, ProcurementDocument, ProcurementProject
from samleng.transparency.tests.factories import office, project

D = dt.date
ALL = ["plan", "announcement", "specification", "award_winner", "award_value", "contract", "implementation"]
RANKING = reverse("transparency:procurement_ranking")
BUYER = reverse("transparency:procurement_buyer")


@pytest.fixture
def buyers(db):
    """Three buyers of 2024: the rural development ministry (two projects, 10 of 14 items; one read from OCDS
    with documents and a red flag; its name matched an office), the education ministry (one project typed by
    hand, 7 of 7), the health ministry (one, none); and one project of 2023."""
    ministry = office("Ministry of Rural Development", level="national", place_code="")
    road = project("PP-2024-001", title="Kleng commune road", value_khr=120_000_000, buyer_office=ministry,
                   disclosed={"announcement": D(2024, 2, 1), "specification": D(2024, 2, 1),
                              "award_winner": D(2024, 4, 3), "award_value": D(2024, 4, 3), "contract": D(2024, 5, 1)},
                   ocid="ocds-abc123-PP1", method="open", tender_days=9, tenderers=1, red_flags=["R003", "R018"],
                   value=Decimal("120000000.00"), currency="KHR",
                   ocds_warnings=[{"path": "$.releases[0].tender.value.amount", "problem": "'x' is not a number"}])
    ProcurementDocument.objects.create(project=road, document_type="tenderNotice", tier="basic",
                                       published_on=D(2024, 2, 1), title="Notice", url="https://e.gov.kh/n1")
    ProcurementDocument.objects.create(project=road, document_type="contractSigned", tier="intermediate",
                                       published_on=D(2024, 5, 1))
    services.procurement_counts_refresh(project_pks=[road.pk])  # as the OCDS import does
    bridge = project("PP-2024-002", buyer=" ministry of rural development ", title="Bridge", buyer_office=ministry,
                     disclosed=["plan", "announcement", "award_winner", "award_value",
                                                          "contract"])
    school = project("PP-2024-010", buyer="Ministry of Education, Youth and Sport", title="School latrines",
                     title_km="បង្គន់សាលារៀន", value_khr=45_000_000, disclosed=ALL)
    clinic = project("PP-2024-020", buyer="Ministry of Health", title="Clinic roof")
    project("PP-2023-001", fiscal_year=2023, buyer="Ministry of Health", title="Old clinic", disclosed=ALL)
    return {"road": road, "bridge": bridge, "school": school, "clinic": clinic, "office": ministry}


def _get(client, url, **query):
    return client.get(url, query)


# ---- the ranking ------------------------------------------------------------------------------------------

def test_anyone_reads_the_ranking_of_a_year_best_score_first(buyers):
    response = _get(anonymous(), RANKING, year=2024)
    assert_small_and_private(response, [])
    rows = response.context["rows"]
    assert [(r.buyer, r.projects, r.disclosed, r.rank) for r in rows] == [
        ("Ministry of Education, Youth and Sport", 1, 7, 1), ("Ministry of Rural Development", 2, 10, 2),
        ("Ministry of Health", 1, 0, 3)]
    rural = rows[1]
    assert rural.score == pytest.approx(10 / 14)  # the two spellings of one buyer make one row
    assert rural.flags == {"R003": 1, "R018": 1} and rural.ocds_projects == 1
    assert rural.tiers == {"basic": 1, "intermediate": 1, "advanced": 0}
    assert rural.office == buyers["office"]
    html = response.content.decode()
    assert "71.4%" in html and "100%" in html and "Ministry of Health" in html
    from samleng.transparency.public_procurement import _office_url

    assert f'href="{_office_url(buyers["office"])}"' in html  # the office it matched (its page, if Samleng has one)
    assert "Fewer than 5 projects" in html  # every buyer here is small
    # The year chooser lists both years; the newest is the default.
    assert response.context["years"] == [2024, 2023]
    assert _get(anonymous(), RANKING).context["year"] == 2024
    older = _get(anonymous(), RANKING, year=2023).context["rows"]
    assert [(r.buyer, r.score) for r in older] == [("Ministry of Health", 1.0)]
    assert "No procurement project is known for 2019" in _get(anonymous(), RANKING, year=2019).content.decode()
    assert _get(anonymous(), RANKING, year="soon").context["year"] == 2024


def test_the_ranking_is_in_khmer_with_khmer_digits(buyers):
    from django.test import Client

    html = Client().get(RANKING, {"year": 2024}).content.decode()  # Khmer by default
    assert 'lang="km"' in html and "២០២៤" in html and "៧១.៤%" in html
    assert "Public procurement: who discloses" not in html


def test_the_ranking_and_a_buyers_page_run_the_same_queries_whatever_the_number_of_buyers(
        buyers, django_assert_max_num_queries):
    def counted(url, query):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert anonymous().get(url, query).status_code == 200
        return len(captured)

    before = counted(RANKING, {"year": 2024})
    buyer_before = counted(BUYER, {"name": "Ministry of Rural Development", "year": 2024})
    for n in range(30):
        made = project(f"PP-X-{n}", buyer=f"Province {n}", disclosed=ALL[: n % 7],
                       buyer_office=office(f"Province {n} hall", level="province", place_code="06"))
        ProcurementDocument.objects.create(project=made, document_type="tenderNotice", tier="basic")
        services.procurement_counts_refresh(project_pks=[made.pk])
        project(f"PP-Y-{n}", buyer="Ministry of Rural Development", disclosed=["plan"])
    assert counted(RANKING, {"year": 2024}) == before
    assert counted(BUYER, {"name": "Ministry of Rural Development", "year": 2024}) == buyer_before
    with django_assert_max_num_queries(8):
        anonymous().get(RANKING, {"year": 2024})
    with django_assert_max_num_queries(12):
        anonymous().get(BUYER, {"name": "Ministry of Rural Development", "year": 2024})


def test_staff_arriving_with_the_old_lists_filters_go_to_the_staff_list(world, buyers):
    client = login_en(world.officer)
    response = client.get(RANKING, {"fiscal_year": "2024", "q": "road"})
    assert response.status_code == 302
    assert response.url == reverse("transparency:procurement") + "?fiscal_year=2024&q=road"
    assert client.get(response.url).status_code == 200
    # The public keep the ranking; the staff list is not theirs.
    assert anonymous().get(RANKING, {"fiscal_year": "2024"}).status_code == 200
    assert_login_redirect(anonymous().get(reverse("transparency:procurement")))


# ---- a buyer's projects -----------------------------------------------------------------------------------

def test_a_buyers_page_lists_its_projects_of_the_year(buyers):
    response = _get(anonymous(), BUYER, name="MINISTRY of rural development", year=2024)
    assert_small_and_private(response, [])
    assert [p.project_id for p in response.context["page"].object_list] == ["PP-2024-001", "PP-2024-002"]
    assert response.context["buyer"].rank == 2
    html = response.content.decode()
    assert "Kleng commune road" in html and "120,000,000 riel" in html and "R003, R018" in html
    assert "5 of 7 items" in html
    assert 'href="/procurement/ranking.csv' not in html and "ocds.json?" in html
    assert _get(anonymous(), BUYER, name="Ministry of Nowhere", year=2024).status_code == 404
    assert _get(anonymous(), BUYER, name="Ministry of Health", year="x").status_code == 404
    assert _get(anonymous(), BUYER, name="Ministry of Education, Youth and Sport", year=2023).status_code == 404


# ---- a project --------------------------------------------------------------------------------------------

def test_a_project_says_what_was_disclosed_when_its_flags_its_value_and_its_warnings(buyers):
    url = reverse("transparency:procurement_project", args=[buyers["road"].pk])
    response = anonymous().get(url)
    assert_small_and_private(response, [])
    html = response.content.decode()
    assert [(row.item, row.disclosed) for row in response.context["items"]] == [
        ("plan", False), ("announcement", True), ("specification", True), ("award_winner", True),
        ("award_value", True), ("contract", True), ("implementation", False)]
    assert "3 April 2024" in html and "71.4%" in html and "(5 of 7 items disclosed)" in html
    assert "The tender period lasted 9 days: shorter than the 15 days" in html
    assert "Only one tenderer took part" in html
    assert "120,000,000 riel" in html
    assert "$.releases[0].tender.value.amount" in html and "1 warning about its OCDS data" in html
    assert 'href="https://e.gov.kh/n1"' in html and "1 February 2024" in html  # a basic document
    assert "contractSigned" in html
    # Nobody but staff is offered the form, the "Ask for it" links, or may post.
    assert 'name="disclosed_on"' not in html and "Ask for it" not in html
    assert_login_redirect(anonymous().post(url, {"item": "plan", "disclosed_on": "2024-01-01"}))
    authority = make_user("governor", User.Role.AUTHORITY, authority_unit=place("06"))
    assert login_en(authority).post(url, {"item": "plan", "disclosed_on": "2024-01-01"}).status_code == 403
    assert not ProcurementDisclosure.objects.filter(project=buyers["road"], item="plan").exists()


def test_a_project_in_another_currency_and_one_typed_by_hand(buyers):
    foreign = project("PP-2024-030", buyer="Ministry of Health", ocid="ocds-abc123-F", value=Decimal("1234.50"),
                      currency="USD")
    html = anonymous().get(reverse("transparency:procurement_project", args=[foreign.pk])).content.decode()
    assert "1,234.5 USD" in html and "riel" not in html.split("Value")[1][:200]
    typed = anonymous().get(reverse("transparency:procurement_project", args=[buyers["school"].pk]))
    assert "typed by hand" in typed.content.decode() and "100%" in typed.content.decode()
    from django.test import Client

    khmer = Client().get(reverse("transparency:procurement_project", args=[buyers["school"].pk])).content.decode()
    assert "បង្គន់សាលារៀន" in khmer and "៤៥,០០០,០០០" in khmer
    assert anonymous().get(reverse("transparency:procurement_project", args=[9999])).status_code == 404


def test_staff_record_a_disclosure_and_ask_for_a_missing_item_on_the_project_page(world, buyers):
    url = reverse("transparency:procurement_project", args=[buyers["clinic"].pk])
    client = login_en(world.outsider)
    html = client.get(url).content.decode()
    assert 'name="disclosed_on"' in html and "Ask for it" in html
    response = client.post(url, {"item": "plan", "disclosed_on": "2024-01-05", "source": "https://moh.gov.kh"})
    assert response.status_code == 302
    assert ProcurementDisclosure.objects.get(project=buyers["clinic"]).item == "plan"
    # The score follows at once, on the page and in the ranking's count.
    assert anonymous().get(url).context["disclosed"] == 1
    buyers["clinic"].refresh_from_db()
    assert buyers["clinic"].items_disclosed == 1


# ---- downloads --------------------------------------------------------------------------------------------

def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_downloads_neutralise_formula_like_text(buyers):
    project("PP-2024-666", buyer="=HYPERLINK(\"http://x\",\"y\")", title="+cmd|' /C calc'!A0", disclosed=["plan"])
    ranking = _rows(anonymous().get(reverse("transparency:procurement_ranking_csv"), {"year": 2024}))
    assert ranking[0][:3] == ["fiscal_year", "rank", "buyer"]
    by_buyer = {row[2]: row for row in ranking[1:]}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in by_buyer
    assert not any(cell.startswith(("=", "+", "@")) for row in ranking for cell in row)
    rural = by_buyer["Ministry of Rural Development"]
    assert rural[4:8] == ["2", "10", "14", "71.4"]
    projects = _rows(anonymous().get(reverse("transparency:procurement_buyer_csv"),
                                     {"name": "=HYPERLINK(\"http://x\",\"y\")", "year": 2024}))
    assert projects[1][2] == "'+cmd|' /C calc'!A0" and projects[1][4].startswith("'=")
    rural_projects = _rows(anonymous().get(reverse("transparency:procurement_buyer_csv"),
                                           {"name": "Ministry of Rural Development", "year": 2024}))
    header, first = rural_projects[0], rural_projects[1]
    assert first[header.index("announcement_disclosed_on")] == "2024-02-01"
    assert first[header.index("red_flags")] == "R003 R018" and first[header.index("basic_documents")] == "1"


def test_the_ocds_downloads_validate_and_hold_only_what_was_asked(buyers, settings):
    settings.OCDS_PREFIX = "ocds-test01"
    response = anonymous().get(reverse("transparency:procurement_buyer_ocds"),
                               {"name": "Ministry of Rural Development", "year": 2024})
    assert response["Content-Type"].startswith("application/json")
    package = json.loads(response.content)
    assert ocds.package_problems(package) == []
    assert sorted(r["ocid"] for r in package["releases"]) == ["ocds-abc123-PP1", "ocds-test01-PP-2024-002"]
    one = json.loads(anonymous().get(reverse("transparency:procurement_project_ocds",
                                             args=[buyers["school"].pk])).content)
    assert ocds.package_problems(one) == [] and [r["ocid"] for r in one["releases"]] == ["ocds-test01-PP-2024-010"]
    assert len(one["releases"][0]["tender"]["documents"]) == 6  # award_value is the award's value


# ---- one score, from the records the indicator counts ------------------------------------------------------

def test_a_project_typed_in_the_workbook_scores_from_the_records_the_indicator_counts(world, admin_user):
    from samleng.results.computations import compute
    from samleng.results.tests import records

    made = services.procurement_project_upsert_many(user=admin_user, rows=[
        {"project_id": "WB-1", "buyer": "Kratie provincial hall", "title": "Market", "fiscal_year": 2023},
        {"project_id": "WB-2", "buyer": "Kratie provincial hall", "title": "Drain", "fiscal_year": 2023},
    ])
    services.procurement_disclosure_upsert_many(user=admin_user, rows=[
        *({"project_id": made.pks["WB-1"], "item": item, "disclosed_on": D(2023, 3, 1), "source": ""}
          for item in ALL),
        {"project_id": made.pks["WB-2"], "item": "announcement", "disclosed_on": D(2023, 3, 1), "source": ""},
    ])
    assert not ProcurementProject.objects.exclude(ocid="").exists()  # no OCDS at all
    [row] = procurement.buyer_ranking(2023)
    assert (row.projects, row.disclosed, row.complete) == (2, 8, 1)
    assert row.score == pytest.approx(8 / 14)
    first = ProcurementProject.objects.get(project_id="WB-1")
    assert procurement.project_score(first) == 1.0
    indicator = records.indicator(records.programme(), "2.2", "procurement_disclosed_share")
    indicator.parameters = {"items": ALL}
    computed = compute(indicator, 2023)
    # The indicator counts the projects with every item: those the page scores 100%, of the same projects.
    assert (computed.numerator, computed.denominator) == (row.complete, row.projects)
    assert computed.numerator_pks == [first.pk]
    indicator.parameters = {"items": ["announcement"]}
    assert compute(indicator, 2023).numerator == 2


# ---- cached for the anonymous, replaced when the records change ------------------------------------------------

def test_the_cached_ranking_is_replaced_by_an_ocds_import_and_by_a_disclosure(
        world, buyers, settings, admin_user, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    assert "Ministry of Mines" not in anonymous().get(RANKING, {"year": 2024}).content.decode()
    assert anonymous().get(RANKING, {"year": 2024})["X-Samleng-Cache"] == "hit"
    release = {"ocid": "ocds-abc123-M1", "id": "M1-tender", "date": "2024-03-01T10:00:00Z", "tag": ["tender"],
               "initiationType": "tender", "buyer": {"id": "b", "name": "Ministry of Mines"},
               "tender": {"id": "t", "title": "Survey", "documents": [{"id": "d", "documentType": "tenderNotice"}]}}
    with django_capture_on_commit_callbacks(execute=True):  # the import's bulk writes send no signal
        services.ocds_import(json.dumps({"version": "1.1", "releases": [release]}).encode(), user=admin_user)
    html = anonymous().get(RANKING, {"year": 2024}).content.decode()
    assert "Ministry of Mines" in html
    url = reverse("transparency:procurement_project", args=[buyers["clinic"].pk])
    assert "(0 of 7 items disclosed)" in anonymous().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        login_en(world.officer).post(url, {"item": "plan", "disclosed_on": "2024-01-05"})
    assert "(1 of 7 items disclosed)" in anonymous().get(url).content.decode()
