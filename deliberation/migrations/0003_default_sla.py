"""Default SLA rows for every category (docs/law.md §6), so the admin can edit them."""

from datetime import timedelta

from django.db import migrations

DEFAULTS = {
    "emergency": (timedelta(hours=1), timedelta(hours=2)),
    "utilities": (timedelta(hours=2), timedelta(hours=24)),
    "ordinary": (timedelta(hours=24), timedelta(days=7)),
    "complex": (timedelta(hours=24), timedelta(days=15)),
}


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("deliberation", "SlaPolicy")
    for urgency, (respond, resolve) in DEFAULTS.items():
        SlaPolicy.objects.get_or_create(
            category=None,
            urgency=urgency,
            defaults={"respond_within": respond, "resolve_within": resolve},
        )


def remove(apps, schema_editor):
    apps.get_model("deliberation", "SlaPolicy").objects.filter(category=None).delete()


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0002_issues_work_orders")]
    operations = [migrations.RunPython(create, remove)]
