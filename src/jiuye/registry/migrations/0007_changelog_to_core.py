"""ChangeLog now belongs to core (jiuye.core.models): forget it here, keep the table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_clock_defaults"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ChangeLog")],
            database_operations=[],
        ),
    ]
