"""Model fields for a column encrypted at rest (:mod:`jiuye.core.crypto`).

Three columns hold one sensitive value:

- :class:`EncryptedField` (``resident_id``): the token ``ALG:KEYID:BASE64``; in Python
  the value in clear, decrypted when a row is read;
- :class:`BlindIndexField` (``resident_id_index``): its keyed blind index, indexed and
  unique where the value must be, filled when the row is saved;
- :class:`MaskedField` (``resident_id_masked``): its masked form, for lists and search
  by the last digits, filled when the row is saved.

A query on the encrypted column understands only ``exact``, ``in`` (both answered by
the blind index: ``filter(resident_id=x)`` and ``filter(resident_id__in=[...])`` hash
their values) and ``isnull``; any other lookup (``endswith``, ``icontains``, ordering
by it means nothing) is refused. ``QuerySet.update`` and ``bulk_update`` do not refresh
the index and masked columns: write through ``save`` or ``bulk_create``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col
from django.db.models.lookups import IsNull, Lookup
from django.db.models.sql.compiler import SQLCompiler

from jiuye.core import crypto

__all__ = [
    "BlindIndexField",
    "EncryptedField",
    "MaskedField",
    "encrypted_fields",
    "rewrite_column",
    "row_batches",
    "update_rows",
]

INDEX_MAX_LENGTH = 48
# the column ciphers (one per column and loaded keys) whose rows were found indexed
# under their index key
_INDEX_CHECKED: weakref.WeakSet[crypto.ColumnCipher] = weakref.WeakSet()


class EncryptedField(models.TextField):  # type: ignore[type-arg]
    """A text value stored encrypted; ``purpose`` ("table.column") names its subkeys
    and its associated data, so it must never change once rows are written."""

    description = "Encrypted text (AES-GCM or SM4-GCM) with a blind index"

    def __init__(self, *args: Any, purpose: str, index: str, masked: str = "", **kwargs: Any):
        self.purpose, self.index_name, self.masked_name = purpose, index, masked
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(purpose=self.purpose, index=self.index_name)
        if self.masked_name:
            kwargs["masked"] = self.masked_name
        return name, path, args, kwargs

    def cipher(self) -> crypto.ColumnCipher:
        """The column's cipher; the first use in a process checks that the rows are
        indexed under this process's index key (a lookup under another key would find
        nothing, and a roster would register everyone twice)."""
        cipher = crypto.column(self.purpose)
        if cipher not in _INDEX_CHECKED:
            self._check_index_key(cipher)
        return cipher

    def _check_index_key(self, cipher: crypto.ColumnCipher) -> None:
        """One stored row's blind index must be that of its own value under this
        process's index key (same key id, same secret)."""
        sample = (
            self.model._default_manager.exclude(**{f"{self.index_name}__isnull": True})
            .values_list(self.index_name, self.attname)
            .first()
        )
        if sample is not None and not cipher.matches(str(sample[1]), str(sample[0])):
            raise crypto.FieldCryptoError(
                "crypto_index_key",
                f"{self.purpose}：数据库的盲索引（密钥 {str(sample[0]).split(':')[0]}）与本进程"
                f"的当前盲索引密钥 {cipher.index_key_id} 不符：请核对密钥配置，"
                "或先完成 jiuye keys rotate --index",
            )
        _INDEX_CHECKED.add(cipher)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else crypto.decrypt(self.purpose, value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else self.cipher().encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        return _LOOKUPS.get(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def verified(self, instance: models.Model) -> str | None:
        """The value in clear, checked against the row's own blind index: a token copied
        from another row (same column, same key) decrypts, but not to this row's value."""
        value: str | None = getattr(instance, self.attname)
        index = getattr(instance, self.index_name)
        if value is not None and not self.cipher().matches(value, index or ""):
            raise crypto.FieldCryptoError(
                "crypto_mismatch",
                f"{self.purpose}：第 {instance.pk} 行的密文与其盲索引不符（密文被移动或篡改）",
            )
        return value


class _Derived(models.CharField):  # type: ignore[type-arg]
    """A column computed from an encrypted field when the row is saved."""

    def __init__(self, *args: Any, source: str, **kwargs: Any):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)  # empty until saved: full_clean() skips it
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def derive(self, value: str) -> str:
        """The column's value computed from the plain value; each kind of derived
        column (the blind index, the masked form) says how."""
        raise NotImplementedError(f"{type(self).__name__} must define derive()")

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.source)
        derived = None if value is None else self.derive(str(value))
        setattr(model_instance, self.attname, derived)
        return derived


