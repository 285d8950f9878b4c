"""core.search on PostgreSQL (bench/README.md, Search): the GIN index's words carry their kind, by a function the
planner is told is costly (migrations core 0006, 0007); a search that finds few records reads their keys first,
one that finds many walks a page's order and counts by the index. Whichever way, the same records are found."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samleng.advocacy.models import Issue
from samleng.advocacy.selectors import issue_list, issue_rows, issue_rows_of
from samleng.advocacy.tests.factories import make_issue, make_update
from samleng.cbos.models import CBO
from samleng.core import search
from samleng.core.paging import CappedPaginator, KeysFirstPaginator

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text index")


def test_the_words_function_is_costly_to_the_planner_and_indexed_per_kind(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'core_search_kind_words'")
        assert cursor.fetchone()[0] >= 1000
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'core_searchentry'")
        indexes = dict(cursor.fetchall())
        assert "core_searchentry_words" not in indexes  # one index per kind (migration core 0008), none for all
        for kind in search.kinds():
            assert ("USING gin (core_search_kind_words((kind)::text, text)) "
                    f"WHERE ((kind)::text = '{kind}'::text)") in indexes[search.index_name(kind)]
        # The planner's statistics of the words, which the index over every kind gave.
        cursor.execute("SELECT 1 FROM pg_statistic_ext WHERE stxname = 'core_searchentry_words'")
        assert cursor.fetchone()
        cursor.execute("SELECT core_search_kind_words('cbos.cbo', 'ព្រៃឈើ ឈើ forest')::text, "
                       "core_search_kind_words('cbos.cbo', '')::text")
        assert cursor.fetchone() == ("'cbos.cbo:forest' 'cbos.cbo:ឈើ' 'cbos.cbo:ព្រៃឈើ'", "")


def test_a_kind_without_its_index_gets_it_from_index_kinds(db):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {search.index_name('advocacy.issue')}")  # undone with the test's transaction
    assert search.index_kinds() == ["advocacy.issue"]
    assert search.index_kinds() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [search.index_name("advocacy.issue")])
        assert cursor.fetchone()


def test_the_words_function_is_not_inlined_so_its_cost_counts(db):
    """An inlined SQL function would leave the built-in expression (and its cost) in the plan."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM core_searchentry "
                       "WHERE core_search_kind_words(kind, text) @@ 'x:*'::tsquery")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "core_search_kind_words" in plan and "array_to_tsvector" not in plan


def _issues(world) -> list[Issue]:
    titles = [("Restore the canal that feeds the lakes", "ស្ដារប្រឡាយបឹង"),
              ("Illegal logging in the community forest", "ការកាប់ឈើខុសច្បាប់ក្នុងព្រៃសហគមន៍"),
              ("Canal gates broken", "ទ្វារទឹកប្រឡាយខូច"),
              ("Forest patrol needs fuel", "ការល្បាតព្រៃត្រូវការប្រេង"),
              ("The lakes dry in March", "បឹងរីងនៅខែមីនា")]
    return [make_issue(cbo, f"ISS-{n}{letter}", title_en=en, title_km=km, raised_on=dt.date(2023, 1, 1 + n))
            for n, (en, km) in enumerate(titles) for cbo, letter in ((world.cbo, "A"), (world.other_cbo, "B"))]


QUERIES = ["canal", "CANAL lakes", "ប្រឡាយ", "ព្រៃ", "ឈើ", "forest", "boeung", "បឹងចាង", "lake", "កាប់ឈើ ច្បាប់",
           "anal", "ល្បាត ប្រេង", "nothing-like-this"]


def _found(user, query: str, *, size: int = 3) -> tuple[list[str], int, set[str]]:
    """The first page of the staff list (its order, `size` issues), the count, and every issue found unordered."""
    issues = issue_list(user, {"q": query})
    page = list(issues.values_list("issue_id", flat=True)[:size])
    count = issues.order_by().values("pk")[:1001].count()
    every = set(issues.order_by().values_list("issue_id", flat=True))
    return page, count, every


def test_many_or_few_the_same_records_are_found_in_the_same_order(world, monkeypatch):
    _issues(world)
    few = {query: _found(world.me_officer, query) for query in QUERIES}
    monkeypatch.setattr(search, "FEW", 1)  # every word found at all is now "many": walked, counted by the index
    many = {query: _found(world.me_officer, query) for query in QUERIES}
    assert many == few
    assert few["canal"][1] == 4 and few["anal"][1] == 0  # a word's start, never its middle
    assert few["canal"][0] == ["ISS-2A", "ISS-2B", "ISS-0A"]
    # A field officer of Kampong Thom (world.cbo's issues, "A"): the walk and the count keep to what they may see.
    assert _found(world.officer, "canal") == (["ISS-2A", "ISS-0A"], 2, {"ISS-2A", "ISS-0A"})


def test_few_records_become_their_keys_and_none_asks_nothing_more(world):
    _issues(world)
    sql, params = search.filter(Issue.objects.all(), "canal").query.sql_with_params()
    assert "= ANY(" in sql and "core_searchentry" not in sql
    with CaptureQueriesContext(connection) as queries:
        issues = search.filter(Issue.objects.all(), "nothing-like-this")
        assert list(issues) == [] and issues.count() == 0
    assert len(queries) == 2  # the planner's estimate, the keys (none): nothing after
    with CaptureQueriesContext(connection) as queries:  # the estimate is remembered
        assert list(search.filter(Issue.objects.all(), "nothing-like-this")) == []
    assert len(queries) == 1 and "EXPLAIN" not in queries[0]["sql"]


