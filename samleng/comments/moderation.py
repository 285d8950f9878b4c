"""Moderation by the NGO: the queue of held comments, publishing and hiding (audited with who and why), and
the only code that reads a commenter's contact (CommentContact): no other module of Samleng queries it. It has
two readers: `contact_read` (a moderator, audited) and `contact_for_relay` (the notifications outbox relaying
an office's answer, audited); nothing else.

Moderators are the staff who see everything (administrators and M&E officers): a field officer, a CBO
representative or an authority is none, whatever their scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.comments import services
from samleng.comments.models import Answer, AnswerReview, Comment, CommentContact, CommentFlag
from samleng.core.audit import Action, audit_record
from samleng.core.khmer import normalize
from samleng.places.models import Office


def is_moderator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.sees_everything)


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("only the organisation's moderators moderate comments")


def moderation_queue() -> QuerySet[Comment]:
    """The comments awaiting review, oldest first (the day, then the order they came in)."""
    return (Comment.objects.filter(status=Comment.Status.HELD).select_related("facility", "commune")
            .order_by("created_on", "id"))


def flagged_queue() -> QuerySet[Comment]:
    """Published comments that visitors reported, oldest first, with their open flags' reasons. The reported
    comments are found from the open flags first (a few): joined the other way, SQLite read every published
    comment looking for flags (2 s on 200,000 comments, bench_comments)."""
    reported = set(CommentFlag.objects.filter(resolved=False).values_list("comment_id", flat=True))
    return (Comment.objects.filter(status=Comment.Status.PUBLISHED, pk__in=reported)
            .select_related("facility", "commune").prefetch_related("flags").order_by("created_on", "id"))


def answer_queue() -> QuerySet[Answer]:
    """Offices' answers awaiting a moderator, oldest first, with their comment and office."""
    return (Answer.objects.filter(review=Answer.Review.HELD)
            .select_related("comment", "comment__facility", "office", "responsible_office")
            .order_by("created_on", "id"))


def _set_status(*, user, comment: Comment, status: str, reason: str = "") -> Comment:
    _require_moderator(user)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        before = comment.status
        comment.status, comment.hidden_reason = status, reason
        if status == Comment.Status.PUBLISHED and comment.published_on is None:
            comment.published_on = timezone.localdate()
        comment.save(update_fields=["status", "hidden_reason", "published_on"])
        flags = sorted(CommentFlag.objects.filter(comment=comment, resolved=False).values_list("reason", flat=True))
        CommentFlag.objects.filter(comment=comment, resolved=False).update(resolved=True)
        # The audit entry says who and why; the comment's text is not copied into it (it may hold a name).
        audit_record(user=user, action=Action.UPDATE, obj=comment,
                     summary=f"comment {comment.pk}: {before} -> {status}" + (f" ({reason})" if reason else ""),
                     changes={"status": [before, status], **({"hidden_reason": reason} if reason else {}),
                              **({"flags_resolved": flags} if flags else {})})
    return comment


def comment_publish(*, user, comment: Comment) -> Comment:
    return _set_status(user=user, comment=comment, status=Comment.Status.PUBLISHED)


def comment_hide(*, user, comment: Comment, reason: str) -> Comment:
    """Hidden with a reason that the commenter's receipt page (and the public page, where it was published)
    shows. ValidationError without one."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the comment is hidden: the commenter reads it."), code="required")
    return _set_status(user=user, comment=comment, status=Comment.Status.HIDDEN, reason=reason[:500])


def comment_redact(*, user, comment: Comment, text: str, publish: bool = True) -> Comment:
    """Replace the comment's text by `text`, a moderator's copy with a name or number taken out, and publish
    it (unless `publish` is false). The first original is kept for moderators (`original_read`); the audit
    entry says who redacted which comment, without either text (the original holds what was taken out)."""
    _require_moderator(user)
    text = normalize(text or "").strip()
    if not text:
        raise ValidationError(_("A redacted comment cannot be empty: hide it instead."), code="required")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if text != comment.text:
            if not comment.original_text:
                comment.original_text = comment.text
            comment.text = text
            comment.save(update_fields=["text", "original_text"])
            audit_record(user=user, action=Action.UPDATE, obj=comment, summary=f"comment {comment.pk}: redacted",
                         changes={"redacted": True})
    return comment_publish(user=user, comment=comment) if publish else comment


def answer_publish(*, user, answer: Answer) -> Answer:
    """A held answer made public: the comment's status follows; `comment_answered` is sent once committed."""
    _require_moderator(user)
    with transaction.atomic():
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        if answer.review == Answer.Review.PUBLISHED:
            return answer
        before = answer.review
        answer.review, answer.published_on, answer.refused_reason = Answer.Review.PUBLISHED, timezone.localdate(), ""
        answer.save(update_fields=["review", "published_on", "refused_reason"])
        audit_record(user=user, action=Action.UPDATE, obj=answer,
                     summary=f"answer {answer.pk} to comment {answer.comment_id}: {before} -> published",
                     changes={"review": [before, Answer.Review.PUBLISHED]})
        services.answer_made_public(answer)
    return answer


