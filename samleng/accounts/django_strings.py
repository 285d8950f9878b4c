"""Django's own words on Samleng's account pages (the password forms' labels, help and errors) that Django's
Khmer catalogue leaves in English. They are listed here, exactly as Django writes them, so that `makemessages`
keeps them in Samleng's catalogue, which Django reads before its own: a Khmer page then says them in Khmer.
Nothing imports this module."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_STRINGS = [
    # django.contrib.auth.forms: changing and setting a password
    gettext_noop("Old password"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The two password fields didn’t match."),
    # django.contrib.auth.password_validation: the validators of settings.AUTH_PASSWORD_VALIDATORS
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is too common."),
    ngettext_lazy("Your password must contain at least %(min_length)d character.",
                  "Your password must contain at least %(min_length)d characters.", "min_length"),
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "min_length"),
]
