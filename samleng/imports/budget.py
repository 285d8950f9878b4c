"""Importing a budget workbook (/work/shared/specs/budget-workbook.md, format 1): budget lines of communes,
districts, provinces and the nation, their categories, local projects, population and exchange rates.

The same rules as the programme workbook, and the same machinery (reader, cells, places, ImportResult and
RowError of programme.py): every sheet read and checked first, every error collected with sheet, row and
column in English and Khmer; then, only when there is none, everything written in one transaction through
budgets.services. All or nothing; importing the same workbook twice changes nothing.

    result = budget_workbook_import("budget.xlsx", user=request.user, publish=False)
    kind, result = any_workbook_import(path)   # a budget or a programme workbook, told apart by its sheets

Rules beyond the cells' own (each has a test in tests/test_budget_import.py):
- `unit` is `national` (or ថ្នាក់ជាតិ) or a gazetteer code of 2, 4 or 6 digits (a leading zero lost by a
  spreadsheet is put back); a name is accepted when it names exactly one province, district or commune.
- A line's category is known (the defaults, Samleng's categories or the workbook's categories sheet; its
  code, or its exact English or Khmer name) and of the line's direction; the default national categories
  (nat_exp_*) go on the national unit only, the default sub-national ones never on it.
- One line per (unit, year, phase, direction, category). A parent category (exp_development) gets a line
  only when that unit, year and phase has no line on any of its children (in the workbook or stored):
  otherwise it would be counted twice. Lines are normally on the children; the parent is their sum.
- `executed` figures are for years that have begun; fiscal years from 1990 to five years ahead.
- Projects: one per (unit, year, project_id); the village inside the unit; progress 0-100.
- Population: women at most the population. Exchange rates: more than 0, one per year.
- Who: the command line and staff who see everything (admins, M&E officers) import anything. Field officers
  import the units of their provinces (accounts.access, as for programme workbooks); the national budget,
  new or changed categories and exchange rates are for those who see everything (rows that change nothing
  pass, so an export can be imported back)."""

import datetime as dt
import re
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation

from samleng.accounts.access import can_edit_cbo
from samleng.budgets.defaults import DEFAULT_CATEGORIES, NATIONAL_CODES, SUBNATIONAL_CODES
from samleng.budgets.models import NATIONAL, BudgetLine, Category, Direction, ExchangeRate, Phase, Project
from samleng.budgets.services import (
    budget_line_upsert_many,
    categories_ensure_defaults,
    category_upsert_many,
    exchange_rate_upsert_many,
    population_upsert_many,
    project_upsert_many,
    publication_set_many,
)
from samleng.cbos.models import CBO
from samleng.core.audit import Action, audit_record
from samleng.core.khmer import normalize, to_khmer_digits, to_latin_digits
from samleng.imports import cells, sheets
from samleng.imports.cells import CellError, Vocabulary, shown
from samleng.imports.placecells import PlaceCells
from samleng.imports.programme import ImportResult, Progress, workbook_import
from samleng.imports.reader import Unreadable, name_key, open_workbook
from samleng.imports.sheetreader import RowError, sheet_read
from samleng.places.models import Place

# ---- vocabularies: the canonical values, their English labels and the Khmer words people type --------------

PHASES_KM = {
    "proposed": ("ស្នើសុំ", "គម្រោងថវិកា", "សេចក្តីព្រាង"),
    "approved": ("អនុម័ត", "បានអនុម័ត"),
    "revised": ("កែសម្រួល", "បានកែសម្រួល", "កែតម្រូវ"),
    "executed": ("អនុវត្ត", "បានអនុវត្ត", "ការអនុវត្ត", "ចំណាយជាក់ស្តែង"),
}
DIRECTIONS_KM = {"revenue": ("ចំណូល",), "expenditure": ("ចំណាយ",)}
STATUSES_KM = {
    "planned": ("គ្រោងទុក", "បានគ្រោងទុក"),
    "ongoing": ("កំពុងអនុវត្ត", "កំពុងដំណើរការ"),
    "completed": ("បានបញ្ចប់", "រួចរាល់", "បញ្ចប់"),
    "cancelled": ("បានលុបចោល", "លុបចោល"),
}
KINDS_KM = {"economic": ("សេដ្ឋកិច្ច",), "functional": ("មុខងារ",), "administrative": ("រដ្ឋបាល",)}
NATIONAL_WORDS = ("national", "nation", "ថ្នាក់ជាតិ", "ជាតិ")


@cache
def _vocabularies() -> dict[str, Vocabulary]:
    # The choice labels are translated: the English ones are what the workbook accepts besides the values.
    with translation.override("en"):
        return {
            "phase": Vocabulary("phase", "ដំណាក់កាល", Phase.choices, PHASES_KM),
            "direction": Vocabulary("direction", "ទិសដៅ (ចំណូល ឬចំណាយ)", Direction.choices, DIRECTIONS_KM),
            "status": Vocabulary("status", "ស្ថានភាព", Project.Status.choices, STATUSES_KM),
            "kind": Vocabulary("kind", "ប្រភេទ", Category.Kind.choices, KINDS_KM),
        }


def _word(name: str, raw) -> str:
    return _vocabularies()[name](raw)


# ---- cells of this workbook -----------------------------------------------------------------------------------

FIRST_FISCAL_YEAR = 1990
#: Budgets are planned a few years ahead (a three-year rolling investment plan), not more.
YEARS_AHEAD = 5
#: No amount of a Cambodian budget comes near this (the national budget is about 3.5 * 10^13 riels).
MAX_AMOUNT = 10**15
_MINUS = ("-", "\u2212", "(")
_CURRENCY = re.compile(r"\s*(?:៛|khr|riels?|រៀល)\s*$", re.IGNORECASE)


