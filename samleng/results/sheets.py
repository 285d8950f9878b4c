"""The programme workbook's sheets that results owns (docs/programme-workbook.md): `programme` (the key/value
sheet that names the programme), `indicators` (with the outcomes and outputs they measure) and
`reported_values` (the figures past reports stated). Each sheet's columns, its row checks and its write
through results' own services; `snapshots_compute` is the programme kind's step after writing.

The programme kind's sheets run in this order: PROGRAMME first (its check stores the programme's code at
`run.state["results.programme_code"]`, "" when it has none, for the sheets after it), INDICATORS and
REPORTED_VALUES last. The rules the indicator form shares live in `rules.py`; the computation catalogue's
own checks (a computation, its parameters, its unit) in `computations.computation_check`.
"""

from functools import cache, partial

from django.utils import translation
from django.utils.translation import gettext_noop, pgettext

from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.problems import text as both
from samleng.core.workbook.reader import name_key
from samleng.core.workbook.run import MORE_THAN
from samleng.core.workbook.sheets import Column, Sheet, integer, long_text, text, word, year, yes_no
from samleng.results import rules, services
from samleng.results.computations import ComputationError, computation_check
from samleng.results.models import Direction, Indicator, Outcome, Programme, Unit

# ---- vocabularies: each value, its label in both languages from the models' choices, and the other Khmer
# words people type (input data) ------------------------------------------------------------------------

UNITS_KM = {
    "percent": ("ភាគរយ", "%"),
    "count": ("ចំនួន",),
}
DIRECTIONS_KM = {
    "up": ("កាន់តែខ្ពស់កាន់តែល្អ", "ឡើង", "កើនឡើង"),
    "down": ("កាន់តែទាបកាន់តែល្អ", "ចុះ", "ថយចុះ"),
}
OUTCOME_KINDS_KM = {
    "outcome": ("លទ្ធផលរំពឹងទុក",),
    "output": ("លទ្ធផលផ្ទាល់",),
}


class _IndicatorWords(Vocabulary):
    """A vocabulary of an indicator's field, named in Khmer as the field is on the pages: "unit" and
    "direction" of an indicator are catalogue entries with the context "indicator" (without it they are the
    budget's administrative unit and its revenue or expenditure)."""

    def __call__(self, raw) -> str:
        try:
            return super().__call__(raw)
        except CellError as error:
            with translation.override("km"):
                error.params["vocabulary"] = both(self.name, pgettext("indicator", self.name))
            raise


@cache
def unit_words() -> Vocabulary:
    return _IndicatorWords.of_choices(gettext_noop("unit"), Unit.choices, UNITS_KM)


@cache
def direction_words() -> Vocabulary:
    return _IndicatorWords.of_choices(gettext_noop("direction"), Direction.choices, DIRECTIONS_KM)


@cache
def outcome_kind_words() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("kind of result"), Outcome.Kind.choices, OUTCOME_KINDS_KM)


# ---- messages ------------------------------------------------------------------------------------------

KEY_TWICE = Message("results.programme.key_twice", gettext_noop("The key '%(key)s' is already on row %(first)s."))
KEY_UNKNOWN = Message("results.programme.key_unknown", gettext_noop(
    "Samleng does not know the key '%(key)s'; it was left out."))
NO_CODE = Message("results.programme.no_code", gettext_noop(
    "The programme's code is missing: add a row with the key 'code'."))
NEW_PROGRAMME_NEEDS = Message("results.programme.new", gettext_noop(
    "The programme %(code)s is not in Samleng yet: give its %(missing)s (a row for each, with the key in the "
    "first column)."))
STARTS_AFTER_END = Message("results.programme.dates", gettext_noop(
    "The programme starts (%(start)s) after it ends (%(end)s)."))
PROGRAMME_RESTRICTED = Message("results.programme.restricted", gettext_noop(
    "Only an administrator or an M&E officer may create a programme or change its name, donors or dates."))
SEVERAL_PROGRAMMES = Message("results.no_programme.several", gettext_noop(
    "Samleng holds several programmes: add the programme sheet to say whose %(what)s these are."))
