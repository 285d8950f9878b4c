"""Every write to this app's records. Keyword-only, typed functions that run in a transaction, named
`<thing>_<verb>`, and write to the audit log.

Two sections: single records (the staff pages use them), and many records at once (`<thing>_upsert_many`,
which the workbook import uses: bulk inserts and updates, no per-row queries)."""

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.cbos.models import CBO, Representative
from samleng.cbos.rules import CBO_PARTS, parts_over_total
from samleng.cbos.signals import cbo_moved
from samleng.core.audit import Action, audit_record, changed_fields, created_fields
from samleng.core.bulk import UpsertResult, bulk_search_text, records_upsert_many
from samleng.core.i18n import local_name
from samleng.core.khmer import normalize, search_text
from samleng.core.models import AuditEntry
from samleng.core.validation import full_clean_with
from samleng.places.models import Place

# ---- single records ---------------------------------------------------------------------------------

#: The fields of a CBO that staff set; search_text and the timestamps are derived.
CBO_FIELDS = frozenset({
    "cbo_id", "name_en", "name_km", "type", "province", "district", "commune", "village", "established_on",
    "members_total", "members_female", "committee_total", "committee_female", "area_ha", "joined_on", "is_public",
})
REPRESENTATIVE_FIELDS = frozenset({
    "person_id", "full_name", "sex", "birth_year", "indigenous", "disability", "role", "phone", "telegram",
    "consent_on",
})
_TEXT_FIELDS = frozenset({"cbo_id", "name_en", "name_km", "person_id", "full_name", "phone", "telegram"})
# Phone and Telegram id are encrypted at rest: the audit log says that they changed, never their values,
# or the log would become a clear-text copy of them.
_SECRET_FIELDS = frozenset({"phone", "telegram"})
_HIDDEN = "(hidden)"


def cbo_search_text(cbo: CBO) -> str:
    """What a CBO is found by: its id and its names in both languages, segmented (core.khmer)."""
    return search_text(cbo.cbo_id, cbo.name_en, cbo.name_km)


