import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from samleng.results.forms import (
    IndicatorForm,
    ManualValueForm,
    NarrativeForm,
    ReportCreateForm,
    ReportedValueForm,
    parameters_text,
)
from samleng.results.models import Indicator, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator():
    programme = Programme.objects.create(code="P-1", name="Voices", start=dt.date(2023, 1, 1),
                                         end=dt.date(2025, 12, 31))
    return Indicator.objects.create(programme=programme, code="1.1", statement_en="Main issues solved",
                                    unit="percent", baseline=Decimal(14), target=Decimal(70),
                                    computation="main_issues_solved_share", parameters={"count_partly": True})


def _indicator_data(**values):
    data = {"statement_en": "Main issues solved", "statement_km": "", "baseline": "14", "baseline_year": "2022",
            "baseline_numerator": "", "baseline_denominator": "", "target": "70", "target_year": "2025",
            "direction": "up", "means_of_verification": "", "parameters": "count_partly=no"}
    data.update(values)
    return data


def test_indicator_form_checks_parameters_against_the_catalogue(indicator):
    form = IndicatorForm(_indicator_data(), indicator=indicator)
    assert form.is_valid(), form.errors
    assert form.changes["parameters"] == {"count_partly": False}
    assert indicator.parameters == {"count_partly": True}  # the form never touches the indicator itself


def test_indicator_form_gives_catalogue_errors_in_the_page_language(indicator):
    data = _indicator_data(parameters="min_quality=2")
    with translation.override("en"):
        form = IndicatorForm(data, indicator=indicator)
        assert not form.is_valid()
        assert "has no parameter min_quality" in form.errors["parameters"][0]
    with translation.override("km"):
        form = IndicatorForm(data, indicator=indicator)
        assert not form.is_valid()
        assert "គ្មានប៉ារ៉ាម៉ែត្រ min_quality" in form.errors["parameters"][0]


def test_indicator_form_checks_the_baseline_fraction_and_years(indicator):
    form = IndicatorForm(_indicator_data(baseline_numerator="12", target_year="2020"), indicator=indicator)
    assert not form.is_valid()
    assert set(form.errors) == {"baseline_denominator", "target_year"}
    form = IndicatorForm(_indicator_data(baseline_numerator="60", baseline_denominator="50"), indicator=indicator)
    assert not form.is_valid() and "larger than the denominator" in form.errors["baseline_numerator"][0]


def test_indicator_form_accepts_khmer_digits(indicator):
    form = IndicatorForm(_indicator_data(baseline="១៤.៥", baseline_year="២០២២", baseline_numerator="៧",
                                         baseline_denominator="៥០"), indicator=indicator)
    assert form.is_valid(), form.errors
    assert form.changes["baseline"] == Decimal("14.5") and form.changes["baseline_year"] == 2022
    assert form.changes["baseline_denominator"] == 50


def test_indicator_entered_by_hand_has_no_parameters_field(indicator):
    indicator.computation, indicator.parameters = "", {}
    form = IndicatorForm(_indicator_data(), indicator=indicator)
    assert "parameters" not in form.fields and form.is_valid(), form.errors
    assert "parameters" not in form.changes


def test_parameters_text_writes_what_the_catalogue_reads():
    assert parameters_text({"count_partly": True, "items": ["contract", "esia"], "youth_max_age": 30}) == (
        "count_partly=yes; items=contract,esia; youth_max_age=30")


def test_manual_value_needs_evidence_and_a_sound_fraction():
    form = ManualValueForm({"value": "40", "numerator": "9", "denominator": "", "evidence": ""})
    assert not form.is_valid() and set(form.errors) == {"denominator", "evidence"}
    form = ManualValueForm({"value": "-1", "evidence": "survey"})
    assert not form.is_valid() and "value" in form.errors
    form = ManualValueForm({"value": "១២", "evidence": "Annual survey 2024"})
    assert form.is_valid() and form.cleaned_data["value"] == Decimal(12)


def test_reported_value_reads_parts():
    form = ReportedValueForm({"value": "45", "decimals": "0", "breakdown": "solved=9; partly_solved=៣០;"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["breakdown"] == {"solved": 9, "partly_solved": 30}
    for wrong in ("solved", "solved=nine", "=9"):
        form = ReportedValueForm({"value": "45", "decimals": "0", "breakdown": wrong})
        assert not form.is_valid() and "name=number" in form.errors["breakdown"][0]
    form = ReportedValueForm({"value": "45", "decimals": "7"})
    assert not form.is_valid() and "decimals" in form.errors


def test_narrative_needs_some_text():
    assert not NarrativeForm({"text_en": "  ", "text_km": ""}).is_valid()
    assert NarrativeForm({"text_en": "", "text_km": "សហគមន៍"}).is_valid()


def test_report_year_is_one_of_the_programme():
    assert ReportCreateForm({"period": "2024"}, years=range(2023, 2026)).is_valid()
    assert not ReportCreateForm({"period": "2030"}, years=range(2023, 2026)).is_valid()
