"""ChangeLog moves from the registry to core: the state only; the table and its rows stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import jiuye.core.clock


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("registry", "0006_clock_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChangeLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("entity", models.CharField(max_length=10, verbose_name="对象类型")),
                        ("object_id", models.BigIntegerField(verbose_name="对象编号")),
                        ("object_id_last", models.BigIntegerField(
                            blank=True, help_text="批量导入新建的一段连续编号的记录：从对象编号到此编号",
                            null=True, verbose_name="批量新建的最后对象编号")),
                        ("action", models.CharField(max_length=10, verbose_name="操作")),
                        ("source", models.CharField(choices=[
                            ("screen", "经办界面"), ("roster", "花名册导入"),
                            ("exchange", "数据交换"), ("synthetic", "合成演示数据")],
                            max_length=10, verbose_name="来源")),
                        ("changes", models.JSONField(default=dict, verbose_name="变更内容")),
                        ("at", models.DateTimeField(default=jiuye.core.clock.now,
                                                    verbose_name="时间")),
                        ("actor", models.ForeignKey(
                            blank=True, null=True,
                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                            to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
                    ],
                    options={
                        "verbose_name": "变更记录",
                        "verbose_name_plural": "变更记录",
                        "db_table": "registry_changelog",
                        "ordering": ["at", "id"],
                        "indexes": [
                            models.Index(fields=["entity", "object_id"],
                                         name="registry_ch_entity_1a5f9d_idx"),
                            models.Index(condition=models.Q(("object_id_last__isnull", False)),
                                         fields=["entity", "object_id_last"],
                                         name="registry_changelog_runs"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
