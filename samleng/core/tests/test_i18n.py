"""Text marked with its language where it is not the page's (the `lang` filter), so that a screen reader reads
it in the right voice."""

from django.template import Context, Template
from django.utils import translation

from samleng.core.i18n import text_language


def render(text: str, language: str) -> str:
    with translation.override(language):
        return Template("{{ text|lang }}").render(Context({"text": text}))


def test_the_language_of_a_text_is_told_by_its_letters():
    assert text_language("ប្រឡាយ") == "km"
    assert text_language("Klaeng ក្លែង") == "km"
    assert text_language("Sar Mol") == "en"
    assert text_language("ISS-KT-001") == "en"
    assert text_language("2024-03-01 · 12%") == ""


def test_text_in_the_other_language_is_marked():
    assert render("Sar Mol", "km") == '<span lang="en">Sar Mol</span>'
    assert render("Sar Mol", "en") == "Sar Mol"
    assert render("សារ ម៉ុល", "en") == '<span lang="km">សារ ម៉ុល</span>'
    assert render("សារ ម៉ុល", "km") == "សារ ម៉ុល"
    assert render("2024", "km") == "2024"
    assert render("", "km") == ""


def test_marked_text_is_still_escaped():
    assert render("<script>alert(1)</script> & co", "km") == (
        '<span lang="en">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</span>')
    assert render("<b>x</b>", "en") == "&lt;b&gt;x&lt;/b&gt;"
