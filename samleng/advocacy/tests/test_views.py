import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samleng.advocacy import selectors
from samleng.advocacy.models import Issue, IssueUpdate, Status
from samleng.advocacy.services import issue_status_refresh
from samleng.advocacy.tests.factories import (
    event_of,
    make_commitment,
    make_event,
    make_issue,
    make_issues,
    make_update,
)
from samleng.cbos.tests.factories import make_cbos
from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private, make_user, place
from samleng.conftest import login_en as login
from samleng.core.models import AuditEntry
from samleng.core.tests.test_images import tiny_pdf
from samleng.places.services import office_create, office_find_or_create

D = dt.date


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def issue(world):
    return make_issue(world.cbo, "ISS-KT-001", is_main=True)


def _assert_scoped_get(world, url, allowed=("officer", "me_officer")):
    for name in allowed:
        assert login(getattr(world, name)).get(url).status_code == 200, name
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.other_cbo_user).get(url).status_code == 404
    assert_login_redirect(anonymous().get(url))


# ---- list ------------------------------------------------------------------------------------------------

def test_list_shows_issues_in_scope(world, issue):
    other = make_issue(world.other_cbo, "ISS-KR-001", title_en="Stop illegal logging")
    response = login(world.officer).get(reverse("advocacy:list"))
    assert issue.title_en in response.text and other.title_en not in response.text
    response = login(world.other_cbo_user).get(reverse("advocacy:list"))
    assert issue.title_en not in response.text and other.title_en in response.text
    assert_login_redirect(anonymous().get(reverse("advocacy:list")))


def test_list_filters_search_and_keeps_filters_in_pagination(world, issue):
    make_issues(world.cbo, 55)
    client = login(world.officer)
    response = client.get(reverse("advocacy:list"), {"topic": "water", "status": "open"})
    assert response.text.count("Issue number") == 50 and issue.title_en not in response.text
    assert "topic=water&amp;status=open&amp;page=2" in response.text
    response = client.get(reverse("advocacy:list"), {"q": "canal", "main": "1"})
    assert issue.title_en in response.text and "Issue number" not in response.text
    response = client.get(reverse("advocacy:list"), {"q": "ស្ដារ"})
    assert issue.title_en in response.text and "Issue number" not in response.text
    response = client.get(reverse("advocacy:list"), {"district": "junk", "province": "junk", "year": "x"})
    assert response.status_code == 200


def test_a_search_counts_no_further_than_its_pages(world, issue, monkeypatch):
    # A common word finds thousands of issues: a search counts SEARCH_PAGES pages of them and says "N+".
    for n in range(3):
        make_issue(world.cbo, f"ISS-CANAL-{n}", title_en=f"Canal number {n}")
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "SEARCH_PAGES", 1)
    client = login(world.officer)
    text = client.get(reverse("advocacy:list"), {"q": "canal"}).text
    assert "2+ issues" in text and text.count('href="/issues/') >= 2
    text = client.get(reverse("advocacy:list"), {"topic": "fishery"}).text  # no search: every one counted
    assert "4 issues" in text


def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = login(world.officer)
    make_issues(world.cbo, 51)  # more than a page: the list is counted (a shorter one is counted by its page)
    few = _queries(client, reverse("advocacy:list"))
    for issue in make_issues(world.cbo, 60):
        make_update(issue, D(2023, 6, 1), Status.IN_DIALOGUE)
        make_update(issue, D(2023, 7, 1), Status.SOLVED, confirmed=False)
    assert _queries(client, reverse("advocacy:list")) == few
    with django_assert_max_num_queries(12):
        client.get(reverse("advocacy:list"))


