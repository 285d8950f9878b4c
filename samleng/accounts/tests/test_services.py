import datetime as dt
import io
import re

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.conftest import place
from samleng.core.models import AuditEntry

GOOD_PASSWORD = "plenty-long-and-odd-77"


# ---- user_create -------------------------------------------------------------------------------------------


def test_user_create_field_officer_with_provinces(world):
    user = services.user_create(username="sokha", password=GOOD_PASSWORD, role=User.Role.FIELD_OFFICER,
                                email="Sokha@Example.ORG", provinces=[place("06"), place("10")], by=world.me_officer)
    assert user.check_password(GOOD_PASSWORD)
    assert set(user.provinces.values_list("code", flat=True)) == {"06", "10"}
    assert user.email == "Sokha@example.org"
    assert user.is_staff_role and user.needs_two_factor and not user.is_staff
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_id=str(user.pk))
    assert entry.user == world.me_officer and entry.object_type == "accounts.user"
    assert entry.changes["provinces"] == [None, ["06", "10"]]


def test_user_create_representative_and_authority(world):
    rep = services.user_create(username="rep2", password=GOOD_PASSWORD, role=User.Role.CBO_REP, cbo=world.cbo)
    assert rep.cbo == world.cbo and not rep.needs_two_factor
    authority = services.user_create(username="kleng", password=GOOD_PASSWORD, role=User.Role.AUTHORITY,
                                     authority_unit=place("060603"))
    assert authority.authority_unit.code == "060603"


def test_user_create_admin_can_use_the_django_admin(db):
    admin = services.user_create(username="boss", password=GOOD_PASSWORD, role=User.Role.ADMIN)
    assert admin.is_staff and admin.is_superuser and admin.sees_everything


@pytest.mark.parametrize(("role", "scope", "field"), [
    (User.Role.FIELD_OFFICER, {}, "provinces"),
    (User.Role.FIELD_OFFICER, {"provinces": ["0606"]}, "provinces"),  # a district is not a province
    (User.Role.CBO_REP, {}, "cbo"),
    (User.Role.AUTHORITY, {}, "authority_unit"),
    (User.Role.ME_OFFICER, {"provinces": ["06"]}, "provinces"),
    (User.Role.FIELD_OFFICER, {"provinces": ["06"], "cbo": True}, "cbo"),
    (User.Role.CBO_REP, {"cbo": True, "authority_unit": "0606"}, "authority_unit"),
    ("president", {}, "role"),
])
def test_user_create_refuses_a_role_without_its_scope_or_with_another(world, role, scope, field):
    kwargs = {}
    if "provinces" in scope:
        kwargs["provinces"] = [place(code) for code in scope["provinces"]]
    if scope.get("cbo"):
        kwargs["cbo"] = world.cbo
    if "authority_unit" in scope:
        kwargs["authority_unit"] = place(scope["authority_unit"])
    with pytest.raises(ValidationError) as error:
        services.user_create(username="newbie", password=GOOD_PASSWORD, role=role, **kwargs)
    assert field in error.value.message_dict
    assert not User.objects.filter(username="newbie").exists()


def test_user_create_refuses_a_taken_username_and_a_weak_password(world):
    with pytest.raises(ValidationError) as error:
        services.user_create(username="officer", password=GOOD_PASSWORD, role=User.Role.ME_OFFICER)
    assert "username" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.user_create(username="weak", password="password", role=User.Role.ME_OFFICER)
    assert "password" in error.value.message_dict
    assert not User.objects.filter(username="weak").exists()


# ---- two-factor --------------------------------------------------------------------------------------------


def test_totp_setup_and_confirm(world):
    secret = services.user_totp_setup(user=world.officer)
    world.officer.refresh_from_db()
    assert world.officer.totp_secret == secret and not world.officer.totp_confirmed
    assert not services.user_totp_confirm(user=world.officer, code="000000" if pyotp.TOTP(secret).now() != "000000"
                                          else "111111")
    assert services.user_totp_confirm(user=world.officer, code=pyotp.TOTP(secret).now())
    world.officer.refresh_from_db()
    assert world.officer.totp_confirmed
    assert AuditEntry.objects.filter(object_id=str(world.officer.pk), summary__contains="confirmed").exists()


