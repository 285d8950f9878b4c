"""Community scorecards (ISAF): a facility's scorecard in a cycle, the criteria the community scored, how many
voters gave each score per participant group (counts only: no voter is ever recorded), and the provider's
self-assessment on the same criteria. Medians are computed from the counts (`median`), never stored.

Imported by samleng.plans.models, so that Django finds these models in the `plans` app."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

#: A score is a whole number from 1 (very poor) to 5 (very good), as ISAF's scorecards use.
SCORES = (1, 2, 3, 4, 5)


class VoterGroup(models.TextChoices):
    """The groups that score apart, as ISAF's facilitators divide the meeting (each voter in one group)."""

    WOMEN = "women", _("women")
    MEN = "men", _("men")
    YOUTH = "youth", _("youth")
    ELDERLY = "elderly", _("elderly people")
    INDIGENOUS = "indigenous", _("indigenous or ethnic minority people")
    DISABILITY = "disability", _("people with a disability")
    ID_POOR = "id_poor", _("IDPoor card holders")
    MIXED = "mixed", _("mixed group")


class Scorecard(models.Model):
    """A community scorecard of a facility in an ISAF cycle (one a facility a cycle): where and when the
    community met, who took part (counts), the provider's self-assessment and the interface meeting's days,
    what the meeting found (free text: staff pages only), and whether its counts and medians are public."""

    scorecard_id = models.CharField(_("scorecard id"), max_length=40, unique=True)
    facility = models.ForeignKey("places.Facility", on_delete=models.PROTECT, related_name="scorecards",
                                 verbose_name=_("facility"))
    cycle = models.PositiveSmallIntegerField(_("cycle"), help_text=_("The ISAF cycle's year."))
    met_on = models.DateField(_("scorecard meeting on"))
    # Where the community met; None: the facility's commune.
    commune = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("commune"))
    village = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("village"))
    self_assessed_on = models.DateField(_("provider's self-assessment on"), null=True, blank=True)
    interface_on = models.DateField(_("interface meeting on"), null=True, blank=True)
    participants_total = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    participants_female = models.PositiveIntegerField(_("women"), null=True, blank=True)
    participants_youth = models.PositiveIntegerField(_("youth"), null=True, blank=True)
    participants_indigenous = models.PositiveIntegerField(_("indigenous or ethnic minority"), null=True, blank=True)
    participants_disability = models.PositiveIntegerField(_("with a disability"), null=True, blank=True)
    participants_id_poor = models.PositiveIntegerField(_("IDPoor card holders"), null=True, blank=True)
    strengths_en = models.TextField(_("strengths in English"), blank=True)
    strengths_km = models.TextField(_("strengths in Khmer"), blank=True)
    weaknesses_en = models.TextField(_("weaknesses in English"), blank=True)
    weaknesses_km = models.TextField(_("weaknesses in Khmer"), blank=True)
    suggestions_en = models.TextField(_("suggestions in English"), blank=True)
    suggestions_km = models.TextField(_("suggestions in Khmer"), blank=True)
    public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["facility", "cycle"]
        constraints = [models.UniqueConstraint(fields=["facility", "cycle"], name="one_scorecard_a_facility_a_cycle")]
        verbose_name = _("community scorecard")
        verbose_name_plural = _("community scorecards")

    def __str__(self):
        return f"{self.scorecard_id} ({self.cycle})"


class Criterion(models.Model):
    """A criterion a scorecard scored ("staff come on time"), numbered, with the provider's own score on it."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveIntegerField(_("number"))
    text_en = models.TextField(_("text in English"), blank=True)
    text_km = models.TextField(_("text in Khmer"), blank=True)
    provider_score = models.PositiveSmallIntegerField(_("provider's self-assessment"), null=True, blank=True)

    class Meta:
        ordering = ["scorecard", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="unique_criterion_number"),
            models.CheckConstraint(condition=models.Q(provider_score__isnull=True)
                                   | models.Q(provider_score__gte=1, provider_score__lte=5),
                                   name="provider_score_1_to_5"),
        ]
        verbose_name = _("scorecard criterion")
        verbose_name_plural = _("scorecard criteria")

    def __str__(self):
        return f"{self.scorecard.scorecard_id} #{self.number}"


class ScoreCount(models.Model):
    """How many voters of a group gave a criterion a score: a count, never a voter."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="counts")
    group = models.CharField(_("group"), max_length=20, choices=VoterGroup.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    voters = models.PositiveIntegerField(_("voters"))

    class Meta:
        ordering = ["criterion", "group", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "group", "score"], name="unique_score_count"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5"),
        ]
        verbose_name = _("count of voters by score")
        verbose_name_plural = _("counts of voters by score")

    def __str__(self):
        return f"{self.criterion} {self.group} {self.score}: {self.voters}"


def median(counts: Mapping[int, int] | Iterable[tuple[int, int]]) -> Decimal | None:
    """The median of votes given as score -> voters (docs/programme-workbook.md, scorecard_scores): each score
    repeated as many times as its voters, sorted; the middle one, or the mean of the two middle ones when their
    number is even (so 3.5 may happen). No votes: None."""
    pairs = sorted(counts.items() if isinstance(counts, Mapping) else counts)
    total = sum(voters for _score, voters in pairs)
    if total == 0:
        return None

    def nth(position: int) -> int:  # the score of the vote at `position` (from 0) in sorted order
        seen = 0
        for score, voters in pairs:
            seen += voters
            if position < seen:
                return score
        raise IndexError(position)

    if total % 2:
        return Decimal(nth(total // 2))
    return (Decimal(nth(total // 2 - 1)) + Decimal(nth(total // 2))) / 2
