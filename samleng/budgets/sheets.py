"""The budget workbook (docs/budget-workbook.md, format 1): its sheets, as the workbook engine reads them
(core.workbook), with the rules that check them and the writes through budgets.services.

    BUDGET_KIND = Kind("budget", (CATEGORIES, BUDGETS, PROJECTS, POPULATION, EXCHANGE_RATES), ...)
    result = core.workbook.run.run(BUDGET_KIND, "budget.xlsx", user=request.user, may=..., publish=False)

Rules beyond the cells' own (each has a test in imports/tests/test_budget_import.py):
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
  import the units of their provinces (`run.in_scope`: the permission the caller gives, accounts.access's);
  the national budget, new or changed categories and exchange rates are for those who see everything (rows
  that change nothing pass, so an export can be imported back).

Memory does not grow with the workbook: the budgets sheet (481,000 lines at national scale), projects
(33,000) and population (19,000) are streamed. Their checks keep no row, only what the rules need (for each
unit, year, phase and direction, the categories it has lines on as bits; the rare lines on parent
categories; the hashes of the projects' and population's keys), and their writes read the rows again and
send them to the services in batches. The first row of a repeated key is found by reading the sheet again,
only when there is one. The categories and exchange rates sheets are small: their rows are kept."""

import datetime as dt
import re
from array import array
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext_noop

from samleng.budgets.defaults import DEFAULT_CATEGORIES, NATIONAL_CODES, SUBNATIONAL_CODES
from samleng.budgets.models import (
    NATIONAL,
    BudgetLine,
    Category,
    Direction,
    ExchangeRate,
    Phase,
    Project,
    Revision,
)
from samleng.budgets.services import (
    budget_line_upsert_many,
    categories_ensure_defaults,
    category_upsert_many,
    exchange_rate_upsert_many,
    glossary_upsert_many,
    population_upsert_many,
    project_upsert_many,
    publication_set_many,
    revision_approve_many,
)
from samleng.core.bulk import UpsertResult
from samleng.core.khmer import normalize, to_khmer_digits, to_latin_digits
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, Vocabulary, in_both, shown
from samleng.core.workbook.problems import Message
from samleng.core.workbook.problems import text as both
from samleng.core.workbook.run import ALREADY_ON_ROW, Kind
from samleng.core.workbook.sheets import Column, Sheet, ident, integer, long_text, text, word
from samleng.places.cells import LEVELS, place, place_cells

# ---- vocabularies: the Khmer words people type besides the labels of the pages (input data) -----------------

PHASE_WORDS = {
    "proposed": ("ស្នើសុំ", "គម្រោងថវិកា", "សេចក្តីព្រាង"),
    "approved": ("អនុម័ត", "បានអនុម័ត"),
    "revised": ("កែសម្រួល", "បានកែសម្រួល", "កែតម្រូវ"),
    "executed": ("អនុវត្ត", "បានអនុវត្ត", "ការអនុវត្ត", "ចំណាយជាក់ស្តែង"),
}
DIRECTION_WORDS = {"revenue": ("ចំណូល",), "expenditure": ("ចំណាយ",)}
STATUS_WORDS = {
    "planned": ("គ្រោងទុក", "បានគ្រោងទុក"),
    "ongoing": ("កំពុងអនុវត្ត", "កំពុងដំណើរការ"),
    "completed": ("បានបញ្ចប់", "រួចរាល់", "បញ្ចប់"),
    "cancelled": ("បានលុបចោល", "លុបចោល"),
}
KIND_WORDS = {"economic": ("សេដ្ឋកិច្ច",), "functional": ("មុខងារ",), "administrative": ("រដ្ឋបាល",)}
#: How people write the nation's own budget in the unit column.
NATIONAL_WORDS = ("national", "nation", "ថ្នាក់ជាតិ", "ជាតិ")


@cache
def phases() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("phase"), Phase.choices, synonyms=PHASE_WORDS)


@cache
def directions() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("direction"), Direction.choices, synonyms=DIRECTION_WORDS)


@cache
def statuses() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("status"), Project.Status.choices, synonyms=STATUS_WORDS)


@cache
def kinds() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("kind"), Category.Kind.choices, synonyms=KIND_WORDS)


# ---- messages -------------------------------------------------------------------------------------------------

NOT_A_YEAR = Message("budgets.year", gettext_noop("'%(value)s' is not a year: write the year in digits, as 2024."))
NOT_A_FISCAL_YEAR = Message("budgets.fiscal_year", gettext_noop(
    "%(year)s is not a plausible fiscal year (give one from %(first)s to %(last)s)."))
TOO_LARGE = Message("budgets.too_large", gettext_noop("'%(value)s' is far too large for an amount in riel."))
NEGATIVE = Message("budgets.negative", gettext_noop(
    "'%(value)s' is negative: an amount is never below zero (for a smaller amount, write the smaller amount)."))
OVER_100 = Message("budgets.percent", gettext_noop(
    "%(value)s is more than 100: progress is a percentage, from 0 to 100."))
NOBODY = Message("budgets.population_zero", gettext_noop("The population cannot be 0."))
NOT_A_RATE = Message("budgets.rate", gettext_noop(
    "'%(value)s' is not a rate: give the riels one US dollar buys, more than 0 (about 4,000)."))
VILLAGE_CODE = Message("budgets.village_code", gettext_noop(
    "%(code)s is a village's code; budgets are of communes, districts, provinces or the nation."))
NOT_A_UNIT = Message("budgets.unit", gettext_noop(
    "'%(value)s' is not a unit: write a province's code (2 digits), a district's (4), a commune's (6), or "
    "national."))