def test_a_search_lists_what_the_list_shows_of_each_issue_found_and_only_in_scope(world, issue):
    # A page is read keys first (with the search and the scope), then its issues by key (issue_rows): what a
    # row shows must be the same, and the second read must not let in what the first kept out.
    make_update(issue, D(2023, 6, 1), Status.IN_DIALOGUE)
    make_update(issue, D(2023, 7, 1), Status.SOLVED, confirmed=False)
    issue_status_refresh(issue=issue)
    kratie = make_issue(world.other_cbo, "ISS-KR-002", title_en="Canal dried up in Kratie", title_km="")
    text = login(world.officer).get(reverse("advocacy:list"), {"q": "canal"}).text
    assert issue.title_en in text and kratie.title_en not in text and "1 issue" in text
    assert world.cbo.name_en in text and "Kampong Thom" in text and "1 June 2023" in text  # its latest update
    assert "1 update awaiting confirmation" in text
    text = login(world.outsider).get(reverse("advocacy:list"), {"q": "canal"}).text
    assert kratie.title_en in text and issue.title_en not in text
    text = login(world.me_officer).get(reverse("advocacy:list"), {"q": "canal"}).text
    assert kratie.title_en in text and issue.title_en in text and "2 issues" in text


# ---- create and edit -------------------------------------------------------------------------------------

def _issue_form(**values):
    data = {"issue_id": "ISS-KT-002", "title_en": "Stop electric fishing", "title_km": "", "topic": "fishery",
            "description": "", "duty_bearer_level": "district", "duty_bearer": "Sandan district",
            "raised_on": "2023-04-01"}
    data.update(values)
    return data


def test_create(world):
    url = reverse("advocacy:create", args=[world.cbo.pk])
    response = login(world.officer).post(url, _issue_form())
    issue = Issue.objects.get(issue_id="ISS-KT-002")
    assert response.status_code == 302 and response.url == reverse("advocacy:detail", args=[issue.pk])
    assert AuditEntry.objects.filter(object_type="advocacy.issue", action="create").exists()
    _assert_scoped_get(world, url)
    assert login(world.cbo_user).get(url).status_code == 403


def test_the_duty_bearer_is_an_office_typed_by_id_or_by_name(world, issue):
    """A new name makes the office at the level chosen, in the CBO's place; typed again (another spelling, or its
    id) it is the same office; the form shows its id; a name several offices could be is refused, naming them."""
    client = login(world.officer)
    assert client.post(reverse("advocacy:create", args=[world.cbo.pk]), _issue_form()).status_code == 302
    office = Issue.objects.get(issue_id="ISS-KT-002").duty_bearer
    assert (office.name_en, office.level, office.place.code) == ("Sandan district", "district", "0606")
    url = reverse("advocacy:edit", args=[issue.pk])
    assert office.office_id in client.get(reverse("advocacy:edit", args=[
        Issue.objects.get(issue_id="ISS-KT-002").pk])).text
    data = _issue_form(issue_id=issue.issue_id, duty_bearer="sandan distrct", raised_on="2022-03-01")
    assert client.post(url, data).status_code == 302
    issue.refresh_from_db()
    assert issue.duty_bearer == office
    office_find_or_create(user=None, text="Sandan district council", level="district", place=place("0606"))
    office_create(user=None, name_en="Sandan district councils", level="district", place=place("0606"))
    response = client.post(url, {**data, "duty_bearer": "Sandan distrct council"})
    assert response.status_code == 200 and "could be several offices" in response.text
    issue.refresh_from_db()
    assert issue.duty_bearer == office
    # Empty: the administration of the CBO's place at the level chosen.
    assert client.post(url, {**data, "duty_bearer": "", "duty_bearer_level": "commune"}).status_code == 302
    issue.refresh_from_db()
    assert (issue.duty_bearer.name_en, issue.duty_bearer.place.code) == ("Klaeng commune administration", "060603")


