"""The Django admin of budgets: for looking things up, fixing a category's names and explanations, and editing the
glossary (shared with the assistant; every change audited).
Budget figures come in through the budget workbook (`samleng import`, the upload page) and are published on
the staff page /budgets/manage/; the admin shows them read-only so that every change stays audited."""

from django.contrib import admin

from samleng.budgets.models import (
    BudgetLine,
    Category,
    ExchangeRate,
    GlossaryTerm,
    Population,
    Project,
    Publication,
)
from samleng.core.audit import Action, audit_record, changed_fields
from samleng.core.audited_admin import AuditedAdmin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "direction", "name_en", "name_km", "parent", "kind", "position")
    list_filter = ("direction", "kind")
    search_fields = ("code", "name_en", "name_km")
    readonly_fields = ("code", "direction")
    fields = ("code", "direction", "name_en", "name_km", "parent", "kind", "explanation_en", "explanation_km",
              "position")

    def has_add_permission(self, request):  # categories come from the defaults and from workbooks
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = Category.objects.get(pk=obj.pk)
        changes = changed_fields(before, {name: getattr(obj, name) for name in form.changed_data})
        super().save_model(request, obj, form, change)
        if changes:
            audit_record(user=request.user, action=Action.UPDATE, obj=obj, summary=f"category {obj.code} changed",
                         changes=changes)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(AuditedAdmin):
    key_field = "term_id"
    list_display = ("term_id", "term_en", "term_km")
    search_fields = ("term_id", "term_en", "term_km")
    fields = ("term_id", "term_en", "term_km", "explanation_en", "explanation_km")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(_ReadOnly):
    list_display = ("unit", "fiscal_year", "phase", "direction", "category", "amount_khr")
    list_filter = ("fiscal_year", "phase", "direction")
    search_fields = ("=unit",)
    list_select_related = ("category",)
    show_full_result_count = False  # half a million lines: no COUNT(*) on every page


@admin.register(Project)
class ProjectAdmin(_ReadOnly):
    list_display = ("unit", "fiscal_year", "project_id", "title_en", "cost_khr", "status", "progress_pct")
    list_filter = ("fiscal_year", "status")
    search_fields = ("=unit", "project_id", "title_en", "title_km")


@admin.register(Population)
class PopulationAdmin(_ReadOnly):
    list_display = ("unit", "year", "population", "female")
    list_filter = ("year",)
    search_fields = ("=unit",)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(_ReadOnly):
    list_display = ("year", "khr_per_usd")


@admin.register(Publication)
class PublicationAdmin(_ReadOnly):
    list_display = ("unit", "fiscal_year", "published", "changed_at", "changed_by")
    list_filter = ("published", "fiscal_year")
    search_fields = ("=unit",)
