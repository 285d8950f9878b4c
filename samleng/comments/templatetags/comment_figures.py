"""The figures of citizens' comments (comments.selectors.Figure): the number, or, where fewer than SMALL comments
stand behind it and the reader is not staff, a note in its place (DESIGN.md, Privacy). A tag rather than an
included template: a figures table has some twenty cells."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from samleng.comments.selectors import SMALL, Figure
from samleng.core.numbers import percent
from samleng.core.templatetags.samleng import num

register = template.Library()


@register.simple_tag
def comment_figure(figure: Figure, kind: str = "count"):
    """`kind`: "count", "percent" or "days"."""
    if not figure.shown:
        return format_html('<span class="withheld">{}</span>',
                           _("fewer than %(small)s comments") % {"small": num(SMALL)})
    if figure.value is None:
        return format_html('<span class="nodata">{}</span>', _("no data"))
    if kind == "percent":
        return percent(figure.value)
    if kind == "days":
        return _("%(days)s days") % {"days": num(figure.value)}
    return num(figure.value)