def answer_refuse(*, user, answer: Answer, reason: str) -> Answer:
    """A held answer kept from the public, with a reason the office reads on the comment's answer page (it may
    answer again). ValidationError without a reason; a published answer is not taken back here."""
    _require_moderator(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the answer is refused: the office reads it."), code="required")
    with transaction.atomic():
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        if answer.review != Answer.Review.HELD:
            raise ValidationError(_("Only an answer awaiting moderation can be refused."), code="not_held")
        answer.review, answer.refused_reason = Answer.Review.REFUSED, reason[:500]
        answer.save(update_fields=["review", "refused_reason"])
        audit_record(user=user, action=Action.UPDATE, obj=answer,
                     summary=f"answer {answer.pk} to comment {answer.comment_id}: held -> refused ({reason[:500]})",
                     changes={"review": [Answer.Review.HELD, Answer.Review.REFUSED], "refused_reason": reason[:500]})
    return answer


def answer_review_set(*, user, office: Office, reviewed: bool) -> bool:
    """Whether a moderator reads `office`'s answers before they are public (the NGO's setting; audited). Whether
    anything changed."""
    _require_moderator(user)
    with transaction.atomic():
        if reviewed:
            _row, changed = AnswerReview.objects.get_or_create(office=office,
                                                               defaults={"set_on": timezone.localdate()})
        else:
            changed = bool(AnswerReview.objects.filter(office=office).delete()[0])
        if changed:
            audit_record(user=user, action=Action.UPDATE, obj=office,
                         summary=f"answers of office {office.office_id} " + ("reviewed by a moderator before they "
                                                                             "are public" if reviewed else
                                                                             "public at once"),
                         changes={"answers_reviewed": reviewed})
    return changed


def reviewed_offices() -> QuerySet[Office]:
    return Office.objects.filter(pk__in=AnswerReview.objects.values("office_id")).order_by("office_id")


def comment_merge(*, user, comment: Comment, into: Comment) -> Comment:
    """Mark `comment` as saying the same as `into` (kept): its page and its commenter's follow page show the
    kept comment's answers, it counts as closed (Open311) and no longer in the figures; comments merged into
    `comment` move to `into`. Both must be about places the same office answers for, and `into` published and
    not merged itself. Audited; the commenter hears the kept comment's latest public answer (comment_answered)."""
    _require_moderator(user)
    if into.pk == comment.pk:
        raise ValidationError(_("A comment cannot be merged into itself."), code="itself")
    with transaction.atomic():
        comment, into = (Comment.objects.select_for_update().select_related("facility").get(pk=c.pk)
                         for c in (comment, into))
        if into.duplicate_of_id is not None:
            raise ValidationError(_("Comment %(number)s was itself merged into comment %(kept)s: merge into that "
                                    "one.") % {"number": into.pk, "kept": into.duplicate_of_id}, code="chain")
        if into.status != Comment.Status.PUBLISHED:
            raise ValidationError(_("The comment kept must be published."), code="not_published")
        if into.facility.answered_by_id != comment.facility.answered_by_id:
            raise ValidationError(_("The two comments are about places that different offices answer for."),
                                  code="other_office")
        before = comment.duplicate_of_id
        comment.duplicate_of = into
        comment.save(update_fields=["duplicate_of"])
        moved = list(Comment.objects.filter(duplicate_of=comment).values_list("pk", flat=True))
        Comment.objects.filter(pk__in=moved).update(duplicate_of=into)
        audit_record(user=user, action=Action.UPDATE, obj=comment,
                     summary=f"comment {comment.pk} merged into comment {into.pk}"
                             + (f" (with {len(moved)} merged into it)" if moved else ""),
                     changes={"duplicate_of": [before, into.pk], **({"moved": moved} if moved else {})})
        latest = (Answer.objects.filter(comment=into, review=Answer.Review.PUBLISHED)
                  .order_by("-given_on", "-id").first())
        if latest is not None:
            services.answer_announce(latest, [comment.pk, *moved])
    return comment


def comment_unmerge(*, user, comment: Comment) -> Comment:
    """Undo a merge made by mistake (audited): the comment stands on its own again."""
    _require_moderator(user)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        before = comment.duplicate_of_id
        if before is not None:
            comment.duplicate_of = None
            comment.save(update_fields=["duplicate_of"])
            audit_record(user=user, action=Action.UPDATE, obj=comment,
                         summary=f"comment {comment.pk} no longer merged into comment {before}",
                         changes={"duplicate_of": [before, None]})
    return comment


def original_read(*, user, comment: Comment) -> str:
    """The text as the commenter wrote it, before a redaction ("" when never redacted): moderators only,
    audited as a view of personal data."""
    _require_moderator(user)
    if comment.original_text:
        audit_record(user=user, action=Action.VIEW_PERSONAL, obj=comment,
                     summary=f"read the original text of comment {comment.pk}")
    return comment.original_text


def contact_read(*, user, comment: Comment) -> str:
    """The commenter's e-mail address, for a moderator relaying an answer; "" when none is left. Audited as a
    view of personal data (the entry names the comment, never the address)."""
    _require_moderator(user)
    contact = CommentContact.objects.filter(comment=comment).first()
    if contact is None:
        return ""
    audit_record(user=user, action=Action.VIEW_PERSONAL, obj=comment,
                 summary=f"read the contact of comment {comment.pk}")
    return contact.email


def contact_for_relay(comment_id: int) -> str | None:
    """The commenter's e-mail address, decrypted, for the notifications outbox relaying an office's answer
    (signals.comment_answered) and for nothing else: no page, export, API or log may show it. None when the
    commenter left none or it was erased. Audited as a view of personal data by the system (the entry names
    the comment, never the address). The second and last reader of CommentContact, beside `contact_read`."""
    contact = CommentContact.objects.filter(comment_id=comment_id).first()
    if contact is None or not contact.email:
        return None
    audit_record(user=None, action=Action.VIEW_PERSONAL, object_type="comments.comment", object_id=str(comment_id),
                 summary=f"contact of comment {comment_id} read to relay an answer")
    return contact.email
