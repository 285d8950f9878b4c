"""Khmer text: normalisation, word segmentation and digits. Every other module goes through these
functions so that what is stored and what is searched are always prepared the same way."""

import re
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
