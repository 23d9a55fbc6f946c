"""StaffProfile and SensitiveAccessLog now belong to jiuye.staff: forget them here, keep
the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0007_changelog_to_core"),
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SensitiveAccessLog"),
                migrations.DeleteModel(name="StaffProfile"),
            ],
            database_operations=[],
        ),
    ]
