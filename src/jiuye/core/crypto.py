"""Field encryption at rest: keys, authenticated encryption and keyed blind indexes.

A sensitive column (an identity number; later a bank account) is stored as a token
``ALG:KEYID:BASE64`` that names its algorithm and key: ``A256GCM`` (AES-256-GCM, the
default) or ``SM4GCM`` (SM4-GCM, GB/T 32907, where the national algorithms are
required: ``JIUYE_FIELD_CIPHER=SM4GCM``), a random 96-bit nonce per value and
associated data binding the token to its column and header, so a token copied to
another column, or a header edited, fails to decrypt. Lookups and uniqueness go
through a blind index in its own column: HMAC-SHA256 of the normalised value (NFKC,
no blanks, upper case: ``x`` and ``X`` are one number) truncated to 128 bits, as
``KEYID:HEX`` (CipherSweet's design; ``sha256(value + key)`` would not be a MAC). A
blind index shows which rows hold equal values, and nothing else.

Keys (:func:`keyring`, read by :mod:`jiuye.core.keyfiles`) come from outside the
database: the environment variable ``JIUYE_FIELD_KEYS`` or the file named by
``JIUYE_KEY_FILE`` (mode 0600), one key a line or ``;``-separated: ``enc k2 BASE64``
/ ``index i1 BASE64`` (32 random bytes).
The first key of each purpose is current; older encryption keys still decrypt. Each
column gets its own subkeys, derived with HKDF-SHA256 from the key and the column's
name ("one key per column"). With DEBUG on and nothing configured, a development key
file is made in VAR_DIR (0600); without DEBUG a missing key stops the program with
:class:`~django.core.exceptions.ImproperlyConfigured`.

>>> ring = parse_keys("enc k1 " + "A" * 43 + "=; index i1 " + "B" * 43 + "=", source="doctest")
>>> column = ring.column("registry_person.resident_id")
>>> token = column.encrypt("22070219900107123X")
>>> token.startswith("A256GCM:k1:"), column.decrypt(token)
(True, '22070219900107123X')
>>> column.index("22070219900107123x") == column.index(" 22070219900107123X")
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

from jiuye.core.errors import JiuyeError

__all__ = [
    "ALGORITHMS",
    "ColumnCipher",
    "FieldCryptoError",
    "Key",
    "Keyring",
    "column",
    "decrypt",
    "format_keys",
    "generate_key",
    "keyring",
    "normalise",
    "parse_keys",
    "reset_keyring",
    "token_header",
    "use_keyring",
]

ENV_KEYS = "JIUYE_FIELD_KEYS"
ENV_FILE = "JIUYE_KEY_FILE"
ENCRYPTION, INDEX = "enc", "index"
KEY_BYTES = 32
NONCE_BYTES = 12
INDEX_BYTES = 16  # HMAC-SHA256 truncated to 128 bits
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_SALT = b"jiuye field keys v1"


class FieldCryptoError(JiuyeError):
    """A stored token that cannot be read: tampered with, or under a key not loaded.

    Never a user's fault, so a server error; the message names the column and the key
    id, never the value.
    """

    http_status: ClassVar[int] = 500


def normalise(value: str) -> str:
    """The form a value is indexed in: NFKC (full-width digits), no blanks, upper case.

    >>> normalise(" １１０１０５ 19491231002x ")
    '11010519491231002X'
    """
    if not value.isascii():  # NFKC leaves ASCII as it is
        value = unicodedata.normalize("NFKC", value)
    return "".join(value.split()).upper()


class _Aead(Protocol):
    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes: ...
    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes: ...


class _Sm4Gcm:
    """SM4-GCM with AESGCM's interface (ciphertext followed by the 16-byte tag)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data or b"")
        body = encryptor.update(data) + encryptor.finalize()
        return body + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        body, tag = data[:-16], data[-16:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated_data or b"")
        return decryptor.update(body) + decryptor.finalize()


# name in the token header -> (key length, AEAD constructor)
ALGORITHMS: dict[str, tuple[int, Callable[[bytes], _Aead]]] = {
    "A256GCM": (32, AESGCM),
    "SM4GCM": (16, _Sm4Gcm),
}


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes = field(repr=False)


def _derive(secret: bytes, info: str, length: int) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=_SALT, info=info.encode())
    return hkdf.derive(secret)


