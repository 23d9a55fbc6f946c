"""PostgreSQL: the ledger is immutable and every transaction balances, in the database.

- ``payments_transaction`` and ``payments_entry`` refuse UPDATE and DELETE for every
  role the application uses (a correction is a reversal transaction). TRUNCATE is let
  through only inside a transaction that set ``jiuye.audit_maintenance`` to ``on`` (the
  test suite's flush, as for the audit tables of core/0005).
- After each INSERT statement into ``payments_entry``, every transaction it touched
  must sum to zero and have at least two entries, all of them written by that
  statement: the entries of a transaction are written in one statement (:func:`jiuye.payments.ledger.post`), so a
  statement that leaves one unbalanced is refused (after django-hordak's check-leg
  trigger, here per statement with a transition table so bulk postings stay fast).

SQLite has no such triggers: the models and the posting service refuse instead, and
``jiuye ledger verify`` checks both on every backend.
"""

from django.db import migrations

IMMUTABLE = """
CREATE OR REPLACE FUNCTION payments_ledger_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('jiuye.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '账簿表 % 已记账的行不能 %：请做冲正', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'the ledger is append-only (jiuye payments/0002)';
END
$$;
"""

BALANCED = """
CREATE OR REPLACE FUNCTION payments_entries_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad bigint;
    total bigint;
BEGIN
    -- grouped from the statement's own rows; each transaction's count of stored
    -- entries (an index lookup per transaction, never a scan of the table) must equal
    -- the statement's, so no entry is ever added to a transaction posted earlier
    WITH n AS (
        SELECT transaction_id, SUM(amount_fen) AS s, COUNT(*) AS c
          FROM new_entries GROUP BY transaction_id
    )
    SELECT n.transaction_id, n.s INTO bad, total
      FROM n
     WHERE n.s <> 0 OR n.c < 2
        OR (SELECT COUNT(*) FROM payments_entry e WHERE e.transaction_id = n.transaction_id)
           <> n.c
     LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION '交易 % 借贷不平或分录不足两条（合计 % 分）', bad, total
            USING ERRCODE = 'check_violation',
                  HINT = 'the entries of a transaction must sum to zero (jiuye payments/0002)';
    END IF;
    RETURN NULL;
END
$$;
"""

TABLES = ("payments_transaction", "payments_entry")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(IMMUTABLE, params=None)
    schema_editor.execute(BALANCED, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION payments_ledger_immutable()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION payments_ledger_immutable()"
        )
    schema_editor.execute(
        "CREATE TRIGGER payments_entry_balanced AFTER INSERT ON payments_entry "
        "REFERENCING NEW TABLE AS new_entries "
        "FOR EACH STATEMENT EXECUTE FUNCTION payments_entries_balanced()"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS payments_entry_balanced ON payments_entry")
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS payments_entries_balanced()")
    schema_editor.execute("DROP FUNCTION IF EXISTS payments_ledger_immutable()")


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
