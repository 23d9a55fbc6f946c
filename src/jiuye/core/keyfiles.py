"""Where the field keys come from: the environment, a 0600 key file, or (DEBUG only) a
development key file; and the key file's writes (a new key first, atomically, 0600).

See :mod:`jiuye.core.crypto` for the format and :mod:`jiuye.cli.keys` for the commands.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from jiuye.core.crypto import (
    ENCRYPTION,
    ENV_FILE,
    ENV_KEYS,
    Key,
    Keyring,
    format_keys,
    generate_key,
    parse_keys,
)
from jiuye.core.errors import JiuyeError

__all__ = ["add_key", "load", "read_key_file", "write_private"]


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _next_id(keys: Sequence[Key], letter: str) -> str:
    numbers = [int(k.id[1:]) for k in keys if re.fullmatch(rf"{letter}\d+", k.id)]
    return f"{letter}{max(numbers, default=0) + 1}"


def add_key(ring: Keyring, purpose: str) -> Keyring:
    """A new current key for ``purpose`` ("enc" or "index") saved to the key file."""
    if ring.path is None:
        raise JiuyeError(
            "keys_from_environment",
            f"密钥来自环境变量 {ENV_KEYS}，程序不能修改：请把新密钥写在该变量中同类密钥的首位"
            "（jiuye keys generate 可生成一行），重启后再运行 jiuye keys rotate。",
        )
    if purpose == ENCRYPTION:
        new = Key(_next_id(ring.encryption, "k"), generate_key())
        changed = Keyring(
            (new, *ring.encryption), ring.index, ring.source, ring.algorithm, ring.path
        )
    else:
        new = Key(_next_id(ring.index, "i"), generate_key())
        changed = Keyring(
            ring.encryption, (new, *ring.index), ring.source, ring.algorithm, ring.path
        )
    write_private(ring.path, format_keys(changed))
    return changed


def read_key_file(path: Path, *, algorithm: str) -> Keyring:
    """The keys of a key file, which must be readable by its owner only."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError as exc:
        raise ImproperlyConfigured(f"密钥文件 {path} 不存在（{ENV_FILE}）") from exc
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"密钥文件 {path} 的权限为 {mode:04o}，其他用户可读：应为 0600（chmod 600 {path}）"
        )
    text = path.read_text(encoding="utf-8")
    return parse_keys(text, source=f"密钥文件 {path}", algorithm=algorithm, path=path)


def load() -> Keyring:
    from django.conf import settings

    algorithm = str(getattr(settings, "FIELD_CIPHER", "A256GCM"))
    text = os.environ.get(ENV_KEYS, "").strip()
    file = str(getattr(settings, "FIELD_KEY_FILE", "") or "")
    if text and file:
        raise ImproperlyConfigured(
            f"{ENV_KEYS} 与 {ENV_FILE} 只能设置一个（字段加密密钥的来源须唯一）"
        )
    if text:
        return parse_keys(text, source=f"环境变量 {ENV_KEYS}", algorithm=algorithm)
    if file:
        return read_key_file(Path(file), algorithm=algorithm)
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            f"未配置字段加密密钥：生产环境须设置环境变量 {ENV_KEYS} 或密钥文件路径 {ENV_FILE}"
            "（权限 0600，放在数据库和备份之外；jiuye keys init 可生成）。"
        )
    path = Path(settings.FIELD_DEV_KEY_FILE)
    if not path.exists():
        fresh = Keyring((Key("k1", generate_key()),), (Key("i1", generate_key()),), "", algorithm)
        try:
            write_private(path, format_keys(fresh))
        except FileExistsError:  # another process wrote it meanwhile
            pass
    return read_key_file(path, algorithm=algorithm)
