"""An information request from filing to the office's public record, in headless Chromium on a 360-px phone:
a field officer files a request (in Khmer) to Sandan district's administration just before Khmer New Year
(10 April 2024); the office's authority records its answer and uploads the document; the officer confirms it,
which records the delivery; then anyone reads the office's page in Khmer, on the phone, without JavaScript,
and finds the request answered on time and delivered."""

import pytest

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.conftest import make_user
from samleng.core.tests.test_images import tiny_pdf
from samleng.places.models import Place
from samleng.transparency.models import InformationRequest, RequestFile
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_file_answer_deliver_and_read_the_office_record(live_server, gazetteer, media, browser, phone,
                                                        phone_without_javascript, tmp_path):
    base = live_server.url
    officer = make_user("sokha", User.Role.FIELD_OFFICER, provinces=[Place.objects.get(code="06")])
    officer_secret = user_totp_setup(user=officer, confirmed=True)

    # The officer files the request, in Khmer, on a phone.
    page = phone
    choose_language(page, base, "km")
    log_in(page, base, officer, officer_secret)
    page.goto(base + "/requests/new/")
    assert fits_the_screen(page)
    page.fill('input[name="authority"]', "រដ្ឋបាលស្រុកសណ្ដាន់")
    page.select_option('select[name="level"]', "district")
    page.fill('input[name="province"]', "Kampong Thom")
    page.fill('input[name="district"]', "Sandan")
    page.fill('textarea[name="subject_km"]', "ថវិកាស្រុកសណ្ដាន់ឆ្នាំ២០២៤")
    page.select_option('select[name="topic"]', "budget")
    page.fill('input[name="filed_on"]', "2024-04-10")
    page.check('input[name="public"]')
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/requests/new/" not in url)
    filed = InformationRequest.objects.select_related("office").get()
    assert filed.office.level == "district" and filed.office.place.code == "0606"
    # 5 working days after 10 April 2024, Khmer New Year (13-16 April) in between: due on 19 April.
    assert "១៩ មេសា ២០២៤" in page.content()
    screenshot(page, "request-filed-km")

    # The office's authority records its answer and uploads the budget.
    authority = make_user("sandan-office", User.Role.AUTHORITY, office=filed.office)
    authority_secret = user_totp_setup(user=authority, confirmed=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
    office_page = context.new_page()
    choose_language(office_page, base, "km")
    log_in(office_page, base, authority, authority_secret)
    office_page.goto(f"{base}/requests/{filed.request_id}/")
    office_page.fill('input[name="date"]', "2024-04-18")
    office_page.select_option('select[name="event"]', "answered_held")
    office_page.locator('main form:has(select[name="event"]) button[type=submit]').click()
    office_page.wait_for_load_state()
    document = tmp_path / "sandan-budget-2024.pdf"
    document.write_bytes(tiny_pdf(**{"/Author": "Chea Dara"}))
    office_page.select_option('select[name="kind"]', "document")
    office_page.set_input_files('input[name="upload"]', str(document))
    office_page.locator('main form:has(input[name="upload"]) button[type=submit]').click()
    office_page.wait_for_load_state()
    assert "sandan-budget-2024.pdf" in office_page.content() and fits_the_screen(office_page)
    context.close()
    kept = RequestFile.objects.get()
    assert kept.from_office and not kept.confirmed and b"Chea Dara" not in kept.file.read()

    # The officer confirms the document: delivered in full, on the day the NGO received it.
    page.goto(f"{base}/requests/{filed.request_id}/")
    confirm = page.locator('main form:has(select[name="delivered"])')
    confirm.locator('select[name="delivered"]').select_option("delivered")
    confirm.locator('input[name="date"]').fill("2024-04-25")
    confirm.locator("button[type=submit]").click()
    page.wait_for_load_state()
    filed.refresh_from_db()
    assert filed.answered_on.isoformat() == "2024-04-18" and filed.delivered_on.isoformat() == "2024-04-25"
    assert filed.status == "delivered"

    # Anyone reads the office's record in Khmer, on the phone, without JavaScript.
    reader = phone_without_javascript
    reader.goto(f"{base}/offices/{filed.office.office_id}/")
    choose_language(reader, base, "km")
    reader.goto(f"{base}/offices/{filed.office.office_id}/")
    assert fits_the_screen(reader)
    assert "សំណើសុំព័ត៌មាន" in reader.locator("main h2").first.inner_text()
    rows = {row.locator("th").inner_text().strip(): row.locator("td").inner_text().strip()
            for row in reader.locator("main table tr").all()}
    assert rows["បានឆ្លើយទាន់ពេល"] == "១" and rows["ឯកសារដែលបានផ្តល់ទាន់ពេល"] == "១", rows  # answered, delivered
    screenshot(reader, "office-record-km")
    reader.goto(f"{base}/requests/{filed.request_id}/")
    assert "sandan-budget-2024.pdf" in reader.content() and fits_the_screen(reader)
