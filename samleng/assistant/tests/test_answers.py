"""The assistant's answers, as the API gives them: a budget's figure is the one its budget page shows first (the
latest phase published for the year), with its source; FAQ entries found by their wordings in both languages,
best first; declines that state no figure; bad input answered politely, never a 500 and never echoed unescaped."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from samleng.assistant import retrieve
from samleng.assistant.models import FaqEntry, Service
from samleng.budgets.models import BudgetLine, Category, ExchangeRate, Population, Project, Publication
from samleng.budgets.services import categories_ensure_defaults
from samleng.conftest import anonymous, place

KLAENG, SANDAN = "060603", "0606"


def lines(unit: str, year: int, phase: str, amounts: dict[str, int]) -> None:
    categories = {c.code: c for c in Category.objects.filter(code__in=amounts)}
    BudgetLine.objects.bulk_create(
        BudgetLine(unit=unit, place=place(unit), fiscal_year=year, phase=phase, direction=categories[c].direction,
                   category=categories[c], amount_khr=amount) for c, amount in amounts.items())


@pytest.fixture
def world(db):
    """Klaeng: 2023 approved; 2024 approved and executed (published); 2025 approved, not published. A project of
    2024. Sandan district: 2024 proposed and approved. Two FAQ entries and a service."""
    categories_ensure_defaults()
    lines(KLAENG, 2023, "approved", {"rev_csf": 480_000_000, "exp_administration": 90_000_000})
    lines(KLAENG, 2024, "approved", {"rev_csf": 520_000_000, "exp_administration": 100_000_000,
                                      "exp_dev_infrastructure": 400_000_000})
    lines(KLAENG, 2024, "executed", {"rev_csf": 520_000_000, "exp_administration": 98_000_000,
                                      "exp_dev_infrastructure": 395_000_000, "exp_dev_social": 12_000_000})
    lines(KLAENG, 2025, "approved", {"exp_administration": 777_000_000})
    lines(SANDAN, 2024, "proposed", {"exp_administration": 1_000_000_000})
    lines(SANDAN, 2024, "approved", {"exp_administration": 1_200_000_000, "exp_dev_social": 300_000_000})
    village = place(KLAENG).children.order_by("code").first()
    Project.objects.create(unit=KLAENG, place=place(KLAENG), fiscal_year=2024, project_id="KL-2024-01",
                           title_en="Canal rehabilitation", title_km="ស្ដារប្រឡាយ", sector="irrigation",
                           village=village, cost_khr=400_000_000, status="ongoing", progress_pct=60)
    Population.objects.create(unit=KLAENG, place=place(KLAENG), year=2024, population=8_000)
    ExchangeRate.objects.create(year=2024, khr_per_usd=Decimal("4000"))
    for unit, year, published in ((KLAENG, 2023, True), (KLAENG, 2024, True), (KLAENG, 2025, False),
                                  (SANDAN, 2024, True)):
        Publication.objects.create(unit=unit, fiscal_year=year, published=published)
    FaqEntry.objects.create(
        faq_id="FAQ-BUD-02", topic="budget", question_en="What is the Commune/Sangkat Fund?",
        question_km="តើមូលនិធិឃុំ សង្កាត់ជាអ្វី?", answer_en="It is the national fund that sends money to communes.",
        answer_km="វាជាមូលនិធិជាតិដែលផ្ទេរថវិកាទៅឃុំ សង្កាត់។", also_asked="what is the CSF; CSF ជាអ្វី")
    FaqEntry.objects.create(
        faq_id="FAQ-ATI-01", topic="access_to_information", question_en="How do I ask an office for information?",
        question_km="តើខ្ញុំស្នើសុំព័ត៌មានពីការិយាល័យដោយរបៀបណា?", answer_en="Write a request to the office.",
        answer_km="សរសេរសំណើទៅការិយាល័យ។", also_asked="request information from the authorities; សុំព័ត៌មាន")
    Service.objects.create(
        service_id="CR-01", name_en="Birth certificate", name_km="សំបុត្រកំណើត", sector="civil_registration",
        office_level="commune", fee_khr=0, days=1, documents_en="Family book; identity cards of the parents",
        documents_km="សៀវភៅគ្រួសារ; អត្តសញ្ញាណប័ណ្ណឪពុកម្ដាយ", source="Sub-decree No. 103",
        checked_on=dt.date(2026, 12, 6))
    retrieve.clear()
    yield
    retrieve.clear()


def ask(q: str, lang: str = "en") -> dict:
    response = anonymous().get("/api/assistant", {"q": q, "lang": lang})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(("q", "lang"), [
    ("ថវិកាឃុំក្លែងឆ្នាំ២០២៤ប៉ុន្មាន?", "km"),
    ("What is the budget of Klaeng commune in 2024?", "en"),
    ("budget of kleng 2024", "en"),
    ("ថវិកា ឃុំ ក្លែង ឆ្នាំ 2024", "km"),
])
def test_the_budget_of_a_commune_is_its_latest_phase_total_expenditure(world, q, lang):
    body = ask(q, lang)
    assert body["kind"] == "budget"
    assert body["figures"] == [98_000_000 + 395_000_000 + 12_000_000]  # executed, not approved
    assert body["sources"] == [{"kind": "budget", "id": "060603/2024",
                                "url": reverse("budgets:unit", args=[KLAENG]) + "?year=2024"}]


def test_the_figure_is_the_one_the_budget_page_shows(world):
    body = ask("ថវិកាឃុំក្លែងឆ្នាំ២០២៤ប៉ុន្មាន?", "km")
    page = anonymous().get(body["sources"][0]["url"]).content.decode()
    assert "505,000,000" in page or "៥០៥,០០០,០០០" in page
    assert "៥០៥,០០០,០០០" in body["answer"]


def test_without_a_year_the_latest_published_year(world):
    body = ask("Klaeng budget")
    assert body["sources"][0]["id"] == "060603/2024"


def test_a_district_by_its_name_and_its_approved_phase(world):
    body = ask("How much does Sandan district spend in 2024?")
    assert body["figures"] == [1_500_000_000]
    assert body["sources"][0]["id"] == "0606/2024"


def test_a_category_by_its_name(world):
    body = ask("How much does Sandan district spend on social services in 2024?")
    assert body["figures"] == [300_000_000]


def test_per_person(world):
    body = ask("budget per person of Klaeng 2024")
    assert body["figures"] == [505_000_000 // 8_000] or body["figures"] == [round(505_000_000 / 8_000)]


def test_projects_of_a_commune(world):
    body = ask("which projects does Klaeng commune have in 2024?")
    assert body["kind"] == "project"
    assert body["sources"][0]["id"] == "KL-2024-01"
    assert body["figures"] == [400_000_000]


@pytest.mark.parametrize("q", ["Klaeng budget 2025", "Klaeng budget 1900", "budget of Klaeng 2031"])
def test_an_unpublished_or_impossible_year_states_no_figure(world, q):
    body = ask(q)
    assert body["kind"] == "none"
    assert body["figures"] == [] and body["sources"] == []
    assert "Advocacy and Policy Institute" in body["answer"]


@pytest.mark.parametrize(("q", "lang"), [
    ("What is the Commune/Sangkat Fund?", "en"),
    ("what is the CSF", "en"),
    ("commune sangkat fund?", "en"),
    ("មូលនិធិឃុំសង្កាត់ជាអ្វី", "km"),
    ("តើមូលនិធិឃុំ\u200bសង្កាត់ជាអ្វី?", "km"),
])
def test_faq_entries_by_their_wordings(world, q, lang):
    body = ask(q, lang)
    assert body["kind"] == "faq"
    assert body["sources"][0]["id"] == "FAQ-BUD-02"
    assert body["figures"] == []


def test_the_answer_in_the_language_asked(world):
    assert "មូលនិធិជាតិ" in ask("What is the CSF?", "km")["answer"]
    assert "national fund" in ask("What is the CSF?", "en")["answer"]


def test_a_service_with_its_documents_and_fee(world):
    body = ask("What documents do I need for a birth certificate?")
    assert body["kind"] == "service"
    assert body["sources"][0]["id"] == "CR-01"
    assert "Family book" in body["answer"] and "free" in body["answer"]
    assert "សៀវភៅគ្រួសារ" in ask("ធ្វើសំបុត្រកំណើតត្រូវការឯកសារអ្វីខ្លះ?", "km")["answer"]


def test_an_unknown_question_declines_with_the_closest_faq(world):
    body = ask("How do I get information about the weather of tomorrow?")
    assert body["kind"] == "none" and body["figures"] == [] and body["sources"] == []
    assert body["suggestions"][0]["id"] == "FAQ-ATI-01"


@pytest.mark.parametrize("q", ["", "   ", "😀😀😀", "'; DROP TABLE assistant_faqentry; --",
                               "<script>alert(1)</script>", "budget of Atlantis commune 2024",
                               "ថវិកា budget Klaeng ឆ្នាំ 1900"])
def test_bad_input_gets_a_polite_answer(world, q):
    body = ask(q)
    assert body["kind"] == "none" and body["figures"] == []
    assert "<script>" not in body["answer"]


def test_a_question_over_500_characters_is_a_400_in_both_languages(world):
    response = anonymous().get("/api/assistant", {"q": "x" * 10_000})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "detail_km"}
    assert anonymous().get("/api/assistant", {"q": "x" * 500}).status_code == 200


def test_a_question_with_personal_details_is_answered_and_nothing_is_written(world):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    question = "Sok Dara 012 345 678 what is the commune sangkat fund?"
    with CaptureQueriesContext(connections["default"]) as queries:
        body = ask(question)
    assert body["kind"] == "faq" and body["sources"][0]["id"] == "FAQ-BUD-02"
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert "Sok Dara" not in body["answer"] and "012 345 678" not in body["answer"]


def test_compare_a_commune_with_its_neighbours_as_its_page_does(world):
    from samleng.budgets.selectors import unit_budget

    comparison = unit_budget(KLAENG, 2024).comparison
    body = ask("compare Klaeng with other communes of Sandan in 2024")
    assert body["kind"] == "budget" and body["sources"][0]["id"] == "060603/2024"
    assert body["figures"] == [comparison.per_person_khr, comparison.groups[0].median_per_person_khr]
    km = ask("ប្រៀបធៀបថវិកាឃុំក្លែងជាមួយឃុំផ្សេងទៀត ឆ្នាំ២០២៤", "km")
    assert km["figures"] == body["figures"] and "ក្នុងមនុស្សម្នាក់" in km["answer"]
