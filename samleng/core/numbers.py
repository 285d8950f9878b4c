"""Shares in percent as people read them, the same on pages, in reports and on the command line: whole when
whole ("62%"), else with one decimal ("39.8%"), rounded half up, in Khmer digits in Khmer ("៣៩.៨%"). The JSON
API keeps the full precision; a figure a past report printed with more decimals may be shown with them
(`places`), so that it can be told apart from the computed one."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation

from samleng.core.khmer import to_khmer_digits


def _khmer(language: str | None) -> bool:
    return (language or translation.get_language() or "en").startswith("km")


def decimal_or_none(value) -> Decimal | None:
    """A number of any kind ("78.0000", 39, 39.76, Decimal) as a Decimal; None for none or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def percent_number(value, places: int = 1) -> str:
    """The figure of a share without its sign, in Latin digits: "62", "39.8", "1,250.5"; "" for none.
    Rounded half up to `places` decimals, trailing zeros dropped (39.80 -> "39.8", 62.04 -> "62")."""
    number = decimal_or_none(value)
    if number is None:
        return ""
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(value, language: str | None = None, *, places: int = 1) -> str:
    """A share in percent: "62%", "39.8%", "៣៩.៨%" in Khmer (`language`, by default the active one); "" for
    none (the caller says "no data" its own way)."""
    text = percent_number(value, places)
    if not text:
        return ""
    text += "%"
    return to_khmer_digits(text) if _khmer(language) else text
