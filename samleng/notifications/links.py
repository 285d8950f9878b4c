"""One-time deep links into the bot: `https://t.me/<bot>?start=<token>` (Telegram passes the token to the bot as
`/start <token>`). The token is 32 characters of `A-Za-z0-9_-` (Telegram allows 64), random; only its keyed hash
is stored (LinkToken), so a leaked table links no chat. It works once, for LINK_HOURS."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from samleng.notifications.models import LinkToken

LINK_HOURS = 48
TOKEN_BYTES = 24  # 32 url-safe characters


def token_hash(token: str) -> str:
    return salted_hmac("samleng.notifications.link", token, algorithm="sha256").hexdigest()


def bot_link(token: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_NAME}?start={token}"


def link_create(*, purpose: str, user=None, about_id: str = "", now: dt.datetime | None = None) -> str:
    """A new link token (to be shown once, as a link or a QR code). An account's earlier unused links stop
    working: one page shows one live link."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        if user is not None and purpose == LinkToken.Purpose.ACCOUNT:
            LinkToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).delete()
        LinkToken.objects.create(token_hash=token_hash(token), purpose=purpose, user=user, about_id=str(about_id),
                                 expires_at=now + dt.timedelta(hours=LINK_HOURS))
    return token


def link_use(token: str, *, now: dt.datetime | None = None) -> LinkToken | None:
    """The link a token opens, marked used; None when it is unknown, used already or expired (all said alike to
    whoever tries: a guess learns nothing)."""
    now = now or timezone.now()
    if not token or len(token) > 64:
        return None
    with transaction.atomic():
        link = (LinkToken.objects.select_for_update().filter(token_hash=token_hash(token), used_at__isnull=True,
                                                             expires_at__gt=now).first())
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
    return link


def links_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the links that expired more than a day ago, used or not (samleng tick). How many."""
    now = now or timezone.now()
    deleted, _count = LinkToken.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
    return deleted