class BlindIndexField(_Derived):
    """The blind index (``KEYID:HEX``) of the encrypted field ``source``."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("max_length", INDEX_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def derive(self, value: str) -> str:
        field = self.model._meta.get_field(self.source)
        assert isinstance(field, EncryptedField)
        return field.cipher().index(value)


class MaskedField(_Derived):
    """The masked form of ``source`` by ``mask`` (a module-level function)."""

    def __init__(self, *args: Any, mask: Callable[[str], str], **kwargs: Any):
        self.mask = mask
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["mask"] = self.mask
        return name, path, args, kwargs

    def derive(self, value: str) -> str:
        return self.mask(value)


class _BlindLookup(Lookup):  # type: ignore[type-arg]
    """``exact``/``in`` on an encrypted column, asked of its blind index."""

    prepare_rhs = False
    can_use_none_as_rhs = False

    def _index(self, compiler: SQLCompiler) -> tuple[str, list[Any], EncryptedField]:
        lhs = self.lhs
        target = getattr(lhs, "target", None)
        if not isinstance(lhs, Col) or not isinstance(target, EncryptedField):
            raise FieldError("加密字段只能按整列查找（精确匹配或列表）")
        if hasattr(self.rhs, "resolve_expression"):
            raise FieldError(f"{target.purpose}：加密字段不能与表达式或子查询比较")
        index = target.model._meta.get_field(target.index_name)
        assert isinstance(index, models.Field)
        sql, params = compiler.compile(Col(lhs.alias, index))
        return sql, list(params), target


class BlindExact(_BlindLookup):
    lookup_name = "exact"

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        sql, params, field = self._index(compiler)
        return f"{sql} = %s", [*params, field.cipher().index(str(self.rhs))]


class BlindIn(_BlindLookup):
    lookup_name = "in"

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        sql, params, field = self._index(compiler)
        values = list(dict.fromkeys(str(v) for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        marks = ", ".join(["%s"] * len(values))
        return f"{sql} IN ({marks})", [*params, *field.cipher().index_many(values)]


_LOOKUPS: dict[str, type[Lookup]] = {  # type: ignore[type-arg]
    "exact": BlindExact,
    "in": BlindIn,
    "isnull": IsNull,
}


# ---------------------------------------------------------------- raw rewrites
# (migrations that encrypt what was clear, key rotation): rows by id, in batches


def encrypted_fields() -> list[EncryptedField]:
    """Every encrypted column of the installed models."""
    from django.apps import apps

    return [
        f
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedField)
    ]


def row_batches(
    connection: BaseDatabaseWrapper, table: str, read: Sequence[str], size: int = 5000
) -> Iterator[list[tuple[Any, ...]]]:
    """``(id, *read)`` of every row of ``table``, ``size`` at a time in id order (each
    batch read when the previous one has been handled: a rewrite may commit between)."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("id", *read))
    last = None
    while True:
        where = "" if last is None else f"WHERE {q('id')} > %s "
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {q(table)} {where}"  # noqa: S608
                f"ORDER BY {q('id')} LIMIT {int(size)}",
                [] if last is None else [last],
            )
            rows = [tuple(r) for r in cursor.fetchall()]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def update_rows(
    connection: BaseDatabaseWrapper,
    table: str,
    write: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Set ``write`` to ``rows[i][1:]`` on the row whose id is ``rows[i][0]``."""
    if not rows:
        return
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":
        width = len(write) + 1
        values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(rows))
        sets = ", ".join(f"{q(c)} = v.{q(c)}" for c in write)
        names = ", ".join(q(c) for c in ("id", *write))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(table)} SET {sets} FROM (VALUES {values}) AS v({names}) "  # noqa: S608
                f"WHERE {q(table)}.{q('id')} = v.{q('id')}",
                [value for row in rows for value in row],
            )
        return
    sets = ", ".join(f"{q(c)} = %s" for c in write)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {q(table)} SET {sets} WHERE {q('id')} = %s",  # noqa: S608
            [(*row[1:], row[0]) for row in rows],
        )


def rewrite_column(
    connection: BaseDatabaseWrapper,
    table: str,
    column: str,
    write: Sequence[str],
    transform: Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]],
    size: int = 5000,
) -> int:
    """Rewrite every non-null ``column`` of ``table`` through ``transform`` (``(id,
    value)`` rows in, ``(id, *write)`` rows out), in the caller's transaction."""
    count = 0
    for rows in row_batches(connection, table, (column,), size):
        present = [r for r in rows if r[1] is not None]
        update_rows(connection, table, write, transform(present) if present else [])
        count += len(present)
    return count
