from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.core.audit import Action, audit_record, changed_fields
from samleng.places.models import Place


def _admin_login(request, extra_context=None):
    """The admin's own login form would skip the lock-out, the audit log and two-factor set-up: everyone
    logs in on Samleng's page, which sends them back here afterwards."""
    if request.user.is_authenticated:
        raise PermissionDenied  # logged in, but not allowed in the admin
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _admin_login


class _ScopeFormMixin:
    """The role and scope rules of services.user_scope_errors, on the admin's forms."""

    def clean(self):
        cleaned = super().clean()
        errors = services.user_scope_errors(
            role=cleaned.get("role", self.instance.role), provinces=cleaned.get("provinces") or (),
            cbo=cleaned.get("cbo"), office=cleaned.get("office"),
        )
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class UserForm(_ScopeFormMixin, UserChangeForm):
    pass


class NewUserForm(_ScopeFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role", "provinces", "cbo", "office")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users with their role and scope. The TOTP secret never appears: not in a form, a list or a filter."""

    form = UserForm
    add_form = NewUserForm
    list_display = ("username", "email", "role", "is_active", "totp_confirmed", "last_login")
    list_filter = ("role", "is_active", "totp_confirmed", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    raw_id_fields = ("cbo", "office")
    readonly_fields = ("totp_confirmed", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "preferred_language")}),
        (_("Role and scope"), {"fields": ("role", "provinces", "cbo", "office"),
                               "description": _("Field officers: provinces. CBO representatives: their CBO. "
                                                "Authorities: the office they work for (they read the issues "
                                                "addressed to it).")}),
        (_("Login"), {"fields": ("is_active", "totp_confirmed", "last_login", "date_joined")}),
        (_("Django admin"), {"classes": ("collapse",),
                             "fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
        (_("Role and scope"), {"fields": ("role", "provinces", "cbo", "office")}),
    )
    actions = ["unlock", "reset_two_factor", "disable"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "provinces":
            # 25 provinces, not the 16,000 places of the gazetteer.
            kwargs["queryset"] = Place.objects.filter(level=Place.Level.PROVINCE)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            before = User.objects.get(pk=obj.pk)
            fields = [f for f in form.changed_data if f not in {"password", "provinces", "groups", "user_permissions"}]
            changes = changed_fields(before, {f: getattr(obj, f) for f in fields})
        super().save_model(request, obj, form, change)
        if change:
            audit_record(user=request.user, action=Action.UPDATE, obj=obj, summary="changed in the admin",
                         changes={**changes, **({"provinces": ["", "changed"]} if "provinces" in form.changed_data
                                                else {})})
        else:
            audit_record(user=request.user, action=Action.CREATE, obj=obj, summary="created in the admin",
                         changes={"role": [None, obj.role]})

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock(self, request, queryset):
        for user in queryset:
            services.user_unlock(user=user, by=request.user)
        self.message_user(request, _("Unlocked."), messages.SUCCESS)

    @admin.action(description=_("Reset two-factor (a lost phone): a new key is set up at the next login"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.user_totp_reset(user=user, by=request.user)
        self.message_user(request, _("Two-factor reset."), messages.SUCCESS)

    @admin.action(description=_("Disable the selected accounts (people who left): no login, sessions ended"))
    def disable(self, request, queryset):
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            services.user_disable(user=user, by=request.user)
        self.message_user(request, _("Disabled. Their records and audit entries stay."), messages.SUCCESS)


def _admin_site_open_to(request) -> bool:
    """The admin shows every record of every province: only to active administrators and M&E officers
    (Django's is_staff alone, given by mistake to a field officer, does not open it)."""
    user = request.user
    return user.is_active and user.is_staff and user.sees_everything


admin.site.has_permission = _admin_site_open_to
