import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext

from samleng.core.templatetags.samleng import digits

#: The session key of the last request's time (seconds since the epoch), for the idle timeout.
LAST_SEEN = "last_seen"
#: The last-seen time is written at most this often (seconds), not at every request.
_LAST_SEEN_EVERY = 60

def session_started(sender, request, user, **kwargs):
    """At login: the idle clock starts (so the first page after it need not write the session)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class StaffIdleTimeoutMiddleware:
    """A staff session (User.is_staff_like) left without a request for STAFF_IDLE_MINUTES ends: the next
    request goes to the login page, which says why. Every session also ends SESSION_COOKIE_AGE after the
    login whatever happens (settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_staff_like", False):
            now, idle = int(time.time()), settings.STAFF_IDLE_MINUTES * 60
            last_seen = request.session.get(LAST_SEEN)
            if idle > 0 and last_seen is not None and now - last_seen > idle:
                logout(request)
                minutes = settings.STAFF_IDLE_MINUTES
                messages.info(request, ngettext(
                    "You were logged out after %(minutes)s minute without activity. Log in again to go on.",
                    "You were logged out after %(minutes)s minutes without activity. Log in again to go on.",
                    minutes) % {"minutes": digits(minutes)})
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= _LAST_SEEN_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


#: Paths a staff member may reach before giving a second factor: login, two-factor, language, static.
_OPEN_PREFIXES = ("/login/", "/logout/", "/two-factor/", "/password-reset/", "/i18n/", "/static/")


class StaffTwoFactorMiddleware:
    """Everyone who reads records that are not public (User.needs_two_factor) must give a TOTP code or a
    recovery code after their password before they reach any page; the two-factor view marks the session
    once they have."""

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
