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
