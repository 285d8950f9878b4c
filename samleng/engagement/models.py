from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A public forum, district dialogue, council meeting, training or campaign, with who came."""

    class Type(models.TextChoices):
        PUBLIC_FORUM = "public_forum", _("public forum")
        DISTRICT_DIALOGUE = "district_dialogue", _("district dialogue meeting")
        COMMUNE_COUNCIL_MEETING = "commune_council_meeting", _("commune council meeting")
        BUDGET_FORUM = "budget_forum", _("budget forum")
        TRAINING = "training", _("training")
        AWARENESS_CAMPAIGN = "awareness_campaign", _("awareness campaign")
        WORKSHOP = "workshop", _("workshop")
        NETWORK_MEETING = "network_meeting", _("network meeting")
        CONSULTATION = "consultation", _("consultation")
        OTHER = "other", _("other")

    event_id = models.CharField(_("event id"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    date = models.DateField(_("date"), db_index=True)
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    authorities_present = models.BooleanField(_("authorities present"), default=False)
    participants_total = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    participants_female = models.PositiveIntegerField(_("women"), null=True, blank=True)
    participants_youth = models.PositiveIntegerField(_("youth"), null=True, blank=True)
    participants_indigenous = models.PositiveIntegerField(_("indigenous people"), null=True, blank=True)
    participants_disability = models.PositiveIntegerField(_("people with disabilities"), null=True, blank=True)
    issues_raised = models.ManyToManyField("advocacy.Issue", blank=True, related_name="events_raised_at")
    #: The CBOs invited to the event: their representatives with a linked Telegram chat get its notice
    #: (services.event_notice_send) and a reminder the day before (notifications).
    invited_cbos = models.ManyToManyField("cbos.CBO", blank=True, related_name="+", verbose_name=_("invited CBOs"))
    #: When staff last sent the notice to the invited CBOs (None: never): the reminder follows only a notice.
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "event_id"]

    def __str__(self):
        return f"{self.event_id}: {self.title}"


class Attendance(models.Model):
    """A representative's named attendance at an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    representative = models.ForeignKey("cbos.Representative", on_delete=models.CASCADE, related_name="attendance")
    spoke = models.BooleanField(_("spoke"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "representative"], name="unique_attendance"),
        ]

    def __str__(self):
        return f"{self.representative_id} at {self.event_id}"


class Mechanism(models.TextChoices):
    PUBLIC_FORUM = "public_forum", _("public forum")
    DISTRICT_DIALOGUE = "district_dialogue", _("district dialogue meeting")
    COMMUNE_COUNCIL_MEETING = "commune_council_meeting", _("commune council meeting")
    BUDGET_FORUM = "budget_forum", _("budget forum")
    ONE_WINDOW_SERVICE = "one_window_service", _("one window service")
    OTHER = "other", _("other")


class MechanismAssessment(models.Model):
    """How well one civic engagement mechanism worked in a district in a year."""

    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    mechanism = models.CharField(_("mechanism"), max_length=30, choices=Mechanism.choices)
    held = models.BooleanField(_("held"), default=False)
    diverse_representation = models.BooleanField(_("diverse representation"), default=False)
    notice_given = models.BooleanField(_("notice given"), default=False)
    minutes_shared = models.BooleanField(_("minutes shared"), default=False)
    questions_answered = models.BooleanField(_("questions answered"), default=False)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)

    class Meta:
        ordering = ["district__code", "year", "mechanism"]
        indexes = [models.Index(fields=["year", "district"])]

    def __str__(self):
        return f"{self.district_id} {self.year} {self.mechanism}"


class TargetArea(models.Model):
    """A district, municipality or khan a programme targets in some years (indicator denominators)."""

    programme_code = models.CharField(_("programme"), max_length=40, blank=True)
    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    from_year = models.PositiveSmallIntegerField(_("from year"))
    to_year = models.PositiveSmallIntegerField(_("to year"))

    class Meta:
        ordering = ["programme_code", "district__code", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["programme_code", "district", "from_year"], name="unique_target_area"),
        ]

    def __str__(self):
        return f"{self.district_id} {self.from_year}-{self.to_year}"


class UpdateAtEvent(models.Model):
    """The event at which an advocacy issue's update was recorded (at most one per update). The link is
    kept here rather than on the update so that links point one way, from this app to advocacy (DESIGN.md);
    advocacy's pages show it through core's related-links registry (engagement.related)."""

    update = models.OneToOneField("advocacy.IssueUpdate", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("issue update"))
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="update_links", verbose_name=_("event"))

    class Meta:
        verbose_name = "issue update at an event"
        verbose_name_plural = "issue updates at events"

    def __str__(self):
        return f"update {self.update_id} at {self.event_id}"


class CommitmentAtEvent(models.Model):
    """The event at which an authority made a commitment about an advocacy issue (at most one per
    commitment); kept here for the same reason as UpdateAtEvent."""

    commitment = models.OneToOneField("advocacy.Commitment", on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("commitment"))
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="commitment_links",
                              verbose_name=_("event"))

    class Meta:
        verbose_name = "commitment at an event"
        verbose_name_plural = "commitments at events"

    def __str__(self):
        return f"commitment {self.commitment_id} at {self.event_id}"
