"""Every write of transparency: land concessions and procurement projects with what was disclosed about
them. Keyword-only, atomic, audited (core.bulk writes one audit entry per call)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.core.audit import Action, audit_record, created_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.khmer import normalize
from samleng.transparency.models import (
    ElcDisclosure,
    ElcItem,
    LandConcession,
    ProcurementDisclosure,
    ProcurementItem,
    ProcurementProject,
)


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


def _check_new_disclosure(*, existing, item: str, vocabulary, disclosed_on: dt.date) -> None:
    """The rules of a disclosure recorded by hand: a known item, a date that is not in the future, and one
    disclosure per item (the first date it was seen public)."""
    if item not in vocabulary.values:
        raise _field_error("item", _("Choose one of the items in the list."), "unknown_item")
    if disclosed_on > timezone.localdate():
        raise _field_error("disclosed_on", _("The date cannot be in the future."), "future")
    earlier = existing.filter(item=item).first()
    if earlier is not None:
        raise _field_error("item", _("This item is already recorded as disclosed on %(date)s.")
                           % {"date": earlier.disclosed_on.isoformat()}, "duplicate")


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _audit_created(*, user, disclosure, summary: str) -> None:
    audit_record(user=user, action=Action.CREATE, obj=disclosure, summary=summary, changes=created_fields({
        "item": disclosure.item, "disclosed_on": disclosure.disclosed_on, "source": disclosure.source,
    }))


@transaction.atomic
def elc_disclosure_record(
    *, user, concession: LandConcession, item: str, disclosed_on: dt.date, source: str = "",
) -> ElcDisclosure:
    """Record that `item` of `concession` was made public on `disclosed_on` (seen at `source`). Raises
    ValidationError by field for an unknown item, a date in the future, or an item already recorded."""
    # Lock the concession so that two people recording the same item at once get the error, not a 500.
    LandConcession.objects.select_for_update().filter(pk=concession.pk).first()
    _check_new_disclosure(existing=concession.disclosures.all(), item=item, vocabulary=ElcItem,
                          disclosed_on=disclosed_on)
    disclosure = ElcDisclosure.objects.create(concession=concession, item=item, disclosed_on=disclosed_on,
                                              source=normalize(source))
    _audit_created(user=user, disclosure=disclosure,
                   summary=f"concession {concession.elc_id}: {item} disclosed on {disclosed_on.isoformat()}")
    return disclosure


@transaction.atomic
def procurement_disclosure_record(
    *, user, project: ProcurementProject, item: str, disclosed_on: dt.date, source: str = "",
) -> ProcurementDisclosure:
    """Record that `item` of a procurement `project` was made public on `disclosed_on` (seen at `source`).
    Raises ValidationError by field for an unknown item, a date in the future, or an item already recorded."""
    ProcurementProject.objects.select_for_update().filter(pk=project.pk).first()
    _check_new_disclosure(existing=project.disclosures.all(), item=item, vocabulary=ProcurementItem,
                          disclosed_on=disclosed_on)
    disclosure = ProcurementDisclosure.objects.create(project=project, item=item, disclosed_on=disclosed_on,
                                                      source=normalize(source))
    _audit_created(user=user, disclosure=disclosure,
                   summary=f"procurement project {project.project_id}: {item} disclosed on {disclosed_on.isoformat()}")
    return disclosure
