"""core.search on PostgreSQL: the GIN index's expression is a function the planner is told is costly (migration
core 0006), and the search uses that expression, so that the index serves it. With the built-in expression's cost
(next to nothing) the planner sometimes counted a common word's records by computing every entry's words along the
(kind, object_id) index: 115 ms where the index took 7 (bench/README.md, Search)."""

import pytest
from django.db import connection

from samleng.advocacy.models import Issue
from samleng.core import search

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text index")


def test_the_words_function_is_costly_to_the_planner_and_indexed(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'core_search_words'")
        assert cursor.fetchone()[0] >= 1000
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'core_searchentry_words'")
        assert "USING gin (core_search_words(text))" in cursor.fetchone()[0]


def test_a_search_asks_the_index_s_expression(world):
    sql, params = search.filter(Issue.objects.all(), "canal").query.sql_with_params()
    assert "core_search_words(text) @@" in sql and "'canal':*" in params


def test_the_words_function_is_not_inlined_so_its_cost_counts(db):
    """An inlined SQL function would leave the built-in expression (and its cost) in the plan."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM core_searchentry WHERE core_search_words(text) @@ 'x:*'::tsquery")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "core_search_words(text)" in plan and "array_to_tsvector" not in plan
