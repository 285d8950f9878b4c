"""Issue 15's "done when": on a 360-pixel phone in Khmer, every public and staff page of the demo (the results table,
an indicator's page, issue, CBO, event, budget, procurement and request pages, the import's mistakes...) shows the
Khmer text of every record that has one, never its English text; fits the screen (no sideways scrolling); and the
links a reader expects are there both ways (the Klaeng canal issue and the commune's canal projects)."""

import re

import pytest
from django.apps import apps

from samleng.advocacy.models import Issue
from samleng.engagement.models import Event
from samleng.results.models import Programme
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot
from tests.browser.test_accessibility import (  # noqa: F401 (demo: a fixture)
    concession_page,
    demo,
    procurement_page,
    staff_pages,
)
from tests.browser.test_phone_width import page_name, public_pages, rejected_run

pytestmark = pytest.mark.browser

WIDTH = 360

#: The record texts written in both languages: (model, English field, Khmer field).
BILINGUAL_FIELDS = [
    ("advocacy.Issue", "title_en", "title_km"), ("advocacy.Issue", "description", "description_km"),
    ("advocacy.IssueUpdate", "note", "note_km"), ("advocacy.Commitment", "promise", "promise_km"),
    ("cbos.CBO", "name_en", "name_km"), ("engagement.Event", "title", "title_km"),
    ("results.Programme", "name", "name_km"), ("results.Outcome", "statement_en", "statement_km"),
    ("results.Indicator", "statement_en", "statement_km"), ("results.Narrative", "text_en", "text_km"),
    ("budgets.Project", "title_en", "title_km"), ("budgets.Category", "name_en", "name_km"),
    ("budgets.Category", "explanation_en", "explanation_km"), ("places.Place", "name_en", "name_km"),
    ("places.Office", "name_en", "name_km"), ("places.Facility", "name_en", "name_km"),
    ("transparency.LandConcession", "name", "name_km"), ("transparency.ProcurementProject", "title", "title_km"),
    ("transparency.InformationRequest", "subject_en", "subject_km"), ("transparency.RequestEvent", "note", "note_km"),
]

#: The apps whose records pages show.
DOMAIN_APPS = ("places", "cbos", "advocacy", "engagement", "budgets", "results", "transparency", "comments")

#: The text a reader sees that has Latin letters, one string per text node, option or label: not scripts, not a
#: form field's own content (an edit form holds the English field's text), and not what a page shows on purpose in
#: the other language beside the reader's (`.other-lang`, `.other-name`: a place found by its English name, the
#: glossary's two languages side by side, the English title among an issue's facts on its staff page).
LATIN_TEXT = """() => {
    const latin = /[A-Za-z]/, found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || el.closest('script, style, textarea, .other-lang, .other-name')) continue;
        if (latin.test(node.textContent)) found.push(node.textContent);
    }
    for (const el of document.querySelectorAll('[title], [aria-label], img[alt], [placeholder]'))
        for (const name of ['title', 'aria-label', 'alt', 'placeholder'])
            if (latin.test(el.getAttribute(name) || '')) found.push(el.getAttribute(name));
    return found;
}"""


#: The innermost elements that reach past the screen's right edge: what makes a page too wide.
WIDER_THAN_THE_SCREEN = """(width) => [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 1
                  && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
    .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 40)}`)"""


def normalised(text: str) -> str:
    return " ".join(text.split())


def english_alone() -> list[str]:
    """The texts with Latin letters of the demo's records that have no Khmer beside them (people's and companies'
    names, a buyer's code, a procurement title written only in English), longest first: a place's name inside one
    of them ("Textbooks for grades 1 to 6, Kampong Thom province") is not the place shown in English."""
    bilingual = {(apps.get_model(label)._meta.label, field) for label, english, khmer in BILINGUAL_FIELDS
                 for field in (english, khmer)}
    texts = set()
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label
            fields = [f.name for f in model._meta.concrete_fields  # not search keys: they are never shown
                      if f.get_internal_type() in ("CharField", "TextField") and (label, f.name) not in bilingual
                      and not f.name.startswith("key_") and f.name not in ("search_text", "password")]
            for field in fields:
                texts.update(v for v in model.objects.exclude(**{field: ""}).values_list(field, flat=True).distinct()
                             if v and re.search("[A-Za-z]", v))
    for label, english, khmer in BILINGUAL_FIELDS:
        texts.update(apps.get_model(label).objects.filter(**{khmer: ""}).exclude(**{english: ""})
                     .values_list(english, flat=True))
    return sorted((normalised(t) for t in texts), key=len, reverse=True)


