"""What notifications adds to other apps' pages through core.related (they may not import it, DESIGN.md).

- A comment's follow page (comments, once the commenter typed their receipt code): a button that makes a
  one-time Telegram link to the office's answers to that comment (views.telegram_comment_link). The page's own
  render writes nothing: the link is made only when the button is pressed.
- A CBO's page, for staff of its scope: its representatives' accounts and the page that makes each one's link
  (cbo_blocks)."""

from django.conf import settings
from django.db.models import Exists, OuterRef

from samleng.accounts.models import User
from samleng.core.related import Block
from samleng.notifications.models import TelegramChat


def telegram_configured() -> bool:
    return bool(settings.TELEGRAM_BOT_NAME and settings.TELEGRAM_TOKEN)


def comment_blocks(user, comment) -> list[Block]:
    if not telegram_configured() or comment.published_on is None:  # never public: it has no public answers
        return []
    return [Block(template="notifications/_comment_telegram.html", context={"comment_id": comment.pk},
                  kind="telegram")]


#: places.Place.Level of the units whose news one may follow (subscriptions.py; no import of places' models).
_FOLLOWED_LEVELS = (2, 3)


def place_blocks(user, place) -> list[Block]:
    """A commune's or district's pages (its budget page): a link to follow its news without an account
    (subscriptions.py). No query."""
    if getattr(place, "level", None) not in _FOLLOWED_LEVELS:
        return []
    return [Block(template="notifications/_place_follow.html", context={"code": place.code}, kind="follow")]


def cbo_blocks(user, cbo) -> list[Block]:
    """A CBO's page, for staff whose scope covers it (the CBO's page is shown only to those who see the CBO): its
    representatives' accounts, each linked to Telegram or not, with the page where a field officer makes the
    account's one-time link to show as a QR code on a phone or to print (views.telegram_link_for). One query."""
    if not (telegram_configured() and user and user.is_authenticated and getattr(user, "is_staff_role", False)):
        return []
    linked = TelegramChat.objects.filter(user=OuterRef("pk"), active=True)
    accounts = list(User.objects.filter(cbo_id=cbo.pk, role="cbo_rep", is_active=True)
                    .annotate(linked=Exists(linked)).order_by("username").only("pk", "username", "first_name",
                                                                                "last_name"))
    if not accounts:
        return []
    return [Block(template="notifications/_cbo_telegram.html", context={"accounts": accounts}, kind="telegram")]
