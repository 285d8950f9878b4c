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

# ---- advocacy plans' activities (plan_activities) ----------------------------------------------------------------

ACTIVITY_NUMBER = gettext_noop("An activity's number is a whole number from 1.")
PLANNED_OUTSIDE_PLAN = gettext_noop(
    "This activity is planned on %(date)s, outside its plan's period (%(starts)s to %(ends)s).")
DONE_ON_NEEDED = gettext_noop("A done activity needs done_on, the day it was done.")
ONLY_WHEN_DONE = gettext_noop("%(column)s goes with the status done only (this activity is %(status)s).")
EVENT_ON_ANOTHER_DAY = gettext_noop("The event %(event)s was on %(date)s, not on done_on (%(done)s).")


def planned_outside(planned: dt.date | None, starts: dt.date | None, ends: dt.date | None) -> dict | None:
    """An activity is planned within its plan's period."""
    if planned is None or starts is None or ends is None or starts <= planned <= ends:
        return None
    return {"date": planned.isoformat(), "starts": starts.isoformat(), "ends": ends.isoformat()}


# ---- resources CBOs mobilise (resources) ------------------------------------------------------------------------

SOURCE_LEVEL_NEEDED = gettext_noop(
    "An authority is an office: give source_level (commune, district, province or national).")
SOURCE_LEVEL_NOT_AUTHORITY = gettext_noop(
    "source_level goes with an authority only (this resource is from a %(type)s).")
AMOUNT_OR_QUANTITY = gettext_noop("Give an amount, or a quantity with its unit (or both).")
CURRENCY_NEEDED = gettext_noop("Give the amount's currency: KHR or USD.")
UNIT_NEEDED = gettext_noop(
    "Give the quantity's unit (hectare, square_metre, litre, kilogram, tonne, person_day, item).")
QUANTITY_POSITIVE = gettext_noop("A quantity is more than 0.")
MONEY_IS_AN_AMOUNT = gettext_noop("Money is given as an amount with its currency, without a quantity.")
LAND_IS_AN_AREA = gettext_noop("Land is given as a quantity in hectares or square metres.")
MONTHLY_FROM_NEEDED = gettext_noop("A monthly resource needs given_from, the day it was first given.")
ONLY_MONTHLY = gettext_noop("%(column)s goes with a monthly resource only (this one is given once).")
GIVEN_TO_BEFORE_FROM = gettext_noop("given_to (%(to)s) is before given_from (%(from)s).")


def resource_shape(*, kind: str | None, amount, currency: str | None, quantity, unit: str | None) -> list[tuple]:
    """What is wrong with a resource's amount and quantity, as (column, message) pairs: one of them at least,
    a currency with an amount, a unit with a quantity, money as an amount only, land as an area."""
    broken = []
    if amount is None and quantity is None:
        broken.append(("amount", AMOUNT_OR_QUANTITY))
    if amount is not None and not currency:
        broken.append(("currency", CURRENCY_NEEDED))
    if quantity is not None and quantity <= 0:
        broken.append(("quantity", QUANTITY_POSITIVE))
    if quantity is not None and not unit:
        broken.append(("unit", UNIT_NEEDED))
    if kind == "money" and (amount is None or quantity is not None):
        broken.append(("quantity" if quantity is not None else "amount", MONEY_IS_AN_AMOUNT))
    if kind == "land" and (quantity is None or unit not in (None, "", "hectare", "square_metre")):
        broken.append(("unit" if quantity is not None else "quantity", LAND_IS_AN_AREA))
    return broken
SOURCE_OFFICE_NEEDED = gettext_noop("An authority is an office: give its office id.")
SOURCE_OFFICE_NOT_AUTHORITY = gettext_noop("An office goes with the source authority only; name any other source.")


def resource_dates(*, recurrence: str | None, given_from: dt.date | None, given_to: dt.date | None) -> list[tuple]:
    """What is wrong with a resource's months, as (field, message, parameters): a monthly resource needs
    given_from and given_to not before it; a one-off one has neither."""
    if recurrence == "monthly":
        if given_from is None:
            return [("given_from", MONTHLY_FROM_NEEDED, {})]
        if given_to is not None and given_to < given_from:
            return [("given_to", GIVEN_TO_BEFORE_FROM, {"to": given_to.isoformat(), "from": given_from.isoformat()})]
        return []
    return [(column, ONLY_MONTHLY, {"column": column}) for column, value in
            (("given_from", given_from), ("given_to", given_to)) if value is not None]
