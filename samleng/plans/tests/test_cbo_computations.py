"""The catalogue's computations of CBOs' plans and resources (docs/programme-workbook.md): cbos_with_plan_count
(CBOs with an advocacy plan of the statuses whose period overlaps the period, each once) and resources_mobilised
(one-off resources dated in the period, monthly ones counted once a month they were given in it; riels and
dollars never converted), with the records behind them, and their drill-down that shows a reader only the
resources of the CBOs they may see."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.advocacy.tests.factories import make_issue
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans import selectors
from samleng.plans.models import AdvocacyPlan, Resource
from samleng.results.computations import CATALOGUE, cbos_with_plan_count, resources_mobilised

D = dt.date


@pytest.fixture
def plans(world):
    issue = make_issue(world.cbo, "I-1", is_main=True)
    other = make_issue(world.other_cbo, "I-9", is_main=True, duty_bearer_level="district")
    made = {}
    for plan_id, cbo, main, starts, ends, status in [
        ("AP-1", world.cbo, issue, D(2023, 7, 1), D(2024, 6, 30), "active"),
        ("AP-2", world.cbo, issue, D(2024, 7, 1), D(2025, 6, 30), "completed"),
        ("AP-3", world.other_cbo, other, D(2024, 1, 1), D(2024, 12, 31), "draft"),
        ("AP-4", world.other_cbo, other, D(2022, 1, 1), D(2022, 12, 31), "abandoned"),
    ]:
        made[plan_id] = AdvocacyPlan.objects.create(plan_id=plan_id, cbo=cbo, issue=main, starts_on=starts,
                                                    ends_on=ends, status=status, objective_en=plan_id)
    return made


@pytest.mark.django_db
def test_cbos_with_plan_count_counts_each_cbo_once_with_its_plans_behind_it(world, plans):
    computed = cbos_with_plan_count(programme=None, period=2024, statuses=["active", "completed"])
    assert (computed.value, computed.numerator, computed.breakdown) == (Decimal(1), 1, {"plans": 2})
    assert computed.kind == "cbos.cbo" and computed.numerator_pks == [world.cbo.pk]
    every = cbos_with_plan_count(programme=None, period=2024, statuses=[])  # the draft counts now
    assert every.numerator_pks == sorted([world.cbo.pk, world.other_cbo.pk])
    assert cbos_with_plan_count(programme=None, period=2022, statuses=["active", "completed"]).numerator == 0
    assert cbos_with_plan_count(programme=None, period=2022, statuses=["abandoned"]).numerator == 1
    assert CATALOGUE["cbos_with_plan_count"].parameters[0].default == ["active", "completed"]


@pytest.fixture
def resources(world):
    commune = office_of_place(user=None, place=Place.objects.get(code="060603"))
    made = {}
    for resource_id, cbo, values in [
        ("RS-1", world.cbo, {"date": D(2024, 6, 1), "source_type": "ngo", "source_name": "An NGO", "kind": "money",
                             "amount": Decimal(3000), "currency": "USD", "recurrence": "one_off"}),
        ("RS-2", world.cbo, {"date": D(2023, 12, 20), "source_type": "authority", "source_office": commune,
                             "kind": "money", "amount": Decimal(10), "currency": "USD", "recurrence": "monthly",
                             "given_from": D(2023, 11, 15), "given_to": None}),
        ("RS-3", world.cbo, {"date": D(2024, 2, 1), "source_type": "authority", "source_office": commune,
                             "kind": "land", "quantity": Decimal(375), "unit": "square_metre",
                             "recurrence": "one_off"}),
        ("RS-4", world.other_cbo, {"date": D(2024, 1, 1), "source_type": "community", "kind": "in_kind",
                                   "quantity": Decimal(300), "unit": "litre", "recurrence": "monthly",
                                   "given_from": D(2024, 10, 1), "given_to": D(2025, 3, 31)}),
        ("RS-5", world.other_cbo, {"date": D(2024, 5, 5), "source_type": "authority", "source_office": commune,
                                   "kind": "money", "amount": Decimal(400000), "currency": "KHR",
                                   "recurrence": "one_off"}),
        ("RS-6", world.other_cbo, {"date": D(2023, 5, 5), "source_type": "company", "kind": "equipment",
                                   "quantity": Decimal(2), "unit": "item", "recurrence": "one_off"}),
    ]:
        made[resource_id] = Resource.objects.create(resource_id=resource_id, cbo=cbo, description_en=resource_id,
                                                    **values)
    return made


def totals(computed) -> dict[str, Decimal]:
    return {g.key: g.value for g in computed.disaggregation["resource_total"]}


@pytest.mark.django_db
def test_resources_mobilised_counts_one_off_ones_in_the_period_and_monthly_ones_by_the_month(world, resources):
    computed = resources_mobilised(programme=None, period=2024, kinds=[], source_types=[])
    # RS-6 was given in 2023; RS-2 (from November 2023, still given) and RS-4 (from October 2024) are monthly.
    assert computed.numerator_pks == sorted(resources[r].pk for r in ("RS-1", "RS-2", "RS-3", "RS-4", "RS-5"))
    assert computed.kind == "plans.resource" and computed.value == Decimal(5)
    assert computed.breakdown == {"cbos": 2, "one_off": 3, "monthly": 2, "total_KHR": 400000, "total_USD": 3120}
    assert totals(computed) == {
        "money.ngo.USD": Decimal(3000), "money.authority.USD": Decimal(120),  # 12 months of $10
        "money.authority.KHR": Decimal(400000),  # riels apart, never converted
        "land.authority.square_metre": Decimal(375), "in_kind.community.litre": Decimal(900)}  # Oct-Dec
    later = resources_mobilised(programme=None, period=2025, kinds=[], source_types=[])
    assert totals(later) == {"money.authority.USD": Decimal(120), "in_kind.community.litre": Decimal(900)}
    money = resources_mobilised(programme=None, period=2023, kinds=["money"], source_types=["authority"])
    assert totals(money) == {"money.authority.USD": Decimal(20)}  # November and December 2023
    label = next(g for g in computed.disaggregation["resource_total"] if g.key == "money.authority.KHR")
    assert (label.label_en, label.numerator) == ("money, authority: riels", 400000)


@pytest.mark.django_db
def test_the_drill_down_shows_a_reader_only_the_resources_of_the_cbos_they_may_see(world, resources):
    pks = [r.pk for r in resources.values()]
    assert selectors.resource_records(world.me_officer, pks)[0] == 6
    visible, listed = selectors.resource_records(world.officer, pks)  # Kampong Thom's officer
    assert visible == 3 and {r.cbo for r in listed} == {world.cbo}
    assert selectors.resource_records(world.outsider, pks)[0] == 3  # Kratie's: the other CBO's only
    assert selectors.resource_records(world.cbo_user, pks)[0] == 3
    from django.contrib.auth.models import AnonymousUser

    assert selectors.resource_records(AnonymousUser(), pks)[0] == 0  # no CBO is public


@pytest.mark.django_db
def test_the_figures_drill_down_lists_the_resources_a_reader_may_see_without_a_persons_name(world, resources):
    from django.utils import translation

    from samleng.results.models import Snapshot
    from samleng.results.selectors import drilldown

    Resource.objects.filter(resource_id="RS-4").update(source_name="Mrs Chan Sokha")
    computed = resources_mobilised(programme=None, period=2024, kinds=[], source_types=[])
    snapshot = Snapshot(period=2024, records={"kind": computed.kind, "numerator": computed.numerator_pks,
                                              "denominator": computed.denominator_pks})
    with translation.override("en"):
        shown = drilldown(snapshot, user=world.officer, part="numerator")
    assert (shown.total, shown.hidden) == (5, 2)  # Kratie's two resources are counted, never listed
    assert [r.label for r in shown.records] == ["RS-1 RS-1", "RS-2 RS-2", "RS-3 RS-3"]
    assert "3,000 US dollars" in shown.records[0].detail and "authority (" in shown.records[1].detail
    everything = drilldown(snapshot, user=world.me_officer, part="numerator")
    assert everything.hidden == 0 and "Mrs Chan Sokha" not in str(everything.records)
