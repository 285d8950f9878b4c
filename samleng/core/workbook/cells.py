"""Reading one cell of a workbook as people type it: numbers with Khmer digits and thousands separators,
dates in three forms, yes/no words in both languages, vocabulary words or their Khmer labels. (Places are
`places.cells`: the gazetteer is theirs.)

Every parser takes the raw cell (a str from a .csv; from an .xlsx, calamine also gives floats, bools, dates
and datetimes) and returns the value, or raises CellError with a message: field officers read these messages,
in Khmer or English, so they say what is wrong in plain words."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from samleng.core.khmer import normalize, to_latin_digits
from samleng.core.workbook.problems import Message
from samleng.core.workbook.problems import text as both
from samleng.core.workbook.safety import unneutralise


class CellError(ValueError):
    """A cell that cannot be read: the message says why (`message` and its parameters)."""

    def __init__(self, message: Message, /, **params):
        super().__init__(message.code)
        self.message, self.params = message, params

    @property
    def message_en(self) -> str:
        return self.message.render(self.params, "en")

    @property
    def message_km(self) -> str:
        return self.message.render(self.params, "km")


def shown(raw) -> str:
    """A cell's value as the person typed it, for messages (12.0 from calamine is shown as 12)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def in_both(word: str) -> dict:
    """A word marked with gettext_noop, as a message parameter in English and in Khmer."""
    with translation.override("km"):
        return both(word, gettext(word))


TOO_LONG = Message("cell.too_long", gettext_noop(
    "This text is %(length)s characters long; at most %(max_length)s fit here."))
NOT_A_NUMBER = Message("cell.number", gettext_noop("'%(value)s' is not a number."))
NOT_WHOLE = Message("cell.whole", gettext_noop("'%(value)s' is not a whole number."))
NEGATIVE_COUNT = Message("cell.negative_count", gettext_noop("'%(value)s' is negative; a count cannot be."))
NEGATIVE = Message("cell.negative", gettext_noop("'%(value)s' is negative; it cannot be."))
NOT_A_YEAR = Message("cell.year", gettext_noop(
    "%(value)s is not a plausible year (give one between %(first)s and %(last)s)."))
NO_SUCH_DAY = Message("cell.no_such_day", gettext_noop("'%(value)s' is not a real date (there is no such day)."))
DATE_YEAR = Message("cell.date_year", gettext_noop(
    "'%(value)s' gives the year %(year)s; a date here must fall between %(first)s and %(last)s."))
NOT_A_DATE = Message("cell.date", gettext_noop(
    "'%(value)s' is not a date: write it as YYYY-MM-DD (2024-03-31) or DD/MM/YYYY."))
NOT_YES_NO = Message("cell.yes_no", gettext_noop(
    "'%(value)s' is not yes or no (write yes/no, y/n, true/false, 1/0, បាទ/ទេ or មាន/គ្មាន)."))
NOT_IN_VOCABULARY = Message("cell.word", gettext_noop(
    "'%(value)s' is not a %(vocabulary)s Samleng knows. Write one of: %(words)s."))
TOO_MANY_DECIMALS = Message("cell.decimals", gettext_noop("'%(value)s' has more than %(places)s decimals."))
NEGATIVE_AMOUNT = Message("cell.negative_amount", gettext_noop(
    "'%(value)s' is negative; an amount of money cannot be."))
NOT_WHOLE_RIELS = Message("cell.whole_riels", gettext_noop("'%(value)s' is not a whole number of riels."))
NOT_A_PART = Message("cell.part", gettext_noop(
    "'%(value)s' is not a part: write name=number pairs separated by ';' (solved=9;partly_solved=30)."))
PART_TWICE = Message("cell.part_twice", gettext_noop("The part '%(part)s' is given twice."))


# ---- text and ids ------------------------------------------------------------------------------------

def text(raw, max_length: int | None = None) -> str:
    value = normalize(unneutralise(shown(raw)))
    if max_length and len(value) > max_length:
        raise CellError(TOO_LONG, length=len(value), max_length=max_length)
    return value


def long_text(raw) -> str:
    """Text of several lines (a note, a description): each line normalised, the line breaks kept."""
    return "\n".join(normalize(line) for line in unneutralise(shown(raw)).splitlines()).strip()


def ident(raw, max_length: int = 40) -> str:
    """An id column (cbo_id, person_id...): the NGO's own key. An id typed in Excel as a number comes back as
    a float (1001.0), and one typed with Khmer digits must match the same id typed with Latin digits."""
    return text(to_latin_digits(shown(raw)), max_length)


def id_list(raw) -> list[str]:
    """Ids separated by `;` (events.issues_raised). Commas are accepted too: people type both."""
    return [ident(part) for part in re.split(r"[;,]", shown(raw)) if part.strip()]


