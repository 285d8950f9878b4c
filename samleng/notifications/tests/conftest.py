import pytest

from samleng.comments.tests.conftest import facility  # noqa: F401 (Klaeng commune office, for comments)
from samleng.notifications.outbox import TelegramLimits
from samleng.notifications.tests.fake_bot_api import TOKEN, FakeBotApi


@pytest.fixture
def bot(settings):
    """A fake Bot API on 127.0.0.1 that Samleng's Telegram channel talks to."""
    fake = FakeBotApi()
    settings.TELEGRAM_API_URL, settings.TELEGRAM_TOKEN = fake.url, TOKEN
    yield fake
    fake.close()


@pytest.fixture
def quick_limits(settings):
    """Telegram's limits made shorter per chat, so that tests of them take a second, not a minute: 0.2 s
    between two messages to a chat, 0.5 s to a group (120 a minute); the bot's 30 a second as Telegram's."""
    settings.NOTIFICATIONS_TELEGRAM_LIMITS = TelegramLimits(per_second=30, chat_seconds=0.2, group_per_minute=120)
    return settings.NOTIFICATIONS_TELEGRAM_LIMITS
