"""The clause catalogue: every measure of the policy text, and what implements it.

The catalogue is data (each policy package's ``catalogue.yaml``, reached through
``policies.loader.policy().catalogue``); this module loads and validates it. Pure
Python, no Django: rules and tools can both use it. Whether an implementation is built
is not written in the data: it is derived from what exists (``jiuye.portal.implementations``).

>>> from policies.loader import policy
>>> catalogue = policy().catalogue
>>> catalogue == load_catalogue(policy().packages[0].module.CATALOGUE)
True
>>> catalogue.by_number("四（四）").title
'落实职工技能提升补贴'
>>> catalogue.by_number("三（四）").lead_departments
('市工信局', '市人社局', '市财政局', '市社保局')
>>> len(catalogue.numbers()), catalogue.closing.clause, str(catalogue.document.in_force_from)
(28, '附则', '2018-04-13')
>>> catalogue.by_number("七（一）")
Traceback (most recent call last):
...
KeyError: '七（一）'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

import yaml

KINDS = frozenset({"benefit", "service", "register", "watch", "mechanism"})
IMPLEMENTATION_TYPES = frozenset({"rule", "service", "register", "watch"})
#: Derived statuses of an implementation (never written in the catalogue).
STATUSES = frozenset({"built", "planned"})


@dataclass(frozen=True)
class Implementation:
    """A rule, service, register or watch that carries out (part of) a clause."""

    type: str
    id: str
    note_zh: str


@dataclass(frozen=True)
class Clause:
    """A numbered measure, or the preamble (序言) or closing provisions (附则)."""

    clause: str
    section: str | None
    title: str
    text: str
    lead_departments: tuple[str, ...]
    kinds: tuple[str, ...]
    implemented_by: tuple[Implementation, ...]

    @property
    def kind(self) -> str:
        """The primary kind (the first of ``kinds``)."""
        return self.kinds[0]


@dataclass(frozen=True)
class Section:
    section: str
    title: str


@dataclass(frozen=True)
class Document:
    title: str
    notice_title: str
    issuer: str
    date: dt.date
    in_force_from: dt.date
    in_force_text: str
    adopted_at: str
    implements: str
    implements_title: str
    source_file: str


@dataclass(frozen=True)
class Catalogue:
    document: Document
    sections: tuple[Section, ...]
    preamble: Clause
    clauses: tuple[Clause, ...]
    closing: Clause

    def by_number(self, clause: str) -> Clause:
        """The numbered measure, e.g. ``"三（四）"``; ``KeyError`` if there is none."""
        for item in self.clauses:
            if item.clause == clause:
                return item
        raise KeyError(clause)

    def numbers(self) -> frozenset[str]:
        """The numbers of all numbered measures."""
        return frozenset(item.clause for item in self.clauses)


_CLAUSE = {"clause": str, "title": str, "text": str, "lead_departments": list, "kind": str}
_LABELS: dict[type, str] = {str: "非空字符串", list: "列表", dict: "映射", dt.date: "日期"}
_SECTION = {"section": str, "title": str}
_TOP = {"document": dict, "sections": list, "preamble": dict, "clauses": list, "closing": dict}


def _require(ok: bool, zh: str, en: str) -> None:
    if not ok:
        raise ValueError(f"条款目录无效：{zh}。Invalid clause catalogue: {en}.")


def _date(raw: Any) -> Any:
    try:
        return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return raw


def _record(raw: Any, where: str, spec: dict[str, Any], optional: tuple[str, ...] = ()) -> Any:
    """Check a mapping: the keys of ``spec`` present with values of their type, no others."""
    _require(isinstance(raw, dict), f"{where} 应为映射", f"{where} must be a mapping")
    missing = [key for key in spec if key not in raw]
    _require(not missing, f"{where} 缺少字段 {missing}", f"{where} is missing {missing}")
    unknown = [str(key) for key in raw if key not in spec and key not in optional]
    _require(not unknown, f"{where} 有未知字段 {unknown}", f"{where} has unknown {unknown}")
    data = dict(raw)
    for key, kind in spec.items():
        value = data[key] = _date(raw[key]) if kind is dt.date else raw[key]
        ok = isinstance(value, kind) and value != ""
        name, label = f"{where}.{key}", kind.__name__
        _require(ok, f"{name} 应为{_LABELS[kind]}", f"{name} must be a non-empty {label}")
    return data


def _texts(raw: Any, where: str) -> tuple[str, ...]:
    _require(isinstance(raw, list), f"{where} 应为列表", f"{where} must be a list")
    for item in raw:
        _require(isinstance(item, str) and item != "", f"{where} 有空项", f"{where} has a blank")
    return tuple(raw)


def _implementation(raw: Any, where: str) -> Implementation:
    item = Implementation(**_record(raw, where, get_type_hints(Implementation)))
    ok = item.type in IMPLEMENTATION_TYPES
    _require(ok, f"{where} 类型未知：{item.type}", f"{where} has unknown type {item.type}")
    return item


def _clause(raw: Any, where: str, *, numbered: bool) -> Clause:
    spec = {**_CLAUSE, "implemented_by": list} | ({"section": str} if numbered else {})
    data = _record(raw, where, spec, optional=("kinds",))
    where = f"{where} {data['clause']}"
    kinds = _texts(data.get("kinds", [data["kind"]]), f"{where}.kinds")
    ok = set(kinds) <= KINDS and kinds[:1] == (data["kind"],) and len(set(kinds)) == len(kinds)
    _require(ok, f"{where} 种类无效：{kinds}", f"{where} has invalid kind(s) {kinds}")
    ok = bool(data["implemented_by"]) or not numbered
    _require(ok, f"{where} 没有实现方式", f"{where} has no implementation")
    ok = not numbered or data["text"].startswith(f"{data['title']}。")
    _require(ok, f"{where} 的标题不是正文首句", f"{where}: title is not the text's first sentence")
    return Clause(
        clause=data["clause"],
        section=data.get("section"),
        title=data["title"],
        text=data["text"],
        lead_departments=_texts(data["lead_departments"], f"{where}.lead_departments"),
        kinds=kinds,
        implemented_by=tuple(
            _implementation(item, f"{where}.implemented_by") for item in data["implemented_by"]
        ),
    )


def load_catalogue(path: Path) -> Catalogue:
    """Load and validate the catalogue; ``ValueError`` says what is wrong, in both languages."""
    with path.open(encoding="utf-8") as stream:
        data = _record(yaml.safe_load(stream), "catalogue", _TOP)
    document = Document(**_record(data["document"], "document", get_type_hints(Document)))
    sections = tuple(Section(**_record(s, "sections[]", _SECTION)) for s in data["sections"])
    clauses = tuple(
        _clause(item, f"clauses[{index}]", numbered=True)
        for index, item in enumerate(data["clauses"])
    )
    numbers = [clause.clause for clause in clauses]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    _require(not duplicates, f"条款重复：{duplicates}", f"duplicate clauses {duplicates}")
    known = {section.section for section in sections}
    for clause in clauses:
        ok = clause.section in known and clause.clause.startswith(f"{clause.section}（")
        _require(ok, f"{clause.clause} 的部分不符", f"{clause.clause}: section unknown or wrong")
    return Catalogue(
        document=document,
        sections=sections,
        preamble=_clause(data["preamble"], "preamble", numbered=False),
        clauses=clauses,
        closing=_clause(data["closing"], "closing", numbered=False),
    )
