"""The demo's stories (`samleng setup --demo`): the report's six case studies on the public stories page in Khmer,
the fishery's story linked from the Klaeng canal on the commune's budget page and from its CBO's page, and the
donor report's annex of 2024 holding the two stories told that year."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from samleng.cbos.models import CBO
from samleng.conftest import assert_small_and_private
from samleng.stories.models import Story
from samleng.stories.selectors import public_stories, report_stories


@pytest.mark.django_db
def test_the_demo_tells_the_six_case_studies_publicly_and_links_the_canal():
    output = io.StringIO()
    call_command("setup", "--demo", stdout=output)
    assert "case studies: 8 stories linked to their budget projects or chosen for the report" in output.getvalue()
    assert public_stories().count() == 6
    page = Client().get(reverse("stories:public_list"))  # Khmer by default
    assert_small_and_private(page, ["Sar Mol", "012"])
    html = page.content.decode()
    assert "សហគមន៍នេសាទទទួលបានទឹកមកវិញសម្រាប់បឹងរបស់ខ្លួន" in html and "ការពារព្រៃដោយគ្មានថវិកាសម្រាប់ការល្បាត" in html
    story = Story.objects.get(story_id="ST-KT-2024-1")
    assert {link.target for link in story.links.filter(link_type="budget_project")} == {
        "060603-2024-CANAL", "060603-2025-CANAL"}
    budget = Client().get(reverse("budgets:unit", args=["060603"])).content.decode()
    assert reverse("stories:public_detail", args=["ST-KT-2024-1"]) in budget
    fishery = CBO.objects.get(cbo_id="CBO-KT-001")
    assert reverse("stories:public_detail", args=["ST-KT-2024-1"]) in Client().get(
        reverse("cbos:public_detail", args=[fishery.pk])).content.decode()
    assert [s["story_id"] for s in report_stories(2024)] == ["ST-KT-2024-1", "ST-PS-2024-1"]
    assert "case studies: stories already linked and chosen" in _again()


def _again() -> str:
    output = io.StringIO()
    call_command("setup", "--demo", stdout=output)
    return output.getvalue()
