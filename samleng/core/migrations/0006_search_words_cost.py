from django.db import migrations

# PostgreSQL: the search index's expression becomes a function that the planner is told is costly
# (core_search_words: array_to_tsvector(string_to_array(text, ' ')), as before). Computing the words of an entry
# takes 10-27 us (array_to_tsvector sorts them), but a built-in function costs the planner next to nothing, so on
# some statistics (ANALYZE samples the table) it counted a common word's issues along the (kind, object_id) index,
# computing the words of every issue's entry (20,000: 115 ms) rather than asking the GIN index (12,000 found:
# 7 ms). With COST 1000 a plan that computes them for an entry is weighed for what it costs: the GIN index for
# every set of matches, a few look-ups along the list's order for the first page of a common word.
#
# An SQL function, STRICT, whose body is not (string_to_array is not strict): PostgreSQL does not inline it, so its
# COST counts, and it runs as fast as the expression (measured: a scan computing 20,000 entries' words took the same
# time either way). The index keeps its name; SQLite is unchanged.
FUNCTION = """CREATE OR REPLACE FUNCTION core_search_words(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ SELECT array_to_tsvector(string_to_array(words, ' ')) $$"""

FORWARDS = [
    FUNCTION,
    "DROP INDEX IF EXISTS core_searchentry_words",
    "CREATE INDEX core_searchentry_words ON core_searchentry USING gin (core_search_words(text))",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS core_searchentry_words",
    "CREATE INDEX core_searchentry_words ON core_searchentry USING gin (array_to_tsvector(string_to_array(text, ' ')))",
    "DROP FUNCTION IF EXISTS core_search_words(text)",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_search_entry_ids"),
    ]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), hints={"model_name": "searchentry"})]