def _prepared(values: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = set(values) - allowed
    if unknown:  # a programming error, not a user's: fail loudly
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    return {k: normalize(v) if k in _TEXT_FIELDS and isinstance(v, str) else v for k, v in values.items()}


def _hide_secrets(changes: dict[str, list]) -> dict[str, list]:
    return {
        k: [None if old in (None, "") else _HIDDEN, None if new in (None, "") else _HIDDEN]
        if k in _SECRET_FIELDS else [old, new]
        for k, (old, new) in changes.items()
    }


def _cbo_rules(cbo: CBO) -> dict[str, str]:
    """A CBO's places must nest (village in commune in district in province), and women are among members."""
    errors = {}
    chain = [("province", Place.Level.PROVINCE, None), ("district", Place.Level.DISTRICT, "province"),
             ("commune", Place.Level.COMMUNE, "district"), ("village", Place.Level.VILLAGE, "commune")]
    for name, level, parent_field in chain:
        place = getattr(cbo, name) if getattr(cbo, f"{name}_id") else None
        if place is None:
            continue
        parent = getattr(cbo, parent_field) if parent_field and getattr(cbo, f"{parent_field}_id") else None
        if place.level != level:
            errors[name] = _("%(place)s is not a %(level)s.") % {
                "place": local_name(place), "level": Place.Level(level).label}
        elif parent_field and parent is None:
            errors[name] = _("Give the %(parent)s as well.") % {"parent": Place.Level(level - 1).label}
        elif parent is not None and place.parent_id != parent.pk:
            errors[name] = _("%(place)s is not in %(parent)s.") % {
                "place": local_name(place), "parent": local_name(parent)}
    for female, _total in parts_over_total(lambda name: getattr(cbo, name), CBO_PARTS):
        errors[female] = _("There cannot be more women than people in all.")
    return errors


@transaction.atomic
def cbo_create(
    *, user, cbo_id: str, name_en: str, type: str, province: Place, district: Place, name_km: str = "",
    commune: Place | None = None, village: Place | None = None, established_on: dt.date | None = None,
    members_total: int | None = None, members_female: int | None = None, committee_total: int | None = None,
    committee_female: int | None = None, area_ha: Decimal | None = None, joined_on: dt.date | None = None,
    is_public: bool = False,
) -> CBO:
    """Register a CBO. Raises ValidationError (by field) when a value is wrong or the id is taken."""
    given = dict(locals())  # first statement: the arguments, and nothing else yet
    values = _prepared({k: v for k, v in given.items() if k in CBO_FIELDS}, CBO_FIELDS)
    cbo = CBO(**values)
    cbo.search_text = cbo_search_text(cbo)
    full_clean_with(cbo, _cbo_rules(cbo))
    cbo.save()
    audit_record(user=user, action=Action.CREATE, obj=cbo, summary=f"CBO {cbo.cbo_id} registered",
                 changes=created_fields(values))
    return cbo


@transaction.atomic
def cbo_update(*, user, cbo: CBO, data: Mapping[str, Any]) -> CBO:
    """Change some fields of a CBO (`data`: field name -> new value, names from CBO_FIELDS). The record is
    read again under a lock, so the audit log compares with what was stored, not with a form's copy."""
    values = _prepared(data, CBO_FIELDS)
    current = CBO.objects.select_for_update().get(pk=cbo.pk)
    changes = changed_fields(current, values)
    if not changes:
        return current
    for name, value in values.items():
        setattr(current, name, value)
    current.search_text = cbo_search_text(current)
    full_clean_with(current, _cbo_rules(current))
    current.save()
    if "province" in changes or "district" in changes:
        cbo_moved.send(sender=CBO, cbo_ids=[current.pk])
    audit_record(user=user, action=Action.UPDATE, obj=current, summary=f"CBO {current.cbo_id} changed",
                 changes=changes)
    return current


def _representative_rules(representative: Representative) -> dict[str, str]:
    errors = {}
    this_year = timezone.localdate().year
    if representative.birth_year is not None and not 1900 <= representative.birth_year <= this_year:
        errors["birth_year"] = _("Give a year between 1900 and %(year)s.") % {"year": this_year}
    if representative.consent_on and representative.consent_on > timezone.localdate():
        errors["consent_on"] = _("This date is in the future.")
    return errors


@transaction.atomic
def representative_create(
    *, user, cbo: CBO, person_id: str, full_name: str, sex: str, birth_year: int | None = None,
    indigenous: bool = False, disability: bool = False, role: str = "", phone: str = "", telegram: str = "",
    consent_on: dt.date | None = None,
) -> Representative:
    """Add a person who represents `cbo`. Personal data: the audit log keeps who added whom, not the phone
    or Telegram id."""
    given = dict(locals())  # first statement: the arguments, and nothing else yet
    values = _prepared({k: v for k, v in given.items() if k in REPRESENTATIVE_FIELDS}, REPRESENTATIVE_FIELDS)
    representative = Representative(cbo=cbo, **values)
    full_clean_with(representative, _representative_rules(representative))
    representative.save()
    audit_record(user=user, action=Action.CREATE, obj=representative,
                 summary=f"representative {representative.person_id} of CBO {cbo.cbo_id} added",
                 changes=_hide_secrets(created_fields(values)))
    return representative


@transaction.atomic
def representative_update(*, user, representative: Representative, data: Mapping[str, Any]) -> Representative:
    """Change some fields of a representative (names from REPRESENTATIVE_FIELDS)."""
    values = _prepared(data, REPRESENTATIVE_FIELDS)
    current = Representative.objects.select_for_update().select_related("cbo").get(pk=representative.pk)
    if current.forgotten_on is not None:
        raise ValidationError(_("This person was forgotten at their request: nothing of them is recorded again. "
                                "Someone who consents anew is added as a new person."))
    changes = changed_fields(current, values)
    if not changes:
        return current
    for name, value in values.items():
        setattr(current, name, value)
    full_clean_with(current, _representative_rules(current))
    current.save()
    audit_record(user=user, action=Action.UPDATE, obj=current,
                 summary=f"representative {current.person_id} of CBO {current.cbo.cbo_id} changed",
                 changes=_hide_secrets(changes))
    return current


@transaction.atomic
def representative_delete(*, user, representative: Representative) -> None:
    """Remove a representative, with their attendance records (they go with the person)."""
    summary = f"representative {representative.person_id} of CBO {representative.cbo.cbo_id} removed"
    audit_record(user=user, action=Action.DELETE, obj=representative, summary=summary)
    representative.delete()


#: What forgetting a person erases; what stays (sex, role, indigenous, disability, their CBO, their
#: attendance) is what counts are made of, and names nobody.
FORGOTTEN_FIELDS = {"full_name": "", "phone": "", "telegram": "", "birth_year": None, "consent_on": None}
_ERASED = "(erased)"


@transaction.atomic
def representative_forget(*, user, representative: Representative) -> Representative:
    """Erase the personal data of a person who withdrew consent (DESIGN.md, Privacy): name, phone, Telegram
    id, birth year and consent date, here and in the values the audit log kept of them. The person stays, as
    `person_id` with sex, role and groups, so that their attendance is still counted; `forgotten_on` keeps a
    workbook import from bringing them back. Forgetting someone already forgotten changes nothing."""
    current = Representative.objects.select_for_update().select_related("cbo").get(pk=representative.pk)
    if current.forgotten_on is not None:
        return current
    for name, value in FORGOTTEN_FIELDS.items():
        setattr(current, name, value)
    current.forgotten_on = timezone.localdate()
    current.save(update_fields=[*FORGOTTEN_FIELDS, "forgotten_on"])
    _erase_audited_values(current)
    audit_record(user=user, action=Action.UPDATE, obj=current,
                 summary=f"representative {current.person_id} of CBO {current.cbo.cbo_id} forgotten (consent "
                         f"withdrawn): name, phone, Telegram id, birth year and consent date erased",
                 changes={name: [_ERASED, None] for name in FORGOTTEN_FIELDS})
    return current


def _erase_audited_values(representative: Representative) -> None:
    """The audit log keeps who changed what and when, but not the values of a forgotten person."""
    entries = AuditEntry.objects.filter(object_type=Representative._meta.label_lower,
                                        object_id=str(representative.pk))
    changed = []
    for entry in entries:
        changes = {
            name: [None if value in (None, "") else _ERASED for value in values]
            if name in FORGOTTEN_FIELDS and isinstance(values, list) else values
            for name, values in entry.changes.items()
        }
        if changes != entry.changes:
            entry.changes = changes
            changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["changes"], batch_size=500)



