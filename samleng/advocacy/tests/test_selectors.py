import datetime as dt

from django.contrib.auth.models import AnonymousUser

from samleng.advocacy.models import Issue, Status
from samleng.advocacy.selectors import (
    issue_detail,
    issue_filter_choices,
    issue_list,
    issue_rows,
    issue_statuses_on,
    status_history,
)
from samleng.advocacy.services import issue_status_refresh
from samleng.advocacy.tests.factories import make_event, make_issue, make_update
from samleng.conftest import place

D = dt.date


def _ids(user, **filters):
    return {i.issue_id for i in issue_list(user, filters)}


def _two_issues(world):
    a = make_issue(world.cbo, "ISS-A", is_main=True, raised_on=D(2022, 3, 1))
    b = make_issue(world.other_cbo, "ISS-B", title_en="Stop illegal logging in the community forest",
                   title_km="បញ្ឈប់ការកាប់ឈើខុសច្បាប់", topic=Issue.Topic.FORESTRY, raised_on=D(2024, 1, 5))
    make_update(b, D(2024, 6, 1), Status.SOLVED)
    issue_status_refresh(issue=b)
    return a, b


def test_issue_list_is_scoped(world):
    _two_issues(world)
    assert _ids(world.officer) == {"ISS-A"}
    assert _ids(world.other_cbo_user) == {"ISS-B"}
    assert _ids(world.me_officer) == {"ISS-A", "ISS-B"}
    assert _ids(AnonymousUser()) == set()
    Issue.objects.filter(issue_id="ISS-A").update(is_public=True)
    assert _ids(AnonymousUser()) == set()  # its CBO is not public
    world.cbo.is_public = True
    world.cbo.save()
    assert _ids(AnonymousUser()) == {"ISS-A"}


def test_issue_list_filters(world):
    _two_issues(world)
    user = world.me_officer
    assert _ids(user, province=place("10")) == {"ISS-B"}
    assert _ids(user, district=place("0606").pk) == {"ISS-A"}
    assert _ids(user, cbo_type="community_fishery") == {"ISS-A"}
    assert _ids(user, topic="forestry") == {"ISS-B"}
    assert _ids(user, status="solved") == {"ISS-B"}
    assert _ids(user, status="open") == {"ISS-A"}
    assert _ids(user, status="closed") == {"ISS-B"}
    assert _ids(user, year=2022) == {"ISS-A"}
    assert _ids(user, main=True) == {"ISS-A"}
    assert _ids(user, cbo=world.other_cbo.pk) == {"ISS-B"}


def test_issue_list_pending_filter_and_annotations(world):
    a, _b = _two_issues(world)
    make_update(a, D(2023, 1, 1), Status.IN_DIALOGUE)
    make_update(a, D(2023, 2, 1), Status.SOLVED, confirmed=False)
    assert _ids(world.me_officer, pending=True) == {"ISS-A"}
    issue = issue_rows([issue_list(world.me_officer, {"cbo": world.cbo.pk}).get().pk])[a.pk]
    assert issue.pending_updates == 1 and issue.last_update_on == D(2023, 1, 1)


def test_issue_search_in_khmer_and_english_also_finds_by_the_cbo_name(world):
    _two_issues(world)
    user = world.me_officer
    assert _ids(user, q="កាប់ឈើ") == {"ISS-B"}
    assert _ids(user, q="ច្បាប់") == {"ISS-B"}
    assert _ids(user, q="LOGGING forest") == {"ISS-B"}
    assert _ids(user, q="canal") == {"ISS-A"}
    assert _ids(user, q="បឹងចាង") == {"ISS-A"}  # a part of the CBO's Khmer name
    assert _ids(user, q="boeung canal") == {"ISS-A"}  # one word from the CBO, one from the issue
    assert _ids(user, q="boeung logging") == set()


def test_filter_choices(world):
    _two_issues(world)
    choices = issue_filter_choices(world.me_officer)
    assert choices["districts"] == []  # 210 districts are too many for a list: a province comes first
    assert choices["years"] == [2024, 2023, 2022]
    in_kratie = [d.code for d in issue_filter_choices(world.me_officer, province=world.kratie)["districts"]]
    assert "1006" in in_kratie and all(code.startswith("10") for code in in_kratie)
    # A field officer's own provinces narrow the list before they choose one.
    own = [d.code for d in issue_filter_choices(world.officer)["districts"]]
    assert "0606" in own and all(code.startswith("06") for code in own)
    assert issue_filter_choices(world.officer)["years"] == [2022]


def test_statuses_on_a_day_for_many_issues(world):
    a, b = _two_issues(world)
    statuses = issue_statuses_on(Issue.objects.all(), D(2024, 5, 31))
    assert statuses == {a.pk: "raised", b.pk: "raised"}
    assert issue_statuses_on(Issue.objects.all(), D(2024, 6, 1))[b.pk] == "solved"


def test_status_history_periods(world):
    issue = make_issue(world.cbo, raised_on=D(2022, 3, 1))
    updates = [make_update(issue, D(2022, 6, 1), "in_dialogue"), make_update(issue, D(2022, 8, 1), "in_dialogue"),
               make_update(issue, D(2023, 5, 1), "solved"), make_update(issue, D(2024, 2, 1), "in_dialogue")]
    periods = [(p["status"], p["start"], p["end"]) for p in status_history(issue, updates)]
    assert periods == [("raised", D(2022, 3, 1), D(2022, 6, 1)), ("in_dialogue", D(2022, 6, 1), D(2023, 5, 1)),
                       ("solved", D(2023, 5, 1), D(2024, 2, 1)), ("in_dialogue", D(2024, 2, 1), None)]
    # An update on the day the issue was raised replaces "raised".
    same_day = [make_update(issue, D(2022, 3, 1), "in_dialogue")]
    assert [p["status"] for p in status_history(issue, same_day)] == ["in_dialogue"]


def test_issue_detail_timeline_and_what_the_public_sees(world):
    issue = make_issue(world.cbo, raised_on=D(2022, 3, 1))
    event = make_event(issue, day=D(2022, 5, 10))
    make_update(issue, D(2022, 5, 10), "in_dialogue", event=event, posted_by=world.officer)
    make_update(issue, D(2023, 1, 1), "solved", confirmed=False, posted_by=world.cbo_user)
    issue_status_refresh(issue=issue)
    staff = issue_detail(world.officer, issue)
    assert [e["kind"] for e in staff["timeline"]] == ["raised", "event", "update", "update"]
    assert len(staff["pending"]) == 1
    assert [e["item"].context["event"] for e in staff["timeline"] if e["kind"] == "event"] == [event]
    public = issue_detail(AnonymousUser(), issue)
    assert [e["kind"] for e in public["timeline"]] == ["raised", "event", "update"]
    assert public["pending"] == [] and [p["status"] for p in public["status_history"]] == ["raised", "in_dialogue"]
