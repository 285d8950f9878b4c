"""Writing many records at once, for the workbook import: matched on their keys, compared with what is
stored, inserted with one executemany (a COPY on PostgreSQL) and updated with bulk_update, with one audit
entry per call. The domain apps' `*_upsert_many` services are built on `records_upsert_many`."""

import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from samleng.core import pagecache, search
from samleng.core.audit import Action, audit_record
from samleng.core.khmer import normalize, search_text
from samleng.core.pgload import bulk_load


@dataclass
class UpsertResult:
    """What a `*_upsert_many` did: how many records it created and updated and, unless asked not to keep
    them, the primary key of every record it was given and the keys of those it created or changed, by
    record key (the id, such as a cbo_id, or a tuple when several fields identify a record)."""

    created: int = 0
    updated: int = 0
    pks: dict = field(default_factory=dict)
    changed: set = field(default_factory=set)


#: Words remembered by bulk_search_text (and core.search's _token_words): the words that recur (names, places)
#: stay among the last 16,384 used, while each of a national workbook's ids is used once. With room for 200,000
#: the two caches held 20 MB through its writes; with this, 99.5% of the hits and 6 MB less at its peak.
TOKENS_REMEMBERED = 16_384


@lru_cache(maxsize=TOKENS_REMEMBERED)
def _token_search_text(token: str) -> str:
    return search_text(token)


def bulk_search_text(*parts: str) -> str:
    """Exactly core.khmer.search_text(*parts), remembered word by word. Segmenting Khmer takes a third of a
    millisecond per name, and the names of a workbook share most of their words. (search_text splits on
    spaces before it segments, so segmenting each space-separated token apart gives the same words.)"""
    return " ".join(words for part in parts if part for token in normalize(part).split()
                    if (words := _token_search_text(token)))


def _audit_key(key) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


_AUDIT_LIMIT = 500  # records named in a bulk audit entry; the counts are always complete


@transaction.atomic
def records_upsert_many(
    *, user, model: type[models.Model], key: tuple[str, ...], rows: Iterable[Mapping[str, Any]],
    derive: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None, derive_from: tuple[str, ...] = (),
    on_create: Mapping[str, Any] | None = None, keep_keys: bool = True, batch_size: int = 2000,
) -> UpsertResult:
    """Create or update many records of `model` at once, matched on the `key` fields: the engine of every
    `*_upsert_many` (cbos, advocacy, engagement).

    `rows` gives field values by attribute name (`province_id`, not `province`), the key fields included; a
    field a row leaves out keeps its stored value, so a sheet without a column changes nothing of it. A
    record is written only when a value differs from the stored one: upserting the same rows twice changes
    nothing the second time. `derive` computes derived fields (search_text) from a record's values, the
    stored ones completed by the row's, whenever one of `derive_from` changes. `on_create` adds values to new
    records only. The entries of a model that core.search indexes are written again for the records written.
    Rows are read `batch_size` at a time: one SELECT, one bulk INSERT and one bulk UPDATE per
    batch, whatever the number of rows, and never all the rows in memory at once. One audit entry says
    what changed (the counts, and which records, up to 500 of them: field names, never values). Each batch
    reads back the stored records whose first key field is among the batch's: give the rows grouped by it."""
    result = UpsertResult()
    indexed = search.indexed(model)
    keep_keys = keep_keys or indexed  # the search index is written again for the records written
    stamp = "updated_at" if any(f.name == "updated_at" for f in model._meta.concrete_fields) else None
    defaults = {f: model._meta.get_field(f).get_default() for f in derive_from}
    audit: dict[str, Any] = {"created": [], "updated": {}}
    rows = iter(rows)
    # On PostgreSQL, a big load into a table that had no rows has its foreign keys checked and its plain
    # indexes built once, after it, rather than row by row (core.pgload says when, and what readers see).
    with bulk_load(model, looked_up_by=key[0]) as load:
        while chunk := list(itertools.islice(rows, batch_size)):
            created = result.created
            _upsert_chunk(model, key, chunk, derive, derive_from, defaults, on_create or {}, stamp, result, audit,
                          keep_keys, batch_size)
            load.written(result.created - created)
    if indexed and result.changed:  # bulk writes send no post_save: the entries follow here
        search.reindex(model, [result.pks[record] for record in result.changed])
    if result.created or result.updated:
        pagecache.model_changed(model)  # the cached public pages of its app go
        audit_record(
            user=user, action=Action.UPDATE if result.updated else Action.CREATE,
            object_type=model._meta.label_lower,
            summary=f"{model._meta.verbose_name_plural}: {result.created} created, {result.updated} updated "
                    "at once (workbook import)",
            changes={"created_count": result.created, "updated_count": result.updated, **audit},
        )
    return result