NO_PROGRAMME = Message("results.no_programme.none", gettext_noop(
    "Samleng holds no programme yet: add the programme sheet (code, name, start, end) to say whose %(what)s "
    "these are."))
PERCENT_OVER_100 = Message("results.indicator.percent", gettext_noop(
    "%(value)s is more than 100, but the unit is percent."))
TARGET_BEFORE_BASELINE = Message("results.indicator.years", gettext_noop(
    "target_year (%(target)s) comes before baseline_year (%(baseline)s)."))
TWO_KINDS = Message("results.outcome.two_kinds", gettext_noop(
    "Row %(first)s says %(outcome)s is an %(kind)s; give one kind per outcome or output."))
TWO_PARENTS = Message("results.outcome.two_parents", gettext_noop(
    "Row %(first)s puts %(outcome)s under outcome %(parent)s; an output belongs to one outcome."))
TWO_STATEMENTS = Message("results.outcome.two_statements", gettext_noop(
    "Outcome %(outcome)s has another statement on row %(first)s; give one statement per outcome."))
NOTHING_TO_DESCRIBE = Message("results.outcome.nothing_to_describe", gettext_noop(
    "This row has no outcome for %(name)s to describe: give its code in the outcome column, or leave "
    "%(name)s empty."))
PARENT_OF_OUTCOME = Message("results.outcome.parent_of_outcome", gettext_noop(
    "%(outcome)s is an outcome: only an output belongs to an outcome. Give outcome_kind output, or leave "
    "outcome_parent empty."))
NO_SUCH_OUTCOME = Message("results.outcome.unknown_parent", gettext_noop(
    "The programme %(programme)s has no outcome %(parent)s, in the indicators sheet or in Samleng."))
PARENT_IS_OUTPUT = Message("results.outcome.parent_is_output", gettext_noop(
    "%(parent)s is an output: an output belongs to an outcome, not to another output."))
OUTPUTS_LEFT_BEHIND = Message("results.outcome.outputs_left", gettext_noop(
    "Outcome %(outcome)s has outputs in Samleng (%(outputs)s): it cannot become an output. Give those outputs "
    "another outcome in outcome_parent first."))
NO_SUCH_INDICATOR = Message("results.reported.unknown_indicator", gettext_noop(
    "The programme %(programme)s has no indicator %(code)s, in the indicators sheet or in Samleng."))
PERIOD_NOT_ENDED = Message("results.reported.period", gettext_noop(
    "%(period)s has not ended yet: nothing can have been reported for it."))
INDICATORS_WORD = gettext_noop("indicators")  # whose indicators these are
FIGURES_WORD = gettext_noop("figures")  # whose figures these are


# ---- programme: the key/value sheet --------------------------------------------------------------------

PROGRAMME_KEYS = ("name", "code", "donors", "start", "end", "name_km")
_KEY_NAMES = {name_key(key): key for key in PROGRAMME_KEYS}
_PROGRAMME_FIELDS = {  # key: (how its value is read, required to create the programme)
    "name": (partial(cells.text, max_length=300), True),
    "donors": (partial(cells.text, max_length=500), False),
    "start": (cells.date, True),
    "end": (cells.date, True),
    "name_km": (partial(cells.text, max_length=300), False),  # format 1.1: the name Khmer pages show
}


