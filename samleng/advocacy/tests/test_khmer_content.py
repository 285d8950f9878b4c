"""Records carry their text in both languages where people write them: a Khmer page shows the Khmer text, an
English page the English one, and a page that has to fall back on the other language marks it with `lang`
(an issue's description, its timeline notes, commitments, its duty bearer, events' titles, a programme's name)."""

import datetime as dt

import pytest
from django.urls import reverse

from samleng.advocacy.models import Commitment, Issue, IssueUpdate, Status
from samleng.advocacy.services import commitment_create, issue_update_post
from samleng.advocacy.tests.factories import make_commitment, make_event, make_issue, make_update
from samleng.conftest import anonymous, login, login_en, place
from samleng.results.tests.records import programme as make_programme

DESCRIPTION_EN = "The lakes dry out because water is pumped for dry-season rice."
DESCRIPTION_KM = "បឹងរីងស្ងួត ព្រោះគេបូមទឹកសម្រាប់ស្រែប្រាំង។"
NOTE_EN = "The commune put the canal in its investment plan."
NOTE_KM = "ឃុំបានដាក់ប្រឡាយក្នុងផែនការវិនិយោគរបស់ខ្លួន។"
PROMISE_EN = "Restore 750 m of the canal"
PROMISE_KM = "ស្ដារប្រឡាយប្រវែង ៧៥០ ម៉ែត្រ"
EVENT_EN = "District dialogue meeting, Sandan district"
EVENT_KM = "កិច្ចប្រជុំសន្ទនាថ្នាក់ស្រុក ស្រុកសណ្ដាន់"


@pytest.fixture
def public_issue(world):
    world.cbo.is_public = True
    world.cbo.save()
    issue = make_issue(world.cbo, description=DESCRIPTION_EN, description_km=DESCRIPTION_KM, is_public=True)
    event = make_event(issue, title=EVENT_EN, title_km=EVENT_KM)
    make_update(issue, dt.date(2022, 5, 10), Status.IN_DIALOGUE, event=event, note=NOTE_EN, note_km=NOTE_KM)
    make_commitment(issue, dt.date(2022, 5, 10), promise=PROMISE_EN, promise_km=PROMISE_KM)
    return issue


def _pages(world, issue):
    return [
        (anonymous, reverse("advocacy:public_detail", args=[issue.pk])),
        (lambda: login_en(world.officer), reverse("advocacy:detail", args=[issue.pk])),
    ]


def test_a_khmer_page_shows_the_khmer_texts_and_an_english_page_the_english_ones(world, public_issue):
    for english_client, url in _pages(world, public_issue):
        text = english_client().get(url).text
        assert DESCRIPTION_EN in text and NOTE_EN in text, url
        assert DESCRIPTION_KM not in text and NOTE_KM not in text, url
        khmer = english_client()
        khmer.cookies["samleng_language"] = "km"
        text = khmer.get(url).text
        assert DESCRIPTION_KM in text and NOTE_KM in text, url
        assert DESCRIPTION_EN not in text and NOTE_EN not in text, url
    # Staff see the event where the issue was raised (public pages give its type, date and place only)
    # and the commitments.
    staff = login_en(world.officer).get(reverse("advocacy:detail", args=[public_issue.pk])).text
    assert PROMISE_EN in staff and EVENT_EN in staff and PROMISE_KM not in staff and EVENT_KM not in staff
    staff = login(world.officer).get(reverse("advocacy:detail", args=[public_issue.pk])).text
    assert PROMISE_KM in staff and EVENT_KM in staff and PROMISE_EN not in staff and EVENT_EN not in staff


def test_a_missing_language_falls_back_to_the_other_marked_with_lang(world, public_issue):
    Issue.objects.filter(pk=public_issue.pk).update(description_km="")
    IssueUpdate.objects.filter(issue=public_issue).update(note="")
    Commitment.objects.filter(issue=public_issue).update(promise_km="")
    url = reverse("advocacy:public_detail", args=[public_issue.pk])
    khmer = anonymous()
    khmer.cookies["samleng_language"] = "km"
    text = khmer.get(url).text
    assert f'<span lang="en">{DESCRIPTION_EN}</span>' in text  # English on a Khmer page, marked
    text = anonymous().get(url).text
    assert f'<span lang="km">{NOTE_KM}</span>' in text  # Khmer on an English page, marked
    staff = login(world.officer).get(reverse("advocacy:detail", args=[public_issue.pk])).text
    assert f'<span lang="en">{PROMISE_EN}</span>' in staff