NO_SUCH_CODE = Message("budgets.unit_code", gettext_noop("No %(level)s has the code %(code)s in the gazetteer."))
NO_SUCH_UNIT = Message("budgets.unit_name", gettext_noop(
    "No province, district or commune is called '%(value)s'. Write its gazetteer code (6 digits for a "
    "commune), or national."))
AMBIGUOUS_UNIT = Message("budgets.unit_ambiguous", gettext_noop(
    "'%(value)s' could be %(count)s places: %(places)s. Write the code of the one meant."))
NATIONAL_ONLY = Message("budgets.national_scope", gettext_noop(
    "Only an administrator or an M&E officer may import the national budget."))
OUT_OF_SCOPE = Message("budgets.scope", gettext_noop(
    "You may import budgets of your own provinces only; this unit is outside them."))
ONLY_CATEGORIES = Message("budgets.categories_scope", gettext_noop(
    "Only an administrator or an M&E officer may add or change categories."))
ONLY_RATES = Message("budgets.rates_scope", gettext_noop(
    "Only an administrator or an M&E officer may add or change exchange rates."))
DIRECTION_FIXED = Message("budgets.direction_fixed", gettext_noop(
    "The category %(code)s is %(direction)s category; its direction cannot change."))
UNKNOWN_PARENT = Message("budgets.unknown_parent", gettext_noop(
    "No category has the code '%(value)s', in the categories sheet or in Samleng."))
PARENT_DIRECTION = Message("budgets.parent_direction", gettext_noop(
    "The parent %(parent)s is %(parent_direction)s category; %(code)s is %(direction)s one: a category and its "
    "parent go the same way."))
CIRCLE = Message("budgets.circle", gettext_noop(
    "%(code)s would be its own parent's parent: the categories go round in a circle."))
UNKNOWN_CATEGORY = Message("budgets.unknown_category", gettext_noop(
    "No category has the code '%(value)s', in the categories sheet or in Samleng. Known %(direction)s codes: "
    "%(codes)s."))
WRONG_DIRECTION = Message("budgets.line_direction", gettext_noop(
    "%(code)s is %(category_direction)s category; this line is %(direction)s."))
NATIONAL_CATEGORY = Message("budgets.national_category", gettext_noop(
    "%(code)s is a category of the national budget; this unit is %(unit)s."))
SUBNATIONAL_CATEGORY = Message("budgets.subnational_category", gettext_noop(
    "%(code)s is a category of commune and district budgets, not of the national budget (use nat_exp_national "
    "and nat_exp_subnational)."))
PARENT_AND_CHILDREN = Message("budgets.parent_and_children", gettext_noop(
    "%(parent)s is the sum of its parts, and this unit, year and phase also has lines on %(children)s: give "
    "either the parts or the whole, not both (the money would count twice)."))
STORED_PARENT = Message("budgets.stored_parent", gettext_noop(
    "Samleng already has a line on %(parent)s for this unit, year and phase: %(parent)s is the sum of "
    "%(children)s and the others, so give either the parts or the whole, not both."))
NOT_BEGUN = Message("budgets.not_begun", gettext_noop(
    "%(year)s has not begun: there are no executed figures for it yet."))
MORE_WOMEN = Message("budgets.female", gettext_noop(
    "female (%(female)s) is more than the population (%(population)s)."))
HELD = Message("budgets.held", gettext_noop(
    "Budget years already published that this workbook changes: %(count)s. Their changes wait for an "
    "administrator or an M&E officer to approve them; until then the public pages show the published figures."))
CATEGORY = gettext_noop("category")

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
        raise CellError(NOT_A_YEAR, value=shown(raw))
    year = int(float(value))
    last = dt.date.today().year + YEARS_AHEAD
    if not FIRST_FISCAL_YEAR <= year <= last:
        raise CellError(NOT_A_FISCAL_YEAR, year=year, first=FIRST_FISCAL_YEAR, last=last)
    return year


def amount(raw) -> int:
    """An amount in riel: a whole number, zero or more; Khmer digits, thousands separators and a riel sign
    accepted. Fractions of a riel (a spreadsheet's formula) are rounded."""
    if raw.__class__ is str and raw.isdecimal():  # the common case, Latin or Khmer digits: no more work
        value = int(raw)
    elif isinstance(raw, bool):
        raise CellError(cells.NOT_A_NUMBER, value=str(raw))
    elif isinstance(raw, (int, float)):
        if raw < 0:
            raise CellError(NEGATIVE, value=shown(raw))
        value = int(cells.decimal(raw, places=0))
    else:
        typed = _CURRENCY.sub("", str(raw).strip())
        if typed.startswith(_MINUS):
            raise CellError(NEGATIVE, value=shown(raw))
        value = int(cells.decimal(typed, places=0))
    if value > MAX_AMOUNT:
        raise CellError(TOO_LARGE, value=shown(raw))
    return value


def percent(raw) -> int:
    if isinstance(raw, float) and 0 < raw < 1:  # a cell formatted as a percentage: 45% is 0.45
        raw = round(raw * 100, 6)
    value = cells.integer(shown(raw).rstrip("%").strip() if isinstance(raw, str) else raw)
    if value > 100:
        raise CellError(OVER_100, value=value)
    return value


def positive(raw) -> int:
    value = cells.integer(raw)
    if value == 0:
        raise CellError(NOBODY)
    return value


def khr_per_usd(raw) -> Decimal:
    value = cells.decimal(raw, places=2)
    if value <= 0:
        raise CellError(NOT_A_RATE, value=shown(raw))
    return value


def code(raw) -> str:
    """A category code: the same whatever its case (`REV_CSF` is `rev_csf`)."""
    return cells.ident(raw, max_length=40).lower()


def category_cell(raw) -> str:
    """A line's category: its code (any case), or its English or Khmer name, resolved in the checks."""
    return cells.text(raw, 200).lower()


