"""What the messages say, composed in the recipient's language when they are queued (Khmer unless the recipient
chose English). Every message is short, links to the page it is about, says how to stop such messages, and
carries no personal data of anyone but its recipient (an office and a public place are named; a person never).

Links are absolute, on SAMLENG_SITE_URL: a worker has no request to build them from."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.core.dates import long_date
from samleng.core.i18n import local_name
from samleng.core.khmer import to_khmer_digits
from samleng.notifications.outbox import Draft

#: What each kind of message tells, for staff (the outbox page).
KINDS = {
    "comment_answer": gettext_lazy("an office's answer, relayed to the commenter"),
    "news": gettext_lazy("news"),
    "issue_status": gettext_lazy("an issue's new status, to its CBO's representatives"),
    "event_notice": gettext_lazy("a meeting's notice, to the invited CBOs' representatives"),
    "event_update": gettext_lazy("a meeting's changes, to the invited CBOs' representatives"),
    "event_reminder": gettext_lazy("a meeting's reminder the day before, to the invited CBOs' representatives"),
}

#: A quoted answer longer than this is cut (the link leads to all of it): a message stays short.
QUOTE_CHARACTERS = 500
_STOP_SALT = "samleng.notifications.stop"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def stop_token(kind: str, record_id: int | str) -> str:
    """A signed token naming what a stop link stops (e.g. e-mails about one comment): it cannot be forged or
    guessed, and names no person."""
    return signing.dumps([kind, str(record_id)], salt=_STOP_SALT, compress=False)


def stop_token_read(token: str) -> tuple[str, str] | None:
    try:
        kind, record_id = signing.loads(token, salt=_STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return str(kind), str(record_id)


def stop_url(kind: str, record_id: int | str) -> str:
    return site_url(reverse("notifications:stop", args=[stop_token(kind, record_id)]))


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARACTERS else text[:QUOTE_CHARACTERS - 1].rstrip() + "…"


def comment_answer(*, language: str, comment_id: int, office: str, facility: str, status: str, text: str,
                   closing: bool, channel: str = "email") -> Draft:
    """The message that relays an office's answer to the person who commented, by e-mail or Telegram; `office`,
    `facility` and `status` already in `language`. Never the receipt code: the commenter has it, and a message
    can be forwarded."""
    with translation.override(language):
        office, facility, status = str(office), str(facility), str(status)
        lines = [
            _("%(office)s answered your comment about %(facility)s.") % {"office": office, "facility": facility},
            _("Status: %(status)s") % {"status": status},
        ]
        if text.strip():
            lines += ["", f"“{_quote(text)}”"]
        lines += ["", _("Read the answer and follow your comment, with your receipt code: %(url)s")
                  % {"url": site_url(reverse("comments:follow"))}]
        if channel == "telegram":
            lines += ["", _("This answer closes your comment: no more messages about it will come.") if closing
                      else _("Send /stop to get no more messages.")]
        else:
            if closing:
                lines += ["", _("This answer closes your comment. Once this e-mail is sent, Samleng erases your "
                                "e-mail address.")]
            lines += ["", _("To get no more e-mails about this comment: %(url)s")
                      % {"url": stop_url("comment", comment_id)}]
        subject = _("Answer to your comment: %(status)s") % {"status": status}
    return Draft(kind="comment_answer", language=language, subject=subject, text="\n".join(lines))


def news(*, language: str, text: str, path: str) -> Draft:
    """A short piece of news to a Telegram chat: the news, its page, and how to stop."""
    with translation.override(language):
        lines = [_quote(text), "", site_url(path), "", _("Send /stop to get no more messages.")]
    return Draft(kind="news", language=language, text="\n".join(lines))


def issue_status(*, language: str, title_en: str, title_km: str, status: str, path: str,
                 stop_for: int | None = None) -> Draft:
    """News to a CBO's representative: one of their CBO's issues has a new status (`status` already in
    `language`); the issue's page; how to stop ("/stop" on Telegram; by e-mail, with a subject, the stop link of
    "issues" e-mails for the account `stop_for`)."""
    with translation.override(language):
        title = (title_en or title_km) if language == "en" else (title_km or title_en)
        lines = [_("Your CBO's issue “%(title)s” is now: %(status)s.") % {"title": _quote(title), "status": status},
                 "", site_url(path), "", _stop_line(topic="issues", stop_for=stop_for)]
        subject = _("Your CBO's issue: %(status)s") % {"status": status}
    return Draft(kind="issue_status", language=language, text="\n".join(lines),
                 subject=subject if stop_for is not None else "")


def _event_lines(*, language: str, notice, heading: str, stop_for: int | None) -> list[str]:
    """What, when (the date in words: Khmer digits in Khmer) and where, and how to stop: "/stop" on Telegram, a
    stop link naming the recipient's account (`stop_for`) in an e-mail. Events have no public page yet, so no
    link (the staff page would refuse a representative whose CBO raised no issue there)."""
    title = (notice.title or notice.title_km) if language == "en" else (notice.title_km or notice.title)
    places = ", ".join(local_name(place) for place in notice.places)
    stop = (_("Send /stop to get no more messages.") if stop_for is None
            else _("To get no more e-mails about meetings: %(url)s") % {"url": stop_url("meetings", stop_for)})
    return [heading, "", _("What: %(type)s “%(title)s”") % {"type": notice.type_label(), "title": _quote(title)},
            _("When: %(date)s") % {"date": long_date(notice.date, language)},
            _("Where: %(place)s") % {"place": places}, "", stop]


def event_notice(*, language: str, notice, update: bool = False, stop_for: int | None = None) -> Draft:
    """A meeting the representative's CBO is invited to (engagement's EventNotice), or, `update`, that its details
    changed since the notice they had: on Telegram, or by e-mail with a stop link for the account `stop_for`."""
    with translation.override(language):
        heading = (_("The meeting your CBO is invited to has changed:") if update
                   else _("Your CBO is invited to a meeting:"))
        lines = _event_lines(language=language, notice=notice, heading=heading, stop_for=stop_for)
        subject = _("Meeting changed: %(date)s") if update else _("Meeting notice: %(date)s")
        subject = subject % {"date": long_date(notice.date, language)}
    return Draft(kind="event_update" if update else "event_notice", language=language, text="\n".join(lines),
                 subject=subject if stop_for is not None else "")


def event_reminder(*, language: str, notice, stop_for: int | None = None) -> Draft:
    """The day before: the meeting the representative's CBO is invited to is tomorrow (Telegram, or e-mail)."""
    with translation.override(language):
        lines = _event_lines(language=language, notice=notice, stop_for=stop_for,
                             heading=_("Reminder: the meeting your CBO is invited to is tomorrow."))
        subject = _("Meeting tomorrow: %(date)s") % {"date": long_date(notice.date, language)}
    return Draft(kind="event_reminder", language=language, text="\n".join(lines),
                 subject=subject if stop_for is not None else "")


