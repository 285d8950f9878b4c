"""The audit log's admin page, and what every app's admin shares."""

from django.contrib import admin

from samleng.core.audit import Action, audit_record
from samleng.core.models import AuditEntry


def audit_admin_save(request, obj, form, change: bool) -> None:
    """The admin's changes in the audit log: which fields, not their values (some are personal)."""
    audit_record(user=request.user, action=Action.UPDATE if change else Action.CREATE, obj=obj,
                 summary=f"changed in the admin: {', '.join(form.changed_data) or 'nothing'}",
                 changes={name: ["(admin)", "(admin)"] for name in form.changed_data})


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: an entry that could be changed or deleted here would prove nothing."""

    list_display = ("at", "user", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "summary", "user__username")
    date_hierarchy = "at"
    list_select_related = ("user",)
    fields = ("at", "user", "action", "object_type", "object_id", "summary", "changes")
    readonly_fields = fields
    show_full_result_count = False  # a count(*) over the whole log on every page is slow once it is large

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
