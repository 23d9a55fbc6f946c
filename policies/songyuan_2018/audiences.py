"""Who each measure serves: the audience filter of the public catalogue.

The text does not tag clauses by audience, so ``by_clause`` is written by hand for all
28 measures; for measures that have rules the portal reads the same tags off the rules
(their entity and the ``words`` of their conditions) and a test checks that the
hand-written mapping contains everything derived, so a new rule cannot silently drop
an audience.
"""

from __future__ import annotations

from policies.model import Audiences

#: (key used in ?who=, Chinese label), in display order.
_CHOICES: tuple[tuple[str, str], ...] = (
    ("graduates", "高校毕业生"),
    ("rural", "农村劳动力和农民工"),
    ("veterans", "退役军人"),
    ("difficulty", "就业困难人员"),
    ("employers", "用人单位"),
    ("training", "培训和服务机构"),
)

#: Words in a condition's text that name an audience.
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("graduates", ("高校毕业生",)),
    ("rural", ("农村", "农民工")),
    ("veterans", ("退役军人",)),
    ("difficulty", ("就业困难", "零就业家庭", "低保家庭")),
    ("employers", ("企业", "用人单位", "单位")),
    ("training", ("培训基地", "孵化基地", "人力资源服务机构", "返乡创业基地")),
)

_BY_CLAUSE: dict[str, tuple[str, ...]] = {
    "一（一）": (),
    "一（二）": ("employers",),
    "一（三）": ("employers", "graduates"),
    "一（四）": ("employers",),
    "二（一）": ("employers", "graduates", "rural", "veterans", "difficulty"),
    "二（二）": ("employers", "graduates", "rural", "difficulty"),
    "二（三）": ("graduates", "rural", "difficulty", "employers", "training"),
    "三（一）": ("graduates", "employers", "difficulty"),
    "三（二）": ("graduates",),
    "三（三）": ("rural", "training"),
    "三（四）": ("employers",),
    "三（五）": ("rural", "difficulty", "training"),
    "三（六）": ("rural", "training"),
    "三（七）": ("difficulty",),
    "三（八）": ("veterans", "employers"),
    "四（一）": ("training",),
    "四（二）": ("training",),
    "四（三）": ("graduates", "rural", "difficulty", "employers", "training"),
    "四（四）": ("employers",),
    "四（五）": ("training",),
    "五（一）": ("graduates", "rural", "veterans", "difficulty", "employers"),
    "五（二）": ("difficulty",),
    "五（三）": ("training",),
    "五（四）": ("employers", "training"),
    "六（一）": (),
    "六（二）": (),
    "六（三）": ("employers",),
    "六（四）": ("employers",),
}

AUDIENCES = Audiences(
    choices=_CHOICES,
    words=_WORDS,
    by_clause=_BY_CLAUSE,
    by_entity={"employer": "employers", "organization": "training"},
)