# ---- Who gets what: staff's morning digest, an import's end, a commitment of a CBO's issue (digests.py) ----------

KINDS.update({
    "staff_digest": gettext_lazy("the morning digest of what is due, to staff"),
    "import_ended": gettext_lazy("an import's end, to the person who started it"),
    "commitment_due": gettext_lazy("a commitment falling due, to the issue's CBO's representatives"),
    "commitment_overdue": gettext_lazy("a commitment overdue, to the issue's CBO's representatives"),
})


def number(value: int, language: str) -> str:
    """A count as the recipient reads it: Khmer digits in Khmer."""
    return to_khmer_digits(str(value)) if language == "km" else str(value)


def _stop_line(*, topic: str, stop_for: int | None) -> str:
    """How to stop: "/stop" on Telegram; in an e-mail, the stop link of that kind of e-mail for the account
    `stop_for` (it can be taken back from the account's page)."""
    if stop_for is None:
        return _("Send /stop to get no more messages.")
    return _("To get no more of these e-mails: %(url)s") % {"url": stop_url(topic, stop_for)}


@dataclass(frozen=True)
class DigestLine:
    """One line of a digest: what (`kind`), how many falling due and how many overdue (or waiting), and its page."""

    kind: str  # requests, commitments, updates, comments, answers, actions
    due: int
    overdue: int
    path: str


