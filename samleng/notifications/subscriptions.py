"""Anyone, without an account, follows a commune's or district's news: its budget published (budgets'
`public_figures_changed`), its public forums announced (engagement's `public_event_scheduled`, or its
`event_notice_sent`, for a public or budget forum in it or in the commune's district).

- Telegram: a chat follows a place (`Subscription`, about "places.place" and the place's code) by the subscribe
  page's deep link `https://t.me/<bot>?start=place-<code>` (public news: the link is no secret, and may be printed
  on a poster), or by `/subscribe <commune or district>`, in a private chat or in a group (a commune council's
  group: its administrators only, bot.py; `/unsubscribe` ends it, `/stop` ends everything).
- E-mail: the subscribe page takes an address; nothing is sent to it but a confirmation link (signed, 48 hours)
  until the person opens that link and confirms (a page that asks: a mail scanner following links confirms
  nothing). Every news e-mail has a stop link (signed, naming the subscription) that deletes it, its address
  with it. An address is encrypted, found by a keyed hash; an unconfirmed subscription is deleted after
  CONFIRM_HOURS (samleng tick).

News messages are keyed per subscriber and per what they tell (a unit-year's phase, a forum's date), so a signal
received twice tells once, and a budget revised to a later phase is news again."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.accounts import limits
from samleng.budgets import selectors as budget_selectors
from samleng.budgets import signals as budget_signals
from samleng.core.dates import long_date
from samleng.core.khmer import to_khmer_digits
from samleng.engagement import selectors as engagement_selectors
from samleng.engagement import signals as engagement_signals
from samleng.notifications import messages, outbox, receivers
from samleng.notifications.models import EmailSubscription, Message, Subscription, TelegramChat
from samleng.places import selectors as place_selectors

logger = logging.getLogger(__name__)

PLACE = "places.place"
#: `/start place-<code>`: the subscribe page's Telegram link.
START_PREFIX = "place-"
#: places.Place.Level of the units one may follow (notifications may not import places' models).
DISTRICT, COMMUNE = 2, 3
#: Events whose scheduling (or notice) is news for the place's followers: engagement's public ones.
FORUM_TYPES = engagement_signals.PUBLIC_TYPES
CONFIRM_HOURS = 48
#: Confirmation e-mails one address may be sent in a day (whoever types it into the form).
CONFIRMATIONS_PER_ADDRESS = limits.Rate(count=3, seconds=86400)
_SALT = "samleng.notifications.subscription"
KINDS = {
    "place_news": gettext_lazy("a commune's or district's news, to those who follow it"),
    "subscription_confirm": gettext_lazy("the link that confirms a subscription by e-mail"),
}
messages.KINDS.update({kind: label for kind, label in KINDS.items() if kind not in messages.KINDS})


# ---- places -----------------------------------------------------------------------------------------------------


@dataclass
class Found:
    place: object | None = None
    candidates: list = field(default_factory=list)


def unit_find(text: str, *, by_code: bool = False) -> Found:
    """The commune or district `text` names (a code, a Khmer name, an English name in any romanisation); a
    commune before a district of the same name; several equally good: candidates, never a guess."""
    text = (text or "").strip()[:100]
    if not text:
        return Found()
    if by_code:
        place = place_selectors.place_get(text)
        return Found(place if place is not None and place.level in (DISTRICT, COMMUNE) else None)
    candidates = []
    for level in (COMMUNE, DISTRICT):
        match = place_selectors.place_resolve(text, level=level)
        if match.place is not None:
            return Found(match.place)
        candidates += match.candidates
    return Found(None, candidates[:8])


def unit_get(code: str):
    place = place_selectors.place_get(code or "")
    return place if place is not None and place.level in (DISTRICT, COMMUNE) else None


def place_name(place, language: str) -> str:
    return place_selectors.place_label(place, language=language)


def not_found_text(text: str, candidates: list, language: str) -> str:
    with translation.override(language):
        if candidates:
            return "\n".join([_("Several places have that name; send /subscribe with the code of the one you mean:"),
                              *(f"/subscribe {p.code}  {place_name(p, language)}" for p in candidates)])
        return _("Samleng did not find that commune or district. Send /subscribe with its name or its code, e.g. "
                 "/subscribe Klaeng.")


def subscribed_text(place, language: str) -> str:
    with translation.override(language):
        return "\n".join([
            _("This chat will get the news of %(place)s: its budget published, its public forums announced.")
            % {"place": place_name(place, language)},
            _("Send /unsubscribe to stop the news of places, /stop to stop everything."),
        ])


def telegram_start_link(place) -> str:
    from django.conf import settings

    return f"https://t.me/{settings.TELEGRAM_BOT_NAME}?start={START_PREFIX}{place.code}"


# ---- Telegram ---------------------------------------------------------------------------------------------------


def chat_subscribe(*, chat: TelegramChat, place) -> Subscription:
    subscription, _created = Subscription.objects.get_or_create(chat=chat, about_type=PLACE, about_id=place.code)
    return subscription


def chat_unsubscribe_all(chat: TelegramChat) -> int:
    deleted, _count = Subscription.objects.filter(chat=chat, about_type=PLACE).delete()
    return deleted


# ---- e-mail -----------------------------------------------------------------------------------------------------


def address_key(address: str) -> str:
    return salted_hmac(_SALT + ".address", address.strip().lower(), algorithm="sha256").hexdigest()


def _token(action: str, pk: int) -> str:
    return signing.dumps([action, pk], salt=_SALT, compress=False)


def token_read(token: str, action: str, *, max_age: float | None = None) -> int | None:
    try:
        named, pk = signing.loads(token, salt=_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk if named == action and isinstance(pk, int) else None


def confirm_url(subscription: EmailSubscription) -> str:
    return messages.site_url(reverse("notifications:subscribe_confirm", args=[_token("confirm", subscription.pk)]))


def stop_url(subscription: EmailSubscription) -> str:
    return messages.site_url(reverse("notifications:subscribe_stop", args=[_token("stop", subscription.pk)]))


def email_subscribe(*, address: str, place, language: str, now: dt.datetime | None = None) -> bool:
    """Someone asked for a place's news at `address`: a confirmation link is e-mailed (nothing else until it is
    opened). Nothing is sent when the address follows the place already, or had CONFIRMATIONS_PER_ADDRESS
    confirmations today (the page says the same either way: it tells no one whether an address follows
    anything). Whether a confirmation was queued."""
    now = now or timezone.now()
    address = address.strip()
    key = address_key(address)
    language = "en" if language == "en" else "km"
    with transaction.atomic():
        subscription = (EmailSubscription.objects.select_for_update()
                        .filter(address_key=key, about_type=PLACE, about_id=place.code).first())
        if subscription is not None and subscription.confirmed_at is not None:
            return False
        if not limits.take(limits.keyed_hash("subscription_confirm", key), CONFIRMATIONS_PER_ADDRESS).allowed:
            logger.info("subscriptions: an address was sent its confirmations for today; no more")
            return False
        if subscription is None:
            subscription = EmailSubscription.objects.create(address=address, address_key=key, about_type=PLACE,
                                                            about_id=place.code, language=language, created_at=now)
        else:
            EmailSubscription.objects.filter(pk=subscription.pk).update(language=language, created_at=now)
        with translation.override(language):
            name = place_name(place, language)
            text = "\n".join([
                _("Someone (we hope you) asked Samleng to e-mail this address the news of %(place)s: its budget "
                  "published, its public forums announced.") % {"place": name},
                "", _("To confirm, open this link within %(hours)s hours:") % {"hours": _number(CONFIRM_HOURS,
                                                                                                  language)},
                confirm_url(subscription), "",
                _("If you did not ask, do nothing: nothing more will be sent, and Samleng deletes the address."),
            ])
            subject = _("Confirm: news of %(place)s") % {"place": name}
        draft = outbox.Draft(kind="subscription_confirm", language=language, text=text, subject=subject)
        outbox.email_queue(draft=draft, address=address, about=("notifications.emailsubscription", subscription.pk))
    return True


def email_confirm(subscription_id: int, *, now: dt.datetime | None = None) -> EmailSubscription | None:
    """The confirmation link was opened and confirmed: the subscription is live. None when it is gone."""
    now = now or timezone.now()
    subscription = EmailSubscription.objects.filter(pk=subscription_id).first()
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = now
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def email_stop(subscription_id: int) -> int:
    """A news e-mail's stop link: the subscription and its address deleted, what is queued for it dropped."""
    with transaction.atomic():
        dropped = outbox.messages_drop_about(about=("notifications.emailsubscription", str(subscription_id)),
                                             reason="stopped by the recipient", channel=Message.Channel.EMAIL)
        EmailSubscription.objects.filter(pk=subscription_id).delete()
    return dropped


