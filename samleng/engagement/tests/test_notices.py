"""Invited CBOs and the "send notice" action: staff in scope invite CBOs on the event's form, see them on its
page, and send the notice (engagement's own signal); nobody else can, and nothing is sent for an event with no
invited CBO or one that is past."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samleng.accounts.models import User
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user
from samleng.core.models import AuditEntry
from samleng.engagement import services, signals
from samleng.engagement.models import Event
from samleng.engagement.tests.factories import EventFactory, IssueFactory, place


@pytest.fixture
def event(world):
    """A forum in Sandan next week, where an issue of world.cbo was raised (its representative sees it)."""
    event = EventFactory(title="Forum on illegal fishing", date=timezone.localdate() + dt.timedelta(days=7))
    event.issues_raised.add(IssueFactory(cbo=world.cbo))
    return event


@pytest.fixture
def sent(db):
    """The event_notice_sent signals sent, as event ids."""
    got = []

    def listen(sender, *, event_id, **kwargs):
        got.append(event_id)

    signals.event_notice_sent.connect(listen, dispatch_uid="test_notices")
    yield got
    signals.event_notice_sent.disconnect(dispatch_uid="test_notices")


def _form_data(event, **changes):
    data = {"type": event.type, "title": event.title, "title_km": "", "date": event.date.isoformat(),
            "province": event.province_id, "district": "0606", "commune": "", "participants_total": "",
            "participants_female": "", "participants_youth": "", "participants_indigenous": "",
            "participants_disability": "", "issue_ids": "", "invited_cbos": ""}
    data.update(changes)
    return data


def test_staff_invite_cbos_on_the_form_and_see_them_on_the_page(world, event):
    client = login_en(world.officer)
    response = client.post(reverse("engagement:edit", args=[event.pk]),
                           _form_data(event, invited_cbos="cbo-kt-001"))
    assert response.status_code == 302
    assert list(event.invited_cbos.all()) == [world.cbo]
    page = client.get(reverse("engagement:detail", args=[event.pk])).content.decode()
    assert "Invited CBOs" in page and "CBO-KT-001" in page and "Send notice to the invited CBOs" in page
    form = client.get(reverse("engagement:edit", args=[event.pk])).content.decode()
    assert 'value="CBO-KT-001"' in form
    audit = AuditEntry.objects.filter(summary__endswith="invited CBOs").get()
    assert audit.changes == {"invited_cbos": {"added": ["CBO-KT-001"], "removed": []}}


def test_a_cbo_outside_ones_provinces_cannot_be_invited_and_nothing_is_saved(world, event):
    response = login_en(world.officer).post(reverse("engagement:edit", args=[event.pk]),
                                            _form_data(event, title="Changed", invited_cbos="CBO-KR-001, NOPE"))
    assert response.status_code == 200
    assert "Unknown CBO ids: CBO-KR-001, NOPE" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Forum on illegal fishing" and not event.invited_cbos.exists()


def test_a_colleagues_invitation_out_of_sight_is_kept(world, event):
    event.invited_cbos.add(world.other_cbo)  # invited by someone who sees Kratie's CBO
    services.event_invited_set(user=world.officer, event=event, cbos=[world.cbo])
    assert set(event.invited_cbos.all()) == {world.cbo, world.other_cbo}
    with pytest.raises(ValidationError) as error:
        services.event_invited_set(user=world.officer, event=event, cbos=[world.other_cbo])
    assert "invited_cbos" in error.value.message_dict


def test_staff_in_scope_send_the_notice(world, event, sent, django_capture_on_commit_callbacks):
    event.invited_cbos.add(world.cbo)
    client = login(world.officer)  # Khmer
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("engagement:notice", args=[event.pk]), follow=True)
    assert sent == [event.pk]
    assert "ការជូនដំណឹងកំពុងផ្ញើ" in response.content.decode()
    event.refresh_from_db()
    assert event.notice_sent_at is not None
    assert AuditEntry.objects.filter(summary__endswith="notice sent", object_id=str(event.pk)).exists()
    page = client.get(reverse("engagement:detail", args=[event.pk])).content.decode()
    assert "ផ្ញើការផ្លាស់ប្ដូរទៅសហគមន៍មូលដ្ឋានដែលបានអញ្ជើញ" in page  # the button now sends the changes


def test_no_notice_without_invited_cbos_or_for_a_past_event(world, event, sent, django_capture_on_commit_callbacks):
    client = login_en(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("engagement:notice", args=[event.pk]), follow=True)
    assert "No CBO is invited to this event" in response.content.decode()
    past = EventFactory(date=timezone.localdate() - dt.timedelta(days=1))
    past.invited_cbos.add(world.cbo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("engagement:notice", args=[past.pk]), follow=True)
    assert "This event is past" in response.content.decode()
    assert sent == []
    event.refresh_from_db()
    assert event.notice_sent_at is None


def test_who_must_not_send_the_notice(world, event, sent, django_capture_on_commit_callbacks):
    event.invited_cbos.add(world.cbo)
    url = reverse("engagement:notice", args=[event.pk])
    authority = make_user("sandan", User.Role.AUTHORITY, authority_unit=place("0606"))
    with django_capture_on_commit_callbacks(execute=True):
        assert login_en(world.outsider).post(url).status_code == 404  # another province's field officer
        assert login_en(world.other_cbo_user).post(url).status_code == 404  # a representative who cannot see it
        assert login_en(world.cbo_user).post(url).status_code == 403  # a representative who sees it
        assert login_en(authority).post(url).status_code == 403  # the district's authority sees it
        assert_login_redirect(anonymous().post(url))
        assert login_en(world.officer).get(url).status_code == 405  # only a POST sends
    assert sent == []
    event.refresh_from_db()
    assert event.notice_sent_at is None
    # The page offers the button to none of them.
    page = login_en(world.cbo_user).get(reverse("engagement:detail", args=[event.pk])).content.decode()
    assert "Send notice" not in page
    with pytest.raises(Exception) as error:
        services.event_notice_send(user=authority, event=event)
    assert error.type.__name__ == "PermissionDenied"


@pytest.fixture
def scheduled(db):
    """The public_event_scheduled signals sent, as event ids."""
    got = []

    def listen(sender, *, event_id, **kwargs):
        got.append(event_id)

    signals.public_event_scheduled.connect(listen, dispatch_uid="test_scheduled")
    yield got
    signals.public_event_scheduled.disconnect(dispatch_uid="test_scheduled")


def test_a_public_forum_scheduled_made_public_or_moved_is_announced_once_committed(
        world, scheduled, django_capture_on_commit_callbacks):
    day = timezone.localdate() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks() as callbacks:
        forum = services.event_create(user=world.officer, type="public_forum", title="Forum", date=day,
                                      province=place("06"), district=place("0606"))
        assert scheduled == []  # not before the transaction commits
    for callback in callbacks:
        callback()
    assert scheduled == [forum.pk]
    with django_capture_on_commit_callbacks(execute=True):
        training = services.event_create(user=world.officer, type="training", title="Training", date=day,
                                         province=place("06"))
        services.event_create(user=world.officer, type="budget_forum", title="Past", province=place("06"),
                              date=timezone.localdate() - dt.timedelta(days=1))
        services.event_update(user=world.officer, event=forum, title="Forum on fishing", participants_total=40)
    assert scheduled == [forum.pk]  # a training, a past forum, a forum's title: no announcement
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(user=world.officer, event=forum, date=day + dt.timedelta(days=1))
        services.event_update(user=world.officer, event=forum, commune=place("060603"))
        services.event_update(user=world.officer, event=training, type="budget_forum")
    assert scheduled == [forum.pk, forum.pk, forum.pk, training.pk]


def test_a_public_forum_imported_from_a_workbook_is_announced_unless_it_is_unchanged(
        world, scheduled, tmp_path, django_capture_on_commit_callbacks):
    from samleng.imports.kinds import workbook_import
    from samleng.imports.tests.workbooks import write_xlsx

    header = ["event_id", "type", "title", "date", "province", "district", "commune"]
    soon, past = timezone.localdate() + dt.timedelta(days=9), timezone.localdate() - dt.timedelta(days=9)

    def imported(name: str, forum_day: dt.date, title: str = "Forum in Sandan"):
        rows = [header, ["EV-KT-1", "public_forum", title, forum_day.isoformat(), "06", "0606", ""],
                ["EV-KT-2", "budget_forum", "Last month's forum", past.isoformat(), "06", "0606", ""],
                ["EV-KT-3", "training", "Training", soon.isoformat(), "06", "0606", ""]]
        with django_capture_on_commit_callbacks(execute=True):
            result = workbook_import(write_xlsx(tmp_path / name, {"events": rows}), user=world.me_officer)
        assert result.ok, [str(error) for error in result.errors]

    imported("a.xlsx", soon)
    forum = Event.objects.get(event_id="EV-KT-1").pk
    assert scheduled == [forum]  # the past forum and the training: no news
    imported("b.xlsx", soon)
    assert scheduled == [forum]  # the same rows again: nothing changed, nothing announced
    imported("c.xlsx", soon, title="Forum on fishing in Sandan")
    assert scheduled == [forum]  # its title alone: no news (as on a page)
    imported("d.xlsx", soon + dt.timedelta(days=1))
    assert scheduled == [forum, forum]  # moved to another day: news again
