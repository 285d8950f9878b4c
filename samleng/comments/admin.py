"""Partners' Open311 keys: issued and revoked by administrators here (the admin is open to administrators and M&E
officers; only administrators see these keys). A key is shown once, when it is issued; only its hash is kept."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.comments.models import PartnerApiKey
from samleng.comments.open311 import api_key_issue, api_key_revoke
from samleng.core.admin import audit_admin_save


def _is_administrator(request) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", "") == "admin"))


@admin.register(PartnerApiKey)
class PartnerApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_on", "revoked_on"]
    list_filter = ["revoked_on"]
    search_fields = ["name"]
    fields = ["name", "prefix", "created_on", "revoked_on"]
    readonly_fields = ["prefix", "created_on", "revoked_on"]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_add_permission(self, request):
        return _is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit log points at it

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit_admin_save(request, obj, form, change)
            return
        key, raw = api_key_issue(user=request.user, name=form.cleaned_data["name"])
        obj.pk, obj.prefix, obj.created_on, obj.key_hash = key.pk, key.prefix, key.created_on, key.key_hash
        messages.warning(request, _("The key of %(partner)s, shown only this once: %(key)s") % {
            "partner": key.name, "key": raw})

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(user=request.user, key=key)
        messages.success(request, _("Keys revoked: %(count)d.") % {"count": queryset.count()})
