"""The audit trail becomes a hash chain: sequence, previous digest, digest, algorithm on
every row, and the chain's head row. Rows written before (plain appends) are chained in
the order they were written, from the genesis digest."""

import uuid

from django.db import migrations, models

from jiuye.core import chain

CHAIN = "trail"


def chain_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    algorithm = chain.preferred("sm3")
    previous, sequence, at = chain.GENESIS, 0, None
    for row in AuditEvent.objects.order_by("id").iterator():
        sequence += 1
        row.sequence, row.previous, row.algorithm = sequence, previous, algorithm
        row.detail = chain.plain(row.detail)
        fields = {name: getattr(row, name) for name in chain.CHAINED}
        row.digest = chain.digest(previous, fields, algorithm)
        row.save(update_fields=["sequence", "previous", "digest", "algorithm", "detail"])
        previous, at = row.digest, row.at
    AuditChainHead.objects.create(
        chain=CHAIN,
        chain_id=uuid.uuid4().hex,
        sequence=sequence,
        digest=previous,
        algorithm=algorithm if sequence else "",
        at=at,
        archived_sequence=0,
        archived_digest=chain.GENESIS,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_event"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("chain", models.CharField(max_length=20, primary_key=True, serialize=False, verbose_name="链")),
                ("chain_id", models.CharField(max_length=32, verbose_name="链标识")),
                ("sequence", models.BigIntegerField(default=0, verbose_name="链头序号")),
                ("digest", models.CharField(max_length=64, verbose_name="链头摘要")),
                ("algorithm", models.CharField(blank=True, max_length=10, verbose_name="摘要算法")),
                ("at", models.DateTimeField(blank=True, null=True, verbose_name="链头时间")),
                ("archived_sequence", models.BigIntegerField(default=0, verbose_name="已归档至序号")),
                ("archived_digest", models.CharField(max_length=64, verbose_name="已归档链头摘要")),
            ],
            options={
                "verbose_name": "审计链头",
                "verbose_name_plural": "审计链头",
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(null=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous",
            field=models.CharField(default="", max_length=64, verbose_name="前一条摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="digest",
            field=models.CharField(default="", max_length=64, verbose_name="摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="algorithm",
            field=models.CharField(default="", max_length=10, verbose_name="摘要算法"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(unique=True, verbose_name="链序号"),
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["sequence"],
                "verbose_name": "安全审计记录",
                "verbose_name_plural": "安全审计记录",
            },
        ),
    ]