def fiscal_year(raw) -> int:
    value = to_latin_digits(shown(raw))
    if not re.fullmatch(r"\d{4}(?:\.0+)?", value):
        raise CellError(f"'{shown(raw)}' is not a year: write the year in digits, as 2024.",
                        f"'{shown(raw)}' មិនមែនជាឆ្នាំទេ៖ សូមសរសេរឆ្នាំជាលេខ ដូចជា ២០២៤។")
    year = int(float(value))
    last = dt.date.today().year + YEARS_AHEAD
    if not FIRST_FISCAL_YEAR <= year <= last:
        raise CellError(f"{year} is not a plausible fiscal year (give one from {FIRST_FISCAL_YEAR} to {last}).",
                        f"{to_khmer_digits(year)} មិនមែនជាឆ្នាំសារពើពន្ធដែលអាចជឿបានទេ (សូមផ្តល់ឆ្នាំពី "
                        f"{to_khmer_digits(FIRST_FISCAL_YEAR)} ដល់ {to_khmer_digits(last)})។")
    return year


def amount(raw) -> int:
    """An amount in riel: a whole number, zero or more; Khmer digits, thousands separators and a riel sign
    accepted. Fractions of a riel (a spreadsheet's formula) are rounded."""
    if raw.__class__ is str and raw.isdecimal():  # the common case, Latin or Khmer digits: no more work
        value = int(raw)
    elif isinstance(raw, bool):
        raise CellError(f"'{raw}' is not a number.", f"'{raw}' មិនមែនជាលេខទេ។")
    elif isinstance(raw, (int, float)):
        if raw < 0:
            raise _negative(raw)
        value = int(cells.decimal(raw, places=0))
    else:
        text = _CURRENCY.sub("", str(raw).strip())
        if text.startswith(_MINUS):
            raise _negative(raw)
        value = int(cells.decimal(text, places=0))
    if value > MAX_AMOUNT:
        raise CellError(f"'{shown(raw)}' is far too large for an amount in riel.",
                        f"'{shown(raw)}' ធំពេកសម្រាប់ចំនួនទឹកប្រាក់ជារៀល។")
    return value


def _negative(raw) -> CellError:
    return CellError(f"'{shown(raw)}' is negative: an amount is never below zero (for a smaller amount, write the "
                     "smaller amount).", f"'{shown(raw)}' ជាចំនួនអវិជ្ជមាន៖ ចំនួនទឹកប្រាក់មិនអាចតិចជាងសូន្យបានទេ "
                     "(សម្រាប់ចំនួនតិចជាង សូមសរសេរចំនួនតិចជាងនោះ)។")


def percent(raw) -> int:
    if isinstance(raw, float) and 0 < raw < 1:  # a cell formatted as a percentage: 45% is 0.45
        raw = round(raw * 100, 6)
    value = cells.integer(shown(raw).rstrip("%").strip() if isinstance(raw, str) else raw)
    if value > 100:
        raise CellError(f"{value} is more than 100: progress is a percentage, from 0 to 100.",
                        f"{to_khmer_digits(value)} លើសពី ១០០៖ វឌ្ឍនភាពជាភាគរយ ពី ០ ដល់ ១០០។")
    return value


def positive(raw) -> int:
    value = cells.integer(raw)
    if value == 0:
        raise CellError("The population cannot be 0.", "ចំនួនប្រជាជនមិនអាចស្មើ ០ បានទេ។")
    return value


def khr_per_usd(raw) -> Decimal:
    value = cells.decimal(raw, places=2)
    if value <= 0:
        raise CellError(f"'{shown(raw)}' is not a rate: give the riels one US dollar buys, more than 0 (about "
                        "4,000).", f"'{shown(raw)}' មិនមែនជាអត្រាប្តូរប្រាក់ទេ៖ សូមផ្តល់ចំនួនរៀលក្នុងមួយដុល្លារ "
                        "ធំជាង ០ (ប្រមាណ ៤.០០០)។")
    return value


def code(raw) -> str:
    """A category code: the same whatever its case (`REV_CSF` is `rev_csf`)."""
    return cells.ident(raw, max_length=40).lower()


def category_cell(raw) -> str:
    """A line's category: its code (any case), or its English or Khmer name, resolved in the checks."""
    return cells.text(raw, 200).lower()


# ---- the sheets ------------------------------------------------------------------------------------------------

_C = sheets.Column


def _unit(required: bool = True) -> sheets.Column:
    return _C("unit", None, required)  # resolved in the checks, once per distinct cell


BUDGETS = sheets.Sheet("budgets", (
    _unit(), _C("fiscal_year", fiscal_year, True), _C("phase", partial(_word, "phase"), True),
    _C("direction", partial(_word, "direction"), True), _C("category", category_cell, True),
    _C("amount_khr", amount, True, memo=False), sheets.text("note", 500),
), key=("unit", "fiscal_year", "phase", "direction", "category"))

CATEGORIES = sheets.Sheet("categories", (
    _C("code", code, True), _C("direction", partial(_word, "direction"), True), sheets.text("name_en", 200, True),
    sheets.text("name_km", 200, True), _C("parent", code), _C("kind", partial(_word, "kind"), empty=""),
), key=("code",))

PROJECTS = sheets.Sheet("projects", (
    _unit(), _C("fiscal_year", fiscal_year, True), sheets.ident("project_id"), sheets.text("title_en", 300, True),
    sheets.text("title_km", 300), sheets.text("sector", 100), sheets.place("village"),
    _C("cost_khr", amount, True, memo=False), sheets.text("funding_source", 200),
    _C("status", partial(_word, "status"), empty=""), _C("progress_pct", percent),
), key=("unit", "fiscal_year", "project_id"))