def test_totp_secret_is_encrypted_at_rest(world):
    secret = services.user_totp_setup(user=world.officer)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [world.officer.pk])
        stored = cursor.fetchone()[0]
    assert stored and secret not in stored


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5", None])
def test_malformed_codes_never_match(world, code):
    services.user_totp_setup(user=world.officer)
    assert not services.totp_code_use(user=world.officer, code=code)


def test_no_secret_never_matches(world):
    assert not services.totp_code_use(user=world.officer, code="123456")


def test_totp_reset_forgets_the_secret(world):
    services.user_totp_setup(user=world.officer, confirmed=True)
    services.user_totp_reset(user=world.officer, by=world.me_officer)
    world.officer.refresh_from_db()
    assert (world.officer.totp_secret, world.officer.totp_confirmed) == ("", False)


# ---- the lock-out counter ------------------------------------------------------------------------------------


def test_login_failed_locks_at_the_limit(world, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_MINUTES = 7
    services.user_login_failed(user=world.cbo_user)
    assert services.user_locked_until(user=world.cbo_user) is None
    services.user_login_failed(user=world.cbo_user)
    until = services.user_locked_until(user=world.cbo_user)
    assert until and dt.timedelta(minutes=6) < until - timezone.now() <= dt.timedelta(minutes=7)
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.locked_until == until


def test_login_failed_counts_from_a_stale_copy_too(world):
    """Two requests holding the same user: each failure counts (the count is read from the row)."""
    stale = User.objects.get(pk=world.cbo_user.pk)
    services.user_login_failed(user=world.cbo_user)
    services.user_login_failed(user=stale)
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.failed_logins == 2


def test_login_succeeded_resets(world):
    world.cbo_user.failed_logins, world.cbo_user.locked_until = 4, timezone.now() - dt.timedelta(minutes=1)
    world.cbo_user.save()
    services.user_login_succeeded(user=world.cbo_user)
    world.cbo_user.refresh_from_db()
    assert (world.cbo_user.failed_logins, world.cbo_user.locked_until) == (0, None)
    assert AuditEntry.objects.filter(user=world.cbo_user, action=AuditEntry.Action.LOGIN).count() == 1


def test_unlock(world):
    world.cbo_user.failed_logins, world.cbo_user.locked_until = 5, timezone.now() + dt.timedelta(minutes=9)
    world.cbo_user.save()
    services.user_unlock(user=world.cbo_user, by=world.me_officer)
    world.cbo_user.refresh_from_db()
    assert services.user_locked_until(user=world.cbo_user) is None and world.cbo_user.failed_logins == 0


# ---- samleng createstaff -------------------------------------------------------------------------------------


def test_createstaff_prints_a_working_secret(db):
    out = io.StringIO()
    call_command("createstaff", "dara", "--role", "field_officer", "--province", "06", "--province", "10",
                 "--no-input", stdout=out)
    text = out.getvalue()
    secret = re.search(r"Two-factor secret: ([A-Z2-7]{32})", text).group(1)
    password = re.search(r"Password: (\S+)", text).group(1)
    user = User.objects.get(username="dara")
    assert user.check_password(password)
    assert user.totp_secret == secret and user.totp_confirmed
    assert set(user.provinces.values_list("code", flat=True)) == {"06", "10"}
    assert services.totp_code_use(user=user, code=pyotp.TOTP(secret).now())
    assert "otpauth://totp/Samleng:dara?" in text


def test_createstaff_refuses_bad_input(db):
    with pytest.raises(CommandError, match="Not province codes: 99"):
        call_command("createstaff", "dara", "--role", "field_officer", "--province", "99", "--no-input")
    with pytest.raises(CommandError, match="provinces"):
        call_command("createstaff", "dara", "--role", "field_officer", "--no-input")
    with pytest.raises(CommandError):
        call_command("createstaff", "dara", "--role", "cbo_rep", "--no-input")
    assert not User.objects.filter(username="dara").exists()


def test_a_code_is_accepted_once(world):
    secret = services.user_totp_setup(user=world.officer, confirmed=True)
    code = pyotp.TOTP(secret).now()
    assert services.totp_code_use(user=world.officer, code=code)
    assert not services.totp_code_use(user=world.officer, code=code)  # seen over a shoulder: no use
    earlier = pyotp.TOTP(secret).at(timezone.now() - dt.timedelta(seconds=30))
    assert not services.totp_code_use(user=world.officer, code=earlier)  # nor an older one
