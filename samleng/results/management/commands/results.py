"""samleng results CODE [--period YEAR] [--json]: compute a programme's indicators afresh and print them."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from samleng.core.numbers import percent
from samleng.results.labels import humanize, part_label
from samleng.results.selectors import (
    differences,
    programme_codes,
    programme_get,
    programme_table,
    results_json,
)
from samleng.results.services import default_periods, snapshots_compute


class Command(BaseCommand):
    help = ("Compute every indicator of the programme CODE afresh from the records (for --period YEAR, or for "
            "each of its years up to this one), keep the values, and print the indicator table with the figures "
            "past reports stated and every difference. With --json: a list with, for each indicator, code, "
            "period, value (a share in percent, 0-100, or a count; null for no data), numerator, denominator, "
            "breakdown, reported_value and differs, as GET /api/results/CODE/YEAR gives it.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="the programme's code (the programme sheet's `code`)")
        parser.add_argument("--period", type=int, help="the year to compute (default: each of the programme's "
                                                       "years up to this one)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, code, period=None, json=False, **options):
        programme = programme_get(code)
        if programme is None:
            raise CommandError(_unknown_programme(code))
        if period is not None and period not in programme.years:
            raise CommandError(f"{period} is outside the programme {programme.code}'s years "
                               f"({programme.years[0]}-{programme.years[-1]}): give --period one of them.")
        periods = [period] if period else default_periods(programme)
        if not periods:
            raise CommandError(f"The programme {code} has no year up to this one: give --period.")
        snapshots_compute(user=None, programme=programme, periods=periods)
        if json:
            entries = [entry for year in periods for entry in results_json(programme, year)]
            self.stdout.write(_dumps(entries))
            return
        with translation.override("en"):  # the table is in English, its keys in words ("partly solved")
            self._table(programme, periods)

    def _table(self, programme, periods) -> None:
        self.stdout.write(f"{programme.code} {programme.name}")
        self.stdout.write(f"{'indicator':<10} {'period':<6} {'value':>10} {'n / N':>15} {'reported':>9}  breakdown")
        for row in programme_table(programme, periods):
            for cell in row.cells:
                value = "no data" if cell.value is None else _figure(cell.value, row.unit, cell.reported_decimals)
                fraction = "" if cell.numerator is None else (
                    f"{cell.numerator} / {cell.denominator}" if cell.denominator is not None else f"{cell.numerator}")
                reported = "" if cell.reported_value is None else _figure(
                    cell.reported_value, row.unit, cell.reported_decimals, as_printed=True)
                flag = "  DIFFERS" if cell.differs else ""
                parts = ", ".join(f"{part_label(k)} {v}" for k, v in cell.breakdown.items())
                self.stdout.write(f"{row.code:<10} {cell.period:<6} {value:>10} {fraction:>15} {reported:>9}  "
                                  f"{parts}{flag}")
        found = differences(programme, periods)
        if found:
            self.stdout.write("")
            self.stdout.write(f"{len(found)} difference(s):")
            for difference in found:
                self.stdout.write(f"- [{humanize(difference.kind)}] {difference.message_en}")


def _figure(value, unit: str, reported_decimals: int, *, as_printed: bool = False) -> str:
    """A figure as pages and reports print it: a share whole when whole, else with one decimal (core.numbers:
    "62%", "39.8%"), or with the decimals a past report printed when it printed more (so that a reported 7.06%
    and a computed 7.04% do not both read 7.1%); a count as a whole number, a reported one as printed."""
    if unit == "percent":
        return percent(value, "en", places=max(1, reported_decimals))
    return f"{value:.{reported_decimals}f}" if as_printed else f"{value:.0f}"


def _unknown_programme(code: str) -> str:
    """Which codes there are, so that a mistyped code can be put right from the message alone."""
    codes = programme_codes()
    if not codes:
        return (f"No programme has the code {code!r}: there is no programme yet. Import its workbook first "
                f"(samleng import).")
    return f"No programme has the code {code!r}. The programmes are: {', '.join(codes)}."


def _dumps(entries) -> str:
    return json.dumps(entries, ensure_ascii=False, indent=2)
