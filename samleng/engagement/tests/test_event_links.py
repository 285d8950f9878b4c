"""The events where advocacy's updates were recorded and commitments made: this app's links to advocacy's
records (UpdateAtEvent, CommitmentAtEvent), their services, the workbook's event_id column of issue_updates,
and what this app shows on advocacy's and cbos' pages through core.related."""

import csv
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from samleng.advocacy import services as advocacy_services
from samleng.advocacy.models import Commitment, IssueUpdate
from samleng.conftest import login_en as login
from samleng.conftest import make_user
from samleng.core.models import AuditEntry
from samleng.core.related import blocks_for
from samleng.engagement import selectors, services
from samleng.engagement.models import CommitmentAtEvent, UpdateAtEvent
from samleng.engagement.tests.factories import EventFactory, IssueFactory, place
from samleng.imports.export import workbook_export
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_csv_folder

D = dt.date
FORUM_DAY = D(2023, 2, 1)


@pytest.fixture
def issue(world):
    return IssueFactory(cbo=world.cbo, province=world.kampong_thom, district=place("0606"),
                        raised_on=D(2023, 1, 10))


@pytest.fixture
def event(issue):
    event = EventFactory(title="Forum with Sar Mol on the lake", date=D(2023, 2, 1))
    event.issues_raised.add(issue)
    return event


def _update(world, issue, day=FORUM_DAY, status="in_dialogue") -> IssueUpdate:
    return advocacy_services.issue_update_post(user=world.officer, issue=issue, date=day, status=status)


# ---- services ------------------------------------------------------------------------------------------

def test_an_update_is_linked_only_to_an_event_where_its_issue_was_raised(world, issue, event):
    update = _update(world, issue)
    elsewhere = EventFactory(event_id="EV-OTHER")
    with pytest.raises(ValidationError) as error:
        services.update_event_set(user=world.officer, update=update, event=elsewhere)
    assert "event" in error.value.message_dict and not UpdateAtEvent.objects.exists()
    assert services.update_event_set(user=world.officer, update=update, event=event)
    assert UpdateAtEvent.objects.get(update=update).event == event
    assert not services.update_event_set(user=world.officer, update=update, event=event)  # nothing changes
    entry = AuditEntry.objects.get(object_type="advocacy.issueupdate", object_id=str(update.pk), action="update")
    assert entry.changes == {"event": [None, event.event_id]} and event.event_id in entry.summary
    assert services.update_event_set(user=world.officer, update=update, event=None)
    assert not UpdateAtEvent.objects.exists()


def test_a_commitment_is_linked_only_to_an_event_where_its_issue_was_raised(world, issue, event):
    commitment = advocacy_services.commitment_create(user=world.officer, issue=issue, made_on=D(2023, 2, 1),
                                                     authority="Sandan district", promise="Dredge the canal")
    with pytest.raises(ValidationError) as error:
        services.commitment_event_set(user=world.officer, commitment=commitment, event=EventFactory())
    assert "event" in error.value.message_dict
    services.commitment_event_set(user=world.officer, commitment=commitment, event=event)
    assert selectors.commitment_events(issue) == {commitment.pk: event}


def test_removing_an_event_or_a_record_removes_the_link_only(world, issue, event):
    update = _update(world, issue)
    services.update_event_set(user=world.officer, update=update, event=event)
    update.delete()
    assert not UpdateAtEvent.objects.exists() and event.pk
    update = _update(world, issue, day=D(2023, 2, 2))
    services.update_event_set(user=world.officer, update=update, event=event)
    event.delete()  # as the old foreign key's SET_NULL: the update stays, at no event
    assert IssueUpdate.objects.filter(pk=update.pk).exists() and not UpdateAtEvent.objects.exists()


# ---- advocacy's pages --------------------------------------------------------------------------------

def test_the_update_form_records_the_event_and_refuses_another(world, issue, event):
    url = reverse("advocacy:update_create", args=[issue.pk])
    elsewhere = EventFactory(event_id="EV-OTHER", type="training")
    client = login(world.officer)
    text = client.get(url).text
    assert "At the event" in text and "public forum" in text and "training" not in text
    assert text.index('name="date"') < text.index('name="event"') < text.index('name="note"')
    refused = client.post(url, {"status": "in_dialogue", "date": "2023-02-01", "event": elsewhere.pk})
    assert refused.status_code == 200 and not IssueUpdate.objects.exists()
    assert client.post(url, {"status": "in_dialogue", "date": "2023-02-01", "event": event.pk}).status_code == 302
    update = IssueUpdate.objects.get()
    assert UpdateAtEvent.objects.get(update=update).event == event
    text = client.get(reverse("advocacy:detail", args=[issue.pk])).text
    assert "Recorded at the public forum of 1 February 2023" in text


