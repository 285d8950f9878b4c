"""The land concessions' public pages: anyone reads them (no login, no script, small), in Khmer and English; the
disclosure form and what is the NGO's working detail (tracked or not) only for staff; sources that disagree
are flagged with each source's figure."""

import datetime as dt

import pytest
from django.urls import reverse

from samleng.accounts.models import User
from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private, login_en, make_user, place
from samleng.transparency.models import ElcDisclosure, ElcReport
from samleng.transparency.tests.factories import concession


@pytest.fixture
def thmei(world):
    """The concession next to the Treap Kwan Pi forestry community (as in the demo): contract and master plan
    disclosed in 2024; a ministry's list and the community's mapping disagree on its area."""
    elc = concession("ELC-KR-001", province="10", district=place("1006"), name="Thmei rubber concession",
                     name_km="ដីសម្បទានកៅស៊ូថ្មី", company="Sovann Rubber Plantation Co. Ltd.", area_ha=7400,
                     granted_on=dt.date(2009, 5, 27), crop="rubber", source="https://data.example/elc/kr-001",
                     disclosed={"contract": dt.date(2024, 5, 16), "master_plan": dt.date(2024, 5, 16)})
    ElcReport.objects.create(concession=elc, source="Ministry of Agriculture (MAFF) list of 2023",
                             reported_on=dt.date(2023, 3, 1), area_ha=7400,
                             developer="Sovann Rubber Plantation Co., Ltd")
    ElcReport.objects.create(concession=elc, source="Community mapping with the Treap Kwan Pi forestry community",
                             reported_on=dt.date(2024, 2, 20), area_ha=8050,
                             developer="Sovann Rubber Plantation Co. Ltd.", note="Boundary posts in the forest")
    other = concession("ELC-KT-001", name="Prasat Ballang rubber concession", company="Boeng Khnar Agriculture",
                       area_ha=5100)
    return elc, other


FORM_WORDS = ("Record a disclosure", 'name="disclosed_on"', "csrfmiddlewaretoken")


def test_anyone_reads_the_list_by_province_without_logging_in(thmei):
    elc, other = thmei
    response = anonymous().get(reverse("transparency:concessions"))
    assert_small_and_private(response, ["Tracked by the programme"])
    html = response.content.decode()
    # by province (Kampong Thom 06 before Kratie 10), each with its company, area and what was disclosed
    assert (html.index("<h2>Kampong Thom</h2>") < html.index("Prasat Ballang") < html.index("<h2>Kratie</h2>")
            < html.index("Thmei"))
    assert "Sovann Rubber Plantation Co. Ltd." in html and "7,400 ha" in html
    assert "2 of 6: contract, master plan" in html and "0 of 6" in html
    assert html.count("The sources disagree") == 1 and "The sources disagree</strong>" not in html
    assert 'name="tracked"' not in html  # the staff's filter
    assert all(word not in html for word in FORM_WORDS)


def test_the_list_in_khmer_shows_khmer_names_and_digits(thmei):
    html = anonymous_km().get(reverse("transparency:concessions")).content.decode()
    assert "ដីសម្បទានកៅស៊ូថ្មី" in html and "៧,៤០០" in html and "ក្រចេះ" in html
    # a concession with no Khmer name falls back to its English one, marked as English
    assert '<span lang="en">Prasat Ballang rubber concession</span>' in html


def anonymous_km():
    from django.test import Client

    return Client()  # Khmer is the default language


def test_the_concession_page_for_anyone_in_english(thmei):
    elc, _ = thmei
    response = anonymous().get(reverse("transparency:concession", args=[elc.pk]))
    assert_small_and_private(response, ["Tracked by the programme"])
    html = response.content.decode()
    # what is known, with its source (a link: a web address)
    assert "Thmei rubber concession" in html and "ដីសម្បទានកៅស៊ូថ្មី" in html and "rubber" in html
    assert 'href="https://data.example/elc/kr-001"' in html and "27 May 2009" in html
    # the contract and master plan disclosed on 16 May 2024, the ESIA not
    assert html.count("16 May 2024") == 2 and html.count('class="badge not-disclosed"') == 4
    # each source side by side, the area flagged with each source's figure; the developer agrees
    assert "Community mapping with the Treap Kwan Pi forestry community" in html and "8,050" in html
    assert "On the area (more than 5% apart):" in html and "On the developer:" not in html
    assert "7,400 ha (https://data.example/elc/kr-001)" in html
    assert "8,050 ha (Community mapping with the Treap Kwan Pi forestry community)" in html
    assert "Boundary posts in the forest" in html
    assert all(word not in html for word in FORM_WORDS)


def test_the_concession_page_in_khmer(thmei):
    elc, _ = thmei
    html = anonymous_km().get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "<h1>ដីសម្បទានកៅស៊ូថ្មី</h1>" in html and "១៦ ឧសភា ២០២៤" in html and "៨,០៥០" in html
    assert "Record a disclosure" not in html


