"""Who gets what, beyond the news the apps' signals bring one by one (receivers.py): staff's morning digest of what is
due in their scope, the alert to whoever started an import when it ends, and a commitment of a CBO's issue falling
due or overdue to the CBO's representatives. All through the outbox: each message keyed so that it is queued once
however often `samleng tick` runs, in its recipient's language (Khmer unless they chose English), with its page
and how to stop.

Where a message goes, for a person with an account:
- staff (the digest, an import's end): each of their active linked Telegram chats, and their account's e-mail
  address unless they stopped that kind of e-mail (`EmailStop`, a stop link; they take it back on
  `/notifications/emails/`);
- a CBO's representatives (a commitment): their active linked Telegram chat, or else (none) their e-mail, as the
  meeting notices go.
Keys name a recipient as `c<chat>` or `u<user>`, never an address.

Nothing of anyone else's scope: a staff member's digest counts what `accounts.access` lets them see (information
requests: `request_scope(user, with_public=False)`; commitments and updates: `issue_scope`; comments to moderate:
moderators only; joint plans' overdue actions: `plans.selectors.overdue_actions`, the plans they follow), and
names no request, issue, action or person: counts and pages."""

import datetime as dt
import re
from collections import defaultdict
from functools import partial

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from samleng.accounts.access import issue_scope, request_scope
from samleng.accounts.models import User
from samleng.advocacy import selectors as advocacy_selectors
from samleng.comments import moderation as comment_moderation
from samleng.core.workbook import signals as workbook_signals
from samleng.notifications import messages, receivers
from samleng.notifications.models import EmailStop, Message
from samleng.plans import selectors as plans_selectors
from samleng.transparency import selectors as transparency_selectors
from samleng.transparency import services as transparency_services

#: The digest goes from this hour (local time) on, the first tick after it; not after DIGEST_UNTIL (a server that
#: was down all morning sends no "morning" digest in the evening).
DIGEST_HOUR = 7
DIGEST_UNTIL = 12
#: "Falling due": within this many days from today (today included).
DIGEST_DAYS = 7
#: A representative hears of a commitment this many days before it falls due ...
COMMITMENT_NOTICE_DAYS = 3
#: ... and that it is overdue, if it became so within this many days (an import of old commitments, long overdue,
#: does not flood anyone's chat).
COMMITMENT_OVERDUE_DAYS = 7

#: EmailStop topics of e-mails to an account, and the message keys each stop drops (queued, not yet sent).
DIGEST, IMPORTS, ISSUES = "digest", "imports", "issues"
_KEYS = {DIGEST: ("staff_digest",), IMPORTS: ("import_ended",),
         ISSUES: ("commitment_due", "commitment_overdue", "issue_status")}
STAFF_ROLES = (User.Role.ADMIN, User.Role.ME_OFFICER, User.Role.FIELD_OFFICER)


# ---- the morning digest -----------------------------------------------------------------------------------------


def staff_digest_lines(user, *, today: dt.date, calendar=None) -> list[messages.DigestLine]:
    """What is due in `user`'s scope today (a line per kind that has something), counts only."""
    lines = []
    end = today + dt.timedelta(days=DIGEST_DAYS - 1)
    calendar = calendar if calendar is not None else transparency_services.request_calendar()
    scope = request_scope(user, with_public=False)
    entries = transparency_selectors.requests_falling_due(scope, start=today, end=end, today=today, calendar=calendar)
    due = len({entry.request.pk for entry in entries if entry.done_on is None and not entry.overdue})
    _entries, overdue = transparency_selectors.requests_overdue_due(scope, today=today, calendar=calendar, upto=0)
    if due or overdue:
        lines.append(messages.DigestLine("requests", due, overdue, reverse("transparency:request_calendar")))
    issues = issue_scope(user)
    due = len(advocacy_selectors.commitments_falling_due(issues, start=today, end=end))
    overdue = advocacy_selectors.commitments_overdue_count(issues, today=today)
    if due or overdue:
        lines.append(messages.DigestLine("commitments", due, overdue, reverse("advocacy:list")))
    waiting = advocacy_selectors.updates_awaiting_confirmation_count(issues)
    if waiting:
        lines.append(messages.DigestLine("updates", waiting, 0, reverse("advocacy:list") + "?pending=1"))
    if comment_moderation.is_moderator(user):
        held = comment_moderation.moderation_queue().count()
        if held:
            lines.append(messages.DigestLine("comments", held, 0, reverse("comments:moderation")))
        held = comment_moderation.answer_queue().count()
        if held:
            lines.append(messages.DigestLine("answers", held, 0, reverse("comments:moderation")))
    late = len(plans_selectors.overdue_actions(user, day=today))
    if late:
        lines.append(messages.DigestLine("actions", 0, late, reverse("plans:list")))
    return lines


def staff_digests_queue(*, now: dt.datetime | None = None) -> int:
    """Once a day, in the morning (from DIGEST_HOUR to DIGEST_UNTIL, local time): each active staff member's
    digest of what is due in their scope, to each of their ways (chats, e-mail), once per day and way however
    often this runs; nothing to one with nothing due. How many were queued."""
    now = timezone.localtime(now or timezone.now())
    if not DIGEST_HOUR <= now.hour < DIGEST_UNTIL:
        return 0
    today = now.date()
    staff = User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("pk")
    calendar = None
    queued = 0
    for user, ways in receivers.recipients_by_user(staff, topic=DIGEST, both=True).items():
        keys = {way.tag: f"staff_digest:{today.isoformat()}:{way.tag}" for way in ways}
        if not keys or Message.objects.filter(key__in=keys.values()).count() == len(keys):
            continue  # told already today (or no way to reach them): nothing to count
        user = staff.get(pk=user)
        if calendar is None:
            calendar = transparency_services.request_calendar()
        lines = staff_digest_lines(user, today=today, calendar=calendar)
        if not lines:
            continue
        for way in ways:
            if way.queue(partial(messages.staff_digest, day=today, lines=lines), key=keys[way.tag],
                         about=("notifications.digest", today.isoformat())) is not None:
                queued += 1
    return queued


