"""The admin: a back door for administrators. The results framework is kept through the staff pages and
the workbook import (services.py, audited); here programmes, indicators and reported figures can be fixed
(each change audited), while computed snapshots and issued reports are read-only: a computed figure is
changed by computing it again, and an issued report never changes."""

from django.contrib import admin

from samleng.core.audit import Action, audit_record
from samleng.results.models import Indicator, Narrative, Outcome, Programme, Report, ReportedValue, Snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(user=request.user, action=Action.UPDATE if change else Action.CREATE, obj=obj,
                     summary=f"changed in the admin: {', '.join(form.changed_data) or 'nothing'}",
                     changes={name: ["(admin)", "(admin)"] for name in form.changed_data})

    def delete_model(self, request, obj):
        audit_record(user=request.user, action=Action.DELETE, obj=obj, summary=f"deleted in the admin: {obj}")
        super().delete_model(request, obj)


class OutcomeInline(admin.TabularInline):
    model = Outcome
    fields = ["code", "kind", "parent", "statement_en", "statement_km"]
    fk_name = "programme"
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "name", "donors", "start", "end"]
    search_fields = ["code", "name"]
    inlines = [OutcomeInline]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "programme", "unit", "computation", "baseline", "target", "direction", "cumulative"]
    list_filter = ["programme", "unit", "computation"]
    search_fields = ["code", "statement_en", "statement_km"]
    list_select_related = ["programme"]


@admin.register(ReportedValue)
class ReportedValueAdmin(AuditedAdmin):
    list_display = ["indicator", "period", "value", "decimals", "numerator", "denominator", "source"]
    list_filter = ["period", "indicator__programme"]
    list_select_related = ["indicator"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period", "source", "value", "numerator", "denominator", "computation_version",
                    "computed_at"]
    list_filter = ["period", "source", "indicator__programme"]
    list_select_related = ["indicator"]
    exclude = ["records"]  # thousands of ids: the drill-down pages show them


@admin.register(Narrative)
class NarrativeAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period", "version", "written_by", "written_at"]
    list_filter = ["period"]
    list_select_related = ["indicator", "written_by"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["programme", "period", "version", "status", "issued_at", "issued_by"]
    list_filter = ["status", "period"]
    exclude = ["content"]
