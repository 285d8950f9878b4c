"""The advocacy pages: staff pages (login, scoped by accounts.access; CBO representatives see and update
their own CBO's issues) and public pages (public issues of public CBOs, nothing personal)."""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samleng.accounts.access import (
    can_edit_cbo,
    can_post_update,
    can_see_cbo,
    can_see_issue,
    issue_scope,
)
from samleng.advocacy import selectors, services
from samleng.advocacy.forms import (
    CommitmentForm,
    IssueFilterForm,
    IssueForm,
    IssueUpdateForm,
    KeptForm,
    ProjectLinkForm,
    RejectForm,
)
from samleng.advocacy.models import Commitment, Issue, IssueProject, IssueUpdate, Status
from samleng.cbos.models import CBO
from samleng.core.audit import Action, audit_record
from samleng.core.forms import add_service_errors
from samleng.core.paging import capped_page_of, page_of
from samleng.places.forms import known_place
from samleng.places.models import Place

_ISSUE_RELATED = ("cbo", "cbo__province", "cbo__district", "cbo__commune", "duty_bearer")
# Shown in the browser; any other evidence file is downloaded rather than opened.
_INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def _get_issue_for_user(request, pk) -> Issue:
    """The issue if `request.user` may see it; 404 otherwise, so that nobody learns which issues exist."""
    issue = get_object_or_404(Issue.objects.select_related(*_ISSUE_RELATED), pk=pk)
    if not can_see_issue(request.user, issue):
        raise Http404
    return issue


def _get_issue_to_edit(request, pk) -> Issue:
    """Staff in scope edit issues, record commitments and confirm updates; others who see it get 403."""
    issue = _get_issue_for_user(request, pk)
    if not can_edit_cbo(request.user, issue.cbo):
        raise PermissionDenied
    return issue


def _get_public_issue(pk) -> Issue:
    """A public issue of a public CBO, whoever asks: public pages show the public's view even to staff."""
    issues = Issue.objects.filter(issue_scope(AnonymousUser())).select_related(*_ISSUE_RELATED)
    return get_object_or_404(issues, pk=pk)


def _filter_form(request, user, public: bool = False) -> IssueFilterForm:
    province = known_place(request.GET, "province", Place.Level.PROVINCE)
    choices = selectors.issue_filter_choices(user, province=province)
    return IssueFilterForm(request.GET, choices=choices, public=public)


@login_required
def issue_list(request):
    form = _filter_form(request, request.user)
    issues = selectors.issue_list(request.user, form.filters)
    if form.filters.get("q"):
        page = capped_page_of(request, issues, per_page=selectors.PAGE_SIZE, max_pages=selectors.SEARCH_PAGES,
                              rows=selectors.issue_rows, rows_of=selectors.issue_rows_of)
    else:
        page = page_of(request, issues, per_page=selectors.PAGE_SIZE, rows=selectors.issue_rows)
    return render(request, "advocacy/list.html", {"filter_form": form, "page": page})


