"""samleng rotate_field_key: encrypt every encrypted field again with the newest SAMLENG_FIELD_KEY."""

import contextlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

from samleng.core.crypto import EncryptedTextField, field_key_ids, rotate

BATCH = 1000


def encrypted_fields() -> list[tuple[type, list[EncryptedTextField]]]:
    """Every model with encrypted fields, and those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def rotate_all(batch_size: int = BATCH) -> dict[str, int]:
    """Re-encrypt every stored value with the newest key, all or nothing; the values re-encrypted per model.
    The stored tokens are read and written as they are (no model is saved: no timestamp moves). Each model's
    table is in the database the router gives it (the runtime one holds the two-factor set-ups under way); one
    transaction on each database, the main one committed last."""
    counts = {}
    aliases = [DEFAULT_DB_ALIAS, *(alias for alias in connections if alias != DEFAULT_DB_ALIAS)]
    with contextlib.ExitStack() as transactions:
        for alias in aliases:
            transactions.enter_context(transaction.atomic(using=alias))
        for model, fields in encrypted_fields():
            connection = connections[router.db_for_write(model)]
            quote = connection.ops.quote_name
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            columns = [quote(f.column) for f in fields]
            select = (f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {pk} > %s ORDER BY {pk} "
                      f"LIMIT {int(batch_size)}")
            update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s"
            count, last = 0, None
            with connection.cursor() as cursor:
                while True:
                    if last is None:
                        cursor.execute(select.replace(f"WHERE {pk} > %s ", ""))
                    else:
                        cursor.execute(select, [last])
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    changes = []
                    for row_pk, *tokens in rows:
                        try:
                            changes.append([rotate(token) if token else token for token in tokens] + [row_pk])
                        except ValueError:
                            raise CommandError(
                                f"{model._meta.label_lower} {row_pk}: a value no key of SAMLENG_FIELD_KEY opens. "
                                f"Put the key it was encrypted with in SAMLENG_FIELD_KEY (after the newest) and run "
                                f"again. Nothing was changed.") from None
                        count += sum(1 for token in tokens if token)
                    cursor.executemany(update, changes)
                    last = rows[-1][0]
            counts[model._meta.label_lower] = count
    return counts


class Command(BaseCommand):
    help = ("Encrypt every encrypted field (phones, Telegram ids, two-factor secrets) again with the newest key of "
            "SAMLENG_FIELD_KEY (the first); all or nothing. Then the older keys can be removed (README).")

    def handle(self, *args, **options):
        ids = field_key_ids()
        counts = rotate_all()
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} values")
        self.stdout.write(self.style.SUCCESS(f"{sum(counts.values())} values encrypted with the newest key {ids[0]}."))
        if len(ids) > 1:
            self.stdout.write(f"The older keys ({', '.join(ids[1:])}) can now be removed from SAMLENG_FIELD_KEY, "
                              f"once every app server runs with the new one first; keep them while backups made "
                              f"before today are kept.")
