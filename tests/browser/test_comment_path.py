"""A citizen's comment from the form to its publication, in headless Chromium on a 360-px phone in Khmer:
a visitor, without JavaScript, types the commune "Kleng", picks the Klaeng commune office, writes a comment
that names a clerk and attaches a photo, keeps the receipt code, follows the comment (held, and why); a
moderator takes the name out and publishes it; the commune office's authority finds it among the comments to
answer and answers "fixed"; the visitor reads the answer with the receipt code (issue 11's whole path). The
e-mail address left never shows on any page the visitor, the moderator or the office's authority sees."""

import re

import pytest
from PIL import Image

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.comments.models import Answer, Comment
from samleng.conftest import make_user
from samleng.places.models import Facility, Place
from samleng.places.services import office_of_place
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot, staff_menu_link

pytestmark = pytest.mark.browser
EMAIL = "planted-browser-k3m9@example.org"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_comment_follow_moderate_and_read(live_server, gazetteer, media, browser, phone_without_javascript,
                                          tmp_path, settings):
    settings.LIMIT_COMMENTS = "0"
    base = live_server.url
    klaeng = Place.objects.get(code="060603")
    office = office_of_place(user=None, place=klaeng)
    Facility.objects.create(facility_id="FAC-060603-CO", type=Facility.Type.COMMUNE_OFFICE,
                            name_en="Klaeng commune office", name_km="សាលាឃុំក្លែង", province=klaeng.parent.parent,
                            district=klaeng.parent, commune=klaeng, answered_by=office)
    photo = tmp_path / "IMG_2024.jpg"
    Image.new("RGB", (64, 48), "green").save(photo, "JPEG")

    page = phone_without_javascript
    choose_language(page, base, "km")
    page.goto(base + "/comments/new/")
    assert fits_the_screen(page)
    page.fill('input[name="commune"]', "Kleng")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/comments/new/060603/" in url)
    assert fits_the_screen(page) and "សាលាឃុំក្លែង" in page.content()
    page.check('input[name="facility"]')
    page.check('input[name="category"][value="fees"]')
    page.check('input[name="rating"][value="2"]')
    page.fill('textarea[name="text"]', "លោក សុខា យកលុយលើសថ្លៃសេវាផ្លូវការ ២០០០០ រៀល")
    page.set_input_files('input[name="photo"]', str(photo))
    page.fill('input[name="email"]', EMAIL)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert fits_the_screen(page) and "រង់ចាំអ្នកត្រួតពិនិត្យ" in page.content() and EMAIL not in page.content()
    screenshot(page, "comment-receipt-km")
    comment = Comment.objects.get()
    assert comment.status == "held" and comment.held_because == ["titled_name", "photo"]

    page.goto(base + "/comments/follow/")
    page.fill('input[name="code"]', code.lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/comments/follow/" in page.url and code not in page.url
    assert "លោក សុខា" in page.content() and fits_the_screen(page)

    moderator = make_user("mande", User.Role.ME_OFFICER)
    secret = user_totp_setup(user=moderator, confirmed=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
    staff = context.new_page()
    choose_language(staff, base, "km")
    log_in(staff, base, moderator, secret)
    staff.goto(base + "/comments/moderation/")
    assert "លោក សុខា" in staff.content() and EMAIL not in staff.content() and fits_the_screen(staff)
    staff.locator("main details summary").first.click()  # "Redact and publish" (a <details>: no script)
    text = staff.locator('textarea[name="text"]')
    text.fill(text.input_value().replace("លោក សុខា", "[…]"))
    staff.locator('button[name="action"][value="redact"]').click()
    staff.wait_for_load_state()
    screenshot(staff, "comment-moderated-km")
    context.close()
    comment = Comment.objects.get()
    assert comment.status == "published" and "សុខា" not in comment.text and "សុខា" in comment.original_text

    authority = make_user("klaeng-office", User.Role.AUTHORITY, office=office)
    authority_secret = user_totp_setup(user=authority, confirmed=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
    office_page = context.new_page()
    choose_language(office_page, base, "km")
    log_in(office_page, base, authority, authority_secret)
    staff_menu_link(office_page, "មតិត្រូវឆ្លើយតប").click()  # "Comments to answer"
    office_page.wait_for_url(lambda url: "/comments/answers/" in url)
    inbox = office_page.content()
    assert "[…]" in inbox and "សុខា" not in inbox and EMAIL not in inbox and fits_the_screen(office_page)
    office_page.locator(f'main a[href="/comments/{comment.pk}/answer/"]').first.click()
    office_page.wait_for_url(lambda url: f"/comments/{comment.pk}/answer/" in url)
    assert fits_the_screen(office_page) and EMAIL not in office_page.content()
    office_page.check('input[name="status"][value="fixed"]')
    office_page.fill('textarea[name="text"]', "ឃុំបានបិទផ្សាយតារាងថ្លៃសេវាផ្លូវការ ហើយបានប្រគល់ប្រាក់ដែលយកលើសវិញ។")
    office_page.locator("main form.comment-form button[type=submit]").click()
    office_page.wait_for_load_state()
    assert "ចម្លើយត្រូវបានផ្សព្វផ្សាយជាសាធារណៈហើយ" in office_page.content()  # "The answer is public."
    screenshot(office_page, "comment-answered-km")
    for url in ("/comments/new/060603/", "/comments/follow/", "/comments/moderation/", f"/comments/{comment.pk}/",
                "/comments/facility/FAC-060603-CO/", f"/offices/{office.office_id}/"):
        office_page.goto(base + url)
        assert EMAIL not in office_page.content() and "សុខា" not in office_page.content()
    context.close()
    answer = Answer.objects.get()
    assert answer.status == "fixed" and answer.review == "published" and not answer.recorded_by_staff

    page.goto(base + "/comments/follow/")
    page.fill('input[name="code"]', code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    followed = page.content()
    assert "មតិរបស់អ្នកត្រូវបានផ្សព្វផ្សាយហើយ" in followed and "សុខា" not in followed
    assert "បានដោះស្រាយហើយ" in followed and "មតិនេះត្រូវបានបិទ" in followed  # "fixed", "the comment is closed"
    assert "ប្រគល់ប្រាក់ដែលយកលើសវិញ" in followed and "រដ្ឋបាលឃុំក្លែង" in followed  # the answer, the office
    assert fits_the_screen(page)
    screenshot(page, "comment-followed-km")