@login_required
def issue_create(request, cbo_pk):
    cbo = get_object_or_404(CBO, pk=cbo_pk)
    if not can_see_cbo(request.user, cbo):
        raise Http404
    if not can_edit_cbo(request.user, cbo):
        raise PermissionDenied
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(user=request.user, cbo=cbo, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The issue is recorded."))
            return redirect("advocacy:detail", pk=issue.pk)
    return render(request, "advocacy/form.html", {"form": form, "cbo": cbo, "title": _("Record an issue")})


@login_required
def issue_detail(request, pk):
    issue = _get_issue_for_user(request, pk)
    user = request.user
    can_post = can_post_update(user, issue)
    can_edit = can_edit_cbo(user, issue.cbo)
    return render(request, "advocacy/detail.html", {
        **selectors.issue_detail(user, issue),
        "can_edit": can_edit,
        "can_post": can_post,
        # Evidence files are offered to those update_evidence serves.
        "can_open_evidence": can_post,
        "project_form": ProjectLinkForm(issue=issue) if can_edit else None,
    })


@login_required
def issue_edit(request, pk):
    issue = _get_issue_to_edit(request, pk)
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(user=request.user, issue=issue, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The issue is saved."))
            return redirect("advocacy:detail", pk=issue.pk)
    return render(request, "advocacy/form.html", {
        "form": form, "cbo": issue.cbo, "issue": issue, "title": _("Change the issue"),
    })


@login_required
def update_create(request, pk):
    issue = _get_issue_for_user(request, pk)
    if not can_post_update(request.user, issue):
        raise PermissionDenied
    form = IssueUpdateForm(request.POST or None, request.FILES or None, issue=issue, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the update, and what other apps' fields record about it
                update = services.issue_update_post(user=request.user, issue=issue, **form.own_data)
                form.save_parts(user=request.user, record=update)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if update.confirmed:
                messages.success(request, _("The update is recorded."))
            else:
                messages.success(request, _("The update is recorded. It counts once staff confirm it."))
            return redirect("advocacy:detail", pk=issue.pk)
    return render(request, "advocacy/form.html", {
        "form": form, "cbo": issue.cbo, "issue": issue, "title": _("Record an update"),
    })


def _get_update(request, pk, update_pk) -> IssueUpdate:
    issue = _get_issue_to_edit(request, pk)
    update = get_object_or_404(IssueUpdate, pk=update_pk, issue=issue)
    update.issue = issue
    return update


@login_required
@require_POST
def update_confirm(request, pk, update_pk):
    update = _get_update(request, pk, update_pk)
    try:
        services.issue_update_confirm(user=request.user, update=update)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The update is confirmed."))
    return redirect("advocacy:detail", pk=pk)


@login_required
@require_POST
def update_reject(request, pk, update_pk):
    update = _get_update(request, pk, update_pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.issue_update_reject(user=request.user, update=update, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The update is rejected."))
    return redirect("advocacy:detail", pk=pk)


@login_required
def update_evidence(request, pk, update_pk):
    """An update's evidence file: to staff in scope and the representatives of the issue's own CBO, never
    to authorities (files are not served from a public media URL: photos and letters may show people).
    Every download is written to the audit log."""
    issue = _get_issue_for_user(request, pk)
    if not can_post_update(request.user, issue):
        raise PermissionDenied
    update = get_object_or_404(IssueUpdate, pk=update_pk, issue=issue)
    if not update.evidence_file:
        raise Http404
    audit_record(user=request.user, action=Action.VIEW_PERSONAL, obj=update,
                 summary=f"evidence file of an update of {issue.issue_id} downloaded")
    name = PurePath(update.evidence_file.name).name
    inline = (mimetypes.guess_type(name)[0] or "") in _INLINE_TYPES
    return FileResponse(update.evidence_file.open("rb"), as_attachment=not inline, filename=name)


@login_required
def commitment_create(request, pk):
    issue = _get_issue_to_edit(request, pk)
    form = CommitmentForm(request.POST or None, issue=issue, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                commitment = services.commitment_create(user=request.user, issue=issue, **form.own_data)
                form.save_parts(user=request.user, record=commitment)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The commitment is recorded."))
            return redirect("advocacy:detail", pk=issue.pk)
    return render(request, "advocacy/form.html", {
        "form": form, "cbo": issue.cbo, "issue": issue, "title": _("Record a commitment"),
    })


@login_required
@require_POST
def commitment_kept(request, pk, commitment_pk):
    issue = _get_issue_to_edit(request, pk)
    commitment = get_object_or_404(Commitment, pk=commitment_pk, issue=issue)
    commitment.issue = issue
    form = KeptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the promise was kept."))
        return redirect("advocacy:detail", pk=pk)
    try:
        services.commitment_mark_kept(user=request.user, commitment=commitment, kept_on=form.cleaned_data["kept_on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The commitment is marked as kept."))
    return redirect("advocacy:detail", pk=pk)


@login_required
@require_POST
def project_link(request, pk):
    """Staff in scope record a budget project the issue led to (others who see the issue: 403)."""
    issue = _get_issue_to_edit(request, pk)
    form = ProjectLinkForm(request.POST, issue=issue)
    if form.is_valid():
        try:
            services.issue_project_link(user=request.user, issue=issue, project=form.cleaned_data["project"])
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        messages.error(request, " ".join(message for messages_ in form.errors.values() for message in messages_))
    else:
        messages.success(request, _("The budget project is linked to the issue."))
    return redirect(reverse("advocacy:detail", args=[issue.pk]) + "#projects")


@login_required
@require_POST
def project_unlink(request, pk, link_pk):
    issue = _get_issue_to_edit(request, pk)
    link = get_object_or_404(IssueProject.objects.select_related("project"), pk=link_pk, issue=issue)
    link.issue = issue
    services.issue_project_unlink(user=request.user, link=link)
    messages.success(request, _("The budget project is no longer linked to the issue."))
    return redirect(reverse("advocacy:detail", args=[issue.pk]) + "#projects")


def public_list(request):
    public = AnonymousUser()
    form = _filter_form(request, public, public=True)
    # At most PUBLIC_PAGES pages, counted no further: a page any visitor may ask for again and again reads a
    # bounded part of the table (the filters reach the rest).
    page = capped_page_of(request, selectors.issue_list(public, form.filters), per_page=selectors.PAGE_SIZE,
                          max_pages=selectors.PUBLIC_PAGES, rows=selectors.issue_rows, rows_of=selectors.issue_rows_of)
    # The labels of the page's statuses and topics looked up once: get_FOO_display hashes every lazy label of the
    # choices at each call, a thousand translations for a page of 50 issues (a third of its time).
    statuses, topics = dict(Status.choices), dict(Issue.Topic.choices)
    page.object_list = list(page.object_list)
    for issue in page.object_list:
        issue.status_label = statuses.get(issue.status, issue.status)
        issue.topic_label = topics.get(issue.topic, issue.topic)
    return render(request, "advocacy/public_list.html", {"filter_form": form, "page": page})


def public_detail(request, pk):
    issue = _get_public_issue(pk)
    return render(request, "advocacy/public_detail.html", selectors.issue_detail(AnonymousUser(), issue))
