"""PostgreSQL only: a GIN index over the name keys as an array (see clients/fields.py).

SQLite has no GIN indexes; there the overlap lookup scans, which is fine at demo size.
"""

from django.db import migrations

INDEX = "client_search_keys_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON clients_client "
            "USING gin (string_to_array(search_keys, ' '))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
