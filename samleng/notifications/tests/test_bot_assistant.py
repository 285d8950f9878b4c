"""The bot answers questions with the assistant (in the question's language, with the source's link) and /budget;
its answers go through the outbox: an update Telegram sends twice is answered once, Telegram down (5xx, 429, out of
reach) delays an answer without losing or doubling it, a /stop is answered though the chat stops; unknown updates
are ignored and logged without their content."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from samleng.assistant import retrieve
from samleng.assistant.models import FaqEntry, UnansweredQuestion
from samleng.assistant.tests.test_answers import lines
from samleng.budgets.models import Publication
from samleng.budgets.services import categories_ensure_defaults
from samleng.conftest import anonymous
from samleng.notifications import chats, outbox
from samleng.notifications.models import Message, TelegramChat, WebhookUpdate

SECRET = "s3cret-for-the-webhook-tests"
URL = reverse("notifications:telegram_webhook")
CHAT = 4242
_ids = iter(range(90_000, 10**6))


@pytest.fixture(autouse=True)
def _webhook(settings):
    settings.TELEGRAM_SECRET, settings.TELEGRAM_BOT_NAME = SECRET, "SamlengTestBot"
    settings.SITE_URL = "https://samleng.example.org"


@pytest.fixture
def knowledge(db):
    categories_ensure_defaults()
    lines("060603", 2024, "approved", {"rev_csf": 520_000_000, "exp_administration": 100_000_000})
    Publication.objects.create(unit="060603", fiscal_year=2024, published=True)
    FaqEntry.objects.create(
        faq_id="FAQ-ATI-01", topic="access_to_information", question_en="How do I ask an office for information?",
        question_km="តើខ្ញុំស្នើសុំព័ត៌មានពីការិយាល័យដោយរបៀបណា?", answer_en="Write a request to the office.",
        answer_km="សរសេរសំណើទៅការិយាល័យ។", also_asked="request information from the authorities; សុំព័ត៌មាន")
    retrieve.clear()
    yield
    retrieve.clear()


def _update(text, chat_id=CHAT, update_id=None, language="km", chat_type="private"):
    return {"update_id": next(_ids) if update_id is None else update_id,
            "message": {"message_id": 1, "text": text, "date": 0, "chat": {"id": chat_id, "type": chat_type},
                        "from": {"id": chat_id, "is_bot": False, "language_code": language}}}


def _post(update):
    response = anonymous().post(URL, json.dumps(update), content_type="application/json",
                                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert response.status_code == 200
    return Message.objects.filter(key=f"telegram_reply:{update['update_id']}").first()


def test_a_question_gets_the_assistants_answer_in_its_language_with_its_source(knowledge):
    english = _post(_update("How do I ask an office for information?"))  # a Khmer phone, an English question
    assert english.language == "en" and "Write a request to the office." in english.text
    assert "https://samleng.example.org/assistant/?faq=FAQ-ATI-01" in english.text
    khmer = _post(_update("តើខ្ញុំស្នើសុំព័ត៌មានពីការិយាល័យដោយរបៀបណា?", language="en"))
    assert khmer.language == "km" and "សរសេរសំណើទៅការិយាល័យ។" in khmer.text


def test_budget_command_answers_with_the_figure_and_the_page(knowledge):
    reply = _post(_update("/budget Klaeng 2024", language="en"))
    assert "100,000,000" in reply.text and "https://samleng.example.org/budgets/060603/?year=2024" in reply.text
    khmer = _post(_update("/budget ក្លែង ២០២៤"))
    assert khmer.language == "km" and "១០០,០០០,០០០" in khmer.text
    assert "/budget Klaeng 2024" in _post(_update("/budget", language="en")).text  # how to use it


def test_nothing_it_cannot_answer_is_invented_and_staff_see_the_question_scrubbed(knowledge):
    update = _update("What colour is the sky on Mars? Call me on 012 345 678")
    reply = _post(update)
    assert reply.language == "en" and "/help" in reply.text and "riel" not in reply.text
    _post(update)  # sent again: counted once
    (kept,) = UnansweredQuestion.objects.all()
    assert kept.count == 1 and "012 345 678" not in kept.text and "Mars" in kept.text


def test_an_update_sent_twice_is_answered_once(knowledge, bot):
    update = _update("/help")
    assert _post(update) is not None
    _post(update)  # our 200 was lost: Telegram sends it again
    _post(update)
    assert Message.objects.filter(kind="bot_reply").count() == 1 and WebhookUpdate.objects.count() == 1
    outbox.send_due(seconds=3)
    assert len(bot.delivered_to(CHAT)) == 1


def test_unknown_updates_are_ignored_and_logged_without_their_content(db, caplog):
    caplog.set_level("INFO")
    for update in ({"update_id": next(_ids), "edited_message": {"text": "secret words"}},
                   {"update_id": next(_ids), "channel_post": {"text": "secret words"}}, {"no_update_id": 1}):
        anonymous().post(URL, json.dumps(update), content_type="application/json",
                         HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert not Message.objects.exists()
    assert "edited_message" in caplog.text and "channel_post" in caplog.text and "secret words" not in caplog.text


def test_the_answer_to_stop_reaches_the_chat_and_nothing_after_it(db, bot):
    _post(_update("/lang en"))
    stopped = _post(_update("/stop"))
    chat = chats.chat_find(CHAT)
    assert not chat.active and stopped.chat == chat
    outbox.telegram_queue(draft=outbox.Draft(kind="news", language="en", text="later news"), chat=chat)
    outbox.send_due(seconds=4)
    assert [a.text for a in bot.delivered_to(CHAT)][-1].startswith("You will get no more messages")
    assert Message.objects.get(kind="news").status == "failed"


@pytest.mark.parametrize(("script", "status"), [(["500"], "uncertain"), (["drop"], "uncertain"),
                                                (["503"], "queued")])
def test_telegram_down_loses_and_doubles_no_answer(db, bot, script, status):
    bot.script[str(CHAT)] = list(script)
    reply = _post(_update("/help"))
    outbox.send_due(seconds=3, idle_wait=0)
    reply.refresh_from_db()
    assert reply.status == status
    outbox.send_due(seconds=2, idle_wait=0)
    assert len(bot.arrivals) == 1  # an uncertain answer is not sent again by itself; a retry waits its back-off


def test_telegram_429_pauses_the_answer_which_then_goes_once(db, bot):
    bot.script[str(CHAT)] = ["429:1"]
    reply = _post(_update("/help"))
    outbox.send_due(seconds=4)
    reply.refresh_from_db()
    assert reply.status == "sent" and len(bot.delivered_to(CHAT)) == 1


def test_telegram_out_of_reach_keeps_the_answer_queued(db, settings):
    settings.TELEGRAM_API_URL, settings.TELEGRAM_TOKEN = "http://127.0.0.1:9", "123:test"
    reply = _post(_update("/help"))
    outbox.send_due(seconds=2, idle_wait=0)
    reply.refresh_from_db()
    assert reply.status == "queued" and reply.why == "unreachable" and reply.not_before > timezone.now()
    assert TelegramChat.objects.get().chat_id == str(CHAT)
