"""Every write to users: creating them, their two-factor secret, the lock-out counter, their password.
Keyword-only, typed functions that run in a transaction and write to the audit log."""

import datetime as dt
import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts.models import User
from samleng.core.audit import Action, audit_record
from samleng.core.khmer import to_latin_digits
from samleng.places.models import Place

#: Shown in authenticator apps next to the account name.
TOTP_ISSUER = "Samleng"


# ---- creating users ----------------------------------------------------------------------------------


def user_scope_errors(*, role: str, provinces: Iterable[Place], cbo, authority_unit) -> dict[str, str]:
    """What is wrong with a role and scope combination, by field (empty when nothing is). Each role has
    exactly the scope access.py reads for it, so a user never holds a scope that silently means nothing."""
    provinces = list(provinces)
    errors: dict[str, str] = {}
    if role == User.Role.FIELD_OFFICER and not provinces:
        errors["provinces"] = _("A field officer needs at least one province.")
    if provinces and role != User.Role.FIELD_OFFICER:
        errors["provinces"] = _("Only field officers have provinces.")
    if any(p.level != Place.Level.PROVINCE for p in provinces):
        errors["provinces"] = _("Choose provinces, not districts, communes or villages.")
    if role == User.Role.CBO_REP and cbo is None:
        errors["cbo"] = _("A CBO representative needs a CBO.")
    if cbo is not None and role != User.Role.CBO_REP:
        errors["cbo"] = _("Only CBO representatives have a CBO.")
    if role == User.Role.AUTHORITY and authority_unit is None:
        errors["authority_unit"] = _("An authority needs the administrative unit it answers for.")
    if authority_unit is not None and role != User.Role.AUTHORITY:
        errors["authority_unit"] = _("Only authorities have an administrative unit.")
    if role not in User.Role.values:
        errors["role"] = _("Unknown role.")
    return errors


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, email: str = "", provinces: Iterable[Place] = (),
    cbo=None, authority_unit: Place | None = None, by: User | None = None,
) -> User:
    """A new user with a role and the scope that role needs (ValidationError, by field, otherwise).
    Administrators can also use the Django admin."""
    provinces = list(provinces)
    errors = user_scope_errors(role=role, provinces=provinces, cbo=cbo, authority_unit=authority_unit)
    if User.objects.filter(username=username).exists():
        errors["username"] = _("A user with that username already exists.")
    if errors:
        raise ValidationError(errors)
    is_admin = role == User.Role.ADMIN
    user = User(username=username, email=User.objects.normalize_email(email), role=role, cbo=cbo,
                authority_unit=authority_unit, is_staff=is_admin, is_superuser=is_admin)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["password", "totp_secret"])
    user.save()
    user.provinces.set(provinces)
    audit_record(user=by, action=Action.CREATE, obj=user, summary=f"user {username} ({role})",
                 changes={"role": [None, role], "provinces": [None, [p.code for p in provinces]],
                          "cbo": [None, cbo.pk if cbo else None],
                          "authority_unit": [None, authority_unit.code if authority_unit else None]})
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str, by: User | None = None, reason: str = "") -> User:
    """A new password (already validated by the form that asked for it). Other sessions of the user end,
    because Django checks each session against the password hash."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(user=by, action=Action.UPDATE, obj=user, summary=f"password {reason or 'changed'}",
                 changes={"password": ["***", "***"]})
    return user


@transaction.atomic
def user_unlock(*, user: User, by: User | None = None) -> User:
    """End a lock-out early (an administrator who has checked who is asking)."""
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(user=by, action=Action.UPDATE, obj=user, summary="unlocked")
    return user


# ---- two-factor ----------------------------------------------------------------------------------------


@transaction.atomic
def user_totp_setup(*, user: User, confirmed: bool = False) -> str:
    """A new TOTP secret for `user`, returned so it can be shown once. Unconfirmed, the next login shows the
    set-up page and asks for a first code; `confirmed=True` is for a secret handed over by an administrator
    (`samleng createstaff`), so that the password alone never reveals it."""
    secret = pyotp.random_base32()
    user.totp_secret, user.totp_confirmed = secret, confirmed
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    audit_record(user=user, action=Action.UPDATE, obj=user, summary="two-factor secret created",
                 changes={"totp_confirmed": [None, confirmed]})
    return secret


@transaction.atomic
def user_totp_reset(*, user: User, by: User | None = None) -> User:
    """Forget the secret (a lost phone): the next login sets up a new one."""
    user.totp_secret, user.totp_confirmed = "", False
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    audit_record(user=by, action=Action.UPDATE, obj=user, summary="two-factor secret reset")
    return user


def totp_uri(*, user: User) -> str:
    """The otpauth:// URI authenticator apps read (from a QR code or typed in)."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _totp_step(*, user: User, code: str) -> int | None:
    """The time step whose code `code` is: the current one, or the one just before or after (a phone's
    clock is often off by some seconds); None if it is none of them. Spaces and Khmer digits, as typed on a
    Khmer keyboard, are fine."""
    code = to_latin_digits(code or "").replace(" ", "").strip()
    if not user.totp_secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(timezone.now())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_code_use(*, user: User, code: str) -> bool:
    """Accept `code` once: it must be a valid code of a later time step than the last one accepted, so that
    a code seen over someone's shoulder cannot be used again within its minute and a half. The conditional
    UPDATE makes two simultaneous uses of one code accept only one."""
    step = _totp_step(user=user, code=code)
    if step is None:
        return False
    if not User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step):
        return False
    user.totp_last_step = step
    return True


