"""The donor report's table of effects: the resources CBOs received in the report's year, in Word and PDF, in
English and in Khmer (results reads them through plans.selectors.report_resources), with what was received in the
year (a monthly resource: the months given then) and never a source's name that may be a person's."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from samleng.core.tests.pdf_text import pdf_text
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans.models import Resource
from samleng.results.reports import render
from samleng.results.selectors import report_effects
from samleng.results.tests.test_reports import content


@pytest.fixture
def resources(world):
    district = office_of_place(user=None, place=Place.objects.get(code="0606"))
    Resource.objects.create(resource_id="RS-1", cbo=world.cbo, date=dt.date(2024, 1, 10), source_type="authority",
                            source_office=district, kind="in_kind", quantity=Decimal(300), unit="litre",
                            recurrence="monthly", given_from=dt.date(2024, 1, 1), given_to=dt.date(2024, 6, 30),
                            description_en="Gasoline for the patrols", description_km="សាំងសម្រាប់ការល្បាត")
    Resource.objects.create(resource_id="RS-2", cbo=world.cbo, date=dt.date(2024, 6, 1), source_type="ngo",
                            source_name="ADRA", kind="money", amount=Decimal(3000), currency="USD",
                            recurrence="one_off", description_en="A grant")
    Resource.objects.create(resource_id="RS-3", cbo=world.cbo, date=dt.date(2024, 3, 1), source_type="community",
                            source_name="Mrs Chan Sokha", kind="money", amount=Decimal(400000), currency="KHR",
                            recurrence="one_off", description_en="Villagers' contribution, collected by Mr Sok Dara")
    Resource.objects.create(resource_id="RS-4", cbo=world.cbo, date=dt.date(2023, 3, 1), source_type="ngo",
                            source_name="CPDD", kind="training", quantity=Decimal(10), unit="person_day",
                            recurrence="one_off", description_en="Last year's training")


@pytest.mark.django_db
def test_the_table_of_effects_holds_the_years_resources_and_no_persons_name(resources):
    effects = report_effects(2024)
    assert [e["resource_id"] for e in effects] == ["RS-1", "RS-3", "RS-2"]  # by date
    gasoline, villagers, grant = effects
    assert (gasoline["received_en"], gasoline["months"]) == ("1,800 litres", 6)  # six months of 300 litres
    assert gasoline["received_km"] == "១,៨០០ លីត្រ" and gasoline["source_en"].startswith("authority: ")
    assert grant["source_en"] == "NGO: ADRA" and villagers["received_en"] == "400,000 riels"
    assert "Mrs Chan Sokha" not in str(effects)  # a community's source may be a person: never in a report
    assert "Sok Dara" not in str(effects) and villagers["what_en"] == ""  # nor a description that names one
    assert grant["what_en"] == "A grant"
    assert [e["resource_id"] for e in report_effects(2023)] == ["RS-4"]


@pytest.mark.django_db
def test_word_and_pdf_reports_carry_the_table_of_effects_in_both_languages(resources):
    report = content(effects=report_effects(2024))
    english = Document(io.BytesIO(render(report, "docx", "en")[0]))
    text = "\n".join(p.text for p in english.paragraphs)
    cells = "\n".join(cell.text for table in english.tables for row in table.rows for cell in row.cells)
    assert "Unintended positive effects: resources CBOs mobilised" in text
    assert "1,800 litres (6 months)" in cells and "NGO: ADRA" in cells and "3,000 US dollars" in cells
    khmer = Document(io.BytesIO(render(report, "docx", "km")[0]))
    cells = "\n".join(cell.text for table in khmer.tables for row in table.rows for cell in row.cells)
    assert "សាំងសម្រាប់ការល្បាត" in cells and "១,៨០០ លីត្រ" in cells
    pdf = " ".join(pdf_text(render(report, "pdf", "en")[0]).split())  # lines joined
    assert "Unintended positive effects" in pdf and "NGO: ADRA A grant 3,000 US dollars" in pdf


@pytest.mark.django_db
def test_the_table_of_effects_names_a_public_cbo_and_leaves_a_private_one_unnamed(world):
    # A donor report leaves the organisation: as its annex of stories does, the table of effects names a public CBO
    # and writes "a community-based organisation" for a private one, whose row and figures stay (totals add up).
    world.cbo.is_public = True
    world.cbo.save()
    assert not world.other_cbo.is_public  # every CBO is private by default
    Resource.objects.create(resource_id="RS-P", cbo=world.cbo, date=dt.date(2024, 2, 1), source_type="ngo",
                            source_name="ADRA", kind="money", amount=Decimal(1200), currency="USD",
                            recurrence="one_off", description_en="Boats", description_km="ទូក")
    Resource.objects.create(resource_id="RS-Q", cbo=world.other_cbo, date=dt.date(2024, 5, 1), source_type="ngo",
                            source_name="CPDD", kind="money", amount=Decimal(700), currency="USD",
                            recurrence="one_off", description_en="Patrol tents", description_km="តង់ល្បាត")
    public, private = report_effects(2024)
    assert (public["cbo_en"], public["cbo_km"]) == (world.cbo.name_en, world.cbo.name_km)
    assert (private["cbo_en"], private["cbo_km"]) == ("a community-based organisation", "សហគមន៍មូលដ្ឋានមួយ")
    assert private["received_en"] == "700 US dollars" and world.other_cbo.name_en not in str(report_effects(2024))
    report = content(effects=report_effects(2024))
    private_names = (world.other_cbo.name_en, world.other_cbo.name_km)
    for language, shown, unnamed, tents, money in (
            ("en", world.cbo.name_en, "a community-based organisation", "Patrol tents", "700 US dollars"),
            ("km", world.cbo.name_km, "សហគមន៍មូលដ្ឋានមួយ", "តង់ល្បាត", "៧០០ ដុល្លារអាមេរិក")):
        document = Document(io.BytesIO(render(report, "docx", language)[0]))
        rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
        text = "\n".join([p.text for p in document.paragraphs] + ["\n".join(row) for row in rows])
        assert shown in text and not any(name in text for name in private_names), language
        assert any(row[0] == unnamed and tents in row and money in row for row in rows), (language, rows)
        pdf = pdf_text(render(report, "pdf", language)[0])
        assert not any(name in pdf for name in private_names), language


@pytest.mark.django_db
def test_a_private_cbo_is_not_named_by_its_resource_s_description_either(world):
    Resource.objects.create(resource_id="RS-N", cbo=world.other_cbo, date=dt.date(2024, 4, 1), source_type="ngo",
                            source_name="CPDD", kind="money", amount=Decimal(500), currency="USD", recurrence="one_off",
                            description_en=f"Boats for the {world.other_cbo.name_en.upper()}",
                            description_km=f"ទូកសម្រាប់{world.other_cbo.name_km}")
    Resource.objects.create(resource_id="RS-M", cbo=world.other_cbo, date=dt.date(2024, 4, 2), source_type="ngo",
                            source_name="CPDD", kind="money", amount=Decimal(80), currency="USD", recurrence="one_off",
                            description_en="Patrol tents", description_km="តង់ល្បាត")
    named, plain = report_effects(2024)
    assert (named["what_en"], named["what_km"], named["received_en"]) == ("", "", "500 US dollars")
    assert (plain["what_en"], plain["what_km"]) == ("Patrol tents", "តង់ល្បាត")
    assert world.other_cbo.name_en not in str(report_effects(2024)) and world.other_cbo.name_km not in str(named)
