"""The offices' answers: an authority's inbox and answer page (the comments about the facilities its office
answers for, no more than the public reads of them), staff recording an answer given on paper or at a meeting,
and the moderators' part: answers awaiting review, merging duplicates, the offices whose answers are reviewed.

Kept apart from views.py (the public pages and the comments' moderation) so that the two change independently."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samleng.accounts.access import answers_comments, can_answer_comment, records_answers_given_elsewhere
from samleng.comments import moderation, selectors, services
from samleng.comments.forms import AnswerForm, MergeForm, RefuseAnswerForm, ReviewedOfficeForm, StaffAnswerForm
from samleng.comments.models import Answer, AnswerReview, Comment
from samleng.core.forms import add_service_errors
from samleng.places.selectors import office_get


def _require_answerer(request) -> None:
    """An authority with its office, or staff: whoever has comments to answer or answers to record."""
    if not answers_comments(request.user):
        raise PermissionDenied("only an office's authorities and the organisation's staff answer comments")


@login_required
@require_GET
def answer_inbox(request):
    """/comments/answers/: the published comments this user may answer, not answered yet first."""
    _require_answerer(request)
    state = request.GET.get("state", "unanswered")
    state = state if state in selectors.INBOX_STATES else "unanswered"
    office, unknown_office = None, ""
    if request.GET.get("office") and request.user.is_staff_role:
        office = office_get(request.GET["office"])
        unknown_office = "" if office else request.GET["office"][:40]
    # Staff who see everything choose an office first: every comment of the country is no list to work from
    # (and counting 200,000 of them takes a second).
    choose_office = request.user.sees_everything and office is None
    comments = (Comment.objects.none() if choose_office else
                selectors.answer_inbox(request.user, state=state, office_id=office.pk if office else None))
    page = Paginator(comments, 30).get_page(request.GET.get("page"))
    return render(request, "comments/answer_inbox.html", {
        "page": page, "state": state, "states": selectors.INBOX_STATES.items(), "office": office,
        "choose_office": choose_office, "unknown_office": unknown_office,
        "records_for_offices": records_answers_given_elsewhere(request.user)},
        status=400 if unknown_office else 200)


def _answer_form(request, comment, data=None):
    form_class = StaffAnswerForm if records_answers_given_elsewhere(request.user) else AnswerForm
    return form_class(data, offices=selectors.responsible_office_choices(comment.facility))


@login_required
@require_http_methods(["GET", "POST"])
def answer_comment(request, pk: int):
    """/comments/<pk>/answer/: a comment as the public reads it, its answers (those awaiting moderation or
    refused too, for the office) and the form to answer (an authority) or record an answer (staff)."""
    _require_answerer(request)
    comment = get_object_or_404(
        Comment.objects.select_related("facility", "facility__answered_by", "commune").only(
            *selectors.PUBLIC_FIELDS, "facility__facility_id", "facility__name_en", "facility__name_km",
            "facility__type", "facility__province_id", "facility__district_id", "facility__commune_id",
            "facility__answered_by__name_en", "facility__answered_by__name_km", "facility__answered_by__office_id",
            "commune__name_en", "commune__name_km"),
        pk=pk, status=Comment.Status.PUBLISHED)
    if not can_answer_comment(request.user, comment):
        raise PermissionDenied("this comment is about a place another office answers for")
    form = _answer_form(request, comment, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.answer_give(user=request.user, comment=comment, **form.service_arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if answer.review == Answer.Review.HELD:
                messages.success(request, _("The answer is saved. It waits for the organisation's moderator "
                                            "before it is public."))
            else:
                messages.success(request, _("The answer is public."))
            return redirect("comments:answer", pk=comment.pk)
    return render(request, "comments/answer.html", {
        "comment": comment, "form": form, "answers": selectors.answers_for_answerer(comment),
        "merged": selectors.merged_into(comment), "kept_id": comment.duplicate_of_id,
        "reviewed": AnswerReview.objects.filter(office_id=comment.facility.answered_by_id).exists(),
        "is_moderator": moderation.is_moderator(request.user),
    }, status=400 if form.is_bound else 200)


# ---- the moderators' part --------------------------------------------------------------------------------------


def _require_moderator(request) -> None:
    if not moderation.is_moderator(request.user):
        raise PermissionDenied("moderators only")


@login_required
@require_POST
def moderation_answer(request, pk: int):
    """Publish or refuse (with a reason the office reads) an answer awaiting moderation; back to the queue."""
    _require_moderator(request)
    answer = get_object_or_404(Answer, pk=pk)
    action = request.POST.get("action")
    if action == "publish":
        moderation.answer_publish(user=request.user, answer=answer)
        messages.success(request, _("The answer to comment %(number)s is public.") % {"number": answer.comment_id})
    elif action == "refuse":
        form = RefuseAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the answer is refused: the office reads it."))
            return redirect("comments:moderation")
        try:
            moderation.answer_refuse(user=request.user, answer=answer, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("comments:moderation")
        messages.success(request, _("The answer to comment %(number)s is refused.") % {"number": answer.comment_id})
    else:
        return HttpResponseBadRequest("unknown action")
    return redirect("comments:moderation")


@login_required
@require_POST
def moderation_merge(request, pk: int):
    """Merge a comment into another that says the same (or undo it); back to the comment's answer page."""
    _require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    action = request.POST.get("action")
    if action == "unmerge":
        moderation.comment_unmerge(user=request.user, comment=comment)
        messages.success(request, _("Comment %(number)s stands on its own again.") % {"number": comment.pk})
    elif action == "merge":
        form = MergeForm(request.POST)
        into = Comment.objects.filter(pk=form.cleaned_data["into"]).first() if form.is_valid() else None
        if not form.is_valid():
            messages.error(request, form.errors["into"][0])
        elif into is None:
            messages.error(request, _("No comment has the number %(number)s.") % {"number": form.cleaned_data["into"]})
        else:
            try:
                moderation.comment_merge(user=request.user, comment=comment, into=into)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Comment %(number)s is merged into comment %(kept)s.")
                                 % {"number": comment.pk, "kept": into.pk})
    else:
        return HttpResponseBadRequest("unknown action")
    if comment.status == Comment.Status.PUBLISHED:
        return redirect("comments:answer", pk=comment.pk)
    return redirect("comments:moderation")


@login_required
@require_http_methods(["GET", "POST"])
def moderation_offices(request):
    """/comments/moderation/offices/: the offices whose answers a moderator reads before they are public; add
    one (its id) or remove one."""
    _require_moderator(request)
    form = ReviewedOfficeForm(request.POST if request.method == "POST" and "office" in request.POST else None)
    if request.method == "POST":
        if request.POST.get("remove"):
            office = office_get(request.POST["remove"])
            if office is not None:
                moderation.answer_review_set(user=request.user, office=office, reviewed=False)
                messages.success(request, _("The answers of %(office)s are public at once.") % {"office": office})
            return redirect("comments:moderation_offices")
        if form.is_valid():
            office = office_get(form.cleaned_data["office"])
            if office is None:
                form.add_error("office", _("No office has the id %(id)s.") % {"id": form.cleaned_data["office"]})
            else:
                moderation.answer_review_set(user=request.user, office=office, reviewed=True)
                messages.success(request, _("A moderator reads the answers of %(office)s before they are public.")
                                 % {"office": office})
                return redirect("comments:moderation_offices")
    return render(request, "comments/moderation_offices.html", {
        "offices": moderation.reviewed_offices(), "form": form}, status=400 if form.is_bound else 200)
