"""Questions the assistant could not answer: stored only as their text, scrubbed of phone numbers, ID numbers and
titled names by the comments' detector, and counted with the ones of the same words; a staff page where
administrators, M&E officers and communication officers (a permission) add a FAQ entry from one in two clicks,
which the assistant answers at once. Nobody else sees the page. The public list of services and FAQ."""

import pytest
from django.contrib.auth.models import Permission

from samleng.accounts.models import User
from samleng.assistant import retrieve, services
from samleng.assistant.models import FaqEntry, UnansweredQuestion
from samleng.assistant.tests.test_answers import world  # noqa: F401 (the fixture)
from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private, login, login_en, make_user
from samleng.conftest import place as gazetteer_place
from samleng.core.models import AuditEntry

URL = "/assistant/unanswered/"


def test_the_text_is_scrubbed_before_it_is_stored(db):
    scrubbed = services.question_scrubbed("Call Mr Dara on 012 345 678, my ID is 123456789: where is lok Sokha?")
    assert "Dara" not in scrubbed and "345" not in scrubbed and "123456789" not in scrubbed
    assert "[phone]" in scrubbed and "[ID number]" in scrubbed and "[name]" in scrubbed
    assert "លោកសុខា" not in services.question_scrubbed("លោកសុខា ០១២៣៤៥៦៧៨ នៅឯណា?")


def test_a_question_answered_nowhere_is_counted_with_those_of_the_same_words(world):  # noqa: F811
    for text in ("Where can I buy a buffalo?", "where can i buy a BUFFALO", "where can I buy a buffalo 012345678"):
        anonymous().get("/api/assistant", {"q": text, "lang": "en"})
    kept = UnansweredQuestion.objects.get()
    assert kept.count == 3 and kept.text == "Where can I buy a buffalo?"
    anonymous().post("/assistant/", {"q": "ទិញក្របីនៅឯណា?"})
    assert UnansweredQuestion.objects.count() == 2
    # What was answered, or declined for another reason (a place it does not know), is not kept.
    anonymous().get("/api/assistant", {"q": "What is the CSF?", "lang": "en"})
    anonymous().get("/api/assistant", {"q": "budget of Atlantis commune 2024", "lang": "en"})
    anonymous().get("/api/assistant", {"q": "😀", "lang": "en"})
    assert UnansweredQuestion.objects.count() == 2
    assert [f.name for f in UnansweredQuestion._meta.get_fields()] == ["id", "key", "text", "count"]


def test_no_more_than_the_kept_number(world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "UNANSWERED_KEPT", 1)
    services.unanswered_record(text="Where can I buy a buffalo?")
    assert services.unanswered_record(text="Who sells cheap motorbikes?") is None
    assert services.unanswered_record(text="where can I buy a buffalo").count == 2


@pytest.fixture
def people(world):  # noqa: F811
    communication = make_user("comms", User.Role.FIELD_OFFICER, provinces=[gazetteer_place("06")])
    communication.user_permissions.add(Permission.objects.get(codename="answer_unanswered"))
    return {"admin": make_user("boss", User.Role.ADMIN), "me": make_user("mande", User.Role.ME_OFFICER),
            "communication": communication,
            "officer": make_user("officer", User.Role.FIELD_OFFICER, provinces=[gazetteer_place("06")]),
            "rep": make_user("rep", User.Role.CBO_REP),
            "authority": make_user("klaeng", User.Role.AUTHORITY, authority_unit=gazetteer_place("060603"))}


def test_who_sees_the_page(people):
    question = services.unanswered_record(text="Where can I buy a buffalo?")
    for who in ("admin", "me", "communication"):
        page = login_en(people[who]).get(URL)
        assert page.status_code == 200 and "Where can I buy a buffalo?" in page.content.decode(), who
    services.unanswered_record(text="Where do I buy a buffalo cheaply?")  # shares 2 of its 3 words
    assert "and 1 similar question, asked 1 times" in login_en(people["me"]).get(URL).content.decode()
    for who in ("officer", "rep", "authority"):
        assert login(people[who]).get(URL).status_code == 403, who
        assert login(people[who]).post(f"{URL}{question.pk}/", {"action": "dismiss"}).status_code == 403, who
    assert f'href="{URL}"' in login_en(people["communication"]).get("/assistant/").content.decode()
    assert f'href="{URL}"' in login_en(people["me"]).get("/assistant/").content.decode()
    assert f'href="{URL}"' not in login_en(people["officer"]).get("/assistant/").content.decode()
    assert_login_redirect(anonymous().get(URL))
    assert_login_redirect(anonymous().post(f"{URL}{question.pk}/", {"action": "dismiss"}))
    assert UnansweredQuestion.objects.filter(pk=question.pk).exists()


def test_a_faq_entry_in_two_clicks_answered_at_once(people):
    question = services.unanswered_record(text="Where can I buy a buffalo?")
    client = login_en(people["communication"])
    page = client.get(URL).content.decode()
    assert f'name="q{question.pk}-question_en"' in page and 'value="Where can I buy a buffalo?"' in page
    response = client.post(f"{URL}{question.pk}/", {
        "action": "add", f"q{question.pk}-topic": "other", f"q{question.pk}-question_en": "Where can I buy a buffalo?",
        f"q{question.pk}-answer_en": "At the district market, on Sundays."})
    assert response.status_code == 302
    entry = FaqEntry.objects.get(faq_id="FAQ-OTH-01")
    assert entry.also_asked == "" and entry.checked_on is not None  # the asker's words only as staff wrote them
    assert not UnansweredQuestion.objects.exists()
    assert AuditEntry.objects.filter(object_type="assistant.faqentry", action="create").exists()
    body = anonymous().get("/api/assistant", {"q": "where could I buy a buffalo?", "lang": "en"}).json()
    assert body["kind"] == "faq" and body["sources"][0]["id"] == "FAQ-OTH-01"


def test_an_entry_without_an_answer_is_refused_in_both_languages(people):
    question = services.unanswered_record(text="Where can I buy a buffalo?")
    response = login_en(people["me"]).post(f"{URL}{question.pk}/", {
        "action": "add", f"q{question.pk}-topic": "other", f"q{question.pk}-question_en": "Where?"})
    assert response.status_code == 400 and "needs its answer" in response.content.decode()
    assert UnansweredQuestion.objects.filter(pk=question.pk).exists() and not FaqEntry.objects.filter(
        topic="other").exists()
    response = login(people["me"]).post(f"{URL}{question.pk}/", {"action": "dismiss"})
    assert response.status_code == 302 and not UnansweredQuestion.objects.exists()


def test_the_public_list_of_services_and_questions(world):  # noqa: F811
    retrieve.clear()
    for client, words in ((anonymous(), ["Birth certificate", "What is the Commune/Sangkat Fund?", "free"]),
                          (login(make_user("x", User.Role.CBO_REP)), [])):
        response = client.get("/assistant/services/")
        assert_small_and_private(response, [])
        page = response.content.decode()
        for word in words:
            assert word in page
        assert 'href="/assistant/?faq=FAQ-BUD-02"' in page and 'href="/assistant/?service=CR-01"' in page
    khmer = anonymous()
    khmer.cookies["samleng_language"] = "km"
    assert "សំបុត្រកំណើត" in khmer.get("/assistant/services/").content.decode()
    only = anonymous().get("/assistant/services/", {"topic": "access_to_information"}).content.decode()
    assert "FAQ-ATI-01" in only and "FAQ-BUD-02" not in only
    assert 'href="/assistant/services/"' in anonymous().get("/assistant/").content.decode()
