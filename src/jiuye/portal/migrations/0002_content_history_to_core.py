"""The portal's content history joins the one change history (core.ChangeLog).

Every ContentChange row is copied, same time, editor and fields, with ``[old, new]``
pairs written as ``{"old", "new"}`` like every other history row; an edit whose old
values were all empty was the creation. Going back copies them home again.
"""

from django.db import migrations

SOURCE = "screen"


def forward(apps, schema_editor):
    ContentChange = apps.get_model("portal", "ContentChange")
    ChangeLog = apps.get_model("core", "ChangeLog")
    rows = []
    for change in ContentChange.objects.order_by("changed_at", "id").iterator():
        pairs = {name: {"old": pair[0], "new": pair[1]} for name, pair in change.changes.items()}
        creating = all(pair[0] is None for pair in change.changes.values())
        rows.append(ChangeLog(entity=change.model, object_id=change.object_id,
                              action="create" if creating else "update", source=SOURCE,
                              actor_id=change.changed_by_id, changes=pairs,
                              at=change.changed_at))
    ChangeLog.objects.bulk_create(rows, batch_size=1000)


def backward(apps, schema_editor):
    ContentChange = apps.get_model("portal", "ContentChange")
    ChangeLog = apps.get_model("core", "ChangeLog")
    for log in ChangeLog.objects.filter(entity__startswith="portal.").iterator():
        change = ContentChange.objects.create(
            model=log.entity, object_id=log.object_id, object_repr=f"{log.entity} {log.object_id}",
            changed_by_id=log.actor_id,
            changes={k: [v.get("old"), v.get("new")] for k, v in log.changes.items()})
        ContentChange.objects.filter(pk=change.pk).update(changed_at=log.at)
    ChangeLog.objects.filter(entity__startswith="portal.").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
        ("core", "0002_entity_length"),
    ]

    operations = [migrations.RunPython(forward, backward)]
