"""How the database server is asked to work for a kind of work, where one setting cannot suit all."""

from django.db import DEFAULT_DB_ALIAS, connections

#: Parallel workers a query of heavy work may start on PostgreSQL (the server's own default). The app's
#: connections start none (settings): a web request's queries are small, and a worker's start costs more than
#: it saves there (a search's count of a common word took 8 ms of wall time with one, 3.3 without).
PARALLEL_WORKERS = 2


def allow_parallel_workers(using: str = DEFAULT_DB_ALIAS) -> None:
    """Lets PostgreSQL's planner start parallel workers for the rest of the current transaction (SET LOCAL:
    the connection goes back to none when the outermost transaction ends, not at a savepoint's), for work
    that reads much: the indicators took 460-510 ms with them on the national data, 680 without. Nothing on
    another database, or outside a transaction."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL max_parallel_workers_per_gather = {int(PARALLEL_WORKERS)}")