def _check_programme(run, sheet, rows) -> None:
    """The programme's code (stored for the other sheets), and its name, donors and dates: required to
    create it; a restricted user may name the programme as it is, not create or change it."""
    run.state["results.programme_code"] = ""
    values: dict[str, tuple[int, object]] = {}
    for row in rows:
        key = name_key(row.key or "")
        key = _KEY_NAMES.get(key, key)  # name_km, written any way a column name may be (Name KM, name-km)
        if key in values:
            run.error(sheet.name, row.row, "key", KEY_TWICE, key=row.key, first=values[key][0])
            continue
        values[key] = (row.row, row.value)
        if key not in PROGRAMME_KEYS:
            run.warn(sheet.name, row.row, "key", KEY_UNKNOWN, key=row.key)
    code = ""
    if "code" not in values or not values["code"][1]:
        run.error(sheet.name, values["code"][0] if "code" in values else None, "value", NO_CODE)
    else:
        try:
            code = cells.ident(values["code"][1])
        except CellError as error:
            run.error(sheet.name, values["code"][0], "value", error.message, **error.params)
    run.state["results.programme_code"] = code
    given, unreadable = {}, set()
    for key, (parse, _required) in _PROGRAMME_FIELDS.items():
        if key not in values:
            continue
        row_number, raw = values[key]
        if cells.is_empty(raw):
            if key in ("donors", "name_km"):
                given[key] = ""
            continue
        try:
            given[key] = parse(raw)
        except CellError as error:
            unreadable.add(key)
            run.error(sheet.name, row_number, "value", error.message, **error.params)
    run.state["results.programme"] = (given, None)
    if not code:
        return
    stored = Programme.objects.filter(code=code).first()
    run.state["results.programme"] = (given, stored)
    if stored is None:
        missing = [k for k, (_p, required) in _PROGRAMME_FIELDS.items()
                   if required and k not in given and k not in unreadable]
        if missing:
            run.error(sheet.name, None, "key", NEW_PROGRAMME_NEEDS, code=code, missing=", ".join(missing))
    start = given.get("start", stored.start if stored else None)
    end = given.get("end", stored.end if stored else None)
    if not rules.dates_in_order(start, end):
        where = values["end"][0] if "end" in values else values["start"][0]
        run.error(sheet.name, where, "value", STARTS_AFTER_END, start=start, end=end)
    changes = [k for k, v in given.items() if stored is None or getattr(stored, k) != v]
    if changes and run.restricted:
        run.error(sheet.name, values[changes[0]][0], "value", PROGRAMME_RESTRICTED)


def _write_programme(run) -> UpsertResult:
    """The programme's name, donors and dates (a sheet with only the code changes nothing of them)."""
    given, stored = run.state.get("results.programme", ({}, None))
    if not given:
        return UpsertResult()
    values = {key: given.get(key, getattr(stored, key) if stored else "") for key in _PROGRAMME_FIELDS}
    changed = stored is None or any(getattr(stored, key) != value for key, value in values.items())
    services.programme_upsert(user=run.user, code=run.state["results.programme_code"], **values)
    return UpsertResult(created=int(stored is None), updated=int(stored is not None and changed))


# ---- whose indicators and figures --------------------------------------------------------------------

def _results_programme(run) -> str | None:
    """The code of the programme indicators and reported values belong to: the programme sheet's, else the
    only programme in Samleng; None when neither says it (kept at run.state["results.code"], "" for none)."""
    code = run.state.get("results.code")
    if code is None:
        if "programme" in run.rows:
            code = run.state.get("results.programme_code", "")
        else:
            codes = list(Programme.objects.values_list("code", flat=True)[:2])
            code = codes[0] if len(codes) == 1 else ""
        run.state["results.code"] = code
    return code or None


def _no_programme(run, sheet: str) -> None:
    message = SEVERAL_PROGRAMMES if Programme.objects.exists() else NO_PROGRAMME
    run.error(sheet, None, "", message, what=cells.in_both(INDICATORS_WORD if sheet == "indicators" else FIGURES_WORD))


def _stored_outcomes(run, code: str) -> dict[str, tuple[str, str | None]]:
    """The programme's stored outcomes and outputs: code -> (kind, the parent's code)."""
    return run.db(f"results.outcomes:{code}", lambda: {
        c: (kind, parent) for c, kind, parent in Outcome.objects.filter(programme__code=code).values_list(
            "code", "kind", "parent__code")})


def _stored_indicators(run, code: str) -> dict[str, int]:
    return run.db(f"results.indicators:{code}", lambda: dict(
        Indicator.objects.filter(programme__code=code).values_list("code", "pk")))


def _fraction(run, sheet: str, row, numerator: str, denominator: str) -> None:
    a, b = getattr(row, numerator), getattr(row, denominator)
    if not rules.fraction_fits(a, b):
        run.error(sheet, row.row, numerator, MORE_THAN, part=numerator, a=a, total=denominator, b=b)


