"""The rules of community scorecards, in one place (as samleng.plans.rules for joint plans): the sheets say
them in English and Khmer with sheet, row and column. Each rule returns its message's parameters when
broken, None when kept."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_noop

SCORE_RANGE = gettext_noop("'%(value)s' is not a score: a score is a whole number from 1 to 5.")
NUMBER_FROM_ONE = gettext_noop("Criteria are numbered from 1 ('%(value)s' is not).")
SECOND_SCORECARD = gettext_noop(
    "The facility %(facility)s already has the scorecard %(other)s for the cycle %(cycle)s; a facility has one "
    "scorecard a cycle.")
INTERFACE_TOO_EARLY = gettext_noop(
    "The interface meeting (%(interface)s) comes after the %(what)s, which was on %(date)s.")
COMMUNITY_MEETING = gettext_noop("community's scorecard meeting")
SELF_ASSESSMENT = gettext_noop("provider's self-assessment")
UNKNOWN_CRITERION = gettext_noop("The scorecard %(scorecard)s has no criterion number %(number)s.")
MEDIAN_DISAGREES = gettext_noop(
    "median_given is %(given)s, but the votes on this criterion (all groups together) give a median of "
    "%(computed)s. Check what was typed: the votes in scorecard_scores, or the median.")
MEDIAN_WITHOUT_VOTES = gettext_noop(
    "median_given is %(given)s, but this criterion has no votes (in scorecard_scores or in Samleng).")
VOTERS_OVER_PARTICIPANTS = gettext_noop(
    "Criterion %(number)s of %(scorecard)s has %(voters)s voters, all groups together, more than the scorecard's "
    "%(total)s participants (participants_total).")
SCORECARD_NEEDED = gettext_noop(
    "A plan made at a scorecard's interface meeting (origin scorecard_interface) names its scorecard: give "
    "scorecard_id.")
SCORECARD_NOT_ALLOWED = gettext_noop(
    "scorecard_id goes with the origin scorecard_interface only (this plan's origin is %(origin)s).")
INTERFACE_AFTER_ENDORSED = gettext_noop(
    "The interface meeting of the scorecard %(scorecard)s was on %(interface)s, after this plan was endorsed on "
    "%(endorsed)s.")
CRITERION_WITHOUT_SCORECARD = gettext_noop(
    "The plan %(plan)s has no scorecard (scorecard_id): criterion goes with the plan of a scorecard's interface "
    "meeting.")
UNKNOWN_PLAN_CRITERION = gettext_noop(
    "The plan %(plan)s's scorecard %(scorecard)s has no criterion number %(number)s.")


def interface_too_early(interface: dt.date | None, met: dt.date | None, self_assessed: dt.date | None
                        ) -> dict | None:
    """The interface meeting brings the community's scores and the provider's together: it comes after both.
    The parameters name the later of the two days it precedes."""
    if interface is None:
        return None
    later = max(((day, what) for day, what in ((met, COMMUNITY_MEETING), (self_assessed, SELF_ASSESSMENT))
                 if day is not None and day > interface), default=None)
    if later is None:
        return None
    return {"interface": interface.isoformat(), "date": later[0].isoformat(), "what": later[1]}


def median_disagrees(given: Decimal | None, computed: Decimal | None) -> dict | None:
    """A median typed from the meeting's paper sheet must be the one the votes give."""
    if given is None:
        return None
    if computed is None:
        return {"given": median_text(given)}
    if given != computed:
        return {"given": median_text(given), "computed": median_text(computed)}
    return None


def median_text(value: Decimal | None) -> str:
    """3, 3.5: a median as people write it."""
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def interface_after_endorsed(interface: dt.date | None, endorsed: dt.date | None) -> dict | None:
    """A JAAP is made at (or after) its scorecard's interface meeting."""
    if interface is None or endorsed is None or interface <= endorsed:
        return None
    return {"interface": interface.isoformat(), "endorsed": endorsed.isoformat()}


PART_OVER_PARTICIPANTS = gettext_noop("%(part)s: %(count)s, more than the %(total)s participants.")
CRITERION_NUMBER_TAKEN = gettext_noop("The scorecard %(scorecard)s already has a criterion number %(number)s.")
INTERFACE_AFTER_PLAN = gettext_noop(
    "The plan %(plan)s, endorsed on %(endorsed)s, was made at this scorecard's interface meeting: the meeting cannot "
    "come after it (%(interface)s).")


def part_over_total(part: int | None, total: int | None) -> dict | None:
    """A group of participants is part of the meeting: no more than all participants."""
    if part is None or total is None or part <= total:
        return None
    return {"count": part, "total": total}
