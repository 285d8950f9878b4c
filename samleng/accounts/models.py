from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from samleng.core.crypto import EncryptedTextField


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
    # Authorities: the administrative unit they answer for.
    authority_unit = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="authorities"
    )
    preferred_language = models.CharField(max_length=5, default="km")
    # Two-factor login: staff confirm a TOTP secret once, then give a code at every login.
    totp_secret = EncryptedTextField(blank=True)
    totp_confirmed = models.BooleanField(default=False)
    # The time step (30 s) of the last code accepted: a code is good once, not again within its window.
    totp_last_step = models.BigIntegerField(default=0)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    @property
    def is_staff_role(self) -> bool:
        """Staff of the NGO: they need two-factor login and may see personal data within their scope."""
        return self.role in {self.Role.ADMIN, self.Role.ME_OFFICER, self.Role.FIELD_OFFICER}

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in {self.Role.ADMIN, self.Role.ME_OFFICER}

    @property
    def needs_two_factor(self) -> bool:
        """Staff, and anyone who can reach the Django admin or sees everything, give a TOTP code after
        their password (a superuser whose role is not a staff one would otherwise skip it)."""
        return self.is_staff_role or self.is_superuser or self.is_staff
