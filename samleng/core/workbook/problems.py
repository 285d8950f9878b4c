"""What is wrong with a workbook, said in either language. A problem is stored as a code and its parameters
(a run's report is JSON); its words come from the message catalogue when it is shown, in English or Khmer.
Every message is written once, in English, as `Message(code, gettext_noop("... %(name)s ..."))`; the Khmer
is its translation in `locale/km`.

    NOT_A_NUMBER = Message("cell.number", gettext_noop("'%(value)s' is not a number."))
    problems.error("cbos", 3, "members_total", NOT_A_NUMBER, value="many")
    str(problems.errors[0])   # "cbos, row 3, members_total: 'many' is not a number. — 'many' មិនមែនជាលេខទេ។"
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from samleng.core.khmer import to_khmer_digits

LANGUAGES = ("en", "km")


class Message:
    """One message an import may say, known by its code (so that a stored report can be shown in any
    language). The text is the English original with `%(name)s` placeholders."""

    registry: dict[str, "Message"] = {}

    def __init__(self, code: str, text: str):
        known = Message.registry.get(code)
        if known is not None and known.text != text:
            raise ValueError(f"two messages with the code {code!r}")
        self.code, self.text = code, text
        Message.registry[code] = self

    def render(self, params: dict, language: str) -> str:
        with translation.override(language):
            template = gettext(self.text)
            values = {key: _shown(value, language) for key, value in params.items()}
            try:
                return template % values
            except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder: say the English
                return self.text % {key: _shown(value, "en") for key, value in params.items()}

    def __repr__(self):
        return f"Message({self.code!r})"


def text(en: str, km: str) -> dict:
    """A parameter whose words differ by language (a vocabulary's labels, a place's names)."""
    return {"en": en, "km": km}


#: A parameter is cut to this many characters: a report quotes a bad cell, it does not copy a 100 KB one.
PARAM_LENGTH = 200


def _cut(text: str) -> str:
    return text if len(text) <= PARAM_LENGTH else text[:PARAM_LENGTH - 1] + "…"


def _stored(value):
    """A parameter as JSON keeps it, with what it is (a date, a number) so that Khmer can show its digits."""
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, dict) and "en" in value:
        return {language: _cut(str(words)) for language, words in value.items()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, (list, tuple)):
        return _cut(", ".join(str(v) for v in value))
    return value


def _shown(value, language: str) -> str:
    if isinstance(value, dict):
        if "en" in value:
            return value.get(language) or value["en"]
        value = value.get("date") or value.get("number") or ""
        return to_khmer_digits(value) if language == "km" else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return to_khmer_digits(value) if language == "km" else str(value)
    return "" if value is None else str(value)


UNKNOWN = Message("unknown", gettext_noop("Something is wrong here (%(code)s)."))


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a workbook. `row` is the row number the spreadsheet shows
    (the header is row 1); None when the problem is the whole sheet or file."""

    sheet: str
    row: int | None
    column: str
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=True)

    @classmethod
    def of(cls, sheet: str, row: int | None, column: str, message: Message, /, **params) -> "Problem":
        # The sheet's and the column's names are what the workbook's author typed: cut like the parameters.
        return cls(_cut(str(sheet)), row, _cut(str(column)), message.code, {k: _stored(v) for k, v in params.items()})

    def message(self, language: str) -> str:
        found = Message.registry.get(self.code)
        if found is None:  # a report stored by a version that knew a message this one does not
            return UNKNOWN.render({"code": self.code}, language)
        return found.render(self.params, language)

    @property
    def message_en(self) -> str:
        return self.message("en")

    @property
    def message_km(self) -> str:
        return self.message("km")

    def __str__(self) -> str:
        where = ", ".join(str(part) for part in (
            self.sheet, f"row {self.row}" if self.row else "", self.column) if part)
        return f"{where}: {self.message_en} — {self.message_km}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "code": self.code,
                "params": self.params}

    @classmethod
    def from_dict(cls, stored: dict) -> "Problem":
        return cls(stored.get("sheet", ""), stored.get("row"), stored.get("column", ""), stored.get("code", ""),
                   stored.get("params") or {})


MORE_ERRORS = Message("more_errors", gettext_noop(
    "and %(count)s more errors of the same kinds (%(kinds)s): correct those above, then import again."))
STOPPED = Message("stopped", gettext_noop(
    "Samleng stopped checking after %(count)s errors: correct those listed, then import again."))


class Problems:
    """The errors and warnings of one import. At most `listed` of each are kept; the errors beyond are
    counted by kind (their message code), so that a workbook with a million bad rows costs no more memory
    than one with two hundred. `stop_after` errors make `enough` true: the run stops reading then."""

    def __init__(self, listed: int = 200, stop_after: int = 10_000):
        self.listed, self.stop_after = listed, stop_after
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.error_count = 0
        self.more: Counter = Counter()  # message code -> errors not listed

    def error(self, sheet: str, row: int | None, column: str, message: Message, /, **params) -> None:
        self.error_count += 1
        if len(self.errors) < self.listed:
            self.errors.append(Problem.of(sheet, row, column, message, **params))
        else:
            self.more[message.code] += 1

    def add(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < self.listed:
            self.errors.append(problem)
        else:
            self.more[problem.code] += 1

    def warn(self, sheet: str, row: int | None, column: str, message: Message, /, **params) -> None:
        if len(self.warnings) < self.listed:
            self.warnings.append(Problem.of(sheet, row, column, message, **params))

    @property
    def enough(self) -> bool:
        return self.error_count >= self.stop_after

    def summary(self, file_name: str) -> list[Problem]:
        """The problems that say how many more there are, to list after the others."""
        said = []
        if self.more:
            kinds = ", ".join(f"{code} x {count}" for code, count in self.more.most_common())
            said.append(Problem.of(file_name, None, "", MORE_ERRORS, count=sum(self.more.values()), kinds=kinds))
        if self.enough:
            said.append(Problem.of(file_name, None, "", STOPPED, count=self.error_count))
        return said
