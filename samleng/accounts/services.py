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
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts import limits
from samleng.accounts.models import RecoveryCode, TotpEnrolment, UsedRecoveryCode, UsedTotpStep, User
from samleng.core.audit import Action, audit_queue, audit_record
from samleng.core.khmer import to_latin_digits
from samleng.core.routers import MainDatabaseBusy, main_write_now, runtime_alias
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


def user_password_set(*, user: User, password: str, by: User | None = None, reason: str = "",
                      wait: bool = True) -> User:
    """A new password (already validated by the form that asked for it). Other sessions of the user end,
    because Django checks each session against the password hash. With `wait=False` (the password change and
    reset pages) the main database must take the write at once (core.routers.main_write_now): while an import
    holds its lock, MainDatabaseBusy is raised with nothing changed, the user in memory included, and the page says
    so rather than hang for the import. The hash is made before the lock is asked for (it takes most of a second)."""
    hashed, before = make_password(password), user.password
    try:
        with transaction.atomic() if wait else main_write_now():
            user.password, user._password = hashed, password  # as set_password does: validators are told
            user.save(update_fields=["password"])
            audit_record(user=by, action=Action.UPDATE, obj=user, summary=f"password {reason or 'changed'}",
                         changes={"password": ["***", "***"]})
    except BaseException:
        user.password, user._password = before, None
        raise
    return user


def user_disable(*, user: User, by: User | None = None) -> int:
    """Disable the account of someone who left (DESIGN.md, Privacy): they can no longer log in (inactive,
    no usable password, no two-factor secret or recovery codes), and their sessions end (each is checked
    against the password hash; those stored in the database are deleted too). The account and its audit
    entries stay. Returns the sessions deleted."""
    TotpEnrolment.objects.filter(user_id=user.pk).delete()  # first: the tick must not move it in afterwards
    with transaction.atomic():
        return _user_disable(user=user, by=by)


def _user_disable(*, user: User, by: User | None) -> int:
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
# A login must not wait for an import, which holds the main SQLite file's write lock for its whole transaction
# (README "Logins during an import"). What the second step writes that belongs in the user's record (a first
# set-up confirmed, a recovery code used) is therefore written in the runtime database first (TotpEnrolment,
# UsedRecoveryCode) and moved into the record at once when the main database takes the write without waiting,
# else by `samleng tick` (two_factor_moves). Readers look in the runtime database first, then in the record: a
# move writes the record and only then deletes the runtime row, so nothing falls between the two reads.


@dataclass(frozen=True)
class TwoFactor:
    """Where a user's two-factor login stands: the secret ("" when none is set up yet) and whether a first code
    confirmed it."""

    secret: str
    confirmed: bool


def _enrolment(user_id: int) -> TotpEnrolment | None:
    return TotpEnrolment.objects.filter(user_id=user_id).first()


def two_factor_of(*, user: User) -> TwoFactor:
    """The user's two-factor secret and whether it is confirmed: a confirmed set-up not yet moved into the record
    first, then the record, read afresh (the user in memory may have been loaded before a move); an unconfirmed
    record gives the secret of the set-up under way, if any."""
    enrolment = _enrolment(user.pk)
    if enrolment is not None and enrolment.confirmed_at is not None:
        return TwoFactor(enrolment.secret, True)
    record = User._base_manager.filter(pk=user.pk).values("totp_secret", "totp_confirmed").first() or {}
    if record.get("totp_confirmed") and record.get("totp_secret"):
        return TwoFactor(record["totp_secret"], True)
    return TwoFactor(enrolment.secret if enrolment is not None else "", False)


@transaction.atomic
def user_totp_setup(*, user: User, confirmed: bool = False) -> str:
    """A new TOTP secret for `user` in their record, returned so it can be shown once. `confirmed=True` is for a
    secret handed over by an administrator (`samleng createstaff`), so that the password alone never reveals it;
    unconfirmed, the next login's set-up page starts from it. A set-up under way is dropped first."""
    TotpEnrolment.objects.filter(user_id=user.pk).delete()
    secret = pyotp.random_base32()
    user.totp_secret, user.totp_confirmed = secret, confirmed
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    audit_record(user=user, action=Action.UPDATE, obj=user, summary="two-factor secret created",
                 changes={"totp_confirmed": [None, confirmed]})
    return secret


