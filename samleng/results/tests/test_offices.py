"""Each office's responsiveness: its page and the ranking of a province's offices. Counts on planted records,
what the public must not count (records not public), the small-number notes, Khmer and English, 404 for an
unknown office, no JavaScript, and a number of queries that does not grow with the offices."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from samleng.accounts.models import User
from samleng.advocacy.models import Commitment, Issue
from samleng.advocacy.services import issue_status_refresh_many
from samleng.advocacy.tests.factories import make_issue, make_update
from samleng.conftest import anonymous, assert_small_and_private, login_en, make_user, place
from samleng.places.models import Office
from samleng.places.selectors import place_index
from samleng.places.services import office_of_place
from samleng.results import responsiveness
from samleng.transparency.tests.factories import information_request

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def planted(world):
    """Sandan's district administration with public and private requests, issues and commitments; Kratie's
    province administration with one private request only."""
    world.cbo.is_public = True
    world.cbo.save()
    sandan = office_of_place(user=None, place=place("0606"))
    kratie = office_of_place(user=None, place=place("10"))
    today = timezone.localdate()

    def ask(request_id, filed_on, events=(), public=True, to=sandan):
        return information_request(request_id, filed_on=filed_on, events=events, public=public, to=to,
                                   subject_en=f"Subject of {request_id}")

    ask("AIR-ON-TIME", D(2024, 4, 10), [(D(2024, 4, 11), "answered_held"), (D(2024, 4, 20), "delivered")])
    ask("AIR-LATE", D(2024, 1, 2), [(D(2024, 2, 20), "answered_not_held")])
    ask("AIR-NEVER", D(2024, 1, 2))
    ask("AIR-WITHDRAWN", D(2024, 1, 2), [(D(2024, 1, 3), "withdrawn")])
    ask("AIR-NOT-DUE", today)
    ask("AIR-PRIVATE", D(2024, 1, 2), [(D(2024, 1, 3), "answered_not_held")], public=False)
    ask("AIR-KRATIE-PRIVATE", D(2024, 1, 2), public=False, to=kratie)

    def issue(issue_id, public=True, cbo=world.cbo, raised=None, updates=()):
        made = make_issue(cbo, issue_id, title_en=f"Title of {issue_id}", duty_bearer=sandan,
                          duty_bearer_level="district", is_public=public, raised_on=raised or D(2022, 3, 1))
        for day, status in updates:
            make_update(made, day, status)
        return made

    solved = issue("ISS-SOLVED", updates=[(D(2022, 6, 1), "in_dialogue"), (D(2022, 9, 1), "solved")])  # 184 days
    issue("ISS-AGAIN", raised=D(2023, 1, 1), updates=[(D(2023, 2, 1), "solved"), (D(2023, 3, 1), "in_dialogue"),
                                                        (D(2023, 4, 11), "solved")])  # 100 days, to the last one
    issue("ISS-PARTLY", updates=[(D(2022, 5, 1), "partly_solved")])
    still_open = issue("ISS-OPEN")
    private = issue("ISS-PRIVATE", public=False, updates=[(D(2022, 3, 2), "solved")])
    issue("ISS-PRIVATE-CBO", cbo=world.other_cbo)  # a public issue of a CBO that is not public
    issue_status_refresh_many(issue_ids=Issue.objects.values_list("pk", flat=True))

    def promise(on, **values):
        return Commitment.objects.create(issue=on, made_on=D(2022, 5, 1), authority=sandan, promise="Dig", **values)

    promise(solved, due_on=D(2022, 7, 1), kept_on=D(2022, 8, 1))  # kept, late
    promise(still_open, due_on=D(2023, 1, 1))  # overdue
    promise(still_open)  # no due day: not yet due
    promise(private, kept_on=D(2022, 3, 2))  # on a private issue
    return {"sandan": sandan, "kratie": kratie}


def test_the_public_counts_public_records_only(planted):
    sandan = planted["sandan"]
    figures = responsiveness.office_figures(anonymous_user(), sandan.office_id, today=timezone.localdate())
    assert figures.requests == {"total": 5, "on_time": 1, "late": 1, "never": 1, "not_yet_due": 1, "withdrawn": 1,
                                "delivered_on_time": 1, "delivered_late": 0, "delivery_overdue": 0}
    assert (figures.answered_on_time.part, figures.answered_on_time.whole) == (1, 3)
    assert round(figures.answered_on_time.percent, 1) == 33.3 and figures.answered_on_time.small
    assert figures.issues["total"] == 4 and figures.issues["solved"] == 2 and figures.issues["partly_solved"] == 1
    assert figures.open_issues == 1 and figures.closed_unsolved == 0
    assert sorted(figures.solution_days) == [100, 184] and figures.median_days == 142 and figures.median_small
    assert figures.commitments == {"total": 3, "kept": 1, "kept_late": 1, "overdue": 1, "pending": 1}
    assert (figures.kept.part, figures.kept.whole) == (1, 2)


def test_staff_who_see_everything_count_the_private_records_too(planted, world):
    figures = responsiveness.office_figures(world.me_officer, planted["sandan"].office_id,
                                            today=timezone.localdate())
    assert figures.requests["total"] == 6 and figures.requests["on_time"] == 2
    assert figures.issues["total"] == 6 and figures.issues["solved"] == 3
    assert sorted(figures.solution_days) == [1, 100, 184]
    assert figures.commitments["total"] == 4 and figures.commitments["kept"] == 2


def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_office_page_in_english_links_each_figure_to_its_records(planted):
    sandan = planted["sandan"]
    response = anonymous().get(f"/offices/{sandan.office_id}/")
    assert_small_and_private(response, personal=["AIR-PRIVATE", "ISS-PRIVATE", "Title of", "Subject of"])
    html = response.content.decode()
    assert "Sandan" in html and "Fewer than 5 records" in html and "33.3%" in html and "1 of 3" in html
    assert f"/requests/?office={sandan.office_id}" in html
    assert f"/public/issues/?office={sandan.office_id}&amp;status=solved" in html
    assert "142" in html and "counts only, of the public records" in html.lower()
    assert "?province=06" in html  # to the ranking of Kampong Thom


def test_the_figures_links_show_the_office_s_public_records(planted):
    sandan = planted["sandan"]
    issues = anonymous().get(f"/public/issues/?office={sandan.office_id}&status=solved").content.decode()
    assert "Title of ISS-SOLVED" in issues and "Title of ISS-AGAIN" in issues
    assert "ISS-OPEN" not in issues and "Title of ISS-PRIVATE" not in issues
    requests = anonymous().get(f"/requests/?office={sandan.office_id}").content.decode()
    assert "Subject of AIR-NEVER" in requests and "AIR-PRIVATE" not in requests and "KRATIE" not in requests


def test_the_office_page_in_khmer(planted):
    sandan = planted["sandan"]
    html = Client().get(f"/offices/{sandan.office_id}/").content.decode()
    assert '<html lang="km">' in html
    assert "រដ្ឋបាលស្រុកសណ្ដាន់" in html and "៣៣.៣%" in html and "សំណើសុំព័ត៌មាន" in html
    assert "Information requests" not in html


def test_a_logged_in_reader_is_told_what_is_counted(planted, world):
    html = login_en(world.me_officer).get(f"/offices/{planted['sandan'].office_id}/").content.decode()
    assert "including those not public" in html and "/issues/?office=" in html


def test_an_authority_counts_its_own_private_records_but_not_another_office_s(planted):
    sandan_user = make_user("sandan", User.Role.AUTHORITY, office=planted["sandan"])
    kratie_user = make_user("kratie", User.Role.AUTHORITY, office=planted["kratie"])
    today = timezone.localdate()
    own = responsiveness.office_figures(sandan_user, planted["sandan"].office_id, today=today)
    assert own.requests["total"] == 6 and own.issues["total"] == 6  # every issue addressed to it
    other = responsiveness.office_figures(kratie_user, planted["sandan"].office_id, today=today)
    assert other.requests["total"] == 5 and other.issues["total"] == 4


def test_an_unknown_office_is_404(world):
    assert anonymous().get("/offices/OF-NOPE-1/").status_code == 404


def test_the_ranking_of_a_province(planted):
    response = anonymous().get("/offices/?province=06")
    assert_small_and_private(response, personal=["AIR-PRIVATE", "Title of", "Subject of"])
    html = response.content.decode()
    assert f"/offices/{planted['sandan'].office_id}/" in html and "33.3%" in html
    # Kratie's office has a private request only: nothing to rank for the public, and nothing to tell.
    kratie = anonymous().get("/offices/?province=10").content.decode()
    assert planted["kratie"].office_id not in kratie and "1 other office has no record to count" in kratie


def test_the_ranking_orders_by_the_figure_chosen_with_no_data_last(planted, world):
    kleng = office_of_place(user=None, place=place("060603"))
    make_issue(world.cbo, "ISS-KLENG", duty_bearer=kleng, is_public=True)  # raised: 0% solved
    Office.objects.create(office_id="OF-0606-X", level="district", place=place("0606"), name_en="Zzz office")
    information_request("AIR-ZZZ", filed_on=D(2024, 1, 2), public=True, to=Office.objects.get(office_id="OF-0606-X"),
                        events=[(D(2024, 1, 3), "answered_not_held")])  # 100% on time
    html = anonymous().get("/offices/?province=06&sort=on_time").content.decode()
    order = [html.index(name) for name in ("Zzz office", "Sandan district administration", "Klaeng commune")]
    assert order == sorted(order)  # 100%, 33%, no request (last)
    html = anonymous().get("/offices/?province=06&sort=solved").content.decode()
    order = [html.index(name) for name in ("Sandan district administration", "Klaeng commune", "Zzz office")]
    assert order == sorted(order)  # 50%, 0%, no issue (last)
    only_communes = anonymous().get("/offices/?province=06&level=commune").content.decode()
    assert "Klaeng commune" in only_communes and "Sandan district administration" not in only_communes


def test_the_ranking_in_khmer_and_its_first_page(planted):
    html = Client().get("/offices/?province=06").content.decode()
    assert '<html lang="km">' in html and "រដ្ឋបាលស្រុកសណ្ដាន់" in html and "៣៣.៣%" in html
    chooser = anonymous().get("/offices/").content.decode()
    assert "?province=06" in chooser and "?province=national" in chooser and "<table" not in chooser
    assert 'href="/offices/"' in anonymous().get("/requests/").content.decode()  # in the public menu


def test_national_offices_are_ranked_apart(planted, world):
    ministry = Office.objects.create(office_id="OF-KH-9", level="national", kind="ministry",
                                     name_en="Ministry of Interior")
    information_request("AIR-MOI", filed_on=D(2024, 1, 2), public=True, to=ministry)
    html = anonymous().get("/offices/?province=national").content.decode()
    assert "Ministry of Interior" in html and "Sandan" not in html
    assert "Ministry of Interior" not in anonymous().get("/offices/?province=06").content.decode()


def test_queries_do_not_grow_with_the_offices(planted, world, django_assert_num_queries):
    def ranked(first, last):
        for n in range(first, last):
            office = Office.objects.create(office_id=f"OF-Q-{n}", level="commune", place=place("060603"),
                                           name_en=f"Office {n}")
            information_request(f"AIR-Q-{n}", filed_on=D(2024, 1, 2), public=True, to=office)
            make_issue(world.cbo, f"ISS-Q-{n}", duty_bearer=office, is_public=True)
        client = anonymous()
        with django_assert_num_queries(7):  # provinces, offices, requests, issues, days to a solution, commitments,
            # the joint plans' actions
            response = client.get("/offices/?province=06")
        assert response.status_code == 200
        return response.content.decode()

    assert "Office 1" in ranked(0, 3)
    assert "Office 20" in ranked(3, 25)
    place_index()  # built once per process (one query), as a server's first page builds it
    with django_assert_num_queries(7):  # the office, then the same five, then the citizens' comments
        assert anonymous().get(f"/offices/{planted['sandan'].office_id}/").status_code == 200