# ---- units and scope ------------------------------------------------------------------------------------------

Unit = namedtuple("Unit", "code place")  # place is None for the nation
_UNIT_LEVELS = {2: 1, 4: 2, 6: 3}  # code length -> gazetteer level


def _units(run) -> dict:
    """The run's units by raw cell (a Unit, or the CellError that cell gets)."""
    return run.state.setdefault("budgets.units", {})


def _unit_of(run, sheet: str, row, column: str = "unit") -> Unit | None:
    raw = getattr(row, column)
    if raw is None:
        return None
    units = _units(run)
    memo_key = (raw.__class__, raw)
    found = units.get(memo_key)
    if found is None:
        try:
            found = _resolve_unit(run, raw)
        except CellError as error:
            found = error
        units[memo_key] = found
    if found.__class__ is CellError:
        run.error(sheet, row.row, column, found.message, **found.params)
        return None
    return found


def _resolve_unit(run, raw) -> Unit:
    index = place_cells(run).index
    typed = normalize(to_latin_digits(shown(raw)))
    if typed.lower() in NATIONAL_WORDS:
        return Unit(NATIONAL, None)
    digits = typed[:-2] if typed.endswith(".0") else typed
    if digits.isdigit():
        if len(digits) in (1, 3, 5):  # a spreadsheet dropped the leading zero: 60603 for 060603
            digits = "0" + digits
        level = _UNIT_LEVELS.get(len(digits))
        if level is None:
            if len(digits) == 8:
                raise CellError(VILLAGE_CODE, code=both(digits, to_khmer_digits(digits)))
            raise CellError(NOT_A_UNIT, value=shown(raw))
        found = index.get(digits)
        if found is None or found.level != level:
            raise CellError(NO_SUCH_CODE, level=in_both(LEVELS[level]), code=both(digits, to_khmer_digits(digits)))
        return Unit(found.code, found)
    return _unit_by_name(run, raw, typed)


def _unit_by_name(run, raw, typed: str) -> Unit:
    """A name is safe only when it names one place among all provinces, districts and communes: "Sandan"
    is a district and a commune, so it needs a code."""
    index = place_cells(run).index
    found = []
    for level in (1, 2, 3):
        match = index.resolve(typed, level=level)
        found.extend([match.place] if match.place else match.candidates)
    if len(found) == 1:
        return Unit(found[0].code, found[0])
    if not found:
        raise CellError(NO_SUCH_UNIT, value=shown(raw))
    labels = [_label(index, p) for p in found[:5]]
    raise CellError(AMBIGUOUS_UNIT, value=shown(raw), count=len(found),
                    places=both("; ".join(x["en"] for x in labels), "; ".join(x["km"] for x in labels)))


def _label(index, found) -> dict:
    what = in_both(LEVELS[found.level])
    above = list(reversed(index.ancestors(found)))
    return {language: ", ".join([f"{getattr(found, f'name_{language}')} ({what[language]} {found.code})",
                                 *(getattr(p, f"name_{language}") for p in above)]) for language in ("en", "km")}


def _in_scope(run, sheet: str, row, column: str, unit: Unit) -> bool:
    """Field officers import the units of their provinces, as for programme workbooks (the run's permission,
    asked once per province); the national budget only those who see everything."""
    if not run.restricted:
        return True
    if unit.code == NATIONAL:
        run.error(sheet, row.row, column, NATIONAL_ONLY)
        return False
    province = place_cells(run).index.get(unit.code[:2])
    return run.in_scope(sheet, row, column, province.pk if province else None, message=OUT_OF_SCOPE)


def _repeated(run, sheet: str, row, column: str, first: int, what: str) -> None:
    run.error(sheet, row.row, column, ALREADY_ON_ROW, what=what, first=first)


# ---- categories ---------------------------------------------------------------------------------------------


@dataclass
class KnownCategory:
    code: str
    direction: str
    parent: str | None
    name_en: str = ""
    name_km: str = ""
    kind: str = ""


def _known(run) -> dict[str, KnownCategory]:
    """What Samleng knows: the defaults, then the stored categories (which may have renamed them); the
    categories sheet's join them when it is checked."""
    known = run.state.get("budgets.categories")
    if known is None:
        known = {}
        for default in DEFAULT_CATEGORIES:
            known[default.code] = KnownCategory(default.code, default.direction, default.parent or None,
                                                default.name_en, default.name_km, default.kind)
        for values in Category.objects.values_list("code", "direction", "parent__code", "name_en", "name_km",
                                                   "kind"):
            known[values[0]] = KnownCategory(*values)
        run.state["budgets.categories"] = known
        run.state["budgets.stored_categories"] = dict(known)
    return known


def _a(direction: str) -> dict:
    """"a revenue" / "an expenditure", and the direction's Khmer word, as a message parameter."""
    english = f"an {direction}" if direction[:1] in "aeiou" else f"a {direction}"
    return both(english, _direction_words(direction)["km"])


def _direction_words(direction: str) -> dict:
    vocabulary = directions()
    return both(direction, vocabulary.khmer[direction][0] if direction in vocabulary.khmer else direction)