POPULATION = sheets.Sheet("population", (
    _unit(), _C("year", fiscal_year, True), _C("population", positive, True), sheets.integer("female"),
), key=("unit", "year"))

EXCHANGE_RATES = sheets.Sheet("exchange_rates", (
    _C("year", fiscal_year, True), _C("khr_per_usd", khr_per_usd, True),
), key=("year",))

#: In the order they are checked and written: categories before the lines that use them.
BUDGET_SHEETS = {s.name: s for s in (CATEGORIES, BUDGETS, PROJECTS, POPULATION, EXCHANGE_RATES)}
#: The spec's order, for the export.
EXPORT_ORDER = ("budgets", "categories", "projects", "population", "exchange_rates")

# ---- which workbook is it? -------------------------------------------------------------------------------------

BUDGET_KEYS = frozenset(name_key(name) for name in BUDGET_SHEETS)
# LATER: the sheets the programme import announces as "not imported yet", while there are any.
PROGRAMME_KEYS = frozenset(name_key(name) for name in (*sheets.SHEETS, *sheets.LATER))
BUDGET, PROGRAMME, MIXED = "budget", "programme", "mixed"


def workbook_kind(path) -> str:
    """"budget" or "programme" by the workbook's sheets, "mixed" when it has sheets of both. A workbook that
    cannot be opened, or has neither's sheets, counts as a programme workbook (whose import says why)."""
    try:
        with open_workbook(path) as book:
            keys = set(book.names)
    except Unreadable:
        return PROGRAMME
    budget, programme = keys & BUDGET_KEYS, keys & PROGRAMME_KEYS
    if budget and programme:
        return MIXED
    return BUDGET if budget else PROGRAMME


def any_workbook_import(path, *, user=None, progress: Progress | None = None,
                        publish: bool = False) -> tuple[str, ImportResult]:
    """Import a budget or a programme workbook, whichever `path` is (`samleng import`, the upload page).
    Returns the kind found and the result; a workbook mixing both kinds' sheets is refused whole. `publish`
    publishes the budget years imported (a programme workbook has none)."""
    kind = workbook_kind(path)
    if kind == BUDGET:
        return kind, budget_workbook_import(path, user=user, progress=progress, publish=publish)
    if kind == PROGRAMME:
        return kind, workbook_import(path, user=user, progress=progress)
    with open_workbook(path) as book:
        names = book.names
        budget = sorted(names[k] for k in names if k in BUDGET_KEYS)
        programme = sorted(names[k] for k in names if k in PROGRAMME_KEYS)
    name = Path(path).name
    return kind, ImportResult(ok=False, errors=[RowError(
        name, None, "",
        f"This workbook mixes the sheets of a budget workbook ({', '.join(budget)}) with those of a programme "
        f"workbook ({', '.join(programme)}). Import them as two workbooks.",
        f"សៀវភៅបញ្ជីនេះលាយសន្លឹកនៃសៀវភៅបញ្ជីថវិកា ({', '.join(budget)}) ជាមួយសន្លឹកនៃសៀវភៅបញ្ជីកម្មវិធី "
        f"({', '.join(programme)})។ សូមនាំចូលវាជាសៀវភៅបញ្ជីពីរដាច់ដោយឡែកពីគ្នា។")])


# ---- the import ------------------------------------------------------------------------------------------------


def budget_workbook_import(path, *, user=None, progress: Progress | None = None,
                           publish: bool = False) -> ImportResult:
    """Import the budget workbook at `path` (.xlsx, a folder or .zip of .csv, or one .csv named after its
    sheet). `user` is recorded in the audit log and limits what may be imported (see the module's doc).
    With `publish`, the (unit, year) pairs of the budgets and projects sheets are published as well (in the
    same transaction); the count is `result.created["publications"]`."""
    return _BudgetImport(Path(path), user, progress, publish).run()


Unit = namedtuple("Unit", "code place")  # place is None for the nation
_READ_SHARE = 60
_UNIT_LEVELS = {2: 1, 4: 2, 6: 3}  # code length -> gazetteer level
_LEVEL_WORDS = {1: ("province", "ខេត្ត"), 2: ("district", "ស្រុក"), 3: ("commune", "ឃុំ")}


@dataclass
class _KnownCategory:
    code: str
    direction: str
    parent: str | None
    name_en: str = ""
    name_km: str = ""
    kind: str = ""


