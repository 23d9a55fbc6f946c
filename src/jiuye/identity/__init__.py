"""Identity numbers, validated in one pure module (no Django, no I/O).

- 居民身份证号码, GB 11643-1999: :func:`parse_resident_id`,
  :func:`is_valid_resident_id`, :func:`make_resident_id`,
  :func:`resident_id_check_char`;
- 统一社会信用代码, GB 32100-2015: :func:`parse_credit_code`,
  :func:`is_valid_credit_code`, :func:`make_credit_code`;
- administrative divisions by GB/T 2260 code: :mod:`jiuye.identity.regions`;
- masking for views and exports by role: ``mask_*``;
- age in full years: :func:`age_on`.

Every failure is an :class:`IdentifierError` with a machine ``code``:

``id_empty`` ``id_legacy_15`` ``id_length`` ``id_charset`` ``id_checksum``
``id_birth_date`` ``id_birth_too_early`` ``id_birth_future`` ``id_region``
``id_sequence`` ``id_sequence_sex`` (the last two only from
:func:`make_resident_id`); ``uscc_empty`` ``uscc_length`` ``uscc_charset``
``uscc_checksum`` ``uscc_authority`` ``uscc_org_type`` ``uscc_region``.

>>> from datetime import date
>>> parse_resident_id("220702 19900107 1234", today=date(2018, 5, 1)).sex
'male'
>>> mask_resident_id("220702199001071234")
'220702********1234'
"""

from jiuye.identity.age import age_on
from jiuye.identity.credit_code import (
    AUTHORITIES,
    CreditCode,
    credit_code_check_char,
    is_valid_credit_code,
    make_credit_code,
    org_code_check_char,
    parse_credit_code,
)
from jiuye.identity.errors import IdentifierError
from jiuye.identity.masking import mask_bank_account, mask_credit_code, mask_name, mask_resident_id
from jiuye.identity.regions import (
    PROVINCES,
    SONGYUAN_ID_REGIONS,
    SONGYUAN_STATISTICAL_CODES,
    region_name,
)
from jiuye.identity.resident_id import (
    ResidentId,
    Sex,
    is_valid_resident_id,
    make_resident_id,
    parse_resident_id,
    resident_id_check_char,
)

__all__ = [
    "AUTHORITIES",
    "PROVINCES",
    "SONGYUAN_ID_REGIONS",
    "SONGYUAN_STATISTICAL_CODES",
    "CreditCode",
    "IdentifierError",
    "ResidentId",
    "Sex",
    "age_on",
    "credit_code_check_char",
    "is_valid_credit_code",
    "is_valid_resident_id",
    "make_credit_code",
    "make_resident_id",
    "mask_bank_account",
    "mask_credit_code",
    "mask_name",
    "mask_resident_id",
    "org_code_check_char",
    "parse_credit_code",
    "parse_resident_id",
    "region_name",
    "resident_id_check_char",
]