def _check_categories(run, sheet, rows) -> None:
    name = sheet.name
    present = run.present[name]
    _known(run)
    before = run.state["budgets.stored_categories"]
    first: dict[str, int] = {}
    mine: dict[str, tuple] = {}
    for row in rows:
        if row.code is None:
            continue
        if row.code in first:
            _repeated(run, name, row, "code", first[row.code], f"The category {row.code}")
            continue
        first[row.code] = row.row
        mine[row.code] = row
    # The workbook's categories join what Samleng knows before the parents are checked: order is free.
    known = _known(run)
    for code_, row in mine.items():
        stored = before.get(code_)
        # A stored category keeps its direction (changing it is refused below): its lines are judged by it.
        known[code_] = KnownCategory(
            code_, stored.direction if stored else (row.direction or ""),
            row.parent if "parent" in present else (stored.parent if stored else None),
            row.name_en, row.name_km, row.kind)
    records = []
    for code_, row in mine.items():
        stored = before.get(code_)
        if stored and row.direction and stored.direction != row.direction:
            run.error(name, row.row, "direction", DIRECTION_FIXED, code=code_, direction=_a(stored.direction))
        _check_parent(run, name, row, code_, known)
        if run.restricted and _category_changes(row, stored, present):
            run.error(name, row.row, "code", ONLY_CATEGORIES)
        record = {"code": code_, "direction": row.direction, "name_en": row.name_en, "name_km": row.name_km}
        if "parent" in present:
            record["parent"] = row.parent
        if "kind" in present:
            record["kind"] = row.kind
        records.append(record)
    run.records[name] = records


def _category_changes(row, stored: KnownCategory | None, present: set[str]) -> bool:
    if stored is None:
        return True
    return ((row.name_en, row.name_km) != (stored.name_en, stored.name_km)
            or ("parent" in present and row.parent != stored.parent)
            or ("kind" in present and row.kind != stored.kind))


def _check_parent(run, sheet: str, row, code_: str, known: dict[str, KnownCategory]) -> None:
    parent = row.parent
    if not parent:
        return
    found = known.get(parent)
    if found is None:
        run.error(sheet, row.row, "parent", UNKNOWN_PARENT, value=parent)
        return
    if row.direction and found.direction != row.direction:
        run.error(sheet, row.row, "parent", PARENT_DIRECTION, parent=parent, parent_direction=_a(found.direction),
                  code=code_, direction=_a(row.direction))
    seen, current = {code_}, parent
    while current:  # a category cannot be its own ancestor
        if current in seen:
            run.error(sheet, row.row, "parent", CIRCLE, code=code_)
            return
        seen.add(current)
        current = known[current].parent if current in known else None


def _category(run, raw: str | None) -> KnownCategory | None:
    """The category a line names: its code, or (when not a code) its exact English or Khmer name."""
    if raw is None:
        return None
    found = _known(run).get(raw)
    if found is None:
        found = _category_names(run).get(_name_key(raw))
    return found


def _category_names(run) -> dict[str, KnownCategory]:
    names_found = run.state.get("budgets.category_names")
    if names_found is None:
        names: dict[str, list] = {}
        for category in _known(run).values():
            for name in {_name_key(category.name_en), _name_key(category.name_km)} - {""}:
                names.setdefault(name, []).append(category)
        names_found = run.state["budgets.category_names"] = {
            name: found[0] for name, found in names.items() if len(found) == 1}
    return names_found


def _name_key(name: str) -> str:
    return re.sub(r"[\s_\-/'’]+", "", normalize(name or "").lower())


def _defaults(run) -> UpsertResult:
    """The default categories, written once per import before anything that refers to them."""
    result = run.state.get("budgets.defaults")
    if result is None:
        result = run.state["budgets.defaults"] = categories_ensure_defaults(user=run.user)
    return result


def _write_categories(run) -> UpsertResult:
    _defaults(run)
    return category_upsert_many(user=run.user, rows=run.records["categories"])


# ---- budgets (streamed) ---------------------------------------------------------------------------------------


