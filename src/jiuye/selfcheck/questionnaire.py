"""The self-check questionnaire: which measures, which question next, one step at a time.

Framework-free (no Django): the view, the tests and the benchmark call ``run_step``.
Everything the person answered travels with each request (``State``); nothing is kept.

Which question comes next is decided from the engine's results alone: every rule that
is still undetermined (or eligible with its amount still open) lists in
``missing_facts`` exactly the facts that could change it, and the next question is the
fact listed by the most of them (ties: the order of ``facts.py``). A fact no open rule
lists is never asked.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Literal

from jiuye.core.errors import JiuyeError
from jiuye.evaluation import package
from jiuye.rules import Case, CaseError, FactSpec, PolicyPackage
from jiuye.rules.facts import Value
from jiuye.rules.model import RuleResult

from policies.loader import policy

__all__ = [
    "Action",
    "AnswerError",
    "Question",
    "State",
    "Step",
    "answer_text",
    "choose_question",
    "clean_state",
    "display_value",
    "evaluate",
    "next_question",
    "entities",
    "pointer_questions",
    "remaining_questions",
    "parse_answer",
    "question_for",
    "rule_ids",
    "run_step",
]

Action = Literal["start", "answer", "skip", "edit"]


class AnswerError(JiuyeError, ValueError):
    """An answer the questionnaire cannot accept, with a Chinese message for the form."""

    http_status = 422

    def __init__(self, message_zh: str) -> None:
        super().__init__("answer_invalid", message_zh)
        self.message_zh = message_zh


@dataclass(frozen=True)
class Question:
    """One question: a fact with its widget (from the fact type) and choices."""

    name: str
    label: str
    type: str
    description: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    #: One plain line per term the question uses (the package's glossary).
    explanations: tuple[str, ...] = ()
    #: A pointer question (decides no rule; leads to measures to read).
    pointer: bool = False


@dataclass(frozen=True)
class State:
    """Everything answered so far: fact → normalised answer text, and facts skipped."""

    entity: str
    answers: Mapping[str, str] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    #: Answers to the package's pointer questions ("true"/"false"), e.g. 退役军人.
    pointers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    state: State
    as_of: date
    results: list[RuleResult]
    question: Question | None
    error: str | None = None
    initial: str = ""

    @property
    def progress(self) -> tuple[int, int]:
        """(this question's number, at most how many questions in all).

        The total counts what is answered or skipped plus every fact an open measure
        still lists (and unanswered pointer questions): it can only shrink as answers
        settle measures, never grow past what was shown.
        """
        done = len(self.state.answers) + len(self.state.skipped) + len(self.state.pointers)
        if self.question is None:
            return done, done
        return done + 1, done + remaining_questions(self.results, self.state)


def entities() -> dict[str, str]:
    """Who can use the self-check (the package's hint) with the package's labels."""
    current = policy()
    return {key: current.labels.entity(key) for key in current.questionnaire.entities}


def rule_ids(entity: str, pkg: PolicyPackage | None = None) -> list[str]:
    """The measures the self-check shows an entity: its benefit rules, in package order."""
    pkg = pkg or package()
    return [r.id for r in pkg.rules.values() if r.entity == entity and r.kind == "benefit"]


def _fact_order() -> dict[str, int]:
    return _fact_order_of(package())


@lru_cache(maxsize=4)
def _fact_order_of(pkg: PolicyPackage) -> dict[str, int]:
    return {spec.name: i for i, spec in enumerate(pkg.facts)}


def next_question(
    results: Iterable[RuleResult],
    *,
    skipped: Collection[str] = (),
    order: Mapping[str, int] | None = None,
) -> str | None:
    """The fact that settles the most open measures, or ``None`` when nothing is left.

    A measure is open while it is undetermined, or eligible with its amount still
    depending on a fact. Facts in ``skipped`` are never returned. Ties go to the fact
    that comes first in ``order`` (by default the order of the package's facts).
    """
    counts: Counter[str] = Counter()
    for r in results:
        if r.status == "undetermined" or (r.status == "eligible" and r.amount_fen is None):
            counts.update(set(r.missing_facts))
    candidates = [name for name in counts if name not in skipped]
    if not candidates:
        return None
    rank = _fact_order() if order is None else order
    return min(candidates, key=lambda name: (-counts[name], rank.get(name, len(rank)), name))


# ---- questions and answers ------------------------------------------------------------------
def _reference_choices(
    pkg: PolicyPackage, target: str, as_of: date
) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """For a fact the package fills from a reference table: the key fact and its choices."""
    table = pkg.references.get(target)
    if table is None:
        return None
    year = as_of.year + table.year_offset
    codes = sorted({code for code, y in table.values if y == year})
    names = _region_names()
    return table.key, tuple((code, names.get(code, code)) for code in codes)


def _region_names() -> Mapping[str, str]:
    """Region names as written beside the figures in the package's reference tables."""
    return policy().questionnaire.region_names


def question_for(
    fact: str, state: State, as_of: date, pkg: PolicyPackage | None = None
) -> Question | None:
    """The question that settles ``fact``, or ``None`` if the self-check cannot ask it.

    A figure the package looks up in a reference table (the pooling region's
    unemployment rate) is asked as a choice of the table's regions first; only if the
    region is skipped or has no figure is the figure itself asked. Other ``code`` facts
    (ID numbers, credit codes) are never asked.
    """
    pkg = pkg or package()
    ref = _reference_choices(pkg, fact, as_of)
    if ref is not None:
        key, choices = ref
        if choices and key not in state.answers and key not in state.skipped:
            spec = pkg.facts[key]
            return Question(
                key,
                spec.label.removesuffix("代码"),
                "code",
                "如所在统筹地区不在列表中，请选“不清楚/跳过”，再直接填写失业率。",
                choices,
                _explain(spec.label),
            )
    spec = pkg.facts[fact]
    if spec.type == "code":
        return None
    return Question(
        spec.name,
        spec.label,
        spec.type,
        spec.description,
        tuple(spec.choices.items()),
        _explain(spec.label, spec.description, *spec.choices.values()),
    )


def _explain(*texts: str) -> tuple[str, ...]:
    return policy().questionnaire.explain(*texts)


def pointer_questions(entity: str) -> list[Question]:
    """The package's pointer questions for an entity (yes/no), e.g. 退役军人."""
    return [
        Question(
            p.name,
            p.label,
            "bool",
            "",
            (),
            _explain(p.label),
            pointer=True,
        )
        for p in policy().questionnaire.pointers
        if p.entity == entity
    ]


def _open_facts(results: Iterable[RuleResult], skipped: Collection[str]) -> set[str]:
    facts: set[str] = set()
    for r in results:
        if r.status == "undetermined" or (r.status == "eligible" and r.amount_fen is None):
            facts.update(r.missing_facts)
    return facts - set(skipped)


def remaining_questions(results: Iterable[RuleResult], state: State) -> int:
    """At most how many questions are left (open facts plus unanswered pointers)."""
    pkg = package()
    askable = _askable(pkg, state.entity)
    facts = {f for f in _open_facts(results, state.skipped) if f in askable}
    pointers = [q for q in pointer_questions(state.entity) if q.name not in state.pointers]
    return len(facts) + len(pointers)


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_answer(question: Question | FactSpec, text: str) -> Value:
    """The engine value of a typed answer; ``AnswerError`` with a Chinese message if bad."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        raise AnswerError("请先作答，或选择“不清楚/跳过”。")
    kind = question.type
    if kind == "bool":
        if raw in ("true", "false"):
            return raw == "true"
        raise AnswerError("请选择“是”或“否”。")
    if kind == "code" and isinstance(question, FactSpec):
        try:
            return question.coerce(raw)
        except CaseError:
            raise AnswerError("请从选项中选择一项。") from None
    if kind in ("enum", "code"):
        allowed = question.choices if isinstance(question, Question) else question.choices.items()
        if raw in dict(allowed):
            return raw
        raise AnswerError("请从选项中选择一项。")
    if kind == "date":
        match = _DATE.match(raw)
        try:
            if match is None:
                raise ValueError(raw)
            when = date(*(int(part) for part in match.groups()))
        except ValueError:
            raise AnswerError("请输入有效的日期，格式为 年-月-日，如 2018-04-01。") from None
        if not date(1900, 1, 1) <= when <= date(2100, 12, 31):
            raise AnswerError("日期应在1900年至2100年之间。")
        return when
    spec = package().facts[question.name]
    if kind == "int":
        if not raw.isdigit():
            raise AnswerError("请输入不小于0的整数，如 12。")
        payload: object = int(raw)
        message = "请输入不小于0的整数，如 12。"
    elif kind == "money":
        payload = raw.removesuffix("元").replace(",", "").strip()
        message = "请输入以元为单位的金额，最多两位小数，如 5000 或 5000.50。"
    else:
        payload = raw.removesuffix("%").strip()
        message = "请输入0至100之间的百分数，最多两位小数，如 3.46（表示3.46%）。"
    try:
        return spec.coerce(payload)
    except CaseError:
        raise AnswerError(message) from None


def answer_text(spec: FactSpec, value: Value) -> str:
    """The form text of an engine value (what travels in the hidden fields)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    json_value = spec.to_json(value)
    return "" if json_value is None else str(json_value)


def display_value(spec: FactSpec, text: str) -> str:
    """How an answer reads on screen: 是/否, the choice label, 元, %."""
    if spec.type == "bool":
        return "是" if text == "true" else "否"
    if spec.type == "enum":
        return spec.choices.get(text, text)
    if spec.type == "code":
        return _region_names().get(text, text)
    if spec.type == "money":
        return f"{text}元"
    if spec.type == "percent":
        return f"{text}%"
    return text


# ---- one step ----------------------------------------------------------------------------------
def _askable(pkg: PolicyPackage, entity: str) -> set[str]:
    """Facts of the entity the self-check may ask (never ID numbers or credit codes)."""
    keys = {t.key for t in pkg.references.values()}
    return {s.name for s in pkg.facts.for_entity(entity) if s.type != "code" or s.name in keys}


def clean_state(
    entity: str,
    answers: Mapping[str, str],
    skipped: Sequence[str],
    pointers: Mapping[str, str] | None = None,
) -> State:
    """The state from submitted hidden fields: unknown facts and unreadable values dropped."""
    pkg = package()
    askable = _askable(pkg, entity)
    kept: dict[str, str] = {}
    for name, text in answers.items():
        if name not in askable:
            continue
        spec = pkg.facts[name]
        try:
            value = parse_answer(spec, text)
        except AnswerError:
            continue
        kept[name] = answer_text(spec, value)
    skips = tuple(dict.fromkeys(n for n in skipped if n in askable and n not in kept))
    names = {q.name for q in pointer_questions(entity)}
    marks = {k: v for k, v in (pointers or {}).items() if k in names and v in ("true", "false")}
    return State(entity, kept, skips, marks)


def evaluate(state: State, as_of: date) -> list[RuleResult]:
    pkg = package()
    facts = {name: parse_answer(pkg.facts[name], text) for name, text in state.answers.items()}
    return pkg.evaluate(Case(state.entity, as_of, facts), rule_ids(state.entity, pkg))


def choose_question(results: list[RuleResult], state: State, as_of: date) -> Question | None:
    pkg = package()
    for pointer in pointer_questions(state.entity):
        if pointer.name not in state.pointers:
            return pointer
    passed = set(state.skipped)
    while True:
        fact = next_question(results, skipped=passed)
        if fact is None:
            return None
        question = question_for(fact, state, as_of, pkg)
        if question is not None:
            return question
        passed.add(fact)


def run_step(
    state: State, as_of: date, action: Action = "start", *, fact: str = "", value: str = ""
) -> Step:
    """Apply one action to the state and return the results and the next question.

    ``answer`` sets ``fact`` to ``value`` (a bad value leaves the state as it was and
    asks again with a Chinese error); ``skip`` marks ``fact`` as unknown for good;
    ``edit`` takes ``fact`` back out of the answers and asks it again.
    """
    pkg = package()
    pointers = {q.name: q for q in pointer_questions(state.entity)}
    if fact in pointers:
        return _pointer_step(state, as_of, action, pointers[fact], value)
    answers, skipped = dict(state.answers), list(state.skipped)
    if fact and fact not in _askable(pkg, state.entity):
        fact, action = "", "start"
    if action == "answer":
        question = question_for(fact, state, as_of, pkg) or _plain_question(pkg, fact)
        try:
            parsed = parse_answer(question, value)
        except AnswerError as exc:
            return Step(state, as_of, evaluate(state, as_of), question, exc.message_zh, value)
        answers[fact] = answer_text(pkg.facts[fact], parsed)
        skipped = [n for n in skipped if n != fact]
    elif action == "skip":
        answers.pop(fact, None)
        skipped = [*(n for n in skipped if n != fact), fact]
    elif action == "edit":
        previous = answers.pop(fact, "")
        skipped = [n for n in skipped if n != fact]
        new = State(state.entity, answers, tuple(skipped), state.pointers)
        return Step(new, as_of, evaluate(new, as_of), _plain_question(pkg, fact), None, previous)
    new = State(state.entity, answers, tuple(skipped), state.pointers)
    results = evaluate(new, as_of)
    return Step(new, as_of, results, choose_question(results, new, as_of))


def _plain_question(pkg: PolicyPackage, fact: str) -> Question:
    spec = pkg.facts[fact]
    choices = tuple(spec.choices.items())
    if spec.type == "code":
        for table in pkg.references.values():
            if table.key == fact:
                choices = tuple(
                    (code, _region_names().get(code, code))
                    for code in sorted({c for c, _ in table.values})
                )
    return Question(
        spec.name,
        spec.label,
        spec.type,
        spec.description,
        choices,
        _explain(spec.label, spec.description, *spec.choices.values()),
    )


def _pointer_step(
    state: State, as_of: date, action: Action, question: Question, value: str
) -> Step:
    """Answer, skip (= 否) or edit a pointer question; the rules' results do not change."""
    marks = dict(state.pointers)
    results = evaluate(state, as_of)
    if action == "edit":
        previous = marks.pop(question.name, "")
        new = replace(state, pointers=marks)
        return Step(new, as_of, results, question, None, previous)
    if action == "answer":
        try:
            parse_answer(question, value)
        except AnswerError as exc:
            return Step(state, as_of, results, question, exc.message_zh, value)
        marks[question.name] = value.strip()
    elif action == "skip":
        marks[question.name] = "false"
    new = replace(state, pointers=marks)
    return Step(new, as_of, results, choose_question(results, new, as_of))


def declared_facts(state: State) -> dict[str, object]:
    """The answers as the engine's JSON facts: what an application declares."""
    pkg = package()
    return {
        name: pkg.facts[name].to_json(parse_answer(pkg.facts[name], text))
        for name, text in state.answers.items()
    }