def test_an_authority_reads_the_notes_of_the_issues_addressed_to_its_office_only(world):
    """A district-addressed issue: its district's office reads it with its notes; the province's office, and
    another office of the same district, get nothing (not in the list, 404 on the page), until it is public."""
    issue = make_issue(world.cbo, "ISS-KT-009", duty_bearer_level="district", title_en="Electric fishing")
    make_update(issue, D(2022, 4, 1), Status.IN_DIALOGUE, note="The chief of police promised patrols.")
    issue_status_refresh(issue=issue)
    url = reverse("advocacy:detail", args=[issue.pk])
    district = make_user("sandan", "authority", authority_unit=place("0606"))
    assert issue.duty_bearer == district.office
    assert "promised patrols" in login(district).get(url).text
    assert "ISS-KT-009" in login(district).get(reverse("advocacy:list")).text
    council = office_create(user=None, name_en="Sandan district council", level="district", place=place("0606"),
                            kind="council")
    for user in (make_user("kt", "authority", authority_unit=place("06")),
                 make_user("council", "authority", office=council)):
        client = login(user)
        assert client.get(url).status_code == 404
        assert "ISS-KT-009" not in client.get(reverse("advocacy:list")).text
    world.cbo.is_public = True
    world.cbo.save()
    Issue.objects.filter(pk=issue.pk).update(is_public=True)
    assert "promised patrols" in login(user).get(url).text  # public issues stay public


def test_create_refuses_a_second_open_main_issue_with_a_clear_message(world, issue):
    url = reverse("advocacy:create", args=[world.cbo.pk])
    response = login(world.officer).post(url, _issue_form(is_main="on"))
    assert response.status_code == 200 and not Issue.objects.filter(issue_id="ISS-KT-002").exists()
    assert "already has an open main issue" in response.text and "ISS-KT-001" in response.text


def test_edit(world, issue):
    url = reverse("advocacy:edit", args=[issue.pk])
    data = _issue_form(issue_id=issue.issue_id, title_en="Restore the canals", raised_on="2022-03-01",
                       is_main="on", is_public="on")
    assert login(world.officer).post(url, data).status_code == 302
    issue.refresh_from_db()
    assert issue.title_en == "Restore the canals" and issue.is_public
    _assert_scoped_get(world, url)
    assert login(world.cbo_user).get(url).status_code == 403


# ---- detail ----------------------------------------------------------------------------------------------

def test_detail(world, issue):
    url = reverse("advocacy:detail", args=[issue.pk])
    _assert_scoped_get(world, url, allowed=("officer", "me_officer", "cbo_user"))
    assert login(world.officer).get(reverse("advocacy:detail", args=[999999])).status_code == 404


def test_detail_tells_the_story(world, issue):
    event = make_event(issue, day=D(2022, 5, 10))
    make_update(issue, D(2022, 5, 10), Status.IN_DIALOGUE, event=event, note="The council listened.",
                evidence="https://example.org/minutes")
    make_commitment(issue, D(2022, 5, 10), authority="Kleng commune council", promise="Restore 750 m of canal")
    issue_status_refresh(issue=issue)
    text = login(world.officer).get(reverse("advocacy:detail", args=[issue.pk])).text
    for expected in ("1 March 2022", "district dialogue meeting", "The council listened.",
                     'href="https://example.org/minutes"', "Restore 750 m of canal", "Kleng", "in dialogue"):
        assert expected in text, expected


def test_detail_query_count_does_not_grow_with_updates_and_events(world, issue, django_assert_max_num_queries):
    client = login(world.officer)
    url = reverse("advocacy:detail", args=[issue.pk])
    few = _queries(client, url)
    for n in range(30):
        event = make_event(issue, event_id=f"EV-{n}", day=D(2022, 4, 1) + dt.timedelta(days=n))
        make_update(issue, event.date, Status.IN_DIALOGUE, event=event, posted_by=world.officer,
                    confirmed=n % 3 != 0)
        make_commitment(issue, event.date, authority="Council", promise="x", event=event)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(13):  # 12, and one for the stories about the issue (stories.related)
        client.get(url)


# ---- updates ---------------------------------------------------------------------------------------------

