"""StaffProfile and SensitiveAccessLog move from the registry to staff: the state only;
the tables (registry_staffprofile, registry_sensitiveaccesslog) and their rows stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import jiuye.core.clock


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("geo", "0001_initial"),
        ("registry", "0007_changelog_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffProfile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("can_view_full_identity", models.BooleanField(
                            default=False,
                            help_text="可在详情页显示完整号码、导出未脱敏名单；每次查看都记入敏感信息访问记录。",
                            verbose_name="可查看完整身份证号码")),
                        ("division", models.ForeignKey(
                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                            to="geo.division", verbose_name="辖区")),
                        ("user", models.OneToOneField(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="staff_profile", to=settings.AUTH_USER_MODEL,
                            verbose_name="用户")),
                    ],
                    options={
                        "db_table": "registry_staffprofile",
                        "verbose_name": "工作人员辖区",
                        "verbose_name_plural": "工作人员辖区",
                    },
                ),
                migrations.CreateModel(
                    name="SensitiveAccessLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("action", models.CharField(
                            choices=[("reveal", "显示完整号码"), ("export", "导出未脱敏名单")],
                            max_length=10, verbose_name="操作")),
                        ("entity", models.CharField(max_length=10, verbose_name="对象类型")),
                        ("object_id", models.BigIntegerField(blank=True, null=True,
                                                             verbose_name="对象编号")),
                        ("field", models.CharField(max_length=40, verbose_name="字段")),
                        ("reason", models.CharField(blank=True, max_length=200,
                                                    verbose_name="事由")),
                        ("export_name", models.CharField(blank=True, max_length=60,
                                                         verbose_name="导出名称")),
                        ("row_count", models.PositiveIntegerField(blank=True, null=True,
                                                                  verbose_name="导出行数")),
                        ("at", models.DateTimeField(default=jiuye.core.clock.now,
                                                    verbose_name="时间")),
                        ("actor", models.ForeignKey(
                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                            to=settings.AUTH_USER_MODEL, verbose_name="查看人")),
                    ],
                    options={
                        "db_table": "registry_sensitiveaccesslog",
                        "verbose_name": "敏感信息访问记录",
                        "verbose_name_plural": "敏感信息访问记录",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["entity", "object_id"],
                                                 name="registry_se_entity_27b424_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
