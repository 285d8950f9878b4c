"""Community scorecards' pages. Public (no login, no script): a scorecard marked public, with the counts of votes
by score and the medians Samleng computes from them, and a facility's scores over its cycles per criterion (inline
SVG). Counts and medians only, never who voted; a group of fewer than five voters shows no figures of its own. Staff
of the facility's province (and those who see everything) also see scorecards not marked public, every group's
figures and the meeting's own words (strengths, weaknesses, suggestions: free text, which may name people)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_in_province
from samleng.core.charts import Series, format_number, line_chart
from samleng.core.i18n import local_text
from samleng.places.models import Facility
from samleng.plans import scorecard_selectors as selectors
from samleng.plans.models import JointPlan, Scorecard


def _staff_of(user, facility: Facility) -> bool:
    return can_edit_in_province(user, facility.province_id)


def scorecard_detail(request, scorecard_id: str):
    scorecard = get_object_or_404(Scorecard.objects.select_related("facility__district", "facility__commune",
                                                                    "commune", "village"), scorecard_id=scorecard_id)
    staff = _staff_of(request.user, scorecard.facility)
    if not (scorecard.public or staff):
        raise Http404  # not even whether such a scorecard exists
    plans = JointPlan.objects.filter(scorecard=scorecard).order_by("joint_plan_id")
    return render(request, "plans/scorecard.html", {
        "scorecard": scorecard, "staff": staff, "facility": scorecard.facility,
        "criteria": selectors.criteria_figures(scorecard, in_full=staff), "scores": (1, 2, 3, 4, 5),
        "plans": plans if staff else plans.filter(public=True), "small": selectors.SMALL_GROUP,
        "may_write": staff,  # staff of the facility's province write its scorecards (views_scorecards_staff)
    })


def _median_text(value) -> str:
    return format_number(value, 0 if value is None or value == int(value) else 1)


def facility_scorecards(request, facility_id: str):
    facility = get_object_or_404(Facility.objects.select_related("district", "commune"), facility_id=facility_id)
    staff = _staff_of(request.user, facility)
    scorecards = list(facility.scorecards.order_by("cycle") if staff else selectors.public_scorecards(facility))
    if not scorecards and not staff:
        raise Http404  # staff of the province see the page, to record the facility's first scorecard
    cycles, trends = selectors.facility_trends(scorecards, in_full=staff)
    labels = [str(cycle) for cycle in cycles]
    charts = []
    for trend in trends:
        text = local_text(trend.criterion.text_km, trend.criterion.text_en)
        charts.append((trend, line_chart(
            labels, [Series(_("Community's median"), [float(m) if m is not None else None for m in trend.medians]),
                     Series(_("Provider's self-assessment"), trend.provider)],
            title=text, desc=_("Scores from 1 (very poor) to 5 (very good), by cycle."), y_max=5,
            value_format=_median_text)))
    return render(request, "plans/facility_scorecards.html", {
        "facility": facility, "scorecards": sorted(scorecards, key=lambda s: s.cycle), "charts": charts,
        "cycles": cycles, "staff": staff})
