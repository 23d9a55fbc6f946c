"""统一社会信用代码 — unified social credit code, GB 32100-2015.

Layout of the 18 characters, drawn from ``0-9`` and the capitals without
I, O, Z, S, V: registration-authority code (1), organisation-type code (1),
region code of the registering authority (6 digits, GB/T 2260; ``100000``
for national registration), the 9-character organisation code of
GB 11714-1997 (8 body characters plus its own check character), and a check
character: with character values ``0-9 → 0-9, A → 10, …, Y → 30`` and
weights ``3^i mod 31`` (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24,
10, 30, 28), the check value is ``(31 - Σ mod 31) mod 31``.

The GB 11714 check inside the organisation code is computed and reported in
:attr:`CreditCode.org_code_valid` but does not make a code invalid: pilot
regions issued codes before the rules settled, and refusing a code printed on
a real business licence would block the employer's application. Codes we
make ourselves always carry a valid GB 11714 part.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from jiuye.identity._text import compact
from jiuye.identity.errors import IdentifierError
from jiuye.identity.regions import NATIONAL_REGISTRATION_CODE, PROVINCES

CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_FORBIDDEN_LETTERS: Final = "IOZSV"
_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)

#: Registration-authority codes and, under each, its organisation types: the
#: code table kept with GB 32100 (1/5/9/Y in the 2015 text, 2–8, A and N added
#: later by the national code administration).
AUTHORITIES: Final = MappingProxyType(
    {
        "1": ("机构编制", {"1": "机关", "2": "事业单位",
                       "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
        "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
        "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                       "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
        "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
        "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
        "6": ("旅游", {"1": "外国旅游部门常驻代表机构",
                     "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
        "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
        "8": ("工会", {"1": "基层工会", "9": "其他"}),
        "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
        "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
        "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织",
                     "3": "乡镇级集体经济组织", "9": "其他"}),
        "Y": ("其他", {"1": "其他"}),
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CreditCode:
    """A parsed, valid credit code; ``org_code`` is characters 9–17."""

    number: str
    registration_authority: str
    org_type: str
    region_code: str
    org_code: str
    org_code_valid: bool

    @property
    def authority_name(self) -> str:
        """Chinese name of the registration authority, e.g. ``工商``."""
        return AUTHORITIES[self.registration_authority][0]

    @property
    def org_type_name(self) -> str:
        """Chinese name of the organisation type, e.g. ``企业``."""
        return AUTHORITIES[self.registration_authority][1][self.org_type]


def _error(code: str, zh: str, en: str, **extra: object) -> IdentifierError:
    return IdentifierError(code, f"统一社会信用代码{zh}", f"Credit code {en}", extra)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters.

    >>> credit_code_check_char("91350100M000100Y4")
    '3'
    """
    if len(first17) != 17 or any(ch not in CHARSET for ch in first17):
        raise _error("uscc_charset", "前17位长度或字符不正确", "body must be 17 allowed characters")
    values = [CHARSET.index(ch) for ch in first17]
    total = sum(v * w for v, w in zip(values, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The GB 11714-1997 check character for an 8-character body.

    >>> org_code_check_char("60003734"), org_code_check_char("M000100Y")
    ('1', '4')
    """
    if len(body8) != 8 or not all(ch.isascii() and (ch.isdigit() or ch.isupper()) for ch in body8):
        raise _error(
            "uscc_charset",
            "组织机构代码本体应为8位数字或大写字母",
            "organisation code body must be 8 digits or capitals",
        )
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def parse_credit_code(text: str) -> CreditCode:
    """Validate a credit code and split it into its parts.

    Whitespace and full-width characters are tolerated; letters are
    upper-cased. Checks, in order: length, character set, check character,
    registration authority, organisation type, region (6 digits under a
    GB/T 2260 province, or 100000).

    >>> code = parse_credit_code("91350100M000100Y43")
    >>> code.authority_name, code.org_type_name, code.region_code, code.org_code
    ('工商', '企业', '350100', 'M000100Y4')
    >>> try:
    ...     parse_credit_code("91350100M000100Y44")
    ... except IdentifierError as err:
    ...     print(err.code, err.message_zh)
    uscc_checksum 统一社会信用代码校验码不正确，请核对代码
    """
    number = compact(text)
    if not number:
        raise _error("uscc_empty", "为空", "is empty")
    if len(number) != 18:
        raise _error(
            "uscc_length",
            f"应为18位，实际为{len(number)}位",
            f"must be 18 characters, got {len(number)}",
            length=len(number),
        )
    for position, ch in enumerate(number, start=1):
        if ch not in CHARSET:
            hint = "（代码不使用字母I、O、Z、S、V）" if ch in _FORBIDDEN_LETTERS else ""
            raise _error(
                "uscc_charset",
                f"第{position}位含有不允许的字符“{ch}”{hint}",
                f"has a character not allowed at position {position}: {ch!r}",
                position=position,
                char=ch,
            )
    if credit_code_check_char(number[:17]) != number[17]:
        raise _error("uscc_checksum", "校验码不正确，请核对代码", "has a wrong check character")
    authority, org_type, region = number[0], number[1], number[2:8]
    if authority not in AUTHORITIES:
        raise _error(
            "uscc_authority",
            f"登记管理部门代码“{authority}”不存在",
            f"registration authority {authority!r} is unknown",
            authority=authority,
        )
    if org_type not in AUTHORITIES[authority][1]:
        raise _error(
            "uscc_org_type",
            f"机构类别代码“{org_type}”不属于登记管理部门“{AUTHORITIES[authority][0]}”",
            f"organisation type {org_type!r} is unknown for authority {authority!r}",
            authority=authority,
            org_type=org_type,
        )
    if not region.isdigit() or (
        region[:2] not in PROVINCES and region != NATIONAL_REGISTRATION_CODE
    ):
        raise _error(
            "uscc_region",
            f"第3至8位“{region}”不是有效的登记管理机关行政区划码",
            f"characters 3-8 {region!r} are not a valid region code",
            region=region,
        )
    org_code = number[8:17]
    return CreditCode(
        number=number,
        registration_authority=authority,
        org_type=org_type,
        region_code=region,
        org_code=org_code,
        org_code_valid=org_code_check_char(org_code[:8]) == org_code[8],
    )


def is_valid_credit_code(text: str) -> bool:
    """True when :func:`parse_credit_code` accepts ``text``.

    >>> is_valid_credit_code("91110000600037341L"), is_valid_credit_code("91110000600037341I")
    (True, False)
    """
    try:
        parse_credit_code(text)
    except IdentifierError:
        return False
    return True


def make_credit_code(
    registration_authority: str, org_type: str, region_code: str, org_code_body: str
) -> str:
    """Build a valid credit code, for synthetic data and tests.

    ``org_code_body`` is the 8-character body of the organisation code (from
    :data:`CHARSET`); its GB 11714 check character and the GB 32100 check
    character are computed here, and the result is parsed before return.

    >>> try:
    ...     make_credit_code("9", "1", "220702", "MA0OXXXX")
    ... except IdentifierError as err:
    ...     print(err.code)
    uscc_charset
    >>> make_credit_code("9", "1", "110000", "60003734")
    '91110000600037341L'
    """
    if len(org_code_body) != 8 or any(ch not in CHARSET for ch in org_code_body):
        raise _error(
            "uscc_charset",
            "组织机构代码本体应为8位且只用允许的字符",
            "organisation code body must be 8 allowed characters",
        )
    head = f"{registration_authority}{org_type}{region_code}{org_code_body}"
    head += org_code_check_char(org_code_body)
    if len(head) != 17 or any(ch not in CHARSET for ch in head):
        raise _error("uscc_length", "各部分长度或字符不正确", "has parts of the wrong size")
    number = head + credit_code_check_char(head)
    parse_credit_code(number)
    return number
