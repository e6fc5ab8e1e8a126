"""Event.tx / Event.horizon, stamped by a PostgreSQL trigger (see models/events.py).

A trigger rather than a column default: the ORM writes every column of an INSERT, so a
default would never apply. SQLite gets the columns only (its writers are serialised)."""

from django.db import migrations, models

STAMP = """
CREATE OR REPLACE FUNCTION deliberation_event_stamp() RETURNS trigger AS $$
BEGIN
    NEW.tx := pg_current_xact_id()::text::bigint;
    NEW.horizon := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER deliberation_event_stamp BEFORE INSERT ON deliberation_event
    FOR EACH ROW EXECUTE FUNCTION deliberation_event_stamp();
"""
UNSTAMP = """
DROP TRIGGER IF EXISTS deliberation_event_stamp ON deliberation_event;
DROP FUNCTION IF EXISTS deliberation_event_stamp();
"""


def _on_postgresql(sql: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0012_idempotency")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="tx",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, verbose_name="transaction"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="horizon",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, verbose_name="horizon"
            ),
        ),
        migrations.RunPython(_on_postgresql(STAMP), _on_postgresql(UNSTAMP)),
    ]
