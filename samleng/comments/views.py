"""The public pages: comment (two steps, no account, no JavaScript) and follow a comment by its receipt code.

The receipt page is the answer to the POST itself (no redirect to a URL holding the code), sent with
Cache-Control: no-store; following a comment is a POST too, so that the code never stands in a URL, a server's
log or a Referer header."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samleng.accounts.access import can_answer_comment
from samleng.comments import moderation, selectors, services
from samleng.comments.forms import CommentForm, CommuneForm, FollowForm, HideForm
from samleng.comments.models import Comment, CommentFlag
from samleng.comments.reasons import answer_held_because, held_because
from samleng.comments.receipts import receipt_display
from samleng.core import related
from samleng.places.models import Facility, Place
from samleng.places.selectors import place_get


def _private(response):
    add_never_cache_headers(response)
    # Not "no-referrer": a form posted from a page with that policy sends "Origin: null", which CSRF refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


@require_GET
def comment_start(request):
    """/comments/new/?commune=Kleng: step one, the commune typed in any spelling; then step two."""
    form = CommuneForm(request.GET if "commune" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("comments:new", commune_code=form.cleaned_data["commune"].code)
    return render(request, "comments/start.html", {"form": form})


@require_http_methods(["GET", "POST"])
def comment_new(request, commune_code: str):
    """/comments/new/060603/: step two, the facility of that commune and the comment."""
    commune = place_get(commune_code)
    if commune is None or commune.level != Place.Level.COMMUNE:
        raise Http404("no such commune")
    facilities = selectors.facilities_of_commune(commune)
    if request.method == "POST":
        form = CommentForm(request.POST, request.FILES, facilities=facilities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.comment_create(facility=data["facility"], category=data["category"],
                                              rating=data["rating"], text=data["text"], photo=data["photo"],
                                              email=data["email"])
            except ValidationError as error:
                form.add_error("photo" if error.code in {"not_an_image", "not_a_pdf", "not_a_document"}
                               else None, error)
            else:
                # The issue offers the Telegram link from the receipt page too (core.related, as on the follow page).
                return _private(render(request, "comments/receipt.html", {
                    "comment": new.comment, "code": receipt_display(new.receipt),
                    "has_contact": bool(data["email"]), "held_because": held_because(new.comment),
                    "see_also": related.blocks_for(request.user, new.comment)}))
        response = render(request, "comments/new.html", {"form": form, "commune": commune,
                                                         "facilities": facilities}, status=400)
        return _private(response)
    form = CommentForm(facilities=facilities)
    return render(request, "comments/new.html", {"form": form, "commune": commune, "facilities": facilities})


@require_GET
def facility_comments(request, facility_id: str):
    """/comments/facility/FAC-060603-CO/: a facility's public comments, newest first (20 a page)."""
    facility = get_object_or_404(Facility.objects.select_related("commune", "district", "answered_by"),
                                 facility_id=facility_id)
    comments = selectors.with_public_answers(selectors.facility_public_comments(facility))
    page = Paginator(comments, 20).get_page(request.GET.get("page"))
    return render(request, "comments/facility.html", {
        "facility": facility, "page": page, "flag_reasons": CommentFlag.Reason.choices,
        "figures": selectors.facility_figures(facility, full=selectors.figures_in_full(request.user)),
        "small": selectors.SMALL,
        # What apps above this one add (core.related): the facility's community scorecards (plans).
        "see_also": related.blocks_for(request.user, facility)})


@require_GET
def comment_detail(request, pk: int):
    """/comments/<pk>/: one public comment with its office's answers (a comment merged into another points to
    it); a held comment is not found."""
    comment = selectors.comment_public_get(pk)
    if comment is None:
        raise Http404("no such public comment")
    kept = selectors.comment_public_get(comment.duplicate_of_id) if comment.duplicate_of_id else None
    return render(request, "comments/comment.html", {
        "comment": comment, "kept": kept, "merged": selectors.merged_into(comment),
        "may_answer": can_answer_comment(request.user, comment) if request.user.is_authenticated else False,
        "flag_reasons": CommentFlag.Reason.choices})


