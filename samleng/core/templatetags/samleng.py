"""Template filters and tags used on every page (loaded as builtins in settings)."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from samleng.core.dates import long_date, long_datetime
from samleng.core.i18n import khmer_shown, local_name, local_text, text_language
from samleng.core.khmer import to_khmer_digits
from samleng.core.numbers import percent as percent_text
from samleng.core.related import Block

register = template.Library()


@register.filter
def digits(value):
    """Show the digits of a number or date in Khmer when the page is in Khmer."""
    if value is None or value == "":
        return ""
    return to_khmer_digits(value) if khmer_shown() else str(value)


@register.filter
def num(value):
    """A number with thousands separators, in Khmer digits on Khmer pages; "–" when there is none."""
    if value is None or value == "":
        return "–"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
    return digits(text)


@register.filter
def isodate(value):
    """A date as YYYY-MM-DD (unambiguous in both languages), in Khmer digits on Khmer pages."""
    return digits(value.isoformat()) if value else "–"


@register.filter
def longdate(value):
    """A date in words, as people write it: "17 March 2022", "១៧ មីនា ២០២២" on Khmer pages (a moment: its day
    in Phnom Penh); "–" for none."""
    return long_date(value) if value else "–"


@register.filter
def longdatetime(value):
    """A moment as its day in words and its time in Phnom Penh: "17 March 2022, 14:05",
    "១៧ មីនា ២០២២ ម៉ោង ១៤:០៥" on Khmer pages; "–" for none."""
    return long_datetime(value) if value else "–"


@register.filter
def percent(value):
    """A share in percent, whole when whole, else with one decimal: "62%", "39.8%", "៣៩.៨%" on Khmer pages;
    "–" for none (core.numbers.percent: the same on pages, in reports and on the command line)."""
    return percent_text(value) or "–"


@register.filter(name="lang")
def in_its_language(text):
    """Text as people typed it (a title, a name, a note), marked with the language of its letters when that is
    not the page's: `<span lang="en">` around English on a Khmer page, `<span lang="km">` around Khmer on an
    English page, so that a screen reader reads it in the right voice (and the browser picks the right font).
    Put it last, and only in an element's text (never in an attribute or the page's <title>):
    `{{ event.title|lang }}`, `{{ cbo|name|lang }}`."""
    text = "" if text is None else text
    language = text_language(str(text))
    if not language or language == ("km" if khmer_shown() else "en"):
        return text
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def name(obj):
    """The Khmer or English name of a record with name_km and name_en, falling back to the other one (in an
    element's text, `{{ cbo|name|lang }}` marks a fallback with its language)."""
    return local_name(obj)


@register.filter
def title(obj):
    """The Khmer or English title of a record with title_km and title_en, falling back to the other one."""
    return local_text(getattr(obj, "title_km", ""), getattr(obj, "title_en", ""))


@register.filter
def local(obj, field):
    """A record's text in the page's language, falling back to the other one: `{{ issue|local:"description" }}`
    reads `description_km` on Khmer pages and `description` (or `description_en`) on English ones. Follow it
    with `|lang` in an element's text to mark a fallback: `{{ update|local:"note"|linebreaksbr|lang }}`."""
    if obj is None:
        return ""
    english = getattr(obj, field, None)
    if english is None:
        english = getattr(obj, f"{field}_en", "")
    return local_text(getattr(obj, f"{field}_km", "") or "", english or "")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for filters and pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.simple_tag
def see_also(blocks):
    """Blocks that other apps add to this page (core.related): one Block or a list of them, each rendered
    with its own partial and context. Nothing when there are none."""
    if isinstance(blocks, Block):
        blocks = [blocks]
    return mark_safe("".join(render_to_string(block.template, dict(block.context)) for block in blocks or ()))
