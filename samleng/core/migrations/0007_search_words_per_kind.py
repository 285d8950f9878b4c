from django.db import migrations

# PostgreSQL: the search index's words carry their kind ("advocacy.issue:ឃុំ"), so that the GIN index and the
# planner's statistics of it are per kind. Before, an entry's words were the same lexemes whatever its kind: the
# planner estimated a word's matches among issues from its matches among every kind's entries (ឃុំ: 11,430 entries,
# of which 715 issues), times the share of issues (0.27): 3,078 issues where there were 715, so it walked the list's
# order probing each issue's entry (1,619 probes, 17 ms) rather than reading the index's 715. Tagged, the index
# answers one kind's entries and its statistics say how many (estimated 741 for those 715; 12,537 for សហគមន៍'s
# 12,334): bench/README.md, Search.
#
# The function stays costly to the planner (COST 1000, not inlined: migration 0006 says why). An entry without
# words has no lexeme (string_to_array('') is empty; a lexeme may not be empty). SQLite is unchanged: its FTS5
# table tells the kinds apart by the entries' ids.
FUNCTION = """CREATE OR REPLACE FUNCTION core_search_kind_words(kind text, words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ SELECT array_to_tsvector(string_to_array(
        CASE WHEN words = '' THEN '' ELSE kind || ':' || replace(words, ' ', ' ' || kind || ':') END, ' ')) $$"""

OLD_FUNCTION = """CREATE OR REPLACE FUNCTION core_search_words(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ SELECT array_to_tsvector(string_to_array(words, ' ')) $$"""

FORWARDS = [
    FUNCTION,
    "DROP INDEX IF EXISTS core_searchentry_words",
    "CREATE INDEX core_searchentry_words ON core_searchentry USING gin (core_search_kind_words(kind, text))",
    "DROP FUNCTION IF EXISTS core_search_words(text)",
    # The statistics of the new expression, which core.search.matching asks the planner for: an index made does not
    # make autovacuum analyse the table, and without them every word is "expected" in a few hundred entries.
    "ANALYZE core_searchentry",
]
BACKWARDS = [
    OLD_FUNCTION,
    "DROP INDEX IF EXISTS core_searchentry_words",
    "CREATE INDEX core_searchentry_words ON core_searchentry USING gin (core_search_words(text))",
    "DROP FUNCTION IF EXISTS core_search_kind_words(text, text)",
    "ANALYZE core_searchentry",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_search_words_cost"),
    ]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), hints={"model_name": "searchentry"})]