# ---- many records (workbook import) -----------------------------------------------------------------

_CBO_SEARCH_FROM = ("cbo_id", "name_en", "name_km")


def cbo_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update CBOs matched on `cbo_id` (the NGO's own key). Each row gives CBO fields by attribute
    name (`province_id`...), already checked (the workbook import checks every row before it writes any);
    fields left out keep their values. search_text follows the names, as cbo_search_text makes it. CBOs
    whose province or district changed are announced (cbos.signals.cbo_moved). Returns the counts and every
    CBO's primary key by cbo_id."""
    moved: set[str] = set()
    result = records_upsert_many(
        user=user, model=CBO, key=("cbo_id",), rows=_noting_moves(rows, batch_size, moved), batch_size=batch_size,
        derive_from=_CBO_SEARCH_FROM,
        derive=lambda v: {"search_text": bulk_search_text(*(v[f] for f in _CBO_SEARCH_FROM))},
    )
    if moved:
        cbo_moved.send(sender=CBO, cbo_ids=[result.pks[cbo_id] for cbo_id in moved])
    return result


def _noting_moves(rows: Iterable[Mapping[str, Any]], batch_size: int, moved: set[str]):
    """Pass the rows on unchanged, adding to `moved` the cbo_id of every stored CBO whose row gives another
    province or district: one query per batch, read before records_upsert_many writes the batch (it takes
    the rows batch_size at a time, so the stored places are still the old ones)."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, batch_size)):
        placed = [row for row in chunk if "province_id" in row or "district_id" in row]
        stored = CBO.objects.filter(cbo_id__in={row["cbo_id"] for row in placed}).values_list(
            "cbo_id", "province_id", "district_id") if placed else []
        places = {cbo_id: (province, district) for cbo_id, province, district in stored}
        for row in placed:
            old = places.get(row["cbo_id"])
            if old and (row.get("province_id", old[0]), row.get("district_id", old[1])) != old:
                moved.add(row["cbo_id"])
        yield from chunk


def representative_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000,
) -> UpsertResult:
    """Create or update representatives matched on `person_id`; rows give `cbo_id` as the CBO's primary
    key. Phones and Telegram ids are compared in clear and stored encrypted; the audit entry names the
    fields that changed, never their values."""
    return records_upsert_many(user=user, model=Representative, key=("person_id",), rows=rows,
                               batch_size=batch_size)
