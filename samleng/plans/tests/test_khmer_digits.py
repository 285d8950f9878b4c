"""On Khmer pages every count and figure is in Khmer digits, zeros included: the public pages of joint plans (a
plan, a district's plans), of scorecards (one, a facility's) and of resources (a public CBO's), the plans list, a
plan's follow-up, the programme's resources, and the CBO pages' links to its resources and advocacy plans, read
in Khmer with data full of zeros (a plan with nothing done, a plan without actions, a criterion without votes,
counts of zero voters, a year without resources). Found so: "0 resources received this year", and the CBO page's
"1 resource mobilised" and "1 advocacy plan", in Latin digits. What is checked is the text a reader sees:
element text and the attributes read out (alt, title, aria-label), never URLs, ids or ISO dates inside
attributes; records' ids shown as they are on staff pages are allowed."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from samleng.advocacy.tests.factories import make_issue
from samleng.conftest import login, place
from samleng.places.models import Facility, Place
from samleng.places.services import office_of_place
from samleng.plans.models import Action, AdvocacyPlan, Criterion, JointPlan, Resource, Scorecard, ScoreCount

D = dt.date
LATIN = re.compile(r"\S*[0-9]\S*")
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # inside <style> or <script>

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def latin_digits(response, allowed: tuple[str, ...] = ()) -> list[str]:
    """The words of a page's visible text that hold a Latin digit (`allowed`: codes shown as they are)."""
    assert response.status_code == 200, response.status_code
    return [word for word in LATIN.findall(visible_text(response.content.decode())) if word not in allowed]


def khmer(client: Client) -> Client:
    """A client reading in Khmer, as the language switch sets it (Khmer is also the default)."""
    client.cookies["samleng_language"] = "km"
    return client


@pytest.fixture
def zeros(world):
    """A district with a public plan whose two actions are neither done nor late, and a public plan without
    actions; a health centre's public scorecards with criteria without votes or with zero counts; a public CBO
    with a public issue, a resource and an advocacy plan."""
    district = office_of_place(user=None, place=Place.objects.get(code="0606"))
    plan = JointPlan.objects.create(
        joint_plan_id="JP-1", title_en="Joint recommendations", title_km="អនុសាសន៍រួម",
        origin="joint_recommendations", authority=district, province=world.kampong_thom,
        endorsed_on=D(2022, 1, 10), public=True, respondents=0, respondents_female=0)
    for number in (1, 2):
        Action.objects.create(action_id=f"A-{number}", plan=plan, what_en="Post notices", what_km="បិទសេចក្តីជូនដំណឹង",
                              responsible_type="office", responsible_office=district, due_on=D(2099, 3, 31))
    JointPlan.objects.create(joint_plan_id="JP-2", title_en="Nothing yet", title_km="មិនទាន់មាន",
                             origin="joint_recommendations", authority=district, province=world.kampong_thom,
                             endorsed_on=D(2022, 2, 1), public=True)
    klaeng = place("060603")
    centre = Facility.objects.create(
        facility_id="FAC-060603-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Klaeng health centre",
        name_km="មណ្ឌលសុខភាពក្លែង", province=klaeng.parent.parent, district=klaeng.parent, commune=klaeng,
        answered_by=office_of_place(user=None, place=klaeng.parent))
    for cycle in (2022, 2023):
        card = Scorecard.objects.create(
            scorecard_id=f"SC-{cycle}", facility=centre, cycle=cycle, met_on=D(cycle, 3, 1), participants_total=10,
            participants_female=0, participants_youth=0, participants_indigenous=0, participants_disability=0,
            participants_id_poor=0, public=True)
        counted = Criterion.objects.create(scorecard=card, number=1, text_en="Staff come on time",
                                           text_km="បុគ្គលិកមកធ្វើការទាន់ពេល", provider_score=3)
        for group, score, voters in (("women", 1, 0), ("women", 5, 6), ("disability", 2, 0)):
            ScoreCount.objects.create(criterion=counted, group=group, score=score, voters=voters)
        Criterion.objects.create(scorecard=card, number=2, text_en="The centre is clean", text_km="មណ្ឌលស្អាត")
    world.cbo.is_public = True
    world.cbo.save(update_fields=["is_public"])
    issue = make_issue(world.cbo, "I-1", is_public=True)  # the CBO's public page shows what other apps add
    AdvocacyPlan.objects.create(plan_id="AP-1", cbo=world.cbo, issue=issue, starts_on=D(2024, 1, 1),
                                ends_on=D(2024, 12, 31), status="active", objective_en="The canal is dredged")
    Resource.objects.create(resource_id="RS-1", cbo=world.cbo, date=D(2024, 6, 1), source_type="ngo",
                            source_name="An NGO", kind="money", amount=Decimal(3000), currency="USD",
                            recurrence="one_off", description_en="Grant for the patrol boat")
    return plan


@pytest.mark.django_db
def test_the_plans_public_pages_show_counts_and_figures_in_khmer_digits(world, zeros):
    public, staff = khmer(Client()), khmer(login(world.me_officer))
    pages = {
        "a plan with nothing done": public.get(reverse("plans:public_plan", args=["JP-1"])),
        "a plan without actions": public.get(reverse("plans:public_plan", args=["JP-2"])),
        "a district's plans": public.get(reverse("plans:public_district", args=["0606"])),
        "the plans list": staff.get(reverse("plans:list")),
        "a plan's follow-up": staff.get(reverse("plans:follow", args=["JP-1"])),
        "a scorecard": public.get(reverse("plans:scorecard", args=["SC-2023"])),
        "a scorecard, staff": staff.get(reverse("plans:scorecard", args=["SC-2023"])),
        "a facility's scorecards": public.get(reverse("plans:facility_scorecards", args=["FAC-060603-HC"])),
        "a public CBO's resources": public.get(reverse("plans:cbo_resources", args=[world.cbo.pk])),
        "the programme's resources": staff.get(reverse("plans:resources"), {"year": 2024}),
        "a year without resources": staff.get(reverse("plans:resources"), {"year": 2020}),
        "a public CBO's page": public.get(reverse("cbos:public_detail", args=[world.cbo.pk])),
        "the CBO's page, its representative": khmer(login(world.cbo_user)).get(
            reverse("cbos:detail", args=[world.cbo.pk])),
    }
    codes = ("JP-1", "JP-2", "A-1", "A-2", "RS-1", "CBO-KT-001", "I-1")  # ids shown as they are, on staff pages
    found = {name: latin_digits(response, allowed=codes) for name, response in pages.items()}
    assert {name: words for name, words in found.items() if words} == {}
    scorecard = visible_text(pages["a scorecard"].content.decode())
    assert "០" in scorecard and "៦" in scorecard  # the zeros are there, in Khmer
