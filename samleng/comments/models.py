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
has been relayed, and in any case COMMENT_CONTACT_DAYS after the comment (`samleng tick`).

The office that answers for the facility answers in public (`Answer`, with a status of `AnswerStatus`); a comment
is closed (Open311 `closed`) once its latest public answer closes it, or once a moderator merged it into
another comment that says the same (`duplicate_of`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samleng.core.crypto import EncryptedTextField
from samleng.places.models import Facility, Office, Place


class AnswerStatus(models.TextChoices):
    """Where an office says a comment stands. The last four close it (CLOSING); the others leave it open. The
    vocabulary of the public pages, the figures and Open311's status_notes."""

    RECEIVED = "received", _("received")
    INVESTIGATING = "investigating", _("investigating")
    IN_PROGRESS = "in_progress", _("in progress")
    ACTION_SCHEDULED = "action_scheduled", _("action scheduled")
    FIXED = "fixed", _("fixed")
    UNABLE_TO_FIX = "unable_to_fix", _("unable to fix")
    NOT_RESPONSIBLE = "not_responsible", _("not responsible")
    DUPLICATE = "duplicate", _("duplicate")


#: The answer statuses that close a comment (Open311 `closed`).
CLOSING = frozenset({AnswerStatus.FIXED, AnswerStatus.UNABLE_TO_FIX, AnswerStatus.NOT_RESPONSIBLE,
                     AnswerStatus.DUPLICATE})


def open311_status(answer_status: str, *, merged: bool = False) -> str:
    """Open311 GeoReport v2's status of a comment: "closed" when its latest public answer closes it (or it was
    merged into another comment), else "open" (no answer yet included)."""
    return "closed" if merged or answer_status in CLOSING else "open"


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
    #: The status of its latest public answer ("" while none is public): kept by the answers' services, so
    #: that lists, figures and Open311 filter on it without reading the answers.
    answer_status = models.CharField(_("answer"), max_length=20, choices=AnswerStatus.choices, blank=True)
    #: The day its first public answer was given (none while unanswered): the days to a first answer.
    first_answer_on = models.DateField(_("first answered on"), null=True, blank=True)
    #: The comment it says the same as, when a moderator merged the two: its answers are the kept one's.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, db_index=False,
                                     related_name="duplicates", verbose_name=_("duplicate of"))

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["status", "created_on"]),
                   models.Index(fields=["facility", "status", "created_on"]),
                   models.Index(fields=["facility", "created_on", "text_hash"]),
                   # Partial: nearly every comment has none, and a full index on a column that is almost all
                   # NULL is what SQLite's planner (without ANALYZE's statistics) picks for "IS NULL" filters,
                   # reading every comment (bench_comments: 0.9 s for an office's figures).
                   models.Index(fields=["duplicate_of"], condition=models.Q(duplicate_of__isnull=False),
                                name="comment_duplicate_of_set")]
        constraints = [models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1,
                                                                                                  rating__lte=5),
                                              name="comment_rating_1_to_5")]

    def __str__(self):
        return f"comment {self.pk}"

    @property
    def open311_status(self) -> str:
        """"open" or "closed" (Open311 GeoReport v2): models.open311_status of its latest public answer."""
        return open311_status(self.answer_status, merged=self.duplicate_of_id is not None)

    @property
    def closed(self) -> bool:
        return self.open311_status == "closed"


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


class Answer(models.Model):
    """An office's public answer to a comment, with a status (AnswerStatus). Given in Samleng by an authority of
    the office that answers for the facility, or recorded by the NGO's staff from an answer given on paper or at
    a meeting. Public once `review` is published: at once, unless the NGO reads that office's answers first
    (`AnswerReview`) or the text seems to name someone (comments.detection), when it waits for a moderator.
    An answer names the office, never the person who typed it (the audit log says who)."""

    class Review(models.TextChoices):
        HELD = "held", _("awaiting moderation")
        PUBLISHED = "published", _("published")
        REFUSED = "refused", _("refused by a moderator")

    class Given(models.TextChoices):
        ONLINE = "online", _("in Samleng, by the office")
        PAPER = "paper", _("on paper (recorded by the organisation's staff)")
        MEETING = "meeting", _("at a meeting (recorded by the organisation's staff)")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="answers")
    #: The office that answered: the facility's `answered_by` when the answer was given.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    status = models.CharField(_("status"), max_length=20, choices=AnswerStatus.choices)
    text = models.TextField(_("answer"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Comment.Language.choices, default="km")
    #: For "not responsible": the office that is.
    responsible_office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("office responsible"))
    #: For "duplicate": the comment it repeats, when the office named one.
    same_as = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("same as comment"))
    given = models.CharField(_("given"), max_length=10, choices=Given.choices, default=Given.ONLINE)
    #: The day the office gave it (a day on paper may be before the day staff recorded it); no time of day.
    given_on = models.DateField(_("given on"))
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.PUBLISHED)
    #: Why it waits for a moderator: "office" (the NGO reads this office's answers first) and/or the kinds of
    #: personal details found in its text (detection.py).
    held_because = models.JSONField(default=list, blank=True)
    #: Why a moderator refused it, for the office (never public).
    refused_reason = models.TextField(_("why it was refused"), blank=True)
    created_on = models.DateField(_("day"))
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["given_on", "id"]
        indexes = [models.Index(fields=["comment", "review"]), models.Index(fields=["review", "created_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=AnswerStatus.NOT_RESPONSIBLE, responsible_office__isnull=False)
                | (~models.Q(status=AnswerStatus.NOT_RESPONSIBLE) & models.Q(responsible_office__isnull=True)),
                name="answer_responsible_office_iff_not_responsible"),
            models.CheckConstraint(condition=models.Q(same_as__isnull=True) | models.Q(status=AnswerStatus.DUPLICATE),
                                   name="answer_same_as_only_for_duplicate"),
        ]

    def __str__(self):
        return f"answer {self.pk} to comment {self.comment_id}"

    @property
    def closing(self) -> bool:
        return self.status in CLOSING

    @property
    def recorded_by_staff(self) -> bool:
        return self.given != self.Given.ONLINE


class AnswerReview(models.Model):
    """An office whose answers a moderator reads before they are public: the NGO's setting, one row per office
    (none: its answers are public at once). Kept here rather than in places, which knows nothing of comments."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="+", verbose_name=_("office"))
    set_on = models.DateField(_("set on"))

    def __str__(self):
        return f"answers of {self.office_id} reviewed"


class PartnerApiKey(models.Model):
    """A key that lets a partner's application (an SMS gateway, a community radio's form) send comments through
    Open311's POST requests.json. Issued by an administrator (the admin), shown once; only its SHA-256 is kept
    (a key is 32 random bytes: nothing to guess, so no slow hash is needed). Revoked, never deleted: the audit
    log and the comments sent with it keep pointing at it."""

    name = models.CharField(_("partner"), max_length=200)
    #: The first characters of the key, to tell keys apart in lists (not enough to use it).
    prefix = models.CharField(_("key begins with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_on = models.DateField(_("issued on"), editable=False)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partner's API key")
        verbose_name_plural = _("partners' API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_on is None
