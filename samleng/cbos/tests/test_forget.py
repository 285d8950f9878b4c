"""A representative who withdraws consent is forgotten (DESIGN.md, Privacy): name, phone, Telegram id,
birth year and consent date erased, in the audit log's values too; sex, role and groups stay, and so does
their attendance, which is still counted. From the command line and from the person's page."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from samleng.cbos import selectors, services
from samleng.cbos.models import Representative
from samleng.conftest import anonymous, assert_login_redirect, login_en
from samleng.core.models import AuditEntry
from samleng.engagement.models import Attendance
from samleng.engagement.tests.factories import AttendanceFactory, EventFactory

NAME = "Chan Sreymom"


@pytest.fixture
def person(world):
    """A representative added through the service (so the audit log holds her values), who attended two
    events."""
    person = services.representative_create(
        user=world.officer, cbo=world.cbo, person_id="P-FORGET", full_name=NAME, sex="female", birth_year=1990,
        role="committee", indigenous=True, phone="097 700 4321", telegram="@sreymom", consent_on=dt.date(2023, 2, 1))
    services.representative_update(user=world.officer, representative=person, data={"birth_year": 1991})
    for _ in range(2):
        AttendanceFactory(representative=person, event=EventFactory())
    return person


def _everything_audited() -> str:
    return " ".join(f"{e.summary} {e.changes}" for e in AuditEntry.objects.all())


def test_forgetting_erases_the_personal_data_and_keeps_the_counts(world, person):
    counts_before = selectors.representative_counts(world.cbo) if hasattr(selectors, "representative_counts") else None
    assert NAME in _everything_audited() and "1990" in _everything_audited()
    services.representative_forget(user=world.officer, representative=person)
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.telegram, person.birth_year, person.consent_on) == (
        "", "", "", None, None)
    assert person.forgotten_on is not None
    assert (person.sex, person.role, person.indigenous, person.person_id) == ("female", "committee", True, "P-FORGET")
    assert Attendance.objects.filter(representative=person).count() == 2  # still counted
    if counts_before is not None:
        assert selectors.representative_counts(world.cbo) == counts_before
    audited = _everything_audited()
    for value in (NAME, "1990", "1991", "2023-02-01", "097 700 4321", "@sreymom"):
        assert value not in audited, value
    entry = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("-pk").first()
    assert entry.user == world.officer and "forgotten (consent withdrawn)" in entry.summary
    assert AuditEntry.objects.filter(object_type="cbos.representative", object_id=str(person.pk)).count() == 3
    # Once forgotten, nothing of them is recorded again.
    with pytest.raises(ValidationError):
        services.representative_update(user=world.officer, representative=person, data={"full_name": NAME})
    assert services.representative_forget(user=world.officer, representative=person).forgotten_on


def test_the_command_forgets_by_person_id(world, person):
    out = StringIO()
    call_command("forget_representative", "P-FORGET", "--user", world.me_officer.username, stdout=out)
    assert "P-FORGET of CBO-KT-001 is forgotten" in out.getvalue() and "2 attendance records" in out.getvalue()
    assert Representative.objects.get(pk=person.pk).full_name == ""
    assert AuditEntry.objects.filter(user=world.me_officer, summary__contains="forgotten").exists()
    again = StringIO()
    call_command("forget_representative", "P-FORGET", stdout=again)
    assert "already forgotten" in again.getvalue()
    with pytest.raises(CommandError, match="no representative"):
        call_command("forget_representative", "P-NOBODY")
    with pytest.raises(CommandError, match="no user"):
        call_command("forget_representative", "P-001", "--user", "nobody")


def test_staff_forget_from_the_persons_page(world, person):
    url = reverse("cbos:representative_forget", args=[world.cbo.pk, person.pk])
    edit = reverse("cbos:representative_edit", args=[world.cbo.pk, person.pk])
    officer = login_en(world.officer)
    assert url in officer.get(edit).content.decode()  # the action is on the person's page
    page = officer.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert login_en(world.outsider).post(url).status_code == 404
    assert login_en(world.cbo_user).post(url).status_code == 403  # sees the CBO, not its people
    assert_login_redirect(anonymous().post(url))
    assert Representative.objects.get(pk=person.pk).forgotten_on is None
    done = officer.post(url, follow=True)
    assert "The person is forgotten" in done.content.decode()
    detail = done.content.decode()
    assert NAME not in detail and "forgotten on" in detail and "P-FORGET" in detail
    assert Representative.objects.get(pk=person.pk).forgotten_on is not None
    # Their page no longer opens for changes.
    assert officer.get(edit).status_code == 302


def test_the_khmer_page_says_it_in_khmer(world, person):
    from samleng.conftest import login

    page = login(world.officer).get(reverse("cbos:representative_forget", args=[world.cbo.pk, person.pk]))
    assert "cannot be undone" not in page.content.decode()
