"""The rules of joint plans, in one place: the staff pages' services and the workbook's sheets both say them
with these messages (marked for translation here; a service translates them for the reader, a sheet says them
in English and Khmer). Each rule returns its message's parameters when broken, None when kept."""

import datetime as dt

from django.utils.translation import gettext_noop

ONE_LANGUAGE = gettext_noop("Give the English or the Khmer, or both.")
DUE_BEFORE_ENDORSED = gettext_noop(
    "This action is due on %(due)s, before its plan was endorsed on %(endorsed)s.")
UPDATE_BEFORE_ENDORSED = gettext_noop(
    "This update is dated %(date)s, before its plan was endorsed on %(endorsed)s.")
IN_FUTURE = gettext_noop("%(date)s is in the future.")
RESPONSIBLE_NEEDED = gettext_noop("Say who is responsible: an office, a CBO or an organisation's name.")
UNKNOWN_RECOMMENDATION = gettext_noop("The plan %(plan)s has no recommendation number %(number)s.")
ONE_UPDATE_A_DAY = gettext_noop("This action already has an update on %(date)s.")
WOMEN_OVER_TOTAL = gettext_noop("There cannot be more women (%(part)s) than respondents (%(total)s).")


def one_language(english: str, khmer: str) -> dict | None:
    return {} if not (english or "").strip() and not (khmer or "").strip() else None


def due_before_endorsed(due: dt.date | None, endorsed: dt.date | None) -> dict | None:
    """An action cannot fall due before the plan that promises it was endorsed."""
    if due is None or endorsed is None or due >= endorsed:
        return None
    return {"due": due.isoformat(), "endorsed": endorsed.isoformat()}


def update_before_endorsed(date: dt.date | None, endorsed: dt.date | None) -> dict | None:
    """Nothing can have happened to a promise before it was made."""
    if date is None or endorsed is None or date >= endorsed:
        return None
    return {"date": date.isoformat(), "endorsed": endorsed.isoformat()}


def in_future(date: dt.date | None, today: dt.date) -> dict | None:
    return {"date": date.isoformat()} if date is not None and date > today else None


def women_over_total(women: int | None, total: int | None) -> dict | None:
    if women is None or total is None or women <= total:
        return None
    return {"part": women, "total": total}

ENDS_BEFORE_START = gettext_noop("The plan ends on %(ends)s, before it starts (%(starts)s).")
ISSUE_OF_ANOTHER_CBO = gettext_noop("The issue %(issue)s is CBO %(other)s's, not CBO %(cbo)s's.")
NOT_THE_MAIN_ISSUE = gettext_noop(
    "A plan pursues its CBO's main issue: %(issue)s is not CBO %(cbo)s's main issue (%(main)s). Mark it as the "
    "main issue on the issues sheet, or give the main issue here.")
NO_MAIN_ISSUE = gettext_noop("none")
PLANS_OVERLAP = gettext_noop(
    "CBO %(cbo)s already has the plan %(other)s from %(starts)s to %(ends)s; a CBO has one plan at a time.")
