"""Masking of personal identifiers in views and exports.

The shapes follow common practice for Chinese government services (and the
display examples of GB/T 35273 on personal-information de-identification):

=====================  =================================  ======================
identifier             kept                               example
=====================  =================================  ======================
居民身份证号码          first 6 (region) and last 4        ``220702********1234``
统一社会信用代码        first 4 and last 4                 ``9122**********123X``
bank account           last 4                             ``************5678``
name                   surname (复姓 kept whole)           ``张*``, ``欧阳**``
=====================  =================================  ======================

Maskers never raise: they run in templates and exports over stored data,
where a bad value must still come out masked. Input is compacted first
(whitespace dropped, full-width folded). A value too short to keep the
visible parts without revealing everything is masked entirely.
"""

from __future__ import annotations

from typing import Final

from jiuye.identity._text import compact

MASK: Final = "*"

#: Two-character surnames (复姓) kept whole by :func:`mask_name`.
COMPOUND_SURNAMES: Final = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕
    令狐 钟离 端木 独孤 南宫 西门 百里 呼延 赫连 澹台 公羊 太史 申屠 闻人
    万俟 濮阳 淳于 单于 仲孙 司空 亓官 司寇 子车 颛孙 巫马 公西 漆雕 乐正
    壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 东郭 梁丘 左丘 东门 第五
    """.split()
)

# Separators in transliterated names (e.g. 买买提·艾力) stay visible.
_NAME_SEPARATORS: Final = frozenset("·•・.")


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return MASK * len(value)
    return value[:head] + MASK * (len(value) - head - tail) + value[len(value) - tail :]


def mask_resident_id(number: str) -> str:
    """Keep the 6-digit region code and the last 4 characters.

    An 18-character number always shows 8 asterisks (the birth date and the
    first two sequence digits are hidden).

    >>> mask_resident_id("11010519491231002x")
    '110105********002X'
    >>> mask_resident_id("2207")
    '****'
    """
    return _keep(compact(number), 6, 4)


def mask_credit_code(number: str) -> str:
    """Keep the first 4 and the last 4 characters.

    >>> mask_credit_code("91350100M000100Y43")
    '9135**********0Y43'
    """
    return _keep(compact(number), 4, 4)


def mask_bank_account(number: str) -> str:
    """Keep only the last 4 digits; the length stays visible.

    >>> mask_bank_account("6222 0212 3456 7890")
    '************7890'
    """
    return _keep(compact(number), 0, 4)


def mask_name(name: str) -> str:
    """Keep the surname, one asterisk per other character.

    A name of 3 or more characters starting with a known 复姓 keeps both
    surname characters; a one-character name is masked entirely.

    >>> mask_name("张三"), mask_name("欧阳娜娜"), mask_name("欧阳"), mask_name("买买提·艾力")
    ('张*', '欧阳**', '欧*', '买**·**')
    """
    name = name.strip()
    if len(name) <= 1:
        return MASK * len(name)
    kept = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    rest = "".join(ch if ch in _NAME_SEPARATORS else MASK for ch in name[kept:])
    return name[:kept] + rest