# ---- indicators, with the outcomes and outputs they measure -------------------------------------------

_INDICATOR_FIELDS = ("code", "unit", "baseline", "baseline_year", "target", "target_year", "computation",
                     "statement_km", "cumulative", "baseline_numerator", "baseline_denominator",
                     "means_of_verification")


def _check_indicators(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "code")
    if _results_programme(run) is None and "programme" not in run.rows:
        _no_programme(run, name)
    present = run.present[name]
    outcomes: dict[str, dict] = {}
    records = []
    for row in rows:
        parameters = _computation(run, name, row)
        for column in ("baseline", "target"):
            value = getattr(row, column)
            if not rules.percent_fits(row.unit, value):
                run.error(name, row.row, column, PERCENT_OVER_100, value=value)
        if not rules.years_in_order(row.baseline_year, row.target_year):
            run.error(name, row.row, "target_year", TARGET_BEFORE_BASELINE, target=row.target_year,
                      baseline=row.baseline_year)
        _fraction(run, name, row, "baseline_numerator", "baseline_denominator")
        if row.outcome:
            _outcome(run, name, row, outcomes)
        else:
            _nothing_to_describe(run, name, row)
        record = run.record(name, row, _INDICATOR_FIELDS)
        if "statement" in present:
            record["statement_en"] = row.statement
        if "direction" in present:
            record["direction"] = row.direction or Direction.UP
        if "parameters" in present and parameters is not None:  # without the column, they stay as stored
            record["parameters"] = parameters
        if "outcome" in present:
            record["outcome"] = row.outcome or None  # its primary key when written
        records.append(record)
    run.records[name] = records
    _outcome_parents(run, name, outcomes)
    run.state["results.outcomes"] = [_outcome_record(run, name, outcome) for outcome in outcomes.values()]


# The columns that describe the outcome (or output) of an indicator's row, and its field in `_outcome`.
_OUTCOME_COLUMNS = (("outcome_statement", "statement_en"), ("outcome_statement_km", "statement_km"),
                    ("outcome_kind", "kind"), ("outcome_parent", "parent"))


def _outcome(run, sheet: str, row, outcomes: dict[str, dict]) -> None:
    """An outcome's statements, kind and parent may be given on each of its indicators' rows, or on one:
    not two different ones."""
    outcome = outcomes.setdefault(row.outcome, {"code": row.outcome})
    present = run.present[sheet]
    for column, field_name in _OUTCOME_COLUMNS:
        value = getattr(row, column, "") if column in present else ""
        if not value:
            continue
        if field_name not in outcome:
            outcome[field_name] = value
            outcome[f"{field_name}_row"] = row.row
        elif outcome[field_name] != value:
            _two_values(run, sheet, row, column, outcome[field_name], outcome[f"{field_name}_row"])


def _two_values(run, sheet: str, row, column: str, first_value: str, first: int) -> None:
    if column == "outcome_kind":
        run.error(sheet, row.row, column, TWO_KINDS, first=first, outcome=row.outcome,
                  kind=cells.in_both(first_value))  # "outcome" or "output": the choices' words
    elif column == "outcome_parent":
        run.error(sheet, row.row, column, TWO_PARENTS, first=first, outcome=row.outcome, parent=first_value)
    else:
        run.error(sheet, row.row, column, TWO_STATEMENTS, outcome=row.outcome, first=first)


def _nothing_to_describe(run, sheet: str, row) -> None:
    """A kind or a parent on a row without an outcome describes nothing: said, rather than dropped."""
    for column in ("outcome_kind", "outcome_parent"):
        if column in run.present[sheet] and getattr(row, column):
            run.error(sheet, row.row, column, NOTHING_TO_DESCRIBE, name=column)