def _upsert_chunk(model, key, chunk, derive, derive_from, defaults, on_create, stamp, result, audit, keep_keys,
                  batch_size) -> None:
    single = len(key) == 1
    key_of = itemgetter(*key)  # a record's key: its one field's value, or the tuple of them
    fields = [f for f in dict.fromkeys(itertools.chain.from_iterable(chunk)) if f not in key]
    read = list(dict.fromkeys([*key, *fields, *derive_from]))
    given = len(key) + len(fields)  # read[:given]: the fields the rows give, key first
    given_of = itemgetter(*read[:given]) if given > 1 else lambda row: (row[read[0]],)
    # The first key field alone narrows the query: SQLite would try every combination of several IN lists.
    # Callers send the rows grouped by that field (attendance by event), so a batch reads back its own.
    existing = {}  # key -> (pk, *the values of `read`)
    for stored in among(model, key[0], set(map(itemgetter(key[0]), chunk))).values_list("pk", *read):
        existing[stored[1] if single else stored[1:len(key) + 1]] = stored
    new, changed = [], {}
    copy = bool(on_create or derive)
    for row in chunk:
        record_key = key_of(row)
        found = existing.get(record_key)
        if found is None:
            values = {**on_create, **row} if copy else row
            if derive:
                values.update(derive({**defaults, **values}))
            new.append((record_key, values))
            continue
        pk = found[0]
        if keep_keys:
            result.pks[record_key] = pk
        if len(row) == given and given_of(row) == found[1:given + 1]:
            continue  # the common case, a row that gives every field and changes none: one comparison
        stored = dict(zip(read, found[1:], strict=True))
        diff = [f for f, value in row.items() if stored[f] != value]
        if not diff:
            continue
        values = {f: v for f, v in row.items() if f not in key}
        if derive and any(f in derive_from for f in diff):
            values.update(derive({**stored, **row}))
        if stamp:
            values[stamp] = timezone.now()
        changed.setdefault(tuple(values), []).append(model(pk=pk, **values))
        result.updated += 1
        if keep_keys:
            result.changed.add(record_key)
        if len(audit["updated"]) < _AUDIT_LIMIT:
            audit["updated"][_audit_key(record_key)] = diff
    if new:
        records_insert_many(model=model, rows=[values for _key, values in new])
        result.created += len(new)
        if keep_keys:  # the new primary keys, read back with one query
            inserted = among(model, key[0], {values[key[0]] for _key, values in new})
            # Kept under the rows' own keys rather than the equal ones read back, whose values (a date, a
            # status) would stay in memory beside the rows' (80,000 issue updates: 9 MB).
            own = {record_key: record_key for record_key, _values in new}
            for pk, *values in inserted.values_list("pk", *key):
                read_key = values[0] if single else tuple(values)
                result.pks[own.get(read_key, read_key)] = pk
            result.changed.update(record_key for record_key, _values in new)
        audit["created"].extend(_audit_key(k) for k, _values in new[:_AUDIT_LIMIT - len(audit["created"])])
    for update_fields, objs in changed.items():
        model.objects.bulk_update(objs, list(update_fields), batch_size=batch_size)


def among(model: type[models.Model], field: str, values: set) -> models.QuerySet:
    """The records of `model` whose `field` is one of `values`, in no particular order, for batches of many
    values: on PostgreSQL `field = ANY(array)`, one parameter however many values (else Django prepares each
    of a batch's 2,000 values and psycopg rewrites a query of 2,000 placeholders, batch after batch); on
    SQLite, values that are text or whole numbers go as one JSON array (`_InJson`); else `field__in`."""
    connection = connections[router.db_for_read(model)]
    records = model.objects.order_by()
    if connection.vendor == "postgresql":
        column = model._meta.pk if field == "pk" else model._meta.get_field(field)  # "pk" names no field
        return records.filter(_AnyOf(field, values, column.db_type(connection)))
    if connection.vendor == "sqlite" and all(type(value) in (str, int) for value in values):
        return records.filter(_InJson(field, values))
    return records.filter(**{f"{field}__in": values})


class _InJson(models.Func):
    """`field IN (SELECT value FROM json_each(%s))` (SQLite): the values as one JSON array. SQLite prepares a
    statement of 2,000 placeholders into a few hundred KB, and the connection keeps the last 128 statements
    it prepared, each batch of another size another one: tens of MB during a national import. One parameter
    is also one value for Django to prepare instead of 2,000."""

    output_field = models.BooleanField()

    def __init__(self, field: str, values):
        super().__init__(models.F(field))
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.values)]


class _AnyOf(models.Func):
    """`field = ANY(%s::type[])` (PostgreSQL): the values go as one array, of the field's own type (psycopg
    would send small ints as int2[], and a bigint column compared with them could not use its index)."""

    output_field = models.BooleanField()

    def __init__(self, field: str, values, db_type: str):
        super().__init__(models.F(field))
        self.values, self.db_type = list(values), db_type

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::{self.db_type}[])", [*params, self.values]