def _digest_line(line: DigestLine, language: str) -> str:
    due, overdue = number(line.due, language), number(line.overdue, language)
    texts = {
        "requests": _("Information requests: %(due)s falling due this week, %(overdue)s overdue"),
        "commitments": _("Authorities' commitments: %(due)s falling due this week, %(overdue)s overdue"),
        "updates": _("Representatives' updates awaiting your confirmation: %(due)s"),
        "comments": _("Comments awaiting moderation: %(due)s"),
        "answers": _("Offices' answers awaiting moderation: %(due)s"),
        "actions": _("Joint plan actions overdue: %(overdue)s"),
    }
    return (texts[line.kind] % {"due": due, "overdue": overdue}) + "\n" + site_url(line.path)


def staff_digest(*, language: str, day, lines: list[DigestLine], stop_for: int | None = None) -> Draft:
    """The morning digest to a staff member: what is due in their scope, a line and a page each; counts only
    (no request, issue or person is named: a message can be forwarded)."""
    with translation.override(language):
        text = [_("What is due in your work, %(date)s:") % {"date": long_date(day, language)}, ""]
        for line in lines:
            text += [_digest_line(line, language), ""]
        text.append(_stop_line(topic="digest", stop_for=stop_for))
        subject = _("Samleng: what is due, %(date)s") % {"date": long_date(day, language)}
    return Draft(kind="staff_digest", language=language, text="\n".join(text),
                 subject=subject if stop_for is not None else "")


def import_ended(*, language: str, name: str, state: str, error_count: int, path: str,
                 stop_for: int | None = None) -> Draft:
    """The person who started an import: it ended (imported, rejected with how many errors, or failed), and its
    page, where the report is."""
    with translation.override(language):
        name = _quote(name)
        if state == "done":
            said = _("Your import “%(name)s” is done: the records are written.") % {"name": name}
        elif state == "rejected":
            said = _("Your import “%(name)s” was refused, with %(count)s errors: nothing was written.") % {
                "name": name, "count": number(error_count, language)}
        else:
            said = _("Your import “%(name)s” failed: nothing was written.") % {"name": name}
        lines = [said, "", _("The report: %(url)s") % {"url": site_url(path)}, "",
                 _stop_line(topic="imports", stop_for=stop_for)]
        subject = _("Samleng: your import ended")
    return Draft(kind="import_ended", language=language, text="\n".join(lines),
                 subject=subject if stop_for is not None else "")


def commitment_news(*, language: str, commitment, today, path: str, stop_for: int | None = None) -> Draft:
    """A representative: an office's commitment on their CBO's issue falls due soon, or is overdue (advocacy's
    DueCommitment): the issue, the office, the day, the issue's page."""
    overdue = commitment.overdue(today)
    with translation.override(language):
        def pick(en: str, km: str) -> str:
            return (en or km) if language == "en" else (km or en)

        title = pick(commitment.title_en, commitment.title_km)
        office = pick(commitment.office_en, commitment.office_km)
        values = {"office": office, "title": _quote(title), "date": long_date(commitment.due_on, language)}
        said = (_("%(office)s has not yet kept its commitment on your CBO's issue “%(title)s”, due %(date)s.")
                if overdue else
                _("%(office)s's commitment on your CBO's issue “%(title)s” falls due %(date)s."))
        lines = [said % values, "", site_url(path), "", _stop_line(topic="issues", stop_for=stop_for)]
        subject = (_("Commitment overdue: %(date)s") if overdue else _("Commitment falling due: %(date)s")) % {
            "date": long_date(commitment.due_on, language)}
    return Draft(kind="commitment_overdue" if overdue else "commitment_due", language=language,
                 text="\n".join(lines), subject=subject if stop_for is not None else "")
