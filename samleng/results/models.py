from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Programme(models.Model):
    """A donor-funded programme (the programme workbook's `programme` sheet) and its results framework."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_km = models.CharField(_("name in Khmer"), max_length=300, blank=True)
    donors = models.CharField(_("donors"), max_length=500, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)


class Outcome(models.Model):
    """A result of a programme's results framework: an outcome ("Outcome 1: the engagement of citizens...")
    or an output ("Output 1.1: ..."), which may belong to an outcome (`parent`). The model keeps the name
    Outcome, the word the workbook, the pages and the stored reports use for "a result of the framework";
    `kind` says which of the two it is. Indicators measure either."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("outcome")
        OUTPUT = "output", _("output")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    # An output's outcome, of the same programme; deleting the outcome leaves the output on its own.
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="outputs",
                               verbose_name=_("parent outcome"))
    statement_en = models.TextField(_("statement in English"), blank=True)
    statement_km = models.TextField(_("statement in Khmer"), blank=True)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="unique_outcome")]

    def __str__(self):
        return f"{self.code} {self.statement_en[:60]}"

    @property
    def is_output(self) -> bool:
        return self.kind == self.Kind.OUTPUT

    def clean(self):
        if self.parent_id is None:
            return
        if not self.is_output:
            raise ValidationError({"parent": ValidationError(_("Only an output belongs to an outcome."),
                                                             code="parent_of_outcome")})
        parent = self.parent
        if parent.is_output or parent.programme_id != self.programme_id:
            raise ValidationError({"parent": ValidationError(
                _("An output belongs to an outcome of the same programme."), code="parent_not_outcome")})


class Unit(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")


class Direction(models.TextChoices):
    UP = "up", _("higher is better")
    DOWN = "down", _("lower is better")


class Indicator(models.Model):
    """An indicator: computed by a computation of the catalogue (results.computations) with its parameters,
    or, when `computation` is empty, entered by hand with its evidence."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    statement_en = models.TextField(_("statement in English"))
    statement_km = models.TextField(_("statement in Khmer"), blank=True)
    unit = models.CharField(pgettext_lazy("indicator", "unit"), max_length=10, choices=Unit.choices)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_numerator = models.PositiveIntegerField(_("baseline numerator"), null=True, blank=True)
    baseline_denominator = models.PositiveIntegerField(_("baseline denominator"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    direction = models.CharField(pgettext_lazy("indicator", "direction"), max_length=4, choices=Direction.choices,
                                 default=Direction.UP)
    # A cumulative figure counts everything since the programme began: it must not fall from year to year.
    cumulative = models.BooleanField(_("cumulative"), default=False)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    computation = models.CharField(_("computation"), max_length=60, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="unique_indicator")]

    def __str__(self):
        return f"{self.code} {self.statement_en[:60]}"

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)


class Snapshot(models.Model):
    """An indicator's value for one period, as computed from the records (or entered by hand), with what
    makes it: numerator, denominator, breakdown, disaggregations and the exact records behind it. One per
    indicator and period; computing again replaces it (issued reports keep their own frozen copy)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("computed from the records")
        MANUAL = "manual", _("entered by hand")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="snapshots")
    period = models.PositiveSmallIntegerField(_("period"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COMPUTED)
    # None when there is no data (an empty denominator): shown as "no data", never as 0%.
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.PositiveIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)  # {"solved": 9, "partly_solved": 30}
    # {"sex": {"female": {"numerator": n, "denominator": d, "value": v}, ...}, "province": {...}, ...}
    disaggregation = models.JSONField(_("disaggregation"), default=dict, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)  # as used, defaults filled in
    computation = models.CharField(_("computation"), max_length=60, blank=True)
    computation_version = models.PositiveSmallIntegerField(_("computation version"), default=1)
    computed_at = models.DateTimeField(_("computed at"))
    # The records behind the figure: {"kind": "advocacy.issue", "numerator": [pk, ...], "denominator": [pk...]}.
    records = models.JSONField(_("records"), default=dict, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)  # for a value entered by hand
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="unique_snapshot")]

    def __str__(self):
        return f"{self.indicator_id} {self.period}: {self.value}"


class ReportedValue(models.Model):
    """A figure as a past report stated it (the `reported_values` sheet, or a form), held against the
    computed one. Numerator, denominator and parts are kept when the report printed them, so that its
    internal consistency can be checked too."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reported_values")
    period = models.PositiveSmallIntegerField(_("period"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    # The number of decimals the report printed: differences are judged after rounding to it.
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    numerator = models.PositiveIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    breakdown = models.JSONField(_("parts"), default=dict, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="unique_reported_value")]

    def __str__(self):
        return f"{self.indicator_id} {self.period}: {self.value}"


class Narrative(models.Model):
    """The narrative of an indicator for a period in the annual report. Versioned: every edit is a new row;
    the latest version is the one shown."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="narratives")
    period = models.PositiveSmallIntegerField(_("period"))
    version = models.PositiveIntegerField(_("version"))
    text_en = models.TextField(_("narrative in English"), blank=True)
    text_km = models.TextField(_("narrative in Khmer"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["indicator", "period", "-version"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period", "version"], name="unique_narrative")]

    def __str__(self):
        return f"{self.indicator_id} {self.period} v{self.version}"


class Report(models.Model):
    """An annual progress report of a programme. A draft shows the current figures; an issued report is
    frozen: `content` holds every number and narrative as issued, and later changes make a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    period = models.PositiveSmallIntegerField(_("period"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("content"), default=dict, blank=True)  # frozen when issued
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["programme", "-period", "-version"]
        constraints = [models.UniqueConstraint(fields=["programme", "period", "version"], name="unique_report")]

    def __str__(self):
        return f"{self.programme_id} {self.period} v{self.version} ({self.status})"