def test_a_different_developer_is_flagged(world):
    elc = concession("ELC-1", company="Green Sugar Co., Ltd.", area_ha=100)
    ElcReport.objects.create(concession=elc, source="Sub-decree 123", area_ha=103, developer="GREEN SUGAR CO LTD")
    html = anonymous().get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "The sources disagree" not in html  # 3% apart, the same company written otherwise
    ElcReport.objects.create(concession=elc, source="ODC", developer="Blue Cassava Plc")
    html = anonymous().get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "On the developer:" in html and "Blue Cassava Plc (ODC)" in html and "On the area" not in html


def test_a_concession_with_no_other_source_says_so(world):
    elc = concession("ELC-1")
    html = anonymous().get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "No other source has been recorded for this concession." in html
    assert "The source of these figures is not recorded." in html


def test_only_staff_get_the_form_and_the_tracked_flag(world, thmei):
    elc, _ = thmei
    authority = make_user("governor", User.Role.AUTHORITY, authority_unit=place("10"))
    for user in (world.cbo_user, authority):
        client = login_en(user)
        for url in (reverse("transparency:concessions"), reverse("transparency:concession", args=[elc.pk])):
            html = client.get(url).content.decode()
            assert "Thmei rubber concession" in html
            assert "Record a disclosure" not in html and "Tracked by the programme" not in html
    staff = login_en(world.outsider).get(reverse("transparency:concession", args=[elc.pk])).content.decode()
    assert "Record a disclosure" in staff and "Tracked by the programme" in staff


def test_nobody_but_staff_may_record_a_disclosure(world, thmei):
    elc, _ = thmei
    url = reverse("transparency:concession", args=[elc.pk])
    data = {"item": "esia", "disclosed_on": "2024-01-01"}
    assert_login_redirect(anonymous().post(url, data))
    authority = make_user("governor", User.Role.AUTHORITY, authority_unit=place("10"))
    for user in (world.cbo_user, authority):
        assert login_en(user).post(url, data).status_code == 403
    assert not ElcDisclosure.objects.filter(item="esia").exists()
    assert login_en(world.officer).post(url, data).status_code == 302
    assert ElcDisclosure.objects.filter(item="esia").exists()


def test_an_unknown_concession_is_404_for_anyone(world):
    assert anonymous().get(reverse("transparency:concession", args=[999])).status_code == 404


def test_the_public_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(30):
        elc = concession(f"ELC-{n:02}", province="06" if n % 2 else "10", district=None,
                         disclosed={"contract": dt.date(2020, 1, 1)}, area_ha=100)
        ElcReport.objects.create(concession=elc, source="ODC", area_ha=200)
    # the provinces of the filter, count, page, its disclosures and reports: the same for 1 or 30 concessions
    with django_assert_max_num_queries(5):
        page = anonymous().get(reverse("transparency:concessions")).context["page"]
    assert len(page.object_list) == 30 and all(c.disagreements for c in page.object_list)


def test_the_page_shows_where_the_filters_find_nothing(world):
    concession("ELC-1", name="Sandan sugar")
    html = anonymous().get(reverse("transparency:concessions"), {"q": "bamboo"}).content.decode()
    assert "No concession matches these filters." in html
    html = anonymous().get(reverse("transparency:concessions"), {"q": "sugar", "tracked": "no"}).content.decode()
    assert "Sandan sugar" in html  # the staff's filter is ignored for the public


@pytest.mark.django_db
def test_the_demo_shows_the_treap_kwan_pi_concession_with_its_2024_disclosures():
    from pathlib import Path

    from samleng.imports.kinds import workbook_import
    from samleng.transparency.models import LandConcession

    assert workbook_import(Path(__file__).resolve().parents[2] / "imports" / "demo" / "programme").ok
    thmei = LandConcession.objects.get(elc_id="ELC-KR-001")
    html = anonymous().get(reverse("transparency:concession", args=[thmei.pk])).content.decode()
    assert html.count("16 May 2024") == 2 and "Meeting of the company with the Treap Kwan Pi forestry community" in html
    assert "Community mapping with the Treap Kwan Pi forestry community" in html and "On the area" in html
    listed = anonymous().get(reverse("transparency:concessions"), {"province": thmei.province_id}).content.decode()
    assert "2 of 6: contract, master plan" in listed
    khmer = anonymous_km().get(reverse("transparency:concession", args=[thmei.pk])).content.decode()
    assert "<h1>ដីសម្បទានកៅស៊ូថ្មី</h1>" in khmer and "១៦ ឧសភា ២០២៤" in khmer


def test_the_cached_pages_change_when_a_disclosure_is_recorded(world, thmei, settings,
                                                                django_capture_on_commit_callbacks):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 3600  # the page cache on, as in production
    cache.clear()
    elc, _ = thmei
    pages = [reverse("transparency:concessions"), reverse("transparency:concession", args=[elc.pk])]
    for url in pages:
        anonymous().get(url)
        assert anonymous().get(url)["X-Samleng-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = login_en(world.officer).post(pages[1], {"item": "esia", "disclosed_on": "2024-06-01"})
    assert response.status_code == 302
    assert "3 of 6: contract, master plan, environmental" in anonymous().get(pages[0]).content.decode()
    assert anonymous().get(pages[1]).content.decode().count('class="badge not-disclosed"') == 3
    # staff always get a fresh page, with the form
    assert "Record a disclosure" in login_en(world.officer).get(pages[1]).content.decode()