def subscriptions_expire(*, now: dt.datetime | None = None) -> int:
    """Unconfirmed e-mail subscriptions older than CONFIRM_HOURS deleted, addresses with them. How many."""
    now = now or timezone.now()
    deleted, _count = EmailSubscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - dt.timedelta(hours=CONFIRM_HOURS)).delete()
    return deleted


# ---- news -------------------------------------------------------------------------------------------------------


def _number(value: int, language: str) -> str:
    text = f"{value:,}"
    return to_khmer_digits(text) if language == "km" else text


def _place_news(*, codes: list[str], key: str, compose, skip_chats=frozenset(),
                skip_addresses=frozenset()) -> list[Message]:
    """Queue `compose(language, channel, stop_url)` to every follower of the places `codes`: each active chat and
    each confirmed address, once (`key` + the follower); none to the chats (pks) `skip_chats` and the addresses
    (`address_key`s) `skip_addresses`, told another way."""
    queued = []
    chats = (TelegramChat.objects.filter(active=True, subscriptions__about_type=PLACE,
                                         subscriptions__about_id__in=codes).distinct().order_by("pk"))
    for chat in chats:
        if chat.pk in skip_chats:
            continue
        draft = compose(chat.language, "telegram", "")
        queued.append(outbox.telegram_queue(draft=draft, chat=chat, key=f"{key}:c{chat.pk}"[:100],
                                            about=(PLACE, codes[0])))
    seen = set()
    for subscription in (EmailSubscription.objects.filter(about_type=PLACE, about_id__in=codes,
                                                          confirmed_at__isnull=False).order_by("pk")):
        if subscription.address_key in seen or subscription.address_key in skip_addresses:
            continue  # follows a commune and its district (told once), or is told another way
        seen.add(subscription.address_key)
        draft = compose(subscription.language, "email", stop_url(subscription))
        queued.append(outbox.email_queue(draft=draft, address=subscription.address,
                                         key=f"{key}:e{subscription.pk}"[:100],
                                         about=("notifications.emailsubscription", subscription.pk)))
    return [message for message in queued if message is not None]


