"""The staff pages of budgets: which units' years have figures, and publishing or withdrawing them; the
pending revisions of published years, to approve or reject. Nothing of a budget is public until it is
published, and a published figure changes only when a revision is approved. Only staff who see everything
(administrators, M&E officers) publish and approve: a published figure is Samleng speaking to the public.
Others get a 403; visitors go to the login."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samleng.budgets import selectors
from samleng.budgets.models import NATIONAL, BudgetLine, Project, Publication, Revision
from samleng.budgets.services import publication_set as publication_write
from samleng.budgets.services import revision_approve_many, revision_reject
from samleng.core.i18n import local_name
from samleng.places.models import Place

PAGE_SIZE = 50
#: The gazetteer level of each level of budget unit but the nation.
LEVELS = {"province": Place.Level.PROVINCE, "district": Place.Level.DISTRICT, "commune": Place.Level.COMMUNE}


def _require_publisher(request) -> None:
    if not request.user.sees_everything:
        raise PermissionDenied


class PublicationFilterForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False, choices=[
        ("", gettext_lazy("all")), ("national", gettext_lazy("national")), ("province", gettext_lazy("province")),
        ("district", gettext_lazy("district")), ("commune", gettext_lazy("commune"))])
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=gettext_lazy("Published"), required=False, choices=[
        ("", gettext_lazy("all")), ("published", gettext_lazy("published")),
        ("unpublished", gettext_lazy("not published"))])

    def __init__(self, data, *, provinces, years):
        super().__init__(data)
        # The province's name in the page's language (a Khmer page offers Khmer names).
        self.fields["province"].choices = [("", _("all"))] + [(p.code, f"{local_name(p)} ({p.code})")
                                                              for p in provinces]
        self.fields["year"].choices = [("", _("all"))] + [(y, str(y)) for y in years]

    @property
    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


def _unit_years(filters: dict):
    """Every (unit, year) with budget lines, with its number of lines and whether it is published: one
    grouped query (the page shows 50 of them; the paginator counts them with a second one)."""
    published = Publication.objects.filter(unit=OuterRef("unit"), fiscal_year=OuterRef("fiscal_year"), published=True)
    lines = BudgetLine.objects.all()
    if filters.get("province"):
        lines = lines.filter(unit__startswith=filters["province"]).exclude(unit=NATIONAL)
    level = filters.get("level")
    if level == "national":
        lines = lines.filter(unit=NATIONAL)
    elif level:
        lines = lines.filter(place__level=LEVELS[level])
    if filters.get("year"):
        lines = lines.filter(fiscal_year=filters["year"])
    rows = (lines.values("unit", "fiscal_year").annotate(lines=Count("id"), published=Exists(published))
            .order_by("-fiscal_year", "unit"))
    state = filters.get("state")
    if state:
        rows = rows.filter(published=state == "published")
    return rows


def _describe(rows: list[dict]) -> list[dict]:
    """The page's rows with their place, phases and project count: three queries, whatever the page."""
    codes = {r["unit"] for r in rows}
    years = {r["fiscal_year"] for r in rows}
    places = {p.code: p for p in Place.objects.filter(code__in=codes).select_related("parent__parent")}
    phases: dict[tuple, set] = {}
    for unit, year, phase in (BudgetLine.objects.filter(unit__in=codes, fiscal_year__in=years)
                              .values_list("unit", "fiscal_year", "phase").distinct()):
        phases.setdefault((unit, year), set()).add(phase)
    projects = dict(((unit, year), n) for unit, year, n in (
        Project.objects.filter(unit__in=codes, fiscal_year__in=years).values("unit", "fiscal_year")
        .annotate(n=Count("id")).values_list("unit", "fiscal_year", "n")))
    for row in rows:
        key = (row["unit"], row["fiscal_year"])
        row["place"] = places.get(row["unit"])
        row["phases"] = sorted(phases.get(key, ()), key=selectors.ADVANCEMENT.get)
        row["projects"] = projects.get(key, 0)
    return rows


@login_required
def publications(request):
    _require_publisher(request)
    provinces = Place.objects.filter(level=Place.Level.PROVINCE).order_by("code")
    years = BudgetLine.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
    form = PublicationFilterForm(request.GET or None, provinces=provinces, years=list(years))
    page = Paginator(_unit_years(form.filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _describe(list(page.object_list))
    return render(request, "budgets/staff/publications.html", {
        "filter_form": form, "page": page, "here": request.get_full_path(),
        "revisions_waiting": Revision.objects.count(),
    })


def _valid_unit(unit_code: str) -> bool:
    return unit_code == NATIONAL or (unit_code.isdigit() and len(unit_code) in (2, 4, 6))


@login_required
@require_POST
def publication_set(request, unit_code: str, year: int):
    _require_publisher(request)
    year = int(year)
    has_data = Q(unit=unit_code, fiscal_year=year)
    if not _valid_unit(unit_code) or not (BudgetLine.objects.filter(has_data).exists()
                                          or Project.objects.filter(has_data).exists()):
        raise Http404
    published = request.POST.get("published") in ("1", "true", "yes", "on")
    publication_write(user=request.user, unit=unit_code, fiscal_year=year, published=published)
    label = _("national budget") if unit_code == NATIONAL else unit_code
    if published:
        messages.success(request, _("%(unit)s %(year)s is published.") % {"unit": label, "year": year})
    else:
        messages.success(request, _("%(unit)s %(year)s is withdrawn from the public pages.")
                         % {"unit": label, "year": year})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(back)
    return redirect("budgets:publications")


# ---- pending revisions of published years ----------------------------------------------------------------


@login_required
def revisions(request):
    """The revisions waiting for approval, latest first, each with what it would change (totals before and
    after): a fixed number of queries per page."""
    _require_publisher(request)
    page = Paginator(Revision.objects.select_related("submitted_by"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.revision_summaries(list(page.object_list))
    return render(request, "budgets/staff/revisions.html", {"page": page})


@login_required
@require_POST
def revision_decide(request, unit_code: str, year: int):
    """Approve (the public figures become the revision's) or reject (the revision is discarded)."""
    _require_publisher(request)
    year = int(year)
    if not Revision.objects.filter(unit=unit_code, fiscal_year=year).exists():
        raise Http404
    label = _("national budget") if unit_code == NATIONAL else unit_code
    if request.POST.get("decision") == "approve":
        revision_approve_many(user=request.user, pairs=[(unit_code, year)])
        messages.success(request, _("The revision of %(unit)s %(year)s is approved: the public pages show it.")
                         % {"unit": label, "year": year})
    elif request.POST.get("decision") == "reject":
        revision_reject(user=request.user, unit=unit_code, fiscal_year=year)
        messages.success(request, _("The revision of %(unit)s %(year)s is rejected: the published figures stay.")
                         % {"unit": label, "year": year})
    return redirect("budgets:revisions")
