"""A joint plan from its endorsement to an action done with evidence, in headless Chromium on a 360-px phone in
Khmer (issue 14): the plan and its actions come in by the programme workbook; the district administration's
user posts that an action is done, with a photo of the notice board as evidence; it waits for staff; a field
officer of the province confirms it; a visitor, without JavaScript, reads the district's public page and the
plan's, where the action is done and the other one is late, and no note or evidence shows."""

import pytest
from PIL import Image

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.conftest import make_user
from samleng.core.workbook.run import run
from samleng.imports.kinds import PROGRAMME_KIND
from samleng.imports.tests.workbooks import write_xlsx
from samleng.places.models import Office, Place
from samleng.plans.models import Action
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _plan_imported(tmp_path) -> None:
    book = {
        "joint_plans": [
            ["joint_plan_id", "title_en", "title_km", "origin", "authority", "authority_level", "province",
             "district", "endorsed_on", "csos", "public"],
            ["JP-1", "Joint recommendations on civic engagement, Sandan", "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ ស្រុកសណ្ដាន់",
             "joint_recommendations", "Sandan district administration", "district", "06", "0606", "2022-01-10",
             "CPDD", "yes"]],
        "joint_plan_actions": [
            ["action_id", "joint_plan_id", "what_en", "what_km", "responsible_type", "responsible",
             "responsible_level", "due_on"],
            ["A-1", "JP-1", "Post council meeting notices at the district hall", "បិទសេចក្តីជូនដំណឹងកិច្ចប្រជុំនៅសាលាស្រុក",
             "office", "Sandan district administration", "district", "2022-03-31"],
            ["A-2", "JP-1", "Publish the district budget", "ផ្សព្វផ្សាយថវិកាស្រុក", "office",
             "Sandan district administration", "district", "2022-06-30"]],
    }
    result = run(PROGRAMME_KIND, write_xlsx(tmp_path / "plan.xlsx", book))
    assert result.ok, [str(e) for e in result.errors]


def test_a_plan_from_endorsement_to_an_action_done(live_server, gazetteer, media, browser,
                                                   phone_without_javascript, tmp_path):
    base = live_server.url
    _plan_imported(tmp_path)
    office = Office.objects.get(name_en="Sandan district administration")
    photo = tmp_path / "notice-board.jpg"
    Image.new("RGB", (64, 48), "blue").save(photo, "JPEG")

    authority = make_user("sandan-office", User.Role.AUTHORITY, office=office)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
    page = context.new_page()
    choose_language(page, base, "km")
    log_in(page, base, authority, user_totp_setup(user=authority, confirmed=True))
    page.goto(base + "/plans/JP-1/follow/")
    assert fits_the_screen(page) and "បិទសេចក្តីជូនដំណឹងកិច្ចប្រជុំនៅសាលាស្រុក" in page.content()
    form = page.locator("#A-1 details")
    form.locator("summary").click()
    form.locator('input[name="date"]').fill("2022-03-20")
    form.locator('select[name="status"]').select_option("done")
    form.locator('textarea[name="note_km"]').fill("បានបិទផ្សាយនៅក្តារព័ត៌មាន")
    form.locator('input[name="evidence_file"]').set_input_files(str(photo))
    form.locator("button").click()
    page.wait_for_load_state()
    assert "កំពុងរង់ចាំបុគ្គលិកបញ្ជាក់" in page.content()  # waiting for staff
    assert Action.objects.get(action_id="A-1").status == "planned"
    context.close()

    officer = make_user("kt-officer", User.Role.FIELD_OFFICER, provinces=[Place.objects.get(code="06")])
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
    staff = context.new_page()
    choose_language(staff, base, "km")
    log_in(staff, base, officer, user_totp_setup(user=officer, confirmed=True))
    staff.goto(base + "/plans/JP-1/follow/")
    staff.locator("#A-1 form.inline-form button").click()
    staff.wait_for_load_state()
    assert fits_the_screen(staff) and "ព័ត៌មានថ្មីត្រូវបានបញ្ជាក់" in staff.content()
    screenshot(staff, "plan-followed-km")
    context.close()
    assert Action.objects.get(action_id="A-1").status == "done"

    visitor = phone_without_javascript
    choose_language(visitor, base, "km")
    visitor.goto(base + "/plans/district/0606/")
    assert fits_the_screen(visitor) and "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ ស្រុកសណ្ដាន់" in visitor.content()
    visitor.locator('main a[href="/plans/JP-1/"]').click()
    visitor.wait_for_load_state()
    html = visitor.content()
    assert fits_the_screen(visitor) and "រួចរាល់" in html and "យឺតពេល" in html  # done, and late
    assert "បានបិទផ្សាយនៅក្តារព័ត៌មាន" not in html and "notice-board" not in html  # no note, no evidence
    screenshot(visitor, "plan-public-km")