def test_the_commitment_form_records_the_event(world, issue, event):
    url = reverse("advocacy:commitment_create", args=[issue.pk])
    response = login(world.officer).post(url, {"made_on": "2023-02-01", "authority": "Sandan district",
                                               "promise": "Dredge the canal", "due_on": "", "event": event.pk})
    assert response.status_code == 302
    assert CommitmentAtEvent.objects.get(commitment=Commitment.objects.get()).event == event
    response = login(world.officer).post(url, {"made_on": "2023-02-02", "authority": "Sandan district",
                                               "promise": "Pay for it", "due_on": ""})
    assert response.status_code == 302 and CommitmentAtEvent.objects.count() == 1


def test_the_issue_page_blocks_say_which_events_the_reader_may_open(world, issue, event):
    update = _update(world, issue)
    services.update_event_set(user=world.officer, update=update, event=event)
    kratie = make_user("kratie_authority", "authority", authority_unit=place("10"))
    for user, seen in ((world.officer, True), (world.me_officer, True), (kratie, False), (AnonymousUser(), False)):
        blocks = blocks_for(user, issue)
        dated = [b for b in blocks if b.date]
        assert [(b.kind, b.date, b.context["event"], b.context["seen"]) for b in dated] == [
            ("event", event.date, event, seen)]
        assert [(b.record, b.context["event"]) for b in blocks if b.record] == [
            (("advocacy.issueupdate", update.pk), event)]


def test_the_cbo_page_counts_the_events_where_its_issues_were_raised(world, issue, event):
    other = IssueFactory(cbo=world.cbo, is_public=True)
    event.issues_raised.add(other)
    EventFactory(event_id="EV-2").issues_raised.add(other)
    assert selectors.cbo_event_count(world.officer, world.cbo) == 2
    assert selectors.cbo_event_count(AnonymousUser(), world.cbo) == 0  # the CBO is not public
    world.cbo.is_public = True
    world.cbo.save()
    assert selectors.cbo_event_count(AnonymousUser(), world.cbo) == 2
    [block] = blocks_for(AnonymousUser(), world.cbo)
    assert block.context == {"events": 2, "public": True}
    assert "Events where they were raised: 2." in login(world.officer).get(reverse("cbos:detail",
                                                                                 args=[world.cbo.pk])).text


# ---- the workbook ----------------------------------------------------------------------------------------

def _import(world, tmp_path, sheets, name):
    result = workbook_import(write_csv_folder(tmp_path / name, sheets), user=world.me_officer)
    assert result.ok, [str(e) for e in result.errors]
    return result


def _events_of_updates() -> dict:
    return dict(UpdateAtEvent.objects.values_list("update__issue__issue_id", "event__event_id"))


def test_the_workbook_writes_each_updates_event_and_counts_a_changed_one_as_updated(world, tmp_path):
    sheets = clean_sheets()
    first = _import(world, tmp_path, sheets, "first")
    assert first.created["issue_updates"] == 3 and first.updated["issue_updates"] == 0
    assert _events_of_updates() == {"I-001": "EV-001", "I-002": "EV-002"}
    # I-002's update was made at no event after all; I-001's solved update at EV-001.
    updates = sheets["issue_updates"]
    updates[3][5] = ""
    updates[2][5] = "EV-001"
    second = _import(world, tmp_path, sheets, "second")
    assert second.created["issue_updates"] == 0 and second.updated["issue_updates"] == 2
    links = dict(UpdateAtEvent.objects.values_list("update__status", "event__event_id"))
    assert links == {"in_dialogue": "EV-001", "solved": "EV-001"} and UpdateAtEvent.objects.count() == 2
    # An update whose note and event both change counts once; the same workbook again changes nothing.
    updates[3][3], updates[3][5] = "At the forum after all.", "EV-002"
    assert _import(world, tmp_path, sheets, "third").updated["issue_updates"] == 1
    assert _import(world, tmp_path, sheets, "fourth").updated["issue_updates"] == 0
    # A sheet without the event_id column leaves the events as they are.
    without = [row[:5] + row[6:] for row in updates]
    _import(world, tmp_path, {"issue_updates": without}, "fifth")
    assert UpdateAtEvent.objects.count() == 3


def test_the_export_gives_each_updates_event(world, tmp_path):
    _import(world, tmp_path, clean_sheets(), "first")
    workbook_export(tmp_path / "export", user=world.me_officer)
    with open(tmp_path / "export" / "issue_updates.csv", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    assert [row["event_id"] for row in rows] == ["EV-001", "", "EV-002"]


def test_the_admin_sets_an_updates_event_on_the_events_page(world, issue, event):
    update = _update(world, issue)
    admin = login(make_user("root", "admin", is_staff=True, is_superuser=True))
    url = reverse("admin:engagement_event_change", args=[event.pk])
    text = admin.get(url).text
    assert "Issue updates at events" in text and "Commitments at events" in text
    assert admin.get(reverse("admin:advocacy_issue_change", args=[issue.pk])).status_code == 200
    services.update_event_set(user=world.officer, update=update, event=event)
    assert str(update.pk) in admin.get(url).text
