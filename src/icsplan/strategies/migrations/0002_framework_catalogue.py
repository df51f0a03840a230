"""Seed the catalogue of frameworks that linkages point to."""

from django.db import migrations

from icsplan.strategies.catalogue import FRAMEWORKS


def seed(apps, schema_editor):
    Framework = apps.get_model("strategies", "Framework")
    for code, (name, aliases) in FRAMEWORKS.items():
        Framework.objects.get_or_create(code=code, defaults={"name": name, "aliases": aliases})


class Migration(migrations.Migration):
    dependencies = [("strategies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
