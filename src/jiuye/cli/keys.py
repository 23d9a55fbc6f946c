"""``jiuye keys``: the field-encryption keys (status, rotation, a new key file).

``status`` counts the rows under each key id, never showing a key. ``rotate`` makes a
new encryption key current (written to the key file; with keys in the environment the
operator puts the new key first and restarts) and re-encrypts every row still under
another key, a batch per transaction: interrupted, it is run again and finishes the
rows left (those already under the current key are skipped). ``rotate --index``
makes a new blind-index key current and rebuilds each index column in one transaction
(stop the application first: until it restarts with the new key its lookups miss).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from jiuye.cli import app
from jiuye.cli.django import setup_django
from jiuye.core.errors import JiuyeError

console = Console()
keys = typer.Typer(help="字段加密密钥：查看状态、轮换、生成密钥文件。", no_args_is_help=True)
app.add_typer(keys, name="keys")


@dataclass
class Counts:
    column: str
    rows: int = 0
    reencrypted: int = 0
    current: int = 0
    mismatched: int = 0


def _q(name: str) -> str:
    from django.db import connection

    return str(connection.ops.quote_name(name))


def _part(column: str, number: int) -> str:
    """SQL for the ``number``-th (1 or 2) ``:``-separated part of ``column``."""
    from django.db import connection

    c = _q(column)
    if connection.vendor == "postgresql":
        return f"split_part({c}, ':', {number})"
    if number == 1:
        return f"substr({c}, 1, instr({c}, ':') - 1)"
    rest = f"substr({c}, instr({c}, ':') + 1)"
    return f"substr({rest}, 1, instr({rest}, ':') - 1)"


def key_counts(field: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Rows per ``ALG:KEYID`` of the tokens and per key id of the blind index."""
    from django.db import connection

    table = _q(field.model._meta.db_table)
    index = field.model._meta.get_field(field.index_name).column
    tokens: dict[str, int] = {}
    indexes: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_part(field.column, 1)}, {_part(field.column, 2)}, count(*) "  # noqa: S608
            f"FROM {table} WHERE {_q(field.column)} IS NOT NULL GROUP BY 1, 2"
        )
        for algorithm, key_id, count in cursor.fetchall():
            tokens[f"{algorithm}:{key_id}"] = int(count)
        cursor.execute(
            f"SELECT {_part(index, 1)}, count(*) FROM {table} "  # noqa: S608
            f"WHERE {_q(index)} IS NOT NULL GROUP BY 1"
        )
        for key_id, count in cursor.fetchall():
            indexes[str(key_id)] = int(count)
    return tokens, indexes


@keys.command("status")
def status() -> None:
    """密钥来源、当前密钥编号，以及每个加密字段按密钥编号的行数（不显示密钥）。"""
    setup_django()
    from jiuye.core import crypto
    from jiuye.core.encrypted import encrypted_fields

    ring = crypto.keyring()
    console.print(f"密钥来源：{ring.source}；算法：{ring.algorithm}")
    console.print(
        f"加密密钥：{'、'.join(k.id for k in ring.encryption)}（当前 {ring.encryption[0].id}）；"
        f"盲索引密钥：{'、'.join(k.id for k in ring.index)}（当前 {ring.index[0].id}）"
    )
    table = Table("字段", "密文（算法:密钥）行数", "盲索引（密钥）行数")
    for field in encrypted_fields():
        tokens, indexes = key_counts(field)
        table.add_row(
            field.purpose,
            "，".join(f"{k} {n:,}" for k, n in sorted(tokens.items())) or "无",
            "，".join(f"{k} {n:,}" for k, n in sorted(indexes.items())) or "无",
        )
    console.print(table)


def reencrypt(field: Any, batch: int) -> Counts:
    """Re-encrypt the rows of ``field`` not under the current key and algorithm, one
    transaction per batch (each batch's rows locked and read again inside it)."""
    from django.db import connection, transaction

    from jiuye.core import crypto
    from jiuye.core.encrypted import row_batches, update_rows

    cipher = crypto.column(field.purpose)
    table = field.model._meta.db_table
    index = field.model._meta.get_field(field.index_name).column
    counts = Counts(field.purpose)
    q = _q
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    for rows in row_batches(connection, table, (field.column,), batch):
        counts.rows += sum(1 for r in rows if r[1] is not None)
        stale = [r[0] for r in rows if r[1] is not None and not cipher.is_current(r[1])]
        counts.current += sum(1 for r in rows if r[1] is not None) - len(stale)
        if not stale:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(stale))
            cursor.execute(
                f"SELECT {q('id')}, {q(field.column)}, {q(index)} FROM {q(table)} "  # noqa: S608
                f"WHERE {q('id')} IN ({marks}){lock}",
                stale,
            )
            fresh = []
            for pk, token, blind in cursor.fetchall():
                if token is None or cipher.is_current(token):
                    continue
                plain = cipher.decrypt(token)
                if not cipher.matches(plain, blind or ""):
                    counts.mismatched += 1
                    console.print(f"[red]第 {pk} 行：密文与盲索引不符，未改动[/]")
                    continue
                fresh.append((pk, cipher.encrypt(plain)))
            update_rows(connection, table, (field.column,), fresh)
            counts.reencrypted += len(fresh)
    return counts


