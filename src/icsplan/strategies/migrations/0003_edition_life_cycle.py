"""The edition life cycle: the in-clearance and published statuses, a record of each step, and at
most one edition in force (approved or published) per mission. Missions that had several approved
editions keep the newest in force; the older ones are archived first so the constraint holds."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def archive_older_in_force(apps, schema_editor) -> None:
    """Keep one approved edition per mission (the newest); archive the others."""
    Strategy = apps.get_model("strategies", "Strategy")
    seen: set[int] = set()
    for row in Strategy.objects.filter(status="approved").order_by("mission_id", "-edition", "-created_at"):
        if row.mission_id in seen:
            row.status = "archived"
            row.save(update_fields=["status"])
        seen.add(row.mission_id)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_signin_throttle_cache'),
        ('strategies', '0002_framework_catalogue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EditionTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('draft', 'Draft'), ('in_clearance', 'In clearance'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], max_length=20)),
                ('to_status', models.CharField(choices=[('draft', 'Draft'), ('in_clearance', 'In clearance'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], max_length=20)),
                ('actor_name', models.CharField(blank=True, default='', max_length=150)),
                ('reason', models.TextField(blank=True, default='')),
                ('at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['strategy', 'at', 'pk'],
            },
        ),
        migrations.AlterField(
            model_name='historicalstrategy',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_clearance', 'In clearance'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], default='draft', max_length=20),
        ),
        migrations.AlterField(
            model_name='strategy',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_clearance', 'In clearance'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], default='draft', max_length=20),
        ),
        migrations.RunPython(archive_older_in_force, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='strategy',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ('approved', 'published'))), fields=('mission',), name='one_edition_in_force_per_mission'),
        ),
        migrations.AddField(
            model_name='editiontransition',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='editiontransition',
            name='strategy',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='strategies.strategy'),
        ),
    ]
