"""core.search's words on either database: a word of any length is indexed and searched (cut alike on both sides)."""

from samleng.advocacy.models import Issue
from samleng.advocacy.tests.factories import make_issue
from samleng.core import search


def test_a_very_long_word_is_saved_and_searched_by_its_start(world):
    link = "https://example.org/" + "x" * 3000  # a pasted link: one word of 3,020 characters
    issue = make_issue(world.cbo, "ISS-LONG", description=f"See {link}")  # indexed with the titles
    assert all(len(word) <= search.WORD_CHARS for word in search.index_text(issue.description).split())
    found = search.filter(Issue.objects.all(), link)  # no error for a query word past the cut
    assert list(found.values_list("issue_id", flat=True)) == ["ISS-LONG"]
    assert not search.filter(Issue.objects.all(), "https://example.org/y").exists()


def test_a_search_too_long_is_said_in_the_reader_s_language():
    from django import forms
    from django.utils import translation

    from samleng.core.forms import SearchField

    class Search(forms.Form):
        q = SearchField()

    for language, said in (("en", "A search has at most 200 characters (this one has 201)."),
                           ("km", "ការស្វែងរកមួយមានតួអក្សរយ៉ាងច្រើន 200 (ការស្វែងរកនេះមាន 201)។")):
        with translation.override(language):
            form = Search({"q": "x" * 201})
            assert not form.is_valid() and form.errors["q"] == [said]
    assert Search({"q": ""}).is_valid()
