"""Does a comment look like it names or reaches a person? A pure function, no database: a comment that matches
is held for moderation and the moderator is shown why (DESIGN.md, Privacy; issue 11). It errs towards holding:
a comment held by mistake waits a day for a moderator, a name published by mistake may cost someone their
safety.

What it finds:
- Cambodian phone numbers: 0 + 8 or 9 digits (012 345 678, 097 1234 567), or the same after +855, 00855,
  855 or (+855), with "(0)" or a 0 kept after the country code; spaces, dashes or dots between the digits;
  Khmer digits as well as Latin ones.
- 9-digit numbers, the national identity card's (not part of a longer number, nor of an amount written with
  separators such as 100,000,000).
- A title followed by a name: លោក, លោកស្រី, អ្នកស្រី, កញ្ញា, ឯកឧត្តម (with or without a space; Khmer does not
  put spaces between words), Mr, Mrs, Ms, Dr, H.E. followed by a capitalised or Khmer word. Words that only
  contain a title (ពិភពលោក "world", សកលលោក "universe", លោកិយ "worldly") and a title followed by a word
  that is not a name ("លោកអ្នក", "you"; "សូមលោកជួយ", "please, sir, help") are not taken for one.
"""

import re
from dataclasses import dataclass

from samleng.core.khmer import to_latin_digits

PHONE = "phone"
ID_NUMBER = "id_number"
TITLED_NAME = "titled_name"

_SEP = r"[ \t.\-\u00a0]"
_PHONE = re.compile(
    r"(?<![\d+])"
    r"(?:(?:(?:\+|00)\s?855|\(\+?855\)|855)" + _SEP + r"?(?:\(0\)|0)?" + _SEP + r"?|\(?0)"
    r"[1-9]\d\)?(?:" + _SEP + r"?\d){6,7}"
    r"(?!\d)"
)
_ID = re.compile(r"(?<![\d.,])\d{9}(?![\d]|[.,]\d)")

_KHMER_TITLES = ("លោកស្រី", "អ្នកស្រី", "ឯកឧត្តម", "កញ្ញា", "លោក")
#: Words in which a title is only a part ("world", "universe", "worldly", "Buddhist monk"...).
_KHMER_NOT_TITLES = ("ពិភពលោក", "សកលលោក", "លោកិយ", "លោកីយ", "ឧត្តមលោក", "ទេវលោក", "មនុស្សលោក", "លោកធាតុ")
#: Words that follow a title when it is said to someone ("you", "please help") rather than before a name.
_KHMER_NOT_NAMES = (
    "អ្នក", "ទាំង", "ជួយ", "មេត្តា", "ត្រូវ", "បាន", "មិន", "គួរ", "នឹង", "ជា", "និង", "ដែល", "ក៏", "ចូល", "មក",
    "ទៅ", "ឯង", "ថា", "មាន", "នៅ", "ធ្វើ", "សូម", "គឺ", "ផង", "ទេ", "ហើយ", "ក្នុង", "របស់", "ពី", "ឲ្យ", "អោយ",
    "ដល់", "ចំពោះ", "ពុំ", "ចង់", "យក",
)
_KHMER_TITLE = re.compile("(" + "|".join(_KHMER_TITLES) + r")[ \u00a0\u200b]*([\u1780-\u17a2][\u1780-\u17ff]*)")
_LATIN_TITLE = re.compile(
    r"(?<![\w.])(?:(?i:mrs|mr|ms|dr)\.?|(?i:h\.\s?e\.))[ \u00a0]+(?:[A-Z][\w'\-]+|[\u1780-\u17a2])")


@dataclass(frozen=True)
class Finding:
    kind: str  # PHONE, ID_NUMBER or TITLED_NAME
    start: int
    end: int


def _titled_names_km(text: str) -> list[Finding]:
    found = []
    for match in _KHMER_TITLE.finditer(text):
        start = match.start()
        if any(_part_of(text, start, word, match.group(1)) for word in _KHMER_NOT_TITLES):
            continue
        if match.group(2).startswith(_KHMER_NOT_NAMES):
            continue
        found.append(Finding(TITLED_NAME, start, match.end()))
    return found


def _part_of(text: str, start: int, word: str, title: str) -> bool:
    """Whether the title found at `start` is inside an occurrence of `word`."""
    offset = word.find(title)
    while offset != -1:
        if text.startswith(word, start - offset):
            return True
        offset = word.find(title, offset + 1)
    return False


def personal_details(text: str) -> list[Finding]:
    """What in `text` looks like a person's details, in the order found (phones first). Khmer digits count
    as digits; positions are those of `text`."""
    latin = to_latin_digits(text or "")
    phones = [Finding(PHONE, m.start(), m.end()) for m in _PHONE.finditer(latin)]
    ids = [Finding(ID_NUMBER, m.start(), m.end()) for m in _ID.finditer(latin)]
    titles = _titled_names_km(latin) + [Finding(TITLED_NAME, m.start(), m.end()) for m in _LATIN_TITLE.finditer(latin)]
    return phones + ids + sorted(titles, key=lambda f: f.start)


def hold_reasons(text: str) -> list[str]:
    """The kinds of personal details found, each once, in a fixed order (what a held comment stores)."""
    kinds = {finding.kind for finding in personal_details(text)}
    return [kind for kind in (PHONE, ID_NUMBER, TITLED_NAME) if kind in kinds]
