"""Searching records by their words, in Khmer and English, through a full-text index: SQLite FTS5 or
PostgreSQL's GIN-indexed tsvectors over one table of entries (core.models.SearchEntry, one per record).

Khmer has no spaces between words and no database tokenizer finds its words, so the text is prepared here,
the same way for records and queries: `khmer.fold` (marks in one order, look-alike spellings folded, Latin
digits, lower case), then `khmer.segment` into words. An entry also holds, for each Khmer word of several
syllables, the word from each of its later syllables on ("ព្រៃឈើ" also as "ឈើ"): a query word found at the
start of an indexed word (a prefix query) is then found wherever a syllable of a compound begins, as the
old substring scan found it. Every word of a query must be found (AND). An entry's id is its kind's base plus
its record's primary key (SearchEntry.id_for): on SQLite the full-text index alone then gives the keys of
the records found, of one kind, without reading the entries' rows; on PostgreSQL an entry's words carry its
kind in the index ("advocacy.issue:ឃុំ"), and a search reads few records' keys first and walks a list's
order for many (`matching`).

Apps register what they index (`register`, from their AppConfig.ready): a model and a function giving the
words of its records. Entries follow saves and deletes (post_save / post_delete), the bulk writes of the
workbook import (core.bulk.records_upsert_many calls `reindex`) and, when a record's words include those of
another kind (an issue holds its CBO's names), that kind's changes (`follows`). `samleng search_index`
rebuilds them; migrate fills the entries of a kind that has records and none yet (`fill_missing`).

Lists search with `filter(queryset, query)`: it only narrows a queryset that the caller has already limited
to what its user may see."""

import itertools
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, models, router
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.lookups import Exact, In
from django.db.models.signals import post_delete, post_migrate, post_save
from django.db.models.sql.where import AND

from samleng.core.khmer import fold, has_khmer, search_terms, segment, syllable_starts
from samleng.core.models import SearchEntry

#: (pk, words) of the records of a kind: of the given primary keys, or of every record when given None.
Texts = Callable[[list[int] | None], Iterable[tuple[int, str]]]


@dataclass(frozen=True)
class Index:
    kind: str  # the model's label_lower
    model: type[models.Model]
    texts: Texts
    #: another kind -> the primary keys of this kind's records whose words hold words of those records
    follows: dict[str, Callable[[list[int]], Iterable[int]]] = field(default_factory=dict)
    #: the fields the words come from: a save(update_fields=...) that changes none of them keeps the entry
    fields: frozenset[str] | None = None


_INDEXES: dict[str, Index] = {}
_BATCH = 2000


def register(model: type[models.Model], texts: Texts, *, follows=None, fields: Iterable[str] | None = None) -> None:
    """Index the records of `model` by the words `texts` gives (plain text: prepared here), and keep their
    entries in step with saves and deletes."""
    kind = model._meta.label_lower
    base = SearchEntry.kind_base(kind)
    if clash := next((other for other in _INDEXES if other != kind and SearchEntry.kind_base(other) == base), None):
        raise ImproperlyConfigured(f"search: {kind} and {clash} would share their entries' ids (one base)")
    _kind_literal(kind)  # a label as SQL knows it
    if clash := next((other for other in _INDEXES if other != kind and index_name(other) == index_name(kind)), None):
        raise ImproperlyConfigured(f"search: {kind} and {clash} would share their index's name")
    _INDEXES[kind] = Index(kind, model, texts, dict(follows or {}), frozenset(fields) if fields else None)
    post_save.connect(_saved, sender=model, weak=False, dispatch_uid=f"core.search.saved.{kind}")
    post_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=f"core.search.deleted.{kind}")


def kinds() -> list[str]:
    return sorted(_INDEXES)


