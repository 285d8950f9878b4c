"""What notifications adds to other apps' pages through core.related (they may not import it, DESIGN.md).

- A comment's follow page (comments, once the commenter typed their receipt code): a button that makes a
  one-time Telegram link to the office's answers to that comment (views.telegram_comment_link). The page's own
  render writes nothing: the link is made only when the button is pressed."""

from django.conf import settings

from samleng.core.related import Block


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
