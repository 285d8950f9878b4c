# IssueUpdate.event and Commitment.event pointed at engagement's events, an app that builds on this one:
# the links now live in engagement (UpdateAtEvent, CommitmentAtEvent), whose migration 0003 copies them and
# runs before this one (its `run_before`), so that this app's migrations need not name engagement's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('advocacy', '0004_issue_cbo_place'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='commitment',
            name='event',
        ),
        migrations.RemoveField(
            model_name='issueupdate',
            name='event',
        ),
    ]