@transaction.atomic
def user_totp_confirm(*, user: User, code: str) -> bool:
    """Confirm a newly set-up secret with the first code the user's app shows; False if it is wrong."""
    if not totp_code_use(user=user, code=code):
        return False
    user.totp_confirmed = True
    user.save(update_fields=["totp_confirmed"])
    audit_record(user=user, action=Action.UPDATE, obj=user, summary="two-factor secret confirmed",
                 changes={"totp_confirmed": [False, True]})
    return True


# ---- logging in and the lock-out --------------------------------------------------------------------------


def user_locked_until(*, user: User) -> dt.datetime | None:
    """When the user's lock-out ends, or None when they are not locked out."""
    if user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


def minutes_left(until: dt.datetime) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


@transaction.atomic
def user_login_failed(*, user: User, reason: str = "wrong password") -> User:
    """Count a failed attempt (a wrong password or two-factor code); at LOGIN_MAX_FAILURES in a row, lock
    the account for LOGIN_LOCKOUT_MINUTES. Updates `user` in place."""
    now = timezone.now()
    # Locked row: two attempts at the same moment must both count.
    row = User.objects.select_for_update().only("failed_logins", "locked_until").get(pk=user.pk)
    failures = row.failed_logins
    if row.locked_until and row.locked_until <= now:
        failures = 0  # a lock-out that has ended starts a fresh count
    failures += 1
    locked_until = row.locked_until if row.locked_until and row.locked_until > now else None
    if failures >= settings.LOGIN_MAX_FAILURES and locked_until is None:
        locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    User.objects.filter(pk=user.pk).update(failed_logins=min(failures, 32767), locked_until=locked_until)
    user.failed_logins, user.locked_until = min(failures, 32767), locked_until
    summary = reason + (f"; locked until {locked_until:%Y-%m-%d %H:%M %Z}" if locked_until else "")
    audit_record(user=user, action=Action.LOGIN_FAILED, obj=user, summary=summary,
                 changes={"failed_logins": [row.failed_logins, user.failed_logins]})
    return user


@transaction.atomic
def user_login_succeeded(*, user: User, how: str = "password") -> User:
    """A complete login (password, and for staff the two-factor code): the failure count starts again."""
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(user=user, action=Action.LOGIN, obj=user, summary=f"logged in with {how}")
    return user


@dataclass(frozen=True)
class Authentication:
    """What a username and password gave: the user when they may go on, or when a lock-out ends."""

    user: User | None = None
    locked_until: dt.datetime | None = None


def user_authenticate(*, request, username: str, password: str) -> Authentication:
    """Check a username and password against the lock-out. An unknown username behaves like a known one
    with a wrong password: the same answer, one password hash of work (Django's backend hashes the
    password anyway), and a lock-out after as many attempts (kept in the cache), so that neither the
    message nor the time taken tells whether an account exists. While an account is locked, every
    attempt fails without the password being looked at, so guessing cannot go on during the lock-out."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        locked = user_locked_until(user=user)
        if locked:
            audit_record(user=user, action=Action.LOGIN_FAILED, obj=user, summary="attempt while locked out")
            return Authentication(locked_until=locked)
    else:
        locked = _unknown_locked_until(username)
        if locked:
            _audit_unknown(username, "attempt while locked out")
            return Authentication(locked_until=locked)

    authenticated = authenticate(request, username=username, password=password)
    if authenticated is not None:
        return Authentication(user=authenticated)
    if user is not None:
        user_login_failed(user=user)
        return Authentication(locked_until=user_locked_until(user=user))
    _audit_unknown(username, "unknown username")
    return Authentication(locked_until=_unknown_failed(username))


def _unknown_key(username: str) -> str:
    return "samleng:login-unknown:" + hashlib.sha256(username.encode()).hexdigest()


def _unknown_locked_until(username: str) -> dt.datetime | None:
    state = cache.get(_unknown_key(username))
    if state and state["locked_until"] and state["locked_until"] > timezone.now():
        return state["locked_until"]
    return None


def _unknown_failed(username: str) -> dt.datetime | None:
    """Count a failure for a username that does not exist, the way user_login_failed counts a real one."""
    key, now = _unknown_key(username), timezone.now()
    state = cache.get(key) or {"failures": 0, "locked_until": None}
    if state["locked_until"] and state["locked_until"] <= now:
        state = {"failures": 0, "locked_until": None}
    state["failures"] += 1
    if state["failures"] >= settings.LOGIN_MAX_FAILURES:
        state["locked_until"] = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    cache.set(key, state, timeout=24 * 3600)
    return state["locked_until"]


def _audit_unknown(username: str, summary: str) -> None:
    audit_record(user=None, action=Action.LOGIN_FAILED, object_type="accounts.user",
                 summary=f"{summary}: {username[:150]!r}")
