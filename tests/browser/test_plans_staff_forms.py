"""The plans app's staff forms on a cheap phone, in Khmer and English: a community scorecard, a criterion with its
table of voters by group and score, a CBO's advocacy plan and activity, a resource's edit and a removal's page fit
360 px, every field is labelled (the table's number inputs too), text in the other language is marked, contrast
holds; and a criterion's votes typed on the phone give the median the scorecard's page shows."""

import pytest

from samleng.imports.management.commands.setup import Command as SetupCommand
from samleng.plans.models import AdvocacyPlan, Criterion, Resource
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot
from tests.browser.test_accessibility import (  # noqa: F401 (demo: a fixture)
    LOW_CONTRAST,
    TEXT_CONTRAST,
    UNLABELLED,
    WRONG_LANG,
    demo,
)

pytestmark = pytest.mark.browser

SCORECARD = "SC-020101-HC-2024"


def form_pages() -> list[str]:
    plan = AdvocacyPlan.objects.order_by("plan_id").first()
    activity = plan.activities.order_by("activity_no").first()
    resource = Resource.objects.order_by("resource_id").first()
    return ["/plans/facilities/FAC-020101-HC/scorecards/new/", f"/plans/scorecards/{SCORECARD}/edit/",
            f"/plans/scorecards/{SCORECARD}/criteria/new/", f"/plans/scorecards/{SCORECARD}/criteria/1/edit/",
            f"/plans/cbos/{plan.cbo_id}/advocacy/new/", f"/plans/advocacy/{plan.plan_id}/edit/",
            f"/plans/advocacy/{plan.plan_id}/activities/{activity.activity_no}/edit/",
            f"/plans/resources/{resource.resource_id}/edit/", f"/plans/resources/{resource.resource_id}/remove/"]


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_plans_staff_forms_on_a_phone(live_server, phone, demo, language):  # noqa: F811
    officer, secret = demo
    SetupCommand().demo_scorecards()
    page, base = phone, live_server.url
    choose_language(page, base, language)
    log_in(page, base, officer, secret)
    found = []
    for path in form_pages():
        response = page.goto(base + path)
        assert response.ok, (path, response.status)
        if not fits_the_screen(page):
            found.append((path, "width", page.evaluate("document.documentElement.scrollWidth")))
            screenshot(page, f"wide-{language}-{path.strip('/').replace('/', '-')}")
        found += [(path, "unlabelled", f) for f in page.evaluate(UNLABELLED)]
        found += [(path, "lang", f) for f in page.evaluate(WRONG_LANG)]
        found += [(path, "contrast", f) for f in page.evaluate(LOW_CONTRAST, TEXT_CONTRAST)]
    assert not found, f"({language}): {found}"
    # A criterion's votes typed on the phone: women 2 x 3, 3 x 4; the scorecard's page gives the median 4.
    page.goto(base + f"/plans/scorecards/{SCORECARD}/criteria/new/")
    screenshot(page, f"phone-{language}-criterion-form")
    page.fill('textarea[name="text_en"]', f"The midwife is there at night ({language})")
    page.fill('input[name="provider_score"]', "4")
    page.fill('input[name="votes_women_3"]', "2")
    page.fill('input[name="votes_women_4"]', "3")
    page.click('main form.stacked button[type="submit"]')
    page.wait_for_url(f"**/plans/scorecards/{SCORECARD}/")
    criterion = Criterion.objects.get(scorecard__scorecard_id=SCORECARD, text_en__startswith="The midwife")
    assert {(c.group, c.score): c.voters for c in criterion.counts.all()} == {("women", 3): 2, ("women", 4): 3}
    section = page.locator("section.criterion", has_text="The midwife").inner_text()
    assert ("៤" if language == "km" else "4") in section