def totp_setup_start(*, user: User) -> str:
    """The secret the set-up page shows: that of the set-up under way, or a new set-up's, kept in the runtime
    database only (the login waits for no import). A secret the record holds unconfirmed is taken over (the app
    may have it already). Its audit entry is queued."""
    enrolment = _enrolment(user.pk)
    if enrolment is not None:
        return enrolment.secret
    unconfirmed = User._base_manager.filter(pk=user.pk).values_list("totp_secret", flat=True).first()
    secret = unconfirmed or pyotp.random_base32()
    try:
        with transaction.atomic(using=runtime_alias()):
            TotpEnrolment.objects.create(user_id=user.pk, secret=secret)
    except IntegrityError:  # another request of this user made one just now
        return _enrolment(user.pk).secret
    audit_queue(user=user, action=Action.UPDATE, obj=user, summary="two-factor secret created",
                changes={"totp_confirmed": [None, False]})
    return secret


def user_totp_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the set-up under way with the first code the user's app shows: the ten recovery codes made with it
    are returned, to be shown once; None if the code is wrong (or nothing is being set up). It is all kept in the
    runtime database, then moved into the record at once if the main database takes the write without waiting,
    else by `samleng tick`; the next login reads it wherever it is."""
    enrolment = _enrolment(user.pk)
    if enrolment is None or enrolment.confirmed_at is not None:
        return None
    if not totp_code_use(user=user, code=code, secret=enrolment.secret):
        return None
    codes = _recovery_codes_new()
    if not TotpEnrolment.objects.filter(pk=enrolment.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), code_hashes=[_recovery_hash(c) for c in codes]):
        return None  # confirmed (or reset) by another request in between: these codes were never kept
    audit_queue(user=user, action=Action.UPDATE, obj=user, summary="two-factor secret confirmed",
                changes={"totp_confirmed": [False, True]})
    audit_queue(user=user, action=Action.UPDATE, obj=user, summary="two-factor recovery codes made",
                changes={"recovery_codes": [None, len(codes)]})
    totp_enrolment_apply(user_id=user.pk, wait=False)
    return _recovery_codes_shown(codes)


def totp_enrolment_apply(*, user_id: int, wait: bool = True) -> bool:
    """Move a confirmed set-up into the user's record (the secret, confirmed; its recovery codes in place of any
    earlier ones), then delete it. With `wait=False`, only if the main database takes the write at once (False
    otherwise: the tick will). The set-up is read again under the record's lock: a reset or a disabling deletes
    it before changing the record, so it is never moved in after them. Moved again after a stop between the two
    databases, it changes nothing: a record that holds its secret, confirmed, has it, codes and their marks."""
    try:
        with transaction.atomic() if wait else main_write_now():
            user = User._base_manager.select_for_update().filter(pk=user_id).first()
            enrolment = TotpEnrolment.objects.filter(user_id=user_id, confirmed_at__isnull=False).first()
            if enrolment is None:
                return False
            if user is not None and not _holds(user, enrolment):
                user.totp_secret, user.totp_confirmed = enrolment.secret, True
                user.save(update_fields=["totp_secret", "totp_confirmed"])
                RecoveryCode.objects.filter(user=user).delete()
                RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=code_hash)
                                                 for code_hash in enrolment.code_hashes)
    except MainDatabaseBusy:
        return False
    TotpEnrolment.objects.filter(pk=enrolment.pk, confirmed_at=enrolment.confirmed_at).delete()
    return True


def _holds(user: User, enrolment: TotpEnrolment) -> bool:
    """Whether the record holds the set-up already (its secret, confirmed, and exactly its recovery codes): moved
    in before, by a move stopped before it deleted the set-up. New recovery codes of the same secret are a set-up
    the record does not hold yet (recovery_codes_make)."""
    return (user.totp_confirmed and user.totp_secret == enrolment.secret
            and set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
            == set(enrolment.code_hashes))


def user_totp_reset(*, user: User, by: User | None = None) -> User:
    """Forget the secret (a lost phone) and the recovery codes: the next login sets up a new one. A set-up not
    yet moved into the record is dropped first, so that the tick cannot move it in afterwards."""
    TotpEnrolment.objects.filter(user_id=user.pk).delete()
    with transaction.atomic():
        user.totp_secret, user.totp_confirmed = "", False
        user.save(update_fields=["totp_secret", "totp_confirmed"])
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(user=by, action=Action.UPDATE, obj=user, summary="two-factor secret reset")
    return user


def totp_uri(*, user: User, secret: str) -> str:
    """The otpauth:// URI authenticator apps read (from a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _totp_step(*, secret: str, code: str) -> int | None:
    """The time step whose code `code` is: the current one, or the one just before or after (a phone's
    clock is often off by some seconds); None if it is none of them. Spaces and Khmer digits, as typed on a
    Khmer keyboard, are fine."""
    code = to_latin_digits(code or "").replace(" ", "").strip()
    if not secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(timezone.now())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _confirmed_secret(user: User) -> str:
    state = two_factor_of(user=user)
    return state.secret if state.confirmed else ""


