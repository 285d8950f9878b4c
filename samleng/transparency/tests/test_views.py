import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samleng.accounts.models import User
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.transparency.models import ElcDisclosure, ProcurementDisclosure
from samleng.transparency.tests.factories import concession, project


@pytest.fixture
def records(world):
    """A tracked concession in Kampong Thom with its contract disclosed, and a procurement project."""
    elc = concession("ELC-KT-01", name="Sandan sugar plantation", company="KT Sugar Co",
                     disclosed={"contract": dt.date(2022, 3, 4)})
    works = project("PP-2024-001", title="Kleng commune road", value_khr=120_000_000,
                    disclosed={"announcement": dt.date(2024, 2, 1)})
    return elc, works


def _pages(elc, works):
    # The concessions' and the procurement projects' pages are public (test_public_concessions.py,
    # test_public_procurement.py): only the forms there are staff's. The staff list of projects remains.
    return [reverse("transparency:procurement")]


# --- who may see -------------------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_login(records):
    for url in _pages(*records):
        assert_login_redirect(anonymous().get(url))
        assert_login_redirect(anonymous().post(url, {"item": "map", "disclosed_on": "2024-01-01"}))
    assert ElcDisclosure.objects.count() == 1 and ProcurementDisclosure.objects.count() == 1


def test_cbo_representatives_and_authorities_are_refused_everywhere(world, records):
    authority = make_user("governor", User.Role.AUTHORITY, authority_unit=place("06"))
    for user in (world.cbo_user, authority):
        client = login_en(user)
        for url in _pages(*records):
            assert client.get(url).status_code == 403
            assert client.post(url, {"item": "map", "disclosed_on": "2024-01-01"}).status_code == 403
    assert ElcDisclosure.objects.count() == 1 and ProcurementDisclosure.objects.count() == 1


def test_every_staff_member_sees_the_pages_whatever_their_province(world, records):
    # Concessions and procurement hold nothing personal and are followed nationally: no province scope.
    for user in (world.officer, world.outsider, world.me_officer):
        client = login_en(user)
        for url in _pages(*records):
            assert client.get(url).status_code == 200


def test_an_unknown_record_is_404(world):
    client = login_en(world.officer)
    assert client.get(reverse("transparency:concession", args=[999])).status_code == 404
    assert client.get(reverse("transparency:procurement_project", args=[999])).status_code == 404


# --- what the pages show -----------------------------------------------------------------------------------

def test_the_concession_page_says_yes_or_no_for_each_of_the_six_items(world, records):
    elc, _ = records
    page = login_en(world.officer).get(reverse("transparency:concession", args=[elc.pk]))
    html = page.content.decode()
    items = page.context["items"]
    assert [(row.item, row.disclosed) for row in items] == [
        ("contract", True), ("master_plan", False), ("esia", False), ("map", False), ("sub_decree", False),
        ("company_profile", False)]
    assert "Sandan sugar plantation" in html and "KT Sugar Co" in html
    assert "4 March 2022" in html and 'href="https://data.example"' in html
    assert html.count('class="badge disclosed"') == 1 and html.count('class="badge not-disclosed"') == 5


def test_the_procurement_page_shows_its_seven_items(world, records):
    _, works = records
    page = login_en(world.officer).get(reverse("transparency:procurement_project", args=[works.pk]))
    assert [row.disclosed for row in page.context["items"]] == [False, True, False, False, False, False, False]
    assert "120,000,000" in page.content.decode()


def test_a_source_that_is_not_a_web_address_is_not_a_link(world):
    elc = concession("ELC-1")
    ElcDisclosure.objects.create(concession=elc, item="map", disclosed_on=dt.date(2023, 1, 1),
                                 source="javascript:alert(1)")
    html = login_en(world.officer).get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "javascript:alert(1)" in html and 'href="javascript' not in html


def test_the_lists_filter_without_javascript(world, records):
    concession("ELC-KR-01", name="Kratie rubber", province="10", tracked=False)
    project("PP-2023-001", title="Health post", buyer="Ministry of Health", fiscal_year=2023)
    client = login_en(world.officer)
    html = client.get(reverse("transparency:concessions"), {"province": place("10").pk}).content.decode()
    assert "Kratie rubber" in html and "Sandan sugar plantation" not in html
    html = client.get(reverse("transparency:concessions"), {"tracked": "yes", "q": "sugar"}).content.decode()
    assert "Sandan sugar plantation" in html and "Kratie rubber" not in html and "1 of 6" in html
    html = client.get(reverse("transparency:procurement"), {"fiscal_year": "2023"}).content.decode()
    assert "Kleng commune road" not in html and "Health post" in html
    html = client.get(reverse("transparency:procurement"), {"q": "bridge"}).content.decode()
    assert "No procurement project matches" in html
    page = client.get(reverse("transparency:procurement"), {"buyer": "Ministry of Rural Development",
                                                           "fiscal_year": "nonsense"})
    html = page.content.decode()
    assert "Kleng commune road" in html and "Health post" not in html and "1 of 7" in html


