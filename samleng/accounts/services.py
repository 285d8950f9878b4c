"""Every write to users: creating them, their two-factor secret and recovery codes, counting failed logins,
their password.
Keyword-only, typed functions that run in a transaction and write to the audit log."""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import pyotp
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts import limits
from samleng.accounts.models import RecoveryCode, UsedTotpStep, User
from samleng.core.audit import Action, audit_queue, audit_record
from samleng.core.khmer import to_latin_digits
from samleng.core.routers import runtime_alias
from samleng.places.models import Office, Place

#: Shown in authenticator apps next to the account name.
TOTP_ISSUER = "Samleng"


# ---- creating users ----------------------------------------------------------------------------------


def user_scope_errors(*, role: str, provinces: Iterable[Place], cbo, office) -> dict[str, str]:
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
    if role == User.Role.AUTHORITY and office is None:
        errors["office"] = _("An authority needs the office it works for.")
    if office is not None and role != User.Role.AUTHORITY:
        errors["office"] = _("Only authorities have an office.")
    if role not in User.Role.values:
        errors["role"] = _("Unknown role.")
    return errors


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, email: str = "", provinces: Iterable[Place] = (),
    cbo=None, office: Office | None = None, by: User | None = None,
) -> User:
    """A new user with a role and the scope that role needs (ValidationError, by field, otherwise).
    Administrators can also use the Django admin."""
    provinces = list(provinces)
    errors = user_scope_errors(role=role, provinces=provinces, cbo=cbo, office=office)
    if User.objects.filter(username=username).exists():
        errors["username"] = _("A user with that username already exists.")
    if errors:
        raise ValidationError(errors)
    is_admin = role == User.Role.ADMIN
    user = User(username=username, email=User.objects.normalize_email(email), role=role, cbo=cbo,
                office=office, is_staff=is_admin, is_superuser=is_admin)
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
                          "office": [None, office.office_id if office else None]})
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
def user_disable(*, user: User, by: User | None = None) -> int:
    """Disable the account of someone who left (DESIGN.md, Privacy): they can no longer log in (inactive,
    no usable password, no two-factor secret or recovery codes), and their sessions end (each is checked
    against the password hash; those stored in the database are deleted too). The account and its audit
    entries stay. Returns the sessions deleted."""
    from django.contrib.sessions.models import Session

    user.is_active = False
    user.set_unusable_password()
    user.totp_secret, user.totp_confirmed = "", False
    user.save(update_fields=["is_active", "password", "totp_secret", "totp_confirmed"])
    RecoveryCode.objects.filter(user=user).delete()
    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now())
             if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    audit_record(user=by, action=Action.UPDATE, obj=user, summary=f"account {user.username} disabled (left): "
                 f"{len(ended)} sessions ended", changes={"is_active": [True, False], "password": ["***", None]})
    return len(ended)


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
    """Forget the secret (a lost phone) and the recovery codes: the next login sets up a new one."""
    user.totp_secret, user.totp_confirmed = "", False
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    RecoveryCode.objects.filter(user=user).delete()
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
    a code seen over someone's shoulder cannot be used again within its minute and a half. The last step is
    kept in the runtime database (UsedTotpStep: a login writes nothing an import's lock holds); the conditional
    UPDATE, or the unique row of a first code, makes two simultaneous uses of one code accept only one."""
    step = _totp_step(user=user, code=code)
    if step is None:
        return False
    if UsedTotpStep.objects.filter(user_id=user.pk, step__lt=step).update(step=step):
        return True
    try:
        with transaction.atomic(using=runtime_alias()):
            UsedTotpStep.objects.create(user_id=user.pk, step=step)
        return True
    except IntegrityError:  # there is a row: a later step was used, or this one just now by another request
        return bool(UsedTotpStep.objects.filter(user_id=user.pk, step__lt=step).update(step=step))


def totp_code_already_used(*, user: User, code: str) -> bool:
    """`code` is a right code that was accepted already (its time step is not later than the last one
    accepted): the login page then says to wait for the next code rather than to check the phone's clock."""
    step = _totp_step(user=user, code=code)
    return step is not None and UsedTotpStep.objects.filter(user_id=user.pk, step__gte=step).exists()


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


# ---- recovery codes -------------------------------------------------------------------------------------------

#: Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L); 16 of them are 80 random bits.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 16
RECOVERY_CODES = 10


def _recovery_normalised(code: str) -> str:
    """What counts of a typed recovery code: its letters and digits, in capitals (spaces, dashes and the
    case do not matter; Khmer digits are read as digits)."""
    return "".join(c for c in to_latin_digits(code or "").upper() if c.isascii() and c.isalnum())


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_recovery_normalised(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len(_recovery_normalised(code)) == RECOVERY_CODE_LENGTH


@transaction.atomic
def recovery_codes_make(*, user: User) -> list[str]:
    """New recovery codes for `user`, returned to be shown once (only their hashes are kept); the old ones
    stop working."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes)
    audit_record(user=user, action=Action.UPDATE, obj=user, summary="two-factor recovery codes made",
                 changes={"recovery_codes": [None, len(codes)]})
    return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)) for code in codes]


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def recovery_code_use(*, user: User, code: str) -> bool:
    """Accept a recovery code of `user` once (the conditional UPDATE lets only one of two simultaneous uses
    through)."""
    if not looks_like_recovery_code(code):
        return False
    used = RecoveryCode.objects.filter(user=user, code_hash=_recovery_hash(code), used_at__isnull=True).update(
        used_at=timezone.now())
    if used:
        audit_record(user=user, action=Action.UPDATE, obj=user, summary="two-factor recovery code used",
                     changes={"recovery_codes_left": [None, recovery_codes_left(user=user)]})
    return bool(used)


# ---- logging in and its limits -------------------------------------------------------------------------------
# Failures are counted in limits' buckets, shared by every app server: per username and client address (the
# pair is locked: nobody can lock someone else out from their own connection), per address whatever the
# username (the address is throttled: 429), and wrong second-factor codes per account (only someone who
# has the password reaches that step). The username is counted as typed, whether or not it exists.


def _pair_key(username: str, address: str) -> str:
    return limits.keyed_hash("login-pair", username.casefold(), limits.address_key(address))


def _address_key(address: str) -> str:
    return limits.keyed_hash("LIMIT_LOGIN", limits.address_key(address))


def _second_factor_key(user: User) -> str:
    return limits.keyed_hash("second-factor", str(user.pk))


@dataclass(frozen=True)
class Authentication:
    """What a username and password gave: the user when they may go on; otherwise how many seconds the
    username is locked for from this address (`locked`), or the address throttled for (`throttled`)."""

    user: User | None = None
    locked: int = 0
    throttled: int = 0


def login_wait(*, request, username: str, user: User | None = None) -> Authentication:
    """Whether a login attempt may go on now (nothing counted): the address first, then the pair, then
    (at the two-factor step, `user`) the account's wrong codes."""
    address = limits.client_address(request)
    throttle = limits.peek(_address_key(address), limits.rate("LIMIT_LOGIN"))
    if not throttle.allowed:
        return Authentication(throttled=throttle.retry_after)
    waits = [limits.peek(_pair_key(username, address), limits.failures_rate())]
    if user is not None:
        waits.append(limits.peek(_second_factor_key(user), limits.failures_rate()))
    return Authentication(locked=max(w.retry_after for w in waits))


def user_login_failed(*, request, username: str, user: User | None = None,
                      reason: str = "wrong password") -> Authentication:
    """Count a failed attempt (a wrong password, or a wrong code of `user` at the two-factor step) and write
    it to the audit log; the answer says whether the next attempt is locked or throttled."""
    address = limits.client_address(request)
    subject = limits.username_subject(username)
    pair = limits.count_failure(_pair_key(username, address), limits.failures_rate(), subject=subject)
    throttle = limits.count_failure(_address_key(address), limits.rate("LIMIT_LOGIN"))
    second = (limits.count_failure(_second_factor_key(user), limits.failures_rate(), subject=subject)
              if user is not None else limits.Decision(True))
    locked = max(pair.retry_after, second.retry_after)
    _audit_failure(username, user, reason + (f"; locked for {locked} s from this address" if locked else ""))
    return Authentication(locked=locked, throttled=throttle.retry_after)


def _audit_failure(username: str, user: User | None, summary: str) -> None:
    """A failed login for the audit log: on the user's record, or (an unknown username) with the name typed.
    Known and unknown names cost the same: one look-up, one entry. Queued (core.audit.audit_queue), like every
    entry of the login path, so that an import's lock never holds a login up; `samleng tick` moves it in."""
    user = user or User.objects.filter(username=username).first()
    if user is not None:
        audit_queue(user=user, action=Action.LOGIN_FAILED, obj=user, summary=summary)
    else:
        audit_queue(action=Action.LOGIN_FAILED, object_type="accounts.user", summary=f"{summary}: {username[:150]!r}")


def user_login_succeeded(*, user: User, how: str = "password", request=None) -> User:
    """A complete login (password, and when needed the second factor): the failures of this username from
    this address are forgotten (not the address's, nor the account's wrong codes). Writes nothing to the main
    database (no transaction there either: with SQLite one would wait for an import's write lock): the audit
    entry is queued, and the user's last_login is set from it when `samleng tick` moves it into the log."""
    if request is not None:
        limits.forget(key=_pair_key(user.username, limits.client_address(request)))
    audit_queue(user=user, action=Action.LOGIN, obj=user, summary=f"logged in with {how}")
    return user


def last_login_from_audit(sender, entries, **kwargs) -> None:
    """Receiver of core.audit.audit_flushed: each user's last_login is the time of their latest login moved
    into the audit log (Django's own receiver, which wrote it at the login, is disconnected: accounts/apps.py)."""
    latest: dict[int, object] = {}
    for entry in entries:
        if entry.action == Action.LOGIN and entry.user_id and (entry.user_id not in latest
                                                               or entry.at > latest[entry.user_id]):
            latest[entry.user_id] = entry.at
    for user_id, at in latest.items():
        User.objects.filter(pk=user_id).filter(
            models.Q(last_login__isnull=True) | models.Q(last_login__lt=at)).update(last_login=at)


@transaction.atomic
def user_unlock(*, user: User, by: User | None = None) -> User:
    """End every lock of the username, from every address, and of its codes (an administrator who has
    checked who is asking)."""
    limits.forget(subject=limits.username_subject(user.username))
    audit_record(user=by, action=Action.UPDATE, obj=user, summary="unlocked")
    return user


def user_authenticate(*, request, username: str, password: str) -> Authentication:
    """Check a username and password within the limits. An unknown username behaves like a known one with a
    wrong password: the same answer, one password hash of work (Django's backend hashes the password
    anyway), the same counting (by the username typed, with the address). While the pair is locked or the
    address throttled, the password is not even looked at, so guessing cannot go on."""
    wait = login_wait(request=request, username=username)
    if wait.throttled or wait.locked:
        if wait.locked:  # (a throttled address is not written down: a flood would fill the log)
            _audit_failure(username, None, "attempt while locked out")
        return wait
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is not None:
        return Authentication(user=authenticated)
    return user_login_failed(request=request, username=username)
