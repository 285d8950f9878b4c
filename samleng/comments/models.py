"""Citizens' comments on public service points (places.Facility), and the commenter's contact, kept apart.

What is kept of a comment is what the public may one day read, plus what moderation needs: the facility, its
commune (never a coordinate), the category, an optional rating, the text and its language, an optional photo
(stored without metadata: core.images), the day it was made (no time of day: a time could tie a comment to
the person seen at the office that morning), its moderation status and the reasons.

The receipt code that lets the commenter follow a comment is shown once and stored only as a keyed hash
(`receipt_hash`): whoever reads the database cannot turn a row back into the code a person holds, nor follow
a comment with it.

The contact (`CommentContact`, its own table) is stored encrypted (core.crypto, SAMLENG_FIELD_KEY) and read only
by `moderation.py`; no page, export, API or log of an authority reaches it. It is erased when the closing answer
has been relayed, and in any case COMMENT_CONTACT_DAYS after the comment (`samleng tick`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samleng.core.crypto import EncryptedTextField
from samleng.places.models import Facility, Place


class Comment(models.Model):
    class Category(models.TextChoices):
        WAITING_TIME = "waiting_time", _("waiting time")
        FEES = "fees", _("fees above the official fee")
        STAFF_ATTITUDE = "staff_attitude", _("staff attitude")
        INFORMATION = "information", _("information not posted")
        NOT_AVAILABLE = "not_available", _("service not available")
        CORRUPTION = "corruption", _("corruption")
        SUGGESTION = "suggestion", _("suggestion")
        PRAISE = "praise", _("praise")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        HELD = "held", _("awaiting moderation")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden")

    class Language(models.TextChoices):
        KHMER = "km", _("Khmer")
        ENGLISH = "en", _("English")

    #: A keyed hash (comments.receipts) of the receipt code: unique, never the code itself.
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+", verbose_name=_("facility"))
    # The facility's commune (its district for a facility of a whole district), kept when the comment is made.
    commune = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("comment"))
    #: The text as the commenter wrote it, kept when a moderator redacts part of it (a name): for moderators
    #: only (moderation.original_read, audited), never on a page or in an export.
    original_text = models.TextField(blank=True, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    photo = models.FileField(_("photo"), upload_to="comments/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    #: Why it was held: the kinds of personal details found (detection.py), or "photo".
    held_because = models.JSONField(default=list, blank=True)
    #: Why a moderator hid it, shown to the commenter (and on the public page where it was published before).
    hidden_reason = models.TextField(_("reason it is hidden"), blank=True)
    created_on = models.DateField(_("day"), db_index=True)
    #: The day it was first published (none while it never was): a comment hidden after it was public shows
    #: on the public page as hidden, with the reason, so that readers see it was taken down and why.
    published_on = models.DateField(_("published on"), null=True, blank=True)
    #: A hash of the normalised text: the same text for the same facility on the same day is refused.
    text_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["status", "created_on"]),
                   models.Index(fields=["facility", "status", "created_on"]),
                   models.Index(fields=["facility", "created_on", "text_hash"])]
        constraints = [models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1,
                                                                                                  rating__lte=5),
                                              name="comment_rating_1_to_5")]

    def __str__(self):
        return f"comment {self.pk}"


class CommentContact(models.Model):
    """How to tell the commenter that the office answered: encrypted, in its own table, read only by the
    moderation code (moderation.py). Deleted (not blanked) when erased."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    email = EncryptedTextField(blank=True)
    #: The day it is erased at the latest (COMMENT_CONTACT_DAYS after the comment).
    erase_on = models.DateField(db_index=True)

    def __str__(self):  # never the address: this may end up in a log line
        return f"contact of comment {self.comment_id}"


class CommentFlag(models.Model):
    """A visitor's report that a published comment shows a person's details or is abusive. It puts the comment
    in the moderation queue; the comment stays published until a moderator acts (a flag must not become a
    way to silence comments). One open flag per comment and reason: more reports of the same add nothing."""

    class Reason(models.TextChoices):
        PERSONAL = "personal", _("it shows a person's details")
        ABUSIVE = "abusive", _("it is abusive")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    created_on = models.DateField(_("day"))
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reason"], condition=models.Q(resolved=False),
                                               name="one_open_flag_per_comment_and_reason")]
        indexes = [models.Index(fields=["resolved", "created_on"])]

    def __str__(self):
        return f"flag {self.reason} of comment {self.comment_id}"
