"""core.paging's KeysFirstPaginator: a page's keys in the list's order, then its records by `rows`; the first
page read before counting, so that a list shorter than a page needs no COUNT."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samleng.advocacy.models import Issue
from samleng.advocacy.selectors import issue_list, issue_rows, issue_rows_of
from samleng.advocacy.tests.factories import make_issues
from samleng.core.paging import CappedPaginator, KeysFirstPaginator


def _ids(page) -> list[str]:
    return [issue.issue_id for issue in page.object_list]


def test_a_list_shorter_than_a_page_is_counted_by_its_first_page(world):
    make_issues(world.cbo, 3)
    expected = list(issue_list(world.me_officer).values_list("issue_id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        page = KeysFirstPaginator(issue_list(world.me_officer), 50, rows=issue_rows).get_page(None)
        assert _ids(page) == expected and page.paginator.count == 3 and page.paginator.num_pages == 1
    assert not any('"__count"' in query["sql"] for query in queries.captured_queries)  # QuerySet.count()
    empty = KeysFirstPaginator(Issue.objects.none(), 50).get_page("1")
    assert list(empty.object_list) == [] and empty.paginator.count == 0


def test_pages_follow_the_lists_order_and_numbers_as_django_reads_them(world):
    make_issues(world.cbo, 55)
    issues = issue_list(world.me_officer)
    expected = list(issues.values_list("issue_id", flat=True))
    paginator = KeysFirstPaginator(issues, 50, rows=issue_rows)
    first = paginator.get_page("1")
    assert _ids(first) == expected[:50] and first.paginator.count == 55 and first.has_next()
    assert _ids(KeysFirstPaginator(issues, 50, rows=issue_rows).get_page("2")) == expected[50:]
    for junk in ("x", "", None, "1.5"):  # not a number: the first page
        assert _ids(KeysFirstPaginator(issues, 50).get_page(junk)) == expected[:50], junk
    for beyond in ("3", "99", "0", "-1"):  # out of range: the last page
        assert _ids(KeysFirstPaginator(issues, 50).get_page(beyond)) == expected[50:], beyond
    # Each page's records carry what the list shows, read by key.
    issue = first.object_list[0]
    assert issue.cbo.name_en == world.cbo.name_en and issue.pending_updates == 0 and issue.last_update_on is None


def test_a_capped_list_counts_no_further_than_its_pages(world):
    make_issues(world.cbo, 12)
    issues = issue_list(world.me_officer)
    capped = CappedPaginator(issues, 5, max_pages=2, rows=issue_rows).get_page("9")
    assert capped.paginator.count == 10 and capped.paginator.more and capped.number == 2
    whole = CappedPaginator(issues, 50, max_pages=2, rows=issue_rows).get_page(None)
    assert whole.paginator.count == 12 and not whole.paginator.more


def test_a_first_page_is_read_with_its_rows_only_where_a_search_walks(world, monkeypatch):
    # PostgreSQL walks a common word's records in the list's order (core/tests/test_search_postgresql.py); SQLite
    # would sort every match with its rows' subqueries computed, and an unsearched list reads keys first anywhere.
    from samleng.core import search

    search.reindex(Issue, [issue.pk for issue in make_issues(world.cbo, 5)])  # (written in bulk: no entries)
    monkeypatch.setattr(search, "FEW", 1)
    searched = issue_list(world.me_officer, {"q": "issue"})
    walked = connection.vendor == "postgresql"
    assert search.walks(searched[:3]) == walked and not search.walks(issue_list(world.me_officer)[:3])
    read_with_rows = []

    def rows_of(issues, limit):
        read_with_rows.append(limit)
        return issue_rows_of(issues, limit)

    for issues in (searched, issue_list(world.me_officer)):
        expected = list(issues.values_list("issue_id", flat=True)[:3])
        paginator = CappedPaginator(issues, 3, max_pages=2, rows=issue_rows, rows_of=rows_of)
        assert _ids(paginator.get_page(None)) == expected and paginator.count == 5
    assert read_with_rows == ([3] if walked else [])
