"""Every write of comments: a new comment (with its contact), erasing contacts. Moderation's writes are in
moderation.py, the only module that reads a contact."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.comments import detection
from samleng.comments.models import Comment, CommentContact, CommentFlag
from samleng.comments.receipts import receipt_hash, receipt_new
from samleng.core.images import file_without_metadata
from samleng.core.khmer import has_khmer, normalize
from samleng.places.models import Facility

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