def _footer(channel: str, stop: str) -> list[str]:
    if channel == "telegram":
        return ["", _("Send /unsubscribe to stop the news of places, /stop to stop everything.")]
    return ["", _("To get no more of this news: %(url)s") % {"url": stop}]


def budget_news(*, unit: str, year: int) -> list[Message]:
    """A unit's year was published (or its figures revised): its followers told, once per phase published."""
    place = unit_get(unit)
    if place is None:
        return []
    followed = (Subscription.objects.filter(about_type=PLACE, about_id=unit, chat__active=True).exists()
                or EmailSubscription.objects.filter(about_type=PLACE, about_id=unit,
                                                    confirmed_at__isnull=False).exists())
    if not followed:
        return []
    data = budget_selectors.unit_budget(unit, year)
    if data is None:  # withdrawn, not published
        return []
    path = reverse("budgets:unit", args=[unit]) + f"?year={year}"

    def compose(language: str, channel: str, stop: str) -> outbox.Draft:
        with translation.override(language):
            phases = {"executed": _("executed budget"), "revised": _("revised budget"),
                      "approved": _("approved budget"), "proposed": _("proposed budget")}
            year_text = to_khmer_digits(str(year)) if language == "km" else str(year)
            name = place_name(place, language)
            lines = [_("The %(phase)s of %(place)s for %(year)s is published on Samleng.")
                     % {"phase": phases.get(data.phase, data.phase), "place": name, "year": year_text}]
            expenditure = data.totals.get("expenditure")
            if expenditure is not None:
                lines.append(_("Expenditure: %(amount)s riel") % {"amount": _number(expenditure, language)})
            lines += ["", messages.site_url(path), *_footer(channel, stop)]
            subject = _("Budget published: %(place)s %(year)s") % {"place": name, "year": year_text}
        return outbox.Draft(kind="place_news", language=language, text="\n".join(lines),
                            subject=subject if channel == "email" else "")

    return _place_news(codes=[unit], key=f"place_budget:{unit}:{year}:{data.phase}", compose=compose)


