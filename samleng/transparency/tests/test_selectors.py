import datetime as dt

import pytest

from samleng.conftest import place
from samleng.transparency import selectors
from samleng.transparency.tests.factories import concession, project

pytestmark = pytest.mark.django_db

ITEMS = ["contract", "master_plan", "esia"]
PROCUREMENT_ITEMS = ["announcement", "award_winner", "award_value"]


# --- concessions_disclosure ----------------------------------------------------------------------------------

def test_a_concession_counts_when_one_item_was_disclosed_on_or_before_the_day():
    on_the_day = concession("ELC-1", disclosed={"esia": dt.date(2023, 12, 31)})
    after = concession("ELC-2", province="10", disclosed={"contract": dt.date(2024, 1, 1)})
    nothing = concession("ELC-3")

    result = selectors.concessions_disclosure(by=dt.date(2023, 12, 31), items=ITEMS)

    assert result == [(on_the_day.pk, "06", True), (after.pk, "10", False), (nothing.pk, "06", False)]
    assert (after.pk, "10", True) in selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=ITEMS)


def test_only_the_items_asked_for_count():
    record = concession("ELC-1", disclosed={"map": dt.date(2020, 1, 1), "company_profile": dt.date(2020, 1, 1)})

    assert selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=ITEMS) == [(record.pk, "06", False)]
    assert selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=["map"]) == [(record.pk, "06", True)]


def test_untracked_concessions_are_left_out():
    tracked = concession("ELC-1")
    concession("ELC-2", tracked=False, disclosed={"contract": dt.date(2020, 1, 1)})

    assert selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=ITEMS) == [(tracked.pk, "06", False)]


def test_no_tracked_concession_gives_an_empty_list_and_no_item_discloses_nothing():
    assert selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=ITEMS) == []
    record = concession("ELC-1", disclosed={"contract": dt.date(2020, 1, 1)})
    assert selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=[]) == [(record.pk, "06", False)]


def test_concessions_disclosure_runs_one_query(django_assert_num_queries):
    for n in range(5):
        concession(f"ELC-{n}", disclosed={"contract": dt.date(2020, 1, 1)})
    with django_assert_num_queries(1):
        assert len(selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=ITEMS)) == 5


def test_an_unknown_item_is_refused_rather_than_counting_nothing():
    with pytest.raises(ValueError, match="contrat"):
        selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=["contrat"])
    with pytest.raises(ValueError, match="plan"):  # an item of procurement, not of concessions
        selectors.concessions_disclosure(by=dt.date(2024, 12, 31), items=["plan"])


# --- procurement_disclosure ----------------------------------------------------------------------------------

def test_a_project_counts_only_with_every_item_disclosed_whatever_the_date():
    complete = project("P-1", disclosed={"announcement": dt.date(2024, 1, 5), "award_winner": dt.date(2025, 6, 1),
                                         "award_value": dt.date(2026, 2, 1)})
    partial = project("P-2", disclosed=["announcement", "award_winner", "contract"])
    nothing = project("P-3")
    project("P-4", fiscal_year=2023, disclosed=PROCUREMENT_ITEMS)  # another fiscal year

    result = selectors.procurement_disclosure(fiscal_year=2024, items=PROCUREMENT_ITEMS)

    buyer = "Ministry of Rural Development"
    assert result == [(complete.pk, buyer, True), (partial.pk, buyer, False), (nothing.pk, buyer, False)]


def test_repeated_items_are_counted_once_and_no_item_is_every_one_of_none():
    record = project("P-1", disclosed=["announcement"])
    assert selectors.procurement_disclosure(fiscal_year=2024, items=["announcement", "announcement"]) == [
        (record.pk, record.buyer, True)]
    assert selectors.procurement_disclosure(fiscal_year=2024, items=[]) == [(record.pk, record.buyer, True)]


def test_buyers_match_trimmed_and_whatever_the_case():
    rural = project("P-1", buyer="Ministry of Rural Development", disclosed=PROCUREMENT_ITEMS)
    spaced = project("P-2", buyer="  ministry of RURAL development ")
    project("P-3", buyer="Ministry of Health", disclosed=PROCUREMENT_ITEMS)
    khmer = project("P-4", buyer="ក្រសួងអភិវឌ្ឍន៍ជនបទ")

    result = selectors.procurement_disclosure(fiscal_year=2024, items=PROCUREMENT_ITEMS,
                                              buyers=[" MINISTRY OF RURAL DEVELOPMENT", "ក្រសួងអភិវឌ្ឍន៍ជនបទ "])

    # Spellings of one buyer (inner spaces included) make one group, named as first seen.
    assert result == [(rural.pk, "Ministry of Rural Development", True),
                      (spaced.pk, "Ministry of Rural Development", False),
                      (khmer.pk, "ក្រសួងអភិវឌ្ឍន៍ជនបទ", False)]
    doubled = project("P-5", buyer="Ministry of  Rural   Development")
    again = selectors.procurement_disclosure(fiscal_year=2024, items=PROCUREMENT_ITEMS,
                                             buyers=["ministry of rural development"])
    assert [(pk, buyer) for pk, buyer, _d in again][-1] == (doubled.pk, "Ministry of Rural Development")


def test_no_buyer_given_means_every_buyer():
    first, second = project("P-1", buyer="A"), project("P-2", buyer="B")
    for buyers in (None, [], ["  "]):
        result = selectors.procurement_disclosure(fiscal_year=2024, items=PROCUREMENT_ITEMS, buyers=buyers)
        assert [pk for pk, *_ in result] == [first.pk, second.pk]


