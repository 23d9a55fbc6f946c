"""Sample offices, service guides and appointment slots for ``jiuye setup-demo``.

Idempotent: offices and guides are keyed by name and rule; every text is visibly
marked 【示例】, so nobody takes it for the bureau's published content.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction

from jiuye.core import clock
from jiuye.evaluation import package
from jiuye.geo.models import Division
from jiuye.portal.models import ITEM_NAME_LENGTH, Guide, GuideItem, Office
from jiuye.portal.proofs import RECORD, registry_facts
from jiuye.portal.services import slots_ensure, working_days

SAMPLE = "【示例】"
# (county code, office name, street); phone numbers are sample numbers, not real lines.
OFFICES: tuple[tuple[str, str, str], ...] = (
    ("220702", "宁江区就业服务大厅", "宁江区示例大街1号"),
    ("220721", "前郭县就业服务大厅", "前郭县示例路2号"),
    ("220722", "长岭县就业服务大厅", "长岭县示例街3号"),
    ("220723", "乾安县就业服务大厅", "乾安县示例路4号"),
    ("220771", "经开区就业服务窗口", "经开区示例大道5号"),
    ("220781", "扶余市就业服务大厅", "扶余市示例街6号"),
)
HOURS = "周一至周五 8:30–11:30，13:30–16:30（法定节假日除外）"
SLOT_TIMES = (
    (time(9, 0), time(10, 0)),
    (time(10, 0), time(11, 0)),
    (time(14, 0), time(15, 0)),
    (time(15, 0), time(16, 0)),
)
SLOT_CAPACITY = 4
SLOT_DAYS = 10

# (item, proved by): RECORD: the registry's record of the applicant proves it
_MATERIALS: dict[str, list[tuple[str, str]]] = {
    "person": [
        ("居民身份证原件及复印件", RECORD),
        ("申请表（窗口领取或网上下载）", ""),
        ("本人社会保障卡或银行账户信息", ""),
    ],
    "employer": [
        ("营业执照（统一社会信用代码证）复印件", RECORD),
        ("申请表（加盖单位公章）", ""),
        ("单位银行账户信息", ""),
        ("经办人身份证", ""),
    ],
    "organization": [
        ("机构登记或认定证明材料", ""),
        ("申请表（加盖公章）", ""),
        ("机构银行账户信息", ""),
        ("经办人身份证", ""),
    ],
}
_PROCEDURE = [
    "到服务网点窗口或在线提交申请",
    "经办机构受理并审核材料",
    "审核结果公示（涉及资金的公示5个工作日）",
    "资金拨付到申请人账户",
]
TIME_LIMIT = f"{SAMPLE}材料齐全的，受理后20个工作日内办结"


@transaction.atomic
def seed_offices() -> int:
    counties = {d.code: d for d in Division.objects.filter(level=3).order_by("vintage")}
    count = 0
    for index, (code, name, street) in enumerate(OFFICES, start=1):
        county = counties.get(code)
        if county is None:
            continue
        Office.objects.update_or_create(
            name=f"{SAMPLE}{name}",
            defaults={
                "county": county,
                "address": f"{SAMPLE}{street}",
                "hours": HOURS,
                "phone": f"0438-000000{index}",
                "is_sample": True,
            },
        )
        count += 1
    return count


def sample_items(rule: Any) -> list[tuple[str, str]]:
    """The sample checklist of ``rule``: the entity's usual items, then evidence of each
    condition, proved by the registry where the condition reads one fact it holds."""
    items = [(f"{SAMPLE}{name}", proof) for name, proof in _MATERIALS.get(rule.entity, [])]
    if not items:
        items = [(f"{SAMPLE}{name}", proof) for name, proof in _MATERIALS["person"]]
    held = {name for name, _ in registry_facts(rule.entity)}
    for condition in rule.conditions:
        facts = condition.expr.facts()
        proof = next(iter(facts)) if len(facts) == 1 and facts <= held else ""
        items.append((f"{SAMPLE}能证明“{condition.text}”的材料"[:ITEM_NAME_LENGTH], proof))
    return items


@transaction.atomic
def seed_guides() -> int:
    count = 0
    for rule in package().rules.values():
        if rule.kind != "benefit":
            continue
        # an edited guide is the office's own: the demo never overwrites it
        guide, created = Guide.objects.get_or_create(
            rule_id=rule.id,
            defaults={
                "procedure": "\n".join(f"{SAMPLE}{step}" for step in _PROCEDURE),
                "time_limit": TIME_LIMIT,
                "is_sample": True,
            },
        )
        if created:
            items = dict(sample_items(rule))  # one item a name
            GuideItem.objects.bulk_create(
                GuideItem(guide=guide, position=position, name=name, proved_by=proof)
                for position, (name, proof) in enumerate(items.items(), start=1)
            )
        count += created
    return count


def seed_slots(today: date | None = None) -> int:
    start = today or clock.today()
    days = working_days(start, SLOT_DAYS)
    created = 0
    for office in Office.objects.filter(is_sample=True, is_active=True):
        created += slots_ensure(
            office_id=office.pk, days=days, times=list(SLOT_TIMES), capacity=SLOT_CAPACITY
        )
    return created


def seed_demo() -> str:
    offices = seed_offices()
    guides = seed_guides()
    slots = seed_slots()
    return f"服务网点 {offices} 个，新增办事指南 {guides} 份，新增预约时段 {slots} 个（均为示例）"
