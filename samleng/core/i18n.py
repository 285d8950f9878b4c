"""The page's language, the name of a record in it, and the language a text is written in."""

import re

from django.utils.translation import get_language

_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_LATIN = re.compile("[A-Za-z]")


def text_language(text: str) -> str:
    """The language a text is written in, as far as its letters tell: "km" when it has Khmer letters, "en" when
    it has Latin letters and no Khmer ones, "" when it has neither (numbers, signs)."""
    if _KHMER.search(text):
        return "km"
    return "en" if _LATIN.search(text) else ""


def khmer_shown() -> bool:
    return (get_language() or "").startswith("km")


def local_text(km: str, en: str) -> str:
    """The Khmer or the English text, whichever the page is in, falling back to the other one."""
    return (km or en) if khmer_shown() else (en or km)


def local_name(obj) -> str:
    """The name of a record with name_km and name_en, in the page's language."""
    if obj is None:
        return ""
    return local_text(getattr(obj, "name_km", ""), getattr(obj, "name_en", ""))
