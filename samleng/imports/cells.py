"""Reading one cell of a workbook as people type it: numbers with Khmer digits and thousands separators,
dates in three forms, yes/no words in both languages, vocabulary words or their Khmer labels, places.

Every parser takes the raw cell (a str from a .csv; from an .xlsx, calamine also gives floats, bools, dates
and datetimes) and returns the value, or raises CellError with a message in English and in Khmer: field
officers read these messages, so they say what is wrong in plain words."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from samleng.core.khmer import normalize, to_khmer_digits, to_latin_digits


class CellError(ValueError):
    def __init__(self, message_en: str, message_km: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_km = message_km


def shown(raw) -> str:
    """A cell's value as the person typed it, for messages (12.0 from calamine is shown as 12)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# ---- text and ids ------------------------------------------------------------------------------------

def text(raw, max_length: int | None = None) -> str:
    value = normalize(shown(raw))
    if max_length and len(value) > max_length:
        raise CellError(f"This text is {len(value)} characters long; at most {max_length} fit here.",
                        f"អត្ថបទនេះមាន {to_khmer_digits(len(value))} តួអក្សរ; កន្លែងនេះដាក់បានយ៉ាងច្រើន "
                        f"{to_khmer_digits(max_length)} តួអក្សរ។")
    return value


def long_text(raw) -> str:
    """Text of several lines (a note, a description): each line normalised, the line breaks kept."""
    return "\n".join(normalize(line) for line in shown(raw).splitlines()).strip()


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
        raise CellError(f"'{shown(raw)}' is not a number.", f"'{shown(raw)}' មិនមែនជាលេខទេ។")
    return value.translate(_SEPARATORS)


def integer(raw) -> int:
    """A count: a whole number, not negative."""
    if isinstance(raw, bool):
        raise CellError(f"'{raw}' is not a number.", f"'{raw}' មិនមែនជាលេខទេ។")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise _not_whole(raw)
        value = int(raw)
    else:
        number = Decimal(_number_text(raw))
        if number != number.to_integral_value():
            raise _not_whole(raw)
        value = int(number)
    if value < 0:
        raise CellError(f"'{shown(raw)}' is negative; a count cannot be.",
                        f"'{shown(raw)}' ជាលេខអវិជ្ជមាន; ចំនួនមិនអាចអវិជ្ជមានបានទេ។")
    return value


def _not_whole(raw) -> CellError:
    return CellError(f"'{shown(raw)}' is not a whole number.", f"'{shown(raw)}' មិនមែនជាចំនួនគត់ទេ។")


def decimal(raw, places: int = 2) -> Decimal:
    """A measure such as an area in hectares, rounded to `places` decimals, not negative."""
    if isinstance(raw, bool):
        raise CellError(f"'{raw}' is not a number.", f"'{raw}' មិនមែនជាលេខទេ។")
    try:
        # str() of a float is its shortest exact form: 12.3 stays 12.3, not 12.2999...
        number = Decimal(str(raw)) if isinstance(raw, (int, float)) else Decimal(_number_text(raw))
    except InvalidOperation:
        raise CellError(f"'{shown(raw)}' is not a number.", f"'{shown(raw)}' មិនមែនជាលេខទេ។") from None
    if number < 0:
        raise CellError(f"'{shown(raw)}' is negative; it cannot be.", f"'{shown(raw)}' ជាលេខអវិជ្ជមាន; មិនអាចទេ។")
    return number.quantize(Decimal(1).scaleb(-places))


FIRST_YEAR, LAST_YEAR = 1900, 2100


def year(raw) -> int:
    value = integer(raw)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise CellError(f"{value} is not a plausible year (give one between {FIRST_YEAR} and {LAST_YEAR}).",
                        f"{to_khmer_digits(value)} មិនមែនជាឆ្នាំដែលអាចជឿបានទេ (សូមដាក់ឆ្នាំចន្លោះ "
                        f"{to_khmer_digits(FIRST_YEAR)} និង {to_khmer_digits(LAST_YEAR)})។")
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
        raise _not_a_date(raw)
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
        raise _not_a_date(raw)
    try:
        found = dt.date(year_, month, day)
    except ValueError:
        raise CellError(f"'{shown(raw)}' is not a real date (there is no such day).",
                        f"'{shown(raw)}' មិនមែនជាកាលបរិច្ឆេទពិតទេ (គ្មានថ្ងៃនេះទេ)។") from None
    return _plausible(found, raw)


def _serial(number: float, raw=None) -> dt.date:
    raw = number if raw is None else raw
    if not float(number).is_integer():
        number = int(number)  # a date-time serial: the day is the whole part
    try:
        found = _EXCEL_EPOCH + dt.timedelta(days=int(number))
    except OverflowError:
        raise _not_a_date(raw) from None
    return _plausible(found, raw)


def _plausible(found: dt.date, raw) -> dt.date:
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise CellError(
            f"'{shown(raw)}' gives the year {found.year}; a date here must fall between {FIRST_YEAR} and "
            f"{LAST_YEAR}.",
            f"'{shown(raw)}' ផ្តល់ឆ្នាំ {to_khmer_digits(found.year)}; កាលបរិច្ឆេទនៅទីនេះត្រូវស្ថិតនៅចន្លោះឆ្នាំ "
            f"{to_khmer_digits(FIRST_YEAR)} និង {to_khmer_digits(LAST_YEAR)}។")
    return found