def test_a_search_finding_few_is_read_whole_for_its_first_page_which_counts_it(world, monkeypatch):
    _issues(world)
    issues = issue_list(world.me_officer, {"q": "ប្រឡាយ"})
    assert search.found_at_most(issues) == 4 and search.found_at_most(issue_list(world.me_officer)) is None
    expected = list(issues.values_list("issue_id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        page = CappedPaginator(issues, 3, max_pages=20, rows=issue_rows).get_page(None)
        assert [i.issue_id for i in page.object_list] == expected[:3] and page.paginator.count == 4
        assert page.has_next() and not page.paginator.more
    read = [q["sql"] for q in queries.captured_queries if "places_place" not in q["sql"]]  # (places: kept)
    assert len(read) == 2 and not any("COUNT(" in sql for sql in read)  # the keys, the rows
    # More than the pages offered: cap + 1 keys read, "more" said, still no COUNT.
    with CaptureQueriesContext(connection) as queries:
        capped = CappedPaginator(issues, 1, max_pages=2, rows=issue_rows).get_page(None)
        assert capped.paginator.count == 2 and capped.paginator.more and capped.paginator.num_pages == 2
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    # Found exactly as many as the pages offer: all of them, nothing "more".
    exact = CappedPaginator(issues, 2, max_pages=2, rows=issue_rows).get_page(None)
    assert exact.paginator.count == 4 and not exact.paginator.more and exact.paginator.num_pages == 2
    # The uncapped paginator too; a later page is read by its own keys, in the same order.
    with CaptureQueriesContext(connection) as queries:
        whole = KeysFirstPaginator(issues, 3, rows=issue_rows).get_page(None)
        assert whole.paginator.count == 4 and whole.paginator.num_pages == 2
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    second = KeysFirstPaginator(issues, 3, rows=issue_rows).get_page("2")
    assert [i.issue_id for i in second.object_list] == expected[3:]
    # Many found (walked): counted as before.
    monkeypatch.setattr(search, "FEW", 1)
    walked = issue_list(world.me_officer, {"q": "ប្រឡាយ"})
    assert search.found_at_most(walked) is None
    assert CappedPaginator(walked, 3, max_pages=20, rows=issue_rows).get_page(None).paginator.count == 4


def test_many_records_walk_a_page_s_order_and_count_by_the_index(world, monkeypatch):
    _issues(world)
    monkeypatch.setattr(search, "FEW", 1)
    issues = issue_list(world.me_officer, {"q": "ព្រៃ"})
    page_sql = str(issues.values("pk")[:50].query)
    count_sql = str(issues.order_by().values("pk")[:1001].query)
    assert "strpos(" in page_sql and "core_search_kind_words" not in page_sql
    assert "core_search_kind_words(kind, text) @@" in count_sql and "strpos(" not in count_sql
    # As a subquery of another query, the walk compares the outer query's own rows.
    cbos = CBO.objects.filter(pk__in=issues.values("cbo")[:50])
    assert set(cbos.values_list("cbo_id", flat=True)) == {world.cbo.cbo_id, world.other_cbo.cbo_id}


def test_an_order_no_index_gives_is_not_walked(world, monkeypatch):
    monkeypatch.setattr(search, "FEW", 1)
    by_name = search.filter(CBO.objects.order_by("name_en"), "community")  # no index leads with name_en
    assert "strpos(" not in str(by_name[:5].query)
    assert [c.cbo_id for c in by_name[:5]] == ["CBO-KT-001", "CBO-KR-001"]
    by_key = search.filter(CBO.objects.order_by("-pk"), "community")
    assert "strpos(" in str(by_key[:5].query) and [c.cbo_id for c in by_key[:5]] == ["CBO-KR-001", "CBO-KT-001"]


def test_a_walked_first_page_is_read_with_its_rows_in_one_statement(world, monkeypatch):
    _issues(world)
    monkeypatch.setattr(search, "FEW", 1)  # "many": walked
    make_update(Issue.objects.get(issue_id="ISS-2A"), dt.date(2023, 6, 1), "in_dialogue", confirmed=True)
    for user in (world.me_officer, world.officer):  # every issue, and a field officer's scope
        issues = issue_list(user, {"q": "canal"})
        assert search.walks(issues[:3]) and not search.walks(issue_list(user)[:3])
        keys_first = CappedPaginator(issues, 3, max_pages=20, rows=issue_rows).get_page(None)
        with CaptureQueriesContext(connection) as queries:
            page = CappedPaginator(issues, 3, max_pages=20, rows=issue_rows, rows_of=issue_rows_of).get_page(None)
            shown = [(i.issue_id, i.cbo.name_en, i.cbo.province.code, i.last_update_on, i.pending_updates)
                     for i in page.object_list]
        read = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith('SELECT "places_place"')]
        # The page with its rows, then the count (none when fewer than a page were found: the field officer's 2).
        counted = ["COUNT("] if user == world.me_officer else []
        assert "strpos(" in read[0] and [sql[:13] for sql in read[1:]] == [f"SELECT {c}" for c in counted]
        assert shown == [(i.issue_id, i.cbo.name_en, i.cbo.province.code, i.last_update_on, i.pending_updates)
                         for i in keys_first.object_list]
        assert page.paginator.count == keys_first.paginator.count
    assert shown[0][0] == "ISS-2A" and shown[0][3] == dt.date(2023, 6, 1)
    # A later page, or a search finding few, reads keys first as before.
    second = CappedPaginator(issues, 1, max_pages=20, rows=issue_rows, rows_of=issue_rows_of).get_page("2")
    assert [i.issue_id for i in second.object_list] == ["ISS-0A"]