def _outcome_kind(run, sheet: str, code: str, outcomes: dict[str, dict], stored: dict) -> str | None:
    """What `code` will be once the sheet is written: "outcome" or "output"; None for no such result.
    With the outcome_kind column, an outcome of the sheet is what its rows say (an outcome when they say
    nothing, as an empty direction is "up"); without it, what Samleng holds."""
    if code in outcomes and "outcome_kind" in run.present[sheet]:
        return outcomes[code].get("kind") or Outcome.Kind.OUTCOME
    if code in stored:
        return stored[code][0]
    return Outcome.Kind.OUTCOME if code in outcomes else None


def _outcome_parents(run, sheet: str, outcomes: dict[str, dict]) -> None:
    """An output's parent is an outcome of the sheet or of Samleng, and only an output has one; an outcome
    whose outputs stay in Samleng cannot become an output itself."""
    present = run.present[sheet]
    if "outcome_kind" not in present and "outcome_parent" not in present:
        return
    code = _results_programme(run)
    stored = _stored_outcomes(run, code) if code else {}
    for outcome in outcomes.values():
        parent = outcome.get("parent")
        if parent is None:
            continue
        row, own = outcome["parent_row"], outcome["code"]
        parent_kind = _outcome_kind(run, sheet, parent, outcomes, stored)
        if _outcome_kind(run, sheet, own, outcomes, stored) != Outcome.Kind.OUTPUT:
            run.error(sheet, row, "outcome_parent", PARENT_OF_OUTCOME, outcome=own)
        elif parent_kind is None:
            run.error(sheet, row, "outcome_parent", NO_SUCH_OUTCOME, programme=code, parent=parent)
        elif parent_kind != Outcome.Kind.OUTCOME:
            run.error(sheet, row, "outcome_parent", PARENT_IS_OUTPUT, parent=parent)
    if "outcome_kind" in present:
        _outputs_left_behind(run, sheet, outcomes, stored)


def _outputs_left_behind(run, sheet: str, outcomes: dict[str, dict], stored: dict) -> None:
    """Outputs Samleng holds under an outcome the sheet makes an output, and that the sheet does not move."""
    with_parent = "outcome_parent" in run.present[sheet]
    moved = {c for c in outcomes
             if with_parent or _outcome_kind(run, sheet, c, outcomes, stored) == Outcome.Kind.OUTCOME}
    children: dict[str, list[str]] = {}
    for child, (_kind, parent) in stored.items():
        if parent and child not in moved:
            children.setdefault(parent, []).append(child)
    for parent, outputs in children.items():
        if parent in outcomes and outcomes[parent].get("kind") == Outcome.Kind.OUTPUT:
            run.error(sheet, outcomes[parent]["kind_row"], "outcome_kind", OUTPUTS_LEFT_BEHIND, outcome=parent,
                      outputs=", ".join(sorted(outputs)))


def _outcome_record(run, sheet: str, outcome: dict) -> dict:
    """The values to write for an outcome of the sheet (`parent` as a code until written). A column the
    sheet lacks changes nothing; an outcome has no parent."""
    record = {key: value for key, value in outcome.items()
              if not key.endswith("_row") and key not in ("kind", "parent")}
    present = run.present[sheet]
    if "outcome_kind" in present:
        record["kind"] = outcome.get("kind") or Outcome.Kind.OUTCOME
    if "outcome_parent" in present or record.get("kind") == Outcome.Kind.OUTCOME:
        record["parent"] = outcome.get("parent") if record.get("kind") != Outcome.Kind.OUTCOME else None
    return record


def _computation(run, sheet: str, row) -> dict | None:
    """The indicator's parameters as the computation catalogue reads them ({} for an indicator entered by
    hand); None when they cannot be known (the error is reported). The computation and the unit are checked
    alone first, then with the parameters: each error in its own column."""
    name, given = row.computation or "", row.parameters or ""
    if name:
        if row.unit is None:
            return None
        try:
            computation_check(name, "", row.unit)
        except ComputationError as error:
            run.error(sheet, row.row, "computation", error.message, **error.params)
            return None
    try:  # without a computation: {} (none given), or "an indicator entered by hand takes no parameters"
        return computation_check(name, given, row.unit)
    except ComputationError as error:
        run.error(sheet, row.row, "parameters", error.message, **error.params)
        return None