def totp_code_use(*, user: User, code: str, secret: str | None = None) -> bool:
    """Accept `code` once: it must be a valid code (of `secret`, by default the user's confirmed one) of a later
    time step than the last one accepted, so that a code seen over someone's shoulder cannot be used again within
    its minute and a half. The last step is kept in the runtime database (UsedTotpStep: a login writes nothing an
    import's lock holds); the conditional UPDATE, or the unique row of a first code, makes two simultaneous uses
    of one code accept only one."""
    step = _totp_step(secret=_confirmed_secret(user) if secret is None else secret, code=code)
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


def totp_code_already_used(*, user: User, code: str, secret: str | None = None) -> bool:
    """`code` is a right code that was accepted already (its time step is not later than the last one
    accepted): the login page then says to wait for the next code rather than to check the phone's clock."""
    step = _totp_step(secret=_confirmed_secret(user) if secret is None else secret, code=code)
    return step is not None and UsedTotpStep.objects.filter(user_id=user.pk, step__gte=step).exists()


# ---- recovery codes -------------------------------------------------------------------------------------------
# A code is good once. Using one writes a UsedRecoveryCode row (runtime database, unique per user and code)
# BEFORE the code is looked up, and the row stays until the code's `used_at` is set in the record. Two uses of
# one code: the second cannot write its row while the first's is there; and once the first's row is gone, the
# record already holds the mark, which the second reads after writing its own row. So a code works once even
# while the mark waits for an import to end, or for `samleng tick`.

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


def _recovery_codes_new() -> list[str]:
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
            for _ in range(RECOVERY_CODES)]


def _recovery_codes_shown(codes: list[str]) -> list[str]:
    """In groups of four, as the page shows them."""
    return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)) for code in codes]


def recovery_codes_make(*, user: User) -> list[str]:
    """New recovery codes for `user`, returned to be shown once (only their hashes are kept); the old ones
    stop working at once. They wait for no import: they are kept in the runtime database first, as a confirmed
    set-up of the user's present secret (TotpEnrolment, which the second step reads before the record: the old
    codes are refused from then on), and moved into the record at once if the main database takes the write
    without waiting, else by `samleng tick`. A set-up not yet moved in is replaced (its codes are the ones
    replaced). Without a confirmed secret (not reached from the pages) the codes go straight into the record."""
    codes = _recovery_codes_new()
    hashes = [_recovery_hash(c) for c in codes]
    state = two_factor_of(user=user)
    if not state.confirmed:
        with transaction.atomic():
            RecoveryCode.objects.filter(user=user).delete()
            RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=code_hash) for code_hash in hashes)
            audit_record(user=user, action=Action.UPDATE, obj=user, summary="two-factor recovery codes made",
                         changes={"recovery_codes": [None, len(codes)]})
        return _recovery_codes_shown(codes)
    # A new confirmed_at each time: a move under way deletes the set-up it read only if it is still that one.
    with transaction.atomic(using=runtime_alias()):
        TotpEnrolment.objects.update_or_create(user_id=user.pk, defaults={
            "secret": state.secret, "confirmed_at": timezone.now(), "code_hashes": hashes})
    audit_queue(user=user, action=Action.UPDATE, obj=user, summary="two-factor recovery codes made",
                changes={"recovery_codes": [None, len(codes)]})
    totp_enrolment_apply(user_id=user.pk, wait=False)
    return _recovery_codes_shown(codes)


def _pending_code_hashes(user_id: int | None = None) -> set[tuple[int, str]]:
    """(user id, code hash) of the recovery codes of confirmed set-ups not yet moved into the record."""
    enrolments = TotpEnrolment.objects.filter(confirmed_at__isnull=False)
    if user_id is not None:
        enrolments = enrolments.filter(user_id=user_id)
    return {(e.user_id, code_hash) for e in enrolments for code_hash in e.code_hashes}


