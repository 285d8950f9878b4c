"""Khmer text: normalisation, word segmentation and digits. Every other module goes through these
functions so that what is stored and what is searched are always prepared the same way."""

import re
import sys
import unicodedata
from functools import lru_cache

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_KHMER = str.maketrans("0123456789", KHMER_DIGITS)
_FROM_KHMER = str.maketrans(KHMER_DIGITS, "0123456789")
# Zero-width characters that Khmer keyboards insert between words; invisible, but they break equality.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
_KHMER_CHAR = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


def normalize(text: str) -> str:
    """The form in which Khmer (and any) text is stored: NFC, no zero-width characters, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def has_khmer(text: str) -> bool:
    return bool(_KHMER_CHAR.search(text or ""))


def to_khmer_digits(text: str) -> str:
    return str(text).translate(_TO_KHMER)


def to_latin_digits(text: str) -> str:
    return str(text).translate(_FROM_KHMER)


@lru_cache(maxsize=1)
def _tokenizer():
    # khmercut loads its model on first use; keep it behind this function so nothing else imports it.
    from khmercut import tokenize

    return tokenize


def release_segmenter() -> bool:
    """Let go of khmercut's model (24 MB once loaded) until the next Khmer text to segment loads it again,
    which takes 10-20 ms: the workbook import does after each sheet it writes, so that the writes that
    segment nothing, and a worker between imports, do not hold it. A thread segmenting at that moment keeps
    the model it is using till it is done. Returns whether it was loaded (the caller may then give the freed
    memory back to the system)."""
    if "khmercut" not in sys.modules or sys.modules["khmercut"].tagger is None:
        return False
    sys.modules["khmercut"].tagger = None  # its load() makes another on the next call
    return True


def segment(text: str) -> list[str]:
    """Split text into words. Khmer is written without spaces between words, so it is segmented with
    khmercut; other scripts are split on spaces and punctuation."""
    words: list[str] = []
    for chunk in re.split(r"[\s,.;:!?()\[\]\"'/\-–—។៕]+", normalize(text)):
        if not chunk:
            continue
        if has_khmer(chunk):
            words.extend(w for w in _tokenizer()(chunk) if w.strip())
        else:
            words.append(chunk)
    return words


def search_text(*parts: str) -> str:
    """The text kept for searching a record: its words, segmented and lower-cased, separated by spaces."""
    return " ".join(w.lower() for part in parts if part for w in segment(part))


def search_terms(query: str) -> list[str]:
    """The words of a search query, prepared as `search_text` prepares the records."""
    return [w.lower() for w in segment(to_latin_digits(query))]


# ---- the form in which text is compared ---------------------------------------------------------------
# Khmer looks the same on screen typed several ways. Within a syllable the marks after the base follow one
# order (Unicode's: robat and subscripts, then the register shifter, then the vowel, then the signs), but
# keyboards let people type them in any order; and a few letters and vowels have look-alike spellings.
_MARKS = re.compile("\u17d2[\u1780-\u17b3]|[\u17b6-\u17d1\u17d3\u17dd]")
_MARK_RUN = re.compile("(?:\u17d2[\u1780-\u17b3]|[\u17b6-\u17d1\u17d3\u17dd]){2,}")


def _mark_rank(mark: str) -> int:
    if mark[0] == "\u17d2" or mark == "\u17cc":  # a subscript consonant (coeng + consonant), robat
        return 0
    if mark in "\u17c9\u17ca":  # the register shifters
        return 1
    if "\u17b6" <= mark <= "\u17c5":  # dependent vowels
        return 2
    return 3  # nikahit, reahmuk and the other signs


def _ordered_marks(run: re.Match) -> str:
    return "".join(sorted(_MARKS.findall(run.group()), key=_mark_rank))  # stable: vowels keep their order


# Look-alike spellings folded to one: coeng DA / coeng TA, a vowel typed in two parts, old letter forms.
_KHMER_FOLDS = (
    ("\u17d2\u178a", "\u17d2\u178f"),  # ្ដ -> ្ត
    ("\u17c1\u17b8", "\u17be"),  # េ + ី -> ើ
    ("\u17c1\u17b6", "\u17c4"),  # េ + ា -> ោ
    ("\u17b2", "\u17b1"),  # ឲ -> ឱ
    ("\u17a3", "\u17a2"),  # ឣ (deprecated) -> អ
)


def fold(text: str) -> str:
    """The form in which text is compared (never stored): `normalize`, the marks of each Khmer syllable in
    one order (ំា typed for ាំ, a vowel typed before a subscript), look-alike spellings folded (coeng DA and
    TA, a vowel in two parts, old letters), Latin digits, lower case. Search and the place lookup use it."""
    text = _MARK_RUN.sub(_ordered_marks, normalize(text))
    for old, new in _KHMER_FOLDS:
        text = text.replace(old, new)
    return to_latin_digits(text).lower()


# A Khmer syllable starts at a consonant or an independent vowel that is not a subscript (after a coeng),
# unless the consonant closes the syllable before it: one that carries a killer sign (ង់, ន៍), or one after a
# dependent vowel with no vowel of its own (the យ of ឡាយ, the ច of ស្រោចស្រព).
_SYLLABLE_START = re.compile(
    "(?<!\u17d2)(?<![\u17b6-\u17c5])[\u1780-\u17b3](?![\u17cb\u17cd-\u17d1\u17dd])"
    "|(?<=[\u17b6-\u17c5])[\u1780-\u17b3](?=[\u17b6-\u17c5\u17d2\u17c9\u17ca])")


def syllable_starts(word: str) -> list[int]:
    """Where the written syllables of a Khmer word begin ("ព្រៃឈើ": 0 and 4), as far as spelling tells: the
    places where a word inside a compound may begin."""
    last = len(word) - 1  # a consonant alone at the end closes the syllable before it (the ព of ស្រព)
    return [m.start() for m in _SYLLABLE_START.finditer(word) if m.start() == 0 or m.start() < last]
