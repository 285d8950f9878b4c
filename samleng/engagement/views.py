"""Staff pages for events, attendance and mechanism assessments. Thin: check access, call a selector or a
service, render. Who may see what is decided in accounts.access only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samleng.accounts.access import can_assess_district, can_create_records, can_edit_event, can_see_event, issue_scope
from samleng.core import related
from samleng.engagement import selectors, services
from samleng.engagement.forms import (
    AssessmentFilterForm,
    AssessmentForm,
    AttendanceForm,
    EventFilterForm,
    EventForm,
)
from samleng.engagement.models import Event


def _get_event_for_user(request, pk: int) -> Event:
    """The event, if the user may see it; otherwise a 404, so that ids outside one's scope reveal nothing."""
    event = get_object_or_404(Event.objects.select_related("province", "district", "commune"), pk=pk)
    if not can_see_event(request.user, event):
        raise Http404
    return event


def _require_staff(request) -> None:
    if not can_create_records(request.user):
        raise PermissionDenied


def _initial_from(query, fields) -> dict:
    """A form's values taken from a query (GET, or a POST that only asked for the issues of the place),
    unchecked: they only fill the form in."""
    initial = {}
    for name in fields:
        if name == "issues":
            initial[name] = query.getlist(name)
        elif name in query:
            initial[name] = query.get(name)
    return initial


@login_required
def event_list(request):
    form = EventFilterForm(request.GET, user=request.user)
    page = selectors.event_list(request.user, form.filters(), page=request.GET.get("page", 1))
    return render(request, "engagement/event_list.html", {
        "form": form, "page": page, "can_create": can_create_records(request.user),
    })


@login_required
def event_create(request):
    _require_staff(request)
    if request.method == "POST" and "refresh" not in request.POST:
        form = EventForm(request.POST, user=request.user)
        if form.is_valid():
            values = form.values()
            invited = values.pop("invited_cbos")
            try:
                with transaction.atomic():
                    event = services.event_create(user=request.user, **values)
                    services.event_invited_set(user=request.user, event=event, cbos=invited)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The event is recorded."))
                return redirect("engagement:detail", pk=event.pk)
    else:
        # First visit, or "Show the open issues of this place" after giving the place: no errors shown yet.
        query = request.POST if request.method == "POST" else request.GET
        initial = _initial_from(query, EventForm.base_fields)
        own = list(request.user.provinces.all()[:2])
        if "province" not in initial and len(own) == 1:
            initial["province"] = own[0].pk
        form = EventForm(user=request.user, initial=initial)
    return render(request, "engagement/event_form.html", {"form": form, "event": None})


@login_required
def event_detail(request, pk: int):
    event = _get_event_for_user(request, pk)
    detail = selectors.event_detail(request.user, event)
    return render(request, "engagement/event_detail.html", {
        "event": event, "detail": detail, "can_edit": can_edit_event(request.user, event),
        "invited": selectors.invited_cbos(request.user, event),
        "see_also": related.blocks_for(request.user, event),  # what other apps add: the stories about it
    })


@login_required
@require_POST
def event_notice(request, pk: int):
    """"Send notice": the event's notice (or, after changes, its update) to the invited CBOs' representatives.
    404 for those who may not see the event, 403 for those who see it but may not edit it."""
    event = _get_event_for_user(request, pk)
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    try:
        services.event_notice_send(user=request.user, event=event)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The notice is on its way to the invited CBOs' representatives who linked "
                                    "Telegram."))
    return redirect("engagement:detail", pk=event.pk)


@login_required
def event_edit(request, pk: int):
    event = _get_event_for_user(request, pk)
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    if request.method == "POST" and "refresh" not in request.POST:
        form = EventForm(request.POST, user=request.user, event=event)
        if form.is_valid():
            values = form.values()
            issues, invited = values.pop("issues"), values.pop("invited_cbos")
            try:
                with transaction.atomic():
                    services.event_update(user=request.user, event=event, **values)
                    services.event_issues_set(user=request.user, event=event, issues=issues)
                    services.event_invited_set(user=request.user, event=event, cbos=invited)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The event is saved."))
                return redirect("engagement:detail", pk=event.pk)
    elif request.method == "POST":
        form = EventForm(user=request.user, event=event, initial=_initial_from(request.POST, EventForm.base_fields))
    else:
        initial = {name: getattr(event, name) for name in EventForm.base_fields if hasattr(Event, name)}
        initial["issues"] = [i.pk for i in event.issues_raised.filter(issue_scope(request.user))]
        initial["invited_cbos"] = ", ".join(c.cbo_id for c in selectors.invited_cbos(request.user, event))
        form = EventForm(user=request.user, event=event, initial=initial)
    return render(request, "engagement/event_form.html", {"form": form, "event": event})


@login_required
def event_attendance(request, pk: int):
    event = _get_event_for_user(request, pk)
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    whole_province = request.GET.get("area") == "province"
    if request.method == "POST":
        representatives = selectors.representatives_for_event(request.user, event, whole_province=whole_province)
        form = AttendanceForm(request.POST, representatives=representatives)
        if form.is_valid():
            services.attendance_set(user=request.user, event=event, present=form.cleaned_data["present"],
                                    spoke=form.cleaned_data["spoke"])
            messages.success(request, _("The attendance is saved."))
            return redirect("engagement:detail", pk=event.pk)
        messages.error(request, _("The list changed while you were ticking it; please check it again."))
    rows = selectors.attendance_sheet(request.user, event, whole_province=whole_province)
    return render(request, "engagement/attendance.html", {
        "event": event, "rows": rows, "whole_province": whole_province,
    })


@login_required
def assessment_list(request):
    _require_staff(request)
    form = AssessmentFilterForm(request.GET, user=request.user)
    page = selectors.assessment_list(request.user, form.filters(), page=request.GET.get("page", 1))
    return render(request, "engagement/assessment_list.html", {
        "form": form, "page": page, "min_quality": selectors.MIN_QUALITY,
    })


@login_required
def assessment_create(request):
    _require_staff(request)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not can_assess_district(
            request.user, form.cleaned_data["district"]):
        form.add_error("district", _("You may record assessments of your own provinces' districts only."))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect("engagement:assessments")
    own = list(request.user.provinces.all())
    if own:  # a field officer's own districts, as the workbook import allows
        form.fields["district"].show_only(form.fields["district"].queryset.filter(parent__in=own))
    return render(request, "engagement/assessment_form.html", {"form": form})
