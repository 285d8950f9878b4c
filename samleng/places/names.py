"""How place names are compared. Cambodian names are romanised many ways ("Kampong" / "Kompong", "Mongkol
Borei" / "Mangkul Bourei", "Kleng" / "Klaeng", "Chetr Borei" / "Chet Borei"), Khmer names are typed with
small spelling variants (coeng DA or coeng TA, a vowel typed in two parts), and people add the word for
the unit ("Srok", "ខេត្ត", "province"). These functions reduce a name to the forms the lookup compares:

- `strip_affixes`: the name without the unit words people add;
- `plain_form`: lower-case letters and digits only, for literal comparison and fuzzy scoring;
- `romanised_key`: a phonetic key in which the usual romanisation variants coincide;
- `khmer_key`: Khmer text with its common spelling variants folded.

They are pure functions of the text: the gazetteer's names and the typed text go through the same ones."""

import re
import unicodedata
from functools import lru_cache

from samleng.core.khmer import fold, normalize, to_latin_digits

# Words for an administrative unit, typed before a name ("Srok Sandan", "ខេត្តកំពង់ធំ") or after it
# ("Kampong Thom province"). Khmer prefixes are matched without a space: Khmer has none between words.
_LATIN_PREFIXES = (
    "reach theany", "reach theani", "rajathani", "khet", "khan", "krong", "srok", "sangkat", "khum", "phum",
    "province of", "district of", "commune of", "village of", "capital", "municipality of",
)
_LATIN_SUFFIXES = (
    "capital city", "province", "provincial", "district", "commune", "village", "municipality", "capital",
    "city", "town",
)
_KHMER_PREFIXES = ("រាជធានី", "ខេត្ត", "ក្រុង", "ស្រុក", "ខណ្ឌ", "ឃុំ", "សង្កាត់", "ភូមិ")
_LATIN_PREFIX_RE = re.compile(r"^(?:" + "|".join(_LATIN_PREFIXES) + r")\b\.?\s*", re.IGNORECASE)
_LATIN_SUFFIX_RE = re.compile(r"\s*\b(?:" + "|".join(_LATIN_SUFFIXES) + r")\.?$", re.IGNORECASE)
# A Khmer prefix is a whole word only when a new syllable follows it: a consonant, an independent vowel, a
# digit or a space (not a dependent vowel or sign, which would make it part of a longer word).
_KHMER_PREFIX_RE = re.compile("^(?:" + "|".join(_KHMER_PREFIXES) + ")(?=[\u1780-\u17b3\u17e0-\u17e90-9 ])\\s*")
_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


def is_khmer(text: str) -> bool:
    return bool(_KHMER.search(text or ""))


def strip_affixes(text: str) -> str:
    """The name without the unit words around it: "Srok Sandan" and "Sandan district" give "Sandan",
    "ខេត្តកំពង់ធំ" gives "កំពង់ធំ". Never strips a name down to nothing ("Srok" stays "Srok")."""
    text = normalize(text)
    previous = None
    while text and text != previous:  # "Krong ... City": both ends, and stacked words
        previous = text
        stripped = _KHMER_PREFIX_RE.sub("", text) if is_khmer(text) else text
        stripped = _LATIN_SUFFIX_RE.sub("", _LATIN_PREFIX_RE.sub("", stripped)).strip(" ,.-")
        if stripped:
            text = stripped
    return text


@lru_cache(maxsize=65536)
def plain_form(text: str) -> str:
    """Lower-case ASCII letters and digits, nothing else ("Rolea B'ier" gives "roleabier")."""
    return re.sub(r"[^a-z0-9]+", "", plain_words(text))


def plain_words(text: str) -> str:
    """Lower-case ASCII, words apart, apostrophes dropped ("Rolea B'ier" gives "rolea bier")."""
    text = unicodedata.normalize("NFKD", to_latin_digits(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("'", "")).strip()


# Applied to each word, in order. Upper-case letters mark sounds already folded, so that later rules do
# not fold them again ("C" is ch/chh/j, "V" any vowel sound).
_WORD_FOLDS = [
    (re.compile(r"^kg$"), "kampong"),  # the usual abbreviation: "Kg Thom"
    (re.compile(r"'"), ""),
    (re.compile(r"c+h+|j"), "C"),  # ch, chh
    (re.compile(r"c"), "k"),
    (re.compile(r"([kpt])h"), r"\1"),  # kh, ph, th: aspiration is written or not
    (re.compile(r"d"), "t"),  # ដ and ត are romanised d or t ("Dangkao" / "Tangkao", "Oddar" / "Otdar")
    (re.compile(r"n[hy](?=[aeiou]|$)"), "n"),  # ញ: "Kravanh" / "Kravan", "Ponhea" / "Ponyea"
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"(?<=.)y"), "e"),  # y after the first letter is a vowel: "Russey" / "Ruessei"
    (re.compile(r"[aeiou]+"), "V"),  # vowels vary the most: "Kampong" / "Kompong", "Kleng" / "Klaeng"
    (re.compile(r"(?<=V)v$"), ""),  # a final v after a vowel is often left out: "Chrov" / "Chrau"
    (re.compile(r"r$"), ""),  # a final r is silent in Khmer: "Chetr" / "Chet", "Sangkae" / "Sangker"
    (re.compile(r"b$"), "p"),  # "Siem Reab" / "Siem Reap", "Kaeb" / "Kep"
    (re.compile(r"m(?=[bp])"), "n"),
]


@lru_cache(maxsize=65536)
def romanised_key(name: str) -> str:
    """A phonetic key of a romanised name in which the usual spellings of the same name coincide:
    "Mongkol Borei" and "Mangkul Bourei", "Kompong Thom" and "Kampong Thom", "Kleng" and "Klaeng". Spaces
    do not count ("Siemreap" / "Siem Reap"). Two different places may share a key; the lookup compares
    literal names first and reports ties as candidates, never as a match."""
    text = unicodedata.normalize("NFKD", to_latin_digits(name or "")).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9' ]+", " ", text).split()
    folded = []
    for word in words:
        for pattern, repl in _WORD_FOLDS:
            word = pattern.sub(repl, word)
        folded.append(word)
    key = re.sub(r"(.)\1+", r"\1", "".join(folded))  # doubled letters, also across words ("Ratanak Kiri")
    return key.replace("V", "a").replace("C", "c")  # plain c was folded into k: no clash


_KHMER_DROP = re.compile("[\\s\"'()\\[\\]‹›«».,\\-/`]+")


@lru_cache(maxsize=65536)
def khmer_key(name: str) -> str:
    """Khmer text in core.khmer's compared form (marks in one order, look-alike spellings folded, Latin
    digits), without spaces and punctuation."""
    return _KHMER_DROP.sub("", fold(name))


def name_forms(name: str) -> tuple[str, str]:
    """(literal form, phonetic key) of a name in either script: what the lookup compares."""
    if is_khmer(name):
        key = khmer_key(name)
        return key, key
    return plain_form(name), romanised_key(name)
