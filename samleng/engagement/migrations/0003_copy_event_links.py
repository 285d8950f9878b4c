# Copies IssueUpdate.event and Commitment.event (advocacy) into UpdateAtEvent and CommitmentAtEvent, before
# advocacy's 0005 drops those fields (`run_before`: the dependency is declared here, so that advocacy's
# migrations do not depend on engagement's). Reversible: going back, advocacy's fields come back first
# (empty), are filled from the links, and the links are emptied (so that going forward again copies them anew).

from django.db import migrations
from django.db.models import OuterRef, Subquery

_BATCH = 2000

# (advocacy model, link model, the link's field for the advocacy record)
_LINKS = (("IssueUpdate", "UpdateAtEvent", "update_id"), ("Commitment", "CommitmentAtEvent", "commitment_id"))


def copy_links(apps, schema_editor):
    db = schema_editor.connection.alias
    for source_name, link_name, field in _LINKS:
        source = apps.get_model("advocacy", source_name)
        link = apps.get_model("engagement", link_name)
        pairs = list(source.objects.using(db).exclude(event_id=None).order_by("pk").values_list("pk", "event_id"))
        for start in range(0, len(pairs), _BATCH):
            link.objects.using(db).bulk_create(
                [link(**{field: pk, "event_id": event_id}) for pk, event_id in pairs[start:start + _BATCH]])


def copy_links_back(apps, schema_editor):
    db = schema_editor.connection.alias
    for source_name, link_name, field in _LINKS:
        source = apps.get_model("advocacy", source_name)
        link = apps.get_model("engagement", link_name)
        event = link.objects.using(db).filter(**{field: OuterRef("pk")}).values("event_id")[:1]
        source.objects.using(db).update(event_id=Subquery(event))
        link.objects.using(db).all().delete()  # the links are advocacy's fields again


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0002_event_links'),
    ]
    run_before = [
        ('advocacy', '0005_remove_event_links'),
    ]

    operations = [
        migrations.RunPython(copy_links, copy_links_back),
    ]
