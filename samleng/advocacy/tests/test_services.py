import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from PIL import Image

from samleng.advocacy import services
from samleng.advocacy.models import Issue, IssueUpdate, Status
from samleng.advocacy.selectors import issue_status_on
from samleng.advocacy.tests.factories import make_issues, make_update
from samleng.core.models import AuditEntry

D = dt.date


def _issue(world, issue_id="ISS-NEW", **values):
    fields = {"title_en": "Stop illegal fishing with electric nets", "title_km": "បញ្ឈប់ការនេសាទខុសច្បាប់",
              "topic": "fishery", "duty_bearer_level": "district", "raised_on": D(2023, 1, 10), **values}
    return services.issue_create(user=world.officer, cbo=world.cbo, issue_id=issue_id, **fields)


def _post(world, issue, day, status, user=None, **values):
    return services.issue_update_post(user=user or world.officer, issue=issue, date=day, status=status, **values)


def test_issue_create_keeps_both_titles_for_search_and_audits(world):
    issue = _issue(world)
    assert issue.status == Status.RAISED
    assert "electric" in issue.search_text.split() and "ច្បាប់" in issue.search_text.split()
    entry = AuditEntry.objects.get(object_type="advocacy.issue", action="create")
    assert entry.changes["title_en"] == [None, "Stop illegal fishing with electric nets"]


def test_issue_update_changes_fields_search_text_and_audits(world):
    issue = _issue(world)
    issue = services.issue_update(user=world.officer, issue=issue, data={"title_en": "Stop electric fishing",
                                                                          "topic": "fishery"})
    assert "illegal" not in issue.search_text
    entry = AuditEntry.objects.get(object_type="advocacy.issue", action="update")
    assert entry.changes == {"title_en": ["Stop illegal fishing with electric nets", "Stop electric fishing"]}
    with pytest.raises(TypeError):
        services.issue_update(user=world.officer, issue=issue, data={"status": "solved"})


# ---- the one open main issue rule ------------------------------------------------------------------------

def test_a_cbo_has_at_most_one_open_main_issue(world):
    first = _issue(world, "ISS-A", is_main=True)
    with pytest.raises(ValidationError) as error:
        _issue(world, "ISS-B", is_main=True)
    assert "ISS-A" in str(error.value) and "is_main" in error.value.message_dict
    assert not Issue.objects.filter(issue_id="ISS-B").exists()
    # Another CBO may have its own, and this CBO may have other issues that are not main.
    services.issue_create(user=world.outsider, cbo=world.other_cbo, issue_id="ISS-K", title_en="Forest",
                          topic="forestry", duty_bearer_level="province", raised_on=D(2023, 1, 1), is_main=True)
    second = _issue(world, "ISS-B")
    with pytest.raises(ValidationError):
        services.issue_update(user=world.officer, issue=second, data={"is_main": True})
    # Once the first is closed, the next main issue may open.
    _post(world, first, D(2024, 5, 1), Status.SOLVED)
    services.issue_update(user=world.officer, issue=second, data={"is_main": True})
    second.refresh_from_db()
    assert second.is_main


def test_reopening_a_main_issue_is_refused_while_another_is_open(world):
    first = _issue(world, "ISS-A", is_main=True)
    _post(world, first, D(2023, 6, 1), Status.SOLVED)
    _issue(world, "ISS-B", is_main=True, raised_on=D(2023, 7, 1))
    with pytest.raises(ValidationError) as error:
        _post(world, first, D(2024, 1, 5), Status.IN_DIALOGUE)
    assert "ISS-B" in str(error.value)
    first.refresh_from_db()
    assert first.status == Status.SOLVED and first.updates.count() == 1
    # An update dated before the solution does not reopen it: it is allowed.
    _post(world, first, D(2023, 3, 1), Status.IN_DIALOGUE)
    first.refresh_from_db()
    assert first.status == Status.SOLVED