def records_insert_many(*, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT new records (field values by attribute name) with one executemany, or on PostgreSQL one COPY
    (an INSERT per row, even pipelined, takes five times as long there): a tenth of the time bulk_create
    takes per record (it builds a model instance and compiles every field of it, which for 600,000
    attendance rows is most of an import). Values go through each field's get_db_prep_save as with
    save(), so dates, decimals and the encryption of phones all apply (plain ints, bools and text need no
    conversion and get none); fields a row does not give take their default, timestamps the time of the
    insert. No signals are sent, as with bulk_create. The primary key is the database's unless the rows
    give it (core.search's entries, whose ids say their kind and record). The caller checks the values:
    nothing else does."""
    connection = connections[router.db_for_write(model)]
    if rows:
        pagecache.model_changed(model)  # the cached public pages of its app go
    now = timezone.now()
    given_pk = bool(rows) and model._meta.pk.attname in rows[0]
    fields = [f for f in model._meta.concrete_fields if given_pk or not f.primary_key]
    defaults = {f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default() for f in fields}
    converted = [(f.attname, f.get_db_prep_save) for f in fields if not _is_plain(f)]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    names = [f.attname for f in fields]
    # The defaults (the insert's time among them) are converted once; a row's own values one by one.
    prepared = {**defaults, **{name: to_db(defaults[name], connection) for name, to_db in converted}}
    ordered = itemgetter(*names) if len(names) > 1 else lambda values: (values[names[0]],)
    params = []
    if rows and not converted and prepared.keys() <= rows[0].keys():
        # Rows that give every field, none of which needs converting (600,000 attendance rows): their values
        # as they are, without a dict per row; a row that leaves out a field takes the defaults after all.
        for row in rows:
            try:
                params.append(ordered(row))
            except KeyError:
                params.append(ordered({**prepared, **row}))
    else:
        for row in rows:
            values = {**prepared, **row}
            for name, to_db in converted:
                if name in row:
                    values[name] = to_db(values[name], connection)
            params.append(ordered(values))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows go in one stream; psycopg adapts the values as it does the INSERT's parameters. (The
            # COPY goes past Django's cursor wrapper: debug mode does not list it among the queries.)
            columns = ", ".join(quote(f.column) for f in fields)
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, params)


#: Fields whose values the database driver takes as they are (ints, bools, str): converting them through
#: get_db_prep_save would only cost time. Exact classes only: a subclass (EncryptedTextField) may convert.
_PLAIN_FIELDS = (models.BigAutoField, models.BigIntegerField, models.IntegerField, models.PositiveIntegerField,
                 models.PositiveSmallIntegerField, models.SmallIntegerField, models.BooleanField, models.CharField,
                 models.TextField)


def _is_plain(field) -> bool:
    if isinstance(field, models.ForeignKey):
        return type(field.target_field) in (models.AutoField, models.BigAutoField)
    return type(field) in _PLAIN_FIELDS


def records_update_many(*, model: type[models.Model], fields: tuple[str, ...], records: Iterable[models.Model]) -> int:
    """UPDATE `fields` of `records` (model instances already changed in memory, each once) with one executemany
    of a plain `UPDATE ... WHERE id = %s`, or on PostgreSQL one UPDATE from arrays per 5,000 records
    (`_update_from_arrays`): bulk_update writes one CASE per field over every row of a batch, which takes
    Django longer to build than the database to run (seconds for ten thousand rows). Values go through each
    field's get_db_prep_save, as with save(). No signals; the cached public pages of the model's app go."""
    connection = connections[router.db_for_write(model)]
    chosen = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in chosen)} "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(record, f.attname), connection) for f in chosen] + [record.pk]
              for record in records]
    if params:
        pagecache.model_changed(model)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and all(type(f) in _ARRAY_FIELDS for f in chosen):
                _update_from_arrays(cursor, connection, model, chosen, params)
            else:
                cursor.executemany(sql, params)
    return len(params)


#: Fields whose values psycopg sends in an array as they are (records_update_many on PostgreSQL).
_ARRAY_FIELDS = (*_PLAIN_FIELDS, models.DateField, models.DateTimeField, models.DecimalField)


def _update_from_arrays(cursor, connection, model, fields, params, batch_size: int = 5000) -> None:
    """records_update_many's UPDATE on PostgreSQL: one statement per 5,000 records, each column's values as
    one array (`UPDATE ... FROM unnest(%s::date[], ...)`), rather than a statement per record: 10,000 requests'
    clocks took 0.3 s of the server's time and as much of psycopg's, one statement each."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    columns = [quote(f.column) for f in fields]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [*fields, pk])
    sql = (f"UPDATE {quote(model._meta.db_table)} AS t SET {', '.join(f'{c} = v.{c}' for c in columns)} "
           f"FROM unnest({arrays}) AS v({', '.join(columns)}, _pk) WHERE t.{quote(pk.column)} = v._pk")
    for start in range(0, len(params), batch_size):
        batch = params[start:start + batch_size]
        cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