def token_header(token: str) -> tuple[str, str]:
    """``(algorithm, key id)`` of a stored token (no decryption).

    >>> token_header("A256GCM:k1:AAAA")
    ('A256GCM', 'k1')
    """
    parts = token.split(":", 2)
    if len(parts) != 3:
        raise FieldCryptoError("crypto_format", "加密字段的内容不是本系统的密文格式")
    return parts[0], parts[1]


class ColumnCipher:
    """Encryption and blind index of one column (its own subkeys of each key)."""

    def __init__(self, ring: Keyring, purpose: str) -> None:
        self.purpose = purpose
        self.ring = ring
        self.algorithm = ring.algorithm
        self.current = ring.encryption[0]
        self._aeads: dict[tuple[str, str], _Aead] = {}
        self.index_key_id = ring.index[0].id
        index_key = _derive(ring.index[0].secret, f"index|{purpose}", 32)
        self._mac = hmac.new(index_key, digestmod=hashlib.sha256)
        self.header = f"{self.algorithm}:{self.current.id}:"
        self._aad = self._associated(self.algorithm, self.current.id)
        self._aead = self._cipher(self.algorithm, self.current.id)

    def _associated(self, algorithm: str, key_id: str) -> bytes:
        return f"jiuye|{self.purpose}|{algorithm}|{key_id}".encode()

    def _cipher(self, algorithm: str, key_id: str) -> _Aead:
        found = self._aeads.get((algorithm, key_id))
        if found is None:
            if algorithm not in ALGORITHMS:
                raise FieldCryptoError(
                    "crypto_algorithm", f"{self.purpose}：不支持的加密算法 {algorithm}"
                )
            key = self.ring.encryption_key(key_id)
            if key is None:
                raise FieldCryptoError(
                    "crypto_unknown_key",
                    f"{self.purpose}：密文使用的密钥 {key_id} 未加载"
                    f"（请检查 {ENV_KEYS} 或密钥文件）",
                )
            length, make = ALGORITHMS[algorithm]
            found = make(_derive(key.secret, f"enc|{algorithm}|{self.purpose}", length))
            self._aeads[(algorithm, key_id)] = found
        return found

    # ---- encryption
    def encrypt(self, plain: str) -> str:
        return self.encrypt_many([plain])[0]

    def encrypt_many(self, plains: Sequence[str]) -> list[str]:
        """One token per value (as given: callers store canonical values), under the
        current key; one random read for all the nonces."""
        nonces = os.urandom(NONCE_BYTES * len(plains))
        seal, aad, header = self._aead.encrypt, self._aad, self.header
        b64 = binascii.b2a_base64
        out = []
        for i, plain in enumerate(plains):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            body = nonce + seal(nonce, plain.encode(), aad)
            out.append(header + b64(body, newline=False).decode("ascii"))
        return out

    def decrypt(self, token: str) -> str:
        algorithm, key_id = token_header(token)
        aead = self._cipher(algorithm, key_id)
        try:
            raw = base64.b64decode(token[len(algorithm) + len(key_id) + 2 :], validate=True)
            plain = aead.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._associated(algorithm, key_id)
            )
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise FieldCryptoError(
                "crypto_tampered",
                f"{self.purpose}：密文校验失败（被篡改，或不属于该字段、密钥 {key_id}）",
            ) from exc
        return plain.decode()

    def is_current(self, token: str) -> bool:
        return token.startswith(self.header)

    # ---- blind index
    def index(self, plain: str) -> str:
        return self.index_many([plain])[0]

    def index_many(self, plains: Iterable[str]) -> list[str]:
        prefix, base = self.index_key_id + ":", self._mac
        out = []
        for plain in plains:
            mac = base.copy()
            mac.update(normalise(plain).encode())
            out.append(prefix + mac.digest()[:INDEX_BYTES].hex())
        return out

    def matches(self, plain: str, index: str) -> bool:
        """Whether ``index`` (a row's blind index) is that of ``plain``: a token moved to
        another row fails this."""
        return hmac.compare_digest(self.index(plain), index)


