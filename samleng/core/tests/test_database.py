"""The database server's settings for a kind of work: a web request's queries start no parallel worker on
PostgreSQL; a transaction of heavy work may let them (core.database.allow_parallel_workers; the indicators do:
results/tests/test_services.py)."""

import pytest
from django.db import connection, transaction

from samleng.core.database import PARALLEL_WORKERS, allow_parallel_workers

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")


def _workers() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_only_for_the_transaction_that_asks():
    assert _workers() == 0
    allow_parallel_workers()  # outside a transaction: nothing
    assert _workers() == 0
    with transaction.atomic():
        allow_parallel_workers()
        assert _workers() == PARALLEL_WORKERS
    assert _workers() == 0
