"""Every write of comments: a new comment (with its contact), erasing contacts, an office's answer (given by its
authority, or recorded by staff from paper or a meeting). Moderation's writes are in moderation.py, the only
module that reads a contact."""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts.access import can_answer_comment, records_answers_given_elsewhere
from samleng.comments import detection, signals
from samleng.comments.models import Answer, AnswerReview, AnswerStatus, Comment, CommentContact, CommentFlag
from samleng.comments.receipts import receipt_hash, receipt_new
from samleng.core.audit import Action, audit_record
from samleng.core.images import file_without_metadata
from samleng.core.khmer import has_khmer, normalize
from samleng.places.models import Facility, Office

logger = logging.getLogger(__name__)

#: Why a comment with a photo is held: a photo can show a face or a name tag, which no rule can read.
PHOTO = "photo"


@dataclass(frozen=True)
class NewComment:
    comment: Comment
    receipt: str  # the code, to be shown once; only its hash is stored


def _text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(normalize(text).casefold().split()).encode()).hexdigest()


def comment_is_duplicate(*, facility: Facility, text: str, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    return Comment.objects.filter(facility=facility, created_on=day, text_hash=_text_hash(text)).exists()


def comment_create(
    *, facility: Facility, category: str, text: str, rating: int | None = None, photo: File | None = None,
    email: str = "",
) -> NewComment:
    """A new comment, held for moderation when it looks like it holds personal details (detection.py) or has a
    photo, else published at once. Raises ValidationError (nothing stored) for the same text about the same
    facility on the same day, or a photo that is not an image."""
    text = normalize(text)
    day = timezone.localdate()
    if comment_is_duplicate(facility=facility, text=text, day=day):
        raise ValidationError(_("This comment was already sent today about this place. It is not sent twice."),
                              code="duplicate")
    stored_photo = None
    if photo is not None:
        stored_photo = file_without_metadata(photo)
        # The name the phone gave the file can hold a name or a date: a random one instead.
        suffix = "." + stored_photo.name.rsplit(".", 1)[-1].lower() if "." in stored_photo.name else ""
        stored_photo.name = secrets.token_hex(12) + suffix
    reasons = detection.hold_reasons(text) + ([PHOTO] if stored_photo is not None else [])
    code = receipt_new()
    with transaction.atomic():
        comment = Comment(
            receipt_hash=receipt_hash(code), facility=facility, commune=facility.commune or facility.district,
            category=category, rating=rating, text=text, language="km" if has_khmer(text) else "en",
            status=Comment.Status.HELD if reasons else Comment.Status.PUBLISHED, held_because=reasons,
            created_on=day, text_hash=_text_hash(text), published_on=None if reasons else day,
        )
        if stored_photo is not None:
            comment.photo.save(stored_photo.name, stored_photo, save=False)
        comment.save()
        if email:
            CommentContact.objects.create(
                comment=comment, email=email.strip(),
                erase_on=day + dt.timedelta(days=settings.COMMENT_CONTACT_DAYS))
    return NewComment(comment=comment, receipt=code)


def comment_by_receipt(code: str) -> Comment | None:
    return Comment.objects.select_related("facility", "commune").filter(receipt_hash=receipt_hash(code)).first()


def contact_erase(comment_id: int | None = None, *, comment: Comment | None = None) -> bool:
    """Erase the commenter's contact (once the closing answer has been relayed), given the comment or its id.
    Whether there was one."""
    if comment is not None:
        comment_id = comment.pk
    deleted, _count = CommentContact.objects.filter(comment_id=comment_id).delete()
    return bool(deleted)


def contacts_erase_expired(*, today: dt.date | None = None) -> int:
    """Erase every contact past its day (run by `samleng tick`). How many were erased."""
    today = today or timezone.localdate()
    deleted, _count = CommentContact.objects.filter(erase_on__lte=today).delete()
    return deleted


def comment_flag(*, comment: Comment, reason: str) -> bool:
    """A visitor flags a published comment: it joins the moderation queue and stays published. Whether a new
    flag was made (an open one of the same reason already counts)."""
    if comment.status != Comment.Status.PUBLISHED or reason not in CommentFlag.Reason.values:
        raise ValidationError(_("Only a published comment can be reported."), code="invalid")
    with transaction.atomic():
        _flag, created = CommentFlag.objects.get_or_create(
            comment=comment, reason=reason, resolved=False, defaults={"created_on": timezone.localdate()})
    return created


# ---- an office's answers ----------------------------------------------------------------------------------------

#: The longest answer (characters), as long as the longest comment.
ANSWER_MAX = 2000
#: Why an answer waits for a moderator: the NGO reads this office's answers first (AnswerReview).
OFFICE_REVIEW = "office"


def _is_moderator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.sees_everything)


