"""The admin: a back door for administrators to fix a record. Staff work through the staff pages, which go
through services.py; the admin keeps search_text right, and writes its changes (and every opening of a
representative's record, which shows personal data) to the audit log."""

from django.contrib import admin

from samleng.cbos.models import CBO, Representative
from samleng.cbos.services import cbo_search_text
from samleng.cbos.signals import cbo_moved
from samleng.core.admin import audit_admin_save
from samleng.core.audit import Action, audit_record
from samleng.places.admin import ProvinceFilter

_PLACES = ["province", "district", "commune", "village"]


class RepresentativeInline(admin.TabularInline):
    model = Representative
    # Names only: phones and Telegram ids are edited on the representative's own admin page.
    fields = ["person_id", "full_name", "sex", "role"]
    extra = 0
    show_change_link = True


@admin.register(CBO)
class CBOAdmin(admin.ModelAdmin):
    list_display = ["cbo_id", "name_en", "name_km", "type", "province", "district", "members_total", "is_public"]
    list_filter = ["type", "is_public", ProvinceFilter]
    search_fields = ["cbo_id", "name_en", "name_km"]
    # 14,576 villages and 1,661 communes: a select listing them all would be unusable.
    raw_id_fields = _PLACES
    list_select_related = ["province", "district"]
    readonly_fields = ["search_text", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.search_text = cbo_search_text(obj)
        super().save_model(request, obj, form, change)
        if change and {"province", "district"} & set(form.changed_data):
            cbo_moved.send(sender=CBO, cbo_ids=[obj.pk])  # its issues keep copies of its places
        audit_admin_save(request, obj, form, change)

    def delete_model(self, request, obj):
        audit_record(user=request.user, action=Action.DELETE, obj=obj, summary=f"CBO {obj.cbo_id} deleted in the admin")
        super().delete_model(request, obj)


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    # Phone and Telegram id can be edited on a representative's page but are not listed: a list would
    # show many people's contacts at once.
    list_display = ["person_id", "full_name", "cbo", "sex", "role"]
    list_filter = ["sex", "role", "indigenous", "disability"]
    search_fields = ["person_id", "full_name", "cbo__cbo_id", "cbo__name_en"]
    raw_id_fields = ["cbo"]
    list_select_related = ["cbo"]

    def changelist_view(self, request, extra_context=None):
        audit_record(user=request.user, action=Action.VIEW_PERSONAL, object_type="cbos.representative",
                     summary=f"list of representatives shown in the admin ({request.GET.urlencode()[:200]})")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            audit_record(user=request.user, action=Action.VIEW_PERSONAL, object_type="cbos.representative",
                         object_id=str(object_id), summary="representative shown in the admin")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_admin_save(request, obj, form, change)

    def delete_model(self, request, obj):
        audit_record(user=request.user, action=Action.DELETE, obj=obj,
                     summary=f"representative {obj.person_id} deleted in the admin")
        super().delete_model(request, obj)