def test_staff_update_counts_at_once(world, issue):
    event = make_event(issue)
    url = reverse("advocacy:update_create", args=[issue.pk])
    pdf = tiny_pdf()
    upload = SimpleUploadedFile("minutes.pdf", pdf, content_type="application/pdf")
    response = login(world.officer).post(url, {
        "status": "in_dialogue", "date": "2022-05-10", "note": "Raised at the dialogue", "evidence": "",
        "event": event.pk, "people_benefited": "", "people_benefited_female": "", "evidence_file": upload})
    assert response.status_code == 302
    issue.refresh_from_db()
    update = issue.updates.get()
    assert issue.status == Status.IN_DIALOGUE and update.confirmed and event_of(update) == event
    evidence = reverse("advocacy:update_evidence", args=[issue.pk, update.pk])
    stored = update.evidence_file.read()  # the PDF written again without its metadata
    assert stored.startswith(b"%PDF-") and b"".join(login(world.officer).get(evidence).streaming_content) == stored
    assert AuditEntry.objects.filter(action="view_personal", object_id=str(update.pk), user=world.officer).exists()
    assert b"".join(login(world.cbo_user).get(evidence).streaming_content) == stored
    # The authority it is addressed to sees the issue, but not files that may show people.
    sandan = make_user("sandan", "authority", authority_unit=place("060603"))
    assert login(sandan).get(reverse("advocacy:detail", args=[issue.pk])).status_code == 200
    assert login(sandan).get(evidence).status_code == 403
    assert login(world.outsider).get(evidence).status_code == 404
    assert_login_redirect(anonymous().get(evidence))


def test_update_form_offers_only_the_events_that_raised_the_issue(world, issue):
    make_event(issue, event_id="EV-RAISED", title="Raised here")
    make_event(event_id="EV-ELSEWHERE", day=D(2022, 6, 1), type="training")
    text = login(world.officer).get(reverse("advocacy:update_create", args=[issue.pk])).text
    assert "district dialogue meeting" in text and "training" not in text


def test_representatives_update_waits_for_confirmation(world, issue):
    url = reverse("advocacy:update_create", args=[issue.pk])
    response = login(world.cbo_user).post(url, {"status": "solved", "date": "2023-05-01", "note": "Canal dug"})
    assert response.status_code == 302
    issue.refresh_from_db()
    update = issue.updates.get()
    assert issue.status == Status.RAISED and not update.confirmed
    text = login(world.cbo_user).get(reverse("advocacy:detail", args=[issue.pk])).text
    assert "awaiting confirmation" in text.lower()
    staff_text = login(world.officer).get(reverse("advocacy:detail", args=[issue.pk])).text
    assert reverse("advocacy:update_confirm", args=[issue.pk, update.pk]) in staff_text

    confirm = reverse("advocacy:update_confirm", args=[issue.pk, update.pk])
    assert login(world.cbo_user).post(confirm).status_code == 403
    assert login(world.outsider).post(confirm).status_code == 404
    assert login(world.other_cbo_user).post(confirm).status_code == 404
    assert_login_redirect(anonymous().post(confirm))
    assert login(world.officer).get(confirm).status_code == 405
    assert login(world.officer).post(confirm).status_code == 302
    issue.refresh_from_db()
    assert issue.status == Status.SOLVED


def test_reject(world, issue):
    update = make_update(issue, D(2023, 5, 1), Status.SOLVED, confirmed=False, posted_by=world.cbo_user)
    url = reverse("advocacy:update_reject", args=[issue.pk, update.pk])
    assert login(world.cbo_user).post(url).status_code == 403
    assert login(world.outsider).post(url).status_code == 404
    assert_login_redirect(anonymous().post(url))
    assert login(world.officer).post(url, {"reason": "Not yet dug"}).status_code == 302
    assert not IssueUpdate.objects.filter(pk=update.pk).exists()
    assert "Not yet dug" in AuditEntry.objects.get(action="delete").summary


