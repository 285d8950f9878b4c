"""Every write of transparency: land concessions and procurement projects with what was disclosed about
them. Keyword-only, atomic, audited (core.bulk writes one audit entry per call)."""

from collections.abc import Iterable, Mapping
from typing import Any

from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.transparency.models import ElcDisclosure, LandConcession, ProcurementDisclosure, ProcurementProject


def land_concession_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update concessions matched on `elc_id`; rows give `province_id`/`district_id` as primary
    keys. `result.pks` maps each elc_id to its primary key."""
    return records_upsert_many(user=user, model=LandConcession, key=("elc_id",), rows=rows, batch_size=batch_size)


def elc_disclosure_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update disclosures matched on (concession, item); rows give `concession_id` as a primary key,
    `disclosed_on` and `source`."""
    return records_upsert_many(user=user, model=ElcDisclosure, key=("concession_id", "item"), rows=rows,
                               batch_size=batch_size, keep_keys=False)


def procurement_project_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update procurement projects matched on `project_id`. `result.pks` maps each project_id to its
    primary key."""
    return records_upsert_many(user=user, model=ProcurementProject, key=("project_id",), rows=rows,
                               batch_size=batch_size)


def procurement_disclosure_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update disclosures matched on (project, item); rows give `project_id` as the project's primary
    key (the field's attribute name), `disclosed_on` and `source`."""
    return records_upsert_many(user=user, model=ProcurementDisclosure, key=("project_id", "item"), rows=rows,
                               batch_size=batch_size, keep_keys=False)
