"""The pages of the resources CBOs mobilise: a CBO's page shows each resource (from whom, evidence, notes) to
staff whose scope covers the CBO only; a public CBO's page shows anyone its totals by year, kind and source and
nothing else (no source's name, description, evidence or note); a private CBO's page is no page for anyone else
(an outsider, its own representative, a visitor). The programme's totals by kind and source of a year: those who
see everything, a field officer for their provinces, nobody else."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from samleng.advocacy.tests.factories import make_issue
from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private, login, login_en
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans.models import Resource

D = dt.date
PERSONAL = ["Mrs Chan Sokha", "receipt 12/2024", "the chief's private note", "Grant for the patrol boat"]


@pytest.fixture
def resources(world):
    commune = office_of_place(user=None, place=Place.objects.get(code="060603"))
    Resource.objects.create(resource_id="RS-1", cbo=world.cbo, date=D(2024, 6, 1), source_type="community",
                            source_name="Mrs Chan Sokha", kind="money", amount=Decimal(3000), currency="USD",
                            recurrence="one_off", description_en="Grant for the patrol boat",
                            evidence="receipt 12/2024", note_en="the chief's private note")
    Resource.objects.create(resource_id="RS-2", cbo=world.cbo, date=D(2023, 12, 1), source_type="authority",
                            source_office=commune, kind="money", amount=Decimal(10), currency="USD",
                            recurrence="monthly", given_from=D(2023, 11, 1), given_to=D(2024, 12, 31),
                            description_en="For forest patrols")
    Resource.objects.create(resource_id="RS-9", cbo=world.other_cbo, date=D(2024, 3, 1), source_type="ngo",
                            source_name="An NGO", kind="land", quantity=Decimal(307), unit="hectare",
                            recurrence="one_off", description_en="Conservation land")


def page(cbo):
    return reverse("plans:cbo_resources", args=[cbo.pk])


@pytest.mark.django_db
def test_staff_of_the_cbos_scope_see_each_resource_with_its_evidence_and_the_years_totals(world, resources):
    response = login_en(world.officer).get(page(world.cbo))
    html = response.content.decode()
    assert response.status_code == 200
    for word in ("RS-1", "Mrs Chan Sokha", "receipt 12/2024", "Grant for the patrol boat", "For forest patrols"):
        assert word in html, word
    assert "3,000 US dollars" in html and "120 US dollars" in html  # 2024: the grant, twelve months of $10
    assert "20 US dollars" in html  # 2023: November and December
    assert login_en(world.me_officer).get(page(world.other_cbo)).status_code == 200


@pytest.mark.django_db
def test_nobody_else_sees_a_private_cbos_resources(world, resources):
    assert login(world.outsider).get(page(world.cbo)).status_code == 404  # another province's officer
    assert login(world.cbo_user).get(page(world.cbo)).status_code == 404  # its representative is not staff
    assert login(world.other_cbo_user).get(page(world.cbo)).status_code == 404
    assert anonymous().get(page(world.cbo)).status_code == 404


@pytest.mark.django_db
def test_a_public_cbos_page_shows_anyone_its_totals_and_nothing_personal(world, resources):
    world.cbo.is_public = True
    world.cbo.save(update_fields=["is_public"])
    response = anonymous().get(page(world.cbo))
    assert_small_and_private(response, PERSONAL + ["RS-1", "For forest patrols"])
    assert "120 US dollars" in response.content.decode()
    outsider = login_en(world.outsider).get(page(world.cbo))  # staff out of scope: the public's view
    assert_small_and_private(outsider, PERSONAL)
    khmer = login(world.cbo_user).get(page(world.cbo))
    assert khmer.status_code == 200 and "ដុល្លារ" in khmer.content.decode()


@pytest.mark.django_db
def test_the_programmes_totals_for_those_who_see_everything_and_a_field_officers_provinces(world, resources):
    url = reverse("plans:resources")
    everything = login_en(world.me_officer).get(url, {"year": 2024}).content.decode()
    assert "307 hectares" in everything
    assert "3,000 US dollars" in everything and "120 US dollars" in everything
    assert world.other_cbo.name_en in everything
    mine = login_en(world.officer).get(url, {"year": 2024}).content.decode()
    assert "307 hectares" not in mine and world.other_cbo.name_en not in mine and "3,000 US dollars" in mine
    assert login(world.cbo_user).get(url).status_code == 403
    assert_login_redirect(anonymous().get(url))


@pytest.mark.django_db
def test_the_cbos_page_links_to_its_resources_for_those_who_may_open_them(world, resources):
    link = page(world.cbo)
    assert link in login_en(world.officer).get(reverse("cbos:detail", args=[world.cbo.pk])).content.decode()
    assert link not in login_en(world.cbo_user).get(reverse("cbos:detail", args=[world.cbo.pk])).content.decode()
    world.cbo.is_public = True
    world.cbo.save(update_fields=["is_public"])
    make_issue(world.cbo, is_public=True)  # the public page shows what other apps add beside its public issues
    public = anonymous().get(reverse("cbos:public_detail", args=[world.cbo.pk]))
    assert "2 resources mobilised" in public.content.decode()


def new(cbo):
    return reverse("plans:resource_new", args=[cbo.pk])


FORM = {"date": "2024-06-01", "kind": "money", "description_en": "A grant for the patrol boat", "source_type": "ngo",
        "source_name": "ADRA", "amount": "3000", "currency": "USD", "recurrence": "one_off"}


@pytest.mark.django_db
def test_staff_of_the_cbos_scope_record_a_resource_and_its_rules_are_said_on_the_form(world):
    office = office_of_place(user=None, place=Place.objects.get(code="060603"))
    client = login_en(world.officer)
    assert client.get(new(world.cbo)).status_code == 200
    response = client.post(new(world.cbo), FORM)
    assert response.status_code == 302
    grant = Resource.objects.get(cbo=world.cbo)
    assert (grant.resource_id, grant.amount, grant.source_name) == ("RS-CBO-KT-001-1", Decimal(3000), "ADRA")
    monthly = {**FORM, "source_type": "authority", "source_name": "", "source_office": office.office_id,
               "recurrence": "monthly", "given_from": "2024-01-01", "amount": "10"}
    assert client.post(new(world.cbo), monthly).status_code == 302
    assert Resource.objects.get(resource_id="RS-CBO-KT-001-2").source_office == office
    bad = client.post(new(world.cbo), {**FORM, "kind": "land", "amount": "", "currency": "", "quantity": "5",
                                       "unit": "litre", "source_type": "authority", "given_to": "2024-02-01",
                                       "description_en": ""})
    html = bad.content.decode()
    assert bad.status_code == 400 and Resource.objects.count() == 2
    for said in ("hectares or square metres", "give its office id", "monthly resource only",
                 "Give the English or the Khmer"):
        assert said in html, said


@pytest.mark.django_db
def test_nobody_else_records_a_cbos_resources(world):
    assert login(world.outsider).get(new(world.cbo)).status_code == 404
    assert login(world.outsider).post(new(world.cbo), FORM).status_code == 404
    assert login(world.cbo_user).post(new(world.cbo), FORM).status_code == 403  # sees its CBO, is not staff
    assert_login_redirect(anonymous().post(new(world.cbo), FORM))
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_a_cbos_page_reads_its_years_at_once_and_a_year_out_of_range_is_the_latest(world, resources):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_en(world.officer)
    url = reverse("plans:cbo_resources", args=[world.cbo.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for year in (2019, 2020, 2021):
        Resource.objects.create(resource_id=f"RS-{year}", cbo=world.cbo, date=D(year, 5, 1), source_type="ngo",
                                source_name="CPDD", kind="training", quantity=Decimal(2), unit="person_day",
                                recurrence="one_off")
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert "2019" in html and len(after) == len(before)  # was one query a year
    page = login_en(world.me_officer).get(reverse("plans:resources"), {"year": 99999})
    assert page.status_code == 200 and "2024" in page.content.decode()  # was a 500