def english_with_khmer() -> dict[str, str]:
    """{English text: its model and field} of every record of the demo whose text is also written in Khmer. A long
    text is known by its first line (a page breaks lines into elements of their own), at most 80 characters cut
    at a word; an English text that another record has without Khmer is left out (that one may show it)."""
    with_khmer, english_only = {}, set()
    for label, english, khmer in BILINGUAL_FIELDS:
        model = apps.get_model(label)
        for en, km in model.objects.exclude(**{english: ""}).values_list(english, khmer):
            first_line = normalised(en.strip().splitlines()[0]) if en.strip() else ""
            if len(first_line) > 80:
                first_line = first_line[:80].rsplit(" ", 1)[0]
            if not first_line or not re.search("[A-Za-z]", first_line):
                continue
            if km.strip():
                with_khmer.setdefault(first_line, f"{label}.{english}")
            else:
                english_only.add(first_line)
    return {text: where for text, where in with_khmer.items() if text not in english_only}


def english_shown(page, texts: dict[str, str], alone: list[str]) -> list[str]:
    """The English record texts of `texts` that the page shows (whole words: "Chas" is not in "purchase"), outside
    the texts `alone` (english_alone)."""
    shown = normalised("\n".join(page.evaluate(LATIN_TEXT)))
    for text in alone:
        shown = " | ".join(shown[start:end] for start, end in _outside(shown, text))
    return [f"{text!r} ({where})" for text, where in texts.items() if _whole_words_at(shown, text)]


def _whole_words_at(shown: str, text: str) -> list[int]:
    """Where `text` stands in `shown` as whole words (not inside a longer word)."""
    found, start = [], shown.find(text)
    while start != -1:
        before, after = shown[start - 1:start], shown[start + len(text):start + len(text) + 1]
        if not (before.isalnum() or after.isalnum()):
            found.append(start)
        start = shown.find(text, start + 1)
    return found


def _outside(shown: str, text: str) -> list[tuple[int, int]]:
    """The spans of `shown` around the places where `text` stands as whole words."""
    spans, start = [], 0
    for at in _whole_words_at(shown, text):
        spans.append((start, at))
        start = at + len(text)
    return spans + [(start, len(shown))]


def khmer_pages(officer) -> tuple[list[str], list[str]]:
    """The public and the staff pages to read: the 360-px test's (every list, form and kind of record), and every
    public issue and CBO, the canal issue's staff page, each indicator's page and an event where it was raised."""
    public = public_pages()
    for issue in Issue.objects.filter(is_public=True, cbo__is_public=True).select_related("cbo").order_by("pk"):
        public += [f"/public/issues/{issue.pk}/", f"/communities/{issue.cbo.pk}/"]
    canal = canal_issue()
    programme = Programme.objects.get()
    staff = staff_pages() + [f"/issues/{canal.pk}/", f"/cbos/{canal.cbo.pk}/", rejected_run(officer)]
    staff += [f"/results/{programme.code}/{i.code}/" for i in programme.indicators.order_by("code")]
    staff += [f"/events/{e.pk}/" for e in Event.objects.filter(issues_raised=canal).order_by("pk")[:2]]
    return list(dict.fromkeys(public)), list(dict.fromkeys(staff))


def canal_issue() -> Issue:
    """The Boeung Chang Boeung Prang fishery's canal, raised in 2022 and solved in 2024 (the README's story)."""
    return Issue.objects.get(cbo__cbo_id="CBO-KT-001", is_main=True)


