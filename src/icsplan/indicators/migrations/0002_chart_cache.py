"""The table of the database cache that holds drawn charts (``CACHES["charts"]``).

``createcachetable`` creates only the tables that are missing, so a database set up before this
cache existed gets its table from ``icsplan migrate`` like every other one.
"""

from django.db import migrations


def create_cache_tables(apps, schema_editor):
    from django.core.management import call_command

    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_chart_cache(apps, schema_editor):
    connection = schema_editor.connection
    if "icsplan_chart_cache" in set(connection.introspection.table_names()):
        schema_editor.execute(f"DROP TABLE {connection.ops.quote_name('icsplan_chart_cache')}")


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0001_initial"),
        ("accounts", "0004_signin_throttle_cache"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, drop_chart_cache, elidable=False),
    ]