def recovery_codes_left(*, user: User) -> int:
    """The user's recovery codes not used yet: those of a set-up not yet moved into the record, if any, else the
    record's; less those used at logins whose mark has not reached the record."""
    pending = {code_hash for _, code_hash in _pending_code_hashes(user.pk)}
    marks = dict(RecoveryCode.objects.filter(user_id=user.pk).values_list("code_hash", "used_at"))
    unused = {h for h in pending if marks.get(h) is None} if pending else {
        h for h, used_at in marks.items() if used_at is None}
    return len(unused - set(UsedRecoveryCode.objects.filter(user_id=user.pk).values_list("code_hash", flat=True)))


def recovery_code_use(*, user: User, code: str) -> bool:
    """Accept a recovery code of `user` once (see above). The use is written to the runtime database first; the
    mark reaches the record at once if the main database takes it without waiting, else at `samleng tick`."""
    if not looks_like_recovery_code(code):
        return False
    code_hash = _recovery_hash(code)
    try:
        with transaction.atomic(using=runtime_alias()):
            use = UsedRecoveryCode.objects.create(user_id=user.pk, code_hash=code_hash, used_at=timezone.now())
    except IntegrityError:  # used already (its mark not yet in the record), or by another request right now
        return False
    if not _recovery_code_unused(user.pk, code_hash, use):
        use.delete()
        return False
    audit_queue(user=user, action=Action.UPDATE, obj=user, summary="two-factor recovery code used",
                changes={"recovery_codes_left": [None, recovery_codes_left(user=user)]})
    recovery_marks_move(user_id=user.pk, wait=False)
    return True


def _recovery_code_unused(user_id: int, code_hash: str, use: UsedRecoveryCode) -> bool:
    """Whether the code is the user's and not used, read after `use` was written: a set-up's codes first, then
    the record, whose mark decides when it has the code (a mark made from `use` itself, by a tick that ran in
    between, is this use's own)."""
    waiting = _pending_code_hashes(user_id)
    pending = (user_id, code_hash) in waiting
    if waiting and not pending:  # codes that wait to be moved in replace the record's: those stopped working
        return False
    marks = list(RecoveryCode.objects.filter(user_id=user_id, code_hash=code_hash).values_list("used_at", flat=True))
    if marks:
        return marks[0] is None or marks[0] == use.used_at
    return pending


def recovery_marks_move(*, user_id: int | None = None, wait: bool = True) -> int:
    """Set `used_at` in the record for the recovery codes used at logins (UsedRecoveryCode; of one user, or of
    everyone), then delete each use once the record holds its mark, or once its code is gone for good (in no set-up
    under way, then not in the record: new codes replaced it). With `wait=False`, only if the main database takes
    the write at once. Returns the uses moved."""
    uses = UsedRecoveryCode.objects.all() if user_id is None else UsedRecoveryCode.objects.filter(user_id=user_id)
    uses = list(uses)
    if not uses:
        return 0
    try:
        with transaction.atomic() if wait else main_write_now():
            for use in uses:
                RecoveryCode.objects.filter(user_id=use.user_id, code_hash=use.code_hash, used_at__isnull=True).update(
                    used_at=use.used_at)
    except MainDatabaseBusy:
        return 0
    pending = _pending_code_hashes(user_id)  # the set-ups first, then the record (see above)
    marks = {(u, h): at for u, h, at in RecoveryCode.objects.filter(
        user_id__in={use.user_id for use in uses}, code_hash__in={use.code_hash for use in uses}).values_list(
        "user_id", "code_hash", "used_at")}
    done = [use.pk for use in uses if marks.get((use.user_id, use.code_hash)) is not None
            or ((use.user_id, use.code_hash) not in marks and (use.user_id, use.code_hash) not in pending)]
    UsedRecoveryCode.objects.filter(pk__in=done).delete()
    return len(done)


def two_factor_moves() -> str:
    """`samleng tick`'s job: the set-ups confirmed and the recovery codes used at logins while the main database was
    busy, moved into the users' records (set-ups first: a code used may be one of theirs)."""
    applied = sum(totp_enrolment_apply(user_id=user_id) for user_id in TotpEnrolment.objects.filter(
        confirmed_at__isnull=False).values_list("user_id", flat=True))
    marked = recovery_marks_move()
    return f"{applied} two-factor set-ups and {marked} used recovery codes moved into the main database"


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
