"""Generated budget workbooks, for the benchmarks (bench/) and the tests: made-up but plausible budgets of
every commune and district of the gazetteer ("national": 1,661 communes and 210 districts x 10 years, about
500,000 lines) or of two provinces over three years ("small"), in the shape of the budget workbook format 1
(docs/budget-workbook.md), so that they import as a real workbook does.

    counts = budget_workbook_generate("var/budget", scale="national", seed=1)   # a folder of .csv files
    counts = budget_workbook_generate("var/budget.zip", scale="small")          # a .zip of .csv files

Plausible means: the Commune/Sangkat Fund and the District/Municipality Fund in proportion to the
population, the sub-national share of the national budget about 12% until 2023 and 17% from 2024, one point
more a year after; revenue and expenditure balanced in the approved budget, executed figures a little
under it; social services and natural resources taking a growing share of development; projects that fit
in their category's amount, in the commune's villages. Cells are written the several ways people type them
(Khmer digits, thousands separators, Khmer phase words, a code that lost its leading zero), as in the
programme generator. The same seed gives the same workbook. The gazetteer must be loaded first."""

import csv
import io
import random
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from samleng.budgets.sheets import BUDGET_KIND
from samleng.core.khmer import to_khmer_digits
from samleng.imports.generate import GazetteerMissing
from samleng.places.models import Place


@dataclass(frozen=True)
class BudgetScale:
    provinces: int  # all 25, or the first few of PROVINCE_ORDER
    years: tuple[int, ...]
    revised_years: tuple[int, ...]  # years with a revised budget as well


SCALES = {
    "national": BudgetScale(provinces=25, years=tuple(range(2016, 2026)), revised_years=tuple(range(2017, 2025))),
    "small": BudgetScale(provinces=2, years=(2022, 2023, 2024), revised_years=(2023,)),
}
PROVINCE_ORDER = ["06", "15", "10", "05", "01", "08", "21", "23", "12"]
#: Riels per US dollar.
RATES = {2016: 4050, 2017: 4037, 2018: 4051, 2019: 4061, 2020: 4092, 2021: 4098, 2022: 4102, 2023: 4110,
         2024: 4050, 2025: 4020}
#: The national budget (trillion riels) and the share of it transferred to sub-national administrations.
NATIONAL_TOTAL = {2016: 20.7, 2017: 23.4, 2018: 26.3, 2019: 29.8, 2020: 33.6, 2021: 27.4, 2022: 32.7, 2023: 36.1,
                  2024: 34.2, 2025: 35.9}
SUBNATIONAL_SHARE = {2016: .118, 2017: .119, 2018: .121, 2019: .120, 2020: .122, 2021: .119, 2022: .121,
                     2023: .122, 2024: .170, 2025: .180}
#: Transfers per person (riels): the funds follow the population.
CSF_PER_PERSON = {2016: 21000, 2017: 22000, 2018: 23500, 2019: 25000, 2020: 26500, 2021: 24500, 2022: 26000,
                  2023: 27500, 2024: 38000, 2025: 40500}
