"""The full-text search index (``portfolio.fts``): FTS5 with triggers on SQLite, GIN on PostgreSQL."""

from django.db import migrations


def create_index(apps, schema_editor):
    from icsplan.portfolio import fts

    fts.create(schema_editor.connection)


def drop_index(apps, schema_editor):
    from icsplan.portfolio import fts

    fts.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("strategies", "0002_framework_catalogue"),
        ("indicators", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