def _write_indicators(run) -> UpsertResult:
    """The outcomes and outputs, then the indicators that measure them (counted together)."""
    programme = Programme.objects.get(code=run.state["results.code"])
    outcomes = _write_outcomes(run, programme)
    outcome_pks = dict(programme.outcomes.values_list("code", "pk"))
    rows = []
    for record in run.records["indicators"]:
        if "outcome" in record:
            record = {**record}
            code = record.pop("outcome")
            record["outcome_id"] = outcome_pks[code] if code else None
        rows.append(record)
    result = services.indicator_upsert_many(user=run.user, programme=programme, rows=rows)
    return UpsertResult(created=outcomes.created + result.created, updated=outcomes.updated + result.updated)


def _write_outcomes(run, programme: Programme) -> UpsertResult:
    """The outcomes first, then the outputs that name them: a parent is written by its primary key."""
    records = [{**record} for record in run.state.get("results.outcomes", ())]
    with_parent = [record for record in records if record.get("parent")]
    without = [record for record in records if not record.get("parent")]
    for record in without:
        if "parent" in record:
            record["parent_id"] = record.pop("parent")  # None: no parent
    first = services.outcome_upsert_many(user=run.user, programme=programme, rows=without)
    if not with_parent:
        return first
    pks = dict(programme.outcomes.values_list("code", "pk"))
    then = services.outcome_upsert_many(user=run.user, programme=programme, rows=(
        {**{k: v for k, v in record.items() if k != "parent"}, "parent_id": pks[record["parent"]]}
        for record in with_parent))
    return UpsertResult(created=first.created + then.created, updated=first.updated + then.updated)


# ---- reported values: the figures past reports stated -------------------------------------------------

_REPORTED_FIELDS = ("period", "value", "narrative", "numerator", "denominator", "source")


def _check_reported_values(run, sheet, rows) -> None:
    name = sheet.name
    code = _results_programme(run)
    if code is None and "programme" not in run.rows:
        _no_programme(run, name)
    known = _stored_indicators(run, code) if code else {}
    sheet_codes = run.ids.get("indicators") or {}
    present = run.present[name]
    records = []
    for row in rows:
        if row.code is not None and code and row.code not in known and row.code not in sheet_codes:
            run.error(name, row.row, "code", NO_SUCH_INDICATOR, programme=code, code=row.code)
        _fraction(run, name, row, "numerator", "denominator")
        if row.period is not None and row.period > run.today.year:
            run.error(name, row.row, "period", PERIOD_NOT_ENDED, period=row.period)
        record = run.record(name, row, _REPORTED_FIELDS, code=row.code)
        if row.value is not None:
            record["decimals"] = cells.decimals_of(row.value)
        if "parts" in present:
            record["breakdown"] = row.parts
        records.append(record)
    run.unique(name, rows, lambda r: (r.code, r.period) if r.code and r.period else None, "code",
               lambda r: f"The value of {r.code} for {r.period}")
    run.records[name] = records


def _write_reported_values(run) -> UpsertResult:
    pks = dict(Indicator.objects.filter(programme__code=run.state["results.code"]).values_list("code", "pk"))
    rows = []
    for record in run.records["reported_values"]:
        record = {**record}
        rows.append({"indicator_id": pks[record.pop("code")], **record})
    return services.reported_value_upsert_many(user=run.user, rows=rows)


# ---- after the writing -----------------------------------------------------------------------------------

def snapshots_compute_after(run, created: dict, updated: dict) -> None:
    """The workbook changed records: the programme's indicators are computed again, in the same transaction,
    so that its figures never lag behind its records. (The programme kind's `after_write`.)"""
    if not (sum(created.values()) or sum(updated.values())):
        return
    code = run.state.get("results.code") or run.state.get("results.programme_code")
    if not code:
        codes = list(Programme.objects.values_list("code", flat=True)[:2])
        code = codes[0] if len(codes) == 1 else ""
    programme = Programme.objects.filter(code=code).first() if code else None
    if programme is not None and programme.indicators.exists():
        services.snapshots_compute(user=run.user, programme=programme)


