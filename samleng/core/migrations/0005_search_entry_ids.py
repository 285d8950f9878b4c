import zlib

from django.db import migrations

# Search entries' ids become their kind's base plus the record's primary key (SearchEntry.id_for), so that
# SQLite's full-text index gives the records' keys and tells the kinds apart by itself. The base as
# SearchEntry.kind_base computes it when this migration was written (a CRC-32 of the kind's name cut to 22
# bits, shifted 40 bits): entries written since follow the model's, which must stay the same or come with a
# migration of its own.
KEY_BITS = 40

# SQLite: the FTS5 table made again with indexes of the words' first one and two characters. A query word of
# one or two letters (the segmenter cuts "កណ្ដៀងរាយ" into ក ណ្តៀង រាយ) is looked for as the start of words,
# and without them FTS5 merges the lists of every word it begins, thousands for "ក": 15 ms, 0.5 ms with them,
# for about 9 MB more on the national data (5.6 MB before).
FTS = """CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
    text, content='core_searchentry', content_rowid='id', prefix='{prefix}',
    tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'")"""


def _base(kind: str) -> int:
    return (zlib.crc32(kind.encode()) & 0x3FFFFF) << KEY_BITS


def _sqlite_fts(cursor, prefix: str) -> None:
    """The FTS5 table made again (the triggers stay: they name it), filled from the entries and merged into one
    segment (a rebuild of the national entries left 35 MB of segments, 14 MB once merged)."""
    cursor.execute("DROP TABLE core_searchentry_fts")
    cursor.execute(FTS.format(prefix=prefix) if prefix else FTS.replace(" prefix='{prefix}',", ""))
    cursor.execute("INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('rebuild')")
    cursor.execute("INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')")


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT kind FROM core_searchentry")
        for (kind,) in cursor.fetchall():
            # The old ids were counted from 1: the new ones (from 2**40) never meet them on the way.
            cursor.execute("UPDATE core_searchentry SET id = %s + object_id WHERE kind = %s", [_base(kind), kind])
        if connection.vendor == "sqlite":
            _sqlite_fts(cursor, "1 2")


def backwards(apps, schema_editor):
    # The ids stay: any ids serve the search of before. The FTS5 table without the prefix indexes.
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            _sqlite_fts(cursor, "")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_queued_audit_entry'),
    ]

    operations = [migrations.RunPython(forwards, backwards, hints={"model_name": "searchentry"})]