def test_confirming_a_representatives_reopening_is_refused_while_another_main_issue_is_open(world):
    first = _issue(world, "ISS-A", is_main=True)
    _post(world, first, D(2023, 6, 1), Status.DROPPED)
    _issue(world, "ISS-B", is_main=True, raised_on=D(2023, 7, 1))
    update = _post(world, first, D(2024, 1, 5), Status.RAISED, user=world.cbo_user)
    with pytest.raises(ValidationError):
        services.issue_update_confirm(user=world.officer, update=update)
    update.refresh_from_db()
    assert not update.confirmed
    first.refresh_from_db()
    assert first.status == Status.DROPPED


# ---- the status rule -------------------------------------------------------------------------------------

def test_status_follows_the_latest_confirmed_update_through_solved_and_reopened(world):
    issue = _issue(world, raised_on=D(2022, 3, 1))
    _post(world, issue, D(2022, 6, 1), Status.IN_DIALOGUE)
    _post(world, issue, D(2023, 5, 1), Status.SOLVED)
    issue.refresh_from_db()
    assert issue.status == Status.SOLVED and not issue.is_open
    _post(world, issue, D(2024, 2, 1), Status.IN_DIALOGUE)  # reopened: the canal silted up again
    issue.refresh_from_db()
    assert issue.status == Status.IN_DIALOGUE and issue.is_open
    assert issue_status_on(issue, D(2022, 3, 1)) == Status.RAISED
    assert issue_status_on(issue, D(2022, 12, 31)) == Status.IN_DIALOGUE
    assert issue_status_on(issue, D(2023, 5, 1)) == Status.SOLVED  # "on or before" includes the day
    assert issue_status_on(issue, D(2023, 12, 31)) == Status.SOLVED
    assert issue_status_on(issue, D(2024, 12, 31)) == Status.IN_DIALOGUE


def test_an_update_posted_late_with_an_earlier_date_does_not_change_todays_status(world):
    issue = _issue(world, raised_on=D(2022, 3, 1))
    _post(world, issue, D(2023, 5, 1), Status.PARTLY_SOLVED)
    _post(world, issue, D(2022, 9, 1), Status.IN_DIALOGUE)
    issue.refresh_from_db()
    assert issue.status == Status.PARTLY_SOLVED
    assert issue_status_on(issue, D(2022, 12, 31)) == Status.IN_DIALOGUE


def test_a_representatives_update_counts_only_once_confirmed(world):
    issue = _issue(world, raised_on=D(2022, 3, 1))
    update = _post(world, issue, D(2023, 5, 1), Status.SOLVED, user=world.cbo_user, note="The canal is dug.")
    assert not update.confirmed and update.posted_by == world.cbo_user and update.confirmed_by is None
    issue.refresh_from_db()
    assert issue.status == Status.RAISED
    assert issue_status_on(issue, D(2024, 1, 1)) == Status.RAISED
    assert "awaiting confirmation" in AuditEntry.objects.get(object_type="advocacy.issueupdate").summary

    services.issue_update_confirm(user=world.officer, update=update)
    update.refresh_from_db()
    issue.refresh_from_db()
    assert update.confirmed and update.confirmed_by == world.officer
    assert issue.status == Status.SOLVED and issue_status_on(issue, D(2024, 1, 1)) == Status.SOLVED
    entry = AuditEntry.objects.filter(object_type="advocacy.issueupdate", action="update").get()
    assert entry.changes == {"confirmed": [False, True], "issue_status": ["raised", "solved"]}
    with pytest.raises(ValidationError):
        services.issue_update_confirm(user=world.officer, update=update)


def test_rejecting_a_representatives_update_removes_it_and_its_file(world, settings):
    issue = _issue(world)
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(picture, "JPEG")  # a real picture: a fake one is refused at upload
    upload = SimpleUploadedFile("canal.jpg", picture.getvalue(), content_type="image/jpeg")
    update = _post(world, issue, D(2023, 5, 1), Status.SOLVED, user=world.cbo_user, evidence_file=upload)
    path = Path(update.evidence_file.path)
    assert path.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.issue_update_reject(user=world.officer, update=update, reason="No evidence of the work")
    assert not IssueUpdate.objects.filter(pk=update.pk).exists()
    assert not path.exists()
    entry = AuditEntry.objects.get(object_type="advocacy.issueupdate", action="delete")
    assert "No evidence of the work" in entry.summary
    confirmed = _post(world, issue, D(2023, 6, 1), Status.SOLVED)
    with pytest.raises(ValidationError):
        services.issue_update_reject(user=world.officer, update=confirmed)