def indexed(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _INDEXES


def _saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    index = _INDEXES[sender._meta.label_lower]
    if raw:  # loaddata: the entries come with the data, or from `samleng search_index`
        return
    if update_fields is not None and index.fields is not None:
        named = {sender._meta.get_field(f).name for f in update_fields}
        if not named & index.fields:
            return
    reindex(sender, [instance.pk])


def _deleted(sender, instance, **kwargs) -> None:
    forget(sender, [instance.pk])


def _migrated(sender, plan=None, **kwargs) -> None:
    """After migrations ran (not a test's flush): each kind's index on PostgreSQL, and a database from before the
    index gets its entries."""
    if sender.label == "core" and plan:
        index_kinds()
        fill_missing()


post_migrate.connect(_migrated, dispatch_uid="core.search.fill_missing")


# ---- the indexed form ------------------------------------------------------------------------------------

@lru_cache(maxsize=16_384)  # as core.bulk.TOKENS_REMEMBERED (which imports this module): the words that recur
def _token_words(token: str) -> tuple[str, ...]:
    """The indexed words of one space-separated token: its folded, segmented words and, for a Khmer word of
    several syllables, the word from each later syllable on. Remembered: the names of a workbook, and the
    words of places, recur thousands of times."""
    words = []
    for word in segment(fold(token)):
        words.append(word[:WORD_CHARS])
        if has_khmer(word):
            words.extend(rest[:WORD_CHARS] for start in syllable_starts(word) if start > 0
                         if not _FINAL.fullmatch(rest := word[start:]))
    return tuple(words)


#: An indexed word, and a query's, is cut after this many characters: PostgreSQL refuses a lexeme of 2,048 bytes
#: or more (a pasted link, a row of dashes: the record could not be saved, the search answered an error), and
#: a word cut alike in both is still found by its start.
WORD_CHARS = 100

# A consonant alone at the end of a word (with a sign at most) closes the syllable before it (the យ of ឡាយ,
# the ន៍ of សហគមន៍): no word begins there.
_FINAL = re.compile("[\u1780-\u17a2][\u17c6-\u17d1\u17dd]*")


def index_text(*parts: str) -> str:
    """The words an entry holds for a record whose text is `parts`, each once, separated by spaces."""
    words = (w for part in parts if part for token in part.split() for w in _token_words(token))
    return " ".join(dict.fromkeys(words))


_FINDABLE = re.compile(r"\w")


def query_terms(query: str) -> list[str]:
    """The words of a query, prepared as the records' are (without the words inside compounds: each query
    word is looked for at the start of indexed words, cut as they are), each once; words of punctuation alone
    are dropped."""
    return [w for w in dict.fromkeys(w[:WORD_CHARS] for w in segment(fold(query or ""))) if _FINDABLE.search(w)]


# ---- keeping the entries ---------------------------------------------------------------------------------

def _index_of(model_or_kind) -> Index:
    return _INDEXES[model_or_kind if isinstance(model_or_kind, str) else model_or_kind._meta.label_lower]


def reindex(model_or_kind, pks: Iterable[int]) -> int:
    """Write again the entries of these records (of a registered model or kind), and of the records of other
    kinds that hold their words; a record that no longer exists loses its entry. Returns the entries written."""
    written = _reindex(_index_of(model_or_kind), pks)
    if written >= _MERGE_AFTER:
        _merge()
    return written


def _reindex(index: Index, pks: Iterable[int]) -> int:
    pks = list(dict.fromkeys(pks))
    written = 0
    followers = [other for other in _INDEXES.values() if index.kind in other.follows]
    for start in range(0, len(pks), _BATCH):
        chunk = pks[start:start + _BATCH]
        SearchEntry.objects.filter(kind=index.kind, object_id__in=chunk).delete()
        written += _insert(index.kind, index.texts(chunk))
        for other in followers:
            written += _reindex(other, other.follows[index.kind](chunk))
    return written


def forget(model_or_kind, pks: Iterable[int]) -> None:
    kind = _index_of(model_or_kind).kind
    pks = list(pks)
    for start in range(0, len(pks), _BATCH):
        SearchEntry.objects.filter(kind=kind, object_id__in=pks[start:start + _BATCH]).delete()


def rebuild(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Write every entry of these kinds (every registered kind when None; none of an empty list) again.
    Returns the counts."""
    counts = {}
    for kind in list(_INDEXES) if kinds is None else kinds:
        index = _index_of(kind)
        SearchEntry.objects.filter(kind=kind).delete()
        counts[kind] = _insert(kind, index.texts(None))
    if sum(counts.values()) >= _MERGE_AFTER:
        _merge()
    return counts


def index_name(kind: str) -> str:
    """The name of `kind`'s GIN index on PostgreSQL (a kind is a model's label: at most 50 characters)."""
    return "core_search_" + kind.replace(".", "_")


def _kind_literal(kind: str) -> str:
    """`kind` as an SQL string literal. A literal, not a parameter, where the SQL must use the kind's index: the
    planner matches a partial index's `WHERE kind = '...'` with a condition on a constant only (a statement
    prepared with a parameter would read the table)."""
    if not re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", kind):
        raise ImproperlyConfigured(f"search: not a model's label: {kind!r}")
    return f"'{kind}'"


_PER_KIND = ("core", "0008_search_words_partial_indexes")


def index_kinds() -> list[str]:
    """On PostgreSQL, make the GIN index of each registered kind's words that is missing: one partial index per
    kind (`WHERE kind = ...`, migration core 0008 says why; it made those of the kinds registered then), made
    here rather than by a migration of each app so that a kind registered later has its index after the next
    migrate that applies a migration (or `samleng search_index`). Returns the kinds whose index was made."""
    connection = connections[router.db_for_write(SearchEntry)]
    if connection.vendor != "postgresql" or _PER_KIND not in MigrationRecorder(connection).applied_migrations():
        return []  # (before core 0008 the words have one index, and before 0007 not this function)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [SearchEntry._meta.db_table])
        present = {name for (name,) in cursor.fetchall()}
        made = [kind for kind in sorted(_INDEXES) if index_name(kind) not in present]
        for kind in made:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {index_name(kind)} ON {SearchEntry._meta.db_table} "
                           f"USING gin (core_search_kind_words(kind, text)) WHERE kind = {_kind_literal(kind)}")
    return made


#: Entries written at once (an import, a rebuild) after which SQLite's full-text index is merged (`_merge`).
_MERGE_AFTER = 5000


def _merge() -> None:
    """On SQLite, the FTS5 index merged into one segment. Each INSERT statement of entries adds a segment,
    which FTS5 merges only in part as it goes: the 55,000 entries of a national workbook left 31 MB in 8,000
    blocks, 14 MB once merged (0.4 s), and every query word is looked up in each segment."""
    connection = connections[router.db_for_write(SearchEntry)]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')")


def fill_missing() -> dict[str, int]:
    """Build the entries of every kind that has records and no entries yet (a database from before the
    index, or restored without it). Returns the counts of the kinds filled. A kind whose table is not made yet
    (`migrate core` alone) waits for the migrate that makes it (which runs this again)."""
    made = set(connections[router.db_for_write(SearchEntry)].introspection.table_names())
    return rebuild([kind for kind, index in _INDEXES.items()
                    if index.model._meta.db_table in made and index.model._base_manager.exists()
                    and not SearchEntry.objects.filter(kind=kind).exists()])


def _insert(kind: str, texts: Iterable[tuple[int, str]]) -> int:
    """The entries as plain rows, not model instances: a workbook import writes tens of thousands of them."""
    count = 0
    texts = iter(texts)
    while batch := list(itertools.islice(texts, _BATCH)):
        _insert_rows([(SearchEntry.id_for(kind, pk), kind, pk, index_text(text)) for pk, text in batch])
        count += len(batch)
    return count


def _insert_rows(rows: list[tuple[int, str, int, str]]) -> None:
    """INSERT (id, kind, object_id, text) rows. On SQLite many rows per statement: the trigger that fills the
    FTS5 table runs in each statement's savepoint, at which FTS5 writes out what it has gathered, so that one
    statement per entry (an executemany) writes a segment of the full-text index per entry, three times the
    work (55,000 entries of a national workbook: 3.4 s against 1.1). Elsewhere core.bulk.records_insert_many
    (a COPY on PostgreSQL)."""
    from samleng.core.bulk import records_insert_many  # core.bulk writes the entries of what it writes

    names = ("id", "kind", "object_id", "text")
    connection = connections[router.db_for_write(SearchEntry)]
    if connection.vendor != "sqlite":
        records_insert_many(model=SearchEntry, rows=[dict(zip(names, row, strict=True)) for row in rows])
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(SearchEntry._meta.get_field(name).column) for name in names)
    per = max(1, connection.features.max_query_params // len(names))
    placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            cursor.execute(f"INSERT INTO {quote(SearchEntry._meta.db_table)} ({columns}) VALUES "
                           + ", ".join([placeholders] * len(chunk)), [value for row in chunk for value in row])


# ---- searching -----------------------------------------------------------------------------------------

def filter(queryset: models.QuerySet, query: str) -> models.QuerySet:  # noqa: A001 (search.filter reads well)
    """The records of `queryset` (of a registered model) holding every word of `query`, each word found at
    the start of one of their indexed words. An empty query, or one of punctuation alone, filters nothing."""
    return queryset.filter(condition) if (condition := matching(queryset.model, query)) else queryset


def matching(model_or_kind, query: str) -> models.Q:
    """`filter`'s condition, to combine with others: an empty Q (true) when the query has no words.

    On PostgreSQL the condition depends on how many records the words find, which the planner's statistics of
    the index tell beforehand (`_few_keys`: per kind, close; asked here, when the condition is made, not when the
    queryset is read), where its plans of a single condition went wrong:
    - fewer than FEW expected (and fewer than twice that found): their keys, read at once (the kind's index,
      then that many entries), which the database then knows exactly (none: no query at all), and which tell
      core.paging how long the list is at most (`found_at_most`);
    - more: `_Matching`, which a page in an order an index gives reads by walking that order (a common word is
      met within a few records) and a count by the index."""
    terms = query_terms(query)
    if not terms:
        return models.Q()
    kind = _index_of(model_or_kind).kind
    connection = connections[router.db_for_read(SearchEntry)]
    if connection.vendor == "postgresql" and (keys := _few_keys(connection, kind, terms)) is not None:
        return models.Q(_KeyAmong(keys)) if keys else models.Q(pk__in=[])  # none: Django asks nothing
    return models.Q(pk__in=_Matching(kind, terms))


def walks(queryset: models.QuerySet) -> bool:
    """Whether reading `queryset` (sliced: a page) walks its order to find a search's records (PostgreSQL, words
    that many records hold: `_Matching`, in an order an index gives: `_walkable`). Such a page meets its records
    first and nothing else: core.paging then reads it with everything it shows in that one statement."""
    if connections[queryset.db].vendor != "postgresql":
        return False
    searched = any(isinstance(child, In) and isinstance(child.rhs, _Matching) for child in _anded(queryset.query))
    return searched and _walkable(queryset.query)


def found_at_most(queryset: models.QuerySet) -> int | None:
    """How many records `queryset` holds at most when one of its conditions is a search that found few records
    and passed their keys (`matching` on PostgreSQL): their number. None when nothing says. core.paging then
    reads the whole list's keys at once, which gives its count too."""
    # Django keeps a condition that is an expression as `<expression> = True` (Exact).
    sizes = [len(child.lhs.keys) for child in _anded(queryset.query)
             if isinstance(child, Exact) and isinstance(child.lhs, _KeyAmong) and child.rhs is True]
    return min(sizes, default=None)