def test_procurement_disclosure_of_nothing_is_an_empty_list():
    project("P-1", fiscal_year=2023)
    assert selectors.procurement_disclosure(fiscal_year=2024, items=PROCUREMENT_ITEMS) == []
    assert selectors.procurement_disclosure(fiscal_year=2023, items=PROCUREMENT_ITEMS, buyers=["Nobody"]) == []


def test_procurement_disclosure_runs_two_queries(django_assert_num_queries):
    for n in range(6):
        project(f"P-{n}", disclosed=PROCUREMENT_ITEMS[: n % 4])
    with django_assert_num_queries(2):
        result = selectors.procurement_disclosure(fiscal_year=2024, items=PROCUREMENT_ITEMS,
                                                  buyers=["ministry of rural development"])
    assert [flag for *_, flag in result] == [False, False, False, True, False, False]


def test_an_unknown_procurement_item_is_refused():
    with pytest.raises(ValueError):
        selectors.procurement_disclosure(fiscal_year=2024, items=["award"])


# --- drill-down ----------------------------------------------------------------------------------------------

def test_concessions_by_pks_give_the_records_with_their_disclosures(django_assert_num_queries):
    second = concession("ELC-2", district=place("0606"), disclosed={"map": dt.date(2022, 5, 1),
                                                                     "contract": dt.date(2021, 1, 1)})
    first = concession("ELC-1", tracked=False)
    concession("ELC-3")
    with django_assert_num_queries(2):
        found = selectors.concessions_by_pks([second.pk, first.pk, 999_999])
        assert [c.elc_id for c in found] == ["ELC-1", "ELC-2"]
        assert found[1].province.code == "06" and found[1].district.code == "0606"
        assert [(d.item, d.disclosed_on) for d in found[1].disclosures.all()] == [
            ("contract", dt.date(2021, 1, 1)), ("map", dt.date(2022, 5, 1))]
    assert selectors.concessions_by_pks([]) == []


def test_procurement_projects_by_pks_give_the_records_with_their_disclosures(django_assert_num_queries):
    records = [project(f"P-{n}", disclosed=["plan"]) for n in range(3)]
    with django_assert_num_queries(2):
        found = selectors.procurement_projects_by_pks([r.pk for r in records[:2]])
        assert [p.project_id for p in found] == ["P-0", "P-1"]
        assert [d.item for p in found for d in p.disclosures.all()] == ["plan", "plan"]


def test_many_pks_are_read_in_chunks(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(selectors, "_PKS_PER_QUERY", 2)
    records = [project(f"P-{n}") for n in range(5)]
    with django_assert_num_queries(6):
        assert len(selectors.procurement_projects_by_pks([r.pk for r in records])) == 5


# --- lists ---------------------------------------------------------------------------------------------------

def test_concession_list_filters_and_counts_disclosed_items():
    concession("ELC-1", name="Sugar plantation Sandan", company="Kampong Thom Sugar",
               disclosed={"contract": dt.date(2020, 1, 1), "map": dt.date(2021, 1, 1)})
    concession("ELC-2", name="Rubber plantation", province="10", tracked=False)
    concession("ELC-3", name="Rubber estate", company="Sugar Co")

    def ids(filters):
        return [c.elc_id for c in selectors.concessions_by_province(filters).object_list]

    assert ids({}) == ["ELC-3", "ELC-1", "ELC-2"]  # by province, then by name
    assert [len(c.disclosed) for c in selectors.concessions_by_province({}).object_list] == [0, 2, 0]
    assert ids({"province": place("10")}) == ["ELC-2"]
    assert ids({"tracked": False}) == ["ELC-2"]
    assert ids({"tracked": True}) == ["ELC-3", "ELC-1"]
    assert ids({"q": "SUGAR"}) == ["ELC-3", "ELC-1"]
    assert ids({"q": "rubber estate"}) == ["ELC-3"]
    assert ids({"q": "elc-2"}) == ["ELC-2"]
    assert ids({"q": "cassava"}) == []


def test_procurement_list_filters_by_buyer_year_and_words():
    project("P-1", title="Road in Kleng commune", buyer="Ministry of Rural Development", disclosed=["plan"])
    project("P-2", title="Health centre", buyer="ministry of health ", fiscal_year=2023)
    project("P-3", title="Health post road", buyer="Ministry of Health", ocid="ocds-kh-0003")

    def ids(filters):
        return [p.project_id for p in selectors.procurement_list(filters).object_list]

    assert ids({}) == ["P-3", "P-1", "P-2"]  # newest year first, then buyer
    assert ids({"fiscal_year": 2023}) == ["P-2"]
    assert ids({"buyer": "Ministry of Health"}) == ["P-3", "P-2"]
    assert ids({"q": "road"}) == ["P-3", "P-1"]
    assert ids({"q": "ocds-kh-0003"}) == ["P-3"]
    choices = selectors.procurement_filter_choices()
    assert choices == {"buyers": ["Ministry of Health", "Ministry of Rural Development"], "years": [2024, 2023]}


def test_list_pages_run_the_same_queries_whatever_their_size(django_assert_num_queries):
    for n in range(12):
        concession(f"ELC-{n:02}", district=place("0606"), disclosed={"contract": dt.date(2020, 1, 1)})
        project(f"P-{n:02}", disclosed=["plan", "contract"])
    for per_page in (2, 12):
        with django_assert_num_queries(4):
            page = selectors.concessions_by_province({}, 1, per_page=per_page)
            rows = [(c.province.code, c.district.code, len(c.disclosed)) for c in page]
            assert rows == [("06", "0606", 1)] * per_page
        with django_assert_num_queries(2):
            assert [p.disclosed_count for p in selectors.procurement_list({}, 1, per_page=per_page)] == [2] * per_page
