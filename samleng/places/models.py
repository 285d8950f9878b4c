from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    """One unit of Cambodia's gazetteer: a province, a district (or municipality or khan), a commune (or
    sangkat) or a village, with its official code (2, 4, 6 or 8 digits)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        DISTRICT = 2, _("district")
        COMMUNE = 3, _("commune")
        VILLAGE = 4, _("village")

    code = models.CharField(max_length=8, unique=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name_km = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    # The English name reduced to its romanisation-tolerant key (see places.names.romanised_key).
    name_key = models.CharField(max_length=120, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.name_en} ({self.code})"

    @property
    def province_code(self) -> str:
        return self.code[:2]


class PlaceAlias(models.Model):
    """Another name people use for a place (an old spelling, a common short form)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)
    name_key = models.CharField(max_length=120, db_index=True, editable=False, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="unique_place_alias")]

    def __str__(self):
        return f"{self.name} → {self.place}"


class Office(models.Model):
    """A government office that answers to citizens: a commune, district or province administration or
    council, a line department, a ministry. Issues are addressed to an office, authorities promise in its
    name, and authority users belong to one (accounts). `place` is where it sits, at its level (a commune
    office's place is a commune); a national office has none.

    `office_id` is the key of the programme workbook (the NGO's own, or made up when an office is created
    from a name: `OF-<place code>-<n>`). `key_en` and `key_km` are the names as they are compared (see
    places.names): two offices of one level and place cannot share one, so that a name typed again finds
    the office it named the first time."""

    class Level(models.TextChoices):
        VILLAGE = "village", _("village")
        COMMUNE = "commune", _("commune")
        DISTRICT = "district", _("district")
        PROVINCE = "province", _("province")
        NATIONAL = "national", _("national")

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("administration")
        COUNCIL = "council", _("council")
        LINE_DEPARTMENT = "line_department", _("line department")
        MINISTRY = "ministry", _("ministry")
        OTHER = "other", _("other")

    office_id = models.CharField(_("office id"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ADMINISTRATION)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="offices",
                              verbose_name=_("place"))
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    key_en = models.CharField(max_length=200, editable=False, default="")
    key_km = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        ordering = ["office_id"]
        # Unique names per level and place. Two partial constraints per language, because NULL places (the
        # national offices) are distinct from one another in a plain unique constraint.
        constraints = [
            models.UniqueConstraint(fields=["level", "place", "key_en"], name="office_unique_name_en",
                                    condition=models.Q(place__isnull=False) & ~models.Q(key_en="")),
            models.UniqueConstraint(fields=["level", "key_en"], name="office_unique_national_name_en",
                                    condition=models.Q(place__isnull=True) & ~models.Q(key_en="")),
            models.UniqueConstraint(fields=["level", "place", "key_km"], name="office_unique_name_km",
                                    condition=models.Q(place__isnull=False) & ~models.Q(key_km="")),
            models.UniqueConstraint(fields=["level", "key_km"], name="office_unique_national_name_km",
                                    condition=models.Q(place__isnull=True) & ~models.Q(key_km="")),
        ]

    def __str__(self):
        return self.name_en or self.name_km or self.office_id


#: The level of the gazetteer (Place.Level) where an office of each level sits; a national office sits nowhere.
OFFICE_PLACE_LEVEL = {
    Office.Level.VILLAGE: Place.Level.VILLAGE, Office.Level.COMMUNE: Place.Level.COMMUNE,
    Office.Level.DISTRICT: Place.Level.DISTRICT, Office.Level.PROVINCE: Place.Level.PROVINCE,
}


class Facility(models.Model):
    """A public service point citizens go to: a commune or district office, a One Window Service office, a health
    centre, a school, a police post. It is where it is (its commune, or its district when it serves a whole
    district) and an office answers for it (`answered_by`: the comments about it go to that office's
    authorities). The knowledge-base workbook's `facilities` sheet (docs/knowledge-base-workbook.md)."""

    class Type(models.TextChoices):
        COMMUNE_OFFICE = "commune_office", _("commune/sangkat office")
        DISTRICT_OFFICE = "district_office", _("district office")
        ONE_WINDOW_SERVICE = "one_window_service", _("One Window Service office")
        HEALTH_CENTRE = "health_centre", _("health centre")
        REFERRAL_HOSPITAL = "referral_hospital", _("referral hospital")
        SCHOOL = "school", _("school")
        POLICE_POST = "police_post", _("police post")
        OTHER = "other", _("other")

    facility_id = models.CharField(_("facility id"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    province = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))
    district = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    commune = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    answered_by = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="facilities",
                                    verbose_name=_("office that answers for it"))
    active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["facility_id"]
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["commune", "type"]), models.Index(fields=["district", "type"])]

    def __str__(self):
        return self.name_en or self.name_km or self.facility_id
