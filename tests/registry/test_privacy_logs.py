"""No Python log line carries personal data.

Log lines leave the database's protection (files, collectors, screens), so they name
users, records and access-log rows by id only: never an identity number, a name, a
phone or bank number, a reveal's reason or a search. Two guards: every logger call in
``src/jiuye`` is read for arguments that could carry such a value, and the lines that a
reveal, an export and a roster import actually emit are captured and searched.
"""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from jiuye.registry import models as m
from jiuye.staff import models as staff_models
from tests.factories import StaffUserFactory
from tests.registry.rosterkit import ID_A, ID_B, people_file, person_row
from tests.registry.staff import build_world, staff

SRC = Path(__file__).resolve().parents[2] / "src" / "jiuye"
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
# attributes and variables that hold personal data or free text typed by staff
PERSONAL = frozenset(
    {
        "resident_id",
        "name",
        "phone",
        "bank_account",
        "reason",
        "q",
        "first_name",
        "last_name",
        "full_name",
        "raw",
        "cells",
        "values",
    }
)
# a whole identity number: 18 characters (or the old 15 digits) not inside a longer run
WHOLE_ID = re.compile(r"(?<![\dXx])(?:\d{17}[\dXx]|\d{15})(?![\dXx])")


def _logger_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in LOG_METHODS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"logger", "log", "logging"}
    ]


def _personal_names(call: ast.Call) -> set[str]:
    found = set()
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(argument):
            if isinstance(node, ast.Attribute) and node.attr in PERSONAL:
                found.add(ast.unparse(node))
            elif isinstance(node, ast.Name) and node.id in PERSONAL:
                found.add(node.id)
            elif isinstance(node, ast.JoinedStr):
                found.add("an f-string (format lazily, with ids only)")
    return found


def test_no_logger_call_in_the_code_is_handed_personal_data():
    # given every module of the application
    modules = sorted(SRC.rglob("*.py"))
    # when each logger call's arguments are read
    offending = []
    calls = 0
    for path in modules:
        for call in _logger_calls(ast.parse(path.read_text(encoding="utf-8"))):
            calls += 1
            for name in _personal_names(call):
                offending.append(f"{path.relative_to(SRC)}:{call.lineno} {name}")
    # then
    assert calls >= 3  # the guard sees the reveal, export and engine-refusal lines
    assert offending == []


def test_the_guard_catches_a_logged_name():
    # given
    tree = ast.parse(
        'logger.info("saw %s (%s)", person.name, person.pk)\nlogger.warning(f"id {resident_id}")'
    )
    # when
    found = [_personal_names(call) for call in _logger_calls(tree)]
    # then
    assert found == [{"person.name"}, {"resident_id", "an f-string (format lazily, with ids only)"}]


@pytest.fixture
def log_lines(settings, tmp_path):
    """Every line the configured loggers would print with LOG_LEVEL=DEBUG, formatted
    with any traceback, as a list of strings."""
    settings.VAR_DIR = tmp_path / "var"
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, django_logger = logging.getLogger(), logging.getLogger("django")
    level = root.level
    root.setLevel(logging.DEBUG)
    # "django" does not propagate (settings.LOGGING): listen to it at its own level
    for logger in (root, django_logger):
        logger.addHandler(handler)
    yield lines
    for logger in (root, django_logger):
        logger.removeHandler(handler)
    root.setLevel(level)


def test_reveals_exports_and_a_roster_import_log_no_number_and_no_name(
    client, divisions, settings, tmp_path, log_lines
):
    # given a county worker with the full right; the limit at 1 reveal, the cap at 1 row
    settings.REVEAL_LIMIT_PER_HOUR = 1
    settings.EXPORT_MAX_ROWS = 1
    world = build_world(divisions)
    user = staff("nj", "220702", full=True)
    client.force_login(user)
    person = world.township_person
    reveal = reverse("registry:person_reveal", args=[person.pk])
    roster = people_file(
        tmp_path / "p.xlsx", [person_row(ID_A, "张三"), person_row(ID_B, "李四", "999999999")]
    )
    # when: a reveal, a refused reveal, a search, an export by name, a refused export,
    # a record of another county, and a roster uploaded, previewed and confirmed
    shown = client.post(reveal, {"reason": f"核对{person.name}的身份"})
    refused = client.post(reveal, {"reason": f"再核对{person.name}"})
    listed = client.get(reverse("registry:person_list"), {"q": person.name})
    exported = client.get(reverse("registry:person_export"), {"q": person.name})
    too_long = client.get(reverse("registry:person_export"))
    elsewhere = client.get(reverse("registry:person_detail", args=[world.other_person.pk]))
    with roster.open("rb") as handle:
        uploaded = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    token = uploaded["Location"].rstrip("/").rsplit("/", 1)[1]
    preview = client.get(uploaded["Location"])
    errors = client.get(reverse("registry:rosters:errors", args=[token]))
    confirmed = client.post(reverse("registry:rosters:confirm", args=[token]))
    # then every step happened ...
    assert [
        r.status_code
        for r in (
            shown,
            refused,
            listed,
            exported,
            too_long,
            elsewhere,
            uploaded,
            preview,
            errors,
            confirmed,
        )
    ] == [200, 429, 200, 200, 400, 404, 302, 200, 200, 302]
    assert m.Person.objects.filter(resident_id=ID_A).exists()
    text = "\n".join(log_lines)
    assert "sensitive reveal: user=" in text
    assert "sensitive reveal refused" in text
    assert "registry export: user=" in text
    assert "Not Found: /registry/people/" in text
    # ... and no line holds a whole number, a name or a reason
    assert WHOLE_ID.findall(text) == []
    names = [p.name for p in m.Person.objects.all()] + ["张三", "李四"]
    assert [n for n in names if n in text] == []
    assert "核对" not in text


def test_a_roster_with_refused_rows_logs_none_of_their_cells(
    client, divisions, tmp_path, log_lines
):
    # given a roster whose rows are all refused (bad division, bad checksum)
    user = StaffUserFactory(username="ningjiang")
    staff_models.StaffProfile.objects.create(user=user, division=divisions["220702"])
    client.force_login(user)
    bad_id = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    roster = people_file(
        tmp_path / "p.xlsx", [person_row(bad_id, "王五"), person_row(ID_B, "赵六", "999999999")]
    )
    # when
    with roster.open("rb") as handle:
        uploaded = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    preview = client.get(uploaded["Location"])
    # then
    assert preview.status_code == 200
    text = "\n".join(log_lines)
    assert WHOLE_ID.findall(text) == []
    assert "王五" not in text
    assert "赵六" not in text
