"""No account holds two administrator roles (三权分立), whatever writes the membership:
a trigger on auth_user_groups refuses an insert or update that would give a user a
second role group, and one on auth_group refuses renaming a group into a role while
its members hold another role. Every existing account gets a password record dated now
(the 90-day rotation counts from this migration)."""

from django.db import migrations

ROLES = "('系统管理员', '安全管理员', '审计管理员')"
MESSAGE = "one administrator role per account (staff.roles)"

# a second role for NEW.user_id: another role group among the user's other memberships
SQLITE = [
    f"""
    CREATE TRIGGER staff_one_role_insert BEFORE INSERT ON auth_user_groups
    WHEN (SELECT name FROM auth_group WHERE id = NEW.group_id) IN {ROLES}
     AND EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                 WHERE ug.user_id = NEW.user_id AND g.name IN {ROLES} AND g.id <> NEW.group_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER staff_one_role_update BEFORE UPDATE ON auth_user_groups
    WHEN (SELECT name FROM auth_group WHERE id = NEW.group_id) IN {ROLES}
     AND EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                 WHERE ug.user_id = NEW.user_id AND g.name IN {ROLES}
                   AND g.id <> NEW.group_id AND ug.id <> NEW.id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER staff_one_role_rename BEFORE UPDATE OF name ON auth_group
    WHEN NEW.name IN {ROLES}
     AND EXISTS (SELECT 1 FROM auth_user_groups mine
                 JOIN auth_user_groups other ON other.user_id = mine.user_id
                 JOIN auth_group g ON g.id = other.group_id
                 WHERE mine.group_id = NEW.id AND g.id <> NEW.id AND g.name IN {ROLES})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS staff_one_role_insert",
    "DROP TRIGGER IF EXISTS staff_one_role_update",
    "DROP TRIGGER IF EXISTS staff_one_role_rename",
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION staff_one_role_membership() RETURNS trigger AS $$
    BEGIN
      IF (SELECT name FROM auth_group WHERE id = NEW.group_id) IN {ROLES}
         AND EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                     WHERE ug.user_id = NEW.user_id AND g.name IN {ROLES}
                       AND g.id <> NEW.group_id AND ug.id IS DISTINCT FROM NEW.id) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER staff_one_role_membership BEFORE INSERT OR UPDATE ON auth_user_groups
    FOR EACH ROW EXECUTE FUNCTION staff_one_role_membership()
    """,
    f"""
    CREATE FUNCTION staff_one_role_rename() RETURNS trigger AS $$
    BEGIN
      IF NEW.name IN {ROLES} AND EXISTS (
           SELECT 1 FROM auth_user_groups mine
           JOIN auth_user_groups other ON other.user_id = mine.user_id
           JOIN auth_group g ON g.id = other.group_id
           WHERE mine.group_id = NEW.id AND g.id <> NEW.id AND g.name IN {ROLES}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER staff_one_role_rename BEFORE UPDATE OF name ON auth_group
    FOR EACH ROW EXECUTE FUNCTION staff_one_role_rename()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS staff_one_role_membership ON auth_user_groups",
    "DROP FUNCTION IF EXISTS staff_one_role_membership()",
    "DROP TRIGGER IF EXISTS staff_one_role_rename ON auth_group",
    "DROP FUNCTION IF EXISTS staff_one_role_rename()",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_DROP)


def date_existing_passwords(apps, schema_editor):
    from jiuye.core import clock

    User = apps.get_model("auth", "User")
    PasswordRecord = apps.get_model("staff", "PasswordRecord")
    now = clock.now()
    PasswordRecord.objects.bulk_create(
        PasswordRecord(user_id=pk, changed_at=now)
        for pk in User.objects.exclude(password="").values_list("pk", flat=True)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0003_sessions_and_password_age"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(date_existing_passwords, migrations.RunPython.noop),
    ]
