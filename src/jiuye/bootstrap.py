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
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction

from jiuye.geo.models import Division, DivisionLevel
from jiuye.staff.roles import Role

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
    ("资金来源和【示例】预算", "jiuye.payments.demo:seed_demo_funds"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    display_name: str
    role: str
    group: str | None
    # jurisdiction (division code) and right to see full identity numbers: StaffProfile
    division: str | None = None
    full_identity: bool = False
    # the second factor: a fixed, published TOTP secret (base32), demo only
    totp_secret: str = ""
    # extra permissions ("app.codename"), e.g. approving unmasked exports
    permissions: tuple[str, ...] = ()
    # casework review roles (jiuye.casework.demo.ROLES codes): 初审, 复审, 审批, 科长
    review_roles: tuple[str, ...] = ()


# Demo only: fixed, published passwords and TOTP secrets (`jiuye demo-otp USER` prints
# the current code). Never load demo data into production. Every account is a role
# account: the three administrators (三权分立) and the caseworkers; no superuser.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "sysadmin",
        "Jiuye#Sys2018",
        "市局系统管理员",
        "系统管理员（账号、区划、参考数据）",
        Role.SYSTEM.value,
        totp_secret="KNOIK7IPNU6636E46C6ASNGZ2VF7WGR4",  # noqa: S106 - published, demo only
    ),
    DemoAccount(
        "secadmin",
        "Jiuye#Sec2018",
        "市局安全管理员",
        "安全管理员（角色、权限、锁定、会话）",
        Role.SECURITY.value,
        totp_secret="XMYES66HVCNM5OHELLYAOTAYTTBNIDV7",  # noqa: S106 - published, demo only
    ),
    # the audit administrator: the audit trail and the sensitive-access log
    # (/admin/audit/, /registry/access-log/); sees no registry records
    DemoAccount(
        "auditor",
        "Jiuye#Audit2018",
        "市局审计管理员",
        "审计管理员（审计记录，只读）",
        Role.AUDIT.value,
        totp_secret="MRZZKIJQNHEUPETMDSQNJ255N33WH4NV",  # noqa: S106 - published, demo only
    ),
    DemoAccount(
        "city_staff",
        "Jiuye#City2018",
        "市局经办人",
        "市级经办人员",
        "市级经办人员",
        division="220700",
        full_identity=True,
        totp_secret="G3SCRD7QQGRO5ROVOO25QXHE42DV4QOA",  # noqa: S106 - published, demo only
        permissions=("payments.view_fund_report", "payments.commit_payment"),
        review_roles=("initial", "second"),
    ),
    # approves other staff members' unmasked exports (maker–checker, 未脱敏导出审批)
    DemoAccount(
        "city_lead",
        "Jiuye#Lead2018",
        "市局科长",
        "市级经办人员（审批未脱敏导出）",
        "市级经办人员",
        division="220700",
        full_identity=True,
        totp_secret="MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",  # noqa: S106 - published, demo only
        permissions=(
            "staff.approve_export",
            "payments.view_fund_report",
            "payments.allocate_budget",
            "payments.approve_payee_account",
            "payments.release_batch",
        ),
        review_roles=("approve", "senior"),
    ),
    DemoAccount(
        "county_staff",
        "Jiuye#County2018",
        "宁江区经办人",
        "县区经办人员",
        "县区经办人员",
        division="220702",
        totp_secret="YID6HZCKDWJD22QIIZ7NJEBSIBNQZAFL",  # noqa: S106 - published, demo only
        permissions=("payments.view_fund_report", "payments.commit_payment"),
        review_roles=("initial", "second"),
    ),
    # approves at the county (审批) and signs off second returns and overrides (科长)
    DemoAccount(
        "county_lead",
        "Jiuye#CountyLead2018",
        "宁江区就业局科长",
        "县区经办人员（审批、上级审核）",
        "县区经办人员",
        division="220702",
        totp_secret="OBQXG43XN5ZGIMJSGM2DKNRXHA4TAMJS",  # noqa: S106 - published, demo only
        permissions=(
            "payments.view_fund_report",
            "payments.allocate_budget",
            "payments.approve_payee_account",
            "payments.release_batch",
        ),
        review_roles=("approve", "senior"),
    ),
    # a counter clerk of another county: takes applications of any resident (市内通办)
    DemoAccount(
        "fuyu_staff",
        "Jiuye#Fuyu2018",
        "扶余市窗口受理员",
        "县区经办人员（窗口受理）",
        "县区经办人员",
        division="220781",
        totp_secret="MZ2XS5JAON2GCZTGEBRWY2LSNMQGIMZU",  # noqa: S106 - published, demo only
    ),
    DemoAccount(
        "community_staff",
        "Jiuye#Community2018",
        "幸福社区协理员",
        "社区工作人员",
        "社区工作人员",
        division="220702001901",
        totp_secret="ITSJBGNX2FROHWNJYVD2T3WR4VZ5LO2J",  # noqa: S106 - published, demo only
        review_roles=("initial",),
    ),
)

#: The superuser of earlier demos ("admin", published password): disabled by setup.
LEGACY_DEMO_ADMIN = ("admin", "jiuye-demo-admin")


def demo_account(username: str) -> DemoAccount | None:
    return next((a for a in DEMO_ACCOUNTS if a.username == username), None)


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
    """The demo accounts, each enrolled with its published TOTP secret."""
    from django.contrib.auth import get_user_model

    from jiuye.casework import demo as casework_demo
    from jiuye.staff import roles, twofactor

    user_model = get_user_model()
    roles.ensure_role_groups()
    casework_demo.ensure_demo_chains()
    for account in DEMO_ACCOUNTS:
        user, _ = user_model.objects.get_or_create(username=account.username)
        user.first_name = account.display_name
        user.is_staff = True
        user.is_superuser = False
        user.is_active = True
        user.set_password(account.password)
        user.save()
        if account.group:
            group, _ = Group.objects.get_or_create(name=account.group)
            if group.name in roles.ROLE_NAMES:
                roles.set_groups(
                    user=user, groups=[*user.groups.exclude(name__in=roles.ROLE_NAMES), group]
                )
            else:
                user.groups.add(group)
        for name in account.permissions:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if account.totp_secret:
            twofactor.ensure_device(user, account.totp_secret)
        _ensure_staff_profile(user, account)
        casework_demo.grant(user, account.review_roles)
    _retire_legacy_admin(user_model)
    return DEMO_ACCOUNTS


def _retire_legacy_admin(user_model: Any) -> None:
    username, password = LEGACY_DEMO_ADMIN
    legacy = user_model.objects.filter(username=username, is_active=True).first()
    if legacy is not None and legacy.check_password(password):
        legacy.is_active = False
        legacy.save(update_fields=["is_active"])


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
