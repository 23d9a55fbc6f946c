"""The field cipher itself (jiuye.core.crypto): round trip, wrong key, tampering, key
sources, normalisation; no database."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from jiuye.core import crypto, keyfiles

PURPOSE = "registry_person.resident_id"
NUMBER = "11010519491231002X"


def _line(purpose: str, key_id: str, secret: bytes | None = None) -> str:
    return f"{purpose} {key_id} {base64.b64encode(secret or os.urandom(32)).decode()}"


def _ring(*lines: str, algorithm: str = "A256GCM") -> crypto.Keyring:
    return crypto.parse_keys("; ".join(lines), source="test", algorithm=algorithm)


RING = _ring(_line("enc", "k1"), _line("index", "i1"))


@given(st.text())
def test_any_text_comes_back_as_it_went_in(text):
    # when
    column = RING.column(PURPOSE)
    # then
    assert column.decrypt(column.encrypt(text)) == text


@given(st.sampled_from(["x", "X", " x", "ｘ"]), st.sampled_from(["", " ", "\t"]))
def test_the_blind_index_is_the_same_for_x_and_X_and_blanks(last, blank):
    # when
    column = RING.column(PURPOSE)
    # then
    assert column.index(blank + NUMBER[:-1] + last + blank) == column.index(NUMBER)


def test_a_token_names_its_algorithm_and_key_and_hides_the_number():
    # when
    token = RING.column(PURPOSE).encrypt(NUMBER)
    again = RING.column(PURPOSE).encrypt(NUMBER)
    # then
    assert token.startswith("A256GCM:k1:")
    assert NUMBER not in token
    assert NUMBER[6:14] not in token
    assert token != again  # a fresh nonce each time


def test_sm4_gcm_tokens_say_so_and_decrypt_beside_aes_ones():
    # given
    secret = os.urandom(32)
    aes = _ring(_line("enc", "k1", secret), _line("index", "i1"))
    sm4 = crypto.Keyring(aes.encryption, aes.index, "test", "SM4GCM")
    # when
    old = aes.column(PURPOSE).encrypt(NUMBER)
    new = sm4.column(PURPOSE).encrypt(NUMBER)
    # then
    assert new.startswith("SM4GCM:k1:")
    assert sm4.column(PURPOSE).decrypt(old) == sm4.column(PURPOSE).decrypt(new) == NUMBER


def test_a_wrong_key_is_refused_with_a_clear_error():
    # given
    token = RING.column(PURPOSE).encrypt(NUMBER)
    other = _ring(_line("enc", "k1"), _line("index", "i1"))
    # when
    with pytest.raises(crypto.FieldCryptoError) as refused:
        other.column(PURPOSE).decrypt(token)
    # then
    assert refused.value.code == "crypto_tampered"
    assert "密文校验失败" in refused.value.message
    assert NUMBER not in refused.value.message


def test_a_token_under_a_key_not_loaded_names_the_key():
    # given
    token = _ring(_line("enc", "k9"), _line("index", "i1")).column(PURPOSE).encrypt(NUMBER)
    # when
    with pytest.raises(crypto.FieldCryptoError) as refused:
        RING.column(PURPOSE).decrypt(token)
    # then
    assert refused.value.code == "crypto_unknown_key"
    assert "k9" in refused.value.message


@pytest.mark.parametrize("where", [12, 30, -1])
def test_a_tampered_token_fails_its_gcm_tag(where):
    # given
    token = RING.column(PURPOSE).encrypt(NUMBER)
    header, body = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[where] ^= 1
    tampered = header + ":" + base64.b64encode(bytes(raw)).decode()
    # when
    with pytest.raises(crypto.FieldCryptoError) as refused:
        RING.column(PURPOSE).decrypt(tampered)
    # then
    assert refused.value.code == "crypto_tampered"


def test_a_token_moved_to_another_column_or_relabelled_does_not_decrypt():
    # given
    token = RING.column(PURPOSE).encrypt(NUMBER)
    two = _ring(
        *[_line("enc", k, RING.encryption[0].secret) for k in ("k2", "k1")], _line("index", "i1")
    )
    # when / then: another column's subkey and associated data
    with pytest.raises(crypto.FieldCryptoError):
        RING.column("payments_account.number").decrypt(token)
    # the same key under another id in the header
    with pytest.raises(crypto.FieldCryptoError):
        two.column(PURPOSE).decrypt(token.replace(":k1:", ":k2:"))


def test_each_column_has_its_own_blind_index_key():
    # then
    assert RING.column(PURPOSE).index(NUMBER) != RING.column("other.column").index(NUMBER)
    assert RING.column(PURPOSE).index(NUMBER).startswith("i1:")
    assert len(RING.column(PURPOSE).index(NUMBER)) == len("i1:") + 32


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("enc k1 " + base64.b64encode(b"short").decode() + "; " + _line("index", "i1"), "32 字节"),
        (_line("enc", "k1"), "至少各有一个"),
        (_line("enc", "k1") + "; " + _line("enc", "k1") + "; " + _line("index", "i1"), "重复"),
        ("key k1 abc", "格式"),
    ],
    # fixed ids: the keys are random, and pytest-xdist workers must collect the same names
    ids=["short-key", "no-index-key", "duplicate-id", "bad-format"],
)
def test_bad_key_text_is_refused_in_chinese(text, words):
    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        crypto.parse_keys(text, source="测试")
    # then
    assert words in str(refused.value)


def test_without_debug_a_missing_key_stops_the_program(settings, monkeypatch):
    # given
    settings.DEBUG = False
    settings.FIELD_KEY_FILE = ""
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    crypto.reset_keyring()
    # when
    try:
        with pytest.raises(ImproperlyConfigured) as refused:
            crypto.keyring()
    finally:
        monkeypatch.undo()
        crypto.reset_keyring()
    # then
    assert "未配置字段加密密钥" in str(refused.value)


def test_with_debug_a_development_key_file_is_made_private(settings, monkeypatch, tmp_path):
    # given
    settings.DEBUG = True
    settings.FIELD_KEY_FILE = ""
    settings.FIELD_DEV_KEY_FILE = tmp_path / "var" / "field-keys"
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    crypto.reset_keyring()
    # when
    try:
        first = crypto.keyring()
        crypto.reset_keyring()
        second = crypto.keyring()
    finally:
        monkeypatch.undo()
        crypto.reset_keyring()
    # then
    assert stat.S_IMODE(settings.FIELD_DEV_KEY_FILE.stat().st_mode) == 0o600
    assert first.encryption == second.encryption
    assert [k.id for k in first.encryption] == ["k1"]


def test_a_key_file_readable_by_others_is_refused(settings, monkeypatch, tmp_path):
    # given
    path = tmp_path / "keys"
    path.write_text(_line("enc", "k1") + "\n" + _line("index", "i1") + "\n")
    path.chmod(0o644)
    settings.FIELD_KEY_FILE = str(path)
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    crypto.reset_keyring()
    # when
    try:
        with pytest.raises(ImproperlyConfigured) as refused:
            crypto.keyring()
        path.chmod(0o600)
        crypto.reset_keyring()
        loaded = crypto.keyring()
    finally:
        monkeypatch.undo()
        crypto.reset_keyring()
    # then
    assert "0644" in str(refused.value)
    assert loaded.path == path


def test_the_environment_and_a_key_file_together_are_refused(settings, tmp_path):
    # given: the test run's JIUYE_FIELD_KEYS, and a file as well
    settings.FIELD_KEY_FILE = str(tmp_path / "keys")
    crypto.reset_keyring()
    # when
    try:
        with pytest.raises(ImproperlyConfigured) as refused:
            crypto.keyring()
    finally:
        crypto.reset_keyring()
    # then
    assert "只能设置一个" in str(refused.value)


def test_a_new_key_is_written_first_to_the_key_file(tmp_path):
    # given
    path = tmp_path / "keys"
    keyfiles.write_private(path, crypto.format_keys(RING))
    ring = keyfiles.read_key_file(path, algorithm="A256GCM")
    # when
    rotated = keyfiles.add_key(ring, crypto.ENCRYPTION)
    # then
    again = keyfiles.read_key_file(path, algorithm="A256GCM")
    assert [k.id for k in again.encryption] == ["k2", "k1"] == [k.id for k in rotated.encryption]
    assert again.index == RING.index
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
