"""Per facility and per office: the published comments by category and by where they stand, the share answered and
the median days to a first answer. Public only where at least 5 comments stand behind a figure (DESIGN.md,
Privacy); staff see every figure. Comments merged into another count once."""

import datetime as dt

import pytest

from samleng.accounts.models import User
from samleng.comments import moderation, selectors, services
from samleng.comments.models import Comment
from samleng.conftest import anonymous, login_en, make_user, place

PAGE = "/comments/facility/FAC-060603-CO/"
WITHHELD = "fewer than 5 comments"


@pytest.fixture
def people(db):
    return {"me": make_user("mande", User.Role.ME_OFFICER),
            "officer": make_user("officer", User.Role.FIELD_OFFICER, provinces=[place("06")]),
            "authority": make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))}


def comments(facility, category: str, n: int, *, days_ago: int = 10) -> list[Comment]:
    made = [services.comment_create(facility=facility, category=category, text=f"{category} comment {i}.").comment
            for i in range(n)]
    Comment.objects.filter(pk__in=[c.pk for c in made]).update(created_on=dt.date.today() - dt.timedelta(days=days_ago))
    for c in made:
        c.refresh_from_db()
    return made


def test_the_counts_shares_and_median(facility, people):
    fees = comments(facility, "fees", 5)
    praise = comments(facility, "praise", 1)
    services.answer_give(user=people["authority"], comment=fees[0], status="fixed", text="Fee list posted.")
    services.answer_give(user=people["authority"], comment=fees[1], status="investigating", text="Looking.")
    services.answer_give(user=people["me"], comment=praise[0], status="received", given="paper",
                         given_on=dt.date.today() - dt.timedelta(days=6))  # 4 days after the comment
    comments(facility, "other", 1)[0]
    merged = comments(facility, "fees", 1)[0]
    moderation.comment_merge(user=people["me"], comment=merged, into=fees[0])
    figures = selectors.facility_figures(facility, full=True)
    by_category = {str(label): f.value for label, f in figures.by_category}
    by_status = {str(label): f.value for label, f in figures.by_status}
    assert figures.total.value == 7  # the merged one counts once, as the one kept
    assert by_category["fees above the official fee"] == 5 and by_category["praise"] == 1
    assert by_category["other"] == 1 and by_category["corruption"] == 0
    assert by_status == {"not answered yet": 4, "received": 1, "investigating": 1, "in progress": 0,
                         "action scheduled": 0, "fixed": 1, "unable to fix": 0, "not responsible": 0,
                         "duplicate": 0}
    assert figures.closed.value == 1 and figures.open.value == 6
    assert figures.answered_percent.value == pytest.approx(300 / 7)
    assert figures.median_days.value == 10 and figures.median_days.behind == 3  # 4, 10, 10


def test_a_figure_with_fewer_than_5_comments_behind_it_is_withheld_from_the_public(facility, people):
    figures = selectors.facility_figures(facility, full=False)
    assert figures.total.value == 0
    comments(facility, "fees", 4)
    public = anonymous().get(PAGE).content.decode()
    assert "Fewer than 5 comments: figures are shown once" in public and "Share answered" not in public
    staff = login_en(people["officer"]).get(PAGE).content.decode()
    assert "Share answered" in staff and "You are staff: you see every figure." in staff
    assert WITHHELD not in staff
    # The authority is no staff: it reads what the public reads.
    assert "Share answered" not in login_en(people["authority"]).get(PAGE).content.decode()

    fees = selectors.facility_figures(facility, full=False)
    assert not fees.total.shown and fees.anything_withheld
    comments(facility, "fees", 1)
    comments(facility, "praise", 2)
    figures = selectors.facility_figures(facility, full=False)
    shown = {str(label): f.shown for label, f in figures.by_category}
    assert figures.total.shown and shown["fees above the official fee"] and not shown["praise"]
    assert not shown["corruption"]  # 0 comments stand behind a 0
    assert figures.answered_percent.shown  # 7 comments behind the share
    assert not figures.median_days.shown  # no answer: no comment behind it
    public = anonymous().get(PAGE).content.decode()
    assert "Share answered" in public and WITHHELD in public
    assert "<td class=\"num\">5</td>" in public.replace("៥", "5")  # the fees' 5 is shown


def test_the_office_s_responsiveness_page_counts_the_comments_of_its_facilities(facility, people):
    office = facility.answered_by
    url = f"/offices/{office.office_id}/"
    comments(facility, "waiting_time", 3)
    html = anonymous().get(url).content.decode()
    assert "Citizens' comments on the places it answers for" in html
    assert "Fewer than 5 comments: figures are shown once" in html
    assert "Median days to a first answer" in login_en(people["me"]).get(url).content.decode()
    made = comments(facility, "waiting_time", 3)
    for c in made:
        services.answer_give(user=people["authority"], comment=c, status="in_progress", text="More clerks.")
    html = anonymous().get(url).content.decode()
    assert "Share answered" in html and "50%" in html  # 3 of 6: six comments behind it
    assert WITHHELD in html  # the median stands on 3 answered comments


def test_every_count_is_one_query(facility, people, django_assert_num_queries):
    comments(facility, "fees", 6)
    with django_assert_num_queries(1):
        selectors.facility_figures(facility, full=False)
    with django_assert_num_queries(1):
        selectors.office_comment_figures(facility.answered_by_id, full=True)
