"""The CBO pages: staff pages (login, scoped by accounts.access) and public pages (CBOs marked public,
nothing personal). Views check access first, then call a selector or a service, then render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samleng.accounts.access import (
    can_create_records,
    can_edit_cbo,
    can_see_cbo,
    can_see_personal,
    cbo_scope,
)
from samleng.cbos import selectors, services
from samleng.cbos.forms import CBOFilterForm, CBOForm, RepresentativeForm
from samleng.cbos.models import CBO, Representative
from samleng.core.audit import Action, audit_record
from samleng.core.forms import add_service_errors
from samleng.core.paging import page_of
from samleng.places.forms import known_place
from samleng.places.models import Place

_PLACES = ("province", "district", "commune", "village")


def _chosen_province(request) -> Place | None:
    """The province filter of a list, to list only its districts in the district filter."""
    return known_place(request.GET, "province", Place.Level.PROVINCE)


def _get_cbo_for_user(request, pk) -> CBO:
    """The CBO if `request.user` may see it; 404 otherwise, so that nobody learns which CBOs exist."""
    cbo = get_object_or_404(CBO.objects.select_related(*_PLACES), pk=pk)
    if not can_see_cbo(request.user, cbo):
        raise Http404
    return cbo


def _get_cbo_to_edit(request, pk) -> CBO:
    cbo = _get_cbo_for_user(request, pk)
    if not can_edit_cbo(request.user, cbo):
        raise PermissionDenied
    return cbo


def _get_public_cbo(pk) -> CBO:
    """A CBO marked public, whoever asks: public pages show the public's view even to staff."""
    return get_object_or_404(CBO.objects.filter(cbo_scope(AnonymousUser())).select_related(*_PLACES), pk=pk)


def _audit_personal_view(request, obj, summary: str) -> None:
    audit_record(user=request.user, action=Action.VIEW_PERSONAL, obj=obj, summary=summary)


@login_required
def cbo_list(request):
    choices = selectors.cbo_filter_choices(request.user, province=_chosen_province(request))
    form = CBOFilterForm(request.GET, choices=choices)
    page = page_of(request, selectors.cbo_list(request.user, form.filters), per_page=selectors.PAGE_SIZE)
    return render(request, "cbos/list.html", {
        "filter_form": form, "page": page, "can_create": can_create_records(request.user),
    })


