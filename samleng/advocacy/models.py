from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RAISED = "raised", _("raised")
    IN_DIALOGUE = "in_dialogue", _("in dialogue")
    PARTLY_SOLVED = "partly_solved", _("partly solved")
    SOLVED = "solved", _("solved")
    UNSOLVED = "unsolved", _("unsolved")
    DROPPED = "dropped", _("dropped")


#: An issue in one of these statuses is closed; any other status leaves it open.
CLOSED_STATUSES = frozenset({Status.SOLVED, Status.UNSOLVED, Status.DROPPED})


class Issue(models.Model):
    """An advocacy issue a CBO raises with the authorities, followed until it is solved or not."""

    class Topic(models.TextChoices):
        LAND = "land", _("land")
        FORESTRY = "forestry", _("forestry")
        FISHERY = "fishery", _("fishery")
        AGRICULTURE = "agriculture", _("agriculture")
        WATER = "water", _("water")
        BUDGET_DISCLOSURE = "budget_disclosure", _("budget disclosure")
        PUBLIC_SERVICE = "public_service", _("public service")
        HEALTH = "health", _("health")
        EDUCATION = "education", _("education")
        SOCIAL_PROTECTION = "social_protection", _("social protection")
        LIVELIHOOD = "livelihood", _("livelihood")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        VILLAGE = "village", _("village")
        COMMUNE = "commune", _("commune")
        DISTRICT = "district", _("district")
        PROVINCE = "province", _("province")
        NATIONAL = "national", _("national")

    issue_id = models.CharField(_("issue id"), max_length=40, unique=True)
    cbo = models.ForeignKey("cbos.CBO", on_delete=models.CASCADE, related_name="issues")
    title_en = models.CharField(_("title in English"), max_length=300)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, db_index=True)
    description = models.TextField(_("description"), blank=True)
    description_km = models.TextField(_("description in Khmer"), blank=True)
    duty_bearer_level = models.CharField(_("duty bearer level"), max_length=10, choices=Level.choices)
    # The office the issue is addressed to (places.Office): its authority users read the issue. Set from a name
    # with the level above and the CBO's place, or else the administration of the CBO's place at that level.
    duty_bearer = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="issues", null=True,
                                    blank=True, verbose_name=_("duty bearer"))
    raised_on = models.DateField(_("raised on"), db_index=True)
    is_main = models.BooleanField(_("main issue of the CBO"), default=False)
    households_affected = models.PositiveIntegerField(_("households affected"), null=True, blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"), null=True, blank=True)
    people_affected_female = models.PositiveIntegerField(_("women affected"), null=True, blank=True)
    is_public = models.BooleanField(_("shown on public pages"), default=False)
    # The status of the latest confirmed update, kept here so that lists can filter on it without a
    # subquery per row; advocacy.services is the only writer and keeps it in step with the updates.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RAISED,
                              db_index=True)
    # A copy of the CBO's province and district, kept so that lists filter on a place without a join to the
    # CBOs (a join made SQLite read every issue of a status or topic, thousands, for each filtered page).
    # advocacy.services keeps it exact: issue_create and issue_upsert_many set it from the CBO, and a CBO
    # that moves (cbos.signals.cbo_moved) moves its issues. Null only for issues written around the services.
    # No index of their own: the (place, raised_on) indexes below serve lookups on the place alone too.
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+", null=True,
                                 editable=False, db_index=False)
    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+", null=True,
                                 editable=False, db_index=False)
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "issue_id"]
        # Lists filter on a status and a year together (bench/bench_pages.py): a range of one index.
        indexes = [
            models.Index(fields=["status", "raised_on"], name="issue_status_raised"),
            models.Index(fields=["province", "raised_on"], name="issue_province_raised"),
            models.Index(fields=["district", "raised_on"], name="issue_district_raised"),
        ]

    def __str__(self):
        return f"{self.issue_id}: {self.title_en}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class IssueUpdate(models.Model):
    """A dated change of an issue's status, with its evidence. Updates posted by a CBO representative
    count only once staff confirm them. The event where an update was recorded is engagement's link to it
    (engagement.UpdateAtEvent): links point from engagement to this app, never back."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    note_km = models.TextField(_("note in Khmer"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("A link or a description."))
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/", blank=True)
    people_benefited = models.PositiveIntegerField(_("people benefited"), null=True, blank=True)
    people_benefited_female = models.PositiveIntegerField(_("women benefited"), null=True, blank=True)
    confirmed = models.BooleanField(_("confirmed by staff"), default=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            # The workbook matches updates on (issue, date, status): one of each per day.
            models.UniqueConstraint(fields=["issue", "date", "status"], name="unique_issue_update_per_day"),
        ]

    def __str__(self):
        return f"{self.issue.issue_id} {self.date} {self.status}"


class Commitment(models.Model):
    """What an authority promised to do about an issue, and whether it did. The event where it was promised
    is engagement's link to it (engagement.CommitmentAtEvent)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="commitments")
    made_on = models.DateField(_("promised on"))
    authority = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="commitments",
                                  verbose_name=_("authority"))
    # In English, in Khmer or both (one at least: services.commitment_create); pages show the reader's.
    promise = models.TextField(_("what was promised"), blank=True)
    promise_km = models.TextField(_("what was promised, in Khmer"), blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    kept_on = models.DateField(_("kept on"), null=True, blank=True)

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self):
        return f"{self.authority}: {self.promise[:50]}"


class IssueProject(models.Model):
    """A budget project an issue led to: the Klaeng canal issue led to the commune's canal project of 2024
    (400 million riels). budgets sits below this app (DESIGN.md), so the link is kept here; the issue's pages show
    the project, and the budget page shows the issue under it through core.related (related.project_issue_blocks).
    Written by services.issue_project_link and issue_project_unlink."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="project_links")
    project = models.ForeignKey("budgets.Project", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("budget project"))
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        ordering = ["issue", "project"]
        constraints = [models.UniqueConstraint(fields=["issue", "project"], name="unique_issue_project")]
        verbose_name = _("budget project an issue led to")
        verbose_name_plural = _("budget projects issues led to")

    def __str__(self):
        return f"{self.issue.issue_id} -> {self.project}"
