"""A link's underline does not cut through Khmer subscript letters (issue 15): on a Khmer page, with the site's
own style sheet, a link whose words stack the deepest subscripts (ស្ត្រី: two subscripts under one letter) is
photographed with and without its underline. The pixels that differ are the underline; the photograph
without it shows the letters' lowest ink. The underline must lie wholly below that ink. The same measurement
of a link with the browser's default underline finds it crossing the subscripts, so the check can fail."""

import io

import pytest
from PIL import Image, ImageChops

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

WORDS = "ស្ត្រី ព្រះរាជាណាចក្រ ក្រុមប្រឹក្សាឃុំ"
#: The browser's own underline: where it sits without the site's offset.
DEFAULT = {"text-underline-offset": "auto", "text-decoration-skip-ink": "none", "text-decoration-thickness": "auto"}
SCALE = 3  # device pixels per CSS pixel: a 1-px underline is 3 rows


def _probe(page, style: dict | None = None) -> None:
    """A link in the page's main column, in the page's language and style sheet (`style` set through the
    CSSOM: the Content-Security-Policy refuses style attributes)."""
    page.evaluate("""([words, style]) => {
        document.getElementById('probe')?.remove();
        const p = document.createElement('p'); p.id = 'probe';
        const a = document.createElement('a'); a.href = '#'; a.textContent = words;
        for (const [property, value] of Object.entries(style)) a.style.setProperty(property, value);
        p.appendChild(a); document.querySelector('main').prepend(p);
    }""", [WORDS, style or {}])


def _rows(page, name: str) -> tuple[int, list[int]]:
    """The lowest row of the letters' ink, and the rows of the underline, in device pixels from the top of a
    clip around the link."""
    link = page.locator("#probe a")
    box = link.bounding_box()
    clip = {"x": box["x"] - 2, "y": box["y"] - 4, "width": box["width"] + 4, "height": box["height"] + 20}
    underlined = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    underlined.save(ARTIFACTS / f"underline-{name}.png")
    link.evaluate("a => { a.style.textDecorationLine = 'none'; }")
    bare = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    width, height = bare.size
    ink = [y for y in range(height) if any(bare.getpixel((x, y)) < 200 for x in range(width))]
    difference = ImageChops.difference(underlined, bare)
    # A row of the underline: at least a fifth of the width differs (skip-ink leaves gaps in it).
    line = [y for y in range(height) if sum(difference.getpixel((x, y)) > 60 for x in range(width)) > width / 5]
    return max(ink), line


def test_a_khmer_links_underline_passes_below_its_subscripts(live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=SCALE,
                                  locale="km-KH")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "km"

    _probe(page)
    lowest_ink, underline = _rows(page, "km-site")
    assert underline, "no underline found"
    assert min(underline) > lowest_ink, (lowest_ink, underline)

    # The browser's default underline crosses the subscripts: the measurement sees it.
    _probe(page, DEFAULT)
    lowest_ink, underline = _rows(page, "km-default")
    assert underline and min(underline) <= lowest_ink, (lowest_ink, underline)
    context.close()