def test_the_duty_bearer_shows_the_offices_khmer_name(world):
    issue = make_issue(world.cbo, duty_bearer="Klaeng commune council")
    office = issue.duty_bearer
    office.name_km = "ក្រុមប្រឹក្សាឃុំក្លែង"
    office.save()
    url = reverse("advocacy:detail", args=[issue.pk])
    assert "ក្រុមប្រឹក្សាឃុំក្លែង" in login(world.officer).get(url).text
    office.name_km = ""
    office.save()
    assert f'<span lang="en">{office.name_en}</span>' in login(world.officer).get(url).text


def test_event_pages_and_lists_show_the_readers_language(world, public_issue):
    event = public_issue.events_raised_at.get()
    url = reverse("engagement:detail", args=[event.pk])
    assert EVENT_KM in login(world.officer).get(url).text
    assert EVENT_EN in login_en(world.officer).get(url).text
    listing = login(world.officer).get(reverse("engagement:list")).text
    assert EVENT_KM in listing and EVENT_EN not in listing


def test_the_programmes_name_in_the_readers_language(world):
    programme = make_programme()
    programme.name, programme.name_km = "Citizens' Voices and Actions", "សំឡេង និងសកម្មភាពរបស់ពលរដ្ឋ"
    programme.save()
    url = reverse("results:programme", args=[programme.code])
    assert "សំឡេង និងសកម្មភាពរបស់ពលរដ្ឋ" in login(world.me_officer).get(url).text
    assert "Citizens&#x27; Voices and Actions" in login_en(world.me_officer).get(url).text
    programme.name_km = ""
    programme.save()
    assert '<span lang="en">Citizens&#x27; Voices and Actions</span>' in login(world.me_officer).get(url).text


def test_the_forms_take_both_languages(world):
    issue = make_issue(world.cbo)
    client = login_en(world.officer)
    response = client.post(reverse("advocacy:update_create", args=[issue.pk]), {
        "status": Status.IN_DIALOGUE, "date": "2022-05-10", "note": NOTE_EN, "note_km": NOTE_KM})
    assert response.status_code == 302
    assert IssueUpdate.objects.filter(issue=issue, note=NOTE_EN, note_km=NOTE_KM).exists()
    response = client.post(reverse("advocacy:commitment_create", args=[issue.pk]), {
        "made_on": "2022-05-10", "authority": "Klaeng commune council", "promise_km": PROMISE_KM})
    assert response.status_code == 302
    assert Commitment.objects.get(issue=issue).promise_km == PROMISE_KM
    response = client.post(reverse("advocacy:commitment_create", args=[issue.pk]), {
        "made_on": "2022-05-10", "authority": "Klaeng commune council"})
    assert response.status_code == 200 and "Write what was promised" in response.text
    response = client.post(reverse("advocacy:edit", args=[issue.pk]), {
        "issue_id": issue.issue_id, "title_en": issue.title_en, "title_km": issue.title_km, "topic": issue.topic,
        "description": DESCRIPTION_EN, "description_km": DESCRIPTION_KM, "duty_bearer_level": "commune",
        "raised_on": "2022-03-01"})
    assert response.status_code == 302, response.text[-2000:]
    issue.refresh_from_db()
    assert (issue.description, issue.description_km) == (DESCRIPTION_EN, DESCRIPTION_KM)


def test_the_services_keep_the_khmer_text(world):
    issue = make_issue(world.cbo)
    update = issue_update_post(user=world.officer, issue=issue, status=Status.IN_DIALOGUE,
                               date=dt.date(2022, 5, 10), note_km=f"  {NOTE_KM}  ")
    assert update.note_km == NOTE_KM and update.note == ""
    commitment = commitment_create(user=world.officer, issue=issue, made_on=dt.date(2022, 5, 10),
                                   authority="Klaeng commune council", promise_km=PROMISE_KM)
    assert commitment.promise_km == PROMISE_KM


def test_an_events_khmer_title_is_searched(world):
    from samleng.engagement.services import event_create  # engagement sits above advocacy

    event = event_create(user=world.officer, type="district_dialogue", title=EVENT_EN, title_km=EVENT_KM,
                         date=dt.date(2022, 5, 10), province=place("06"), district=place("0606"))
    assert "សណ្ដាន់" in event.search_text and "sandan" in event.search_text
