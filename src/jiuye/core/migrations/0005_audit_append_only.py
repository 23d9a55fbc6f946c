"""PostgreSQL: the audit tables are append-only for every role the application uses.

Triggers refuse UPDATE, DELETE and TRUNCATE on the security audit trail
(``core_auditevent``), the change history (``registry_changelog``) and the sensitive
access log (``registry_sensitiveaccesslog``). Nothing in the application updates or
deletes them. One exception, for the archive of trail rows past retention: inside a
transaction that set ``jiuye.audit_maintenance`` to ``on`` (``SET LOCAL``, done only by
``jiuye.core.trail.maintenance``), DELETE on the trail and TRUNCATE are let through.
UPDATE is never.

SQLite has no such triggers (the application's models refuse instead, see
``jiuye.core.models``).
"""

from django.db import migrations

TABLES = ("core_auditevent", "registry_changelog", "registry_sensitiveaccesslog")

FUNCTION = """
CREATE OR REPLACE FUNCTION jiuye_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('jiuye.audit_maintenance', true) = 'on'
       AND (TG_OP = 'TRUNCATE' OR (TG_OP = 'DELETE' AND TG_TABLE_NAME = 'core_auditevent')) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计表 % 只能追加，不允许 %', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit tables are append-only (jiuye core/0005)';
END
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION jiuye_audit_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION jiuye_audit_append_only()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS jiuye_audit_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_audit_hash_chain"),
        # the access log's table and its last data migration (which updated its rows)
        ("staff", "0002_access_log_columns"),
    ]

    operations = [migrations.RunPython(install, remove)]