def read_in_khmer(page, base: str, paths: list[str], texts: dict[str, str], alone: list[str]) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(base + path)
        assert response.ok, (path, response.status)
        assert page.locator("html").get_attribute("lang") == "km", path
        problems += [f"{path}: English {found}" for found in english_shown(page, texts, alone)]
        if not fits_the_screen(page, WIDTH):
            problems.append(f"{path}: {page.evaluate('document.documentElement.scrollWidth')} px wide, by "
                            f"{page.evaluate(WIDER_THAN_THE_SCREEN, WIDTH)}")
            screenshot(page, f"khmer-wide-{page_name(path)}")
    return problems


def test_khmer_pages_show_the_khmer_of_every_record_and_fit_360_px(live_server, phone, demo):  # noqa: F811
    officer, secret = demo
    page, base = phone, live_server.url
    texts, alone = english_with_khmer(), english_alone()
    assert len(texts) > 1000  # the demo's texts in both languages, places included
    public, staff = khmer_pages(officer)
    # The check finds English where there is some: the canal issue's page in English shows its English title.
    canal = canal_issue()
    choose_language(page, base, "en")
    page.goto(f"{base}/public/issues/{canal.pk}/")
    assert any(canal.title_en in found for found in english_shown(page, texts, alone))
    choose_language(page, base, "km")
    problems = read_in_khmer(page, base, public, texts, alone)
    log_in(page, base, officer, secret)
    problems += read_in_khmer(page, base, staff, texts, alone)
    assert not problems, f"{len(problems)} problems on {len(public) + len(staff)} pages:\n" + "\n".join(problems)


KLAENG_CANAL_2024 = "060603-2024-CANAL"


def test_the_links_a_reader_expects_in_khmer_without_javascript(live_server, phone_without_javascript, demo):  # noqa: F811
    """A reader in Khmer on a phone without JavaScript goes from the fishery's page to its commune's budget, from
    there to the canal issue raised in the commune, from the issue to the 400 million riel canal project it led to,
    and from the project back to the issue; the district's budget lists its communes, the province its districts."""
    from samleng.budgets.models import Project

    page, base = phone_without_javascript, live_server.url
    choose_language(page, base, "km")
    canal = canal_issue()
    project = Project.objects.get(project_id=KLAENG_CANAL_2024)

    def seen(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == "km"
        assert fits_the_screen(page, WIDTH), (page.url, page.evaluate(WIDER_THAN_THE_SCREEN, WIDTH))
        screenshot(page, f"khmer-links-{name}")

    page.goto(f"{base}/communities/{canal.cbo.pk}/")
    page.locator("main p.budget-link a").click()
    page.wait_for_url("**/budgets/060603/")
    seen("commune-budget")
    issues_here = page.locator("main section.place-issues")
    assert issues_here.locator("a", has_text=canal.title_km).count() == 1

    issues_here.locator("a", has_text=canal.title_km).click()
    page.wait_for_url(f"**/public/issues/{canal.pk}/")
    seen("canal-issue")
    led_to = page.locator("main ul.projects-led")
    assert led_to.locator("a", has_text=project.title_km).count() == 1
    assert "៤០០,០០០,០០០ រៀល" in led_to.inner_text()

    led_to.locator("a", has_text=project.title_km).click()
    page.wait_for_url(f"**/budgets/060603/?year=2024#project-{KLAENG_CANAL_2024}")
    seen("canal-project")
    entry = page.locator(f"main li#project-{KLAENG_CANAL_2024}")
    assert project.title_km in entry.inner_text() and "៤០០,០០០,០០០" in entry.inner_text()
    assert "បញ្ហាដែលនាំឱ្យមានគម្រោងនេះ" in entry.inner_text()
    entry.locator("a", has_text=canal.title_km).click()
    page.wait_for_url(f"**/public/issues/{canal.pk}/")

    page.goto(f"{base}/budgets/0606/")
    assert page.locator("main ul.places.inside a", has_text="ក្លែង").count() == 1  # Sandan's communes
    seen("district-budget")
    page.goto(f"{base}/budgets/06/")  # Kampong Thom has no budget of its own: its districts
    assert page.locator("main a", has_text="សណ្ដាន់").count() >= 1
    seen("province")
