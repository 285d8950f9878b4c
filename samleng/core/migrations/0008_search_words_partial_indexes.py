from django.db import migrations

# PostgreSQL: the GIN index over every kind's words becomes one GIN index per kind (partial, `WHERE kind = ...`):
# here for the kinds registered now, by core.search.index_kinds after migrate for those registered later; the
# planner's statistics of the words, which the one index gave, are kept as statistics of the expression
# (PostgreSQL 14 and later).
#
# Why: a search's count (at most 1,001 records: "1,000+") asks for the entries found with `kind =` beside the
# words, so that the unique (kind, object_id) tells the planner each record is found once. With one index for
# every kind the planner also read the kind's 20,000 entries from the unique index to AND them with the words'
# (1.7 ms of a 5.2 ms count of ដី's issues); with the kind's own index `kind =` is what the index is made of,
# and the count reads the words' entries alone (3.3 ms). Statistics of a partial index's expression are not
# used by the planner (it skips partial indexes for them), hence the extended statistics. bench/README.md, Search.
# The kinds registered when this was written; core.search.index_kinds makes those of kinds registered later (after
# migrate), under the same names (core.search.index_name).
KINDS = ["advocacy.issue", "cbos.cbo", "engagement.event", "transparency.landconcession",
         "transparency.procurementproject"]
FORWARDS = [
    *(f"CREATE INDEX IF NOT EXISTS core_search_{kind.replace('.', '_')} ON core_searchentry "
      f"USING gin (core_search_kind_words(kind, text)) WHERE kind = '{kind}'" for kind in KINDS),
    "DROP INDEX IF EXISTS core_searchentry_words",
    "CREATE STATISTICS IF NOT EXISTS core_searchentry_words ON (core_search_kind_words(kind, text)) "
    "FROM core_searchentry",
    "ANALYZE core_searchentry",
]
BACKWARDS = [
    "DROP STATISTICS IF EXISTS core_searchentry_words",
    "CREATE INDEX IF NOT EXISTS core_searchentry_words ON core_searchentry "
    "USING gin (core_search_kind_words(kind, text))",
    "ANALYZE core_searchentry",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # the kinds' indexes (core.search.index_name)
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'core_searchentry' "
                           "AND indexname LIKE %s", ["core\\_search\\_%"])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f'DROP INDEX "{name}"')
        for sql in BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_search_words_per_kind"),
    ]

    operations = [migrations.RunPython(forwards, backwards, hints={"model_name": "searchentry"})]
