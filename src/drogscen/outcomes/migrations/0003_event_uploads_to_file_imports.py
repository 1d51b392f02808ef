"""Crime-event uploads move to the shared upload of every import kind (core.FileImport);
the uploads made so far are kept there with their options and results."""

from django.db import migrations

RENAMED = {"inserted": "created"}
COUNTS = ("read", "created", "updated", "unchanged", "removed", "rejected")


def _result(old: dict) -> dict:
    if not old or "problems" in old:
        return old or {}
    renamed = {RENAMED.get(key, key): value for key, value in old.items()}
    return {
        **{name: renamed.get(name, 0) for name in COUNTS},
        "dry_run": renamed.get("dry_run", False),
        "warnings": [],
        "details": {k: v for k, v in renamed.items() if k not in COUNTS and k != "dry_run"},
    }


def forwards(apps, schema_editor):
    EventImport = apps.get_model("outcomes", "EventImport")
    FileImport = apps.get_model("core", "FileImport")
    for old in EventImport.objects.order_by("pk").iterator():
        new = FileImport.objects.create(
            kind="events",
            file=old.file.name,
            original_name=old.original_name,
            options={"source": old.source, "crs": old.crs, "skip_invalid": old.skip_invalid},
            status=old.status,
            rows_total=old.rows_total,
            rows_done=old.rows_done,
            result=_result(old.result),
            created_by_id=old.created_by_id,
            language="sv",
            finished_at=old.finished_at,
        )
        # auto_now_add set the time of the migration; keep when it was uploaded
        FileImport.objects.filter(pk=new.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0002_event_tiles"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="EventImport"),
    ]
