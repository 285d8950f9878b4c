from django.shortcuts import redirect
from django.urls import reverse

#: Paths a staff member may reach before giving a second factor: login, two-factor, language, static.
_OPEN_PREFIXES = ("/login", "/logout", "/two-factor", "/password-reset", "/i18n/", "/static/")


class StaffTwoFactorMiddleware:
    """Staff (admin, M&E and field officers) must give a TOTP code after their password before they
    reach any page; the login view marks the session once they have."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_staff_role", False)
            and not request.session.get("two_factor_ok")
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:two_factor") + "?next=" + request.path)
        return self.get_response(request)
