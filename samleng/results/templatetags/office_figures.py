"""The figures of the offices' responsiveness pages (views_offices): a share as "66.7%", "2 of 3" under it and,
below SMALL records, the small-number note. A tag rather than an included template: the ranking shows three
shares on each of its 50 rows, and 150 includes were most of the page's time."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from samleng.core.numbers import percent
from samleng.core.templatetags.samleng import num
from samleng.results.responsiveness import SMALL, Share

register = template.Library()


@register.simple_tag
def share(value: Share):
    if not value.whole:
        return format_html('<span class="nodata">{}</span>', _("no data"))
    html = format_html('<span class="figure">{}</span>\n<span class="fraction">{}</span>', percent(value.percent),
                       _("%(part)s of %(whole)s") % {"part": num(value.part), "whole": num(value.whole)})
    if value.small:
        html += format_html('\n<small class="muted">{}</small>',
                            _("Fewer than %(small)s records: read it with care.") % {"small": num(SMALL)})
    return html
