"""The page's language, and the name of a record in it."""

from django.utils.translation import get_language


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