def _anded(query) -> list:
    """The conditions of `query` that every record it reads meets (its WHERE's top level, when ANDed)."""
    where = query.where
    return [] if where.connector != AND or where.negated else where.children


#: PostgreSQL: a search expected to find fewer records than this reads their keys first (`matching`). Past
#: it, a page in a list's order is read by walking the order: on the national data (20,000 issues) the first 50
#: issues holding a word that 1,500 hold are met within about 700 issues, 2-3 ms, about what reading 1,500 keys
#: and sorting their issues costs (bench/README.md, Search).
FEW = 1500

_ENTRIES_FOUND = "SELECT object_id FROM core_searchentry WHERE core_search_kind_words(kind, text) @@ %s::tsquery"


def _tsquery(kind: str, terms: list[str]) -> str:
    """The words as a tsquery of the kind's lexemes (migration core 0007: "advocacy.issue:ឃុំ"), in the
    tsquery's own syntax, not to_tsquery's parser (which would split Khmer words): each term a quoted lexeme,
    :* a prefix, & AND."""
    return " & ".join("'" + f"{kind}:{term}".replace("\\", "\\\\").replace("'", "''") + "':*" for term in terms)


def _few_keys(connection, kind: str, terms: list[str]) -> list[int] | None:
    """The keys of the records of `kind` holding the words, when the planner expects fewer than FEW of them
    and there are fewer than twice that; None otherwise. An estimate that falls short (statistics behind the
    records) still finds its keys: read, they are as cheap as the walk they would be thrown away for."""
    words = _tsquery(kind, terms)
    if _estimate(connection, words) >= FEW:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"{_ENTRIES_FOUND} AND kind = {_kind_literal(kind)} LIMIT %s", [words, 2 * FEW])
        keys = [key for (key,) in cursor.fetchall()]
    return keys if len(keys) < 2 * FEW else None


