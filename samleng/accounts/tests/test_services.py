import datetime as dt
import io
import re

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from samleng.accounts import limits, services
from samleng.accounts.models import LimitBucket, TotpEnrolment, User
from samleng.conftest import place
from samleng.core.audit import audit_flush
from samleng.core.models import AuditEntry
from samleng.places.services import office_of_place

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
    # Both read records that are not public (their CBO's, their unit's): two factors, like staff.
    assert rep.cbo == world.cbo and rep.needs_two_factor and not rep.is_staff_like
    kleng = office_of_place(user=None, place=place("060603"))
    authority = services.user_create(username="kleng", password=GOOD_PASSWORD, role=User.Role.AUTHORITY,
                                     office=kleng)
    assert authority.office == kleng and authority.needs_two_factor
    assert not User(role=User.Role.AUTHORITY).needs_two_factor  # no office: nothing that is not public
    assert not User(role=User.Role.CBO_REP).needs_two_factor


def test_user_create_admin_can_use_the_django_admin(db):
    admin = services.user_create(username="boss", password=GOOD_PASSWORD, role=User.Role.ADMIN)
    assert admin.is_staff and admin.is_superuser and admin.sees_everything


@pytest.mark.parametrize(("role", "scope", "field"), [
    (User.Role.FIELD_OFFICER, {}, "provinces"),
    (User.Role.FIELD_OFFICER, {"provinces": ["0606"]}, "provinces"),  # a district is not a province
    (User.Role.CBO_REP, {}, "cbo"),
    (User.Role.AUTHORITY, {}, "office"),
    (User.Role.ME_OFFICER, {"provinces": ["06"]}, "provinces"),
    (User.Role.FIELD_OFFICER, {"provinces": ["06"], "cbo": True}, "cbo"),
    (User.Role.CBO_REP, {"cbo": True, "office": "0606"}, "office"),
    ("president", {}, "role"),
])
def test_user_create_refuses_a_role_without_its_scope_or_with_another(world, role, scope, field):
    kwargs = {}
    if "provinces" in scope:
        kwargs["provinces"] = [place(code) for code in scope["provinces"]]
    if scope.get("cbo"):
        kwargs["cbo"] = world.cbo
    if "office" in scope:
        kwargs["office"] = office_of_place(user=None, place=place(scope["office"]))
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
    """The set-up page's secret waits in the runtime database until a first code confirms it; the main database is
    free here, so the confirmation moves it into the user's record at once, with the recovery codes shown."""
    secret = services.totp_setup_start(user=world.officer)
    assert services.totp_setup_start(user=world.officer) == secret  # a reload shows the same secret
    world.officer.refresh_from_db()
    assert not world.officer.totp_secret and not world.officer.totp_confirmed
    assert services.two_factor_of(user=world.officer) == services.TwoFactor(secret, False)
    assert services.user_totp_confirm(user=world.officer, code="000000" if pyotp.TOTP(secret).now() != "000000"
                                      else "111111") is None
    codes = services.user_totp_confirm(user=world.officer, code=pyotp.TOTP(secret).now())
    assert len(codes) == 10 and services.recovery_codes_left(user=world.officer) == 10
    world.officer.refresh_from_db()
    assert world.officer.totp_confirmed and world.officer.totp_secret == secret
    assert not TotpEnrolment.objects.exists()
    audit_flush()  # the login path queues its entries
    assert AuditEntry.objects.filter(object_id=str(world.officer.pk), summary__contains="confirmed").exists()


def test_a_secret_set_up_unconfirmed_in_the_record_is_the_one_the_set_up_page_shows(world):
    secret = services.user_totp_setup(user=world.officer)
    world.officer.refresh_from_db()
    assert world.officer.totp_secret == secret and not world.officer.totp_confirmed
    assert services.totp_setup_start(user=world.officer) == secret


def test_totp_secret_is_encrypted_at_rest(world):
    secret = services.user_totp_setup(user=world.officer)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [world.officer.pk])
        stored = cursor.fetchone()[0]
    assert stored and secret not in stored


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5", None])
def test_malformed_codes_never_match(world, code):
    services.user_totp_setup(user=world.officer, confirmed=True)
    assert not services.totp_code_use(user=world.officer, code=code)


def test_no_secret_never_matches(world):
    assert not services.totp_code_use(user=world.officer, code="123456")


def test_totp_reset_forgets_the_secret(world):
    services.user_totp_setup(user=world.officer, confirmed=True)
    services.user_totp_reset(user=world.officer, by=world.me_officer)
    world.officer.refresh_from_db()
    assert (world.officer.totp_secret, world.officer.totp_confirmed) == ("", False)


# ---- the lock-out counter ------------------------------------------------------------------------------------


def request_from(address: str = "203.0.113.9"):
    return RequestFactory(REMOTE_ADDR=address).post("/login/")


