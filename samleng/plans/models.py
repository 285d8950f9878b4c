"""Joint action plans: what an authority and the CSOs/CBOs beside it promised (joint recommendations, a
scorecard's JAAP, a forum's plan), numbered recommendations, the actions that carry them out, and each
action's dated follow-up with its evidence. An action's status is its latest update's (services keep it)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Community scorecards live in their own module; imported here so that Django finds them in this app.
from samleng.plans.scorecard_models import Criterion, Scorecard, ScoreCount, VoterGroup  # noqa: F401


class Origin(models.TextChoices):
    JOINT_RECOMMENDATIONS = "joint_recommendations", _("joint recommendations")
    SCORECARD_INTERFACE = "scorecard_interface", _("scorecard interface meeting")
    FORUM = "forum", _("forum")
    OTHER = "other", _("other")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    PARTLY_DONE = "partly_done", _("partly done")
    DROPPED = "dropped", _("dropped")


#: The statuses of an action still owed: such an action past its due day is late.
OPEN_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


class Responsible(models.TextChoices):
    OFFICE = "office", _("office")
    CBO = "cbo", _("CBO")
    ORGANISATION = "organisation", _("organisation")


class JointPlan(models.Model):
    joint_plan_id = models.CharField(_("joint plan id"), max_length=40, unique=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    origin = models.CharField(_("origin"), max_length=30, choices=Origin.choices)
    # The office whose commitments these are; the plan's place is its place.
    authority = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="joint_plans",
                                  verbose_name=_("authority"))
    # Kept with the plan (the authority's province) for the scope rules: None for a national office.
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"))
    endorsed_on = models.DateField(_("endorsed on"))
    # An office endorses, never a person; empty: the authority.
    endorsed_by = models.ForeignKey("places.Office", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("endorsed by"))
    cbos = models.ManyToManyField("cbos.CBO", blank=True, related_name="joint_plans", verbose_name=_("CBOs"))
    csos = models.CharField(_("CSOs"), max_length=1000, blank=True, help_text=_("Names separated by ';'."))
    event = models.ForeignKey("engagement.Event", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("meeting"))
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    respondents_female = models.PositiveIntegerField(_("women among the respondents"), null=True, blank=True)
    public = models.BooleanField(_("public"), default=False)
    # The scorecard whose interface meeting made this plan (its JAAP): origin scorecard_interface only.
    scorecard = models.ForeignKey("plans.Scorecard", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="joint_plans", verbose_name=_("scorecard"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-endorsed_on", "joint_plan_id"]
        verbose_name = _("joint action plan")
        verbose_name_plural = _("joint action plans")

    def __str__(self):
        return f"{self.joint_plan_id}: {self.title_en or self.title_km}"


class Recommendation(models.Model):
    plan = models.ForeignKey(JointPlan, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField(_("number"))
    text_en = models.TextField(_("text in English"), blank=True)
    text_km = models.TextField(_("text in Khmer"), blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_recommendation_number")]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.plan.joint_plan_id} #{self.number}"


class Action(models.Model):
    action_id = models.CharField(_("action id"), max_length=40, unique=True)
    plan = models.ForeignKey(JointPlan, on_delete=models.CASCADE, related_name="actions")
    what_en = models.TextField(_("what, in English"), blank=True)
    what_km = models.TextField(_("what, in Khmer"), blank=True)
    responsible_type = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    responsible_office = models.ForeignKey("places.Office", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("responsible office"))
    responsible_cbo = models.ForeignKey("cbos.CBO", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("responsible CBO"))
    responsible_name = models.CharField(_("responsible organisation"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    recommendation = models.ForeignKey(Recommendation, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="actions", verbose_name=_("recommendation"))
    # The criterion of the plan's scorecard this action answers (a JAAP's actions).
    criterion = models.ForeignKey("plans.Criterion", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="actions", verbose_name=_("scorecard criterion"))
    # The status of the latest confirmed update (planned without one): kept by services.action_status_refresh.
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED, editable=False)
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "action_id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return f"{self.action_id}: {self.what_en or self.what_km}"


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices)
    note_en = models.TextField(_("note in English"), blank=True)
    note_km = models.TextField(_("note in Khmer"), blank=True)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True, help_text=_("A link or a description."))
    evidence_file = models.FileField(_("evidence file"), upload_to="plans/%Y/", blank=True)
    event = models.ForeignKey("engagement.Event", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("event"))
    # An authority's user posts its own actions' updates; they count once staff confirm them.
    confirmed = models.BooleanField(_("confirmed by staff"), default=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["action", "date"], name="unique_action_update_per_day")]
        verbose_name = _("update of an action")
        verbose_name_plural = _("updates of actions")

    def __str__(self):
        return f"{self.action.action_id} {self.date} {self.status}"


class AdvocacyPlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    ABANDONED = "abandoned", _("abandoned")


class AdvocacyPlan(models.Model):
    """A CBO's advocacy action plan for a period: the main issue it pursues and to what end. The issue's is_main
    stays the source of truth (indicator 1.1 reads it): a plan's issue must be its CBO's main issue."""

    plan_id = models.CharField(_("plan id"), max_length=40, unique=True)
    cbo = models.ForeignKey("cbos.CBO", on_delete=models.CASCADE, related_name="advocacy_plans",
                            verbose_name=_("CBO"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    issue = models.ForeignKey("advocacy.Issue", on_delete=models.PROTECT, related_name="advocacy_plans",
                              verbose_name=_("main issue"))
    objective_en = models.TextField(_("objective in English"), blank=True)
    objective_km = models.TextField(_("objective in Khmer"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AdvocacyPlanStatus.choices)
    # The office the plan targets; None: its issue's duty bearer.
    duty_bearer = models.ForeignKey("places.Office", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("duty bearer"))

    class Meta:
        ordering = ["cbo", "starts_on", "plan_id"]
        verbose_name = _("advocacy plan")
        verbose_name_plural = _("advocacy plans")

    def __str__(self):
        return f"{self.plan_id} ({self.cbo_id})"


# ---- advocacy plans' activities and the resources CBOs mobilise (format 1.2: plan_activities, resources) ------


class ActivityKind(models.TextChoices):
    GATHER_EVIDENCE = "gather_evidence", _("gather evidence")
    RAISE_AT_FORUM = "raise_at_forum", _("raise it at a forum")
    RAISE_AT_DIALOGUE = "raise_at_dialogue", _("raise it at a district dialogue")
    MEET_DUTY_BEARER = "meet_duty_bearer", _("meet the duty bearer")
    PETITION = "petition", _("petition")
    MEDIA = "media", _("media")
    FOLLOW_UP = "follow_up", _("follow up")
    OTHER = "other", _("other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    POSTPONED = "postponed", _("postponed")
    DROPPED = "dropped", _("dropped")


class PlanActivity(models.Model):
    """An activity an advocacy plan schedules, and the event where it was done."""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="activities",
                             verbose_name=_("advocacy plan"))
    activity_no = models.PositiveIntegerField(_("activity number"))
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    description_en = models.TextField(_("description in English"), blank=True)
    description_km = models.TextField(_("description in Khmer"), blank=True)
    planned_on = models.DateField(_("planned on"))
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    event = models.ForeignKey("engagement.Event", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("event"))

    class Meta:
        ordering = ["plan", "activity_no"]
        constraints = [models.UniqueConstraint(fields=["plan", "activity_no"], name="unique_plan_activity_no")]
        verbose_name = _("activity of an advocacy plan")
        verbose_name_plural = _("activities of advocacy plans")

    def __str__(self):
        return f"{self.plan.plan_id} #{self.activity_no}"


class SourceType(models.TextChoices):
    AUTHORITY = "authority", _("authority")
    NGO = "ngo", _("NGO")
    COMPANY = "company", _("company")
    POLITICAL_PARTY = "political_party", _("political party")
    COMMUNITY = "community", _("community")
    OTHER = "other", _("other")


class ResourceKind(models.TextChoices):
    MONEY = "money", _("money")
    IN_KIND = "in_kind", _("in kind")
    LAND = "land", _("land")
    EQUIPMENT = "equipment", _("equipment")
    TRAINING = "training", _("training")


class Currency(models.TextChoices):
    KHR = "KHR", _("riels")
    USD = "USD", _("US dollars")


class Unit(models.TextChoices):
    HECTARE = "hectare", _("hectares")
    SQUARE_METRE = "square_metre", _("square metres")
    LITRE = "litre", _("litres")
    KILOGRAM = "kilogram", _("kilograms")
    TONNE = "tonne", _("tonnes")
    PERSON_DAY = "person_day", _("person-days")
    ITEM = "item", _("items")


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("one-off")
    MONTHLY = "monthly", _("monthly")


class Resource(models.Model):
    """What a CBO mobilised: money, goods, land, equipment or training given to it or its community because of
    its work. Riels and dollars are never converted; a monthly resource's amount and quantity are per month."""

    resource_id = models.CharField(_("resource id"), max_length=40, unique=True)
    cbo = models.ForeignKey("cbos.CBO", on_delete=models.CASCADE, related_name="resources", verbose_name=_("CBO"))
    date = models.DateField(_("date"))
    source_type = models.CharField(_("source"), max_length=20, choices=SourceType.choices)
    # An authority is an office; any other source is a name (which may be a person's: staff pages only).
    source_office = models.ForeignKey("places.Office", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("office"))
    source_name = models.CharField(_("from whom"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    description_en = models.TextField(_("description in English"), blank=True)
    description_km = models.TextField(_("description in Khmer"), blank=True)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices)
    given_from = models.DateField(_("given from"), null=True, blank=True)
    given_to = models.DateField(_("given to"), null=True, blank=True)
    issue = models.ForeignKey("advocacy.Issue", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("issue"))
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    note_en = models.TextField(_("note in English"), blank=True)
    note_km = models.TextField(_("note in Khmer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cbo", "-date", "resource_id"]
        verbose_name = _("resource mobilised")
        verbose_name_plural = _("resources mobilised")

    def __str__(self):
        return f"{self.resource_id} ({self.cbo_id})"
