"""Guides' materials become a checklist of items (GuideItem), one per line of the old
free text, in order; the text column goes. Each item may then name the registry fact
that proves it (set in the system administrator's site)."""

import django.db.models.deletion
from django.db import migrations, models

NAME_LENGTH = 100


def lines(text):
    names = []
    for line in (text or "").splitlines():
        name = line.strip()
        if name and name[:NAME_LENGTH] not in [n for n, _ in names]:
            names.append((name[:NAME_LENGTH], name if len(name) > NAME_LENGTH else ""))
    return names


def split_materials(apps, schema_editor):
    Guide = apps.get_model("portal", "Guide")
    GuideItem = apps.get_model("portal", "GuideItem")
    items = []
    for guide in Guide.objects.all().order_by("pk"):
        for position, (name, full) in enumerate(lines(guide.materials), start=1):
            items.append(
                GuideItem(guide=guide, position=position, name=name, note=full[NAME_LENGTH:][:200])
            )
    GuideItem.objects.bulk_create(items, batch_size=500)


def join_materials(apps, schema_editor):
    Guide = apps.get_model("portal", "Guide")
    GuideItem = apps.get_model("portal", "GuideItem")
    for guide in Guide.objects.all():
        names = GuideItem.objects.filter(guide=guide).order_by("position", "pk")
        guide.materials = "\n".join(i.name + i.note for i in names)
        guide.save(update_fields=["materials"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_booking_limits_rate_counters"),
    ]

    operations = [
        migrations.CreateModel(
            name="GuideItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=1, verbose_name="顺序")),
                ("name", models.CharField(max_length=100, verbose_name="材料名称")),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="份数、原件查验、格式等要求",
                        max_length=200,
                        verbose_name="说明",
                    ),
                ),
                (
                    "required",
                    models.BooleanField(
                        default=True, help_text="不勾选：有则提交（如有）", verbose_name="必须提交"
                    ),
                ),
                (
                    "proved_by",
                    models.CharField(
                        blank=True,
                        help_text="选择后，登记信息中已有此项的申请人不再被要求提交此材料（显示“已由登记信息证明”）",
                        max_length=60,
                        verbose_name="登记信息可证明",
                    ),
                ),
                (
                    "guide",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="portal.guide",
                        verbose_name="办事指南",
                    ),
                ),
            ],
            options={
                "verbose_name": "申请材料",
                "verbose_name_plural": "申请材料清单",
                "ordering": ["guide", "position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("guide", "name"), name="portal_guideitem_name_uniq"
                    )
                ],
            },
        ),
        migrations.AlterField(
            model_name="guide",
            name="materials",
            field=models.TextField(blank=True, help_text="每行一项", verbose_name="申请材料"),
        ),
        migrations.RunPython(split_materials, join_materials),
        migrations.RemoveField(model_name="guide", name="materials"),
    ]
