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
