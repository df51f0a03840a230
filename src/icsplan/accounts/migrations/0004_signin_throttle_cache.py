"""The table of the database cache that holds sign-in failure counts (``CACHES["throttle"]``).

Created here rather than by a separate ``createcachetable`` step, so that every way of setting up a
database (``icsplan migrate``, ``icsplan demo``, ``manage.py migrate``, the test runner) has it:
without it every sign-in fails instead of going unthrottled.
"""

from django.db import migrations


def _database_cache_tables():
    from django.conf import settings

    return [c["LOCATION"] for c in settings.CACHES.values()
            if c.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache"]


def create_cache_tables(apps, schema_editor):
    from django.core.management import call_command

    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for table in _database_cache_tables():
        if table in existing:
            schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_apitoken_historicalreporterassignment_and_more"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, drop_cache_tables, elidable=False),
    ]
