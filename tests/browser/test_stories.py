"""The stories' pages on a cheap phone (360 px), in Khmer and in English: the public stories and a story with its
photo, read without JavaScript, and the staff list and a story's staff page with its forms opened; nothing is wider
than the screen. A staff member adds a photo with its consent on the phone, and the public sees it."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot
from tests.browser.test_accessibility import demo  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

WIDTH = 360


def wide_photo() -> SimpleUploadedFile:
    """A landscape photo wider than the screen (1200 px), as a phone camera takes it."""
    data = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 110, 160)).save(data, "JPEG")
    return SimpleUploadedFile("lake.jpg", data.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_stories_pages_fit_360_px(live_server, phone, phone_without_javascript, demo, language,  # noqa: F811
                                      settings, tmp_path):
    from samleng.stories.models import Story
    from samleng.stories.services import photo_add

    settings.MEDIA_ROOT = tmp_path
    officer, secret = demo
    story = Story.objects.get(story_id="ST-KT-2024-1")
    photo_add(user=officer, story=story, image=wide_photo(), caption_en="The restored canal",
              caption_km="ប្រឡាយដែលបានស្តារ", given_by="The community's leader", given_on=dt.date(2024, 7, 12),
              method="written", for_public=True, for_reports=True)
    base, wide = live_server.url, []
    visitor = phone_without_javascript
    choose_language(visitor, base, language)
    for path in ("/stories/", "/stories/ST-KT-2024-1/", "/stories/ST-PS-2023-2/"):
        assert visitor.goto(base + path).ok, path
        if not fits_the_screen(visitor, WIDTH):
            wide.append(path)
        screenshot(visitor, f"phone-{language}-stories-{path.strip('/').replace('/', '-')}")
    visitor.goto(base + "/stories/ST-KT-2024-1/")
    assert visitor.locator("main .story-photos img").count() == 1
    assert visitor.locator("main .story-photos img").evaluate("img => img.naturalWidth") > 0
    page = phone
    choose_language(page, base, language)
    log_in(page, base, officer, secret)
    for path in ("/stories/staff/", "/stories/staff/ST-KT-2024-1/", "/stories/staff/new/",
                 "/stories/staff/ST-KT-2024-1/edit/"):
        assert page.goto(base + path).ok, path
        for summary in page.locator("main details summary").all():
            summary.click()  # the forms folded on the page, opened
        if not fits_the_screen(page, WIDTH):
            wide.append(path)
            screenshot(page, f"wide-{language}-stories-{path.strip('/').replace('/', '-')}")
    assert not wide, f"wider than {WIDTH} px ({language}): {wide}"


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_stories_pages_label_their_fields_mark_languages_and_contrast(live_server, phone, demo,  # noqa: F811
                                                                          language):
    from tests.browser.test_accessibility import problems_on

    officer, secret = demo
    page, base = phone, live_server.url
    choose_language(page, base, language)
    public = problems_on(page, base, ["/stories/", "/stories/ST-KT-2024-1/", "/stories/ST-KR-2023-1/"])
    log_in(page, base, officer, secret)
    staff = problems_on(page, base, ["/stories/staff/", "/stories/staff/ST-KT-2024-1/", "/stories/staff/new/",
                                     "/stories/staff/ST-KT-2024-1/edit/"])
    findings = [f"{check}: {finding}" for check in ("unlabelled", "lang", "contrast")
                for finding in public[check] + staff[check]]
    assert not findings, f"({language}):\n" + "\n".join(findings)
