"""The demo programme (samleng/imports/demo/programme/, from API's 2023-2024 report) gives the report's
figures where the records bear them out, and Samleng flags where the report does not hold together."""

from decimal import Decimal
from pathlib import Path

import pytest

from samleng.imports.kinds import workbook_import
from samleng.results.models import Programme
from samleng.results.selectors import differences, programme_table, results_json
from samleng.results.services import snapshots_compute

DEMO = Path(__file__).resolve().parents[2] / "imports" / "demo" / "programme"
CODE = "N-KHM-2022-0265"


@pytest.fixture
def demo(world):
    result = workbook_import(DEMO, user=world.me_officer)
    assert result.ok, result.errors[:5]
    programme = Programme.objects.get(code=CODE)
    snapshots_compute(user=world.me_officer, programme=programme, periods=[2023, 2024])
    return programme


def cells(programme) -> dict[tuple[str, int], object]:
    return {(row.code, cell.period): cell for row in programme_table(programme, [2023, 2024]) for cell in row.cells}


def test_the_demo_gives_the_reports_figures(demo):
    found = cells(demo)
    expected = {
        ("1.1", 2023): ("62.0000", 31, 50), ("1.1", 2024): ("78.0000", 39, 50),
        ("1.2", 2023): ("40.0000", 4, 10), ("1.2", 2024): ("63.6364", 7, 11),
        ("1.3", 2023): ("100.0000", None, None),
        ("2.1", 2023): ("2", 2, 8), ("2.1", 2024): ("3", 3, 8),
        ("2.2", 2023): ("39.7590", 33, 83), ("2.2", 2024): ("7.0632", 19, 269),
    }
    for key, (value, numerator, denominator) in expected.items():
        cell = found[key]
        assert cell.value == Decimal(value), key
        if numerator is not None:
            assert (cell.numerator, cell.denominator) == (numerator, denominator), key
    assert found[("1.1", 2023)].breakdown == {"solved": 6, "partly_solved": 25}
    assert found[("1.1", 2024)].breakdown == {"solved": 9, "partly_solved": 30}
    assert round(found[("1.3", 2024)].value) == 71


def test_only_the_procurement_figure_of_2023_differs(demo):
    found = cells(demo)
    differing = sorted(key for key, cell in found.items() if cell.differs)
    assert differing == [("2.2", 2023)]
    assert found[("2.2", 2024)].reported_value == Decimal("7.06") and not found[("2.2", 2024)].differs


def test_the_2023_procurement_figure_contradicts_its_own_fraction(demo):
    found = {(d.indicator_code, d.period, d.kind): d for d in differences(demo, [2023, 2024])}
    assert set(found) == {("2.2", 2023, "reported_vs_computed"), ("2.2", 2023, "share_vs_fraction")}
    reported = found[("2.2", 2023, "reported_vs_computed")]
    assert (reported.reported, reported.computed) == (Decimal(45), Decimal("39.7590"))
    assert "33 of 83 = 39.8%" in found[("2.2", 2023, "share_vs_fraction")].message_en


def test_the_demo_json(demo):
    entries = {e["code"]: e for e in results_json(demo, 2023)}
    assert entries["2.2"] == {"code": "2.2", "period": 2023, "value": 39.759, "numerator": 33, "denominator": 83,
                              "breakdown": {"disclosed": 33, "not_disclosed": 50}, "reported_value": 45,
                              "differs": True}
    assert entries["1.1"]["value"] == 62 and entries["1.1"]["differs"] is False