def rebuild_index(field: Any, batch: int) -> int:
    """The blind index of every row of ``field`` under the current index key, in one
    transaction (old and new values differ in their key id, so never collide)."""
    from django.db import connection, transaction

    from jiuye.core import crypto
    from jiuye.core.encrypted import row_batches, update_rows

    cipher = crypto.column(field.purpose)
    table = field.model._meta.db_table
    index = field.model._meta.get_field(field.index_name).column
    done = 0
    with transaction.atomic():
        for rows in row_batches(connection, table, (field.column,), batch):
            present = [(pk, token) for pk, token in rows if token is not None]
            plains = [cipher.decrypt(token) for _, token in present]
            digests = cipher.index_many(plains)
            update_rows(
                connection,
                table,
                (index,),
                [(r[0], d) for r, d in zip(present, digests, strict=True)],
            )
            done += len(present)
    return done


@keys.command("rotate")
def rotate(
    index: bool = typer.Option(False, "--index", help="轮换盲索引密钥并重建索引（须先停止应用）。"),
    batch: int = typer.Option(0, "--batch", min=0, help="每个事务处理的行数（默认取设置）。"),
) -> None:
    """启用新的加密密钥并用它重新加密所有行（可中断后重跑续做）；--index 轮换盲索引密钥。"""
    setup_django()
    from django.conf import settings

    from jiuye.core import crypto, keyfiles
    from jiuye.core.encrypted import encrypted_fields

    size = batch or int(settings.KEYS_ROTATE_BATCH)
    fields = encrypted_fields()
    ring = crypto.keyring()
    if index:
        if ring.path is not None:
            ring = keyfiles.add_key(ring, crypto.INDEX)
            crypto.reset_keyring()
            console.print(f"已生成盲索引密钥 {ring.index[0].id}，写入 {ring.path}")
        for field in fields:
            done = rebuild_index(field, size)
            console.print(f"{field.purpose}：已按盲索引密钥 {ring.index[0].id} 重建 {done:,} 行")
        console.print("请重启应用进程，使其使用新的盲索引密钥。")
        return
    unfinished = any(
        set(key_counts(f)[0]) - {f"{ring.algorithm}:{ring.encryption[0].id}"} for f in fields
    )
    if unfinished:
        console.print(
            f"有行不在当前密钥 {ring.encryption[0].id} 下：继续重新加密（不生成新密钥）。"
        )
    elif ring.path is None:
        raise JiuyeError(
            "keys_from_environment",
            f"所有行已使用当前密钥 {ring.encryption[0].id}。密钥来自环境变量 {crypto.ENV_KEYS}，"
            "程序不能修改：请用 jiuye keys generate 生成一行新密钥，放在该变量中 enc 密钥的首位，"
            "重启应用后再运行 jiuye keys rotate。",
        )
    else:
        ring = keyfiles.add_key(ring, crypto.ENCRYPTION)
        crypto.reset_keyring()
        console.print(
            f"已生成加密密钥 {ring.encryption[0].id}，写入 {ring.path}（旧密钥保留用于解密）"
        )
    for field in fields:
        counts = reencrypt(field, size)
        console.print(
            f"{field.purpose}：共 {counts.rows:,} 行，重新加密 {counts.reencrypted:,} 行，"
            f"原已使用当前密钥 {counts.current:,} 行"
            + (
                f"，[red]密文与盲索引不符 {counts.mismatched:,} 行（未改动）[/]"
                if counts.mismatched
                else ""
            )
        )
    console.print(
        "完成。请重启应用进程；jiuye keys status 显示旧密钥已无行使用后，可从密钥来源中删除旧密钥。"
    )


@keys.command("generate")
def generate(
    purpose: str = typer.Option("enc", "--purpose", help="enc（加密）或 index（盲索引）。"),
    key_id: str = typer.Option(..., "--id", help="新密钥编号，如 k2。"),
) -> None:
    """打印一行新密钥（用于环境变量 JIUYE_FIELD_KEYS；请勿保存在代码库或数据库中）。"""
    from jiuye.core import crypto

    if purpose not in (crypto.ENCRYPTION, crypto.INDEX) or not crypto.KEY_ID.match(key_id):
        raise JiuyeError("bad_key_spec", "用途应为 enc 或 index；编号为 1–16 位字母、数字、_ 或 -")
    typer.echo(f"{purpose} {key_id} {base64.b64encode(crypto.generate_key()).decode()}")


@keys.command("init")
def init(
    path: Annotated[Path, typer.Argument(help="密钥文件路径（放在数据库目录和备份之外）。")],
) -> None:
    """生成新的密钥文件（权限 0600）：一个加密密钥 k1 和一个盲索引密钥 i1。"""
    from jiuye.core import crypto, keyfiles

    if path.exists():
        raise JiuyeError("key_file_exists", f"{path} 已存在，未覆盖")
    ring = crypto.Keyring(
        (crypto.Key("k1", crypto.generate_key()),),
        (crypto.Key("i1", crypto.generate_key()),),
        source=f"密钥文件 {path}",
    )
    keyfiles.write_private(path, crypto.format_keys(ring))
    console.print(
        f"已写入 {path}（0600）。设置 JIUYE_KEY_FILE={path} 后启动应用；请另行安全备份此文件。"
    )
