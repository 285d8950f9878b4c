"""Logging in (password, then a TOTP code or a recovery code for accounts that read records that are not
public), recovery codes, logging out, and passwords. The limits and the audit log are in services; these
views ask them and render."""

import math
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from samleng.accounts import forms, limits, services
from samleng.core.routers import MainDatabaseBusy
from samleng.core.templatetags.samleng import digits

#: The session key the middleware reads: set once a staff member has given their TOTP code.
TWO_FACTOR_OK = "two_factor_ok"


def _next_url(request) -> str:
    """Where to go after logging in: `next` when it points into this site, the staff home otherwise."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    try:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:  # the staff home is not there (yet): the front page is
        return reverse("home")


def _locked_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts with this username from your connection. Try again in %(minutes)s minute.",
        "Too many failed attempts with this username from your connection. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": digits(minutes)}  # Khmer digits on Khmer pages


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    next_url = _next_url(request)
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.user_authenticate(request=request, username=form.cleaned_data["username"],
                                            password=form.cleaned_data["password"])
        if result.user is not None:
            user = result.user
            auth_login(request, user)  # a new session key, so a session fixed in advance is worthless
            if user.needs_two_factor:
                # Logged in, but the middleware keeps every page closed until the code is given, and the
                # failures are forgotten only then (or guessing codes would be unlimited).
                request.session[TWO_FACTOR_OK] = False
                return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}")
            services.user_login_succeeded(user=user, how="password", request=request)
            return redirect(next_url)
        if result.throttled:
            return limits.too_many_requests(request, result.throttled)
        if result.locked:
            form.add_error(None, _locked_message(result.locked))
        else:
            # The same words for an unknown username and a wrong password: they tell nobody who has an account.
            form.add_error(None, _("That username and password do not match. Check them and try again."))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
def two_factor(request):
    """The second step for staff: set up an authenticator app the first time, then a code at every login."""
    user = request.user
    next_url = _next_url(request)
    if not user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
    if not user.needs_two_factor or request.session.get(TWO_FACTOR_OK):
        return redirect(next_url)
    wait = services.login_wait(request=request, username=user.username, user=user)
    if wait.locked or wait.throttled:
        return _end_locked_session(request, max(wait.locked, wait.throttled))

    # Where the set-up stands is read in the runtime database first (a set-up made during an import is kept
    # there until the main database can take it: services).
    state = services.two_factor_of(user=user)
    setting_up = not state.confirmed
    secret = state.secret or services.totp_setup_start(user=user)
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        how, recovery_codes = "password and two-factor code", None
        if setting_up:
            recovery_codes = services.user_totp_confirm(user=user, code=code)  # made with it, shown this once
            ok = recovery_codes is not None
        elif services.looks_like_recovery_code(code):
            ok, how = services.recovery_code_use(user=user, code=code), "password and a recovery code"
        else:
            ok = services.totp_code_use(user=user, code=code, secret=secret)
        if ok:
            services.user_login_succeeded(user=user, how=how, request=request)
            request.session.cycle_key()  # a new key for the session that now opens the pages
            request.session[TWO_FACTOR_OK] = True
            if setting_up:
                return render(request, "accounts/recovery_codes.html", {
                    "codes": recovery_codes, "next": next_url, "first_time": True})
            if how.endswith("recovery code"):
                left = services.recovery_codes_left(user=user)
                messages.warning(request, ngettext(
                    "You logged in with a recovery code. %(count)s code is left: make new ones if you need them.",
                    "You logged in with a recovery code. %(count)s codes are left: make new ones if you need them.",
                    left) % {"count": digits(left)})
            return redirect(next_url)
        failed = services.user_login_failed(request=request, username=user.username, user=user,
                                            reason="wrong two-factor code")
        if failed.locked or failed.throttled:
            return _end_locked_session(request, max(failed.locked, failed.throttled))
        if not setting_up and services.totp_code_already_used(user=user, code=code, secret=secret):
            form.add_error("code", _("That code was just used. Wait for the next code on your phone and enter it."))
        else:
            form.add_error("code", _("That code is not right. Check your phone's clock and try the newest code."))

    context = {"form": form, "next": next_url, "setting_up": setting_up}
    if setting_up:
        uri = services.totp_uri(user=user, secret=secret)
        # segno draws the SVG from the URI's bytes: paths of numbers, nothing else taken from the request.
        qr_svg = segno.make(uri, error="m").svg_inline(scale=4, omitsize=True, svgclass="qr-code", light="#fff")
        context.update(secret=secret, uri=uri, qr_svg=mark_safe(qr_svg),
                       secret_grouped=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))
    return render(request, "accounts/two_factor.html", context)


def _end_locked_session(request, seconds: int):
    """Too many wrong codes: the half-open session ends, and the login page says for how long."""
    auth_logout(request)
    messages.error(request, _locked_message(seconds))
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters("password")
@never_cache
def recovery_codes(request):
    """New recovery codes for an account with two-factor login, once its password is given again (a session
    left open must not be enough); the old codes stop working. The codes are shown on this answer only."""
    user = request.user
    if not user.needs_two_factor or not request.session.get(TWO_FACTOR_OK):
        raise Http404
    form = forms.ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.login_wait(request=request, username=user.username)
        if wait.throttled:
            return limits.too_many_requests(request, wait.throttled)
        if wait.locked:
            form.add_error("password", _locked_message(wait.locked))
        elif user.check_password(form.cleaned_data["password"]):
            return render(request, "accounts/recovery_codes.html",
                          {"codes": services.recovery_codes_make(user=user), "next": reverse("home")})
        else:
            failed = services.user_login_failed(request=request, username=user.username,
                                                reason="wrong password for new recovery codes")
            form.add_error("password", _locked_message(failed.locked) if failed.locked
                           else _("That is not your password."))
    return render(request, "accounts/recovery_codes_new.html",
                  {"form": form, "left": services.recovery_codes_left(user=user)})


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@sensitive_post_parameters()
def password_change(request):
    form = forms.AuditedPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except MainDatabaseBusy:
            return _main_database_busy(request, "accounts/password_change.html", {"form": form})
        # Keep this session (and its two-factor mark); other sessions of the user end.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


#: When to try again after an import held the main database (seconds): a national import writes for a minute or two.
BUSY_RETRY_AFTER = 120


def _main_database_busy(request, template: str, context: dict):
    """The form again, saying in Khmer and English (whatever the page's language) that nothing was changed
    because an import holds the main database, rather than waiting for the import to end: 503 with Retry-After.
    With SQLite an import holds the file's only write lock for its whole transaction (accounts/README.md)."""
    en, km = limits._both_languages(lambda: _(
        "Your password was not changed: Samleng is saving a large import, which holds the database for a few "
        "minutes. Please try again in a few minutes."))
    response = render(request, template, {**context, "busy_en": en, "busy_km": km}, status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


# Django's password reset views, with our templates and namespaced URLs. The e-mail is sent only when the
# address belongs to an active user, but the page after it says the same either way.
class LimitedPasswordResetView(auth_views.PasswordResetView):
    """At most LIMIT_PASSWORD_RESET mails to one address in its period, however often it is asked for (the
    middleware limits the requests of each client too); beyond that the page says the same, sends nothing."""

    def form_valid(self, form):
        key = limits.keyed_hash("LIMIT_PASSWORD_RESET", "email", form.cleaned_data["email"].strip().casefold())
        if not limits.take(key, limits.rate("LIMIT_PASSWORD_RESET")).allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = LimitedPasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, saying so when an import holds the main database (the password is not changed; the link still
    works: its token depends on the password hash, which stayed)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # form.save() first: nothing else is done when it raises
        except MainDatabaseBusy:
            return _main_database_busy(self.request, self.template_name, self.get_context_data(form=form))


password_reset_confirm = PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=forms.AuditedSetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
