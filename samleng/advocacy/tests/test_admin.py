import datetime as dt

from django.urls import reverse

from samleng.advocacy.models import Status
from samleng.advocacy.tests.factories import make_issue
from samleng.conftest import english, login, make_user


def _admin():
    return login(make_user("root", "admin", is_staff=True, is_superuser=True))


def _issue_data(issue, **values):
    data = {"cbo": issue.cbo_id, "issue_id": issue.issue_id, "title_en": issue.title_en, "title_km": "",
            "topic": issue.topic, "description": "", "duty_bearer_level": issue.duty_bearer_level,
            "duty_bearer": "", "raised_on": "2022-03-01",
            "updates-TOTAL_FORMS": "1", "updates-INITIAL_FORMS": "0",
            "updates-0-date": "2023-05-01", "updates-0-status": "solved", "updates-0-confirmed": "on",
            "commitments-TOTAL_FORMS": "0", "commitments-INITIAL_FORMS": "0"}
    data.update(values)
    return data


def test_issue_admin_pages_work_and_an_update_added_inline_sets_the_status(world):
    issue = make_issue(world.cbo, "ISS-A", raised_on=dt.date(2022, 3, 1))
    client = _admin()
    assert client.get(reverse("admin:advocacy_issue_changelist")).status_code == 200
    assert client.get(reverse("admin:advocacy_issue_add")).status_code == 200
    assert client.get(reverse("admin:advocacy_issue_change", args=[issue.pk])).status_code == 200
    response = client.post(reverse("admin:advocacy_issue_change", args=[issue.pk]), _issue_data(issue))
    assert response.status_code == 302, response.content
    issue.refresh_from_db()
    assert issue.status == Status.SOLVED


def test_issue_admin_refuses_a_second_open_main_issue(world):
    make_issue(world.cbo, "ISS-A", is_main=True)
    other = make_issue(world.cbo, "ISS-B")
    data = _issue_data(other, is_main="on", **{"updates-TOTAL_FORMS": "0"})
    client = english(_admin())
    response = client.post(reverse("admin:advocacy_issue_change", args=[other.pk]), data)
    assert response.status_code == 200 and "already has an open main issue" in response.text
    other.refresh_from_db()
    assert not other.is_main