# ---- the sheets (`help`: what goes in a column, for the template's comments) ----------------------------


#: The key/value sheet that names the programme (keys PROGRAMME_KEYS). Anyone may name the programme as it
#: is; only those who see everything may create it or change it (said by its check).
PROGRAMME = Sheet("programme", (
    text("key", 40, True, help=gettext_noop(
        "The name of the value: name, code, donors, start, end or name_km (format 1.1: the name in Khmer), one row "
        "each.")),
    text("value", 2000, help=gettext_noop(
        "The value of the key on its left (for example CVA-II for code, 2023-01-01 for start).")),
), check=_check_programme, write=_write_programme,
    help=gettext_noop("The programme: its code, name, donors, start and end, one key per row."))

#: The spec's columns, then Samleng's extension columns (statement_km ... outcome_parent).
INDICATORS = Sheet("indicators", (
    text("code", 20, True, help=gettext_noop("The indicator's code in the results framework (for example 1.1).")),
    text("outcome", 20, help=gettext_noop(
        "The code of the outcome or output the indicator measures (for example 1).")),
    long_text("statement", True, help=gettext_noop("What the indicator measures, in English.")),
    word("unit", unit_words, True),
    Column("baseline", partial(cells.figure, places=2), help=gettext_noop("The value at the baseline year.")),
    year("baseline_year"),
    Column("target", partial(cells.figure, places=2), help=gettext_noop("The value to reach by the target year.")),
    year("target_year"),
    text("computation", 60, help=gettext_noop(
        "The name of a computation of the catalogue (for example main_issues_solved_share); empty for an "
        "indicator entered by hand.")),
    text("parameters", 2000, help=gettext_noop(
        "The computation's parameters as key=value pairs separated by ; (for example count_partly=yes).")),
    long_text("statement_km", help=gettext_noop("What the indicator measures, in Khmer.")),
    long_text("outcome_statement", help=gettext_noop(
        "The statement of the outcome (or output), in English: on one of its indicators' rows is enough.")),
    long_text("outcome_statement_km", help=gettext_noop(
        "The statement of the outcome (or output), in Khmer: on one of its indicators' rows is enough.")),
    word("direction", direction_words, help=gettext_noop(
        "Whether a higher or a lower value is better (empty: higher).")),
    yes_no("cumulative", help=gettext_noop("yes when the figure counts everything since the programme began.")),
    integer("baseline_numerator", help=gettext_noop("The numerator of the baseline share (for example 7 of 50).")),
    integer("baseline_denominator", help=gettext_noop("The denominator of the baseline share (for example 50).")),
    long_text("means_of_verification", help=gettext_noop(
        "Where the figure can be checked (a survey, minutes, a website).")),
    word("outcome_kind", outcome_kind_words, help=gettext_noop(
        "outcome or output: what the code in the outcome column is (empty: an outcome).")),
    text("outcome_parent", 20, help=gettext_noop("For an output: the code of the outcome it serves (for example 2).")),
), key=("code",), check=_check_indicators, write=_write_indicators, everyone=False,
    help=gettext_noop("The programme's indicators, with the outcomes and outputs they measure."))

REPORTED_VALUES = Sheet("reported_values", (
    text("code", 20, True, help=gettext_noop(
        "The code of an indicator, of the indicators sheet or of Samleng (for example 1.1).")),
    year("period", True, help=gettext_noop("The year the figure is for; a year that has ended.")),
    Column("value", cells.figure, True, help=gettext_noop("The figure the report stated.")),
    long_text("narrative", help=gettext_noop("What the report said of it.")),
    integer("numerator", help=gettext_noop("The numerator the report printed, if any.")),
    integer("denominator", help=gettext_noop("The denominator the report printed, if any.")),
    Column("parts", cells.parts, empty={}, memo=False),
    text("source", 300, help=gettext_noop("The report the figure comes from (for example Annual report 2023).")),
), key=("code", "period"), check=_check_reported_values, write=_write_reported_values, everyone=False,
    help=gettext_noop("The figures past reports stated, to hold against those Samleng computes."))
