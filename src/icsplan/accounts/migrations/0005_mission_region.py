"""A mission's region (mission metadata for the bureau's view)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_signin_throttle_cache"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmission",
            name="region",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="mission",
            name="region",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
    ]