class _Lines:
    """Which lines the budgets sheet gives, in little memory: for each unit an array of 64-bit words, a run
    of `words` words per (year, phase, direction) whose bits are the categories with a line (bit i: the
    i-th of `codes`). 115,000 (unit, year, phase, direction) of a national workbook take 2 MB so, where
    tuples in a dict would take 20."""

    _PHASES = {value: i for i, value in enumerate(Phase.values)}
    _DIRECTIONS = {value: i for i, value in enumerate(Direction.values)}
    _SLOTS = len(_PHASES) * len(_DIRECTIONS)

    def __init__(self, codes: list[str]):
        self.position = {code_: i for i, code_ in enumerate(codes)}
        self.words = max(1, -(-len(codes) // 64))
        self.years: dict[int, int] = {}
        self.units: dict[str, array] = {}

    def _start(self, group: tuple) -> int | None:
        _unit, year, phase, direction = group
        year_index = self.years.get(year)
        if year_index is None:
            return None
        return ((year_index * len(self._PHASES) + self._PHASES[phase]) * len(self._DIRECTIONS)
                + self._DIRECTIONS[direction]) * self.words

    def add(self, group: tuple, code_: str) -> bool:
        """Note the line; False when the group has a line on that category already."""
        if group[1] not in self.years:
            self.years[group[1]] = len(self.years)
        start = self._start(group)
        words = self.units.get(group[0])
        if words is None:
            words = self.units[group[0]] = array("Q")
        if len(words) < start + self.words:
            words.frombytes(bytes(8 * (len(self.years) * self._SLOTS * self.words - len(words))))
        position = self.position[code_]
        index, bit = start + position // 64, 1 << (position % 64)
        if words[index] & bit:
            return False
        words[index] |= bit
        return True

    def mask(self, group: tuple) -> int:
        """The categories with a line in the group, as the bits of one int (0 for none)."""
        start, words = self._start(group), self.units.get(group[0])
        if start is None or words is None or len(words) < start + self.words:
            return 0
        return sum(words[start + k] << (64 * k) for k in range(self.words))


def _check_budgets(run, sheet, rows) -> None:
    """500,000 lines at national scale, read once and not kept. The checks that depend only on the category,
    the direction and whether the unit is the nation are made once per combination; a unit's scope once per
    unit (reported on its first row). What stays in memory: which categories each (unit, year, phase,
    direction) has lines on (`_Lines`: repeated lines, and a parent's line beside its children's, are found
    with it), the rows of the rare lines on parent categories, and the repeated lines (errors). The first
    row of a repeated line is found by reading the sheet again: only when something is wrong."""
    name = sheet.name
    known = _known(run)
    lines = _Lines(list(known))
    parents = {c.parent for c in known.values() if c.parent}
    units = _units(run)
    problems = run.problems
    checked_units: dict[str, bool] = {}
    fine: set[tuple] = set()
    parent_lines: dict[tuple, dict[str, int]] = {}  # (unit, year, phase, direction) -> {parent category: row}
    repeated: list[tuple[int, tuple, str]] = []  # (row, (unit, year, phase, direction), category) given twice
    executed, this_year = Phase.EXECUTED.value, run.today.year
    for row in rows:
        number, raw_unit, year, phase, direction, raw_category, _amount_khr, _note = row
        unit = units.get((raw_unit.__class__, raw_unit)) if raw_unit is not None else None
        if unit is None or unit.__class__ is not Unit:
            unit = _unit_of(run, name, row)
        category = known.get(raw_category) if raw_category is not None else None
        if category is None and raw_category is not None:
            category = _category(run, raw_category)
        if unit is not None and unit.code not in checked_units:
            checked_units[unit.code] = _in_scope(run, name, row, "unit", unit)
        combo = (unit.code == NATIONAL, raw_category, direction) if unit is not None else None
        if combo is None or combo not in fine:
            errors_before = problems.error_count
            _check_line(run, name, row, unit, category)
            if combo is not None and category is not None and problems.error_count == errors_before:
                fine.add(combo)
        if phase == executed and year is not None and year > this_year:
            run.error(name, number, "phase", NOT_BEGUN, year=year)
        if unit is None or category is None or year is None or phase is None or direction is None:
            continue
        group = (unit.code, year, phase, direction)
        if not lines.add(group, category.code):
            repeated.append((number, group, category.code))
            continue
        if category.code in parents:
            parent_lines.setdefault(group, {})[category.code] = number
    conflicts = _parents_and_children(run, lines, parent_lines)
    wanted = {(group, code_) for _number, group, code_ in repeated}
    wanted |= {(group, kid) for group, _parent, kids in conflicts["stored"] for kid in kids}
    first_rows = _first_rows(run, name, wanted, _line_key) if wanted else {}
    for number, group, code_ in repeated:
        unit_code, year, phase, direction = group
        run.error(name, number, "category", ALREADY_ON_ROW, first=first_rows.get((group, code_), 0),
                  what=f"The line {unit_code} {year} {phase} {direction} {code_}")
    for row_number, parent, kids in conflicts["workbook"]:
        run.error(name, row_number, "category", PARENT_AND_CHILDREN, parent=parent, children=", ".join(kids))
    for group, parent, kids in conflicts["stored"]:
        child = min(kids, key=lambda kid: first_rows.get((group, kid), 0))
        run.error(name, first_rows.get((group, child)), "category", STORED_PARENT, parent=parent, children=child)


def _check_line(run, name: str, row, unit: Unit | None, category: KnownCategory | None) -> None:
    """The checks of a line that depend on its category, its direction and its unit's level."""
    if row.category is not None and category is None:
        direction = row.direction
        codes = sorted(c.code for c in _known(run).values() if not direction or c.direction == direction)
        run.error(name, row.row, "category", UNKNOWN_CATEGORY, value=row.category,
                  direction=_direction_words(direction) if direction else in_both(CATEGORY), codes=", ".join(codes))
    elif category is not None:
        if row.direction and category.direction != row.direction:
            run.error(name, row.row, "category", WRONG_DIRECTION, code=category.code,
                      category_direction=_a(category.direction), direction=_direction_words(row.direction))
        if unit is not None:
            if category.code in NATIONAL_CODES and unit.code != NATIONAL:
                run.error(name, row.row, "category", NATIONAL_CATEGORY, code=category.code, unit=unit.code)
            elif category.code in SUBNATIONAL_CODES and unit.code == NATIONAL:
                run.error(name, row.row, "category", SUBNATIONAL_CATEGORY, code=category.code)


def _parents_and_children(run, lines: _Lines, parent_lines: dict) -> dict[str, list]:
    """A parent category's line and its children's lines for the same unit, year, phase and direction
    would count the same money twice: the parent is the sum of its children. Lines on parents are rare:
    only the workbook's and the stored ones are looked at, and the stored children only of the units
    whose parent lines the workbook gives. Returns the conflicts: "workbook" (row of the parent's line,
    parent, children) and "stored" (group, parent, its children with a line in the group: their first row
    is found by reading the sheet again)."""
    conflicts: dict[str, list] = {"workbook": [], "stored": []}
    children: dict[str, set[str]] = {}
    for category in _known(run).values():
        if category.parent:
            children.setdefault(category.parent, set()).add(category.code)
    stored_parents = _stored_lines(None, set(children))
    parent_units = {group[0] for group in parent_lines}
    if not parent_units and not stored_parents:
        return conflicts
    child_codes = {child for kids in children.values() for child in kids}
    stored_children = _stored_lines(parent_units, child_codes) if parent_units else {}
    kid_bits = {parent: [(kid, 1 << lines.position[kid]) for kid in sorted(kids) if kid in lines.position]
                for parent, kids in children.items()}
    kid_masks = {parent: sum(bit for _kid, bit in kids) for parent, kids in kid_bits.items()}
    for group in {*parent_lines, *stored_parents}:
        mask = lines.mask(group)
        given_parents = parent_lines.get(group, {})
        for parent, kids in kid_bits.items():
            if parent in given_parents:
                given = {kid for kid, bit in kids if mask & bit}
                given |= stored_children.get(group, set()) & children[parent]
                if given:
                    conflicts["workbook"].append((given_parents[parent], parent, sorted(given)))
            elif mask & kid_masks[parent] and parent in stored_parents.get(group, ()):
                conflicts["stored"].append((group, parent, [kid for kid, bit in kids if mask & bit]))
    return conflicts


def _stored_lines(units: set[str] | None, codes: set[str]) -> dict[tuple, set[str]]:
    """The categories among `codes` of the stored lines (of `units`, or all), by (unit, year, phase,
    direction)."""
    found: dict[tuple, set[str]] = {}
    if not codes:
        return found
    queries = [BudgetLine.objects.filter(category__code__in=codes)]
    if units is not None:
        units_list = sorted(units)
        queries = [queries[0].filter(unit__in=units_list[start:start + 500])
                   for start in range(0, len(units_list), 500)]
    for query in queries:
        for unit, year, phase, direction, category in query.values_list(
                "unit", "fiscal_year", "phase", "direction", "category__code"):
            found.setdefault((unit, year, phase, direction), set()).add(category)
    return found


def _resolved_unit(run, row) -> Unit | None:
    """The unit the check resolved for a row (None when its cell has an error: the check reported it)."""
    raw = row.unit
    unit = _units(run).get((raw.__class__, raw)) if raw is not None else None
    return unit if unit.__class__ is Unit else None


def _line_key(run, row) -> tuple[tuple, str] | None:
    """A line's (unit, year, phase, direction) and category code, as the check resolved them."""
    unit = _resolved_unit(run, row)
    category = _category(run, row.category)
    if unit is None or category is None or None in (row.fiscal_year, row.phase, row.direction):
        return None
    return (unit.code, row.fiscal_year, row.phase, row.direction), category.code


def _first_rows(run, name: str, wanted: set, key_of) -> dict:
    """The first row of each key `wanted` (`key_of(run, row)` says a row's), found by reading the sheet
    again: only when something is wrong."""
    found = {}
    for row in run.stream(name):
        key = key_of(run, row)
        if key in wanted and key not in found:
            found[key] = row.row
            if len(found) == len(wanted):
                break
    return found


def _publish_pairs(run) -> set:
    """The (unit, year) pairs the budgets and projects sheets write, for `publish`."""
    return run.state.setdefault("budgets.pairs", set())


def _write_budgets(run) -> UpsertResult:
    """The lines, read again from the workbook and written in batches (grouped by unit as the sheet gives
    them)."""
    _defaults(run)
    pks = dict(Category.objects.values_list("code", "pk"))
    with_note = "note" in run.present["budgets"]
    pairs = _publish_pairs(run) if run.options.get("publish") else None
    units = {raw: (unit.code, unit.place.pk if unit.place else None) for raw, unit in _units(run).items()
             if unit.__class__ is Unit}
    categories: dict[str, int] = {}  # the cell -> the category's primary key

    def records():
        for _number, raw_unit, year, phase, direction, raw_category, amount_khr, note in run.stream("budgets"):
            unit, place_id = units[(raw_unit.__class__, raw_unit)]
            category_id = categories.get(raw_category)
            if category_id is None:
                category_id = categories[raw_category] = pks[_category(run, raw_category).code]
            if pairs is not None:
                pairs.add((unit, year))
            record = {"unit": unit, "place_id": place_id, "fiscal_year": year, "phase": phase,
                      "direction": direction, "category_id": category_id, "amount_khr": amount_khr}
            if with_note:
                record["note"] = note
            yield record

    return _noted(run, budget_line_upsert_many(user=run.user, rows=records()))


def _noted(run, result):
    """The result of a write, its unit-years held for approval noted for `budgets_after_write`."""
    run.state.setdefault("budgets.held", set()).update(result.held_pairs)
    return result


# ---- projects and population (streamed), exchange rates ---------------------------------------------------------


class _Keys:
    """The keys a streamed sheet has given, in little memory: the hash of each. A hash seen before is a
    repeated row, or (rarely) two keys with one hash: `report` tells them apart by reading the sheet again,
    which happens only when something is wrong."""

    def __init__(self):
        self.seen: set[int] = set()
        self.again: list[tuple[int, tuple]] = []  # (row, key) whose hash was seen before

    def add(self, number: int, key: tuple) -> None:
        hashed = hash(key)
        if hashed in self.seen:
            self.again.append((number, key))
        else:
            self.seen.add(hashed)

    def report(self, run, sheet: str, column: str, key_of, what) -> None:
        """An error on each repeated row, naming the first; `key_of(run, row)` gives a row's key, `what(key)`
        names it."""
        if not self.again:
            return
        first = _first_rows(run, sheet, {key for _number, key in self.again}, key_of)
        for number, key in self.again:
            if first.get(key, number) < number:
                run.error(sheet, number, column, ALREADY_ON_ROW, what=what(key), first=first[key])


_PROJECT_COLUMNS = ("title_en", "title_km", "sector", "cost_khr", "funding_source", "status", "progress_pct")


def _village(run, raw, unit: Unit):
    """The village of a project, inside its unit (CellError when not). A village's code, what exports and
    most workbooks give, is looked up directly: remembering 33,000 of them would cost memory for nothing."""
    resolver = place_cells(run)
    if raw.__class__ is str and len(raw) == 8 and raw.isascii() and raw.isdigit():
        found = resolver.index.get(raw)
        if found is not None and found.level == 4 and resolver.index.within(
                found, unit.place.code if unit.place else None):
            return found
    return resolver.resolve(raw, 4, unit.place)


def _project_key(run, row) -> tuple | None:
    unit = _resolved_unit(run, row)
    if unit is None or row.fiscal_year is None or row.project_id is None:
        return None
    return (unit.code, row.fiscal_year, row.project_id)


def _scoped_unit(run, name: str, row, checked_units: dict[str, bool]):
    """The row's unit, its scope checked on the first row of each unit."""
    unit = _unit_of(run, name, row)
    if unit is not None and unit.code not in checked_units:
        checked_units[unit.code] = _in_scope(run, name, row, "unit", unit)
    return unit


def _check_projects(run, sheet, rows) -> None:
    """33,000 projects at national scale: streamed, as the budget lines are; their keys kept as hashes."""
    name = sheet.name
    checked_units: dict[str, bool] = {}
    keys = _Keys()
    for row in rows:
        unit = _scoped_unit(run, name, row, checked_units)
        if row.village is not None and unit is not None:
            try:
                _village(run, row.village, unit)
            except CellError as error:
                run.error(name, row.row, "village", error.message, **error.params)
        if unit is None or row.fiscal_year is None or row.project_id is None:
            continue
        keys.add(row.row, (unit.code, row.fiscal_year, row.project_id))
    keys.report(run, name, "project_id", _project_key, lambda key: f"The project {key[2]} of {key[0]} in {key[1]}")


def _write_projects(run) -> UpsertResult:
    present = run.present["projects"]
    columns = [c for c in _PROJECT_COLUMNS if c in present]
    with_village = "village" in present
    pairs = _publish_pairs(run) if run.options.get("publish") else None

    def records():
        for row in run.stream("projects"):
            unit = _resolved_unit(run, row)
            if pairs is not None:
                pairs.add((unit.code, row.fiscal_year))
            values = {"unit": unit.code, "place_id": unit.place.pk if unit.place else None,
                      "fiscal_year": row.fiscal_year, "project_id": row.project_id}
            for column in columns:
                values[column] = getattr(row, column)
            if with_village:
                values["village_id"] = _village(run, row.village, unit).pk if row.village is not None else None
            yield values

    return _noted(run, project_upsert_many(user=run.user, rows=records()))


def _population_key(run, row) -> tuple | None:
    unit = _resolved_unit(run, row)
    return None if unit is None or row.year is None else (unit.code, row.year)


def _check_population(run, sheet, rows) -> None:
    """Streamed too (19,000 rows at national scale)."""
    name = sheet.name
    checked_units: dict[str, bool] = {}
    keys = _Keys()
    for row in rows:
        unit = _scoped_unit(run, name, row, checked_units)
        if row.female is not None and row.population is not None and row.female > row.population:
            run.error(name, row.row, "female", MORE_WOMEN, female=both(f"{row.female:,}", to_khmer_digits(row.female)),
                      population=both(f"{row.population:,}", to_khmer_digits(row.population)))
        if unit is None or row.year is None:
            continue
        keys.add(row.row, (unit.code, row.year))
    keys.report(run, name, "year", _population_key, lambda key: f"The population of {key[0]} in {key[1]}")


def _write_population(run) -> UpsertResult:
    with_female = "female" in run.present["population"]

    def records():
        for row in run.stream("population"):
            unit = _resolved_unit(run, row)
            record = {"unit": unit.code, "place_id": unit.place.pk if unit.place else None, "year": row.year,
                      "population": row.population}
            if with_female:
                record["female"] = row.female
            yield record

    return population_upsert_many(user=run.user, rows=records())


def _check_exchange_rates(run, sheet, rows) -> None:
    name = sheet.name
    first: dict[int, int] = {}
    stored = run.db("budgets.rates", lambda: dict(ExchangeRate.objects.values_list("year", "khr_per_usd")))
    records = []
    for row in rows:
        if row.year is None:
            continue
        if row.year in first:
            _repeated(run, name, row, "year", first[row.year], f"The rate of {row.year}")
            continue
        first[row.year] = row.row
        if run.restricted and row.khr_per_usd is not None and stored.get(row.year) != row.khr_per_usd:
            run.error(name, row.row, "khr_per_usd", ONLY_RATES)
        records.append({"year": row.year, "khr_per_usd": row.khr_per_usd})
    run.records[name] = records


def _write_exchange_rates(run) -> UpsertResult:
    return exchange_rate_upsert_many(user=run.user, rows=run.records["exchange_rates"])


# ---- the sheets ------------------------------------------------------------------------------------------------

UNIT_HELP = gettext_noop("The budget's unit: a gazetteer code (2 digits for a province, 4 for a district, 6 for a "
                         "commune, for example 060603) or national.")
AMOUNT_HELP = gettext_noop("An amount in riels, a whole number, not negative (for example 471200000).")
YEAR_HELP = gettext_noop("A year in digits, from 1990 to five years ahead (for example 2024).")


def _unit(required: bool = True) -> Column:
    return Column("unit", None, required, help=UNIT_HELP)  # resolved in the checks, once per distinct cell


def _year(name: str) -> Column:
    return Column(name, fiscal_year, True, help=YEAR_HELP)


def _amount(name: str) -> Column:
    return Column(name, amount, True, memo=False, help=AMOUNT_HELP)


BUDGETS = Sheet("budgets", (
    _unit(), _year("fiscal_year"), word("phase", phases, True), word("direction", directions, True),
    Column("category", category_cell, True, help=gettext_noop(
        "A category code (for example rev_csf), from the categories sheet or Samleng's default categories; its "
        "exact English or Khmer name works too.")),
    _amount("amount_khr"), text("note", 500),
), key=("unit", "fiscal_year", "phase", "direction", "category"), streamed=True,
    check=_check_budgets, write=_write_budgets,
    help=gettext_noop("The amounts of each unit's budget: one line per unit, year, phase, direction and category."))

CATEGORIES = Sheet("categories", (
    Column("code", code, True, help=gettext_noop(
        "The category's code, in letters, digits and _ (for example exp_dev_youth); its case does not matter.")),
    word("direction", directions, True), text("name_en", 200, True), text("name_km", 200, True),
    Column("parent", code, help=gettext_noop(
        "The code of the category this one is a part of (for example exp_development).")),
    word("kind", kinds, empty=""),
), key=("code",), check=_check_categories, write=_write_categories,
    help=gettext_noop("Categories added to Samleng's default ones, or renamed."))

PROJECTS = Sheet("projects", (
    _unit(), _year("fiscal_year"), ident("project_id"), text("title_en", 300, True), text("title_km", 300),
    text("sector", 100), place("village", help=gettext_noop("The project's village, inside the unit.")),
    _amount("cost_khr"), text("funding_source", 200), word("status", statuses, empty=""),
    Column("progress_pct", percent, help=gettext_noop("Progress in percent, from 0 to 100 (for example 75).")),
), key=("unit", "fiscal_year", "project_id"), streamed=True, check=_check_projects, write=_write_projects,
    help=gettext_noop("Local investment projects, as in a commune's three-year rolling investment plan."))

POPULATION = Sheet("population", (
    _unit(), _year("year"), Column("population", positive, True, help=gettext_noop(
        "How many people live in the unit that year, more than 0 (for example 12400).")),
    integer("female"),
), key=("unit", "year"), streamed=True, check=_check_population, write=_write_population,
    help=gettext_noop("How many people live in each unit, for the figures per person."))

EXCHANGE_RATES = Sheet("exchange_rates", (
    _year("year"), Column("khr_per_usd", khr_per_usd, True, help=gettext_noop(
        "How many riels one US dollar buys that year, more than 0 (for example 4050).")),
), key=("year",), check=_check_exchange_rates, write=_write_exchange_rates,
    help=gettext_noop("Riels per US dollar of each year, to show amounts in dollars as well."))

#: The spec's order, for the export and the template.
EXPORT_ORDER = ("budgets", "categories", "projects", "population", "exchange_rates")


def budgets_after_write(run, created: dict, updated: dict) -> None:
    """The default categories (written before the first sheet, said here), then with `publish` the (unit,
    year) pairs of the budgets and projects sheets published, in the same transaction. The changes of years
    already published were held as pending revisions (services._upsert_or_hold): `publish` by someone who
    may publish (the command line, an administrator, an M&E officer) approves them at once; otherwise a
    warning says they wait for approval."""
    defaults = _defaults(run)
    if defaults.created or defaults.updated:
        created["default categories"], updated["default categories"] = defaults.created, defaults.updated
    publish = run.options.get("publish")
    if publish:
        result = publication_set_many(user=run.user, pairs=_publish_pairs(run), published=True)
        created["publications"], updated["publications"] = result.created, result.updated
    held = run.state.get("budgets.held")
    if held:  # those left with a revision (a workbook may also take back what was pending)
        held &= set(Revision.objects.values_list("unit", "fiscal_year"))
    if not held:
        return
    if publish and not run.restricted:
        outcome = revision_approve_many(user=run.user, pairs=held)
        created["revisions approved"], updated["revisions approved"] = 0, outcome.revisions
    else:
        created["revisions awaiting approval"], updated["revisions awaiting approval"] = 0, len(held)
        run.warn("budgets", None, "", HELD, count=len(held))


# ---- the kind ---------------------------------------------------------------------------------------------------

#: In the order they are checked and written: categories before the lines that use them.
BUDGET_KIND = Kind(
    "budget", (CATEGORIES, BUDGETS, PROJECTS, POPULATION, EXCHANGE_RATES),
    after_write=(budgets_after_write,), export_order=EXPORT_ORDER, audit_type="imports.budget_workbook",
)


# ---- the glossary sheet of the knowledge-base workbook (docs/knowledge-base-workbook.md) --------------------
# The glossary is the Citizen Budget's (its page shows it) and the assistant's: its sheet is here, writing through
# budgets' services, and imports.kinds.KNOWLEDGE_KIND lists it beside the assistant's services and faq.

GLOSSARY_NO_TERM = Message("glossary.no_term", gettext_noop("A glossary entry needs its word: fill in term_en or "
                                                            "term_km."))
GLOSSARY_NO_EXPLANATION = Message("glossary.no_explanation", gettext_noop(
    "A glossary entry needs its explanation: fill in explanation_en or explanation_km."))
GLOSSARY_FIELDS = ("term_id", "term_en", "term_km", "explanation_en", "explanation_km")


def glossary_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "term_id")
    records = []
    for row in rows:
        complete = run.either_language(name, row, "term", GLOSSARY_NO_TERM)
        complete = run.either_language(name, row, "explanation", GLOSSARY_NO_EXPLANATION) and complete
        if complete and row.term_id is not None:
            records.append(run.record(name, row, GLOSSARY_FIELDS))
    run.records[name] = records


def glossary_write(run) -> UpsertResult:
    return glossary_upsert_many(user=run.user, rows=run.records["glossary"])


GLOSSARY = Sheet("glossary", (
    ident("term_id", help=gettext_noop("The word's id, as your NGO writes it (for example approved_budget).")),
    text("term_en", 200, help=gettext_noop("The word in English (for example approved budget); this or term_km.")),
    text("term_km", 200, help=gettext_noop("The word in Khmer (for example ថវិកាអនុម័ត).")),
    long_text("explanation_en", help=gettext_noop("What it means, in plain English; this or explanation_km.")),
    long_text("explanation_km", help=gettext_noop("What it means, in plain Khmer.")),
), key=("term_id",), check=glossary_check, write=glossary_write, everyone=False,
    help=gettext_noop("Words of budgets and public services explained, one per row (the Citizen Budget's glossary, "
                      "which the assistant shares)."))
