# The links from advocacy's updates and commitments to the event where they were recorded move here
# (UpdateAtEvent, CommitmentAtEvent), so that links point one way, from engagement to advocacy: this
# migration creates them, 0003 copies IssueUpdate.event and Commitment.event into them, and advocacy's 0005
# then drops those fields.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('advocacy', '0004_issue_cbo_place'),
        ('engagement', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommitmentAtEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('commitment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='advocacy.commitment', verbose_name='commitment')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitment_links', to='engagement.event', verbose_name='event')),
            ],
            options={
                'verbose_name': 'commitment at an event',
                'verbose_name_plural': 'commitments at events',
            },
        ),
        migrations.CreateModel(
            name='UpdateAtEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='update_links', to='engagement.event', verbose_name='event')),
                ('update', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='advocacy.issueupdate', verbose_name='issue update')),
            ],
            options={
                'verbose_name': 'issue update at an event',
                'verbose_name_plural': 'issue updates at events',
            },
        ),
    ]
