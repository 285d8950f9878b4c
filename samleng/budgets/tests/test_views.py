"""The public budget pages, as a visitor without an account sees them: published data only, a fixed number
of queries whatever the size of the budget, under 100 KB, Khmer digits in Khmer, the CSV, the national
shares, the glossary."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from samleng.budgets.models import NATIONAL, BudgetLine, Category, Project, Publication
from samleng.budgets.services import categories_ensure_defaults, glossary_ensure_defaults, glossary_upsert_many
from samleng.budgets.tests.test_opendata import FORMULAS
from samleng.budgets.tests.test_selectors import (
    KLAENG,
    SANDAN,
    add_year,
    canal_project,
    commune_amounts,
    sandan_communes,
)
from samleng.conftest import anonymous
from samleng.core.workbook.safety import FORMULA_STARTS
from samleng.places.models import Place
from samleng.places.selectors import place_index_clear

pytestmark = pytest.mark.django_db
PAGE_LIMIT = 100_000


@pytest.fixture
def budget(db):
    """Klaeng: 2023 and 2024 published (with the canal project in 2024), 2025 withdrawn."""
    from samleng.budgets.models import ExchangeRate

    categories_ensure_defaults()
    ExchangeRate.objects.create(year=2024, khr_per_usd=4050)
    add_year(KLAENG, 2023, commune_amounts(), phase="executed", population=9_000)
    add_year(KLAENG, 2024, {**commune_amounts(), "exp_dev_nrm_climate": 400_000_000}, population=10_000)
    add_year(KLAENG, 2025, commune_amounts(3), published=False, population=10_100)
    canal_project()
    others = [c for c in sandan_communes() if c != KLAENG]
    add_year(others[0], 2024, {"exp_administration": 1_200_000_000}, population=11_000)
    return others


def khmer() -> Client:
    return Client()  # pages are in Khmer unless the visitor chose English


def page(client: Client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


# ---- the commune page -----------------------------------------------------------------------------------


def test_commune_page_in_english(budget):
    response = page(anonymous(), reverse("budgets:unit", args=[KLAENG]))
    html = response.content.decode()
    assert "Klaeng" in html and "Fiscal year 2024, approved budget." in html
    assert "Canal rehabilitation to the community lake" in html and "400,000,000 riels" in html
    assert "US$98,765" in html  # 400,000,000 / 4,050
    # Totals, per person (10,000 people) and the change from 2023 (executed).
    assert "1,000,000,000 riels" in html and "100,000 riels per person" in html
    assert "Changes are against 2023 (executed)." in html
    assert "+30%" in html  # expenditure 1,300 M against 1,000 M
    # Every category with its explanation, the comparison, the history chart, the downloads and the link.
    assert "Natural resources and climate" in html and "<details" in html
    assert "Compared with places of the same size" in html and "10,000 to 19,999 people" in html
    assert html.count("<svg") >= 3 and "<script" not in html
    assert reverse("budgets:unit_csv", args=[KLAENG, 2024]) in html
    assert f'value="http://testserver/budgets/{KLAENG}/"' in html
    assert "budgets.css" in html


def test_commune_page_in_khmer_has_khmer_digits(budget):
    html = page(khmer(), reverse("budgets:unit", args=[KLAENG])).content.decode()
    assert 'lang="km"' in html
    assert "ក្លែង" in html and "ស្តារប្រឡាយទៅបឹងសហគមន៍" in html
    assert "៤០០,០០០,០០០" in html and "២០២៤" in html
    assert "400,000,000" not in html
    assert "ទឹកស្អាត" in html and "· water" not in html  # the project's usual sector word in Khmer


def test_a_sector_outside_the_usual_words_is_shown_as_typed(budget):
    Project.objects.filter(project_id="KL-2024-01").update(sector="Fish ponds")
    assert "Fish ponds" in page(khmer(), reverse("budgets:unit", args=[KLAENG])).content.decode()


def test_a_withdrawn_year_never_shows(budget):
    assert page(anonymous(), reverse("budgets:unit", args=[KLAENG]) + "?year=2025", 404)
    html = page(anonymous(), reverse("budgets:unit", args=[KLAENG])).content.decode()
    assert "2025" not in html and "3,000,000,000" not in html
    page(anonymous(), reverse("budgets:unit_csv", args=[KLAENG, 2025]), 404)


def test_nothing_published_is_not_found(budget):
    Publication.objects.filter(unit=KLAENG).update(published=False)
    page(anonymous(), reverse("budgets:unit", args=[KLAENG]), 404)
    page(anonymous(), reverse("budgets:unit", args=["060601"]) + "?year=2023", 404)  # only 2024 is published
    page(anonymous(), reverse("budgets:unit", args=["999999"]), 404)
    page(anonymous(), reverse("budgets:unit", args=[KLAENG]) + "?year=20x4", 404)


def test_an_earlier_year(budget):
    html = page(anonymous(), reverse("budgets:unit", args=[KLAENG]) + "?year=2023").content.decode()
    assert "Fiscal year 2023, executed budget." in html
    assert "Canal rehabilitation" not in html  # a 2024 project


def test_district_page(budget):
    add_year(SANDAN, 2024, {"rev_dmf": 3_000_000_000, "exp_administration": 2_000_000_000}, population=60_000)
    add_year("0601", 2024, {"exp_administration": 4_000_000_000}, population=80_000)
    html = page(anonymous(), reverse("budgets:unit", args=[SANDAN])).content.decode()
    assert "Budget of Sandan district" in html and "District/Municipality Fund transfer" in html
    assert "50,000 to 99,999 people" in html and "In Kampong Thom: number 2 of 2" in html


def test_a_district_page_lists_its_communes_with_their_budget_per_person(budget):
    add_year(SANDAN, 2024, {"exp_administration": 2_000_000_000}, population=60_000)
    html = page(anonymous(), reverse("budgets:unit", args=[SANDAN])).content.decode()
    inside = html.split('id="inside"', 1)[1].split("</ul>", 1)[0]
    assert "Its communes" in html
    # Klaeng: 2024 expenditure (approved) over its 10,000 people; linked to the same year.
    klaeng = inside.split(f'href="{reverse("budgets:unit", args=[KLAENG])}?year=2024"', 1)[1].split("</li>")[0]
    expenditure = sum(v for k, v in {**commune_amounts(), "exp_dev_nrm_climate": 400_000_000}.items()
                      if k.startswith("exp_"))
    assert f"{round(expenditure / 10_000):,} riels per person" in klaeng
    assert f"{round(1_200_000_000 / 11_000):,} riels per person" in inside  # the other published commune
    # A commune with nothing published is listed, not linked; the withdrawn 2025 never shows.
    assert "no budget published for 2024" in inside
    assert reverse("budgets:unit", args=["060604"]) not in inside
    assert len(inside.split("<li")) - 1 == len(sandan_communes())


def test_a_commune_published_another_year_is_linked_to_its_page(budget):
    add_year(SANDAN, 2024, {"exp_administration": 2_000_000_000}, population=60_000)
    add_year("060604", 2023, {"exp_administration": 900_000_000}, population=9_000)
    html = page(anonymous(), reverse("budgets:unit", args=[SANDAN])).content.decode()
    inside = html.split('id="inside"', 1)[1].split("</ul>", 1)[0]
    item = inside.split(f'href="{reverse("budgets:unit", args=["060604"])}"', 1)[1].split("</li>")[0]
    assert "no budget published for 2024" in item  # its page shows 2023, its latest year


def test_a_district_page_lists_its_communes_in_a_fixed_number_of_queries(budget, django_assert_max_num_queries):
    add_year(SANDAN, 2024, {"exp_administration": 2_000_000_000}, population=60_000)
    client, url = anonymous(), reverse("budgets:unit", args=[SANDAN])
    client.get(url)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for code in [c for c in sandan_communes() if c not in (KLAENG, budget[0])]:
        add_year(code, 2024, {"exp_administration": 1_000_000_000}, population=12_000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    for code in sandan_communes():  # every commune now published, each linked
        assert f'href="{reverse("budgets:unit", args=[code])}?year=2024"' in html


def test_a_province_page_lists_its_districts(budget):
    add_year(SANDAN, 2024, {"exp_administration": 2_000_000_000}, population=60_000)
    # No budget of the province's own: its page is the list of its districts.
    response = page(anonymous(), reverse("budgets:unit", args=["06"]), 302)
    assert response.url == reverse("budgets:find") + "?in=06"
    html = page(anonymous(), response.url).content.decode()
    assert "Sandan" in html and reverse("budgets:unit", args=[SANDAN]) in html
    # A province with its own published budget lists its districts on its page, with their figures.
    add_year("06", 2024, {"exp_administration": 9_000_000_000}, population=700_000)
    html = page(anonymous(), reverse("budgets:unit", args=["06"])).content.decode()
    inside = html.split('id="inside"', 1)[1].split("</ul>", 1)[0]
    assert "Its districts" in html and f"{round(2_000_000_000 / 60_000):,} riels per person" in inside
    assert f'href="{reverse("budgets:unit", args=[SANDAN])}?year=2024"' in inside
    page(anonymous(), reverse("budgets:unit", args=["99"]), 404)  # no such province


def test_queries_and_weight_do_not_grow_with_the_budget(budget, django_assert_max_num_queries):
    client = anonymous()
    url = reverse("budgets:unit", args=[KLAENG])
    client.get(url)  # the gazetteer index is built once per process
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    # A big unit: ten years, every category, the most projects a page lists and more, long titles.
    categories = list(Category.objects.exclude(code__startswith="nat_").exclude(code="exp_development"))
    for year in range(2014, 2023):
        add_year(KLAENG, year, {c.code: 123_456_789 + year for c in categories}, phase="executed", population=9_000)
        add_year(KLAENG, year, {c.code: 123_456_000 + year for c in categories}, phase="approved")
    Project.objects.bulk_create([
        Project(unit=KLAENG, fiscal_year=year, project_id=f"P{year}-{i:03}", title_en="Rehabilitation " * 12,
                title_km="ស្តារប្រឡាយ " * 12, sector="water and sanitation", cost_khr=123_456_789, status="ongoing",
                progress_pct=50, village=Place.objects.filter(parent__code=KLAENG).first())
        for year in (2022, 2023, 2024) for i in range(60)])
    for code in [c for c in sandan_communes() if c not in (KLAENG, budget[0])]:
        add_year(code, 2024, {"exp_administration": 1_000_000_000}, population=12_000)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.content) < PAGE_LIMIT
    assert len(page(khmer(), url).content) < PAGE_LIMIT  # Khmer takes three bytes a letter


def test_demo_sized_page_weight(budget):
    for client in (anonymous(), khmer()):
        assert len(page(client, reverse("budgets:unit", args=[KLAENG])).content) < PAGE_LIMIT


# ---- CSV -------------------------------------------------------------------------------------------------


def test_csv_of_a_year(budget):
    response = page(anonymous(), reverse("budgets:unit_csv", args=[KLAENG, 2024]))
    assert response["Content-Type"].startswith("text/csv")
    assert f"budget-{KLAENG}-2024.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 8 and {(r["fiscal_year"], r["phase"]) for r in rows} == {("2024", "approved")}
    nrm = next(r for r in rows if r["category"] == "exp_dev_nrm_climate")
    assert nrm["amount_khr"] == "400000000" and nrm["category_parent"] == "exp_development"
    assert nrm["unit_name_km"] == "ក្លែង" and nrm["category_name_km"]
    assert nrm["amount_usd"] == str(round(400_000_000 / 4050)) and nrm["per_person_khr"] == "40000"


def test_csv_never_carries_a_line_note(budget):
    BudgetLine.objects.filter(unit=KLAENG, fiscal_year=2024).update(note="allowance paid to Mr Sok Dara 012 345 678")
    response = page(anonymous(), reverse("budgets:unit_csv", args=[KLAENG, 2024]))
    text = response.content.decode("utf-8-sig")
    assert "Sok Dara" not in text and "note" not in text.splitlines()[0]


def test_national_csv(db):
    categories_ensure_defaults()
    add_year(NATIONAL, 2024, {"nat_exp_national": 830, "nat_exp_subnational": 170})
    rows = list(csv.DictReader(io.StringIO(page(anonymous(), reverse("budgets:national_csv")).content.decode())))
    assert rows == [{"series": "subnational_share_of_national_budget", "fiscal_year": "2024", "phase": "approved",
                     "communes": "", "part_khr": "170", "whole_khr": "1000", "share_pct": "17.0"}]


@pytest.fixture(params=FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def planted(request, budget):
    """One formula-like text in every free-text column of a unit's CSV (the unit's names, a category's code,
    names and parent code), on a line of -50,000 riels: -12 dollars, -5 riels per person."""
    formula = request.param
    Place.objects.filter(code=KLAENG).update(name_en=formula, name_km=formula)
    place_index_clear()  # the unit's names come from the gazetteer index
    texts = {"direction": "expenditure", "name_en": formula, "name_km": formula}
    parent = Category.objects.create(code=f"{formula} parent", position=98, **texts)
    child = Category.objects.create(code=formula, parent=parent, position=99, **texts)
    BudgetLine.objects.create(unit=KLAENG, place=Place.objects.get(code=KLAENG), fiscal_year=2024, phase="approved",
                              direction="expenditure", category=child, amount_khr=-50_000)
    yield formula
    place_index_clear()  # forget the planted names before the transaction rolls them back


def test_csv_of_a_year_neutralises_formula_like_text(planted):
    quoted = "'" + planted
    text = page(anonymous(), reverse("budgets:unit_csv", args=[KLAENG, 2024])).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {(r["unit_name_en"], r["unit_name_km"]) for r in rows} == {(quoted, quoted)}
    planted_row = next(r for r in rows if r["category"] == quoted)
    assert planted_row["category_name_en"] == planted_row["category_name_km"] == quoted
    assert planted_row["category_parent"] == f"{quoted} parent"
    # Numbers are not text: the negative amounts stay numbers.
    assert (planted_row["amount_khr"], planted_row["amount_usd"], planted_row["per_person_khr"]) == (
        "-50000", "-12", "-5")
    for row in csv.reader(io.StringIO(text, newline="")):
        assert [cell for cell in row if cell.startswith(FORMULA_STARTS)] in ([], ["-50000", "-12", "-5"]), row


def test_national_csv_keeps_negative_numbers(db):
    # No free text reaches this file (its series names are fixed, its phases a vocabulary); its numbers
    # go through the same writer and must stay numbers.
    categories_ensure_defaults()
    add_year(NATIONAL, 2024, {"nat_exp_national": 1005, "nat_exp_subnational": -5})
    rows = list(csv.DictReader(io.StringIO(page(anonymous(), reverse("budgets:national_csv")).content.decode())))
    assert rows == [{"series": "subnational_share_of_national_budget", "fiscal_year": "2024", "phase": "approved",
                     "communes": "", "part_khr": "-5", "whole_khr": "1000", "share_pct": "-0.5"}]


# ---- national page, glossary, find ------------------------------------------------------------------------


def test_national_page(db):
    categories_ensure_defaults()
    add_year(NATIONAL, 2023, {"nat_exp_national": 880, "nat_exp_subnational": 120})
    add_year(NATIONAL, 2024, {"nat_exp_national": 830, "nat_exp_subnational": 170})
    add_year(NATIONAL, 2025, {"nat_exp_national": 1, "nat_exp_subnational": 999}, published=False)
    add_year(KLAENG, 2024, {"exp_dev_infrastructure": 500, "exp_dev_social": 300, "exp_dev_nrm_climate": 200})
    add_year("060601", 2024, {"exp_dev_infrastructure": 900, "exp_dev_social": 100})
    html = page(anonymous(), reverse("budgets:national")).content.decode()
    assert "12%" in html and "17%" in html and "99.9%" not in html
    assert "20%" in html and "10%" in html  # social 400 of 2,000; NRM and climate 200 of 2,000
    assert html.count("<svg") == 2 and len(html) < PAGE_LIMIT
    assert "១៧%" in page(khmer(), reverse("budgets:national")).content.decode()


def test_national_page_with_nothing_published(db):
    assert "No national figure is published yet." in page(anonymous(), reverse("budgets:national")).content.decode()


def test_glossary_in_both_languages(db):
    categories_ensure_defaults()
    glossary_ensure_defaults()
    for client in (anonymous(), khmer()):
        html = page(client, reverse("budgets:glossary")).content.decode()
        assert "approved budget" in html and "ថវិកាអនុម័ត" in html
        assert 'id="term-approved_budget"' in html  # the assistant links to a word
        assert "Commune/Sangkat Fund transfer" in html and "ការផ្ទេរពីមូលនិធិឃុំ សង្កាត់" in html


def test_the_glossary_shows_the_words_the_knowledge_base_brings_in_the_reader_s_order(db):
    glossary_upsert_many(user=None, rows=[
        {"term_id": "owso", "term_en": "One Window Service Office", "term_km": "ការិយាល័យច្រកចេញចូលតែមួយ",
         "explanation_en": "Many services in one place.", "explanation_km": "សេវាជាច្រើននៅកន្លែងតែមួយ។"},
        {"term_id": "budget", "term_en": "budget", "term_km": "ថវិកា", "explanation_en": "A plan of money.",
         "explanation_km": ""},
        {"term_id": "only_km", "term_en": "", "term_km": "ក្រុមប្រឹក្សា", "explanation_en": "",
         "explanation_km": "អ្នកតំណាងដែលបានជ្រើសតាំង។"},
    ])
    english = page(anonymous(), reverse("budgets:glossary")).content.decode()
    assert english.index("budget") < english.index("One Window Service Office")  # b before o
    assert "ក្រុមប្រឹក្សា" in english and "<span lang=\"en\"></span>" not in english
    khmer_page = page(khmer(), reverse("budgets:glossary")).content.decode()
    assert khmer_page.index("ការិយាល័យច្រកចេញចូលតែមួយ") < khmer_page.index('lang="km">ថវិកា<')  # ក before ថ
    assert "A plan of money." in khmer_page  # a word without its Khmer explanation shows the English one


def test_find_by_any_spelling(budget):
    for query in ("Kleng", "ក្លែង"):
        html = page(anonymous(), reverse("budgets:find") + f"?q={query}").content.decode()
        first = html.split('class="places"', 1)[1]
        assert first.index("Klaeng") < first.index("</li>")
        assert reverse("budgets:unit", args=[KLAENG]) in first
    html = page(anonymous(), reverse("budgets:find") + "?q=zzqqxx").content.decode()
    assert "No place found" in html


def test_browse_province_district_commune(budget, django_assert_max_num_queries):
    client = anonymous()
    html = page(client, reverse("budgets:find")).content.decode()
    assert "Kampong Thom" in html and "?in=06" in html
    html = page(client, reverse("budgets:find") + "?in=06").content.decode()
    assert "?in=0606" in html and "Sandan" in html
    with django_assert_max_num_queries(3):
        html = page(client, reverse("budgets:find") + "?in=0606").content.decode()
    assert reverse("budgets:unit", args=[KLAENG]) in html
    assert reverse("budgets:unit", args=["060604"]) not in html  # nothing published there
    page(client, reverse("budgets:find") + "?in=99", 404)


def test_pages_need_no_login(budget):
    client = Client()
    for url in (reverse("budgets:find"), reverse("budgets:unit", args=[KLAENG]), reverse("budgets:national"),
                reverse("budgets:glossary"), reverse("budgets:unit_csv", args=[KLAENG, 2024])):
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("budgets:find")).status_code == 405
