"""Authorities belong to an office (places.Office) instead of a unit of the gazetteer: each authority user with a
unit gets its unit's administration (found, or created with the names places.services.office_names_of gives),
then the unit goes. Backwards: the office's place becomes the unit again."""

from django.db import migrations, models
import django.db.models.deletion

from samleng.places.selectors import office_keys
from samleng.places.services import office_level_of, office_names_of


def _administration(Office, place):
    name_en, name_km = office_names_of(place)
    level = office_level_of(place)
    key_en, key_km = office_keys(name_en, name_km)
    found = Office.objects.filter(level=level, place=place).filter(
        models.Q(key_en=key_en) | models.Q(key_km=key_km)).first()
    if found:
        return found
    prefix = f"OF-{place.code}-"
    used = set(Office.objects.filter(office_id__startswith=prefix).values_list("office_id", flat=True))
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return Office.objects.create(office_id=f"{prefix}{n}", level=level, place=place, name_en=name_en,
                                 name_km=name_km, key_en=key_en, key_km=key_km, kind="administration")


def units_to_offices(apps, schema_editor):
    User, Office = apps.get_model("accounts", "User"), apps.get_model("places", "Office")
    for user in User.objects.filter(authority_unit__isnull=False).select_related("authority_unit"):
        user.office = _administration(Office, user.authority_unit)
        user.save(update_fields=["office"])


def offices_to_units(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(office__place__isnull=False).select_related("office"):
        user.authority_unit_id = user.office.place_id
        user.save(update_fields=["authority_unit"])


class Migration(migrations.Migration):
    # Not one transaction: on PostgreSQL the rows the copy writes leave deferred foreign-key checks pending until
    # their transaction ends, and a table with pending checks cannot be altered ("pending trigger events"). The
    # copy runs in a transaction of its own (atomic=True), the schema changes around it each on their own.
    atomic = False

    dependencies = [
        ("accounts", "0003_recovery_codes_limit_buckets"),
        ("places", "0002_offices"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="office",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="users", to="places.office", verbose_name="office"),
        ),
        migrations.RunPython(units_to_offices, offices_to_units, atomic=True),
        migrations.RemoveField(model_name="user", name="authority_unit"),
    ]
