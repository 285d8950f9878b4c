"""Staff who leave are disabled (DESIGN.md, Privacy): `samleng disable_user USERNAME` or the admin's action;
they can no longer log in, their sessions end, and their audit entries stay."""

from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.accounts.tests.helpers import log_in_staff, log_in_with_password
from samleng.conftest import login
from samleng.core.audit import Action, audit_record
from samleng.core.models import AuditEntry


def _signed_in(client: Client) -> bool:
    return client.get("/cbos/").status_code == 200


def test_a_disabled_user_cannot_log_in_and_their_sessions_end(world, staff_secret):
    audit_record(user=world.officer, action=Action.UPDATE, object_type="cbos.cbo", object_id="1", summary="work")
    client = log_in_staff(world.officer, staff_secret)
    other = login(world.officer)  # a second session (a code is good once: force_login)
    colleague = login(world.me_officer)
    assert _signed_in(client) and _signed_in(other)
    out = StringIO()
    call_command("disable_user", "officer", stdout=out)
    assert "officer is disabled: 2 sessions ended" in out.getvalue()
    assert not _signed_in(client) and not _signed_in(other)
    assert _signed_in(colleague)  # nobody else's
    assert not any(s.get_decoded().get("_auth_user_id") == str(world.officer.pk) for s in Session.objects.all())
    refused = log_in_with_password(Client(), "officer")
    assert refused.status_code == 200 and "/two-factor/" not in refused.get("Location", "")
    world.officer.refresh_from_db()
    assert not world.officer.is_active and not world.officer.has_usable_password() and not world.officer.totp_secret
    # The account and what it did stay.
    assert AuditEntry.objects.filter(user=world.officer, summary="work").exists()
    assert AuditEntry.objects.filter(object_id=str(world.officer.pk), summary__contains="disabled").exists()
    again = StringIO()
    call_command("disable_user", "officer", stdout=again)
    assert "already disabled" in again.getvalue()
    with pytest.raises(CommandError, match="no user"):
        call_command("disable_user", "nobody")


def test_the_admin_disables_the_selected_accounts_but_not_oneself(world):
    boss = services.user_create(username="boss", password="plenty-long-and-odd-77", role=User.Role.ADMIN)
    admin = login(boss)
    response = admin.post("/admin/accounts/user/", {"action": "disable",
                                                    "_selected_action": [world.officer.pk, boss.pk]})
    assert response.status_code == 302
    assert not User.objects.get(pk=world.officer.pk).is_active
    assert User.objects.get(pk=boss.pk).is_active
    assert AuditEntry.objects.filter(user=boss, summary__contains="account officer disabled").exists()