def _answer_errors(*, user, comment: Comment, status: str, text: str, responsible_office: Office | None,
                   same_as: Comment | None, given: str, given_on: dt.date, today: dt.date) -> dict[str, list]:
    """Every reason the answer cannot be taken, by form field ("__all__" for the comment itself)."""
    errors: dict[str, list] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if comment.status != Comment.Status.PUBLISHED:
        add("__all__", _("Only a published comment can be answered."), "not_published")
    if comment.duplicate_of_id is not None:
        add("__all__", _("This comment was merged into comment %(number)s, which says the same: answer that one.")
            % {"number": comment.duplicate_of_id}, "merged")
    if status not in AnswerStatus.values:
        add("status", _("Choose where the comment stands."), "required")
    if not text and status != AnswerStatus.RECEIVED:
        add("text", _("Write the answer: what the office found, did or will do."), "required")
    if len(text) > ANSWER_MAX:
        add("text", _("An answer has at most %(limit)d characters (this one has %(length)d).")
            % {"limit": ANSWER_MAX, "length": len(text)}, "max_length")
    if status == AnswerStatus.NOT_RESPONSIBLE:
        if responsible_office is None:
            add("responsible_office", _("Name the office that is responsible."), "required")
        elif responsible_office.pk == comment.facility.answered_by_id:
            add("responsible_office", _("Name another office: this one answers for the place."), "same_office")
    if same_as is not None and (same_as.pk == comment.pk or same_as.facility.answered_by_id
                                != comment.facility.answered_by_id or same_as.status != Comment.Status.PUBLISHED):
        add("same_as", _("Give the number of another published comment that this office answers for."),
            "invalid")
    staff = given != Answer.Given.ONLINE
    if staff and not records_answers_given_elsewhere(user):
        add("given", _("Only the organisation's staff record an answer given on paper or at a meeting."),
            "not_staff")
    if not staff and getattr(user, "role", "") != "authority":
        add("given", _("Say how the office gave this answer: on paper or at a meeting."), "required")
    if given_on > today:
        add("given_on", _("The day the office answered cannot be after today."), "future")
    elif given_on < comment.created_on:
        add("given_on", _("The day the office answered cannot be before the comment was sent (%(day)s).")
            % {"day": comment.created_on.isoformat()}, "before_comment")
    return errors


