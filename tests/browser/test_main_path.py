"""The main path of a field officer, in headless Chromium on a 360-pixel phone screen, in both languages:
log in with two-factor, register a CBO, record its issue, record an event where the issue is raised,
record the issue partly solved and then solved, and see it solved on the CBO's page."""

import datetime as dt

import pytest
from django.utils import translation

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.advocacy.models import Issue, Status
from samleng.cbos.models import CBO
from samleng.conftest import make_user
from samleng.core.dates import long_date
from samleng.engagement.models import UpdateAtEvent
from samleng.places.models import Place
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot

pytestmark = pytest.mark.browser


def save(page) -> None:
    """Press the form's visible save button (the event form also has a button that only refreshes)."""
    page.locator("main form button:visible:not([name=refresh])").last.click()


@pytest.mark.parametrize("language", ["en", "km"])
def test_follow_an_issue_from_raised_to_solved(live_server, gazetteer, phone, language):
    officer = make_user("sokha", User.Role.FIELD_OFFICER, provinces=[Place.objects.get(code="06")])
    secret = user_totp_setup(user=officer, confirmed=True)
    page, base = phone, live_server.url
    choose_language(page, base, language)
    log_in(page, base, officer, secret)

    # Register the CBO, typing places as people do ("Kleng" is spelled Klaeng in the gazetteer).
    page.goto(base + "/cbos/new/")
    assert fits_the_screen(page)
    page.fill('input[name="cbo_id"]', "CBO-E2E")
    page.fill('input[name="name_en"]', "Boeung Chang Boeung Prang Community Fishery")
    page.fill('input[name="name_km"]', "សហគមន៍នេសាទបឹងចាងបឹងប្រាំង")
    page.select_option('select[name="type"]', "community_fishery")
    page.fill('input[name="province"]', "Kompong Thom")
    page.fill('input[name="district"]', "Sandan")
    page.fill('input[name="commune"]', "Kleng")
    save(page)
    cbo = CBO.objects.get(cbo_id="CBO-E2E")
    assert cbo.commune.code == "060603"
    page.wait_for_url(f"**/cbos/{cbo.pk}/")

    # Record its main issue.
    page.goto(f"{base}/cbos/{cbo.pk}/issues/new/")
    page.fill('input[name="issue_id"]', "ISS-E2E")
    page.fill('input[name="title_en"]', "Canal that feeds the community lake has silted up")
    page.fill('input[name="title_km"]', "ប្រឡាយដែលផ្គត់ផ្គង់ទឹកបឹងសហគមន៍រាក់")
    page.select_option('select[name="topic"]', "water")
    page.select_option('select[name="duty_bearer_level"]', "commune")
    page.fill('input[name="raised_on"]', "2023-03-01")
    page.check('input[name="is_main"]')
    assert fits_the_screen(page)
    save(page)
    issue = Issue.objects.get(issue_id="ISS-E2E")
    page.wait_for_url(f"**/issues/{issue.pk}/")

    # Record the commune meeting where the issue was raised.
    page.goto(base + "/events/new/")
    page.select_option('select[name="type"]', "commune_council_meeting")
    page.fill('input[name="title"]', "Community-commune meeting on the canal")
    page.fill('input[name="date"]', "2023-03-15")
    page.select_option('select[name="province"]', str(Place.objects.get(code="06").pk))
    page.fill('input[name="district"]', "Sandan")
    page.fill('input[name="commune"]', "Kleng")
    page.check(f'input[name="issues"][value="{issue.pk}"]')
    assert fits_the_screen(page)
    save(page)
    page.wait_for_url(lambda url: "/events/new/" not in url)
    assert issue.events_raised_at.count() == 1

    # Partly solved at that meeting, then solved a year later.
    for status, day in [(Status.PARTLY_SOLVED, "2023-03-15"), (Status.SOLVED, "2024-07-12")]:
        page.goto(f"{base}/issues/{issue.pk}/updates/new/")
        page.select_option('select[name="status"]', status.value)
        page.fill('input[name="date"]', day)
        page.fill('textarea[name="note"]', f"{status.label} ({day})")
        if status == Status.PARTLY_SOLVED:
            page.select_option('select[name="event"]', index=1)
        save(page)
        page.wait_for_url(f"**/issues/{issue.pk}/")
    issue.refresh_from_db()
    assert issue.status == Status.SOLVED
    assert [u.status for u in issue.updates.order_by("date")] == ["partly_solved", "solved"]
    assert UpdateAtEvent.objects.filter(update=issue.updates.get(status="partly_solved")).exists()

    # The CBO's page shows the issue solved, in the page's language.
    page.goto(f"{base}/cbos/{cbo.pk}/")
    with translation.override(language):
        solved, cbo_name = str(Status.SOLVED.label), (cbo.name_km if language == "km" else cbo.name_en)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").inner_text().strip().startswith(cbo_name)
    row = page.locator("main tr", has_text="ISS-E2E")
    assert solved in row.inner_text()
    if language == "km":
        assert solved != "solved", "the status has no Khmer translation"
    assert fits_the_screen(page)
    screenshot(page, f"cbo-page-issue-solved-{language}-360")

    # And the issue's page tells the whole story in order.
    page.goto(f"{base}/issues/{issue.pk}/")
    story = page.locator("main").inner_text()
    raised, solved_on = long_date(dt.date(2023, 3, 1), language), long_date(dt.date(2024, 7, 12), language)
    assert raised in story and solved_on in story
    screenshot(page, f"issue-story-{language}-360")