@login_required
def cbo_create(request):
    if not can_create_records(request.user):
        raise PermissionDenied
    form = CBOForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Register only where one may then see it: a field officer, in their own provinces.
        if not can_see_cbo(request.user, CBO(province=data["province"])):
            form.add_error("province", _("You may register CBOs only in the provinces you work in."))
        else:
            try:
                cbo = services.cbo_create(user=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The CBO is registered."))
                return redirect("cbos:detail", pk=cbo.pk)
    return render(request, "cbos/form.html", {"form": form, "title": _("Register a CBO")})


@login_required
def cbo_detail(request, pk):
    cbo = _get_cbo_for_user(request, pk)
    personal = can_see_personal(request.user, cbo)
    data = selectors.cbo_detail(request.user, cbo, with_people=personal)
    if data["people"]:
        ids = ", ".join(p.person_id for p in data["people"])
        _audit_personal_view(request, cbo, f"representatives of CBO {cbo.cbo_id} shown: {ids}")
    return render(request, "cbos/detail.html", {
        **data, "can_edit": can_edit_cbo(request.user, cbo), "personal": personal,
    })


@login_required
def cbo_edit(request, pk):
    cbo = _get_cbo_to_edit(request, pk)
    form = CBOForm(request.POST or None, instance=cbo)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not can_see_cbo(request.user, CBO(province=data["province"])):
            form.add_error("province", _("You may move a CBO only to a province you work in."))
        else:
            try:
                services.cbo_update(user=request.user, cbo=cbo, data=data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The CBO is saved."))
                return redirect("cbos:detail", pk=cbo.pk)
    return render(request, "cbos/form.html", {"form": form, "cbo": cbo, "title": _("Change the CBO")})


def _check_personal(request, cbo) -> None:
    """Representatives are personal data: only staff whose scope covers the CBO handle them."""
    if not (can_see_personal(request.user, cbo) and can_edit_cbo(request.user, cbo)):
        raise PermissionDenied


@login_required
def representative_create(request, pk):
    cbo = _get_cbo_for_user(request, pk)
    _check_personal(request, cbo)
    form = RepresentativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_create(user=request.user, cbo=cbo, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The person is added."))
            return redirect("cbos:detail", pk=cbo.pk)
    return render(request, "cbos/representative_form.html", {"form": form, "cbo": cbo,
                                                             "title": _("Add a representative")})


def _get_representative(request, pk, person_pk) -> Representative:
    cbo = _get_cbo_for_user(request, pk)
    _check_personal(request, cbo)
    representative = get_object_or_404(Representative, pk=person_pk, cbo=cbo)
    representative.cbo = cbo  # already read, with its places
    return representative


@login_required
def representative_edit(request, pk, person_pk):
    representative = _get_representative(request, pk, person_pk)
    cbo = representative.cbo
    if representative.forgotten_on:
        messages.error(request, _("This person was forgotten at their request: nothing of them is recorded again. "
                                  "Someone who consents anew is added as a new person."))
        return redirect("cbos:detail", pk=cbo.pk)
    form = RepresentativeForm(request.POST or None, instance=representative)
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_update(user=request.user, representative=representative,
                                           data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The person is saved."))
            return redirect("cbos:detail", pk=cbo.pk)
    # The form shows the phone and Telegram id: a view of personal data.
    _audit_personal_view(request, representative,
                         f"representative {representative.person_id} of CBO {cbo.cbo_id} shown for editing")
    return render(request, "cbos/representative_form.html", {
        "form": form, "cbo": cbo, "representative": representative, "title": _("Change a representative"),
    })


@login_required
@require_POST
def representative_delete(request, pk, person_pk):
    representative = _get_representative(request, pk, person_pk)
    services.representative_delete(user=request.user, representative=representative)
    messages.success(request, _("The person is removed."))
    return redirect("cbos:detail", pk=pk)


@login_required
def representative_forget(request, pk, person_pk):
    """A person who withdraws consent is forgotten: a confirm page (GET), then the erasing (POST)."""
    representative = _get_representative(request, pk, person_pk)
    cbo = representative.cbo
    if representative.forgotten_on:
        return redirect("cbos:detail", pk=cbo.pk)
    if request.method == "POST":
        services.representative_forget(user=request.user, representative=representative)
        messages.success(request, _("The person is forgotten: their name, phone, Telegram id, birth year and "
                                    "consent date are erased. Their attendance is still counted."))
        return redirect("cbos:detail", pk=cbo.pk)
    _audit_personal_view(request, representative,
                         f"representative {representative.person_id} of CBO {cbo.cbo_id} shown to be forgotten")
    return render(request, "cbos/representative_forget.html", {
        "cbo": cbo, "representative": representative, "title": _("Forget a representative"),
    })


def public_list(request):
    public = AnonymousUser()
    choices = selectors.cbo_filter_choices(public, province=_chosen_province(request))
    form = CBOFilterForm(request.GET, choices=choices)
    cbos = selectors.cbo_list(public, form.filters)
    return render(request, "cbos/public_list.html", {
        "filter_form": form, "page": page_of(request, cbos, per_page=selectors.PAGE_SIZE),
        "totals": selectors.cbo_totals(cbos),
    })


def public_detail(request, pk):
    cbo = _get_public_cbo(pk)
    data = selectors.cbo_detail(AnonymousUser(), cbo, with_people=False)
    return render(request, "cbos/public_detail.html", data)
