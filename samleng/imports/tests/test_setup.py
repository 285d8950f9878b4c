"""`samleng setup --demo`: migrates, loads the gazetteer, imports the demo programme, marks the case studies
public and creates the demo users; a second run changes nothing."""

import io

import pyotp
import pytest
from django.core.management import call_command

from samleng.accounts.models import User
from samleng.accounts.services import totp_code_use
from samleng.advocacy.models import Issue
from samleng.cbos.models import CBO
from samleng.core.models import AuditEntry
from samleng.imports.management.commands.setup import CASE_STUDY_CBOS, DEMO_PASSWORD, demo_totp_secret


def setup(*args) -> str:
    out = io.StringIO()
    call_command("setup", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_setup_demo_loads_everything_and_a_second_run_changes_nothing():
    first = setup("--demo")

    assert "demo programme: 1" in first and "records created" in first
    assert CBO.objects.count() == 50
    counts = (CBO.objects.count(), Issue.objects.count(), User.objects.count())
    last_entry = AuditEntry.objects.latest("pk").pk

    second = setup("--demo")

    assert "database: up to date" in second and "gazetteer: up to date" in second
    assert "demo programme: already there, nothing changed" in second
    assert "case studies: already public" in second
    assert "user demo-admin (admin): already there" in second
    assert (CBO.objects.count(), Issue.objects.count(), User.objects.count()) == counts
    # Nothing was written: the audit log only says that the workbook was imported again.
    new_entries = AuditEntry.objects.filter(pk__gt=last_entry)
    assert list(new_entries.values_list("object_type", flat=True)) == ["imports.workbook"]


@pytest.mark.django_db
def test_the_case_studies_and_only_they_are_public():
    setup("--demo")
    assert set(CBO.objects.filter(is_public=True).values_list("cbo_id", flat=True)) == set(CASE_STUDY_CBOS)
    public_issues = Issue.objects.filter(is_public=True)
    assert public_issues.filter(is_main=True).count() == len(CASE_STUDY_CBOS)
    assert set(public_issues.values_list("cbo__cbo_id", flat=True)) == set(CASE_STUDY_CBOS)
    assert not Issue.objects.filter(is_public=False, cbo__cbo_id__in=CASE_STUDY_CBOS).exists()


@pytest.mark.django_db
def test_the_demo_users_can_log_in_with_the_printed_secret():
    output = setup("--demo")
    admin = User.objects.get(username="demo-admin")
    assert admin.role == User.Role.ADMIN and admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    field = User.objects.get(username="demo-field")
    assert field.role == User.Role.FIELD_OFFICER
    assert set(field.provinces.values_list("code", flat=True)) == {"06", "15"}
    rep = User.objects.get(username="demo-rep")
    assert rep.role == User.Role.CBO_REP and rep.cbo.cbo_id == "CBO-KT-001" and not rep.totp_secret
    for staff in (admin, field):
        assert staff.totp_confirmed and staff.totp_secret == demo_totp_secret(staff.username)
        assert f"two-factor secret {staff.totp_secret}" in output
        assert totp_code_use(user=staff, code=pyotp.TOTP(staff.totp_secret).now())
    assert demo_totp_secret("demo-admin") != demo_totp_secret("demo-field")


@pytest.mark.django_db
def test_setup_leaves_a_changed_demo_user_alone():
    setup("--demo")
    admin = User.objects.get(username="demo-admin")
    admin.set_password("another-password-42")
    admin.totp_secret = pyotp.random_base32()
    admin.save()

    output = setup("--demo")

    admin.refresh_from_db()
    assert admin.check_password("another-password-42")
    assert admin.totp_secret != demo_totp_secret("demo-admin")
    assert f"two-factor secret {admin.totp_secret}" in output


@pytest.mark.django_db
def test_setup_without_demo_loads_no_programme():
    output = setup()
    assert "demo programme" not in output and "Samleng is set up." in output
    assert not CBO.objects.exists() and not User.objects.filter(username__startswith="demo-").exists()