def phone(raw) -> str:
    """A phone number typed into a number cell loses its leading 0 (012 345 678 becomes 12345678): put it
    back, as Cambodian numbers written without the country code start with 0."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        digits = shown(raw)
        return digits if digits.startswith("0") else "0" + digits
    return text(to_latin_digits(shown(raw)), 40)


# ---- numbers -------------------------------------------------------------------------------------------

# 1234, 1,234, 1 234 (also with the no-break spaces spreadsheets insert), with an optional decimal part.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:([,\u00a0\u202f ])\d{3})(?:\1\d{3})*|\d+)(?:\.\d+)?")
_SEPARATORS = str.maketrans("", "", ",\u00a0\u202f ")


def _number_text(raw) -> str:
    value = to_latin_digits(str(raw)).strip()
    if not _NUMBER.fullmatch(value):
        raise CellError(NOT_A_NUMBER, value=shown(raw))
    return value.translate(_SEPARATORS)


def integer(raw) -> int:
    """A count: a whole number, not negative."""
    if isinstance(raw, bool):
        raise CellError(NOT_A_NUMBER, value=str(raw))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(NOT_WHOLE, value=shown(raw))
        value = int(raw)
    else:
        number = Decimal(_number_text(raw))
        if number != number.to_integral_value():
            raise CellError(NOT_WHOLE, value=shown(raw))
        value = int(number)
    if value < 0:
        raise CellError(NEGATIVE_COUNT, value=shown(raw))
    return value


def decimal(raw, places: int = 2) -> Decimal:
    """A measure such as an area in hectares, rounded to `places` decimals, not negative."""
    if isinstance(raw, bool):
        raise CellError(NOT_A_NUMBER, value=str(raw))
    try:
        # str() of a float is its shortest exact form: 12.3 stays 12.3, not 12.2999...
        number = Decimal(str(raw)) if isinstance(raw, (int, float)) else Decimal(_number_text(raw))
    except InvalidOperation:
        raise CellError(NOT_A_NUMBER, value=shown(raw)) from None
    if number < 0:
        raise CellError(NEGATIVE, value=shown(raw))
    return number.quantize(Decimal(1).scaleb(-places))


FIRST_YEAR, LAST_YEAR = 1900, 2100


def year(raw) -> int:
    value = integer(raw)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise CellError(NOT_A_YEAR, value=value, first=FIRST_YEAR, last=LAST_YEAR)
    return value


# ---- dates ---------------------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_SERIAL = re.compile(r"\d{1,6}(?:\.0+)?")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug makes that the day before day 1 for all
# dates after February 1900, which are the only plausible ones here).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def date(raw) -> dt.date:
    """ISO YYYY-MM-DD, an Excel date (a date cell, or its serial number), or DD/MM/YYYY; in Latin or Khmer
    digits. Impossible days (2023-02-30) and implausible years are refused."""
    if isinstance(raw, dt.datetime):
        return _plausible(raw.date(), raw)
    if isinstance(raw, dt.date):
        return _plausible(raw, raw)
    if isinstance(raw, bool):
        raise CellError(NOT_A_DATE, value=str(raw))
    if isinstance(raw, (int, float)):
        return _serial(raw)
    value = to_latin_digits(str(raw)).strip()
    if match := _ISO.fullmatch(value):
        year_, month, day = (int(g) for g in match.groups())
    elif match := _DMY.fullmatch(value):
        day, month, year_ = (int(g) for g in match.groups())
    elif _SERIAL.fullmatch(value):
        return _serial(float(value), raw)
    else:
        raise CellError(NOT_A_DATE, value=shown(raw))
    try:
        found = dt.date(year_, month, day)
    except ValueError:
        raise CellError(NO_SUCH_DAY, value=shown(raw)) from None
    return _plausible(found, raw)


def _serial(number: float, raw=None) -> dt.date:
    raw = number if raw is None else raw
    if not float(number).is_integer():
        number = int(number)  # a date-time serial: the day is the whole part
    try:
        found = _EXCEL_EPOCH + dt.timedelta(days=int(number))
    except OverflowError:
        raise CellError(NOT_A_DATE, value=shown(raw)) from None
    return _plausible(found, raw)


def _plausible(found: dt.date, raw) -> dt.date:
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise CellError(DATE_YEAR, value=shown(raw), year=found.year, first=FIRST_YEAR, last=LAST_YEAR)
    return found


# ---- yes/no --------------------------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1", "បាទ", "ចាស", "មាន", "ត្រូវ", "ពិត"}
_NO = {"no", "n", "false", "0", "ទេ", "គ្មាន", "អត់", "អត់ទេ", "មិនមាន", "មិនពិត"}


def yes_no(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    word = normalize(to_latin_digits(shown(raw))).lower().rstrip(".")
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(NOT_YES_NO, value=shown(raw))


def yes_no_text(value: bool | None) -> str:
    """How a workbook export writes a yes/no value."""
    return "" if value is None else ("yes" if value else "no")


# ---- vocabularies --------------------------------------------------------------------------------------

def _word_key(word: str) -> str:
    """Case, spaces, underscores, hyphens and apostrophes do not matter: `community_fishery`, `Community
    fishery` and `community-fishery` are one word; Khmer spelt with or without spaces too."""
    return re.sub(r"[\s_\-'’]+", "", normalize(word).lower())


class Vocabulary:
    """The words of one workbook column: each canonical value (a model's TextChoices value), its English
    label and its Khmer labels (first is the one shown in messages; others are common variants). `name` is
    the vocabulary's English name, marked with gettext_noop (its Khmer comes from the catalogue)."""

    def __init__(self, name: str, choices, khmer: dict[str, tuple[str, ...]]):
        self.name = name
        self.values = [value for value, _label in choices]
        self.labels = {value: str(label) for value, label in choices}  # English
        self.khmer = khmer
        missing = set(self.values) - set(khmer)
        if missing:  # a programming error: every value needs a Khmer label
            raise ValueError(f"no Khmer label for {sorted(missing)}")
        self._lookup: dict[str, str] = {}
        for value, label in choices:
            for word in (value, str(label), *khmer[value]):
                self._lookup.setdefault(_word_key(word), value)

    @classmethod
    def of_choices(cls, name: str, choices, synonyms: dict[str, tuple[str, ...]] | None = None) -> "Vocabulary":
        """A vocabulary of a model's choices: each value, its English label, and as Khmer words the label the
        pages show (from the Khmer catalogue), so that what a field officer copies from a page reads back,
        then the other words people type (`synonyms`)."""
        synonyms = synonyms or {}
        with translation.override("en"):
            english = {value: str(label) for value, label in choices}
        with translation.override("km"):
            khmer = {value: str(label) for value, label in choices}
        # A label the catalogue does not translate yet is English: the Khmer words come first then.
        words = {value: tuple(dict.fromkeys(
            (khmer[value], *synonyms.get(value, ())) if khmer[value] != english[value] else
            (*synonyms.get(value, ()), khmer[value]))) for value in khmer}
        return cls(name, list(english.items()), words)

    def __call__(self, raw) -> str:
        found = self._lookup.get(_word_key(shown(raw)))
        if found is None:
            raise CellError(NOT_IN_VOCABULARY, value=shown(raw), vocabulary=in_both(self.name), words=both(
                ", ".join(self.values), ", ".join(self.khmer[v][0] for v in self.values)))
        return found


# ---- figures of a results framework ----------------------------------------------------------------------

_PERCENT = re.compile(r"\s*%\s*$")


def figure(raw, places: int = 4) -> Decimal:
    """A figure as a report prints it: "45", "7.06", "14%", "៧០", "1,200". The decimals are kept as typed
    (Decimal("7.06") keeps its two places: `decimals_of` tells them); at most `places` of them. Not negative."""
    if isinstance(raw, bool):
        raise CellError(NOT_A_NUMBER, value=str(raw))
    if isinstance(raw, (int, float)):
        number = Decimal(shown(raw))  # 45.0 from calamine is 45; 7.06 stays 7.06
    else:
        typed = _PERCENT.sub("", to_latin_digits(str(raw)).strip())
        try:
            number = Decimal(_number_text(typed))
        except CellError:
            raise CellError(NOT_A_NUMBER, value=shown(raw)) from None
    if number < 0:
        raise CellError(NEGATIVE, value=shown(raw))
    if decimals_of(number) > places:
        raise CellError(TOO_MANY_DECIMALS, value=shown(raw), places=places)
    return number


def decimals_of(number: Decimal) -> int:
    """The decimals a figure was typed with: 7.06 -> 2, 45 -> 0, 45.0 -> 1."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def figure_text(number: Decimal | None, decimals: int | None = None) -> str:
    """How the export writes a figure: with `decimals` places when given (a reported value as printed),
    else without trailing zeros (a baseline stored as 14.00 is written 14)."""
    if number is None:
        return ""
    if decimals is not None:
        return f"{number:.{decimals}f}"
    return f"{number.normalize():f}"


def amount(raw) -> int:
    """An amount of money in riels: a whole number, with thousands separators or Khmer digits, not negative
    (a typed "1,200,000.00" is 1200000)."""
    if isinstance(raw, bool):
        raise CellError(NOT_A_NUMBER, value=str(raw))
    try:
        number = Decimal(shown(raw)) if isinstance(raw, (int, float)) else Decimal(_number_text(raw))
    except InvalidOperation:
        raise CellError(NOT_A_NUMBER, value=shown(raw)) from None
    if number < 0:
        raise CellError(NEGATIVE_AMOUNT, value=shown(raw))
    if number != number.to_integral_value():
        raise CellError(NOT_WHOLE_RIELS, value=shown(raw))
    return int(number)


_PART_KEY = re.compile(r"[a-z][a-z0-9_]*")


def parts(raw) -> dict[str, int]:
    """Parts of a figure as `key=value` pairs separated by `;` (solved=9;partly_solved=30): whole numbers."""
    found: dict[str, int] = {}
    for piece in re.split(r";", shown(raw)):
        if not piece.strip():
            continue
        key, sep, value = piece.partition("=")
        key = normalize(key).strip().lower().replace(" ", "_")
        if not sep or not _PART_KEY.fullmatch(key) or not value.strip():
            raise CellError(NOT_A_PART, value=piece.strip())
        if key in found:
            raise CellError(PART_TWICE, part=key)
        found[key] = integer(value.strip())
    return found


def parts_text(value: dict | None) -> str:
    return ";".join(f"{key}={number}" for key, number in (value or {}).items())
