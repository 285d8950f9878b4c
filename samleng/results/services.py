"""Every write of results: the framework (programmes, outcomes, indicators), reported figures, computed
snapshots, narratives and reports. Keyword-only, atomic, audited.

The workbook import writes through `programme_upsert`, `outcome_upsert_many`, `indicator_upsert_many` and
`reported_value_upsert_many` (rows matched on their codes; importing twice changes nothing)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from samleng.core.audit import Action, audit_record, changed_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.results.models import Indicator, Outcome, Programme, ReportedValue


@transaction.atomic
def programme_upsert(*, user, code: str, name: str, start: dt.date, end: dt.date, donors: str = "") -> Programme:
    """Create the programme with this code, or update its name, donors and dates; audited when anything
    changes."""
    values = {"name": name, "donors": donors, "start": start, "end": end}
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        programme = Programme.objects.create(code=code, **values)
        audit_record(user=user, action=Action.CREATE, obj=programme, summary=f"programme {code} created",
                     changes={"fields": sorted(values)})
        return programme
    changes = changed_fields(programme, values)
    if changes:
        for field, value in values.items():
            setattr(programme, field, value)
        programme.save()
        audit_record(user=user, action=Action.UPDATE, obj=programme, summary=f"programme {code} updated",
                     changes=changes)
    return programme


def outcome_upsert_many(*, user, programme: Programme, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the programme's outcomes matched on `code`; rows give `statement_en` and, when known,
    `statement_km`. `result.pks` maps each code to its primary key."""
    rows = ({**row, "programme_id": programme.pk} for row in rows)
    return records_upsert_many(user=user, model=Outcome, key=("programme_id", "code"), rows=rows)


def indicator_upsert_many(*, user, programme: Programme, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the programme's indicators matched on `code`; rows give the Indicator fields by
    attribute name (`outcome_id` as a primary key, `parameters` as a dict). `result.pks` maps each code to its
    primary key."""
    rows = ({**row, "programme_id": programme.pk} for row in rows)
    return records_upsert_many(user=user, model=Indicator, key=("programme_id", "code"), rows=rows)


def reported_value_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update reported figures matched on (indicator, period); rows give `indicator_id` as a
    primary key, `value`, `decimals` and, when the report printed them, `numerator`, `denominator`,
    `breakdown`, `narrative`, `source`."""
    return records_upsert_many(user=user, model=ReportedValue, key=("indicator_id", "period"), rows=rows,
                               keep_keys=False)