class _BudgetImport:
    def __init__(self, path: Path, user, progress: Progress | None, publish: bool):
        self.path, self.user, self.publish = path, user, publish
        self._progress_callback = progress
        self._last_progress: tuple[int, str] | None = None
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.rows_read = 0
        self.rows: dict[str, list] = {}
        self.present: dict[str, set[str]] = {}
        self.places = PlaceCells()
        self.index = self.places.index
        self.this_year = timezone.localdate().year
        self._units: dict = {}  # raw cell -> Unit | CellError
        self._scope: dict[str, bool] = {}  # province code -> may import
        self.categories: dict[str, _KnownCategory] = {}
        self.records: dict[str, list] = {}  # sheet -> checked values to write

    # ---- the whole run ----------------------------------------------------------------------------------

    def run(self) -> ImportResult:
        self.progress(0, "opening the workbook")
        try:
            book = open_workbook(self.path)
        except Unreadable as error:
            return self._rejected([RowError(self.path.name, None, "", error.message_en, error.message_km)])
        with book:
            keys = self._choose_sheets(book)
            if keys is None:
                return self._rejected(self.errors)
            total = sum(book.weights.get(k, 1) for k in keys.values()) or 1
            done = 0
            for name, key in sorted(keys.items(), key=lambda item: -book.weights.get(item[1], 1)):
                self.progress(done * _READ_SHARE // total, f"reading {name}")
                try:
                    self._read_sheet(BUDGET_SHEETS[name], book.rows(key))
                except Unreadable as error:
                    self.errors.append(RowError(name, None, "", error.message_en, error.message_km))
                done += book.weights.get(key, 1)
        self.progress(_READ_SHARE, "checking the rows against each other and against Samleng")
        self._load_categories()
        for name in BUDGET_SHEETS:
            if name in self.rows:
                getattr(self, f"_check_{name}")(BUDGET_SHEETS[name], self.rows[name])
        if self.errors:
            return self._rejected(self.errors)
        created, updated = self._write()
        self.progress(100, "done")
        return ImportResult(ok=True, warnings=self.warnings, created=created, updated=updated, rows=self.rows_read)

    def _rejected(self, errors: list[RowError]) -> ImportResult:
        order = {name: i for i, name in enumerate(EXPORT_ORDER)}
        errors = sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0))
        self.progress(100, "rejected")
        return ImportResult(ok=False, errors=errors, warnings=self.warnings, rows=self.rows_read)

    def progress(self, percent: int, stage: str) -> None:
        if self._progress_callback and (percent, stage) != self._last_progress:
            self._last_progress = (percent, stage)
            self._progress_callback(min(int(percent), 100), stage)

    def error(self, sheet: str, row: int | None, column: str, en: str, km: str) -> None:
        self.errors.append(RowError(sheet, row, column, en, km))

    def _choose_sheets(self, book) -> dict[str, str] | None:
        known = {name_key(name): name for name in BUDGET_SHEETS}
        chosen = {}
        for key, shown_name in book.names.items():
            if key in known:
                chosen[known[key]] = key
            else:
                self.warnings.append(RowError(shown_name, None, "", "Samleng does not know this sheet; it was left "
                                              "out.", "សំឡេងមិនស្គាល់សន្លឹកនេះទេ; វាត្រូវបានរំលង។"))
        if not chosen:
            self.error(self.path.name, None, "", "This workbook has none of the budget workbook's sheets "
                       f"({', '.join(EXPORT_ORDER)}).",
                       f"សៀវភៅបញ្ជីនេះគ្មានសន្លឹកណាមួយនៃសៀវភៅបញ្ជីថវិកាទេ ({', '.join(EXPORT_ORDER)})។")
            return None
        return {name: chosen[name] for name in BUDGET_SHEETS if name in chosen}

    # ---- reading one sheet (the programme import's way: rows as named tuples, cells parsed once per value) ---

    def _read_sheet(self, sheet: sheets.Sheet, rows: Iterator[tuple[int, list]]) -> None:
        present, parsed = sheet_read(sheet, rows, errors=self.errors, warnings=self.warnings)
        self.present[sheet.name], self.rows[sheet.name] = present, parsed
        self.rows_read += len(parsed)

    # ---- units, scope, duplicates ------------------------------------------------------------------------

    def _unit(self, sheet: str, row, column: str = "unit") -> Unit | None:
        raw = getattr(row, column)
        if raw is None:
            return None
        memo_key = (raw.__class__, raw)
        found = self._units.get(memo_key)
        if found is None:
            try:
                found = self._resolve_unit(raw)
            except CellError as error:
                found = error
            self._units[memo_key] = found
        if found.__class__ is CellError:
            self.error(sheet, row.row, column, found.message_en, found.message_km)
            return None
        return found

    def _resolve_unit(self, raw) -> Unit:
        text = normalize(to_latin_digits(shown(raw)))
        if text.lower() in NATIONAL_WORDS:
            return Unit(NATIONAL, None)
        digits = text[:-2] if text.endswith(".0") else text
        if digits.isdigit():
            if len(digits) in (1, 3, 5):  # a spreadsheet dropped the leading zero: 60603 for 060603
                digits = "0" + digits
            level = _UNIT_LEVELS.get(len(digits))
            if level is None:
                if len(digits) == 8:
                    raise CellError(f"{digits} is a village's code; budgets are of communes, districts, provinces "
                                    "or the nation.", f"{to_khmer_digits(digits)} ជាលេខកូដភូមិ; ថវិកាគឺជារបស់ឃុំ ស្រុក "
                                    "ខេត្ត ឬថ្នាក់ជាតិ។")
                raise CellError(f"'{shown(raw)}' is not a unit: write a province's code (2 digits), a district's (4), "
                                "a commune's (6), or national.",
                                f"'{shown(raw)}' មិនមែនជាអង្គភាពទេ៖ សូមសរសេរលេខកូដខេត្ត (២ ខ្ទង់) ស្រុក (៤) ឃុំ (៦) "
                                "ឬ national (ថ្នាក់ជាតិ)។")
            place = self.index.get(digits)
            if place is None or place.level != level:
                what_en, what_km = _LEVEL_WORDS[level]
                raise CellError(f"No {what_en} has the code {digits} in the gazetteer.",
                                f"គ្មាន{what_km}ណាដែលមានលេខកូដ {to_khmer_digits(digits)} ក្នុងបញ្ជីឈ្មោះភូមិសាស្ត្រទេ។")
            return Unit(place.code, place)
        return self._unit_by_name(raw, text)

    def _unit_by_name(self, raw, text: str) -> Unit:
        """A name is safe only when it names one place among all provinces, districts and communes: "Sandan"
        is a district and a commune, so it needs a code."""
        found: list[Place] = []
        for level in (1, 2, 3):
            match = self.index.resolve(text, level=level)
            found.extend([match.place] if match.place else match.candidates)
        if len(found) == 1:
            return Unit(found[0].code, found[0])
        if not found:
            raise CellError(f"No province, district or commune is called '{shown(raw)}'. Write its gazetteer code "
                            "(6 digits for a commune), or national.",
                            f"គ្មានខេត្ត ស្រុក ឬឃុំណាឈ្មោះ '{shown(raw)}' ទេ។ សូមសរសេរលេខកូដរបស់វា (៦ ខ្ទង់សម្រាប់ឃុំ) "
                            "ឬ national (ថ្នាក់ជាតិ)។")
        shown_en = "; ".join(self._label(p, "en") for p in found[:5])
        shown_km = "; ".join(self._label(p, "km") for p in found[:5])
        raise CellError(f"'{shown(raw)}' could be {len(found)} places: {shown_en}. Write the code of the one meant.",
                        f"'{shown(raw)}' អាចជាទីកន្លែងចំនួន {to_khmer_digits(len(found))}៖ {shown_km}។ "
                        "សូមសរសេរលេខកូដនៃទីកន្លែងដែលចង់បាន។")

    def _label(self, place: Place, language: str) -> str:
        above = [getattr(p, f"name_{language}") for p in reversed(self.index.ancestors(place))]
        what = _LEVEL_WORDS[place.level][0 if language == "en" else 1]
        return ", ".join([f"{getattr(place, f'name_{language}')} ({what} {place.code})", *above])

    def _sees_everything(self) -> bool:
        return self.user is None or bool(getattr(self.user, "sees_everything", False))

    def _in_scope(self, sheet: str, row, column: str, unit: Unit) -> bool:
        """Field officers import the units of their provinces, as for programme workbooks (accounts.access,
        asked once per province); the national budget only those who see everything."""
        if self._sees_everything():
            return True
        if unit.code == NATIONAL:
            self.error(sheet, row.row, column, "Only an administrator or an M&E officer may import the national "
                       "budget.", "មានតែអ្នកគ្រប់គ្រង ឬមន្ត្រីតាមដាន និងវាយតម្លៃប៉ុណ្ណោះ ដែលអាចនាំចូលថវិកាជាតិបាន។")
            return False
        province_code = unit.code[:2]
        if province_code not in self._scope:
            province = self.index.get(province_code)
            self._scope[province_code] = can_edit_cbo(self.user, CBO(province_id=province.pk))
        if self._scope[province_code]:
            return True
        self.error(sheet, row.row, column, "You may import budgets of your own provinces only; this unit is outside "
                   "them.", "អ្នកអាចនាំចូលតែថវិកានៃខេត្តរបស់អ្នកប៉ុណ្ណោះ; អង្គភាពនេះនៅក្រៅខេត្តទាំងនោះ។")
        return False

    def _only_those_who_see_everything(self, sheet: str, row, column: str, what_en: str, what_km: str) -> None:
        self.error(sheet, row.row, column, f"Only an administrator or an M&E officer may add or change {what_en}.",
                   f"មានតែអ្នកគ្រប់គ្រង ឬមន្ត្រីតាមដាន និងវាយតម្លៃប៉ុណ្ណោះ ដែលអាចបន្ថែម ឬកែប្រែ{what_km}បាន។")

    def _repeated(self, sheet: str, row, column: str, first: int, what: str) -> None:
        self.error(sheet, row.row, column, f"{what} is already on row {first}; each row must be different.",
                   f"{what} មាននៅជួរទី {to_khmer_digits(first)} រួចហើយ; ជួរនីមួយៗត្រូវតែខុសគ្នា។")

    # ---- categories ---------------------------------------------------------------------------------------

    def _load_categories(self) -> None:
        """What Samleng knows: the defaults, then the stored categories (which may have renamed them)."""
        for default in DEFAULT_CATEGORIES:
            self.categories[default.code] = _KnownCategory(default.code, default.direction, default.parent or None,
                                                           default.name_en, default.name_km, default.kind)
        stored = Category.objects.values_list("code", "direction", "parent__code", "name_en", "name_km", "kind")
        for values in stored:
            self.categories[values[0]] = _KnownCategory(*values)
        self.stored_categories = dict(self.categories)

    def _check_categories(self, sheet, rows) -> None:
        first: dict[str, int] = {}
        mine: dict[str, tuple] = {}
        for row in rows:
            if row.code is None:
                continue
            if row.code in first:
                self._repeated(sheet.name, row, "code", first[row.code], f"The category {row.code}")
                continue
            first[row.code] = row.row
            mine[row.code] = row
        # The workbook's categories join what Samleng knows before the parents are checked: order is free.
        before = self.stored_categories
        for code_, row in mine.items():
            known = before.get(code_)
            # A stored category keeps its direction (changing it is refused below): its lines are judged by it.
            self.categories[code_] = _KnownCategory(
                code_, known.direction if known else (row.direction or ""),
                row.parent if "parent" in self.present[sheet.name] else (known.parent if known else None),
                row.name_en, row.name_km, row.kind)
        records = []
        for code_, row in mine.items():
            known = before.get(code_)
            if known and row.direction and known.direction != row.direction:
                self.error(sheet.name, row.row, "direction", f"The category {code_} is {_a(known.direction)} category; "
                           "its direction cannot change.", f"ប្រភេទ {code_} ជាប្រភេទ{_direction_km(known.direction)}; "
                           "ទិសដៅរបស់វាមិនអាចផ្លាស់ប្តូរបានទេ។")
            self._check_parent(sheet.name, row, code_)
            if not self._sees_everything() and self._category_changes(row, known):
                self._only_those_who_see_everything(sheet.name, row, "code", "categories", "ប្រភេទថវិកា")
            record = {"code": code_, "direction": row.direction, "name_en": row.name_en, "name_km": row.name_km}
            if "parent" in self.present[sheet.name]:
                record["parent"] = row.parent
            if "kind" in self.present[sheet.name]:
                record["kind"] = row.kind
            records.append(record)
        self.records["categories"] = records

    def _category_changes(self, row, known: _KnownCategory | None) -> bool:
        if known is None:
            return True
        present = self.present["categories"]
        return ((row.name_en, row.name_km) != (known.name_en, known.name_km)
                or ("parent" in present and row.parent != known.parent)
                or ("kind" in present and row.kind != known.kind))

    def _check_parent(self, sheet: str, row, code_: str) -> None:
        parent = row.parent
        if not parent:
            return
        found = self.categories.get(parent)
        if found is None:
            self.error(sheet, row.row, "parent", f"No category has the code '{parent}', in the categories sheet or in "
                       "Samleng.", f"គ្មានប្រភេទណាដែលមានលេខកូដ '{parent}' ទេ ទាំងក្នុងសន្លឹក categories ឬក្នុងសំឡេង។")
            return
        if row.direction and found.direction != row.direction:
            self.error(sheet, row.row, "parent", f"The parent {parent} is {_a(found.direction)} category; {code_} is "
                       f"{_a(row.direction)} one: a category and its parent go the same way.",
                       f"ប្រភេទមេ {parent} ជាប្រភេទ{_direction_km(found.direction)}; {code_} ជាប្រភេទ"
                       f"{_direction_km(row.direction)}៖ ប្រភេទមួយ និងប្រភេទមេរបស់វាត្រូវមានទិសដៅដូចគ្នា។")
        seen, current = {code_}, parent
        while current:  # a category cannot be its own ancestor
            if current in seen:
                self.error(sheet, row.row, "parent", f"{code_} would be its own parent's parent: the categories go "
                           "round in a circle.", f"{code_} នឹងក្លាយជាប្រភេទមេនៃប្រភេទមេរបស់ខ្លួន៖ ប្រភេទទាំងនេះវិលជារង្វង់។")
                return
            seen.add(current)
            current = self.categories[current].parent if current in self.categories else None

    def _category(self, raw: str | None) -> _KnownCategory | None:
        """The category a line names: its code, or (when not a code) its exact English or Khmer name."""
        if raw is None:
            return None
        found = self.categories.get(raw)
        if found is None:
            found = self._category_names().get(_name_key(raw))
        return found

    def _category_names(self) -> dict[str, _KnownCategory]:
        if not hasattr(self, "_names"):
            names: dict[str, list] = {}
            for category in self.categories.values():
                for name in {_name_key(category.name_en), _name_key(category.name_km)} - {""}:
                    names.setdefault(name, []).append(category)
            self._names = {name: found[0] for name, found in names.items() if len(found) == 1}
        return self._names

    # ---- budgets -------------------------------------------------------------------------------------------

    def _check_budgets(self, sheet, rows) -> None:
        """500,000 lines at national scale: the checks that depend only on the unit, the category and the
        direction are made once per combination; a unit out of scope is reported on its first row."""
        name = sheet.name
        first: dict[tuple, int] = {}
        checked_units: dict[str, bool] = {}
        fine: set[tuple] = set()
        units, known = self._units, self.categories
        executed, this_year = Phase.EXECUTED.value, self.this_year
        records = []
        for row in rows:
            number, raw_unit, year, phase, direction, raw_category, amount_khr, note = row
            unit = units.get((raw_unit.__class__, raw_unit)) if raw_unit is not None else None
            if unit is None or unit.__class__ is not Unit:
                unit = self._unit(name, row)
            category = known.get(raw_category) if raw_category is not None else None
            if category is None and raw_category is not None:
                category = self._category(raw_category)
            combo = (unit, raw_category, direction)
            if combo not in fine and self._line_is_fine(name, row, unit, category, checked_units):
                fine.add(combo)
            if phase == executed and year is not None and year > this_year:
                self.error(name, number, "phase", f"{year} has not begun: there are no executed figures for it yet.",
                           f"ឆ្នាំ {to_khmer_digits(year)} មិនទាន់ចាប់ផ្តើមទេ៖ មិនទាន់មានតួលេខអនុវត្តសម្រាប់ឆ្នាំនេះនៅឡើយ។")
            if unit is None or category is None or year is None or phase is None or direction is None:
                continue
            key = (unit.code, year, phase, direction, category.code)
            if key in first:
                self._repeated(name, row, "category", first[key], f"The line {unit.code} {year} {phase} {direction} "
                               f"{category.code}")
                continue
            first[key] = number
            records.append((unit.code, unit.place.pk if unit.place else None, year, phase, direction, category.code,
                            amount_khr, note, number))
        self._check_parents_and_children(name, records)
        records.sort(key=lambda r: r[0])  # grouped by unit, as the upsert reads back the stored lines
        self.records[name] = records

    def _line_is_fine(self, name: str, row, unit: Unit | None, category, checked_units: dict) -> bool:
        """The checks of a line that depend on its unit, category and direction only; errors for this row."""
        errors_before = len(self.errors)
        if unit is not None and unit.code not in checked_units:
            checked_units[unit.code] = self._in_scope(name, row, "unit", unit)
        if row.category is not None and category is None:
            self._unknown_category(name, row)
        elif category is not None:
            if row.direction and category.direction != row.direction:
                self.error(name, row.row, "category", f"{category.code} is {_a(category.direction)} category; this "
                           f"line is {row.direction}.", f"{category.code} ជាប្រភេទ{_direction_km(category.direction)}; "
                           f"ជួរនេះជា{_direction_km(row.direction)}។")
            if unit is not None:
                self._check_level(name, row, unit, category)
        return (len(self.errors) == errors_before and unit is not None and category is not None
                and checked_units.get(unit.code, False))

    def _unknown_category(self, sheet: str, row) -> None:
        direction = row.direction
        codes = sorted(c.code for c in self.categories.values() if not direction or c.direction == direction)
        self.error(sheet, row.row, "category", f"No category has the code '{row.category}', in the categories sheet "
                   f"or in Samleng. Known {direction or 'category'} codes: {', '.join(codes)}.",
                   f"គ្មានប្រភេទណាដែលមានលេខកូដ '{row.category}' ទេ ទាំងក្នុងសន្លឹក categories ឬក្នុងសំឡេង។ "
                   f"លេខកូដដែលស្គាល់៖ {', '.join(codes)}។")

    def _check_level(self, sheet: str, row, unit: Unit, category: _KnownCategory) -> None:
        if category.code in NATIONAL_CODES and unit.code != NATIONAL:
            self.error(sheet, row.row, "category", f"{category.code} is a category of the national budget; this unit "
                       f"is {unit.code}.", f"{category.code} ជាប្រភេទនៃថវិកាជាតិ; អង្គភាពនេះគឺ {unit.code}។")
        elif category.code in SUBNATIONAL_CODES and unit.code == NATIONAL:
            self.error(sheet, row.row, "category", f"{category.code} is a category of commune and district budgets, "
                       "not of the national budget (use nat_exp_national and nat_exp_subnational).",
                       f"{category.code} ជាប្រភេទនៃថវិកាឃុំ និងស្រុក មិនមែននៃថវិកាជាតិទេ (សូមប្រើ nat_exp_national "
                       "និង nat_exp_subnational)។")

    def _check_parents_and_children(self, sheet: str, records: list[tuple]) -> None:
        """A parent category's line and its children's lines for the same unit, year, phase and direction
        would count the same money twice: the parent is the sum of its children. Lines on parents are rare:
        only the workbook's and the stored ones are looked at, and the stored children only of the units
        whose parent lines the workbook gives."""
        children: dict[str, set[str]] = {}
        for category in self.categories.values():
            if category.parent:
                children.setdefault(category.parent, set()).add(category.code)
        stored_parents = self._stored_parent_lines(set(children))
        parent_units = {r[0] for r in records if r[5] in children}
        if not parent_units and not stored_parents:
            return
        child_of = {child: parent for parent, kids in children.items() for child in kids}
        stored_children = self._stored_child_lines(parent_units, set(child_of))
        groups: dict[tuple, dict[str, int]] = {}  # (unit, year, phase, direction) -> {category: row}
        for unit, _place, year, phase, direction, category, *_rest, row in records:
            if category in children or category in child_of:
                groups.setdefault((unit, year, phase, direction), {})[category] = row
        for key, lines in groups.items():
            for parent, kids in children.items():
                if parent in lines:
                    both = sorted(kids & (set(lines) | stored_children.get(key, set())))
                    if both:
                        self._parent_and_children(sheet, lines[parent], parent, both)
                elif kids & set(lines) and parent in stored_parents.get(key, ()):
                    child = min(kids & set(lines), key=lines.get)
                    self._parent_and_children(sheet, lines[child], parent, [child], stored_parent=True)

    @staticmethod
    def _stored_parent_lines(parents: set[str]) -> dict[tuple, set[str]]:
        found: dict[tuple, set[str]] = {}
        query = BudgetLine.objects.filter(category__code__in=parents)
        for unit, year, phase, direction, category in query.values_list(
                "unit", "fiscal_year", "phase", "direction", "category__code"):
            found.setdefault((unit, year, phase, direction), set()).add(category)
        return found

    @staticmethod
    def _stored_child_lines(units: set[str], codes: set[str]) -> dict[tuple, set[str]]:
        found: dict[tuple, set[str]] = {}
        units_list = sorted(units)
        for start in range(0, len(units_list), 500):
            query = BudgetLine.objects.filter(unit__in=units_list[start:start + 500], category__code__in=codes)
            for unit, year, phase, direction, category in query.values_list(
                    "unit", "fiscal_year", "phase", "direction", "category__code"):
                found.setdefault((unit, year, phase, direction), set()).add(category)
        return found

    def _parent_and_children(self, sheet: str, row: int, parent: str, kids: list[str], stored_parent=False) -> None:
        if stored_parent:
            en = (f"Samleng already has a line on {parent} for this unit, year and phase: {parent} is the sum of "
                  f"{', '.join(kids)} and the others, so give either the parts or the whole, not both.")
            km = (f"សំឡេងមានជួរ {parent} សម្រាប់អង្គភាព ឆ្នាំ និងដំណាក់កាលនេះរួចហើយ៖ {parent} ជាផលបូកនៃ "
                  f"{', '.join(kids)} និងប្រភេទផ្សេងទៀត ដូច្នេះសូមផ្តល់តែផ្នែកនីមួយៗ ឬតែចំនួនសរុប មិនមែនទាំងពីរទេ។")
        else:
            en = (f"{parent} is the sum of its parts, and this unit, year and phase also has lines on "
                  f"{', '.join(kids)}: give either the parts or the whole, not both (the money would count twice).")
            km = (f"{parent} ជាផលបូកនៃផ្នែករបស់វា ហើយអង្គភាព ឆ្នាំ និងដំណាក់កាលនេះក៏មានជួរ {', '.join(kids)} ដែរ៖ "
                  "សូមផ្តល់តែផ្នែកនីមួយៗ ឬតែចំនួនសរុប មិនមែនទាំងពីរទេ (ប្រាក់នឹងត្រូវរាប់ពីរដង)។")
        self.error(sheet, row, "category", en, km)

    # ---- projects, population, exchange rates ---------------------------------------------------------------

    def _check_projects(self, sheet, rows) -> None:
        name = sheet.name
        first: dict[tuple, int] = {}
        checked_units: dict[str, bool] = {}
        records = []
        for row in rows:
            unit = self._unit(name, row)
            if unit is not None and checked_units.setdefault(unit.code, None) is None:
                checked_units[unit.code] = self._in_scope(name, row, "unit", unit)
            village = None
            if row.village is not None and unit is not None:
                try:
                    village = self.places.resolve(row.village, 4, unit.place)
                except CellError as error:
                    self.error(name, row.row, "village", error.message_en, error.message_km)
            if unit is None or row.fiscal_year is None or row.project_id is None:
                continue
            key = (unit.code, row.fiscal_year, row.project_id)
            if key in first:
                self._repeated(name, row, "project_id", first[key],
                               f"The project {row.project_id} of {unit.code} in {row.fiscal_year}")
                continue
            first[key] = row.row
            record = {"unit": unit.code, "place_id": unit.place.pk if unit.place else None,
                      "fiscal_year": row.fiscal_year, "project_id": row.project_id}
            for column in ("title_en", "title_km", "sector", "cost_khr", "funding_source", "status", "progress_pct"):
                if column in self.present[name]:
                    record[column] = getattr(row, column)
            if "village" in self.present[name]:
                record["village_id"] = village.pk if village else None
            records.append(record)
        records.sort(key=lambda r: r["unit"])
        self.records[name] = records

    def _check_population(self, sheet, rows) -> None:
        name = sheet.name
        first: dict[tuple, int] = {}
        checked_units: dict[str, bool] = {}
        records = []
        for row in rows:
            unit = self._unit(name, row)
            if unit is not None and checked_units.setdefault(unit.code, None) is None:
                checked_units[unit.code] = self._in_scope(name, row, "unit", unit)
            if row.female is not None and row.population is not None and row.female > row.population:
                self.error(name, row.row, "female", f"female ({row.female:,}) is more than the population "
                           f"({row.population:,}).", f"ចំនួនស្ត្រី ({to_khmer_digits(row.female)}) លើសពីចំនួនប្រជាជន "
                           f"({to_khmer_digits(row.population)})។")
            if unit is None or row.year is None:
                continue
            key = (unit.code, row.year)
            if key in first:
                self._repeated(name, row, "year", first[key], f"The population of {unit.code} in {row.year}")
                continue
            first[key] = row.row
            record = {"unit": unit.code, "place_id": unit.place.pk if unit.place else None, "year": row.year,
                      "population": row.population}
            if "female" in self.present[name]:
                record["female"] = row.female
            records.append(record)
        records.sort(key=lambda r: r["unit"])
        self.records[name] = records

    def _check_exchange_rates(self, sheet, rows) -> None:
        name = sheet.name
        first: dict[int, int] = {}
        stored = dict(ExchangeRate.objects.values_list("year", "khr_per_usd"))
        records = []
        for row in rows:
            if row.year is None:
                continue
            if row.year in first:
                self._repeated(name, row, "year", first[row.year], f"The rate of {row.year}")
                continue
            first[row.year] = row.row
            if not self._sees_everything() and row.khr_per_usd is not None and stored.get(row.year) != row.khr_per_usd:
                self._only_those_who_see_everything(name, row, "khr_per_usd", "exchange rates", "អត្រាប្តូរប្រាក់")
            records.append({"year": row.year, "khr_per_usd": row.khr_per_usd})
        self.records[name] = records

    # ---- writing --------------------------------------------------------------------------------------------

    def _write(self) -> tuple[dict[str, int], dict[str, int]]:
        created: dict[str, int] = {}
        updated: dict[str, int] = {}
        user = self.user
        with transaction.atomic():
            self.progress(_READ_SHARE, "writing categories")
            defaults = categories_ensure_defaults(user=user)
            if defaults.created or defaults.updated:
                created["default categories"], updated["default categories"] = defaults.created, defaults.updated
            if "categories" in self.records:
                result = category_upsert_many(user=user, rows=self.records["categories"])
                created["categories"], updated["categories"] = result.created, result.updated
            writers = {"budgets": self._write_budgets, "projects": partial(project_upsert_many, user=user),
                       "population": partial(population_upsert_many, user=user),
                       "exchange_rates": partial(exchange_rate_upsert_many, user=user)}
            for name, write in writers.items():
                if name in self.records:
                    self.progress(_READ_SHARE + 5, f"writing {name}")
                    result = write(rows=self.records[name]) if name != "budgets" else write()
                    created[name], updated[name] = result.created, result.updated
            if self.publish:
                pairs = {(r[0], r[2]) for r in self.records.get("budgets", ())}
                pairs |= {(r["unit"], r["fiscal_year"]) for r in self.records.get("projects", ())}
                result = publication_set_many(user=user, pairs=pairs, published=True)
                created["publications"], updated["publications"] = result.created, result.updated
            audit_record(
                user=user, action=Action.IMPORT, object_type="imports.budget_workbook",
                object_id=self.path.name[:64],
                summary=f"budget workbook {self.path.name}: {sum(created.values())} records created, "
                        f"{sum(updated.values())} updated",
                changes={"created": created, "updated": updated, "rows": self.rows_read},
            )
        return created, updated

    def _write_budgets(self):
        pks = dict(Category.objects.values_list("code", "pk"))
        with_note = "note" in self.present["budgets"]

        def rows():
            for unit, place, year, phase, direction, category, amount_khr, note, _row in self.records["budgets"]:
                record = {"unit": unit, "place_id": place, "fiscal_year": year, "phase": phase,
                          "direction": direction, "category_id": pks[category], "amount_khr": amount_khr}
                if with_note:
                    record["note"] = note
                yield record

        return budget_line_upsert_many(user=self.user, rows=rows())


def _a(direction: str) -> str:
    return f"an {direction}" if direction[:1] in "aeiou" else f"a {direction}"


def _direction_km(direction: str) -> str:
    return DIRECTIONS_KM.get(direction, (direction,))[0]


def _name_key(name: str) -> str:
    return re.sub(r"[\s_\-/'’]+", "", normalize(name or "").lower())
