"""Bring a database to a usable state: migrations, reference data, demo data.

Every step is idempotent, so ``make run`` can run it on every start.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from jiuye.geo.models import Division, DivisionLevel

# Reference data loaded on every setup, in order: (label, "module:function").
REFERENCE_STEPS: tuple[tuple[str, str], ...] = (
    ("松原市行政区划（2017 年版）", "jiuye.geo.loaders:load_songyuan_2017"),
    ("松原市2018年就业创业政策包", "jiuye.evaluation:package_summary"),
    ("城镇登记失业率（政策包参考表）", "jiuye.registry.reference:load_package_rates"),
)

# Demo data loaded by `jiuye setup-demo` (not with --no-demo), after the demo accounts
# and divisions, in order: (label, "module:function"). Each step is idempotent.
DEMO_STEPS: tuple[tuple[str, str], ...] = (
    ("服务网点、办事指南和预约时段", "jiuye.portal.demo:seed_demo"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    display_name: str
    role: str
    group: str | None
    superuser: bool = False
    # jurisdiction (division code) and right to see full identity numbers: StaffProfile
    division: str | None = None
    full_identity: bool = False


# Demo only: fixed, published passwords. Never load demo data into production.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "admin",
        "jiuye-demo-admin",
        "系统管理员",
        "超级管理员",
        None,
        superuser=True,
        division="220700",
        full_identity=True,
    ),
    DemoAccount(
        "city_staff",
        "jiuye-demo-city",
        "市局经办人",
        "市级经办人员",
        "市级经办人员",
        division="220700",
        full_identity=True,
    ),
    DemoAccount(
        "county_staff",
        "jiuye-demo-county",
        "宁江区经办人",
        "县区经办人员",
        "县区经办人员",
        division="220702",
    ),
    DemoAccount(
        "community_staff",
        "jiuye-demo-community",
        "幸福社区协理员",
        "社区工作人员",
        "社区工作人员",
        division="220702001901",
    ),
    # reads the sensitive-access log (/registry/access-log/); sees no registry records
    DemoAccount("auditor", "jiuye-demo-audit", "市局审计员", "审计人员", "审计"),
)

# Clearly marked sample communities under 团结街道 (220702001). Real community codes
# come from a file the bureau provides; 9xx suffixes keep these apart from them.
SAMPLE_TOWNSHIP = "220702001"
SAMPLE_COMMUNITIES: tuple[tuple[str, str], ...] = (
    ("220702001901", "【演示】幸福社区"),
    ("220702001902", "【演示】和平社区"),
    ("220702001903", "【演示】江南社区"),
)


def _resolve(target: str) -> Callable[[], Any]:
    module_name, function_name = target.split(":")
    function: Callable[[], Any] = getattr(importlib.import_module(module_name), function_name)
    return function


def migrate(*, verbosity: int = 0) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def load_reference_data() -> list[tuple[str, Any]]:
    return [(label, _resolve(target)()) for label, target in REFERENCE_STEPS]


def load_demo_data() -> list[tuple[str, Any]]:
    return [(label, _resolve(target)()) for label, target in DEMO_STEPS]


@transaction.atomic
def ensure_demo_accounts() -> tuple[DemoAccount, ...]:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _ = user_model.objects.get_or_create(username=account.username)
        user.first_name = account.display_name
        user.is_staff = True
        user.is_superuser = account.superuser
        user.is_active = True
        user.set_password(account.password)
        user.save()
        if account.group:
            group, _ = Group.objects.get_or_create(name=account.group)
            user.groups.add(group)
        _ensure_staff_profile(user, account)
    return DEMO_ACCOUNTS


def _ensure_staff_profile(user: Any, account: DemoAccount) -> None:
    from jiuye.staff.models import StaffProfile

    division = (
        Division.objects.filter(code=account.division).order_by("-vintage").first()
        if account.division
        else None
    )
    if division is None:
        return
    StaffProfile.objects.update_or_create(
        user=user, defaults={"division": division, "can_view_full_identity": account.full_identity}
    )


@transaction.atomic
def ensure_demo_divisions() -> int:
    township = Division.objects.filter(code=SAMPLE_TOWNSHIP).order_by("vintage").first()
    if township is None:
        return 0
    for code, name in SAMPLE_COMMUNITIES:
        Division.objects.update_or_create(
            code=code,
            vintage=township.vintage,
            defaults={
                "name": name,
                "level": DivisionLevel.VILLAGE,
                "parent": township,
                "source": "演示数据",
                "is_sample": True,
            },
        )
    return len(SAMPLE_COMMUNITIES)
