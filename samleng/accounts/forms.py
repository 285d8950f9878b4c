from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from samleng.accounts import services
from samleng.core.widgets import TypedTextInput


class LoginForm(forms.Form):
    # Anyone may post this form: a username longer than any is not echoed back (TypedTextInput).
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=TypedTextInput(attrs={"autocomplete": "username", "autocapitalize": "none",
                                                            "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    """The six digits of an authenticator app, or a recovery code (services accept spaces, dashes and Khmer
    digits)."""

    code = forms.CharField(label=_("Six-digit code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True, "size": 8}))


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class AuditedPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, new password twice, the validators), saved through the service; `save` raises
    MainDatabaseBusy while an import holds the main database (the view says so)."""

    def save(self, commit=True):
        return services.user_password_set(user=self.user, password=self.cleaned_data["new_password1"],
                                          by=self.user, reason="changed", wait=False)


class AuditedSetPasswordForm(SetPasswordForm):
    """The new password after a reset link, saved through the service so that the reset is in the log; `save`
    raises MainDatabaseBusy while an import holds the main database (the view says so)."""

    def save(self, commit=True):
        return services.user_password_set(user=self.user, password=self.cleaned_data["new_password1"],
                                          reason="reset by e-mail link", wait=False)
