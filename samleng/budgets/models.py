from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The `unit` of the nation's own budget (every other unit is a gazetteer code).
NATIONAL = "national"


class Direction(models.TextChoices):
    REVENUE = "revenue", _("revenue")
    EXPENDITURE = "expenditure", _("expenditure")


class Phase(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REVISED = "revised", _("revised")
    EXECUTED = "executed", _("executed")


class Category(models.Model):
    """A budget category (the budget workbook's `categories` sheet, or Samleng's default set), with a
    plain-language explanation for citizens."""

    class Kind(models.TextChoices):
        ECONOMIC = "economic", _("economic")
        FUNCTIONAL = "functional", _("functional")
        ADMINISTRATIVE = "administrative", _("administrative")

    code = models.CharField(_("code"), max_length=40, unique=True)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_km = models.CharField(_("name in Khmer"), max_length=200)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    explanation_en = models.TextField(_("explanation in English"), blank=True)
    explanation_km = models.TextField(_("explanation in Khmer"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)  # order on pages

    class Meta:
        ordering = ["direction", "position", "code"]
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.code} {self.name_en}"


class BudgetLine(models.Model):
    """One amount of one unit's budget: a year, a phase, a direction and a category. `unit` is the
    gazetteer code of the province, district or commune, or "national"; `place` is that place (none for
    the nation)."""

    unit = models.CharField(_("unit"), max_length=8)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="lines")
    amount_khr = models.BigIntegerField(_("amount (riel)"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["unit", "fiscal_year", "phase", "direction", "category__position"]
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year", "phase", "direction", "category"],
                                               name="unique_budget_line")]
        indexes = [models.Index(fields=["fiscal_year", "phase", "unit"])]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year} {self.phase} {self.category_id}: {self.amount_khr}"


class Project(models.Model):
    """A local investment project of a unit's budget year (a line of a commune's three-year rolling
    investment plan)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    unit = models.CharField(_("unit"), max_length=8)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    project_id = models.CharField(_("project id"), max_length=60)
    title_en = models.CharField(_("title in English"), max_length=300)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    village = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cost_khr = models.BigIntegerField(_("cost (riel)"))
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    progress_pct = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "fiscal_year", "project_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year", "project_id"], name="unique_project")]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year} {self.project_id}"


class Population(models.Model):
    """How many people live in a unit in a year (per-person figures)."""

    unit = models.CharField(_("unit"), max_length=8)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))
    female = models.PositiveIntegerField(_("women"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unique_population")]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.population}"


class ExchangeRate(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    khr_per_usd = models.DecimalField(_("riels per US dollar"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.khr_per_usd}"


class Publication(models.Model):
    """Whether a unit's budget year is shown on the public pages. Staff publish and withdraw; nothing is
    public until it is published."""

    unit = models.CharField(_("unit"), max_length=8)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    published = models.BooleanField(_("published"), default=False)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    #: When a revision of the published figures was last approved (the public page says "revised on").
    revised_at = models.DateTimeField(_("revised at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year"], name="unique_publication")]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year}: {'published' if self.published else 'withdrawn'}"


# ---- pending revisions of published years ------------------------------------------------------------------
# Published figures never change silently: an import that would change a published unit-year (or one with a
# revision already pending) writes its changed lines and projects here, and the public tables change only
# when someone allowed to publish approves the revision (services.revision_approve_many). Separate tables
# rather than a flag on the public ones, so that every reader of BudgetLine and Project (pages, API, open
# data, the assistant) sees approved figures without a filter to forget.


class Revision(models.Model):
    """A pending revision of a published unit-year: its changed lines are PendingBudgetLine rows, its changed
    projects PendingProject rows, of the same unit and fiscal year."""

    unit = models.CharField(_("unit"), max_length=8)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-submitted_at", "unit", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year"], name="unique_revision")]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year}: revision pending"


class PendingBudgetLine(models.Model):
    """A budget line as a pending revision would make it (a new line, or a new amount or note of a line)."""

    unit = models.CharField(_("unit"), max_length=8)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    amount_khr = models.BigIntegerField(_("amount (riel)"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year", "phase", "direction", "category"],
                                               name="unique_pending_budget_line")]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year} {self.phase} {self.category_id}: {self.amount_khr} (pending)"


class PendingProject(models.Model):
    """A local project as a pending revision would make it."""

    unit = models.CharField(_("unit"), max_length=8)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    project_id = models.CharField(_("project id"), max_length=60)
    title_en = models.CharField(_("title in English"), max_length=300)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    village = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cost_khr = models.BigIntegerField(_("cost (riel)"))
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Project.Status.choices, blank=True)
    progress_pct = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year", "project_id"],
                                               name="unique_pending_project")]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year} {self.project_id} (pending)"


class GlossaryTerm(models.Model):
    """A word of budgets and public services explained in both languages: the Citizen Budget's glossary page
    and the assistant share it (the knowledge-base workbook's `glossary` sheet). It lives here, not in the
    assistant, because the budget pages show it and budgets may not import the assistant; the assistant reads
    it through budgets.selectors."""

    term_id = models.CharField(_("term id"), max_length=40, unique=True)
    term_en = models.CharField(_("term in English"), max_length=200, blank=True)
    term_km = models.CharField(_("term in Khmer"), max_length=200, blank=True)
    explanation_en = models.TextField(_("explanation in English"), blank=True)
    explanation_km = models.TextField(_("explanation in Khmer"), blank=True)

    class Meta:
        ordering = ["term_id"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term_en or self.term_km or self.term_id

    def clean(self):
        errors = {}
        if not (self.term_en or self.term_km):
            errors["term_en"] = _("A glossary entry needs its word in English or in Khmer.")
        if not (self.explanation_en or self.explanation_km):
            errors["explanation_en"] = _("A glossary entry needs its explanation in English or in Khmer.")
        if errors:
            raise ValidationError(errors)