def answer_give(
    *, user, comment: Comment, status: str, text: str = "", responsible_office: Office | None = None,
    same_as: Comment | None = None, given: str = Answer.Given.ONLINE, given_on: dt.date | None = None,
) -> Answer:
    """An office's answer to a published comment: typed by an authority of the office that answers for the
    facility (`given` online, today), or recorded by staff in scope from an answer given on paper or at a
    meeting (`given` paper or meeting, on `given_on`). Public at once, unless the NGO reads this office's
    answers first (AnswerReview: an authority's answers only) or its text seems to name someone (anyone's but
    a moderator's): then it waits in the moderation queue. PermissionDenied for whoever may not answer the
    comment; ValidationError by field (nothing stored) for anything else wrong. Audited; `comment_answered` is
    sent once it is public and committed."""
    if not can_answer_comment(user, comment):
        raise PermissionDenied("not an office or staff member who answers for this comment's place")
    # Read again: the caller's copy may be older than a moderator's last act on it.
    comment = Comment.objects.select_related("facility").only(
        "id", "status", "created_on", "duplicate_of_id", "facility__answered_by_id").get(pk=comment.pk)
    today = timezone.localdate()
    text = normalize(text or "").strip()
    if status != AnswerStatus.NOT_RESPONSIBLE:
        responsible_office = None
    if status != AnswerStatus.DUPLICATE:
        same_as = None
    given_on = today if given == Answer.Given.ONLINE else (given_on or today)
    errors = _answer_errors(user=user, comment=comment, status=status, text=text,
                            responsible_office=responsible_office, same_as=same_as, given=given, given_on=given_on,
                            today=today)
    if errors:
        raise ValidationError(errors)
    held_because = []
    if not _is_moderator(user):
        office_reviewed = AnswerReview.objects.filter(office_id=comment.facility.answered_by_id).exists()
        held_because = ([OFFICE_REVIEW] if office_reviewed and given == Answer.Given.ONLINE else []) + \
            detection.hold_reasons(text)
    with transaction.atomic():
        answer = Answer.objects.create(
            comment=comment, office_id=comment.facility.answered_by_id, status=status, text=text,
            language="km" if has_khmer(text) or not text else "en", responsible_office=responsible_office,
            same_as=same_as, given=given, given_on=given_on, created_on=today, held_because=held_because,
            review=Answer.Review.HELD if held_because else Answer.Review.PUBLISHED,
            published_on=None if held_because else today)
        audit_record(user=user, action=Action.CREATE, obj=answer,
                     summary=f"answer {answer.pk} to comment {comment.pk}: {status}, given {given}"
                             + (f", held ({', '.join(held_because)})" if held_because else ", published"),
                     changes={"comment": comment.pk, "status": status, "given": given,
                              "given_on": given_on.isoformat(), "review": answer.review})
        if answer.review == Answer.Review.PUBLISHED:
            answer_made_public(answer)
    return answer


def comment_answers_refresh(comment_id: int) -> None:
    """Keep the comment's copy of where its public answers leave it: the latest one's status, the day of the
    first. Call inside the transaction that changed its answers."""
    public = Answer.objects.filter(comment_id=comment_id, review=Answer.Review.PUBLISHED)
    latest = public.order_by("-given_on", "-id").values_list("status", flat=True).first()
    first = public.order_by("given_on").values_list("given_on", flat=True).first()
    Comment.objects.filter(pk=comment_id).update(answer_status=latest or "", first_answer_on=first)


def answer_made_public(answer: Answer) -> None:
    """An answer has just become public (inside its transaction): the comment's copy follows, and once the
    transaction commits `comment_answered` is sent for the comment and each comment merged into it (their
    commenters hear the kept comment's answers)."""
    comment_answers_refresh(answer.comment_id)
    merged = list(Comment.objects.filter(duplicate_of_id=answer.comment_id).values_list("pk", flat=True))
    answer_announce(answer, [answer.comment_id, *merged])


def answer_announce(answer: Answer, comment_ids: list[int]) -> None:
    """Send `comment_answered` for each of `comment_ids` once the current transaction commits."""
    answer_id, closing = answer.pk, answer.closing

    def send():
        for comment_id in comment_ids:
            # send_robust: a listener that fails (the outbox) must not undo or hide an answer already public.
            results = signals.comment_answered.send_robust(sender=Answer, comment_id=comment_id,
                                                            answer_id=answer_id, closing=closing)
            for receiver, error in results:
                if isinstance(error, Exception):
                    logger.error("comment_answered listener %r failed for answer %s", receiver, answer_id,
                                 exc_info=error)

    transaction.on_commit(send)
