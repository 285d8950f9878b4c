"""Importing a programme workbook: every sheet read and checked first, every error collected (sheet, row,
column, in English and Khmer); then, only when there is none, everything written in one transaction through
the domain apps' `*_upsert_many` services. All or nothing; importing the same workbook twice changes nothing.

    result = workbook_import("programme.xlsx", user=request.user, progress=lambda percent, stage: ...)
    result.ok, result.errors, result.warnings, result.created, result.updated
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from samleng.accounts.access import can_edit_cbo, can_edit_event
from samleng.advocacy.models import CLOSED_STATUSES, Issue, IssueUpdate, Status
from samleng.advocacy.services import issue_update_upsert_many, issue_upsert_many
from samleng.cbos.models import CBO, Representative
from samleng.cbos.services import cbo_upsert_many, representative_upsert_many
from samleng.core.audit import Action, audit_record
from samleng.core.bulk import UpsertResult
from samleng.core.khmer import to_khmer_digits
from samleng.engagement.models import Event
from samleng.engagement.services import (
    attendance_upsert_many,
    event_upsert_many,
    mechanism_assessment_upsert_many,
    target_area_upsert_many,
)
from samleng.imports import cells, sheets
from samleng.imports.cells import CellError
from samleng.imports.placecells import PlaceCells
from samleng.imports.reader import Unreadable, name_key, open_workbook
from samleng.imports.sheetreader import RowError, sheet_read
from samleng.places.models import Place
from samleng.results.models import Indicator, Outcome, Programme
from samleng.results.services import (
    indicator_upsert_many,
    outcome_upsert_many,
    programme_upsert,
    reported_value_upsert_many,
)
from samleng.transparency.models import LandConcession, ProcurementProject
from samleng.transparency.services import (
    elc_disclosure_upsert_many,
    land_concession_upsert_many,
    procurement_disclosure_upsert_many,
    procurement_project_upsert_many,
)

Progress = Callable[[int, str], None]


@dataclass
class ImportResult:
    ok: bool
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # by sheet
    updated: dict[str, int] = field(default_factory=dict)
    rows: int = 0  # rows read, all sheets together

    def as_dict(self) -> dict:
        """A JSON-ready copy (ImportRun.report)."""
        return {
            "ok": self.ok, "rows": self.rows, "created": self.created, "updated": self.updated,
            "errors": [asdict(e) for e in self.errors], "warnings": [asdict(w) for w in self.warnings],
        }


def workbook_import(path, *, user=None, progress: Progress | None = None) -> ImportResult:
    """Import the programme workbook at `path` (.xlsx, a folder or .zip of .csv, or one .csv named after its
    sheet). `user` is recorded in the audit log and, unless they see everything, may change only records
    within their scope. `progress(percent, stage)` is called as the import advances."""
    return _Import(Path(path), user, progress).run()


_PLACE_LEVELS = {"province": 1, "district": 2, "commune": 3, "village": 4}
_KIND_KM = {"outcome": "លទ្ធផលរំពឹងទុក", "output": "លទ្ធផលផ្ទាល់"}  # as the messages name them
_READ_SHARE = 60  # percent of the progress bar for reading and checking; writing takes the rest


class _Import:
    def __init__(self, path: Path, user, progress: Progress | None):
        self.path, self.user = path, user
        self._progress_callback = progress
        self._last_progress: tuple[int, str] | None = None
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.rows_read = 0
        self.rows: dict[str, list] = {}  # sheet name -> parsed rows
        self.present: dict[str, set[str]] = {}  # sheet name -> columns the sheet has
        self.records: dict[str, list[dict]] = {}  # sheet name -> field values to write, by field name
        self.ids: dict[str, dict | None] = {}  # sheet name -> {id: row}; None when its id column is missing
        self.programme_code = ""
        self.programme_values: dict[str, object] = {}  # the programme sheet's name, donors, start, end
        self.stored_programme: Programme | None = None
        self.results_code: str | None = None  # the programme the indicators and reported values belong to
        self.places = PlaceCells()
        self.today = timezone.localdate()
        self._scope_memo: dict[tuple[str, int], bool] = {}
        # Where the workbook puts each CBO, event and person (for the scope checks of the sheets after).
        self.cbo_province: dict[str, int] = {}
        self.event_province: dict[str, int] = {}
        self.person_cbo: dict[str, str] = {}

    # ---- the whole run ------------------------------------------------------------------------------

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
            keys = self._refuse_programme_wide(keys)
            total = sum(book.weights.get(k, 1) for k in keys.values()) or 1
            done = 0
            # The biggest sheet first: its file buffers are then freed before the rows of the others pile up,
            # which keeps the peak memory of a national workbook (600,000 attendance rows) well down.
            for name, key in sorted(keys.items(), key=lambda item: -book.weights.get(item[1], 1)):
                self.progress(done * _READ_SHARE // total, f"reading {name}")
                try:
                    self._read_sheet(sheets.SHEETS[name], book.rows(key))
                except Unreadable as error:
                    self.errors.append(RowError(name, None, "", error.message_en, error.message_km))
                done += book.weights.get(key, 1)
        self.progress(_READ_SHARE, "checking the rows against each other and against Samleng")
        for name in sheets.SHEETS:  # in the order of the references: a sheet after those it refers to
            if name in self.rows:
                getattr(self, f"_check_{name}")(sheets.SHEETS[name], self.rows[name])
        self._check_main_issues()
        if self.errors:
            return self._rejected(self.errors)
        created, updated = self._write()
        self.progress(100, "done")
        return ImportResult(ok=True, errors=[], warnings=self._sorted_warnings(), created=created, updated=updated,
                            rows=self.rows_read)

    def _rejected(self, errors: list[RowError]) -> ImportResult:
        order = {name: i for i, name in enumerate(sheets.SHEETS)}
        errors = sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0))
        self.progress(100, "rejected")
        return ImportResult(ok=False, errors=errors, warnings=self._sorted_warnings(), rows=self.rows_read)

    def _sorted_warnings(self) -> list[RowError]:
        order = {name: i for i, name in enumerate((*sheets.SHEETS, *sheets.LATER))}
        return sorted(self.warnings, key=lambda w: (order.get(w.sheet, len(order)), w.row or 0))

    def progress(self, percent: int, stage: str) -> None:
        if self._progress_callback and (percent, stage) != self._last_progress:
            self._last_progress = (percent, stage)
            self._progress_callback(min(int(percent), 100), stage)

    def error(self, sheet: str, row: int | None, column: str, en: str, km: str) -> None:
        self.errors.append(RowError(sheet, row, column, en, km))

    def warn(self, sheet: str, row: int | None, column: str, en: str, km: str) -> None:
        self.warnings.append(RowError(sheet, row, column, en, km))

    def _choose_sheets(self, book) -> dict[str, str] | None:
        """The sheets to import (spec name -> the file's key), in the order they must be read; warnings for
        the others."""
        known = {name_key(name): name for name in sheets.SHEETS}
        later = {name_key(name): name for name in sheets.LATER}
        chosen = {}
        for key, shown_name in book.names.items():
            if key in known:
                chosen[known[key]] = key
            elif key in later:
                self.warn(later[key], None, "", "This sheet is not imported yet: a later version of Samleng will "
                          "import it. Nothing in it was read.",
                          "សន្លឹកនេះមិនទាន់នាំចូលនៅឡើយទេ៖ កំណែក្រោយរបស់សំឡេងនឹងនាំចូលវា។ គ្មានអ្វីក្នុងនោះត្រូវបានអានទេ។")
            else:
                self.warn(shown_name, None, "", "Samleng does not know this sheet; it was left out.",
                          "សំឡេងមិនស្គាល់សន្លឹកនេះទេ; វាត្រូវបានរំលង។")
        if not chosen and not any(w.sheet in sheets.LATER for w in self.warnings):
            self.error(self.path.name, None, "", "This workbook has none of the programme workbook's sheets "
                       f"({', '.join(sheets.SHEETS)}).",
                       f"សៀវភៅបញ្ជីនេះគ្មានសន្លឹកណាមួយនៃសៀវភៅបញ្ជីកម្មវិធីទេ ({', '.join(sheets.SHEETS)})។")
            return None
        return {name: chosen[name] for name in sheets.SHEETS if name in chosen}

    def _refuse_programme_wide(self, keys: dict[str, str]) -> dict[str, str]:
        """The results framework and the national transparency records belong to no province: only those who
        see everything (or the command line, with no user) may import them. One error per sheet, unread."""
        if not self._restricted():
            return keys
        for name in sheets.PROGRAMME_WIDE:
            if name in keys:
                self.error(name, None, "", "Only an administrator or an M&E officer may import this sheet.",
                           "មានតែអ្នកគ្រប់គ្រង ឬមន្ត្រីតាមដាននិងវាយតម្លៃប៉ុណ្ណោះ ដែលអាចនាំចូលសន្លឹកនេះបាន។")
        return {name: key for name, key in keys.items() if name not in sheets.PROGRAMME_WIDE}

    def _restricted(self) -> bool:
        """A user who does not see everything (a field officer); None is the command line, which may."""
        return self.user is not None and not getattr(self.user, "sees_everything", False)

    # ---- reading one sheet --------------------------------------------------------------------------

    def _read_sheet(self, sheet: sheets.Sheet, rows: Iterator[tuple[int, list]]) -> None:
        def on_rows(count: int) -> None:
            self.progress(self._last_progress[0] if self._last_progress else 0,
                          f"reading {sheet.name} ({count:,} rows)")

        present, parsed = sheet_read(sheet, rows, errors=self.errors, warnings=self.warnings, on_rows=on_rows)
        self.present[sheet.name], self.rows[sheet.name] = present, parsed
        self.rows_read += len(parsed)

    # ---- helpers of the checks ----------------------------------------------------------------------

    def _unique(self, sheet: str, rows: list, key, columns: tuple[str, ...], label) -> None:
        """An error for every row whose key another row above it has already. `key(row)` is None for rows
        whose key could not be read (their cells have errors of their own)."""
        seen = set()
        repeated = []
        for row in rows:
            k = key(row)
            if k is None:
                continue
            if k in seen:
                repeated.append((row, k))
            else:
                seen.add(k)
        if not repeated:
            return
        keys = {k for _row, k in repeated}
        first = {}
        for row in rows:  # a second pass, only when there are repeats: where each key came first
            k = key(row)
            if k in keys and k not in first:
                first[k] = row.row
        for row, k in repeated:
            what = label(row)
            self.error(sheet, row.row, columns[0], f"{what} is already on row {first[k]}; each row must be "
                       f"different.", f"{what} មាននៅជួរទី {to_khmer_digits(first[k])} រួចហើយ; ជួរនីមួយៗត្រូវតែខុសគ្នា។")

    def _ids(self, sheet: sheets.Sheet, rows: list, column: str) -> None:
        """Collect the ids a sheet defines (for the references of later sheets) and report repeated ones."""
        if column not in self.present[sheet.name]:
            self.ids[sheet.name] = None  # unknown: references to this kind are not checked
            return
        ids: dict[str, int] = {}
        for row in rows:
            value = getattr(row, column)
            if value is not None and value not in ids:
                ids[value] = row.row
        self.ids[sheet.name] = ids
        self._unique(sheet.name, rows, lambda r: getattr(r, column), (column,),
                     lambda r: f"{column} '{getattr(r, column)}'")

    def _place_chain(self, sheet: str, row, chain: tuple[str, ...]) -> dict[str, Place | None]:
        """The places of a row, each resolved inside the one before it (province, district, commune,
        village). A place that cannot be resolved stops the chain: the places below it are not checked."""
        found: dict[str, Place | None] = dict.fromkeys(chain)
        parent = None
        for column in chain:
            raw = getattr(row, column)
            if raw is None:
                continue
            try:
                parent = found[column] = self.places.resolve(raw, _PLACE_LEVELS[column], parent)
            except CellError as error:
                self.error(sheet, row.row, column, error.message_en, error.message_km)
                break
        return found

    def _at_most(self, sheet: str, row, part: str, total: str) -> None:
        a, b = getattr(row, part), getattr(row, total)
        if a is not None and b is not None and a > b:
            self.error(sheet, row.row, part, f"{part} ({a}) is more than {total} ({b}).",
                       f"{part} ({to_khmer_digits(a)}) លើសពី {total} ({to_khmer_digits(b)})។")

    def _not_future(self, sheet: str, row, column: str) -> None:
        value = getattr(row, column)
        if value is not None and value > self.today:
            self.error(sheet, row.row, column, f"{value.isoformat()} is in the future.",
                       f"{to_khmer_digits(value.isoformat())} ជាថ្ងៃអនាគត។")

    def _record(self, sheet: str, row, fields: Iterable[str], **extra) -> dict:
        """The values to write: the columns this sheet has (a column it lacks changes nothing)."""
        present = self.present[sheet]
        record = {name: getattr(row, name) for name in fields if name in present}
        record.update(extra)
        return record

    def _known(self, sheet: str, value: str, db: dict) -> bool:
        """Whether an id is defined by the workbook's sheet or already in the database. When the sheet has
        no id column, nothing can be said: the reference is let through (the missing column is an error)."""
        ids = self.ids.get(sheet, {})
        return ids is None or value in ids or value in db

    def _unknown_ref(self, sheet: str, row, column: str, value: str, kind_en: str, kind_km: str, target: str):
        self.error(sheet, row.row, column,
                   f"No {kind_en} has the id '{value}', in the {target} sheet or in Samleng.",
                   f"គ្មាន{kind_km}ដែលមានលេខសម្គាល់ '{value}' ទេ ទាំងក្នុងសន្លឹក {target} ឬក្នុងសំឡេង។")

    # ---- what the database already holds (one query per kind, on first need) -------------------------

    def _db(self, name: str):
        cache = self.__dict__.setdefault("_db_cache", {})
        if name not in cache:
            cache[name] = getattr(self, f"_load_{name}")()
        return cache[name]

    @staticmethod
    def _load_cbos() -> dict[str, tuple[int, int]]:
        return {cbo_id: (pk, province) for pk, cbo_id, province in
                CBO.objects.values_list("pk", "cbo_id", "province_id")}

    @staticmethod
    def _load_representatives() -> dict[str, tuple[int, str]]:
        return {person_id: (pk, cbo_id) for pk, person_id, cbo_id in
                Representative.objects.values_list("pk", "person_id", "cbo__cbo_id")}

    @staticmethod
    def _load_issues() -> dict[str, tuple]:
        return {i[1]: i for i in Issue.objects.values_list(
            "pk", "issue_id", "cbo__cbo_id", "is_main", "raised_on", "status")}

    @staticmethod
    def _load_events() -> dict[str, tuple[int, int]]:
        return {event_id: (pk, province) for pk, event_id, province in
                Event.objects.values_list("pk", "event_id", "province_id")}

    # ---- scope: who may change what --------------------------------------------------------------------

    def _in_scope(self, sheet: str, row, column: str, province_pk: int | None, kind: str = "cbo") -> bool:
        """Staff who do not see everything (field officers) may import only records of their provinces:
        the same rules as the pages (accounts.access), asked once per province."""
        user = self.user
        if user is None or province_pk is None or getattr(user, "sees_everything", False):
            return True
        memo_key = (kind, province_pk)
        if memo_key not in self._scope_memo:
            probe = CBO(province_id=province_pk) if kind == "cbo" else Event(province_id=province_pk)
            allowed = can_edit_cbo(user, probe) if kind == "cbo" else can_edit_event(user, probe)
            self._scope_memo[memo_key] = allowed
        if self._scope_memo[memo_key]:
            return True
        # Not which province: that would tell a field officer where another province's record is.
        self.error(sheet, row.row, column,
                   "You may import records of your own provinces only; this one is outside them.",
                   "អ្នកអាចនាំចូលតែកំណត់ត្រានៃខេត្តរបស់អ្នកប៉ុណ្ណោះ; កំណត់ត្រានេះនៅក្រៅខេត្តទាំងនោះ។")
        return False

    def _stored_cbo_province(self, cbo_id: str | None) -> int | None:
        """Where a stored CBO is now (not where the workbook may move it)."""
        stored = self._db("cbos").get(cbo_id) if cbo_id else None
        return stored[1] if stored else None

    # ---- the sheets, in the order they are read -------------------------------------------------------

    _PROGRAMME_FIELDS = {  # key: (how its value is read, required to create the programme)
        "name": (lambda raw: cells.text(raw, 300), True),
        "donors": (lambda raw: cells.text(raw, 500), False),
        "start": (cells.date, True),
        "end": (cells.date, True),
    }

    def _check_programme(self, sheet, rows) -> None:
        values: dict[str, tuple[int, object]] = {}
        for row in rows:
            key = name_key(row.key or "")
            if key in values:
                self.error(sheet.name, row.row, "key", f"The key '{row.key}' is already on row {values[key][0]}.",
                           f"កូនសោ '{row.key}' មាននៅជួរទី {to_khmer_digits(values[key][0])} រួចហើយ។")
                continue
            values[key] = (row.row, row.value)
            if key not in sheets.PROGRAMME_KEYS:
                self.warn(sheet.name, row.row, "key", f"Samleng does not know the key '{row.key}'; it was left out.",
                          f"សំឡេងមិនស្គាល់កូនសោ '{row.key}' ទេ; វាត្រូវបានរំលង។")
        if "code" not in values or not values["code"][1]:
            self.error(sheet.name, values["code"][0] if "code" in values else None, "value",
                       "The programme's code is missing: add a row with the key 'code'.",
                       "ខ្វះលេខកូដកម្មវិធី៖ សូមបន្ថែមជួរដែលមានកូនសោ 'code'។")
        else:
            try:
                self.programme_code = cells.ident(values["code"][1])
            except CellError as error:
                self.error(sheet.name, values["code"][0], "value", error.message_en, error.message_km)
        given, unreadable = {}, set()
        for key, (parse, _required) in self._PROGRAMME_FIELDS.items():
            if key not in values:
                continue
            row_number, raw = values[key]
            if cells.is_empty(raw):
                if key == "donors":
                    given[key] = ""
                continue
            try:
                given[key] = parse(raw)
            except CellError as error:
                unreadable.add(key)
                self.error(sheet.name, row_number, "value", error.message_en, error.message_km)
        self.programme_values = given
        if not self.programme_code:
            return
        stored = Programme.objects.filter(code=self.programme_code).first()
        self.stored_programme = stored
        if stored is None:
            missing = [k for k, (_p, required) in self._PROGRAMME_FIELDS.items()
                       if required and k not in given and k not in unreadable]
            if missing:
                listed = ", ".join(missing)
                self.error(sheet.name, None, "key",
                           f"The programme {self.programme_code} is not in Samleng yet: give its {listed} (a row "
                           "for each, with the key in the first column).",
                           f"កម្មវិធី {self.programme_code} មិនទាន់មានក្នុងសំឡេងនៅឡើយទេ៖ សូមផ្តល់ {listed} របស់វា "
                           "(មួយជួរសម្រាប់នីមួយៗ ដោយមានកូនសោនៅជួរឈរទីមួយ)។")
        start = given.get("start", stored.start if stored else None)
        end = given.get("end", stored.end if stored else None)
        if start and end and start > end:
            where = values["end"][0] if "end" in values else values["start"][0]
            self.error(sheet.name, where, "value", f"The programme starts ({start.isoformat()}) after it ends "
                       f"({end.isoformat()}).", f"កម្មវិធីចាប់ផ្តើម ({to_khmer_digits(start.isoformat())}) "
                       f"ក្រោយពេលវាបញ្ចប់ ({to_khmer_digits(end.isoformat())})។")
        changes = [k for k, v in given.items() if stored is None or getattr(stored, k) != v]
        if changes and self._restricted():
            self.error(sheet.name, values[changes[0]][0], "value",
                       "Only an administrator or an M&E officer may create a programme or change its name, donors "
                       "or dates.",
                       "មានតែអ្នកគ្រប់គ្រង ឬមន្ត្រីតាមដាននិងវាយតម្លៃប៉ុណ្ណោះ ដែលអាចបង្កើតកម្មវិធី ឬផ្លាស់ប្តូរឈ្មោះ "
                       "ម្ចាស់ជំនួយ ឬកាលបរិច្ឆេទរបស់វាបាន។")

    def _check_target_areas(self, sheet, rows) -> None:
        if "programme" not in self.rows:
            self.warn(sheet.name, None, "", "There is no programme sheet: these target areas are kept without a "
                      "programme code.", "គ្មានសន្លឹក programme ទេ៖ តំបន់គោលដៅទាំងនេះត្រូវរក្សាទុកដោយគ្មានលេខកូដកម្មវិធី។")
        records = []
        keys = []
        for row in rows:
            places = self._place_chain(sheet.name, row, ("province", "district"))
            district = places["district"]
            if row.from_year is not None and row.to_year is not None and row.to_year < row.from_year:
                self.error(sheet.name, row.row, "to_year", f"to_year ({row.to_year}) comes before from_year "
                           f"({row.from_year}).", f"to_year ({to_khmer_digits(row.to_year)}) មុន from_year "
                           f"({to_khmer_digits(row.from_year)})។")
            if district is not None:
                self._in_scope(sheet.name, row, "district", district.parent_id)
            keys.append((district.pk, row.from_year) if district and row.from_year else None)
            if district is not None:
                records.append({"programme_code": self.programme_code, "district_id": district.pk,
                                "from_year": row.from_year, "to_year": row.to_year})
        by_row = dict(zip((r.row for r in rows), keys, strict=True))
        self._unique(sheet.name, rows, lambda r: by_row[r.row], ("district",),
                     lambda r: f"district {r.district} from {r.from_year}")
        self.records[sheet.name] = records

    _CBO_FIELDS = ("cbo_id", "name_en", "name_km", "type", "established_on", "members_total", "members_female",
                   "committee_total", "committee_female", "area_ha", "joined_on")

    def _check_cbos(self, sheet, rows) -> None:
        self._ids(sheet, rows, "cbo_id")
        db = self._db("cbos")
        records = []
        for row in rows:
            places = self._place_chain(sheet.name, row, ("province", "district", "commune", "village"))
            self._at_most(sheet.name, row, "members_female", "members_total")
            self._at_most(sheet.name, row, "committee_female", "committee_total")
            for column in ("established_on", "joined_on"):
                self._not_future(sheet.name, row, column)
            province = places["province"]
            stored = db.get(row.cbo_id)
            if stored:
                self._in_scope(sheet.name, row, "cbo_id", stored[1])
            if province:
                self._in_scope(sheet.name, row, "province", province.pk)
                self.cbo_province[row.cbo_id] = province.pk
            record = self._record(sheet.name, row, self._CBO_FIELDS)
            for column, place in places.items():
                if column in self.present[sheet.name]:
                    record[f"{column}_id"] = place.pk if place else None
            records.append(record)
        self.records[sheet.name] = records

    def _cbo_province(self, cbo_id: str) -> int | None:
        if cbo_id in self.cbo_province:
            return self.cbo_province[cbo_id]
        stored = self._db("cbos").get(cbo_id)
        return stored[1] if stored else None

    _REPRESENTATIVE_FIELDS = ("person_id", "full_name", "sex", "birth_year", "indigenous", "disability", "role",
                              "phone", "telegram", "consent_on")

    def _check_representatives(self, sheet, rows) -> None:
        self._ids(sheet, rows, "person_id")
        cbos, people = self._db("cbos"), self._db("representatives")
        for row in rows:
            stored = people.get(row.person_id)
            if stored:  # a person already recorded: their CBO now must be the importer's to change
                self._in_scope(sheet.name, row, "person_id", self._stored_cbo_province(stored[1]))
            if row.cbo_id is not None:
                if not self._known("cbos", row.cbo_id, cbos):
                    self._unknown_ref(sheet.name, row, "cbo_id", row.cbo_id, "CBO", "សហគមន៍", "cbos")
                else:
                    self._in_scope(sheet.name, row, "cbo_id", self._cbo_province(row.cbo_id))
                    self.person_cbo[row.person_id] = row.cbo_id
            if row.birth_year is not None and row.birth_year > self.today.year:
                self.error(sheet.name, row.row, "birth_year", f"{row.birth_year} is in the future.",
                           f"{to_khmer_digits(row.birth_year)} ជាឆ្នាំអនាគត។")
            self._not_future(sheet.name, row, "consent_on")

    _ISSUE_FIELDS = ("issue_id", "title_en", "title_km", "topic", "description", "duty_bearer_level", "duty_bearer",
                     "raised_on", "is_main", "households_affected", "people_affected", "people_affected_female")

    def _check_issues(self, sheet, rows) -> None:
        self._ids(sheet, rows, "issue_id")
        cbos, issues = self._db("cbos"), self._db("issues")
        for row in rows:
            stored = issues.get(row.issue_id)
            if stored:  # an issue already recorded: its CBO now must be the importer's to change
                self._in_scope(sheet.name, row, "issue_id", self._stored_cbo_province(stored[2]))
            if row.cbo_id is not None:
                if not self._known("cbos", row.cbo_id, cbos):
                    self._unknown_ref(sheet.name, row, "cbo_id", row.cbo_id, "CBO", "សហគមន៍", "cbos")
                else:
                    self._in_scope(sheet.name, row, "cbo_id", self._cbo_province(row.cbo_id))
            self._not_future(sheet.name, row, "raised_on")
            self._at_most(sheet.name, row, "people_affected_female", "people_affected")

    def _issue_raised_on(self, issue_id: str) -> dt.date | None:
        """The day an issue was raised: as the workbook says it, or else as stored."""
        row = self._issue_rows().get(issue_id)
        if row is not None and "raised_on" in self.present.get("issues", ()):
            return row.raised_on
        stored = self._db("issues").get(issue_id)
        return stored[4] if stored else None

    def _issue_rows(self) -> dict:
        if not hasattr(self, "_issue_rows_cache"):
            self._issue_rows_cache = {r.issue_id: r for r in self.rows.get("issues", []) if r.issue_id}
        return self._issue_rows_cache

    def _issue_cbo(self, issue_id: str) -> str | None:
        row = self._issue_rows().get(issue_id)
        if row is not None and row.cbo_id:
            return row.cbo_id
        stored = self._db("issues").get(issue_id)
        return stored[2] if stored else None

    _EVENT_FIELDS = ("event_id", "type", "title", "date", "authorities_present", "participants_total",
                     "participants_female", "participants_youth", "participants_indigenous",
                     "participants_disability")
    _BREAKDOWNS = ("participants_female", "participants_youth", "participants_indigenous",
                   "participants_disability")

    def _check_events(self, sheet, rows) -> None:
        self._ids(sheet, rows, "event_id")
        issues = self._db("issues")
        events = self._db("events")
        records = []
        for row in rows:
            places = self._place_chain(sheet.name, row, ("province", "district", "commune"))
            for part in self._BREAKDOWNS:
                self._at_most(sheet.name, row, part, "participants_total")
            if row.participants_total is None and any(getattr(row, p) is not None for p in self._BREAKDOWNS):
                self.error(sheet.name, row.row, "participants_total", "Give the total number of participants as "
                           "well: the other counts are parts of it.", "សូមផ្តល់ចំនួនអ្នកចូលរួមសរុបផងដែរ៖ "
                           "ចំនួនផ្សេងទៀតជាផ្នែកនៃចំនួននោះ។")
            unknown = [i for i in row.issues_raised if not self._known("issues", i, issues)]
            if unknown:
                listed = ", ".join(unknown)
                self.error(sheet.name, row.row, "issues_raised",
                           f"No issue has the id {listed}, in the issues sheet or in Samleng.",
                           f"គ្មានបញ្ហាដែលមានលេខសម្គាល់ {listed} ទេ ទាំងក្នុងសន្លឹក issues ឬក្នុងសំឡេង។")
            for issue_id in row.issues_raised:  # only issues the importer may see can be raised here
                if issue_id not in unknown:
                    self._in_scope(sheet.name, row, "issues_raised", self._cbo_province(self._issue_cbo(issue_id)))
            stored = events.get(row.event_id)
            if stored:
                self._in_scope(sheet.name, row, "event_id", stored[1], kind="event")
            province = places["province"]
            if province:
                self._in_scope(sheet.name, row, "province", province.pk, kind="event")
                self.event_province[row.event_id] = province.pk
            record = self._record(sheet.name, row, self._EVENT_FIELDS)
            if "issues_raised" in self.present[sheet.name]:
                record["issues_raised"] = list(dict.fromkeys(row.issues_raised))
            for column, place in places.items():
                if column in self.present[sheet.name]:
                    record[f"{column}_id"] = place.pk if place else None
            records.append(record)
        self.records[sheet.name] = records

    def _event_province(self, event_id: str) -> int | None:
        if event_id in self.event_province:
            return self.event_province[event_id]
        stored = self._db("events").get(event_id)
        return stored[1] if stored else None

    _UPDATE_FIELDS = ("date", "status", "note", "evidence", "people_benefited", "people_benefited_female")

    def _check_issue_updates(self, sheet, rows) -> None:
        issues, events = self._db("issues"), self._db("events")
        at_events = []  # rows that name the event where the update happened
        for row in rows:
            if row.issue_id is not None:
                if not self._known("issues", row.issue_id, issues):
                    self._unknown_ref(sheet.name, row, "issue_id", row.issue_id, "issue", "បញ្ហា", "issues")
                else:
                    cbo = self._issue_cbo(row.issue_id)
                    if cbo:
                        self._in_scope(sheet.name, row, "issue_id", self._cbo_province(cbo))
                    raised_on = self._issue_raised_on(row.issue_id)
                    if row.date is not None and raised_on is not None and row.date < raised_on:
                        self.error(sheet.name, row.row, "date",
                                   f"This update is dated {row.date.isoformat()}, before the issue was raised "
                                   f"({raised_on.isoformat()}).",
                                   f"បច្ចុប្បន្នភាពនេះចុះថ្ងៃ {to_khmer_digits(row.date.isoformat())} មុនថ្ងៃដែលបញ្ហាត្រូវបាន"
                                   f"លើកឡើង ({to_khmer_digits(raised_on.isoformat())})។")
            if row.event_id and not self._known("events", row.event_id, events):
                self._unknown_ref(sheet.name, row, "event_id", row.event_id, "event", "ព្រឹត្តិការណ៍", "events")
            elif row.event_id and row.issue_id:
                at_events.append(row)
            self._not_future(sheet.name, row, "date")
            self._at_most(sheet.name, row, "people_benefited_female", "people_benefited")
        self._check_raised_at(sheet.name, at_events)
        self._unique(sheet.name, rows,
                     lambda r: (r.issue_id, r.date, r.status) if None not in (r.issue_id, r.date, r.status) else None,
                     ("issue_id",), lambda r: f"An update of {r.issue_id} on {r.date} with the status {r.status}")

    def _check_raised_at(self, sheet: str, rows: list) -> None:
        """An update that names an event must be of an issue raised at that event (as on the issue's page):
        the event's issues as the workbook gives them, or else as stored."""
        raised: dict[str, set[str]] = {}
        if "issues_raised" in self.present.get("events", ()):
            raised = {r.event_id: set(r.issues_raised) for r in self.rows["events"] if r.event_id}
        stored_events = self._db("events")
        wanted = {stored_events[r.event_id][0]: r.event_id for r in rows
                  if r.event_id not in raised and r.event_id in stored_events}
        through = Event.issues_raised.through
        pks = list(wanted)
        for start in range(0, len(pks), 2000):
            links = through.objects.filter(event_id__in=pks[start:start + 2000])
            for event_id, issue_id in links.values_list("event__event_id", "issue__issue_id"):
                raised.setdefault(event_id, set()).add(issue_id)
        for row in rows:
            if row.issue_id not in raised.get(row.event_id, ()):
                self.error(sheet, row.row, "event_id",
                           f"The issue {row.issue_id} was not raised at the event {row.event_id}: add it to that "
                           "event's issues_raised, or leave event_id empty.",
                           f"បញ្ហា {row.issue_id} មិនត្រូវបានលើកឡើងនៅព្រឹត្តិការណ៍ {row.event_id} ទេ៖ សូមបន្ថែមវាទៅក្នុង "
                           "issues_raised នៃព្រឹត្តិការណ៍នោះ ឬទុក event_id ឱ្យទទេ។")

    def _check_attendance(self, sheet, rows) -> None:
        """600,000 rows at national scale: no record dicts here; the rows themselves are written."""
        events, people = self._db("events"), self._db("representatives")
        event_ids, person_ids = self.ids.get("events", {}), self.ids.get("representatives", {})
        checked_events: set[str] = set()  # known and in scope: not checked again on the next rows
        checked_people: set[str] = set()
        for row in rows:
            event_id, person_id = row.event_id, row.person_id
            if event_id is not None and event_id not in checked_events:
                if event_ids is not None and event_id not in event_ids and event_id not in events:
                    self._unknown_ref(sheet.name, row, "event_id", event_id, "event", "ព្រឹត្តិការណ៍", "events")
                elif self._in_scope(sheet.name, row, "event_id", self._event_province(event_id), kind="event"):
                    checked_events.add(event_id)
            if person_id is not None and person_id not in checked_people:
                if person_ids is not None and person_id not in person_ids and person_id not in people:
                    self._unknown_ref(sheet.name, row, "person_id", person_id, "representative", "អ្នកតំណាង",
                                      "representatives")
                else:
                    cbo = self.person_cbo.get(person_id) or (people[person_id][1] if person_id in people else None)
                    if self._in_scope(sheet.name, row, "person_id", self._cbo_province(cbo) if cbo else None):
                        checked_people.add(person_id)
        self._unique_sorted(sheet.name, rows)

    def _unique_sorted(self, sheet: str, rows: list) -> None:
        """Repeated (event, person) pairs, found by sorting the rows rather than with a set of 600,000 pairs:
        less memory, and the rows come out grouped by event, as the writing wants them. The sort is stable,
        so in each group of equal pairs the first row is the one the spreadsheet shows first."""
        rows.sort(key=lambda r: r.person_id or "")
        rows.sort(key=lambda r: r.event_id or "")
        previous = None
        first = 0
        for row in rows:
            if row.event_id is None or row.person_id is None:
                continue
            if previous is not None and row.event_id == previous.event_id and row.person_id == previous.person_id:
                self.error(sheet, row.row, "person_id",
                           f"{row.person_id} at {row.event_id} is already on row {first}; each row must be different.",
                           f"{row.person_id} at {row.event_id} មាននៅជួរទី {to_khmer_digits(first)} រួចហើយ; "
                           "ជួរនីមួយៗត្រូវតែខុសគ្នា។")
            else:
                first = row.row
            previous = row

    _ASSESSMENT_FIELDS = ("year", "mechanism", "held", "diverse_representation", "notice_given", "minutes_shared",
                          "questions_answered", "follow_up_done")

    def _check_mechanism_assessments(self, sheet, rows) -> None:
        records, keys = [], {}
        last_year = self.today.year + 1
        for row in rows:
            district = self._place_chain(sheet.name, row, ("province", "district"))["district"]
            if row.year is not None and not 1990 <= row.year <= last_year:
                self.error(sheet.name, row.row, "year", f"Give a year between 1990 and {last_year}.",
                           f"សូមផ្តល់ឆ្នាំចន្លោះ ១៩៩០ និង {to_khmer_digits(last_year)}។")
            if district is None:
                keys[row.row] = None
                continue
            self._in_scope(sheet.name, row, "district", district.parent_id)
            keys[row.row] = (district.pk, row.year, row.mechanism) if row.year and row.mechanism else None
            records.append(self._record(sheet.name, row, self._ASSESSMENT_FIELDS, district_id=district.pk))
        self._unique(sheet.name, rows, lambda r: keys[r.row], ("district",),
                     lambda r: f"{r.mechanism} in {r.district} in {r.year}")
        self.records[sheet.name] = records

    # ---- transparency: land concessions, procurement projects and what was disclosed ------------------

    _CONCESSION_FIELDS = ("elc_id", "name", "company", "area_ha", "granted_on", "tracked")

    def _check_land_concessions(self, sheet, rows) -> None:
        self._ids(sheet, rows, "elc_id")
        records = []
        for row in rows:
            places = self._place_chain(sheet.name, row, ("province", "district"))
            self._not_future(sheet.name, row, "granted_on")
            record = self._record(sheet.name, row, self._CONCESSION_FIELDS)
            for column, found in places.items():
                if column in self.present[sheet.name]:
                    record[f"{column}_id"] = found.pk if found else None
            records.append(record)
        self.records[sheet.name] = records

    def _check_elc_disclosures(self, sheet, rows) -> None:
        stored = self._db("land_concessions")
        for row in rows:
            if row.elc_id is not None and not self._known("land_concessions", row.elc_id, stored):
                self._unknown_ref(sheet.name, row, "elc_id", row.elc_id, "land concession", "ដីសម្បទានសេដ្ឋកិច្ច",
                                  "land_concessions")
            self._not_future(sheet.name, row, "disclosed_on")
        self._unique(sheet.name, rows, lambda r: (r.elc_id, r.item) if r.elc_id and r.item else None, ("item",),
                     lambda r: f"The {r.item} of {r.elc_id}")

    _PROJECT_FIELDS = ("project_id", "buyer", "title", "fiscal_year", "method", "value_khr", "ocid")

    def _check_procurement_projects(self, sheet, rows) -> None:
        self._ids(sheet, rows, "project_id")
        last_year = self.today.year + 1
        for row in rows:
            if row.fiscal_year is not None and not 1990 <= row.fiscal_year <= last_year:
                self.error(sheet.name, row.row, "fiscal_year", f"Give a fiscal year between 1990 and {last_year}.",
                           f"សូមផ្តល់ឆ្នាំសារពើពន្ធចន្លោះ ១៩៩០ និង {to_khmer_digits(last_year)}។")
        self.records[sheet.name] = [self._record(sheet.name, row, self._PROJECT_FIELDS) for row in rows]

    def _check_procurement_disclosures(self, sheet, rows) -> None:
        stored = self._db("procurement_projects")
        for row in rows:
            if row.project_id is not None and not self._known("procurement_projects", row.project_id, stored):
                self._unknown_ref(sheet.name, row, "project_id", row.project_id, "procurement project",
                                  "គម្រោងលទ្ធកម្ម", "procurement_projects")
            self._not_future(sheet.name, row, "disclosed_on")
        self._unique(sheet.name, rows, lambda r: (r.project_id, r.item) if r.project_id and r.item else None,
                     ("item",), lambda r: f"The {r.item} of {r.project_id}")

    @staticmethod
    def _load_land_concessions() -> dict[str, int]:
        return dict(LandConcession.objects.values_list("elc_id", "pk"))

    @staticmethod
    def _load_procurement_projects() -> dict[str, int]:
        return dict(ProcurementProject.objects.values_list("project_id", "pk"))

    # ---- the results framework: indicators and the figures past reports gave ----------------------------

    def _results_programme(self, sheet: str) -> str | None:
        """The code of the programme indicators and reported values belong to: the programme sheet's, else
        the only programme in Samleng. An error when neither says it."""
        if self.results_code is not None:
            return self.results_code or None
        if "programme" in self.rows:
            self.results_code = self.programme_code
            return self.programme_code or None
        codes = list(Programme.objects.values_list("code", flat=True)[:2])
        self.results_code = codes[0] if len(codes) == 1 else ""
        return self.results_code or None

    def _no_programme(self, sheet: str) -> None:
        many = Programme.objects.exists()
        en = ("Samleng holds several programmes: add the programme sheet to say whose " if many else
              "Samleng holds no programme yet: add the programme sheet (code, name, start, end) to say whose ")
        km = ("សំឡេងមានកម្មវិធីច្រើន៖ សូមបន្ថែមសន្លឹក programme ដើម្បីបញ្ជាក់ថាជារបស់កម្មវិធីណា។" if many else
              "សំឡេងមិនទាន់មានកម្មវិធីណាមួយនៅឡើយទេ៖ សូមបន្ថែមសន្លឹក programme (code, name, start, end) "
              "ដើម្បីបញ្ជាក់ថាជារបស់កម្មវិធីណា។")
        self.error(sheet, None, "", en + ("indicators these are." if sheet == "indicators" else
                                          "figures these are."), km)

    _INDICATOR_FIELDS = ("code", "unit", "baseline", "baseline_year", "target", "target_year", "computation",
                         "statement_km", "cumulative", "baseline_numerator", "baseline_denominator",
                         "means_of_verification")

    def _check_indicators(self, sheet, rows) -> None:
        name = sheet.name
        self._ids(sheet, rows, "code")
        if self._results_programme(name) is None and "programme" not in self.rows:
            self._no_programme(name)
        present = self.present[name]
        outcomes: dict[str, dict] = {}
        records = []
        for row in rows:
            parameters = self._computation(name, row)
            if row.unit == "percent":
                for column in ("baseline", "target"):
                    value = getattr(row, column)
                    if value is not None and value > 100:
                        self.error(name, row.row, column, f"{value} is more than 100, but the unit is percent.",
                                   f"{to_khmer_digits(value)} លើសពី ១០០ ប៉ុន្តែឯកតាជាភាគរយ។")
            if row.baseline_year and row.target_year and row.target_year < row.baseline_year:
                self.error(name, row.row, "target_year", f"target_year ({row.target_year}) comes before "
                           f"baseline_year ({row.baseline_year}).", f"target_year ({to_khmer_digits(row.target_year)})"
                           f" មុន baseline_year ({to_khmer_digits(row.baseline_year)})។")
            self._at_most(name, row, "baseline_numerator", "baseline_denominator")
            if row.outcome:
                self._outcome(name, row, outcomes)
            else:
                self._nothing_to_describe(name, row)
            record = self._record(name, row, self._INDICATOR_FIELDS)
            if "statement" in present:
                record["statement_en"] = row.statement
            if "direction" in present:
                record["direction"] = row.direction or "up"
            if "parameters" in present and parameters is not None:  # without the column, they stay as stored
                record["parameters"] = parameters
            if "outcome" in present:
                record["outcome"] = row.outcome or None  # its primary key when written
            records.append(record)
        self.records[name] = records
        self._outcome_parents(name, outcomes)
        self.outcome_records = [self._outcome_record(name, outcome) for outcome in outcomes.values()]

    # The columns that describe the outcome (or output) of an indicator's row, and its field in `_outcome`.
    _OUTCOME_COLUMNS = (("outcome_statement", "statement_en"), ("outcome_statement_km", "statement_km"),
                        ("outcome_kind", "kind"), ("outcome_parent", "parent"))

    def _outcome(self, sheet: str, row, outcomes: dict[str, dict]) -> None:
        """An outcome's statements, kind and parent may be given on each of its indicators' rows, or on one:
        not two different ones."""
        outcome = outcomes.setdefault(row.outcome, {"code": row.outcome})
        for column, field_name in self._OUTCOME_COLUMNS:
            value = getattr(row, column, "") if column in self.present[sheet] else ""
            if not value:
                continue
            if field_name not in outcome:
                outcome[field_name] = value
                outcome[f"{field_name}_row"] = row.row
            elif outcome[field_name] != value:
                self._two_values(sheet, row, column, outcome[field_name], outcome[f"{field_name}_row"])

    def _two_values(self, sheet: str, row, column: str, first_value: str, first: int) -> None:
        first_km = to_khmer_digits(first)
        if column == "outcome_kind":
            self.error(sheet, row.row, column,
                       f"Row {first} says {row.outcome} is an {first_value}; give one kind per outcome or output.",
                       f"ជួរទី {first_km} ថា {row.outcome} ជា{_KIND_KM[first_value]}; សូមផ្តល់ប្រភេទតែមួយ"
                       "សម្រាប់លទ្ធផលរំពឹងទុក ឬលទ្ធផលផ្ទាល់នីមួយៗ។")
        elif column == "outcome_parent":
            self.error(sheet, row.row, column,
                       f"Row {first} puts {row.outcome} under outcome {first_value}; an output belongs to one "
                       "outcome.", f"ជួរទី {first_km} ដាក់ {row.outcome} នៅក្រោមលទ្ធផលរំពឹងទុក {first_value}; "
                       "លទ្ធផលផ្ទាល់មួយជារបស់លទ្ធផលរំពឹងទុកតែមួយប៉ុណ្ណោះ។")
        else:
            self.error(sheet, row.row, column,
                       f"Outcome {row.outcome} has another statement on row {first}; give one statement per "
                       "outcome.", f"លទ្ធផល {row.outcome} មានសេចក្តីថ្លែងផ្សេងទៀតនៅជួរទី {first_km}; "
                       "សូមផ្តល់សេចក្តីថ្លែងតែមួយសម្រាប់លទ្ធផលនីមួយៗ។")

    def _nothing_to_describe(self, sheet: str, row) -> None:
        """A kind or a parent on a row without an outcome describes nothing: said, rather than dropped."""
        for column in ("outcome_kind", "outcome_parent"):
            if column in self.present[sheet] and getattr(row, column):
                self.error(sheet, row.row, column,
                           f"This row has no outcome for {column} to describe: give its code in the outcome "
                           f"column, or leave {column} empty.",
                           f"ជួរនេះគ្មានលទ្ធផលរំពឹងទុក ឬលទ្ធផលផ្ទាល់ ដែល {column} ពិពណ៌នាទេ៖ សូមផ្តល់លេខកូដរបស់វា"
                           f"នៅក្នុងជួរឈរ outcome ឬទុក {column} ឱ្យទទេ។")

    def _outcome_kind(self, sheet: str, code: str, outcomes: dict[str, dict], stored: dict) -> str | None:
        """What `code` will be once the sheet is written: "outcome" or "output"; None for no such result.
        With the outcome_kind column, an outcome of the sheet is what its rows say (an outcome when they say
        nothing, as an empty direction is "up"); without it, what Samleng holds."""
        if code in outcomes and "outcome_kind" in self.present[sheet]:
            return outcomes[code].get("kind") or Outcome.Kind.OUTCOME
        if code in stored:
            return stored[code][0]
        return Outcome.Kind.OUTCOME if code in outcomes else None

    def _outcome_parents(self, sheet: str, outcomes: dict[str, dict]) -> None:
        """An output's parent is an outcome of the sheet or of Samleng, and only an output has one; an
        outcome whose outputs stay in Samleng cannot become an output itself."""
        present = self.present[sheet]
        if "outcome_kind" not in present and "outcome_parent" not in present:
            return
        code = self._results_programme(sheet)
        stored = self._stored_outcomes(code) if code else {}
        for outcome in outcomes.values():
            parent = outcome.get("parent")
            if parent is None:
                continue
            row, own = outcome["parent_row"], outcome["code"]
            parent_kind = self._outcome_kind(sheet, parent, outcomes, stored)
            if self._outcome_kind(sheet, own, outcomes, stored) != Outcome.Kind.OUTPUT:
                self.error(sheet, row, "outcome_parent",
                           f"{own} is an outcome: only an output belongs to an outcome. Give outcome_kind output, "
                           "or leave outcome_parent empty.",
                           f"{own} ជាលទ្ធផលរំពឹងទុក៖ មានតែលទ្ធផលផ្ទាល់ទេ ដែលជារបស់លទ្ធផលរំពឹងទុក។ សូមសរសេរ "
                           "outcome_kind ជា output ឬទុក outcome_parent ឱ្យទទេ។")
            elif parent_kind is None:
                self.error(sheet, row, "outcome_parent",
                           f"The programme {code} has no outcome {parent}, in the indicators sheet or in Samleng.",
                           f"កម្មវិធី {code} គ្មានលទ្ធផលរំពឹងទុក {parent} ទេ ទាំងក្នុងសន្លឹក indicators ឬក្នុងសំឡេង។")
            elif parent_kind != Outcome.Kind.OUTCOME:
                self.error(sheet, row, "outcome_parent",
                           f"{parent} is an output: an output belongs to an outcome, not to another output.",
                           f"{parent} ជាលទ្ធផលផ្ទាល់៖ លទ្ធផលផ្ទាល់មួយជារបស់លទ្ធផលរំពឹងទុក មិនមែនជារបស់លទ្ធផលផ្ទាល់"
                           "មួយទៀតទេ។")
        if "outcome_kind" in present:
            self._outputs_left_behind(sheet, outcomes, stored)

    def _outputs_left_behind(self, sheet: str, outcomes: dict[str, dict], stored: dict) -> None:
        """Outputs Samleng holds under an outcome the sheet makes an output, and that the sheet does not move."""
        moved = {c for c in outcomes if "outcome_parent" in self.present[sheet]
                 or self._outcome_kind(sheet, c, outcomes, stored) == Outcome.Kind.OUTCOME}
        children: dict[str, list[str]] = {}
        for child, (_kind, parent) in stored.items():
            if parent and child not in moved:
                children.setdefault(parent, []).append(child)
        for parent, outputs in children.items():
            if parent in outcomes and outcomes[parent].get("kind") == Outcome.Kind.OUTPUT:
                names = ", ".join(sorted(outputs))
                self.error(sheet, outcomes[parent]["kind_row"], "outcome_kind",
                           f"Outcome {parent} has outputs in Samleng ({names}): it cannot become an output. Give "
                           "those outputs another outcome in outcome_parent first.",
                           f"លទ្ធផលរំពឹងទុក {parent} មានលទ្ធផលផ្ទាល់នៅក្នុងសំឡេង ({names})៖ វាមិនអាចក្លាយជា"
                           "លទ្ធផលផ្ទាល់បានទេ។ សូមដាក់លទ្ធផលផ្ទាល់ទាំងនោះនៅក្រោមលទ្ធផលរំពឹងទុកផ្សេងក្នុង "
                           "outcome_parent ជាមុនសិន។")

    def _outcome_record(self, sheet: str, outcome: dict) -> dict:
        """The values to write for an outcome of the sheet (`parent` as a code until written). A column the
        sheet lacks changes nothing; an outcome has no parent."""
        record = {key: value for key, value in outcome.items()
                  if not key.endswith("_row") and key not in ("kind", "parent")}
        present = self.present[sheet]
        if "outcome_kind" in present:
            record["kind"] = outcome.get("kind") or Outcome.Kind.OUTCOME
        if "outcome_parent" in present or record.get("kind") == Outcome.Kind.OUTCOME:
            record["parent"] = outcome.get("parent") if record.get("kind") != Outcome.Kind.OUTCOME else None
        return record

    def _computation(self, sheet: str, row) -> dict | None:
        """The indicator's parameters as the computation catalogue reads them ({} for an indicator entered by
        hand); None when they cannot be known (the error is reported)."""
        name, text = row.computation or "", row.parameters or ""
        if not name:
            if text:
                self.error(sheet, row.row, "parameters",
                           "Parameters belong to a computation: give the computation, or leave the parameters "
                           "empty for an indicator entered by hand.",
                           "ប៉ារ៉ាម៉ែត្រជារបស់ការគណនា៖ សូមផ្តល់ការគណនា ឬទុកប៉ារ៉ាម៉ែត្រឱ្យទទេ សម្រាប់សូចនាករដែលបញ្ចូលដោយដៃ។")
                return None
            return {}
        if row.unit is None:
            return None
        from samleng.results.computations import ComputationError, computation_check

        try:  # the computation and the unit alone, then with the parameters: each error in its own column
            computation_check(name, "", row.unit)
        except ComputationError as error:
            self.error(sheet, row.row, "computation", error.message_en, error.message_km)
            return None
        try:
            return computation_check(name, text, row.unit)
        except ComputationError as error:
            self.error(sheet, row.row, "parameters", error.message_en, error.message_km)
            return None

    _REPORTED_FIELDS = ("period", "value", "narrative", "numerator", "denominator", "source")

    def _check_reported_values(self, sheet, rows) -> None:
        name = sheet.name
        code = self._results_programme(name)
        if code is None and "programme" not in self.rows:
            self._no_programme(name)
        known = set(self._stored_indicators(code)) if code else set()
        sheet_codes = self.ids.get("indicators") or {}
        present = self.present[name]
        records = []
        for row in rows:
            if row.code is not None and code and row.code not in known and row.code not in sheet_codes:
                self.error(name, row.row, "code",
                           f"The programme {code} has no indicator {row.code}, in the indicators sheet or in Samleng.",
                           f"កម្មវិធី {code} គ្មានសូចនាករ {row.code} ទេ ទាំងក្នុងសន្លឹក indicators ឬក្នុងសំឡេង។")
            self._at_most(name, row, "numerator", "denominator")
            if row.period is not None and row.period > self.today.year:
                self.error(name, row.row, "period", f"{row.period} has not ended yet: nothing can have been "
                           "reported for it.", f"ឆ្នាំ {to_khmer_digits(row.period)} មិនទាន់បញ្ចប់នៅឡើយទេ៖ "
                           "មិនអាចមានរបាយការណ៍សម្រាប់ឆ្នាំនោះទេ។")
            record = self._record(name, row, self._REPORTED_FIELDS, code=row.code)
            if row.value is not None:
                record["decimals"] = cells.decimals_of(row.value)
            if "parts" in present:
                record["breakdown"] = row.parts
            records.append(record)
        self._unique(name, rows, lambda r: (r.code, r.period) if r.code and r.period else None, ("code",),
                     lambda r: f"The value of {r.code} for {r.period}")
        self.records[name] = records

    def _stored_outcomes(self, code: str) -> dict[str, tuple[str, str | None]]:
        """The programme's stored outcomes and outputs: code -> (kind, the parent's code)."""
        return {c: (kind, parent) for c, kind, parent in Outcome.objects.filter(programme__code=code).values_list(
            "code", "kind", "parent__code")}

    def _stored_indicators(self, code: str) -> dict[str, int]:
        cache = self.__dict__.setdefault("_indicator_cache", {})
        if code not in cache:
            cache[code] = dict(Indicator.objects.filter(programme__code=code).values_list("code", "pk"))
        return cache[code]

    # ---- the rule across sheets: one open main issue per CBO ----------------------------------------

    def _check_main_issues(self) -> None:
        """A CBO has at most one open main issue at a time. The status of an issue is that of its latest
        update by date (the stored updates and the workbook's together; on one day the last recorded); an
        issue with no update is open. Only issues the workbook touches are blamed: a CBO whose stored issues
        already break the rule is not the workbook's mistake."""
        if "issues" not in self.rows and "issue_updates" not in self.rows:
            return
        stored = self._db("issues")
        issue_rows = self._issue_rows()
        update_rows: dict[str, list] = {}
        for row in self.rows.get("issue_updates", []):
            if row.issue_id and row.date and row.status:
                update_rows.setdefault(row.issue_id, []).append(row)
        status = self._final_statuses(update_rows)
        # issue id -> (cbo id, is main, raised on, touched by the workbook)
        final: dict[str, tuple] = {}
        for issue_id, (_pk, _id, cbo, is_main, raised_on, _status) in stored.items():
            final[issue_id] = (cbo, is_main, raised_on, issue_id in update_rows)
        has_main = "is_main" in self.present.get("issues", ())
        for issue_id, row in issue_rows.items():
            before = final.get(issue_id)
            cbo = row.cbo_id or (before[0] if before else None)
            is_main = row.is_main if has_main else (before[1] if before else False)
            final[issue_id] = (cbo, is_main, row.raised_on or (before[2] if before else None), True)
        open_main: dict[str, list[str]] = {}
        for issue_id, (cbo, is_main, _raised, _touched) in final.items():
            if cbo and is_main and status.get(issue_id, self._stored_status(issue_id)) not in CLOSED_STATUSES:
                open_main.setdefault(cbo, []).append(issue_id)
        for cbo, issue_ids in open_main.items():
            if len(issue_ids) < 2:
                continue
            # The one that stays is an untouched stored issue if there is one, else the earliest raised.
            issue_ids.sort(key=lambda i: (final[i][3], final[i][2] or dt.date.max, i))
            kept = issue_ids[0]
            for issue_id in issue_ids[1:]:
                if not final[issue_id][3]:
                    continue
                en = (f"CBO {cbo} would have two open main issues, {kept} and {issue_id}. A CBO has at most one "
                      "open main issue at a time: record one as solved, unsolved or dropped, or make this one "
                      "not the main issue.")
                km = (f"សហគមន៍ {cbo} នឹងមានបញ្ហាចម្បងកំពុងបើកចំហពីរ គឺ {kept} និង {issue_id}។ សហគមន៍មួយអាចមាន"
                      "បញ្ហាចម្បងបើកចំហតែមួយប៉ុណ្ណោះក្នុងពេលតែមួយ៖ សូមកត់ត្រាបញ្ហាមួយថា បានដោះស្រាយ មិនបានដោះស្រាយ "
                      "ឬបានបោះបង់ ឬកុំធ្វើឱ្យបញ្ហានេះជាបញ្ហាចម្បង។")
                if issue_id in issue_rows:
                    self.error("issues", issue_rows[issue_id].row, "is_main", en, km)
                else:
                    latest = max(update_rows[issue_id], key=lambda r: (r.date, r.row))
                    self.error("issue_updates", latest.row, "status", en, km)

    def _stored_status(self, issue_id: str) -> str:
        stored = self._db("issues").get(issue_id)
        return stored[5] if stored else Status.RAISED

    def _final_statuses(self, update_rows: dict[str, list]) -> dict[str, str]:
        """The status each issue with workbook updates will have: its latest update by date among the stored
        confirmed ones and the workbook's (on one day, the last recorded: stored ones by id, then the
        workbook's in row order, as the database will number them)."""
        stored_issues = self._db("issues")
        pks = {stored_issues[i][0]: i for i in update_rows if i in stored_issues}
        history: dict[str, dict[tuple, tuple]] = {}
        pk_list = list(pks)
        for start in range(0, len(pk_list), 2000):
            query = IssueUpdate.objects.filter(issue_id__in=pk_list[start:start + 2000], confirmed=True)
            for issue_pk, date, status, pk in query.values_list("issue_id", "date", "status", "pk"):
                history.setdefault(pks[issue_pk], {})[(date, status)] = (date, 0, pk)
        result = {}
        for issue_id, rows in update_rows.items():
            known = history.get(issue_id, {})
            for row in rows:
                known.setdefault((row.date, row.status), (row.date, 1, row.row))
            (_date, status) = max(known, key=known.__getitem__)
            result[issue_id] = status
        return result

    # ---- writing ------------------------------------------------------------------------------------

    def _write(self) -> tuple[dict[str, int], dict[str, int]]:
        created: dict[str, int] = {}
        updated: dict[str, int] = {}
        present = [name for name in sheets.SHEETS if name in self.rows and name != "programme"]
        weights = {name: max(len(self.rows[name]), 1) for name in present}
        total = sum(weights.values()) or 1
        done = 0
        user = self.user
        with transaction.atomic():
            if "programme" in self.rows:
                result = self._write_programme(user)
                created["programme"], updated["programme"] = result.created, result.updated
            for name in present:
                self.progress(_READ_SHARE + (100 - _READ_SHARE) * done // total, f"writing {name}")
                result = getattr(self, f"_write_{name}")(user)
                created[name], updated[name] = result.created, result.updated
                done += weights[name]
            if sum(created.values()) or sum(updated.values()):
                self._snapshots_compute(user)
            audit_record(
                user=user, action=Action.IMPORT, object_type="imports.workbook", object_id=self.path.name[:64],
                summary=f"programme workbook {self.path.name}: {sum(created.values())} records created, "
                        f"{sum(updated.values())} updated",
                changes={"created": created, "updated": updated, "rows": self.rows_read},
            )
        return created, updated

    def _pks(self, kind: str) -> dict[str, int]:
        loaded = self._db(kind)
        return {key: value[0] for key, value in loaded.items()}

    def _write_target_areas(self, user):
        return target_area_upsert_many(user=user, rows=self.records["target_areas"])

    def _write_cbos(self, user):
        result = cbo_upsert_many(user=user, rows=self.records["cbos"])
        self._cbo_pks = {**self._pks("cbos"), **result.pks}
        return result

    def _cbo_pk(self) -> dict[str, int]:
        if not hasattr(self, "_cbo_pks"):
            self._cbo_pks = self._pks("cbos")
        return self._cbo_pks

    def _write_representatives(self, user):
        cbo_pks = self._cbo_pk()
        rows = (self._record("representatives", row, self._REPRESENTATIVE_FIELDS, cbo_id=cbo_pks[row.cbo_id])
                for row in self.rows["representatives"])
        result = representative_upsert_many(user=user, rows=rows)
        self._person_pks = {**self._pks("representatives"), **result.pks}
        return result

    def _write_issues(self, user):
        cbo_pks = self._cbo_pk()
        rows = (self._record("issues", row, self._ISSUE_FIELDS, cbo_id=cbo_pks[row.cbo_id])
                for row in self.rows["issues"])
        result = issue_upsert_many(user=user, rows=rows)
        self._issue_pks = {**self._pks("issues"), **result.pks}
        return result

    def _issue_pk(self) -> dict[str, int]:
        if not hasattr(self, "_issue_pks"):
            self._issue_pks = self._pks("issues")
        return self._issue_pks

    def _write_events(self, user):
        issue_pks = self._issue_pk()

        def rows():
            for record in self.records["events"]:
                if "issues_raised" in record:
                    record = {**record, "issues_raised": [issue_pks[i] for i in record["issues_raised"]]}
                yield record

        result = event_upsert_many(user=user, rows=rows())
        self._event_pks = {**self._pks("events"), **result.pks}
        return result

    def _event_pk(self) -> dict[str, int]:
        if not hasattr(self, "_event_pks"):
            self._event_pks = self._pks("events")
        return self._event_pks

    def _write_issue_updates(self, user):
        issue_pks, event_pks = self._issue_pk(), self._event_pk()

        with_event = "event_id" in self.present["issue_updates"]

        def rows():
            for row in self.rows["issue_updates"]:
                record = self._record("issue_updates", row, self._UPDATE_FIELDS, issue_id=issue_pks[row.issue_id])
                if with_event:
                    record["event_id"] = event_pks[row.event_id] if row.event_id else None
                yield record

        return issue_update_upsert_many(user=user, rows=rows())

    def _write_attendance(self, user):
        event_pks = self._event_pk()
        person_pks = getattr(self, "_person_pks", None) or self._pks("representatives")
        with_spoke = "spoke" in self.present["attendance"]
        # Grouped by event (they were sorted by the check), each batch of the upsert reads back only its
        # events' attendance.

        def rows():
            for row in self.rows["attendance"]:
                record = {"event_id": event_pks[row.event_id], "representative_id": person_pks[row.person_id]}
                if with_spoke:
                    record["spoke"] = row.spoke
                yield record

        return attendance_upsert_many(user=user, rows=rows())

    def _write_mechanism_assessments(self, user):
        return mechanism_assessment_upsert_many(user=user, rows=self.records["mechanism_assessments"])

    def _write_programme(self, user) -> UpsertResult:
        """The programme's name, donors and dates (a sheet with only the code changes nothing of them)."""
        given, stored = self.programme_values, self.stored_programme
        if not given:
            return UpsertResult()
        values = {key: given.get(key, getattr(stored, key) if stored else "") for key in self._PROGRAMME_FIELDS}
        changed = stored is None or any(getattr(stored, key) != value for key, value in values.items())
        programme_upsert(user=user, code=self.programme_code, **values)
        return UpsertResult(created=int(stored is None), updated=int(stored is not None and changed))

    def _write_land_concessions(self, user):
        result = land_concession_upsert_many(user=user, rows=self.records["land_concessions"])
        self._elc_pks = {**self._db("land_concessions"), **result.pks}
        return result

    def _write_elc_disclosures(self, user):
        pks = getattr(self, "_elc_pks", None) or self._db("land_concessions")
        fields = [f for f in ("disclosed_on", "source") if f in self.present["elc_disclosures"]]
        rows = sorted(self.rows["elc_disclosures"], key=lambda r: r.elc_id)
        return elc_disclosure_upsert_many(user=user, rows=(
            {"concession_id": pks[row.elc_id], "item": row.item, **{f: getattr(row, f) for f in fields}}
            for row in rows))

    def _write_procurement_projects(self, user):
        result = procurement_project_upsert_many(user=user, rows=self.records["procurement_projects"])
        self._project_pks = {**self._db("procurement_projects"), **result.pks}
        return result

    def _write_procurement_disclosures(self, user):
        pks = getattr(self, "_project_pks", None) or self._db("procurement_projects")
        fields = [f for f in ("disclosed_on", "source") if f in self.present["procurement_disclosures"]]
        rows = sorted(self.rows["procurement_disclosures"], key=lambda r: r.project_id)
        return procurement_disclosure_upsert_many(user=user, rows=(
            {"project_id": pks[row.project_id], "item": row.item, **{f: getattr(row, f) for f in fields}}
            for row in rows))

    def _write_indicators(self, user):
        programme = Programme.objects.get(code=self.results_code)
        outcomes = self._write_outcomes(user, programme)
        outcome_pks = dict(programme.outcomes.values_list("code", "pk"))
        rows = []
        for record in self.records["indicators"]:
            if "outcome" in record:
                record = {**record}
                code = record.pop("outcome")
                record["outcome_id"] = outcome_pks[code] if code else None
            rows.append(record)
        result = indicator_upsert_many(user=user, programme=programme, rows=rows)
        return UpsertResult(created=outcomes.created + result.created, updated=outcomes.updated + result.updated)

    def _write_outcomes(self, user, programme: Programme) -> UpsertResult:
        """The outcomes first, then the outputs that name them: a parent is written by its primary key."""
        records = [{**record} for record in self.outcome_records]
        with_parent = [record for record in records if record.get("parent")]
        without = [record for record in records if not record.get("parent")]
        for record in without:
            if "parent" in record:
                record["parent_id"] = record.pop("parent")  # None: no parent
        first = outcome_upsert_many(user=user, programme=programme, rows=without)
        if not with_parent:
            return first
        pks = dict(programme.outcomes.values_list("code", "pk"))
        then = outcome_upsert_many(user=user, programme=programme, rows=(
            {**{k: v for k, v in record.items() if k != "parent"}, "parent_id": pks[record["parent"]]}
            for record in with_parent))
        return UpsertResult(created=first.created + then.created, updated=first.updated + then.updated)

    def _write_reported_values(self, user):
        pks = dict(Indicator.objects.filter(programme__code=self.results_code).values_list("code", "pk"))
        rows = []
        for record in self.records["reported_values"]:
            record = {**record}
            rows.append({"indicator_id": pks[record.pop("code")], **record})
        return reported_value_upsert_many(user=user, rows=rows)

    def _snapshots_compute(self, user) -> None:
        """The workbook changed records: the programme's indicators are computed again, in the same
        transaction, so that its figures never lag behind its records."""
        from samleng.results.services import snapshots_compute

        code = self.results_code or self.programme_code
        if not code:
            codes = list(Programme.objects.values_list("code", flat=True)[:2])
            code = codes[0] if len(codes) == 1 else ""
        programme = Programme.objects.filter(code=code).first() if code else None
        if programme is not None and programme.indicators.exists():
            snapshots_compute(user=user, programme=programme)