# ---- an import's end --------------------------------------------------------------------------------------------


def import_alert(*, run_id: int, user_id: int | None, state: str, error_count: int, name: str) -> list[Message]:
    """Tell whoever started an import that it ended (imported, refused with its errors, or failed), on their
    chats and by e-mail, in their language, with the run's page. Once per run and way. The messages queued."""
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return []
    path = reverse("imports:run", args=[run_id])
    queued = []
    for way in receivers.recipients_by_user([user], topic=IMPORTS, both=True)[user.pk]:
        queued.append(way.queue(partial(messages.import_ended, name=name, state=state, error_count=error_count,
                                        path=path),
                                key=f"import_ended:{run_id}:{way.tag}", about=("imports.importrun", str(run_id))))
    return [message for message in queued if message is not None]


def _import_run_ended(sender, *, run_id: int, user_id: int | None, state: str, error_count: int = 0,
                      name: str = "", **kwargs) -> None:
    import_alert(run_id=run_id, user_id=user_id, state=state, error_count=error_count, name=name)


# ---- a commitment of a CBO's issue ------------------------------------------------------------------------------


def commitment_news_queue(*, now: dt.datetime | None = None) -> int:
    """The representatives of an issue's CBO hear that an office's commitment on it falls due (within
    COMMITMENT_NOTICE_DAYS) and, if it is not kept by then, that it is overdue (the day after, up to
    COMMITMENT_OVERDUE_DAYS later): each once per commitment, due day and way. How many were queued."""
    today = timezone.localdate(now or timezone.now())
    everything = Q()
    found = advocacy_selectors.commitments_falling_due(
        everything, start=today - dt.timedelta(days=COMMITMENT_OVERDUE_DAYS),
        end=today + dt.timedelta(days=COMMITMENT_NOTICE_DAYS))
    if not found:
        return 0
    by_cbo = defaultdict(list)
    for commitment in found:
        by_cbo[commitment.cbo_id].append(commitment)
    reps = User.objects.filter(is_active=True, role=User.Role.CBO_REP, cbo_id__in=by_cbo).order_by("pk")
    ways = receivers.recipients_by_user(reps, topic=ISSUES, both=False)
    queued = 0
    for rep in reps:
        for commitment in by_cbo[rep.cbo_id]:
            kind = "commitment_overdue" if commitment.overdue(today) else "commitment_due"
            path = reverse("advocacy:detail", args=[commitment.issue_id])
            for way in ways[rep.pk]:
                key = f"{kind}:{commitment.pk}:{commitment.due_on.isoformat()}:{way.tag}"
                if way.queue(partial(messages.commitment_news, commitment=commitment, today=today, path=path),
                             key=key, about=(receivers.ISSUE, str(commitment.issue_id))) is not None:
                    queued += 1
    return queued


# ---- e-mails an account stopped, and took back ------------------------------------------------------------------


def _email_stop(topic: str, user_id: str) -> int:
    """The stop link of an e-mail of `topic` to an account: no more such e-mails, and those queued are dropped.
    How many were dropped."""
    user_id = int(user_id)
    EmailStop.objects.get_or_create(user_id=user_id, topic=topic)
    prefixes = "|".join(re.escape(prefix) for prefix in _KEYS[topic])
    return (Message.objects.filter(key__regex=rf"^({prefixes}):.*:u{user_id}$", channel=Message.Channel.EMAIL,
                                   status__in=[Message.Status.QUEUED, Message.Status.FAILED,
                                               Message.Status.UNCERTAIN])
            .update(status=Message.Status.DROPPED, address="", why_detail="stopped by the recipient"))


def email_topics(user) -> list[str]:
    """The kinds of e-mail an account may get, hence may stop or take back: meetings and their CBO's issues for
    a representative, the digest and imports' ends for staff."""
    if user.role == User.Role.CBO_REP:
        return [receivers.MEETINGS, ISSUES]
    if user.role in STAFF_ROLES or user.is_superuser:
        return [DIGEST, IMPORTS]
    return []


def email_choices(user) -> list[tuple[str, bool]]:
    """(topic, stopped) for each kind of e-mail the account may get."""
    stopped = set(EmailStop.objects.filter(user=user).values_list("topic", flat=True))
    return [(topic, topic in stopped) for topic in email_topics(user)]


def email_stop_set(*, user, topic: str, stopped: bool) -> bool:
    """The person stops a kind of e-mail from their account page, or takes a stop (a stop link they used) back:
    e-mails of that kind come again from the next one. False when the topic is not one of theirs."""
    if topic not in email_topics(user):
        return False
    if stopped:
        STOPS[topic](str(user.pk))
    else:
        EmailStop.objects.filter(user=user, topic=topic).delete()
    return True


#: What a stop link of an account's e-mail names -> what stops (receivers.STOPS gets them).
STOPS = {DIGEST: partial(_email_stop, DIGEST), IMPORTS: partial(_email_stop, IMPORTS),
         ISSUES: partial(_email_stop, ISSUES), receivers.MEETINGS: receivers.meetings_stop}


def connect() -> None:
    receivers.STOPS.update(STOPS)
    workbook_signals.import_run_ended.connect(_import_run_ended, dispatch_uid="notifications.import_run_ended")
