"""Accessibility basics, in headless Chromium on the demo data, public and staff pages in both languages:
every form field has a label; text in the other language than the page's is marked with its `lang`; text and
its background contrast at least 4.5:1 (WCAG AA), in the stylesheets' palette and as the pages render; the
keyboard focus is visible (a :focus-visible style); and the login form and the budget search work with the
keyboard alone."""

import re
from pathlib import Path

import pyotp
import pytest
from django.urls import reverse

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.advocacy.models import Issue
from samleng.cbos.models import CBO
from samleng.conftest import PASSWORD, make_user
from samleng.engagement.models import Event
from samleng.imports.management.commands.setup import Command as SetupCommand
from samleng.notifications.messages import stop_token
from samleng.results.models import Programme
from tests.browser.conftest import choose_language, log_in

STATIC = Path(__file__).resolve().parents[2] / "samleng" / "static"
DEMO = Path(__file__).resolve().parents[2] / "samleng" / "imports" / "demo"
KLAENG = "060603"
#: WCAG 2.1 AA: text against its background (1.4.3), and a focus indicator against what is around it (1.4.11).
TEXT_CONTRAST, FOCUS_CONTRAST = 4.5, 3.0

#: Rules that draw shapes holding no text (a legend's swatches, a timeline's dots): their background is not
#: behind text.
SHAPES = re.compile(r"\.key\b|::before|::after")
PUBLIC_PAGES = ["/", "/budgets/", "/budgets/?q=Kleng", f"/budgets/{KLAENG}/", "/budgets/0606/", "/budgets/national/",
                "/budgets/glossary/", "/communities/", "/public/issues/", "/places/?q=Kleng", "/login/",
                "/password-reset/", "/requests/", "/requests/AIR-KT-2024-01/", "/concessions/",
                "/concessions/?q=rubber", "/offices/", "/offices/?province=10", "/offices/OF-1006-1/",
                "/procurement/", "/procurement/?year=2023", "/procurement/buyer/?name=MoEYS&year=2024",
                "/comments/new/", "/comments/new/?commune=Nowhere-at-all", f"/comments/new/{KLAENG}/",
                "/comments/follow/", "/comments/facility/FAC-060603-CO/", "/assistant/"]


def procurement_page() -> str:
    """The public page of the demo's first procurement project."""
    from samleng.transparency.models import ProcurementProject

    return f"/procurement/{ProcurementProject.objects.order_by('pk').first().pk}/"


def concession_page() -> str:
    """The public page of the demo's concession next to Treap Kwan Pi (its sources disagree on the area)."""
    from samleng.transparency.models import LandConcession

    return f"/concessions/{LandConcession.objects.get(elc_id='ELC-KR-001').pk}/"


# ---- the palette of the stylesheets ---------------------------------------------------------------------------


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def hex_colour(value: str) -> tuple[int, int, int] | None:
    value = value.strip().lower()
    if value in ("#fff", "white"):
        return (255, 255, 255)
    match = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", value)
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))


def palette_pairs() -> list[tuple[str, str, str, float]]:
    """(file and selector, text colour, background, ratio) for every rule of the stylesheets that sets a text
    colour, a background or both: a colour alone is read on the page's backgrounds (white and --bg), a
    background alone under the page's text (--ink)."""
    sheets = {path.name: re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
              for path in sorted(STATIC.glob("*.css"))}
    variables = dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})", sheets["samleng.css"]))

    def resolve(value: str) -> str:
        return re.sub(r"var\(--([\w-]+)\)", lambda m: variables.get(m.group(1), m.group(0)), value).strip()

    ink, page_backgrounds = variables["ink"], ["#fff", variables["bg"]]
    pairs = []
    for name, text in sheets.items():
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            declarations = dict((k.strip(), resolve(v)) for k, v in
                                (d.split(":", 1) for d in body.split(";") if ":" in d))
            # Only plain colours: inherit, currentColor, none and transparent take the colour around them.
            colour = declarations.get("color", "")
            colour = colour if hex_colour(colour) else None
            background = (declarations.get("background-color") or declarations.get("background") or "none").split()[0]
            background = background if hex_colour(background) else None
            if not colour and not background or not colour and SHAPES.search(selector):
                continue
            for fg, bg in [(colour or ink, background)] if background else [(colour, b) for b in page_backgrounds]:
                pairs.append((f"{name} {selector.strip()}", fg, bg, contrast(hex_colour(fg), hex_colour(bg))))
    return pairs


def test_the_palette_of_the_stylesheets_has_enough_contrast():
    pairs = palette_pairs()
    assert len(pairs) > 20  # the check reads the stylesheets
    weak = [f"{where}: {fg} on {bg} is {ratio:.2f}:1" for where, fg, bg, ratio in pairs if ratio < TEXT_CONTRAST]
    assert not weak, "\n".join(weak)


