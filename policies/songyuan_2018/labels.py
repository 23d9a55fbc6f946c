"""The Chinese names of the entity kinds, as every app shows them.

The engine keeps the kinds themselves (``jiuye.rules.facts.ENTITIES``, with the same
names for its own messages); a test keeps the two equal.
"""

from __future__ import annotations

from policies.model import Labels

LABELS = Labels(
    entities={
        "person": "个人",
        "employer": "用人单位",
        "household": "家庭",
        "organization": "机构（孵化基地、培训基地、人力资源服务机构等）",
        "region": "地区（县、市）",
    }
)