@require_POST
def comment_flag(request, pk: int):
    """A visitor reports a published comment (rate-limited per address); it stays published until a moderator
    acts. Back to the facility's page with a thank-you."""
    comment = get_object_or_404(Comment.objects.select_related("facility"), pk=pk, status=Comment.Status.PUBLISHED)
    try:
        services.comment_flag(comment=comment, reason=request.POST.get("reason", ""))
    except ValidationError:
        return HttpResponseBadRequest("unknown reason")
    messages.success(request, _("Thank you: a moderator will look at this comment. It stays published until then."))
    return redirect("comments:facility", facility_id=comment.facility.facility_id)


@require_GET
def comment_photo(request, pk: int):
    """A published comment's photo (re-encoded without metadata and seen by a moderator before it was
    published: a comment with a photo is always held first)."""
    comment = get_object_or_404(Comment, pk=pk, status=Comment.Status.PUBLISHED)
    if not comment.photo:
        raise Http404("no photo")
    return FileResponse(comment.photo.open("rb"))


@require_http_methods(["GET", "POST"])
def comment_follow(request):
    """/comments/follow/: the receipt code typed (POST), the comment's status and the public answers."""
    comment = None
    form = FollowForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            comment = services.comment_by_receipt(form.cleaned_data["code"])
            if comment is None:
                form.add_error("code", _("No comment has this receipt code. Check it and type it again."))
    answers, kept = [], None
    if comment is not None:
        answers = list(selectors.public_answers().filter(comment=comment))
        if comment.duplicate_of_id:  # merged: the office answers the comment kept
            kept = selectors.comment_public_get(comment.duplicate_of_id)
    # What other apps add for the commenter (core.related): notifications' Telegram link to the answers.
    response = render(request, "comments/follow.html", {"form": form, "comment": comment, "answers": answers,
                                                       "kept": kept,
                                                       "held_because": held_because(comment) if comment else [],
                                                       "see_also": related.blocks_for(request.user, comment)
                                                       if comment else []},
                      status=400 if form.is_bound and comment is None else 200)
    return _private(response)



# ---- moderation (the NGO's moderators: moderation.py) ---------------------------------------------------------


def _require_moderator(request) -> None:
    if not moderation.is_moderator(request.user):
        raise PermissionDenied("moderators only")


@login_required
@require_GET
def moderation_queue(request):
    """/comments/moderation/: the held comments, oldest first, each with why it was held."""
    _require_moderator(request)
    page = Paginator(moderation.moderation_queue(), 50).get_page(request.GET.get("page"))
    held = [(comment, held_because(comment)) for comment in page]
    flagged = [(comment, sorted({flag.get_reason_display() for flag in comment.flags.all() if not flag.resolved}))
               for comment in moderation.flagged_queue()[:50]]
    answers = [(answer, answer_held_because(answer)) for answer in moderation.answer_queue()[:50]]
    return render(request, "comments/moderation_queue.html", {"page": page, "held": held, "flagged": flagged,
                                                              "answers": answers, "hide_form": HideForm()})


@login_required
@require_POST
def moderation_act(request, pk: int):
    """Publish or hide one comment (POST from the queue), then back to the queue."""
    _require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    if request.POST.get("action") == "publish":  # a held comment published, or a flagged one kept
        moderation.comment_publish(user=request.user, comment=comment)
        messages.success(request, _("Comment %(number)s is published.") % {"number": comment.pk})
    elif request.POST.get("action") == "redact":
        try:
            moderation.comment_redact(user=request.user, comment=comment, text=request.POST.get("text", ""))
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("comments:moderation")
        messages.success(request, _("Comment %(number)s is redacted and published.") % {"number": comment.pk})
    elif request.POST.get("action") == "hide":
        form = HideForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the comment is hidden: the commenter reads it."))
            return redirect("comments:moderation")
        moderation.comment_hide(user=request.user, comment=comment, reason=form.cleaned_data["reason"])
        messages.success(request, _("Comment %(number)s is hidden.") % {"number": comment.pk})
    else:
        return HttpResponseBadRequest("unknown action")
    return redirect("comments:moderation")


@login_required
@require_GET
def moderation_photo(request, pk: int):
    """A comment's photo, for a moderator judging it (photos are never served from a public media URL)."""
    _require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    if not comment.photo:
        raise Http404("no photo")
    response = FileResponse(comment.photo.open("rb"))
    return _private(response)
