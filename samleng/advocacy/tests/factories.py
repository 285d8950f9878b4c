"""Records for the advocacy tests, on top of the test world of samleng/conftest.py. Events, and the links
from updates and commitments to the events where they were recorded, are engagement's: made through the
app registry, since this app does not import engagement (its pages show them through core.related)."""

import datetime as dt
import itertools

from django.apps import apps

from samleng.advocacy.models import Commitment, Issue, IssueUpdate
from samleng.advocacy.services import issue_search_text, office_for_issue
from samleng.cbos.models import CBO
from samleng.conftest import place
from samleng.places.models import Office
from samleng.places.services import office_find_or_create, office_of_place


def office(level: str = "commune", place_code: str | None = "060603", name: str = "", **values) -> Office:
    """An office (found when it exists): by default the administration of Kleng commune, where `world.cbo` is."""
    where = place(place_code) if place_code else None
    if not name and where is not None:
        return office_of_place(user=None, place=where)
    return office_find_or_create(user=None, text=name or "Ministry of Interior", level=level, place=where, **values)


def make_issue(cbo: CBO, issue_id: str = "ISS-001", **values) -> Issue:
    """An issue written straight to the table; `duty_bearer` is an office (by default Kleng commune's
    administration) or an office's name at the issue's level in the CBO's place."""
    fields = {"title_en": "Restore the canal that feeds the community lakes", "title_km": "ស្ដារប្រឡាយបឹង",
              "topic": Issue.Topic.FISHERY, "duty_bearer_level": Issue.Level.COMMUNE,
              "raised_on": dt.date(2022, 3, 1), **values}
    bearer = fields.pop("duty_bearer", None)
    fields["duty_bearer"] = office_for_issue(user=None, cbo=cbo, level=fields["duty_bearer_level"], given=bearer)
    issue = Issue(cbo=cbo, issue_id=issue_id, province_id=cbo.province_id, district_id=cbo.district_id, **fields)
    issue.search_text = issue_search_text(issue)
    issue.save()
    return issue


_numbers = itertools.count()


def make_issues(cbo: CBO, count: int, **values) -> list[Issue]:
    issues = []
    for n in range(count):
        issue = Issue(cbo=cbo, issue_id=f"ISS-T-{next(_numbers):05d}", title_en=f"Issue number {n:04d}",
                      province_id=cbo.province_id, district_id=cbo.district_id, topic=Issue.Topic.WATER,
                      duty_bearer_level=Issue.Level.DISTRICT,
                      raised_on=dt.date(2023, 1, 1) + dt.timedelta(days=n), **values)
        issue.search_text = issue_search_text(issue)
        issues.append(issue)
    return Issue.objects.bulk_create(issues)


def make_update(issue: Issue, day: dt.date, status: str, event=None, **values) -> IssueUpdate:
    """An update written straight to the table (the services are tested on their own): call
    issue_status_refresh after. `event`: the event where it was recorded (engagement's link)."""
    update = IssueUpdate.objects.create(issue=issue, date=day, status=status, **values)
    if event is not None:
        apps.get_model("engagement", "UpdateAtEvent").objects.create(update=update, event=event)
    return update


def make_commitment(issue: Issue, day: dt.date, event=None, **values) -> Commitment:
    """A commitment written straight to the table; `event`: where it was made (engagement's link)."""
    fields = {"authority": "Kleng commune council", "promise": "Restore the canal", **values}
    if isinstance(fields["authority"], str):
        fields["authority"] = office_for_issue(user=None, cbo=issue.cbo, level=issue.duty_bearer_level,
                                               given=fields["authority"])
    commitment = Commitment.objects.create(issue=issue, made_on=day, **fields)
    if event is not None:
        apps.get_model("engagement", "CommitmentAtEvent").objects.create(commitment=commitment, event=event)
    return commitment


def event_of(record: IssueUpdate | Commitment):
    """The event where an update was recorded or a commitment made (engagement's links), or None."""
    name = "UpdateAtEvent" if isinstance(record, IssueUpdate) else "CommitmentAtEvent"
    field = "update" if isinstance(record, IssueUpdate) else "commitment"
    link = apps.get_model("engagement", name).objects.filter(**{field: record}).select_related("event").first()
    return link.event if link else None


def make_event(*issues: Issue, event_id: str = "EV-001", day: dt.date = dt.date(2022, 5, 10),
               type: str = "district_dialogue", **values):
    Event = apps.get_model("engagement", "Event")
    fields = {"title": "District dialogue meeting in Sandan", "province": place("06"), "district": place("0606"),
              "commune": place("060603"), "participants_total": 42, "participants_female": 20, **values}
    event = Event.objects.create(event_id=event_id, type=type, date=day, **fields)
    event.issues_raised.add(*issues)
    return event