def test_the_lists_are_paginated(world):
    for n in range(53):
        project(f"P-{n:03}")
    client = login_en(world.officer)
    first = client.get(reverse("transparency:procurement")).content.decode()
    assert "P-049" in first and "P-050" not in first and "page=2" in first
    second = client.get(reverse("transparency:procurement"), {"page": "2"}).content.decode()
    assert "P-052" in second and "P-000" not in second


def test_the_lists_run_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(30):
        concession(f"ELC-{n:02}", district=place("0606"), disclosed={"contract": dt.date(2020, 1, 1)})
        project(f"P-{n:02}", disclosed=["plan"])
    client = login_en(world.officer)
    # session, user, the provinces of the filter, count, page, its disclosures and reports: the same for 1 or 50
    with django_assert_max_num_queries(7):
        assert len(client.get(reverse("transparency:concessions")).context["page"].object_list) == 30
    # session, user, the buyers and years of the filters, count, page
    with django_assert_max_num_queries(6):
        assert len(client.get(reverse("transparency:procurement")).context["page"].object_list) == 30


# --- recording a disclosure --------------------------------------------------------------------------------

def test_a_field_officer_records_a_disclosure(world, records):
    elc, works = records
    client = login_en(world.outsider)
    url = reverse("transparency:concession", args=[elc.pk])
    response = client.post(url, {"item": "esia", "disclosed_on": "2024-05-06", "source": " https://odc.example/esia "})
    assert response.status_code == 302 and response.url == url
    disclosure = ElcDisclosure.objects.get(concession=elc, item="esia")
    assert disclosure.disclosed_on == dt.date(2024, 5, 6) and disclosure.source == "https://odc.example/esia"
    entry = AuditEntry.objects.get(object_type="transparency.elcdisclosure", object_id=str(disclosure.pk))
    assert entry.user == world.outsider and entry.action == "create" and "ELC-KT-01" in entry.summary
    assert "The disclosure is recorded." in client.get(url).content.decode()

    url = reverse("transparency:procurement_project", args=[works.pk])
    assert client.post(url, {"item": "award_value", "disclosed_on": "2024-07-01"}).status_code == 302
    assert ProcurementDisclosure.objects.get(project=works, item="award_value").source == ""
    assert AuditEntry.objects.filter(object_type="transparency.procurementdisclosure").count() == 1


def _errors(response) -> dict:
    assert response.status_code == 200
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


def test_a_date_in_the_future_is_refused(world, records):
    elc, works = records
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client = login_en(world.officer)
    response = client.post(reverse("transparency:concession", args=[elc.pk]), {"item": "map", "disclosed_on": tomorrow})
    assert _errors(response) == {"disclosed_on": ["The date cannot be in the future."]}
    assert "The date cannot be in the future." in response.content.decode()
    response = client.post(reverse("transparency:procurement_project", args=[works.pk]),
                           {"item": "plan", "disclosed_on": tomorrow})
    assert _errors(response) == {"disclosed_on": ["The date cannot be in the future."]}
    today = timezone.localdate().isoformat()
    assert client.post(reverse("transparency:concession", args=[elc.pk]),
                       {"item": "map", "disclosed_on": today}).status_code == 302
    assert ElcDisclosure.objects.count() == 2 and ProcurementDisclosure.objects.count() == 1


def test_an_unknown_item_is_refused(world, records):
    elc, works = records
    client = login_en(world.officer)
    # "plan" is an item of procurement, not of concessions
    errors = _errors(client.post(reverse("transparency:concession", args=[elc.pk]),
                                 {"item": "plan", "disclosed_on": "2024-01-01"}))
    assert list(errors) == ["item"] and "plan" in errors["item"][0]
    errors = _errors(client.post(reverse("transparency:procurement_project", args=[works.pk]),
                                 {"item": "", "disclosed_on": ""}))
    assert set(errors) == {"item", "disclosed_on"}
    assert ElcDisclosure.objects.count() == 1 and ProcurementDisclosure.objects.count() == 1


def test_an_item_already_disclosed_is_refused_with_its_date(world, records):
    elc, works = records
    client = login_en(world.officer)
    errors = _errors(client.post(reverse("transparency:concession", args=[elc.pk]),
                                 {"item": "contract", "disclosed_on": "2024-01-01"}))
    assert errors == {"item": ["This item is already recorded as disclosed on 2022-03-04."]}
    errors = _errors(client.post(reverse("transparency:procurement_project", args=[works.pk]),
                                 {"item": "announcement", "disclosed_on": "2024-01-01"}))
    assert errors == {"item": ["This item is already recorded as disclosed on 2024-02-01."]}
    assert ElcDisclosure.objects.get(concession=elc).disclosed_on == dt.date(2022, 3, 4)
    assert not AuditEntry.objects.filter(object_type__startswith="transparency.").exists()


def test_the_pages_read_in_khmer_with_khmer_digits(world, records):
    elc, works = records
    client = login(world.officer)  # Khmer is the default language
    assert "៤ មីនា ២០២២" in client.get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "២០២៤" in client.get(reverse("transparency:procurement")).content.decode()
