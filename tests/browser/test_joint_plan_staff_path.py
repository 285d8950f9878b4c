"""A joint plan written on the staff pages and followed to an action done with evidence, in headless Chromium on
a 360-px phone in Khmer (issue 14, "Done when"): a field officer of the province records the plan endorsed by the
district administration, a recommendation and an action serving it (an action due before the endorsement is
refused first, in Khmer, and nothing written); the administration's user posts that the action is done with a
photo as evidence; it waits for staff; the field officer confirms it and the action is done; a visitor without
JavaScript reads the district's public plans page, which fits the screen."""

import datetime as dt

import pytest
from PIL import Image

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.conftest import make_user
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans.models import Action, JointPlan
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _khmer_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_staff_write_a_plan_the_authority_reports_staff_confirm_the_public_reads(
        live_server, gazetteer, media, browser, phone_without_javascript, tmp_path):
    base = live_server.url
    sandan = office_of_place(user=None, place=Place.objects.get(code="0606"))
    today = dt.date.today()
    endorsed, due, done_on = today - dt.timedelta(days=60), today - dt.timedelta(days=10), today - dt.timedelta(days=5)
    officer = make_user("kt-officer", User.Role.FIELD_OFFICER, provinces=[Place.objects.get(code="06")])
    authority = make_user("sandan-office", User.Role.AUTHORITY, office=sandan)

    # The field officer records the plan, its recommendation and its action.
    context, staff = _khmer_phone(browser)
    choose_language(staff, base, "km")
    log_in(staff, base, officer, user_totp_setup(user=officer, confirmed=True))
    staff.goto(base + "/plans/")
    staff.get_by_role("link", name="ផែនការសកម្មភាពរួមថ្មី").click()  # New joint action plan
    assert fits_the_screen(staff)
    form = staff.locator("main form.stacked")
    form.locator('input[name="title_km"]').fill("អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ ស្រុកសណ្ដាន់")
    form.locator('input[name="title_en"]').fill("Joint recommendations on civic engagement, Sandan")
    form.locator('select[name="origin"]').select_option("joint_recommendations")
    form.locator('input[name="authority"]').fill(sandan.office_id)
    form.locator('input[name="endorsed_on"]').fill(endorsed.isoformat())
    form.locator('input[name="csos"]').fill("CPDD")
    form.locator('input[name="public"]').check()
    form.locator('button[type="submit"]').click()
    staff.wait_for_url("**/follow/")
    plan = JointPlan.objects.get()
    assert (plan.authority, plan.endorsed_on, plan.public) == (sandan, endorsed, True)

    staff.get_by_role("link", name="បន្ថែមអនុសាសន៍").click()  # Add a recommendation
    staff.locator('textarea[name="text_km"]').fill("ជូនដំណឹងពីកិច្ចប្រជុំក្រុមប្រឹក្សាមុនមួយសប្តាហ៍")
    staff.locator('main form.stacked button[type="submit"]').click()
    staff.wait_for_url("**/follow/")

    staff.get_by_role("link", name="បន្ថែមសកម្មភាព").click()  # Add an action
    assert fits_the_screen(staff)
    form = staff.locator("main form.stacked")
    form.locator('textarea[name="what_km"]').fill("បិទសេចក្តីជូនដំណឹងកិច្ចប្រជុំនៅសាលាស្រុក")
    form.locator('select[name="recommendation"]').select_option(index=1)
    form.locator('input[name="due_on"]').fill((endorsed - dt.timedelta(days=1)).isoformat())
    with staff.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "មុនពេលផែនការរបស់វាត្រូវបានអនុម័ត" in staff.content()  # due before the endorsement: refused
    assert not Action.objects.exists()
    form.locator('input[name="due_on"]').fill(due.isoformat())
    form.locator('button[type="submit"]').click()
    staff.wait_for_url("**/follow/**")
    action = Action.objects.get()
    assert (action.responsible_office, action.recommendation.number, action.status) == (sandan, 1, "planned")
    assert fits_the_screen(staff) and "យឺតពេល" in staff.content()  # late: its day has passed
    staff_context = context  # kept open: a second login in the same half-minute would reuse a code

    # The district administration's user reports it done, with a photo as evidence.
    photo = tmp_path / "notice-board.jpg"
    Image.new("RGB", (64, 48), "blue").save(photo, "JPEG")
    context, page = _khmer_phone(browser)
    choose_language(page, base, "km")
    log_in(page, base, authority, user_totp_setup(user=authority, confirmed=True))
    page.goto(f"{base}/plans/{plan.joint_plan_id}/follow/")
    assert "កែប្រែផែនការ" not in page.content()  # the authority follows the plan, does not edit it
    update = page.locator(f"#{action.action_id} details")
    update.locator("summary").click()
    update.locator('input[name="date"]').fill(done_on.isoformat())
    update.locator('select[name="status"]').select_option("done")
    update.locator('textarea[name="note_km"]').fill("បានបិទផ្សាយនៅក្តារព័ត៌មាន")
    update.locator('input[name="evidence"]').fill("រូបថតក្តារព័ត៌មាន")
    update.locator('input[name="evidence_file"]').set_input_files(str(photo))
    with page.expect_navigation():
        update.locator("button").click()
    assert fits_the_screen(page) and "កំពុងរង់ចាំបុគ្គលិកបញ្ជាក់" in page.content()  # waiting for staff
    action.refresh_from_db()
    assert action.status == "planned"
    context.close()

    # The field officer confirms it: the action is done.
    staff.goto(f"{base}/plans/{plan.joint_plan_id}/follow/")
    with staff.expect_navigation():
        staff.locator(f"#{action.action_id} form.inline-form button").click()
    assert fits_the_screen(staff) and "ព័ត៌មានថ្មីត្រូវបានបញ្ជាក់" in staff.content()
    screenshot(staff, "joint-plan-staff-km")
    staff_context.close()
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", done_on)

    # A visitor without JavaScript reads the district's public plans.
    visitor = phone_without_javascript
    choose_language(visitor, base, "km")
    visitor.goto(base + "/plans/district/0606/")
    html = visitor.content()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    assert "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ ស្រុកសណ្ដាន់" in html and "បានបិទផ្សាយនៅក្តារព័ត៌មាន" not in html
    screenshot(visitor, "joint-plan-district-km")