def test_a_focus_visible_style_exists():
    css = (STATIC / "samleng.css").read_text(encoding="utf-8")
    rule = re.search(r":focus-visible[^{]*\{([^}]*)\}", css)
    assert rule, "samleng.css has no :focus-visible style"
    assert "outline" in rule.group(1)


# ---- the pages as they render ----------------------------------------------------------------------------------

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')].filter(el => {
    if (el.type === 'hidden' || el.closest('[aria-hidden=true]')) return false;
    const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
        .map(id => (document.getElementById(id) || {}).textContent || '').join('');
    const labels = [...(el.labels || [])].map(l => l.textContent).join('');
    const own = el.tagName === 'BUTTON' ? el.textContent
        : (el.type === 'submit' || el.type === 'button' ? el.value : '');
    return !((el.getAttribute('aria-label') || '') + byIds + labels + own).trim();
}).map(el => el.outerHTML.slice(0, 160))"""

# Text in the other language than the nearest `lang` says: Khmer letters where English is declared, or an
# English phrase (two Latin words) where Khmer is. Codes, numbers and single words (PDF, CSV) are not phrases.
WRONG_LANG = """() => {
    const khmer = /[\\u1780-\\u17FF]/, phrase = /[A-Za-z]*[a-z][A-Za-z]*[,;:.']?\\s+[A-Za-z]*[a-z][A-Za-z]*/;
    const wrong = [];
    const check = (el, text) => {
        const lang = (el.closest('[lang]') || document.documentElement).getAttribute('lang') || '';
        const isKhmer = khmer.test(text);
        if (isKhmer && !lang.startsWith('km') || !isKhmer && phrase.test(text) && lang.startsWith('km'))
            wrong.push([lang, text.trim().slice(0, 80)]);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || !node.textContent.trim() || el.closest('script, style, code, kbd, samp, textarea')) continue;
        check(el, node.textContent);
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
        for (const name of ['placeholder', 'aria-label', 'title', 'alt'])
            if (el.getAttribute(name)) check(el, el.getAttribute(name));
    }
    return wrong;
}"""

# Every element that shows text, with its colour and the colour behind it (the first ancestor's background
# that is not transparent, blended when partly so), and the ratio between them.
LOW_CONTRAST = """(minimum) => {
    const parse = c => {
        const m = c.match(/[\\d.]+/g).map(Number);
        return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
    };
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const blend = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));
    const behind = el => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const bg = parse(getComputedStyle(e).backgroundColor);
            if (bg[3] > 0) { layers.push(bg); if (bg[3] === 1) break; }
        }
        return layers.reverse().reduce((under, top) => blend(top, under), [255, 255, 255]);
    };
    const weak = [];
    for (const el of document.body.querySelectorAll('*')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const svg = el instanceof SVGElement;
        const fg = parse(svg ? style.fill : style.color);
        const bg = behind(svg ? el.closest('svg') : el);
        const colour = blend(fg, bg);
        const [hi, lo] = [lum(colour), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const kind = typeof el.className === 'string' && el.className ? '.' + el.className : '';
        const where = el.tagName.toLowerCase() + kind;
        if (ratio < minimum) weak.push([where, el.textContent.trim().slice(0, 40), style.color, ratio.toFixed(2)]);
    }
    return weak;
}"""


@pytest.fixture
def demo(gazetteer):
    """The demo programme and budgets (published), as `samleng setup --demo` loads them, and an M&E officer
    with two-factor set up."""
    from samleng.imports.kinds import budget_workbook_import, workbook_import

    assert workbook_import(DEMO / "programme").ok
    assert budget_workbook_import(DEMO / "budget", publish=True).ok
    SetupCommand().demo_public()  # the case studies on the public pages
    SetupCommand().demo_knowledge()  # the facilities, for the comment pages
    officer = make_user("mande", User.Role.ME_OFFICER)
    return officer, user_totp_setup(user=officer, confirmed=True)


def staff_pages() -> list[str]:
    """The staff pages of the demo's first CBO, issue, event and indicator, the lists and the forms."""
    cbo, issue = CBO.objects.order_by("pk").first(), Issue.objects.order_by("pk").first()
    event = Event.objects.order_by("pk").first()
    programme = Programme.objects.get()
    indicator = programme.indicators.order_by("code").first()
    pages = ["/cbos/", "/cbos/new/", f"/cbos/{cbo.pk}/", f"/cbos/{cbo.pk}/edit/", f"/cbos/{cbo.pk}/people/new/",
             "/issues/", f"/issues/{issue.pk}/", f"/issues/{issue.pk}/edit/", f"/issues/{issue.pk}/updates/new/",
             f"/issues/{issue.pk}/commitments/new/", f"/cbos/{cbo.pk}/issues/new/",
             "/events/", "/events/new/", f"/events/{event.pk}/", f"/events/{event.pk}/attendance/",
             "/assessments/", "/assessments/new/", "/concessions/", "/procurement/projects/", "/requests/new/",
             "/requests/AIR-KT-2024-02/", "/offices/?province=06", "/offices/OF-0606-1/", "/requests/calendar/",
             "/requests/calendar/?month=2024-04",
             concession_page(), procurement_page(), "/imports/", "/results/",
             f"/results/{programme.code}/", f"/results/{programme.code}/reports/", "/budgets/manage/",
             f"/results/{programme.code}/{indicator.code}/", f"/results/{programme.code}/{indicator.code}/edit/",
             "/password-change/", "/comments/moderation/", "/notifications/outbox/", "/notifications/telegram/",
             # The stop link of an e-mail relaying an answer: public, asked for by anyone who has the link.
             reverse("notifications:stop", args=[stop_token("comment", 1)])]
    return pages


