"""An issue's duty bearer and a commitment's authority become offices (places.Office) instead of text.

Each stored name is matched to an office of its level at the CBO's place (the issue's duty_bearer_level; for a
commitment, the level its words say, "commune", "ស្រុក", "ministry"..., or else its issue's), by its compared
name, or becomes a new one; an issue without a name is addressed to the administration of the CBO's place at
its level (none when national). Backwards, the offices' names become the text again."""

import re

import django.db.models.deletion
from django.db import migrations, models

from samleng.places.names import is_khmer
from samleng.places.selectors import office_keys
from samleng.places.services import office_names_of

_PLACE_FIELD = {"village": "village", "commune": "commune", "district": "district", "province": "province"}
_LEVEL_WORDS = [  # the first that a commitment's authority says decides its level
    ("national", r"ministry|ក្រសួង|national|ជាតិ"),
    ("province", r"province|provincial|ខេត្ត|រាជធានី"),
    ("district", r"district|khan|krong|ស្រុក|ខណ្ឌ|ក្រុង"),
    ("commune", r"commune|sangkat|ឃុំ|សង្កាត់"),
    ("village", r"village|ភូមិ"),
]
_KIND_WORDS = [
    ("ministry", r"ministry|ក្រសួង"), ("line_department", r"department|មន្ទីរ|ការិយាល័យ"),
    ("council", r"council|ក្រុមប្រឹក្សា"),
]


def _said(words, text, default):
    return next((value for value, pattern in words if re.search(pattern, text, re.IGNORECASE)), default)


class _Offices:
    def __init__(self, Office):
        self.Office = Office
        self.numbers = {}

    def place_of(self, cbo, level):
        """The CBO's place at `level`, or the nearest one above it that the CBO records."""
        order = ["village", "commune", "district", "province"]
        if level not in order:
            return None
        for field in order[order.index(level):]:
            place = getattr(cbo, field)
            if place is not None:
                return place
        return None

    def find_or_create(self, *, level, place, name_en="", name_km="", kind="administration"):
        key_en, key_km = office_keys(name_en, name_km)
        same = self.Office.objects.filter(level=level, place=place)
        found = (key_en and same.filter(key_en=key_en).first()) or (key_km and same.filter(key_km=key_km).first())
        if found:
            return found
        prefix = f"OF-{place.code if place else 'KH'}-"
        if prefix not in self.numbers:
            used = self.Office.objects.filter(office_id__startswith=prefix).values_list("office_id", flat=True)
            self.numbers[prefix] = max((int(i[len(prefix):]) for i in used if i[len(prefix):].isdigit()), default=0)
        self.numbers[prefix] += 1
        return self.Office.objects.create(
            office_id=f"{prefix}{self.numbers[prefix]}", level=level, place=place, name_en=name_en, name_km=name_km,
            key_en=key_en, key_km=key_km, kind=kind)

    def named(self, text, *, level, cbo, kind):
        place = self.place_of(cbo, level)
        if place is not None and level != "national":
            level = {1: "province", 2: "district", 3: "commune", 4: "village"}[place.level]
        names = {"name_km": text} if is_khmer(text) else {"name_en": text}
        return self.find_or_create(level=level, place=place if level != "national" else None, kind=kind, **names)

    def administration(self, *, level, cbo):
        place = self.place_of(cbo, level)
        if place is None or level == "national":
            return None
        name_en, name_km = office_names_of(place)
        level = {1: "province", 2: "district", 3: "commune", 4: "village"}[place.level]
        return self.find_or_create(level=level, place=place, name_en=name_en, name_km=name_km)


def texts_to_offices(apps, schema_editor):
    Issue, Commitment = apps.get_model("advocacy", "Issue"), apps.get_model("advocacy", "Commitment")
    offices = _Offices(apps.get_model("places", "Office"))
    related = ("cbo__province", "cbo__district", "cbo__commune", "cbo__village")
    for issue in Issue.objects.select_related(*related).iterator(chunk_size=2000):
        text = (issue.duty_bearer or "").strip()
        if text:
            office = offices.named(text, level=issue.duty_bearer_level, cbo=issue.cbo,
                                   kind=_said(_KIND_WORDS, text, "administration"))
        else:
            office = offices.administration(level=issue.duty_bearer_level, cbo=issue.cbo)
        if office is not None:
            Issue.objects.filter(pk=issue.pk).update(duty_bearer_office=office)
    for commitment in Commitment.objects.select_related(*(f"issue__{r}" for r in related), "issue").iterator():
        text = commitment.authority.strip() or "?"
        level = _said(_LEVEL_WORDS, text, commitment.issue.duty_bearer_level)
        office = offices.named(text, level=level, cbo=commitment.issue.cbo,
                               kind=_said(_KIND_WORDS, text, "administration"))
        Commitment.objects.filter(pk=commitment.pk).update(authority_office=office)


def offices_to_texts(apps, schema_editor):
    Issue, Commitment = apps.get_model("advocacy", "Issue"), apps.get_model("advocacy", "Commitment")
    for issue in Issue.objects.filter(duty_bearer_office__isnull=False).select_related("duty_bearer_office"):
        office = issue.duty_bearer_office
        Issue.objects.filter(pk=issue.pk).update(duty_bearer=office.name_en or office.name_km)
    for commitment in Commitment.objects.select_related("authority_office"):
        office = commitment.authority_office
        Commitment.objects.filter(pk=commitment.pk).update(authority=office.name_en or office.name_km)


class Migration(migrations.Migration):
    # Not one transaction: on PostgreSQL the rows the copy writes leave deferred foreign-key checks pending until
    # their transaction ends, and a table with pending checks cannot be altered ("pending trigger events"). The
    # copy runs in a transaction of its own (atomic=True), the schema changes around it each on their own.
    atomic = False

    dependencies = [
        ("advocacy", "0005_remove_event_links"),
        ("places", "0002_offices"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue", name="duty_bearer_office",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="places.office"),
        ),
        migrations.AddField(
            model_name="commitment", name="authority_office",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="places.office"),
        ),
        migrations.RunPython(texts_to_offices, offices_to_texts, atomic=True),
        migrations.RemoveField(model_name="issue", name="duty_bearer"),
        migrations.RemoveField(model_name="commitment", name="authority"),
        migrations.RenameField(model_name="issue", old_name="duty_bearer_office", new_name="duty_bearer"),
        migrations.RenameField(model_name="commitment", old_name="authority_office", new_name="authority"),
        migrations.AlterField(
            model_name="issue", name="duty_bearer",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="issues", to="places.office", verbose_name="duty bearer"),
        ),
        migrations.AlterField(
            model_name="commitment", name="authority",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="commitments",
                                    to="places.office", verbose_name="authority"),
        ),
    ]
