"""Procurement, land concessions and what people say about a public service point, answered from transparency's
and comments' selectors (the figures their public pages show), with sources of kinds "procurement", "concession" and
"comments"; comments' figures only where at least 5 published comments stand behind them."""

import datetime as dt

import pytest

from samleng.assistant import retrieve
from samleng.assistant.answer import ask
from samleng.comments import services as comment_services
from samleng.conftest import place
from samleng.places.models import Facility
from samleng.places.services import office_of_place
from samleng.transparency import services as transparency_services
from samleng.transparency.models import LandConcession


@pytest.fixture
def records(db):
    rows = [{"project_id": f"MEF-2024-{i:03d}", "buyer": "MEF", "title": f"Printing {i}", "title_km": f"បោះពុម្ព {i}",
             "fiscal_year": 2024, "method": "shopping", "value_khr": 1_000_000 * i} for i in range(1, 7)]
    rows += [{"project_id": "MOPWT-2024-001", "buyer": "MoPWT", "title": "Bridge", "fiscal_year": 2024,
              "value_khr": None}]
    result = transparency_services.procurement_project_upsert_many(user=None, rows=rows)
    transparency_services.procurement_disclosure_upsert_many(user=None, rows=[
        {"project_id": result.pks["MEF-2024-001"], "item": item, "disclosed_on": dt.date(2024, 3, 1),
         "source": "portal"} for item in ("plan", "announcement", "award_value")])
    klaeng = place("060603")
    LandConcession.objects.create(
        elc_id="ELC-KT-002", name="Sandan cassava concession", name_km="ដីសម្បទានដំឡូងមីសណ្ដាន់",
        company="Sandan Agro Co. Ltd.", province=place("06"), district=place("0606"), area_ha=3900,
        granted_on=dt.date(2012, 10, 11), crop="cassava")
    LandConcession.objects.create(elc_id="ELC-KR-001", name="Thmei rubber concession", company="Sovann Rubber Co.",
                                  province=place("10"), district=place("1006"), area_ha=7400, crop="rubber")
    office = Facility.objects.create(
        facility_id="FAC-0606-OWS", type="one_window_service", name_en="Sandan One Window Service office",
        name_km="ការិយាល័យច្រកចេញចូលតែមួយសណ្ដាន់", province=place("06"), district=place("0606"),
        answered_by=office_of_place(user=None, place=place("0606")))
    centre = Facility.objects.create(
        facility_id="FAC-060603-HC", type="health_centre", name_en="Klaeng health centre",
        name_km="មណ្ឌលសុខភាពក្លែង", province=place("06"), district=place("0606"), commune=klaeng,
        answered_by=office_of_place(user=None, place=klaeng))
    retrieve.clear()
    yield {"office": office, "centre": centre}
    retrieve.clear()


def comments(facility, category: str, n: int) -> None:
    for i in range(n):
        comment_services.comment_create(facility=facility, category=category, text=f"{category} comment {i}.")


@pytest.mark.parametrize(("q", "lang"), [
    ("What is the disclosure score of MEF?", "en"),
    ("How well does mef disclose its procurement in 2024?", "en"),
    ("ពិន្ទុបង្ហាញព័ត៌មានលទ្ធកម្មរបស់ MEF ឆ្នាំ២០២៤", "km"),
])
def test_a_buyers_disclosure_score_as_its_ranking_shows_it(records, q, lang):
    answer = ask(q, lang)
    assert answer.kind == "procurement"
    assert answer.sources == [{"kind": "procurement", "id": "MEF/2024",
                               "url": "/procurement/buyer/?name=MEF&year=2024"}]
    assert answer.figures == [6, 3, 7]  # 6 projects, 3 of their 42 items, 7%
    assert ("rank 1 of 2" in answer.answer) if lang == "en" else ("១" in answer.answer)


def test_a_buyer_without_projects_that_year_is_declined(records):
    answer = ask("MEF procurement score 2021", "en")
    assert answer.kind == "none" and answer.figures == [] and "2024" in answer.answer


def test_a_project_by_its_id_with_its_value_and_what_was_disclosed(records):
    answer = ask("Tell me about MEF-2024-001", "en")
    assert answer.kind == "procurement" and answer.sources[0]["id"] == "MEF-2024-001"
    assert answer.sources[0]["url"].startswith("/procurement/")
    assert answer.figures == [1_000_000, 3]  # riel; 3 items disclosed
    assert "procurement plan 2024-03-01" in answer.answer and "not disclosed" in answer.answer
    unknown_value = ask("mopwt-2024-001", "km")
    assert unknown_value.kind == "procurement" and unknown_value.figures == [0]


@pytest.mark.parametrize(("q", "lang"), [
    ("What is known about the Sandan cassava concession?", "en"),
    ("ដីសម្បទានដំឡូងមីសណ្ដាន់", "km"),
    ("ELC-KT-002", "en"),
])
def test_what_is_known_about_a_concession(records, q, lang):
    answer = ask(q, lang)
    assert answer.kind == "concession"
    assert answer.sources[0]["id"] == "ELC-KT-002" and answer.sources[0]["url"].startswith("/concessions/")
    assert answer.figures == [3900, 0]  # hectares; no item disclosed


def test_a_question_about_concessions_in_general_is_the_faqs(records):
    assert ask("What is a land concession?", "en").kind != "concession"


@pytest.mark.parametrize(("q", "lang"), [
    ("What do people say about Sandan One Window Service office?", "en"),
    ("តើប្រជាជននិយាយអ្វីខ្លះអំពីការិយាល័យច្រកចេញចូលតែមួយសណ្ដាន់?", "km"),
    ("comments about the one window office of sanden district", "en"),
])
def test_what_people_say_needs_five_published_comments(records, q, lang):
    comments(records["office"], "waiting_time", 4)
    few = ask(q, lang)
    assert few.kind == "comments" and few.figures == []
    assert few.sources == [{"kind": "comments", "id": "FAC-0606-OWS", "url": "/comments/facility/FAC-0606-OWS/"}]
    comments(records["office"], "fees", 2)
    many = ask(q, lang)
    assert many.kind == "comments" and many.figures[0] == 6  # 6 published comments
    # Each category has fewer than 5 behind it: not stated.
    assert 4 not in many.figures[1:] and 2 not in many.figures[1:]


def test_a_commune_facility_by_its_type_and_a_place_with_several_asks_which(records):
    comments(records["centre"], "praise", 5)
    answer = ask("What do people say about Klaeng health centre?", "en")
    assert answer.kind == "comments" and answer.sources[0]["id"] == "FAC-060603-HC"
    assert answer.figures[:2] == [5, 5]  # 5 comments, 5 of praise
    assert "praise 5" in answer.answer
    Facility.objects.create(facility_id="FAC-060603-CO", type="commune_office", name_en="Klaeng commune office",
                            province=place("06"), district=place("0606"), commune=place("060603"),
                            answered_by=records["centre"].answered_by)
    which = ask("What do people say about Klaeng commune?", "en")
    assert which.kind == "none" and "Klaeng health centre" in which.answer and which.figures == []
