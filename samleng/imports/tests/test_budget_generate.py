"""`samleng generate --kind budget`: a generated budget workbook imports with no error, with the seeds'
figures; the same seed gives the same workbook. The small scale only: the national one is for bench/."""

import filecmp
from io import StringIO

import pytest
from django.core.management import call_command

from samleng.budgets.models import BudgetLine, Project
from samleng.imports.generate_budget import SCALES, budget_workbook_generate
from samleng.imports.kinds import budget_workbook_import


@pytest.fixture(scope="module")
def small(tmp_path_factory, django_db_setup, django_db_blocker):
    folder = tmp_path_factory.mktemp("budget") / "small"
    with django_db_blocker.unblock():
        counts = budget_workbook_generate(folder, scale="small", seed=3)
    return folder, counts


@pytest.mark.django_db
def test_a_small_generated_workbook_imports_whole(small):
    folder, counts = small
    assert set(counts) == {"budgets", "projects", "population", "exchange_rates"}
    assert 5_000 < counts["budgets"] < 20_000
    result = budget_workbook_import(folder)
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert result.created["budgets"] == counts["budgets"] and result.created["projects"] == counts["projects"]
    units = set(BudgetLine.objects.values_list("unit", flat=True))
    assert "national" in units and {u[:2] for u in units if u != "national"} == {"06", "15"}
    # Every line written the odd ways people type it was read as the plain one.
    assert not BudgetLine.objects.filter(unit__regex=r"^\d{3}$|^\d{5}$").exists()
    assert Project.objects.filter(status="ongoing", fiscal_year=2023).exists()


@pytest.mark.django_db
def test_the_national_budget_follows_the_seeds(small):
    budget_workbook_import(small[0])
    for year, share in ((2023, .12), (2024, .17)):
        lines = dict(BudgetLine.objects.filter(unit="national", fiscal_year=year, phase="approved")
                     .values_list("category__code", "amount_khr"))
        found = lines["nat_exp_subnational"] / (lines["nat_exp_subnational"] + lines["nat_exp_national"])
        assert found == pytest.approx(share, abs=.005)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_workbook(small, tmp_path):
    folder, _counts = small
    out = StringIO()
    call_command("generate", str(tmp_path / "again"), kind="budget", scale="small", seed=3, stdout=out)
    assert "budget, small, seed 3" in out.getvalue()
    names = ["budgets.csv", "projects.csv", "population.csv", "exchange_rates.csv"]
    match, mismatch, errors = filecmp.cmpfiles(folder, tmp_path / "again", names, shallow=False)
    assert match == names and not mismatch and not errors
    budget_workbook_generate(tmp_path / "other.zip", scale="small", seed=4)
    assert (tmp_path / "other.zip").stat().st_size > 10_000


def test_the_national_scale_is_every_commune_and_district_over_ten_years():
    national = SCALES["national"]
    assert national.provinces == 25 and len(national.years) == 10