def problems_on(page, base: str, paths: list[str]) -> dict[str, list]:
    """What each check finds on each page: {check: [(path, finding), ...]}."""
    found = {"unlabelled": [], "lang": [], "contrast": []}
    for path in paths:
        response = page.goto(base + path)
        assert response.ok, (path, response.status)
        found["unlabelled"] += [(path, f) for f in page.evaluate(UNLABELLED)]
        found["lang"] += [(path, f) for f in page.evaluate(WRONG_LANG)]
        found["contrast"] += [(path, f) for f in page.evaluate(LOW_CONTRAST, TEXT_CONTRAST)]
    return found


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "km"])
def test_fields_labelled_languages_marked_and_contrast_on_every_page(live_server, phone, demo, language):
    officer, secret = demo
    page, base = phone, live_server.url
    choose_language(page, base, language)
    issue = Issue.objects.filter(is_public=True, cbo__is_public=True).order_by("pk").first()
    public = problems_on(page, base, PUBLIC_PAGES + [f"/public/issues/{issue.pk}/", f"/communities/{issue.cbo.pk}/",
                                                     concession_page(), procurement_page()])
    log_in(page, base, officer, secret)
    staff = problems_on(page, base, staff_pages())
    findings = [f"{check}: {finding}" for check in ("unlabelled", "lang", "contrast")
                for finding in public[check] + staff[check]]
    assert not findings, f"({language}):\n" + "\n".join(findings)


def focus_ring(page) -> dict:
    """The focused element and how its focus shows."""
    return page.evaluate("""() => {
        const el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
        return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
                href: el.getAttribute('href') || '', text: (el.textContent || '').trim().slice(0, 40),
                style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor,
                visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                && r.left < window.innerWidth && r.top < window.innerHeight};
    }""")


def tab_to(page, selector: str, most: int = 40) -> int:
    """Press Tab until the element `selector` has the focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} never got the keyboard's focus in {most} presses")


@pytest.mark.browser
def test_the_keyboard_focus_shows_on_every_stop(live_server, phone_without_javascript, demo):
    page, base = phone_without_javascript, live_server.url
    page.goto(base + f"/budgets/{KLAENG}/")
    page.keyboard.press("Tab")
    first = focus_ring(page)
    assert first["href"] == "#main" and first["visible"]  # the skip link shows when it has the focus
    for _ in range(12):
        ring = focus_ring(page)
        assert ring["style"] == "solid" and ring["width"] >= 2, ring  # the site's own ring, not the browser's
        colour = tuple(int(c) for c in re.findall(r"\d+", ring["colour"])[:3])
        assert contrast(colour, (255, 255, 255)) >= FOCUS_CONTRAST and contrast(colour, (250, 251, 252)) >= 3, ring
        assert ring["visible"], ring
        page.keyboard.press("Tab")


@pytest.mark.browser
def test_the_skip_link_and_the_budget_search_with_the_keyboard_alone(live_server, phone_without_javascript, demo):
    page, base = phone_without_javascript, live_server.url
    page.goto(base + "/budgets/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: the next Tab goes into the page's content
    page.wait_for_url("**/budgets/#main")
    tab_to(page, "main input[name=q]", most=3)
    page.keyboard.type("Kleng")
    page.keyboard.press("Enter")
    page.wait_for_url("**/budgets/?q=Kleng")
    tab_to(page, f"main a[href='/budgets/{KLAENG}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/budgets/{KLAENG}/")
    assert "ក្លែង" in page.locator("main h1").inner_text()
    # The language switch is a button: Enter on it reads the same page in English.
    tab_to(page, "form.lang button")
    with page.expect_navigation():  # the switch comes back to this same address
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/budgets/{KLAENG}/")
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.browser
def test_logging_in_with_the_keyboard_alone(live_server, phone, demo):
    officer, secret = demo
    page, base = phone, live_server.url
    page.goto(base + "/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(officer.username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/two-factor/**")
    tab_to(page, "input[name=code]")
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/two-factor/" not in url and "/login/" not in url)
    assert page.locator("form button", has_text=re.compile("Log out|ចាកចេញ")).count() == 1
