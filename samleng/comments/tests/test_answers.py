"""The office answers: an authority of the office that answers for the facility answers a published comment in
public with a status; staff record an answer given on paper or at a meeting; a moderator reads an office's
answers first where the NGO set that, and any answer that seems to name someone; every action audited;
`comment_answered` sent once an answer is public and committed. Who may not answer, and bad input refused with
nothing stored."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samleng.accounts.models import User
from samleng.comments import moderation, selectors, services, signals
from samleng.comments.models import Answer, AnswerStatus, Comment, open311_status
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.places.models import Facility
from samleng.places.services import office_of_place

EMAIL = "planted-answer-8h3c@example.org"


@pytest.fixture
def people(db):
    return {
        "me": make_user("mande", User.Role.ME_OFFICER),
        "officer": make_user("officer", User.Role.FIELD_OFFICER, provinces=[place("06")]),
        "outsider": make_user("outsider", User.Role.FIELD_OFFICER, provinces=[place("10")]),
        "authority": make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603")),
        "district": make_user("sandan", User.Role.AUTHORITY, authority_unit=place("0606")),
    }


@pytest.fixture
def comment(facility):
    return services.comment_create(facility=facility, category="waiting_time", text="Waited five hours.",
                                   email=EMAIL).comment


@pytest.fixture
def sent(monkeypatch):
    """What `comment_answered` told its listeners."""
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["comment_id"], kwargs["answer_id"], kwargs["closing"]))

    signals.comment_answered.connect(listener, weak=False)
    yield heard
    signals.comment_answered.disconnect(listener)


def answer_url(c):
    return f"/comments/{c.pk}/answer/"


def test_the_authority_answers_in_public_open_then_closed(comment, people, sent, django_capture_on_commit_callbacks):
    client = login_en(people["authority"])
    assert "Waited five hours." in client.get("/comments/answers/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url(comment), {"status": "investigating", "text": "We are looking at the queue."})
    assert response.status_code == 302
    first = Answer.objects.get()
    assert first.review == "published" and first.given == "online" and not first.recorded_by_staff
    comment.refresh_from_db()
    assert comment.answer_status == "investigating" and comment.open311_status == "open"
    assert comment.first_answer_on == dt.date.today()
    assert sent == [(comment.pk, first.pk, False)]
    for url in (f"/comments/{comment.pk}/", "/comments/facility/FAC-060603-CO/"):
        html = anonymous().get(url).content.decode()
        assert "We are looking at the queue." in html and "Investigating" in html and EMAIL not in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url(comment), {"status": "fixed", "text": "A second clerk now serves mornings."})
    comment.refresh_from_db()
    second = Answer.objects.latest("id")
    assert comment.answer_status == "fixed" and comment.closed and comment.open311_status == "closed"
    assert sent[-1] == (comment.pk, second.pk, True)
    entries = AuditEntry.objects.filter(object_type="comments.answer", action="create")
    assert entries.count() == 2 and all(e.user == people["authority"] for e in entries)
    assert all("queue" not in e.summary and "clerk" not in e.summary for e in entries)  # the text is not copied
    assert "Closed" in anonymous().get(f"/comments/{comment.pk}/").content.decode()


def test_the_answer_pages_in_khmer(comment, people):
    client = login(people["authority"])  # Khmer by default
    html = client.get(answer_url(comment)).content.decode()
    assert "ឆ្លើយតបជាសាធារណៈ" in html and "បានដោះស្រាយហើយ" in html  # "answer in public", "fixed"
    response = client.post(answer_url(comment), {"status": "fixed", "text": ""})
    assert response.status_code == 400 and "សរសេរចម្លើយ" in response.content.decode()
    assert not Answer.objects.exists()


def test_who_may_not_answer(comment, people, facility):
    url = answer_url(comment)
    assert_login_redirect(anonymous().get(url))
    assert_login_redirect(anonymous().get("/comments/answers/"))
    assert_login_redirect(anonymous().post(url, {"status": "fixed", "text": "x"}))
    for who in ("district", "outsider"):  # another office (the district's), a field officer of another province
        client = login_en(people[who])
        assert client.get(url).status_code == 403
        assert client.post(url, {"status": "fixed", "text": "x"}).status_code == 403
        assert "Waited five hours." not in client.get("/comments/answers/").content.decode()
    cbo_rep = make_user("rep", User.Role.CBO_REP)
    assert login_en(cbo_rep).get("/comments/answers/").status_code == 403
    assert not Answer.objects.exists()
    with pytest.raises(PermissionDenied):
        services.answer_give(user=people["district"], comment=comment, status="fixed", text="x")


def test_a_held_or_hidden_comment_cannot_be_answered(facility, people):
    held = services.comment_create(facility=facility, category="fees", text="Mr Dara took 5,000 riel.").comment
    client = login_en(people["authority"])
    assert client.get(answer_url(held)).status_code == 404
    assert "Mr Dara" not in client.get("/comments/answers/").content.decode()
    moderation.comment_hide(user=people["me"], comment=held, reason="Names a clerk.")
    with pytest.raises(ValidationError) as error:
        services.answer_give(user=people["authority"], comment=held, status="fixed", text="Done.")
    assert "Only a published comment can be answered." in str(error.value)
    assert not Answer.objects.exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"status": "", "text": "Done."}, "status", "Choose where the comment stands."),
    ({"status": "magic", "text": "Done."}, "status", "Select a valid choice."),
    ({"status": "fixed", "text": "  "}, "text", "Write the answer: what the office found, did or will do."),
    ({"status": "fixed", "text": "x" * 2001}, "text", "An answer has at most 2000 characters (this one has 2001)."),
    ({"status": "not_responsible", "text": "The district decides."}, "responsible_office",
     "Name the office that is responsible."),
    ({"status": "duplicate", "text": "Same as before.", "same_as": "999999"}, "same_as",
     "No comment has the number 999999."),
    ({"status": "duplicate", "text": "Same as before.", "same_as": "abc"}, "same_as",
     "A comment&#x27;s number is a whole number."),
])
def test_bad_answers_are_refused_with_a_message_and_nothing_stored(comment, people, data, field, message):
    response = login_en(people["authority"]).post(answer_url(comment), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Answer.objects.exists() and not AuditEntry.objects.filter(object_type="comments.answer").exists()
    comment.refresh_from_db()
    assert comment.answer_status == ""


def test_received_needs_no_text(comment, people):
    services.answer_give(user=people["authority"], comment=comment, status="received")
    assert Comment.objects.get(pk=comment.pk).answer_status == "received"


def test_not_responsible_names_the_office_that_is(comment, people, facility):
    district = office_of_place(user=None, place=place("0606"))
    client = login_en(people["authority"])
    assert district.name_en in client.get(answer_url(comment)).content.decode()  # offered
    client.post(answer_url(comment), {"status": "not_responsible", "text": "The district hires the clerks.",
                                      "responsible_office": district.pk})
    answer = Answer.objects.get()
    assert answer.responsible_office == district and answer.closing
    html = anonymous().get(f"/comments/{comment.pk}/").content.decode()
    assert "The office responsible:" in html and district.name_en in html
    with pytest.raises(ValidationError):  # not itself
        services.answer_give(user=people["authority"], comment=comment, status="not_responsible", text="x",
                             responsible_office=facility.answered_by)


def test_the_ngo_reads_an_office_s_answers_first_where_it_set_that(comment, people, facility, sent,
                                                                    django_capture_on_commit_callbacks):
    moderator = login_en(people["me"])
    office = facility.answered_by
    assert login_en(people["authority"]).get("/comments/moderation/offices/").status_code == 403
    assert login_en(people["officer"]).post("/comments/moderation/offices/",
                                            {"office": office.office_id}).status_code == 403
    response = moderator.post("/comments/moderation/offices/", {"office": "OF-NO-SUCH"})
    assert response.status_code == 400 and "No office has the id OF-NO-SUCH." in response.content.decode()
    moderator.post("/comments/moderation/offices/", {"office": office.office_id})
    assert office.office_id in moderator.get("/comments/moderation/offices/").content.decode()
    assert AuditEntry.objects.filter(object_type="places.office", changes__answers_reviewed=True).exists()

    authority = login_en(people["authority"])
    with django_capture_on_commit_callbacks(execute=True):
        response = authority.post(answer_url(comment), {"status": "fixed", "text": "A second clerk serves now."},
                                  follow=True)
    assert "It waits for the organisation&#x27;s moderator" in response.content.decode()
    answer = Answer.objects.get()
    assert answer.review == "held" and answer.held_because == ["office"] and sent == []
    assert "A second clerk" not in anonymous().get(f"/comments/{comment.pk}/").content.decode()
    assert Comment.objects.get(pk=comment.pk).answer_status == ""
    queue = moderator.get("/comments/moderation/").content.decode()
    assert "A second clerk serves now." in queue and "reads this office" in queue

    response = moderator.post(f"/comments/moderation/answers/{answer.pk}/", {"action": "refuse", "reason": ""})
    assert Answer.objects.get().review == "held"
    moderator.post(f"/comments/moderation/answers/{answer.pk}/", {"action": "refuse",
                                                                   "reason": "Say which clerk's hours changed."})
    assert "Say which clerk" in authority.get(answer_url(comment)).content.decode()
    assert "Say which clerk" not in anonymous().get(f"/comments/{comment.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        authority.post(answer_url(comment), {"status": "fixed", "text": "The morning clerk's hours are longer."})
    second = Answer.objects.latest("id")
    with django_capture_on_commit_callbacks(execute=True):
        moderator.post(f"/comments/moderation/answers/{second.pk}/", {"action": "publish"})
    assert Answer.objects.get(pk=second.pk).review == "published" and sent == [(comment.pk, second.pk, True)]
    assert "morning clerk" in anonymous().get(f"/comments/{comment.pk}/").content.decode()
    assert AuditEntry.objects.filter(object_type="comments.answer", action="update").count() == 2

    moderator.post("/comments/moderation/offices/", {"remove": office.office_id})
    answer = services.answer_give(user=people["authority"], comment=comment, status="fixed", text="Still fixed.")
    assert answer.review == "published"


def test_an_answer_that_seems_to_name_someone_waits_for_a_moderator(comment, people):
    answer = services.answer_give(user=people["authority"], comment=comment, status="fixed",
                                  text="Mr Dara was told to serve faster.")
    assert answer.review == "held" and answer.held_because == ["titled_name"]
    assert "Mr Dara" not in anonymous().get(f"/comments/{comment.pk}/").content.decode()
    assert "seems to name a person" in login_en(people["me"]).get("/comments/moderation/").content.decode()


def test_staff_record_an_answer_given_on_paper(comment, people, sent, django_capture_on_commit_callbacks):
    Comment.objects.filter(pk=comment.pk).update(created_on=dt.date.today() - dt.timedelta(days=10))
    comment.refresh_from_db()
    client = login_en(people["officer"])
    html = client.get(answer_url(comment)).content.decode()
    assert "Record an answer the office gave" in html and "on paper" in html
    day = dt.date.today() - dt.timedelta(days=3)
    for bad, message in ((dt.date.today() + dt.timedelta(days=1), "cannot be after today"),
                         (comment.created_on - dt.timedelta(days=1), "cannot be before the comment was sent")):
        response = client.post(answer_url(comment), {"status": "in_progress", "text": "Letter of 3 March.",
                                                      "given": "paper", "given_on": bad.isoformat()})
        assert response.status_code == 400 and message in response.content.decode()
    response = client.post(answer_url(comment), {"status": "in_progress", "text": "Letter of 3 March.",
                                                 "given": "", "given_on": day.isoformat()})
    assert "Say how the office gave this answer" in response.content.decode() and not Answer.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url(comment), {"status": "in_progress", "text": "Letter of 3 March.", "given": "paper",
                                          "given_on": day.isoformat()})
    answer = Answer.objects.get()
    assert answer.recorded_by_staff and answer.given_on == day and answer.review == "published"
    assert answer.office == comment.facility.answered_by and len(sent) == 1
    assert Comment.objects.get(pk=comment.pk).first_answer_on == day
    html = anonymous().get(f"/comments/{comment.pk}/").content.decode()
    assert "on paper (recorded by the organisation&#x27;s staff)" in html
    assert AuditEntry.objects.get(object_type="comments.answer").user == people["officer"]
    # An authority answers itself: it cannot pass its answer off as recorded from paper.
    with pytest.raises(ValidationError):
        services.answer_give(user=people["authority"], comment=comment, status="fixed", text="x", given="paper",
                             given_on=day)
    # Staff do not answer in the office's name as if it were the office.
    with pytest.raises(ValidationError):
        services.answer_give(user=people["me"], comment=comment, status="fixed", text="x")


def test_the_latest_answer_by_the_day_given_sets_the_status(comment, people):
    Comment.objects.filter(pk=comment.pk).update(created_on=dt.date.today() - dt.timedelta(days=10))
    comment.refresh_from_db()
    services.answer_give(user=people["authority"], comment=comment, status="in_progress", text="On it.")
    services.answer_give(user=people["me"], comment=comment, status="received", given="meeting",
                         given_on=dt.date.today() - dt.timedelta(days=8))
    comment.refresh_from_db()
    assert comment.answer_status == "in_progress"  # the meeting's answer came before
    assert comment.first_answer_on == dt.date.today() - dt.timedelta(days=8)


def test_open311_status_of_every_answer_status():
    closing = {"fixed", "unable_to_fix", "not_responsible", "duplicate"}
    for status in AnswerStatus.values:
        assert open311_status(status) == ("closed" if status in closing else "open")
    assert open311_status("") == "open" and open311_status("", merged=True) == "closed"


def test_the_inbox_lists_and_filters(facility, people):
    first = services.comment_create(facility=facility, category="fees", text="Fee list missing.").comment
    second = services.comment_create(facility=facility, category="praise", text="Quick birth certificate.").comment
    services.answer_give(user=people["authority"], comment=second, status="fixed", text="Thank you.")
    elsewhere = Facility.objects.create(
        facility_id="FAC-0606-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Sandan health centre",
        province=place("06"), district=place("0606"), answered_by=office_of_place(user=None, place=place("0606")))
    services.comment_create(facility=elsewhere, category="fees", text="Paid for a vaccine.")
    client = login_en(people["authority"])
    unanswered = client.get("/comments/answers/").content.decode()
    assert "Fee list missing." in unanswered and "Quick birth" not in unanswered and "vaccine" not in unanswered
    closed = client.get("/comments/answers/?state=closed").content.decode()
    assert "Quick birth" in closed and "Fee list" not in closed
    in_province = login_en(people["officer"]).get("/comments/answers/?state=all").content.decode()
    assert "vaccine" in in_province and "Quick birth" in in_province
    everything = login_en(people["me"])  # sees everything: chooses an office first
    assert "Choose an office" in everything.get("/comments/answers/?state=all").content.decode()
    only_district = everything.get(f"/comments/answers/?state=all&office={elsewhere.answered_by.office_id}")
    assert "vaccine" in only_district.content.decode() and "Quick birth" not in only_district.content.decode()
    unknown = everything.get("/comments/answers/?office=OF-NO-SUCH")
    assert unknown.status_code == 400 and "No office has the id OF-NO-SUCH." in unknown.content.decode()
    assert first.pk in selectors.answer_inbox(people["authority"]).values_list("pk", flat=True)


def test_a_failing_listener_does_not_undo_a_public_answer(comment, people, django_capture_on_commit_callbacks):
    def broken(sender, **kwargs):
        raise RuntimeError("the outbox is down")

    signals.comment_answered.connect(broken, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_give(user=people["authority"], comment=comment, status="fixed", text="Done.")
    finally:
        signals.comment_answered.disconnect(broken)
    assert Answer.objects.get().review == "published"


def test_the_public_answer_for_a_message_to_the_commenter(comment, people):
    answer = services.answer_give(user=people["authority"], comment=comment, status="fixed", text="Done.")
    public = selectors.answer_public_get(answer.pk)
    assert public.comment_id == comment.pk and public.closing and public.text == "Done."
    assert public.status_label_en == "fixed" and public.status_label_km and public.status_label_km != "fixed"
    assert EMAIL not in str(public)
    held = services.answer_give(user=people["authority"], comment=comment, status="fixed", text="Mr Dara fixed it.")
    assert selectors.answer_public_get(held.pk) is None