def test_login_failed_locks_the_pair_at_the_limit(world, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_MINUTES = 7
    first = services.user_login_failed(request=request_from(), username="rep")
    assert first.locked == 0
    second = services.user_login_failed(request=request_from(), username="rep")
    # One try back after 7 / 2 minutes.
    assert 200 < second.locked <= 210
    assert services.login_wait(request=request_from(), username="rep").locked == second.locked
    assert services.login_wait(request=request_from("198.51.100.20"), username="rep").locked == 0
    assert services.login_wait(request=request_from(), username="otherrep").locked == 0


def test_login_failed_counts_a_username_whatever_its_case(world, settings):
    settings.LOGIN_MAX_FAILURES = 2
    services.user_login_failed(request=request_from(), username="rep")
    assert services.user_login_failed(request=request_from(), username="REP").locked


def test_login_succeeded_forgets_the_pair_and_is_audited(world):
    services.user_login_failed(request=request_from(), username="rep")
    services.user_login_succeeded(user=world.cbo_user, request=request_from())
    assert not LimitBucket.objects.filter(subject=limits.username_subject("rep")).exists()
    assert LimitBucket.objects.count() == 1  # the address's failures stay
    audit_flush()
    assert AuditEntry.objects.filter(user=world.cbo_user, action=AuditEntry.Action.LOGIN).count() == 1


def test_unlock(world, settings):
    settings.LOGIN_MAX_FAILURES = 1
    for address in ("203.0.113.9", "198.51.100.20"):
        services.user_login_failed(request=request_from(address), username="rep", user=world.cbo_user)
    services.user_unlock(user=world.cbo_user, by=world.me_officer)
    assert services.login_wait(request=request_from(), username="rep", user=world.cbo_user).locked == 0
    assert AuditEntry.objects.filter(user=world.me_officer, summary="unlocked").exists()


# ---- samleng createstaff -------------------------------------------------------------------------------------


def test_createstaff_prints_a_working_secret(db):
    out = io.StringIO()
    call_command("createstaff", "dara", "--role", "field_officer", "--province", "06", "--province", "10",
                 "--no-input", stdout=out)
    text = out.getvalue()
    assert text.startswith("Created field officer dara")  # the role in words, not field_officer
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


def test_createstaff_makes_an_authority_of_an_office(db):
    sandan = office_of_place(user=None, place=place("0606"))
    out = io.StringIO()
    call_command("createstaff", "sokha", "--role", "authority", "--office", sandan.office_id.lower(), "--no-input",
                 stdout=out)
    assert User.objects.get(username="sokha").office == sandan
    assert f"of Sandan district administration ({sandan.office_id})" in out.getvalue()
    # By name, with its level and place: found when it exists (any spelling), created when new.
    call_command("createstaff", "dara", "--role", "authority", "--office", "Sandan distrct administration",
                 "--office-level", "district", "--place", "0606", "--no-input", stdout=io.StringIO())
    assert User.objects.get(username="dara").office == sandan
    call_command("createstaff", "vanna", "--role", "authority", "--office", "ក្រសួងមហាផ្ទៃ", "--office-level",
                 "national", "--no-input", stdout=io.StringIO())
    ministry = User.objects.get(username="vanna").office
    assert (ministry.name_km, ministry.level, ministry.place) == ("ក្រសួងមហាផ្ទៃ", "national", None)


def test_createstaff_refuses_an_authority_without_a_known_office(db):
    with pytest.raises(CommandError, match="office"):
        call_command("createstaff", "dara", "--role", "authority", "--no-input")
    with pytest.raises(CommandError, match="No office has the id 'OF-99-1'"):
        call_command("createstaff", "dara", "--role", "authority", "--office", "OF-99-1", "--no-input")
    with pytest.raises(CommandError, match="needs its district"):
        call_command("createstaff", "dara", "--role", "authority", "--office", "Sandan", "--office-level",
                     "district", "--no-input")
    with pytest.raises(CommandError, match="No place has the code '9999'"):
        call_command("createstaff", "dara", "--role", "authority", "--office", "Sandan", "--office-level",
                     "district", "--place", "9999", "--no-input")
    with pytest.raises(CommandError, match="office"):  # an office is for authorities only
        call_command("createstaff", "dara", "--role", "field_officer", "--province", "06", "--office", "Sandan",
                     "--office-level", "district", "--place", "0606", "--no-input")
    assert not User.objects.filter(username="dara").exists()


def test_a_code_is_accepted_once(world):
    secret = services.user_totp_setup(user=world.officer, confirmed=True)
    code = pyotp.TOTP(secret).now()
    assert services.totp_code_use(user=world.officer, code=code)
    assert not services.totp_code_use(user=world.officer, code=code)  # seen over a shoulder: no use
    earlier = pyotp.TOTP(secret).at(timezone.now() - dt.timedelta(seconds=30))
    assert not services.totp_code_use(user=world.officer, code=earlier)  # nor an older one
