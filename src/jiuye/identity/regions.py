"""Administrative divisions (GB/T 2260) as far as identity numbers need them.

We ship the province-level table in full and the county-level table only for
Songyuan (松原市, 2207), the city this system serves. For a code outside
Songyuan only the province and a non-"00" county part are checked: the
national county table changes every year and is not bundled.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

#: GB/T 2260 province-level codes (first two digits of a division code).
PROVINCES: Final = MappingProxyType(
    {
        "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
        "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
        "35": "福建省", "36": "江西省", "37": "山东省",
        "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
        "45": "广西壮族自治区", "46": "海南省",
        "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
    }
)  # fmt: skip

SONGYUAN_CITY_CODE: Final = "2207"

#: Every county-level code under 2207 that appears in 居民身份证号码, current
#: and historical. A number keeps the code of the place that first issued it,
#: so 220724 (扶余县, replaced by 扶余市 220781 in 2013) stays valid forever.
SONGYUAN_ID_REGIONS: Final = MappingProxyType(
    {
        "220701": "松原市市辖区",
        "220702": "宁江区",
        "220721": "前郭尔罗斯蒙古族自治县",
        "220722": "长岭县",
        "220723": "乾安县",
        "220724": "扶余县（2013年撤县设市前）",
        "220781": "扶余市",
    }
)

#: Statistics-only codes (National Bureau of Statistics, not GB/T 2260):
#: public security never issues identity numbers under them.
SONGYUAN_STATISTICAL_CODES: Final = MappingProxyType({"220771": "吉林松原经济开发区"})

#: Region code for registration by a national-level authority in 统一社会信用代码.
NATIONAL_REGISTRATION_CODE: Final = "100000"


def region_name(code: str) -> str | None:
    """The name we know for a 6-digit division code, or None.

    >>> region_name("220724")
    '扶余县（2013年撤县设市前）'
    >>> region_name("220000")
    '吉林省'
    >>> region_name("110105") is None
    True
    """
    if code in SONGYUAN_ID_REGIONS:
        return SONGYUAN_ID_REGIONS[code]
    if code in SONGYUAN_STATISTICAL_CODES:
        return SONGYUAN_STATISTICAL_CODES[code]
    if len(code) == 6 and code.endswith("0000"):
        return PROVINCES.get(code[:2])
    return None


def is_songyuan_region(code: str) -> bool:
    """True for a code under Songyuan (2207), whatever its validity.

    >>> is_songyuan_region("220781"), is_songyuan_region("220102")
    (True, False)
    """
    return code.startswith(SONGYUAN_CITY_CODE)
