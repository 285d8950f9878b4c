"""The admin: a back door for administrators to fix a concession, a procurement project or a disclosure.
Staff work through the staff pages and the programme workbook, which go through services.py; changes made
here are written to the audit log too."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samleng.core.admin import audit_admin_save
from samleng.core.audit import Action, audit_record
from samleng.places.admin import ProvinceFilter
from samleng.transparency.models import (
    DeclaredHoliday,
    ElcDisclosure,
    LandConcession,
    ProcurementDisclosure,
    ProcurementProject,
)
from samleng.transparency.services import procurement_counts_refresh, request_clocks_refresh


class _Audited(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_admin_save(request, obj, form, change)

    def delete_model(self, request, obj):
        audit_record(user=request.user, action=Action.DELETE, obj=obj, summary=f"{obj} deleted in the admin")
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Disclosures added, changed or deleted inline are audited one by one, as on their own pages."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(user=request.user, action=Action.DELETE, obj=obj, summary=f"{obj} deleted in the admin")
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            audit_record(user=request.user, action=Action.CREATE if created else Action.UPDATE, obj=obj,
                         summary=f"{obj} {'added' if created else 'changed'} in the admin")
        formset.save_m2m()


class ElcDisclosureInline(admin.TabularInline):
    model = ElcDisclosure
    fields = ["item", "disclosed_on", "source"]
    extra = 0


@admin.register(LandConcession)
class LandConcessionAdmin(_Audited):
    list_display = ["elc_id", "name", "company", "province", "district", "area_ha", "granted_on", "tracked"]
    list_filter = ["tracked", ProvinceFilter]
    search_fields = ["elc_id", "name", "company"]
    # The gazetteer has thousands of places: a select listing them all would be unusable.
    raw_id_fields = ["province", "district"]
    list_select_related = ["province", "district"]
    inlines = [ElcDisclosureInline]


@admin.register(ElcDisclosure)
class ElcDisclosureAdmin(_Audited):
    list_display = ["concession", "item", "disclosed_on", "source"]
    list_filter = ["item"]
    search_fields = ["concession__elc_id", "concession__name", "concession__company"]
    raw_id_fields = ["concession"]
    list_select_related = ["concession"]
    date_hierarchy = "disclosed_on"


class ProcurementDisclosureInline(admin.TabularInline):
    model = ProcurementDisclosure
    fields = ["item", "disclosed_on", "source"]
    extra = 0


class FiscalYearFilter(admin.SimpleListFilter):
    title = _("fiscal year")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        years = ProcurementProject.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
        return [(year, str(year)) for year in years]

    def queryset(self, request, queryset):
        return queryset.filter(fiscal_year=self.value()) if self.value() else queryset


@admin.register(ProcurementProject)
class ProcurementProjectAdmin(_Audited):
    list_display = ["project_id", "buyer", "title", "fiscal_year", "method", "value_khr"]
    list_filter = [FiscalYearFilter, "buyer"]
    search_fields = ["project_id", "buyer", "title", "ocid"]
    inlines = [ProcurementDisclosureInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        procurement_counts_refresh(project_pks=[form.instance.pk])  # its disclosures may have changed inline


@admin.register(ProcurementDisclosure)
class ProcurementDisclosureAdmin(_Audited):
    list_display = ["project", "item", "disclosed_on", "source"]
    list_filter = ["item"]
    search_fields = ["project__project_id", "project__title", "project__buyer"]
    raw_id_fields = ["project"]
    list_select_related = ["project"]
    date_hierarchy = "disclosed_on"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        before = form.initial.get("project")  # a disclosure moved to another project: both counts change
        procurement_counts_refresh(project_pks=[obj.project_id] + ([before] if before else []))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        procurement_counts_refresh(project_pks=[obj.project_id])

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        procurement_counts_refresh(project_pks=pks)


@admin.register(DeclaredHoliday)
class DeclaredHolidayAdmin(_Audited):
    """Days declared off (or worked) beyond Cambodia's public holidays, as a royal decree says: every request's
    due days follow at once."""

    list_display = ["date", "name_en", "name_km", "working"]
    list_filter = ["working"]
    search_fields = ["name_en", "name_km"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request_clocks_refresh()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        request_clocks_refresh()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(user=request.user, action=Action.DELETE, obj=obj, summary=f"{obj} deleted in the admin")
        super().delete_queryset(request, queryset)
        request_clocks_refresh()