def _not_a_date(raw) -> CellError:
    return CellError(f"'{shown(raw)}' is not a date: write it as YYYY-MM-DD (2024-03-31) or DD/MM/YYYY.",
                     f"'{shown(raw)}' មិនមែនជាកាលបរិច្ឆេទទេ៖ សូមសរសេរជា ឆ្នាំ-ខែ-ថ្ងៃ (២០២៤-០៣-៣១) ឬ ថ្ងៃ/ខែ/ឆ្នាំ។")


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
    raise CellError(f"'{shown(raw)}' is not yes or no (write yes/no, y/n, true/false, 1/0, បាទ/ទេ or មាន/គ្មាន).",
                    f"'{shown(raw)}' មិនមែនជា បាទ ឬ ទេ (សូមសរសេរ បាទ/ទេ មាន/គ្មាន yes/no ឬ ១/០)។")


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
    label and its Khmer labels (first is the one shown in messages; others are common variants)."""

    def __init__(self, name_en: str, name_km: str, choices, khmer: dict[str, tuple[str, ...]]):
        self.name_en, self.name_km = name_en, name_km
        self.values = [value for value, _label in choices]
        self.khmer = khmer
        missing = set(self.values) - set(khmer)
        if missing:  # a programming error: every value needs a Khmer label
            raise ValueError(f"no Khmer label for {sorted(missing)}")
        self._lookup: dict[str, str] = {}
        for value, label in choices:
            for word in (value, str(label), *khmer[value]):
                self._lookup.setdefault(_word_key(word), value)

    def __call__(self, raw) -> str:
        found = self._lookup.get(_word_key(shown(raw)))
        if found is None:
            raise CellError(
                f"'{shown(raw)}' is not a {self.name_en} Samleng knows. Write one of: {', '.join(self.values)}.",
                f"'{shown(raw)}' មិនមែនជា{self.name_km}ដែលសំឡេងស្គាល់ទេ។ សូមសរសេរមួយក្នុងចំណោម៖ "
                f"{', '.join(self.khmer[v][0] for v in self.values)}។")
        return found


# ---- figures of a results framework ----------------------------------------------------------------------

_PERCENT = re.compile(r"\s*%\s*$")


def figure(raw, places: int = 4) -> Decimal:
    """A figure as a report prints it: "45", "7.06", "14%", "៧០", "1,200". The decimals are kept as typed
    (Decimal("7.06") keeps its two places: `decimals_of` tells them); at most `places` of them. Not negative."""
    if isinstance(raw, bool):
        raise CellError(f"'{raw}' is not a number.", f"'{raw}' មិនមែនជាលេខទេ។")
    if isinstance(raw, (int, float)):
        number = Decimal(shown(raw))  # 45.0 from calamine is 45; 7.06 stays 7.06
    else:
        typed = _PERCENT.sub("", to_latin_digits(str(raw)).strip())
        try:
            number = Decimal(_number_text(typed))
        except CellError:
            raise CellError(f"'{shown(raw)}' is not a number.", f"'{shown(raw)}' មិនមែនជាលេខទេ។") from None
    if number < 0:
        raise CellError(f"'{shown(raw)}' is negative; it cannot be.", f"'{shown(raw)}' ជាលេខអវិជ្ជមាន; មិនអាចទេ។")
    if decimals_of(number) > places:
        raise CellError(f"'{shown(raw)}' has more than {places} decimals.",
                        f"'{shown(raw)}' មានខ្ទង់ទសភាគច្រើនជាង {to_khmer_digits(places)}។")
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
    text = f"{number.normalize():f}"
    return text


def amount(raw) -> int:
    """An amount of money in riels: a whole number, with thousands separators or Khmer digits, not negative
    (a typed "1,200,000.00" is 1200000)."""
    if isinstance(raw, bool):
        raise CellError(f"'{raw}' is not a number.", f"'{raw}' មិនមែនជាលេខទេ។")
    try:
        number = Decimal(shown(raw)) if isinstance(raw, (int, float)) else Decimal(_number_text(raw))
    except InvalidOperation:
        raise CellError(f"'{shown(raw)}' is not a number.", f"'{shown(raw)}' មិនមែនជាលេខទេ។") from None
    if number < 0:
        raise CellError(f"'{shown(raw)}' is negative; an amount of money cannot be.",
                        f"'{shown(raw)}' ជាលេខអវិជ្ជមាន; ចំនួនទឹកប្រាក់មិនអាចអវិជ្ជមានបានទេ។")
    if number != number.to_integral_value():
        raise CellError(f"'{shown(raw)}' is not a whole number of riels.",
                        f"'{shown(raw)}' មិនមែនជាចំនួនរៀលគត់ទេ។")
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
            raise CellError(
                f"'{piece.strip()}' is not a part: write name=number pairs separated by ';' "
                "(solved=9;partly_solved=30).",
                f"'{piece.strip()}' មិនមែនជាផ្នែកទេ៖ សូមសរសេរជាគូ ឈ្មោះ=លេខ បំបែកដោយ ';' (solved=9;partly_solved=30)។")
        if key in found:
            raise CellError(f"The part '{key}' is given twice.", f"ផ្នែក '{key}' ត្រូវបានផ្តល់ពីរដង។")
        found[key] = integer(value.strip())
    return found


def parts_text(value: dict | None) -> str:
    return ";".join(f"{key}={number}" for key, number in (value or {}).items())
