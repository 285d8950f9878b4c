from django.contrib import admin

from samleng.core.models import AuditEntry


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
