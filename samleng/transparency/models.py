from django.db import models
from django.utils.translation import gettext_lazy as _


class LandConcession(models.Model):
    """An economic land concession (ELC) the programme follows, and whether it is tracked (counted by
    indicators such as "critical information disclosed about 4 of 8 ELCs")."""

    elc_id = models.CharField(_("concession id"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=12, decimal_places=2, null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    tracked = models.BooleanField(_("tracked by the programme"), default=False)

    class Meta:
        ordering = ["elc_id"]

    def __str__(self):
        return f"{self.elc_id} {self.name}"


class ElcItem(models.TextChoices):
    CONTRACT = "contract", _("contract")
    MASTER_PLAN = "master_plan", _("master plan")
    ESIA = "esia", _("environmental and social impact assessment")
    MAP = "map", _("map")
    SUB_DECREE = "sub_decree", _("sub-decree")
    COMPANY_PROFILE = "company_profile", _("company profile")


class ElcDisclosure(models.Model):
    """One document about a concession made public, and when (the first date it was seen public)."""

    concession = models.ForeignKey(LandConcession, on_delete=models.CASCADE, related_name="disclosures")
    item = models.CharField(_("item"), max_length=20, choices=ElcItem.choices)
    disclosed_on = models.DateField(_("disclosed on"))
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["concession__elc_id", "disclosed_on", "item"]
        constraints = [models.UniqueConstraint(fields=["concession", "item"], name="unique_elc_disclosure")]

    def __str__(self):
        return f"{self.concession_id} {self.item} {self.disclosed_on}"


class ProcurementProject(models.Model):
    """A public procurement project of a buyer (a ministry, a province...) in a fiscal year."""

    project_id = models.CharField(_("project id"), max_length=60, unique=True)
    buyer = models.CharField(_("buyer"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    method = models.CharField(_("procurement method"), max_length=100, blank=True)
    value_khr = models.BigIntegerField(_("value (riel)"), null=True, blank=True)
    ocid = models.CharField(_("OCDS id"), max_length=100, blank=True)

    class Meta:
        ordering = ["fiscal_year", "buyer", "project_id"]
        indexes = [models.Index(fields=["fiscal_year", "buyer"])]

    def __str__(self):
        return f"{self.project_id} {self.title}"


class ProcurementItem(models.TextChoices):
    PLAN = "plan", _("procurement plan")
    ANNOUNCEMENT = "announcement", _("announcement")
    SPECIFICATION = "specification", _("specification")
    AWARD_WINNER = "award_winner", _("award winner")
    AWARD_VALUE = "award_value", _("award value")
    CONTRACT = "contract", _("contract")
    IMPLEMENTATION = "implementation", _("implementation")


class ProcurementDisclosure(models.Model):
    """One piece of a procurement project made public, and when."""

    project = models.ForeignKey(ProcurementProject, on_delete=models.CASCADE, related_name="disclosures")
    item = models.CharField(_("item"), max_length=20, choices=ProcurementItem.choices)
    disclosed_on = models.DateField(_("disclosed on"))
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["project__project_id", "disclosed_on", "item"]
        constraints = [models.UniqueConstraint(fields=["project", "item"], name="unique_procurement_disclosure")]

    def __str__(self):
        return f"{self.project_id} {self.item} {self.disclosed_on}"
