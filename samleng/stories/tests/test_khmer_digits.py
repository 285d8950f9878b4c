"""On Khmer pages the stories' counts and figures are in Khmer digits: the public list (its provinces with their
numbers of stories, its pages), a story's page (the budget project it tells about, with its fiscal year) and the
joint plan's page that shows the stories about it (plans.tests.test_khmer_digits reads the visible text)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from samleng.budgets.models import Project
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans.models import JointPlan
from samleng.plans.tests.test_khmer_digits import khmer, latin_digits
from samleng.stories.models import Story, StoryLink


@pytest.mark.django_db
def test_the_stories_public_pages_show_counts_and_figures_in_khmer_digits(story, world):
    plan = JointPlan.objects.create(
        joint_plan_id="JP-1", title_en="Joint recommendations", title_km="អនុសាសន៍រួម",
        origin="joint_recommendations", authority=office_of_place(user=None, place=Place.objects.get(code="0606")),
        province=world.kampong_thom, endorsed_on=dt.date(2022, 1, 10), public=True)
    project = Project.objects.create(unit="060603", fiscal_year=2024, project_id="060603-2024-CANAL",
                                     title_en="Canal rehabilitation", cost_khr=400_000_000)
    StoryLink.objects.create(story=story, link_type="joint_plan", target="JP-1", joint_plan=plan)
    StoryLink.objects.create(story=story, link_type="budget_project", target=project.project_id, project=project)
    Story.objects.bulk_create(  # a second province, and more stories than a page holds
        Story(story_id=f"ST-KR-{n}", title_en=f"Forest patrol, week {n}", title_km="ការល្បាតព្រៃ",
              told_on=dt.date(2024, 1, 1) + dt.timedelta(days=n), province=world.kratie, public=True)
        for n in range(1, 21))
    reader = khmer(Client())
    pages = {
        "the list": reader.get(reverse("stories:public_list")),
        "its second page": reader.get(reverse("stories:public_list"), {"page": 2}),
        "a province's stories": reader.get(reverse("stories:public_list"), {"province": "10"}),
        "a story": reader.get(reverse("stories:public_detail", args=["ST-1"])),
        "the plan it tells about": reader.get(reverse("plans:public_plan", args=["JP-1"])),
    }
    found = {name: latin_digits(response) for name, response in pages.items()}
    assert {name: words for name, words in found.items() if words} == {}
    assert "(២០)" in pages["the list"].content.decode()  # Kratie's twenty stories (were counted 1 each)