def _estimate(connection, words: str) -> float:
    """The planner's estimate of the entries holding `words` (a tsquery of one kind's lexemes). The lexemes are
    per kind, and so are their statistics (migrations core 0007, 0008): the estimate is close (769 for ឃុំ's 715
    issues, 12,381 for សហគមន៍'s 12,334) and costs no entry read. Asked without `kind =`, which the statistics
    would count a second time (a quarter of the estimate for issues). Remembered for a while (ESTIMATES_KEPT
    seconds): the statistics change when the table is analysed (and the estimate with the table's size, slowly),
    and an estimate only chooses how the records are found, never which (0.3 ms of the server's time and 0.3 of
    this process's, of a search's 10)."""
    key = (connection.alias, words, int(time.monotonic() // ESTIMATES_KEPT))
    if (rows := _estimates.get(key)) is None:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + _ENTRIES_FOUND, [words])
            plan = cursor.fetchone()[0]
        rows = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
        if len(_estimates) >= _ESTIMATES_AT_MOST:
            _estimates.clear()
        _estimates[key] = rows
    return rows


#: How long (seconds) a word's estimate is remembered (`_estimate`), and how many are, at most.
ESTIMATES_KEPT = 600
_ESTIMATES_AT_MOST = 10_000
_estimates: dict[tuple[str, str, int], float] = {}


class _OfRecords(models.Expression):
    """An expression about the records of the query it filters: `key`, their primary key, is resolved with
    that query (and relabelled with it when it becomes a subquery)."""

    def __init__(self, key=None):
        super().__init__()
        self.key = key

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = super().resolve_expression(query, *args, **kwargs)
        if query is not None and resolved.key is None:
            resolved.key = query.resolve_ref("pk")
        return resolved


class _KeyAmong(_OfRecords):
    """The record's key is one of `keys`: one array for the database (`= ANY`), written out here ("{1,2,3}"),
    where `pk__in` would make a parameter of each key, which Django and psycopg prepare one by one (1,000
    keys, twice (the count and the page): 2 ms of a search's time)."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, keys: list[int], key=None):
        super().__init__(key)
        self.keys = keys

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        return f"{key_sql} = ANY(%s::bigint[])", [*key_params, "{" + ",".join(map(str, self.keys)) + "}"]


class _Matching(_OfRecords):
    """The subquery of the primary keys of `kind`'s records whose entries hold every term as the start of a
    word."""

    output_field = models.BigIntegerField()

    def __init__(self, kind: str, terms: list[str], key=None):
        super().__init__(key)
        self.kind, self.terms = kind, terms

    def as_sql(self, compiler, connection):
        raise NotImplementedError(f"search: no full-text index on {connection.vendor}")

    def as_sqlite(self, compiler, connection):
        # Each term a string (nothing in it is FTS5 syntax) followed by *: a prefix; terms side by side: AND.
        # The index alone answers: an entry's id (its rowid) is its kind's base plus the record's key
        # (SearchEntry.id_for), so the kind is a range of rowids, which FTS5 seeks in its lists of ids, and
        # the key a subtraction. Reading each entry's row for its kind and key instead (a join) cost 0.7 us a
        # match, most of the time of a search finding thousands.
        match = " ".join('"' + term.replace('"', '""') + '"*' for term in self.terms)
        base = SearchEntry.kind_base(self.kind)
        return ("(SELECT core_searchentry_fts.rowid - %s FROM core_searchentry_fts "
                "WHERE core_searchentry_fts MATCH %s AND core_searchentry_fts.rowid BETWEEN %s AND %s)",
                [base, match, base, base + (1 << SearchEntry.KEY_BITS) - 1])

    def as_postgresql(self, compiler, connection):
        # Words that many records hold (matching: FEW or more). A page in an order an index gives (`_walkable`)
        # walks that order: for each record, its entry by id (the kind's base plus its key: the primary key's
        # index) and each term looked for after a space in its words (strpos: the words are separated by single
        # spaces, so that is a word beginning with the term, as the index finds it), until the page is full.
        # Correlated, the subquery cannot become a join: the planner, whose statistics do not say how dense the
        # words are in the list's order, otherwise read every match from the index and sorted them (5-9 ms for
        # the 2,000-3,000 issues of ដី or មិន; walking, 1 ms). Anything else (a count, an unordered read, an
        # order no index gives) asks the kind's index (`kind =`, as its partial index says it: `index_kinds`),
        # and `kind =` also tells the planner, by the unique (kind, object_id), that each record is found once,
        # so it joins the entries found to the records and a count stops at its cap; without it, it gathered
        # every entry found first (12,334 for សហគមន៍: 12 ms).
        if _walkable(compiler.query):
            key_sql, key_params = compiler.compile(self.key)
            found = " AND ".join(["strpos(' ' || e.text, %s) > 0"] * len(self.terms))
            return (f"(SELECT e.object_id FROM core_searchentry e WHERE e.id = {key_sql} + %s AND {found})",
                    [*key_params, SearchEntry.kind_base(self.kind), *(" " + term for term in self.terms)])
        return f"({_ENTRIES_FOUND} AND kind = {_kind_literal(self.kind)})", [_tsquery(self.kind, self.terms)]


def _walkable(query) -> bool:
    """Whether `query` reads a page in an order that an index gives (its first field leads an index): walking it
    meets a common word's records first. In an order no index gives, every record would be read and sorted."""
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not (query.is_sliced and ordering and isinstance(ordering[0], str)):
        return False
    meta, name = query.get_meta(), ordering[0].lstrip("-")
    if name == "pk":
        return True
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:  # an annotation, or a related field's
        return False
    if field.is_relation:  # ordered by the related model's ordering, through a join
        return False
    led = {index.fields[0].lstrip("-") for index in meta.indexes if index.fields}
    return field.primary_key or field.unique or field.db_index or field.name in led


def words_filter(query: str, *fields: str) -> models.Q:
    """Records where every word of `query` is found in one of `fields` (text compared as stored): a scan of
    the table, for the small tables that have no entries in the index. An empty query filters nothing."""
    condition = models.Q()
    for term in dict.fromkeys(search_terms(query or "")):
        found = models.Q()
        for name in fields:
            found |= models.Q(**{f"{name}__contains": term})
        condition &= found
    return condition
