"""Every write of the assistant's knowledge base: many services or FAQ entries at once (the knowledge-base
workbook's sheets), on core.bulk.records_upsert_many: only what differs is written, one audit entry per call.
Keyword-only, atomic."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from samleng.assistant.models import FaqEntry, Service
from samleng.core.bulk import UpsertResult, records_upsert_many


@transaction.atomic
def service_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update services matched on `service_id`. The caller has checked the rows."""
    return records_upsert_many(user=user, model=Service, key=("service_id",), rows=rows)


@transaction.atomic
def faq_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update FAQ entries matched on `faq_id`. The caller has checked the rows."""
    return records_upsert_many(user=user, model=FaqEntry, key=("faq_id",), rows=rows)