def test_update_create_access(world, issue):
    url = reverse("advocacy:update_create", args=[issue.pk])
    _assert_scoped_get(world, url, allowed=("officer", "me_officer", "cbo_user"))


def test_update_form_errors_are_shown(world, issue):
    url = reverse("advocacy:update_create", args=[issue.pk])
    response = login(world.officer).post(url, {"status": "solved", "date": "2021-01-01"})
    assert response.status_code == 200 and "after this date" in response.text
    assert not issue.updates.exists()


# ---- commitments -----------------------------------------------------------------------------------------

def test_commitment_create_and_kept(world, issue):
    url = reverse("advocacy:commitment_create", args=[issue.pk])
    _assert_scoped_get(world, url)
    assert login(world.cbo_user).get(url).status_code == 403
    response = login(world.officer).post(url, {"made_on": "2022-05-10", "authority": "Kleng commune council",
                                               "promise": "Restore the canal", "due_on": ""})
    assert response.status_code == 302
    commitment = issue.commitments.get()
    # The name became an office of the issue's level, in the CBO's commune; a district office can be named too.
    assert (commitment.authority.name_en, commitment.authority.level, commitment.authority.place.code) == (
        "Kleng commune council", "commune", "060603")
    response = login(world.officer).post(url, {"made_on": "2022-05-11", "authority": "Sandan district governor",
                                               "level": "district", "promise": "Visit", "due_on": ""})
    assert response.status_code == 302
    assert issue.commitments.get(made_on=D(2022, 5, 11)).authority.place.code == "0606"
    response = login(world.officer).post(url, {"made_on": "2022-05-12", "authority": "",
                                               "level": "village", "promise": "Visit", "due_on": ""})
    assert response.status_code == 200 and issue.commitments.count() == 2
    kept = reverse("advocacy:commitment_kept", args=[issue.pk, commitment.pk])
    assert login(world.cbo_user).post(kept, {"kept_on": "2024-01-01"}).status_code == 403
    assert login(world.outsider).post(kept, {"kept_on": "2024-01-01"}).status_code == 404
    assert_login_redirect(anonymous().post(kept, {"kept_on": "2024-01-01"}))
    assert login(world.officer).post(kept, {"kept_on": "2024-01-01"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.kept_on == D(2024, 1, 1)


# ---- public pages ----------------------------------------------------------------------------------------

@pytest.fixture
def public_issue(world, issue):
    """A public issue of a public CBO, with everything personal the database can hold around it."""
    world.cbo.is_public = True
    world.cbo.save()
    issue.is_public = True
    issue.save()
    poster = world.cbo_user
    poster.username, poster.first_name, poster.last_name = "chanthy.poster", "Chanthy", "Poster"
    poster.save()
    world.officer.username = "sokunthea.confirmer"
    world.officer.save()
    event = make_event(issue, day=D(2022, 5, 10), title="Dialogue with Sar Mol")
    make_update(issue, D(2022, 5, 10), Status.IN_DIALOGUE, event=event, note="Raised at the district dialogue.",
                evidence="https://example.org/minutes", posted_by=poster, confirmed_by=world.officer)
    make_update(issue, D(2023, 5, 1), Status.SOLVED, posted_by=world.officer, confirmed_by=world.officer,
                people_benefited=300, people_benefited_female=160)
    make_update(issue, D(2024, 2, 1), Status.IN_DIALOGUE, posted_by=world.officer, confirmed_by=world.officer)
    make_update(issue, D(2024, 3, 1), Status.DROPPED, confirmed=False, posted_by=poster, note="Unconfirmed note")
    issue_status_refresh(issue=issue)
    return issue


PERSONAL = ["Sar Mol", "012345678", "@sarmol", "1972", "P-001", "chanthy.poster", "Chanthy", "sokunthea",
            "Unconfirmed note"]


def _assert_small_and_private(response):
    assert_small_and_private(response, PERSONAL)


def test_public_pages_tell_the_story_and_nothing_personal(world, public_issue):
    for client in (anonymous(), login(world.officer), Client()):
        response = client.get(reverse("advocacy:public_list"))
        _assert_small_and_private(response)
        response = client.get(reverse("advocacy:public_detail", args=[public_issue.pk]))
        _assert_small_and_private(response)
        response = client.get(reverse("cbos:public_detail", args=[world.cbo.pk]))
        _assert_small_and_private(response)
    text = anonymous().get(reverse("advocacy:public_detail", args=[public_issue.pk])).text
    for expected in ("10 May 2022", "1 May 2023", "1 February 2024", "district dialogue meeting", "Sandan",
                     "Raised at the district dialogue.", 'href="https://example.org/minutes"', "solved",
                     "300 people benefited"):
        assert expected in text, expected
    assert "awaiting confirmation" not in text and "dropped" not in text


def test_public_pages_hide_private_issues_and_issues_of_private_cbos(world, public_issue):
    private = make_issue(world.cbo, "ISS-PRIVATE", title_en="A private matter")
    of_private_cbo = make_issue(world.other_cbo, "ISS-KR", title_en="Forest matter", is_public=True)
    client = anonymous()
    text = client.get(reverse("advocacy:public_list")).text
    assert public_issue.title_en in text and "A private matter" not in text and "Forest matter" not in text
    for hidden in (private, of_private_cbo):
        assert client.get(reverse("advocacy:public_detail", args=[hidden.pk])).status_code == 404
    assert "A private matter" not in client.get(reverse("cbos:public_detail", args=[world.cbo.pk])).text


def test_public_list_filters_and_searches(world, public_issue):
    client = anonymous()
    assert public_issue.title_en in client.get(reverse("advocacy:public_list"), {"q": "បឹងប្រាំង"}).text
    assert public_issue.title_en in client.get(reverse("advocacy:public_list"), {"q": "canal"}).text
    assert public_issue.title_en not in client.get(reverse("advocacy:public_list"), {"topic": "land"}).text
    assert public_issue.title_en in client.get(reverse("advocacy:public_list"), {"status": "open"}).text
    assert "pending" not in client.get(reverse("advocacy:public_list")).text


def test_public_query_counts_do_not_grow_with_rows(world, public_issue, django_assert_max_num_queries):
    client = anonymous()
    list_url, detail_url = reverse("advocacy:public_list"), reverse("advocacy:public_detail", args=[public_issue.pk])
    few_detail = _queries(client, detail_url)
    cbos = make_cbos(10, is_public=True)
    for cbo in cbos[:5]:  # more than a page: the list is counted (a shorter one is counted by its page)
        make_issues(cbo, 12, is_public=True)
    few_list = _queries(client, list_url)
    for cbo in cbos[5:]:
        make_issues(cbo, 12, is_public=True)
    for n in range(20):
        day = D(2024, 3, 2) + dt.timedelta(days=n)
        make_update(public_issue, day, Status.IN_DIALOGUE if n % 2 else Status.PARTLY_SOLVED)
        make_event(public_issue, event_id=f"EV-P-{n}", day=day)
    assert _queries(client, list_url) == few_list
    assert _queries(client, detail_url) == few_detail
    with django_assert_max_num_queries(8):
        client.get(list_url)
    with django_assert_max_num_queries(8):
        client.get(detail_url)


def test_the_story_names_only_the_events_the_reader_may_open(world, issue):
    # Held in the provincial town, outside Sandan; titles can name people.
    make_event(issue, title="Meeting at Mr Sok's house", district=place("0601"), commune=None)
    url = reverse("advocacy:detail", args=[issue.pk])
    assert "Mr Sok" in login(world.officer).get(url).content.decode()
    sandan = make_user("sandan", "authority", authority_unit=place("060603"))  # the issue's duty bearer
    page = login(sandan).get(url).content.decode()
    assert "Mr Sok" not in page and "10 May 2022" in page  # the meeting itself is still in the story
