"""Reads of community scorecards: a scorecard's criteria with their counts of votes by score and the medians
computed from them (all groups together, and by group), and a facility's medians over cycles per criterion.
Counts and medians only: nothing here knows a voter."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from samleng.plans.scorecard_models import SCORES, Criterion, Scorecard, ScoreCount, VoterGroup, median

#: A group's own figures are shown on public pages only when at least this many of its voters stand behind them:
#: with fewer, a count by score could tell how one person voted (DESIGN.md, Privacy: small numbers).
SMALL_GROUP = 5


@dataclass
class GroupFigures:
    group: str
    label: str
    voters: int
    median: Decimal | None
    shown: bool  # False: fewer than SMALL_GROUP voters, and the reader is not staff


@dataclass
class CriterionFigures:
    criterion: Criterion
    counts: list[int]  # voters who gave 1, 2, 3, 4, 5 (all groups together)
    voters: int
    median: Decimal | None
    groups: list[GroupFigures] = field(default_factory=list)
    shown: bool = True  # False: fewer than SMALL_GROUP voters in all, and the reader is not staff


def public_scorecards(facility=None) -> QuerySet:
    """The scorecards marked public (of `facility`, when given)."""
    scorecards = Scorecard.objects.filter(public=True).select_related("facility")
    return scorecards.filter(facility=facility) if facility is not None else scorecards


def criteria_figures(scorecard: Scorecard, *, in_full: bool = False) -> list[CriterionFigures]:
    """Each criterion of a scorecard with its counts by score, its median, and its groups' medians. Unless
    `in_full` (for staff), a group of fewer than SMALL_GROUP voters is not `shown`, nor a criterion's counts and
    median when fewer than SMALL_GROUP voted in all: three voters' counts by score are their three votes. Two
    queries."""
    counts: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for criterion_pk, group, score, voters in ScoreCount.objects.filter(criterion__scorecard=scorecard).values_list(
            "criterion_id", "group", "score", "voters"):
        counts[criterion_pk][group][score] = voters
    figures = []
    for criterion in scorecard.criteria.order_by("number"):
        by_group = counts.get(criterion.pk, {})
        together = {score: sum(g.get(score, 0) for g in by_group.values()) for score in SCORES}
        groups = []
        for group, label in VoterGroup.choices:
            if group not in by_group:
                continue
            voters = sum(by_group[group].values())
            groups.append(GroupFigures(group, label, voters, median(by_group[group]),
                                       in_full or voters >= SMALL_GROUP))
        voters = sum(together.values())
        figures.append(CriterionFigures(criterion, [together[s] for s in SCORES], voters, median(together), groups,
                                        shown=in_full or voters >= SMALL_GROUP))
    return figures


@dataclass
class Trend:
    """A criterion followed over a facility's cycles: the community's median and the provider's score each cycle
    (None where that cycle did not score it)."""

    criterion: Criterion  # the latest cycle's wording
    medians: list[Decimal | None]
    provider: list[int | None]


def facility_trends(scorecards: list[Scorecard], *, in_full: bool = False) -> tuple[list[int], list[Trend]]:
    """The cycles of `scorecards` (in order) and each criterion's medians and provider's scores over them. A
    criterion is the same from one cycle to the next when its text is (English, else Khmer, case and spaces
    aside): communities choose their criteria each cycle. A median of fewer than SMALL_GROUP voters is left out
    unless `in_full` (for staff), as on the scorecard's page. Two queries."""
    scorecards = sorted(scorecards, key=lambda s: s.cycle)
    cycles = [s.cycle for s in scorecards]
    position = {s.pk: i for i, s in enumerate(scorecards)}
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for criterion_pk, score, voters in ScoreCount.objects.filter(criterion__scorecard__in=scorecards).values_list(
            "criterion_id", "score", "voters"):
        votes[criterion_pk][score] = votes[criterion_pk].get(score, 0) + voters
    trends: dict[str, Trend] = {}
    for criterion in Criterion.objects.filter(scorecard__in=scorecards).order_by("scorecard__cycle", "number"):
        key = " ".join((criterion.text_en or criterion.text_km).lower().split()) or f"#{criterion.number}"
        trend = trends.setdefault(key, Trend(criterion, [None] * len(cycles), [None] * len(cycles)))
        trend.criterion = criterion
        i = position[criterion.scorecard_id]
        counted = votes.get(criterion.pk, {})
        trend.medians[i] = median(counted) if in_full or sum(counted.values()) >= SMALL_GROUP else None
        trend.provider[i] = criterion.provider_score
    return cycles, sorted(trends.values(), key=lambda t: t.criterion.number)