# The event where an update is recorded is engagement's (engagement.services.update_event_set, tested there).
def test_update_post_checks_its_dates_and_numbers(world):
    issue = _issue(world, raised_on=D(2023, 1, 10))
    cases = [
        ({"date": D(2023, 1, 1)}, "date"),
        ({"date": dt.date.today() + dt.timedelta(days=2)}, "date"),
        ({"people_benefited": 10, "people_benefited_female": 11}, "people_benefited_female"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as error:
            services.issue_update_post(user=world.officer, issue=issue, **{"date": D(2023, 3, 1),
                                       "status": "in_dialogue", **values})
        assert field in error.value.message_dict
    _post(world, issue, D(2023, 3, 1), Status.IN_DIALOGUE)
    with pytest.raises(ValidationError) as error:
        _post(world, issue, D(2023, 3, 1), Status.IN_DIALOGUE)
    assert "status" in error.value.message_dict


def test_status_refresh_many_fixes_every_issue_in_one_statement(world):
    issues = make_issues(world.cbo, 30)
    for issue in issues[:10]:
        make_update(issue, D(2023, 6, 1), Status.SOLVED)
    make_update(issues[10], D(2023, 6, 1), Status.PARTLY_SOLVED, confirmed=False)
    Issue.objects.filter(pk=issues[11].pk).update(status=Status.DROPPED)  # a stale cache
    ids = [i.pk for i in issues]
    with CaptureQueriesContext(connection) as queries:
        changed = services.issue_status_refresh_many(issue_ids=ids)
    assert changed == 11
    assert len([q for q in queries if q["sql"].startswith("UPDATE")]) == 1
    statuses = dict(Issue.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [statuses[i.pk] for i in issues[:12]] == ["solved"] * 10 + ["raised", "raised"]
    assert services.issue_status_refresh_many(issue_ids=ids) == 0


def test_status_refresh_takes_the_last_recorded_of_one_day(world):
    issue = _issue(world)
    make_update(issue, D(2023, 6, 1), Status.IN_DIALOGUE)
    make_update(issue, D(2023, 6, 1), Status.PARTLY_SOLVED)
    assert services.issue_status_refresh(issue=issue) == Status.PARTLY_SOLVED
    Issue.objects.filter(pk=issue.pk).update(status=Status.RAISED)
    services.issue_status_refresh_many(issue_ids=[issue.pk])
    issue.refresh_from_db()
    assert issue.status == Status.PARTLY_SOLVED == issue_status_on(issue, D(2023, 6, 1))


# ---- commitments -----------------------------------------------------------------------------------------

def test_commitments_are_recorded_and_kept(world):
    issue = _issue(world)
    commitment = services.commitment_create(
        user=world.officer, issue=issue, made_on=D(2023, 2, 1), authority="Kleng commune council",
        promise="Restore 750 m of the canal in the next investment plan.", due_on=D(2024, 12, 31))
    with pytest.raises(ValidationError):
        services.commitment_mark_kept(user=world.officer, commitment=commitment, kept_on=D(2023, 1, 1))
    commitment = services.commitment_mark_kept(user=world.officer, commitment=commitment, kept_on=D(2024, 5, 2))
    assert commitment.kept_on == D(2024, 5, 2)
    actions = set(AuditEntry.objects.filter(object_type="advocacy.commitment").values_list("action", flat=True))
    assert actions == {"create", "update"}
    with pytest.raises(ValidationError) as error:
        services.commitment_create(user=world.officer, issue=issue, made_on=D(2023, 2, 1), authority="x",
                                   promise="y", due_on=D(2023, 1, 1))
    assert "due_on" in error.value.message_dict
