"""A Django admin whose every add, change and delete goes to the audit log (the fields changed, with their old
and new values: for public records only, such as the assistant's knowledge base and the glossary; never for a
model with personal fields)."""

from django.contrib import admin

from samleng.core.audit import Action, audit_record, changed_fields


class AuditedAdmin(admin.ModelAdmin):
    #: The field that names a record in the log's summary (its own id, such as faq_id).
    key_field = "pk"

    def _label(self, obj) -> str:
        return f"{obj._meta.verbose_name} {getattr(obj, self.key_field)}"

    def save_model(self, request, obj, form, change):
        if change:
            before = type(obj).objects.get(pk=obj.pk)
            changes = changed_fields(before, {name: getattr(obj, name) for name in form.changed_data})
        super().save_model(request, obj, form, change)
        if not change:
            audit_record(user=request.user, action=Action.CREATE, obj=obj, summary=f"{self._label(obj)} added")
        elif changes:
            audit_record(user=request.user, action=Action.UPDATE, obj=obj, summary=f"{self._label(obj)} changed",
                         changes=changes)

    def delete_model(self, request, obj):
        label, pk = self._label(obj), obj.pk
        super().delete_model(request, obj)
        audit_record(user=request.user, action=Action.DELETE, object_type=obj._meta.label_lower, object_id=str(pk),
                     summary=f"{label} deleted")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
