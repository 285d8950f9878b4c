"""The public pages of each office's responsiveness (responsiveness.py): one page per office, and a ranking of
the offices of a province. For everyone, without login and without JavaScript: the anonymous public counts the
public records only, a logged-in reader the records they may see. Not cached: the figures change with the day
(what is overdue) and with records of transparency, which the page cache does not watch.

Kept apart from views.py (the staff pages of the results framework) so that the two change independently."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.places import selectors as places
from samleng.results import responsiveness

#: Offices on one page of the ranking.
PER_PAGE = 50
#: The ?province= value of the national offices (ministries), which sit in no province.
NATIONAL = "national"
#: The ranking's orders, as its form offers them.
SORT_CHOICES = [
    ("on_time", _("requests answered on time")),
    ("solved", _("issues solved")),
    ("kept", _("commitments kept")),
    ("median_days", _("days to a solution")),
    ("requests", _("requests asked")),
    ("issues", _("issues addressed")),
    ("name", _("name")),
]
LEVELS = [("commune", _("commune")), ("district", _("district")), ("province", _("province")),
          ("village", _("village")), ("national", _("national"))]


def _province_of(office):
    """The province an office sits in (itself for a province's office), None for a national office."""
    if office.place is None:
        return None
    return (places.place_ancestors(office.place) or [office.place])[0]


def office_detail(request, office_id: str):
    figures = responsiveness.office_figures(request.user, office_id, today=timezone.localdate())
    if figures is None:
        raise Http404
    office = figures.office
    province = _province_of(office)
    return render(request, "results/office.html", {
        "f": figures, "office": office, "province": province,
        "ranking_key": province.code if province else NATIONAL,
        "where": places.place_label(office.place) if office.place else "",
        "small": responsiveness.SMALL, "public_reader": not request.user.is_authenticated,
        "comment_figures": responsiveness.office_comments(request.user, office),
    })


def office_ranking(request):
    provinces = places.provinces()
    by_code = {p.code: p for p in provinces}
    chosen = request.GET.get("province", "")
    level = request.GET.get("level", "")
    level = level if level in dict(LEVELS) else ""
    sort = request.GET.get("sort", "on_time")
    sort = sort if sort in responsiveness.SORTS else "on_time"
    context = {"provinces": provinces, "chosen": chosen, "level": level, "sort": sort, "levels": LEVELS,
               "sorts": SORT_CHOICES, "small": responsiveness.SMALL,
               "public_reader": not request.user.is_authenticated}
    if chosen == NATIONAL or chosen in by_code:
        province = by_code.get(chosen)
        result = responsiveness.ranking(request.user, province=province, level=level, sort=sort,
                                        today=timezone.localdate())
        page = Paginator(result.rows, PER_PAGE).get_page(request.GET.get("page"))
        labels = {value: str(label) for value, label in LEVELS}  # each translated once, not once a row
        for figures in page.object_list:
            figures.level_label = labels.get(figures.office.level, figures.office.level)
        context.update(ranked=True, province=province, national=province is None, page=page,
                       without_records=result.without_records, start=page.start_index())
    return render(request, "results/office_ranking.html", context)