DMF_PER_PERSON = {year: value // 2 for year, value in CSF_PER_PERSON.items()}
#: Shares of the development budget for social services and for natural resources and climate.
SOCIAL_SHARE = {2016: .05, 2017: .055, 2018: .06, 2019: .06, 2020: .065, 2021: .07, 2022: .07, 2023: .075,
                2024: .09, 2025: .11}
NRM_SHARE = {2016: .03, 2017: .03, 2018: .035, 2019: .035, 2020: .035, 2021: .04, 2022: .04, 2023: .045,
             2024: .06, 2025: .07}
PHASE_KM = {"approved": "អនុម័ត", "executed": "អនុវត្ត", "revised": "កែសម្រួល"}
PROJECTS = {  # category: (English title, Khmer title, sector); {v} is a village of the commune
    "exp_dev_infrastructure": [
        ("Red gravel road in {v} village", "ក្រាលគ្រួសក្រហមផ្លូវក្នុងភូមិ{v}", "roads"),
        ("Concrete culvert in {v} village", "សាងសង់លូបេតុងក្នុងភូមិ{v}", "roads"),
        ("Pump wells for {v} village", "ខួងអណ្តូងស្នប់សម្រាប់ភូមិ{v}", "water"),
        ("Repair of the canal in {v} village", "ជួសជុលប្រឡាយក្នុងភូមិ{v}", "irrigation"),
    ],
    "exp_dev_social": [
        ("School materials for poor pupils of {v} village", "សម្ភារៈសិក្សាសម្រាប់សិស្សក្រីក្រនៃភូមិ{v}", "education"),
        ("Support to pregnant women in {v} village", "គាំទ្រស្ត្រីមានផ្ទៃពោះក្នុងភូមិ{v}", "health"),
    ],
    "exp_dev_nrm_climate": [
        ("Restoring the pond of {v} village", "ស្តារស្រះទឹកភូមិ{v}", "climate"),
        ("Tree planting in {v} village", "ដាំដើមឈើក្នុងភូមិ{v}", "climate"),
    ],
}
COLUMNS = {name: BUDGET_KIND.sheet(name).names for name in BUDGET_KIND.export_order}


def budget_workbook_generate(path, *, scale: str = "national", seed: int = 1) -> dict[str, int]:
    """Write a generated budget workbook to `path`: a .zip of .csv files when the path ends in .zip, else a
    folder of .csv files (created if need be; its sheets' files are replaced). Returns the rows per sheet."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    generator = _BudgetGenerator(SCALES[scale], seed)
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return _write_zip(path, generator.sheets())
    return _write_folder(path, generator.sheets())


class _BudgetGenerator:
    def __init__(self, scale: BudgetScale, seed: int):
        self.scale, self.rng = scale, random.Random(seed)
        rows = Place.objects.order_by("code").values_list("code", "level", "parent__code", "name_en", "name_km")
        self.children: dict[str | None, list[str]] = {}
        self.village_names: dict[str, tuple[str, str]] = {}
        for code, level, parent, name_en, name_km in rows.iterator(chunk_size=5000):
            self.children.setdefault(parent, []).append(code)
            if level == Place.Level.VILLAGE:
                self.village_names[code] = (name_en, name_km)
        if not self.children:
            raise GazetteerMissing("The gazetteer is empty: run `samleng setup` (or places.services.gazetteer_load) "
                                   "before generating a workbook.")
        provinces = self.children.get(None, [])
        if scale.provinces < len(provinces):
            provinces = [p for p in PROVINCE_ORDER if p in provinces][:scale.provinces]
        self.districts = [d for p in provinces for d in self.children.get(p, [])]
        self.communes = [c for d in self.districts for c in self.children.get(d, [])]
        self.population: dict[str, int] = {}  # the last year's
        for commune in self.communes:
            self.population[commune] = self.rng.randrange(2500, 30000, 10)
        for district in self.districts:
            self.population[district] = sum(self.population[c] for c in self.children.get(district, [])) \
                + self.rng.randrange(0, 20000, 100)
        self.expenditure: dict[tuple[str, int], dict[str, int]] = {}  # approved, for the projects

    def sheets(self) -> Iterator[tuple[str, Iterable]]:
        yield "budgets", self.budgets()
        yield "projects", self.projects()
        yield "population", self.populations()
        yield "exchange_rates", ([year, RATES[year]] for year in self.scale.years)

    # ---- budget lines ------------------------------------------------------------------------------------

    def budgets(self) -> Iterator[list]:
        for year in self.scale.years:
            total = NATIONAL_TOTAL[year] * 1e12
            sub = _round(total * SUBNATIONAL_SHARE[year], 100_000_000)
            national = _round(total, 100_000_000) - sub
            for phase, factor in self._phases(year):
                transfers = _round(sub * min(factor * 1.03, 1), 10**8)  # transfers are paid almost whole
                yield ["national", year, phase, "expenditure", "nat_exp_national", _round(national * factor, 10**8), ""]
                yield ["national", year, phase, "expenditure", "nat_exp_subnational", transfers, ""]
        for unit in [*self.districts, *self.communes]:
            yield from self._unit_lines(unit)

    def _phases(self, year: int) -> list[tuple[str, float]]:
        last = self.scale.years[-1]
        phases = [("approved", 1.0)]
        if year in self.scale.revised_years:
            phases.append(("revised", self.rng.uniform(.97, 1.04)))
        if year < last:
            phases.append(("executed", self.rng.uniform(.88, .98)))
        return phases

    def _unit_lines(self, unit: str) -> Iterator[list]:
        rng, commune = self.rng, len(unit) == 6
        carry = _round(rng.uniform(5e6, 25e6) * (1 if commune else 4), 1000)
        for year in self.scale.years:
            people = self._people(unit, year)
            fund = _round(people * (CSF_PER_PERSON if commune else DMF_PER_PERSON)[year] * rng.uniform(.9, 1.1), 1000)
            revenue = {"rev_csf" if commune else "rev_dmf": fund,
                       "rev_own_source": _round(fund * rng.uniform(.01, .06), 1000),
                       "rev_other_transfers": _round(fund * rng.uniform(.05, .25), 1000) if rng.random() < .3 else 0,
                       "rev_contributions":
                           _round(rng.uniform(2e6, 15e6), 1000) if commune and rng.random() < .25 else 0,
                       "rev_carry_over": carry}
            expenditure = self._expenditure(year, sum(revenue.values()), commune)
            self.expenditure[(unit, year)] = expenditure
            spent = 0
            for phase, factor in self._phases(year):
                for category, value in revenue.items():
                    if phase != "approved" and category != "rev_carry_over":
                        value = _round(value * factor, 1000)
                    if value:
                        yield self._line(unit, year, phase, "revenue", category, value)
                for category, value in expenditure.items():
                    value = value if phase == "approved" else _round(value * factor * rng.uniform(.97, 1.0), 1000)
                    if value:
                        yield self._line(unit, year, phase, "expenditure", category, value)
                    if phase == "executed":
                        spent += value
            carry = max(_round((sum(revenue.values()) - spent) * .5, 1000), 0) if spent else carry

    def _expenditure(self, year: int, total: int, commune: bool) -> dict[str, int]:
        rng = self.rng
        admin = total * (rng.uniform(.24, .30) if commune else rng.uniform(.33, .38))
        other = total * rng.uniform(0, .03)
        development = total - admin - other
        social = development * SOCIAL_SHARE[year] * rng.uniform(.8, 1.2)
        nrm = development * NRM_SHARE[year] * rng.uniform(.8, 1.2)
        economic = development * rng.uniform(.04, .09)
        parts = {"exp_administration": _round(admin, 1000), "exp_dev_social": _round(social, 1000),
                 "exp_dev_nrm_climate": _round(nrm, 1000), "exp_dev_economic": _round(economic, 1000),
                 "exp_other": _round(other, 1000)}
        parts["exp_dev_infrastructure"] = total - sum(parts.values())
        return parts

    def _line(self, unit: str, year: int, phase: str, direction: str, category: str, value: int) -> list:
        """One line, written now and then as people type it."""
        draw = self.rng.random()
        if draw < .03:
            return [unit, year, phase, direction, category, f"{value:,}", ""]
        if draw < .05:
            return [unit, to_khmer_digits(year), PHASE_KM[phase], direction, category, to_khmer_digits(value), ""]
        if draw < .06:
            return [unit.lstrip("0"), year, phase.capitalize(), direction, category.upper(), value, ""]
        return [unit, year, phase, direction, category, value, ""]

    def _people(self, unit: str, year: int) -> int:
        return int(self.population[unit] * 1.012 ** (year - self.scale.years[-1]))

    # ---- projects and population -------------------------------------------------------------------------

    def projects(self) -> Iterator[list]:
        rng, last = self.rng, self.scale.years[-1]
        for commune in self.communes:
            villages = self.children.get(commune) or [""]
            for year in self.scale.years:
                amounts = self.expenditure[(commune, year)]
                for number in range(1, rng.choice((1, 2, 2, 3)) + 1):
                    category = "exp_dev_infrastructure" if number == 1 else rng.choice(list(PROJECTS))
                    title_en, title_km, sector = rng.choice(PROJECTS[category])
                    village = rng.choice(villages)
                    name_en, name_km = self.village_names.get(village, ("the commune's", "ក្នុងឃុំ"))
                    cost = _round(amounts[category] * rng.uniform(.2, .45), 1000)
                    if year < last - 1:
                        status, progress = ("completed", 100) if rng.random() > .05 else ("cancelled", 0)
                    elif year == last - 1:
                        status, progress = "ongoing", rng.randrange(10, 100, 10)
                    else:
                        status, progress = "planned", 0
                    yield [commune, year, f"P{year}-{number}", title_en.format(v=name_en), title_km.format(v=name_km),
                           sector, village, cost, "Commune/Sangkat Fund", status, progress]

    def populations(self) -> Iterator[list]:
        for unit in [*self.districts, *self.communes]:
            for year in self.scale.years:
                people = self._people(unit, year)
                yield [unit, year, people, int(people * self.rng.uniform(.5, .53))]


def _round(value: float, step: int) -> int:
    return int(round(value / step)) * step


def _write_folder(folder: Path, sheets: Iterable[tuple[str, Iterable]]) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in sheets:
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as file:
            counts[name] = _write_rows(file, name, rows)
    return counts


def _write_zip(path: Path, sheets: Iterable[tuple[str, Iterable]]) -> dict[str, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, rows in sheets:
            with package.open(f"{name}.csv", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                counts[name] = _write_rows(text, name, rows)
                text.flush()
                text.detach()
    return counts


def _write_rows(file, name: str, rows: Iterable) -> int:
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(COLUMNS[name])
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
