import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samleng.core.models import AuditEntry
from samleng.transparency import services
from samleng.transparency.models import ElcDisclosure, ProcurementDisclosure
from samleng.transparency.tests.factories import concession, project


def _codes(error: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_a_concession_disclosure_is_recorded_and_audited(world):
    elc = concession("ELC-1")
    disclosure = services.elc_disclosure_record(user=world.officer, concession=elc, item="sub_decree",
                                                disclosed_on=dt.date(2023, 8, 1), source="  Royal   Gazette ")
    assert (disclosure.item, disclosure.source) == ("sub_decree", "Royal Gazette")
    entry = AuditEntry.objects.get(object_type="transparency.elcdisclosure")
    assert entry.action == "create" and entry.changes["disclosed_on"] == [None, "2023-08-01"]


@pytest.mark.parametrize("record, make, other_item", [
    (services.elc_disclosure_record, lambda: {"concession": concession("ELC-1")}, "plan"),
    (services.procurement_disclosure_record, lambda: {"project": project("P-1")}, "esia"),
])
def test_the_rules_of_a_disclosure(world, record, make, other_item):
    target = make()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        record(user=world.officer, item=other_item, disclosed_on=today, **target)
    assert _codes(error.value) == {"item": ["unknown_item"]}
    with pytest.raises(ValidationError) as error:
        record(user=world.officer, item="contract", disclosed_on=today + dt.timedelta(days=1), **target)
    assert _codes(error.value) == {"disclosed_on": ["future"]}
    record(user=world.officer, item="contract", disclosed_on=today, **target)
    with pytest.raises(ValidationError) as error:
        record(user=world.officer, item="contract", disclosed_on=dt.date(2020, 1, 1), **target)
    assert _codes(error.value) == {"item": ["duplicate"]}
    assert ElcDisclosure.objects.count() + ProcurementDisclosure.objects.count() == 1
    assert AuditEntry.objects.filter(object_type__startswith="transparency.").count() == 1