def _public_figures_changed(sender, *, pairs=(), **kwargs) -> None:
    for unit, year in sorted(pairs):
        try:
            budget_news(unit=unit, year=int(year))
        except Exception:  # the budget is published whatever its news: log and go on
            logger.exception("subscriptions: the budget news of %s/%s failed", unit, year)


def forum_news(*, event_id: int, notice_being_sent: bool = False) -> list[Message]:
    """A public (or budget) forum was scheduled, made public, moved, or its notice was sent: the followers of its
    commune and of its district told, once per event and date (a forum moved to another day is news again; one
    moved to another commune is news to that commune's followers only). Not to an invited CBO's representative's
    chats and address when the forum's own notice tells them of it as it is (being sent now, `notice_being_sent`, or
    sent with these details: receivers.notice_audience). Events have no public page: no link."""
    notice = engagement_selectors.event_notice(event_id)
    if notice is None or notice.type not in FORUM_TYPES or notice.date < timezone.localdate():
        return []
    codes = [p.code for p in notice.places if p.level in (COMMUNE, DISTRICT)]
    if not codes:
        return []

    def compose(language: str, channel: str, stop: str) -> outbox.Draft:
        with translation.override(language):
            title = (notice.title or notice.title_km) if language == "en" else (notice.title_km or notice.title)
            where = ", ".join((p.name_en or p.name_km) if language == "en" else (p.name_km or p.name_en)
                              for p in notice.places)
            when = long_date(notice.date, language)
            lines = [_("A %(type)s is announced: “%(title)s”") % {"type": notice.type_label(), "title": title},
                     _("When: %(date)s") % {"date": when}, _("Where: %(place)s") % {"place": where},
                     *_footer(channel, stop)]
            subject = _("Public forum: %(date)s") % {"date": when}
        return outbox.Draft(kind="place_news", language=language, text="\n".join(lines),
                            subject=subject if channel == "email" else "")

    # The invited CBOs' representatives told by the forum's own notice, which says more, get no news of it on top
    # (one message per person and forum); those it has not told (not sent yet, or the forum moved since) get it.
    notified_chats, notified_addresses = receivers.notice_audience(notice, being_sent=notice_being_sent)
    return _place_news(codes=codes, key=f"place_forum:{notice.pk}:{notice.date.isoformat()}", compose=compose,
                       skip_chats=notified_chats,
                       skip_addresses={address_key(address) for address in notified_addresses})


def _event_notice_sent(sender, *, event_id: int, **kwargs) -> None:
    forum_news(event_id=event_id, notice_being_sent=True)


def _public_event_scheduled(sender, *, event_id: int, **kwargs) -> None:
    try:
        forum_news(event_id=event_id)
    except Exception:  # the event is recorded whatever its news: log and go on
        logger.exception("subscriptions: the news of event %s failed", event_id)


def connect() -> None:
    budget_signals.public_figures_changed.connect(_public_figures_changed,
                                                  dispatch_uid="notifications.subscriptions.budget")
    engagement_signals.event_notice_sent.connect(_event_notice_sent, dispatch_uid="notifications.subscriptions.forum")
    engagement_signals.public_event_scheduled.connect(_public_event_scheduled,
                                                      dispatch_uid="notifications.subscriptions.forum_scheduled")