@dataclass(frozen=True)
class Keyring:
    """The loaded keys: encryption keys and index keys, the first of each current."""

    encryption: tuple[Key, ...]
    index: tuple[Key, ...]
    source: str
    algorithm: str = "A256GCM"
    path: Path | None = None  # the key file, when the keys come from one
    _columns: dict[str, ColumnCipher] = field(default_factory=dict, compare=False, repr=False)

    def encryption_key(self, key_id: str) -> Key | None:
        return next((k for k in self.encryption if k.id == key_id), None)

    def column(self, purpose: str) -> ColumnCipher:
        found = self._columns.get(purpose)
        if found is None:
            found = self._columns[purpose] = ColumnCipher(self, purpose)
        return found


def generate_key() -> bytes:
    return os.urandom(KEY_BYTES)


def parse_keys(
    text: str, *, source: str, algorithm: str = "A256GCM", path: Path | None = None
) -> Keyring:
    """Keys from ``text``: ``PURPOSE ID BASE64`` per line (or ``;``), ``#`` comments."""

    def bad(message: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"字段加密密钥（{source}）{message}")

    if algorithm not in ALGORITHMS:
        raise bad(f"：JIUYE_FIELD_CIPHER 应为 {'、'.join(ALGORITHMS)} 之一")
    keys: dict[str, list[Key]] = {ENCRYPTION: [], INDEX: []}
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(re.split(r"[;\n]", text), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or parts[0] not in keys:
            raise bad(f"第 {number} 项格式应为“enc|index 密钥编号 Base64”")
        purpose, key_id, encoded = parts
        if not KEY_ID.match(key_id) or (purpose, key_id) in seen:
            raise bad(f"第 {number} 项的密钥编号不合法或重复：应为 1–16 位字母、数字、_ 或 -")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            secret = b""
        if len(secret) != KEY_BYTES:
            raise bad(f"第 {number} 项（{key_id}）应为 {KEY_BYTES} 字节随机数的 Base64")
        seen.add((purpose, key_id))
        keys[purpose].append(Key(key_id, secret))
    if not keys[ENCRYPTION] or not keys[INDEX]:
        raise bad("须至少各有一个 enc（加密）和 index（盲索引）密钥")
    return Keyring(tuple(keys[ENCRYPTION]), tuple(keys[INDEX]), source, algorithm, path)


def format_keys(ring: Keyring) -> str:
    """The key file's text for ``ring`` (current keys first)."""
    lines = [
        "# 就业系统字段加密密钥：用途 编号 Base64（32字节）；每种用途的第一行为当前密钥。",
        "# 切勿放入数据库、代码库或数据库备份；权限 0600。",
    ]
    for purpose, keys in ((ENCRYPTION, ring.encryption), (INDEX, ring.index)):
        for key in keys:
            lines.append(f"{purpose} {key.id} {base64.b64encode(key.secret).decode()}")
    return "\n".join(lines) + "\n"


_lock = threading.Lock()
_ring: Keyring | None = None


def keyring() -> Keyring:
    """The process's keys, loaded once (see the module's docstring for the sources)."""
    global _ring
    ring = _ring
    if ring is None:
        with _lock:
            if _ring is None:
                from jiuye.core.keyfiles import load

                _ring = load()
            ring = _ring
    return ring


def column(purpose: str) -> ColumnCipher:
    """The cipher and blind index of one column under the process's keys."""
    return keyring().column(purpose)


def decrypt(purpose: str, token: str) -> str:
    """``token`` of column ``purpose`` in clear. A token under a key this process has not
    loaded (a rotation since it started) makes it read the keys once more."""
    try:
        return column(purpose).decrypt(token)
    except FieldCryptoError as error:
        if error.code != "crypto_unknown_key" or keyring().path is None:
            raise
    reset_keyring()
    return column(purpose).decrypt(token)


def reset_keyring() -> None:
    """Forget the loaded keys: the next use reads them again (after a rotation)."""
    global _ring
    with _lock:
        _ring = None


class use_keyring:  # noqa: N801 - used as a context manager, like a function
    """Use ``ring`` within a ``with`` block (tests), then the previous keys again."""

    def __init__(self, ring: Keyring) -> None:
        self.ring = ring
        self._previous: Keyring | None = None

    def __enter__(self) -> Keyring:
        global _ring
        with _lock:
            self._previous, _ring = _ring, self.ring
        return self.ring

    def __exit__(self, *exc: object) -> None:
        global _ring
        with _lock:
            _ring = self._previous
