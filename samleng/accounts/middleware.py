from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

#: Paths a staff member may reach before giving a second factor: login, two-factor, language, static.
_OPEN_PREFIXES = ("/login/", "/logout/", "/two-factor/", "/password-reset/", "/i18n/", "/static/")


class StaffTwoFactorMiddleware:
    """Staff (admin, M&E and field officers) must give a TOTP code after their password before they
    reach any page; the two-factor view marks the session once they have."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_two_factor", False)
            and not request.session.get("two_factor_ok")
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            # The whole path with its query string, encoded, so that "?a=1&b=2" survives the round trip.
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
