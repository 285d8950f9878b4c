from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.core.crypto import EncryptedTextField
from samleng.core.routers import MainDatabaseBusy, main_write_now


class User(AbstractUser):
    """A person who logs in. What they may see is given by their role and scope (accounts.access)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        ME_OFFICER = "me_officer", _("M&E officer")
        FIELD_OFFICER = "field_officer", _("field officer")
        CBO_REP = "cbo_rep", _("CBO representative")
        AUTHORITY = "authority", _("authority")

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FIELD_OFFICER)
    # Field officers: the provinces they work in.
    provinces = models.ManyToManyField("places.Place", blank=True, related_name="field_officers")
    # CBO representatives: their CBO.
    cbo = models.ForeignKey("cbos.CBO", null=True, blank=True, on_delete=models.SET_NULL, related_name="users")
    # Authorities: the office they work for (they read the issues addressed to it; places.Office).
    office = models.ForeignKey(
        "places.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("office"),
    )
    preferred_language = models.CharField(max_length=5, default="km")
    # Two-factor login: staff confirm a TOTP secret once, then give a code at every login.
    totp_secret = EncryptedTextField(blank=True)
    totp_confirmed = models.BooleanField(default=False)
    # The time step of the last code accepted is kept in the runtime database (UsedTotpStep).

    def check_password(self, raw_password):
        """Django's, except that a hash made with older settings (another hasher, fewer iterations) is upgraded
        only if the main database can take the write at once: a login during an import (which holds the main
        SQLite file's write lock) must not wait for it. The old hash still works, so the upgrade is simply made at
        a later login. The user in memory keeps the hash the database holds, so that the session made at this
        login matches it (Django checks each session against the hash)."""

        def upgrade(raw: str) -> None:
            try:
                with main_write_now():
                    new = make_password(raw)  # under the lock: no hashing when the write cannot be made
                    upgraded = type(self)._base_manager.filter(pk=self.pk, password=self.password).update(
                        password=new)
            except MainDatabaseBusy:
                return
            if upgraded:
                self.password = new

        return check_password(raw_password, self.password, upgrade)

    @property
    def is_staff_role(self) -> bool:
        """Staff of the NGO: they need two-factor login and may see personal data within their scope."""
        return self.role in {self.Role.ADMIN, self.Role.ME_OFFICER, self.Role.FIELD_OFFICER}

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in {self.Role.ADMIN, self.Role.ME_OFFICER}

    @property
    def is_staff_like(self) -> bool:
        """Staff, or anyone who can reach the Django admin or sees everything (a superuser whose role is not
        a staff one too): they reach personal data, and their sessions end when left idle."""
        return self.is_staff_role or self.is_superuser or self.is_staff

    @property
    def reads_non_public(self) -> bool:
        """Can read records that are not public: staff, an authority with its office (the non-public issues
        addressed to it), a CBO representative with their CBO (its non-public issues)."""
        if self.is_staff_like:
            return True
        if self.role == self.Role.AUTHORITY:
            return self.office_id is not None
        if self.role == self.Role.CBO_REP:
            return self.cbo_id is not None
        return False

    @property
    def needs_two_factor(self) -> bool:
        """Everyone who can read records that are not public gives a TOTP code (or a recovery code) after
        their password."""
        return self.reads_non_public


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app at the two-factor step (a lost phone).
    Shown once when made; only its SHA-256 is kept (a code has 80 random bits, so the hash cannot be turned
    back by trying). Making new codes deletes the old ones."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")]

    def __str__(self):
        return f"recovery code of {self.user_id} ({'used' if self.used_at else 'unused'})"


class LimitBucket(models.Model):
    """A token bucket of a rate limit (accounts.limits), shared by every app server through the database.
    `key` is a keyed hash of the limit's name and what it counts (a client address, a username with an
    address, an e-mail address): neither addresses nor names are kept in clear. `subject` is the keyed hash
    of a username, so that unlocking an account can find its buckets. A bucket is deleted once it would be
    full again (`full_at`): it is kept only as long as the limit needs it."""

    key = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=64, blank=True, db_index=True)
    tokens = models.FloatField()
    updated = models.DateTimeField()
    full_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key[:12]}… {self.tokens:.2f}"


class UsedTotpStep(models.Model):
    """The time step (30 s) of the last two-factor code an account gave: a code is good once, not again within
    its window. Kept in the runtime database (core/routers.py), beside the sessions, so that the login's second
    step writes nothing an import's lock holds; the user is named by id (no key across the two files)."""

    user_id = models.BigIntegerField(unique=True)
    step = models.BigIntegerField()

    def __str__(self):
        return f"user {self.user_id}: step {self.step}"


class TotpEnrolment(models.Model):
    """A two-factor set-up not (yet) in the user's record: the secret shown on the set-up page, and once a first
    code confirmed it, the hashes of the ten recovery codes shown with it. Kept in the runtime database
    (core/routers.py), so that the set-up writes nothing an import's lock holds; moved into the user's record
    (`totp_secret`, `totp_confirmed`, RecoveryCode rows) at once when the main database is free, else by
    `samleng tick` (accounts.services.totp_enrolment_apply), and then deleted. Until then the login's second step
    reads it first. The user is named by id (no key across the two files)."""

    user_id = models.BigIntegerField(unique=True)
    secret = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    code_hashes = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"two-factor set-up of user {self.user_id} ({'confirmed' if self.confirmed_at else 'under way'})"


class UsedRecoveryCode(models.Model):
    """A recovery code used at a login, by the hash that names it (RecoveryCode.code_hash). Kept in the runtime
    database, where the login writes it before it looks the code up: the unique row is what makes a code good
    once, even while the main database cannot take the mark (an import). `samleng tick` then sets the code's
    `used_at` in the main database and only after that deletes this row (accounts.services)."""

    user_id = models.BigIntegerField()
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "code_hash"], name="used_recovery_code_unique")]

    def __str__(self):
        return f"recovery code of user {self.user_id} used {self.used_at:%Y-%m-%d %H:%M}"
