from django.db import models
from django.utils.translation import gettext_lazy as _

from samleng.core.crypto import EncryptedTextField


class CBO(models.Model):
    """A community-based organisation: a forestry or fishery community, a cooperative, a youth group..."""

    class Type(models.TextChoices):
        COMMUNITY_FORESTRY = "community_forestry", _("community forestry")
        COMMUNITY_FISHERY = "community_fishery", _("community fishery")
        AGRICULTURAL_COOPERATIVE = "agricultural_cooperative", _("agricultural cooperative")
        AGRICULTURAL_COMMUNITY = "agricultural_community", _("agricultural community")
        YOUTH_GROUP = "youth_group", _("youth group")
        WOMEN_GROUP = "women_group", _("women's group")
        DISABILITY_GROUP = "disability_group", _("disability group")
        INDIGENOUS_COMMUNITY = "indigenous_community", _("indigenous community")
        OTHER = "other", _("other")

    cbo_id = models.CharField(_("CBO id"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, db_index=True)
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    established_on = models.DateField(_("established on"), null=True, blank=True)
    members_total = models.PositiveIntegerField(_("members"), null=True, blank=True)
    members_female = models.PositiveIntegerField(_("female members"), null=True, blank=True)
    committee_total = models.PositiveIntegerField(_("committee members"), null=True, blank=True)
    committee_female = models.PositiveIntegerField(_("female committee members"), null=True, blank=True)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=12, decimal_places=2, null=True, blank=True)
    joined_on = models.DateField(_("joined the programme on"), null=True, blank=True)
    # Public pages show a CBO only when staff mark it public; the default protects it.
    is_public = models.BooleanField(_("shown on public pages"), default=False)
    # Names segmented into words (core.khmer.search_text), kept for search.
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = "CBO"
        verbose_name_plural = "CBOs"

    def __str__(self):
        return self.name_en


class Representative(models.Model):
    """A person who represents a CBO. Personal data: see the privacy rules in DESIGN.md."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    class Role(models.TextChoices):
        LEADER = "leader", _("leader")
        COMMITTEE = "committee", _("committee member")
        MEMBER = "member", _("member")

    person_id = models.CharField(_("person id"), max_length=40, unique=True)
    cbo = models.ForeignKey(CBO, on_delete=models.CASCADE, related_name="representatives")
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    indigenous = models.BooleanField(_("indigenous"), default=False)
    disability = models.BooleanField(_("with a disability"), default=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    telegram = EncryptedTextField(_("Telegram id"), blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    # Set when the person withdrew consent and was forgotten (services.representative_forget): their name,
    # phone, Telegram id, birth year and consent date are erased; sex, role and groups stay, to be counted.
    forgotten_on = models.DateField(_("forgotten on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["cbo_id", "full_name"]

    def __str__(self):
        return f"{self.person_id}"
