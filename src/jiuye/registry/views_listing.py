"""What each staff list shows and how it is searched and filtered.

One ``Listing`` per entity serves both the HTML list and its .xlsx export, so the two
always show the same rows with the same masking. Every queryset starts from
:func:`jiuye.staff.access.scoped`: a row outside the viewer's jurisdiction never
reaches a page or a file.

Sensitive columns (disability, household difficulty categories, and the filter on
them) read 已隐藏 for viewers without the right (:attr:`Viewer.sees_sensitive`).
Identity numbers are masked in every list, whatever the role: a full number appears
only on a detail page after a logged reveal, or in a logged export for the right.
Employer names and credit codes are public registration data and are shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.registry import models as m
from jiuye.registry import rules_terms as t
from jiuye.staff.access import Viewer, area_filter, scoped

HIDDEN = "已隐藏"
BOOL_TEXT = {True: "是", False: "否", None: "未知"}

# A whole identity number typed into a search box would travel in the URL and land in
# server and proxy logs: such a search is refused and the tail (last 4) asked for.
FULL_ID = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
ID_TAIL = re.compile(r"^\d{3}[\dXx]$")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any, Viewer], Any]


@dataclass(frozen=True)
class Choice:
    """A select filter: query parameter, label, options, and the lookup it sets."""

    param: str
    label: str
    options: tuple[tuple[str, Any], ...]
    lookup: Callable[[str], Q]
    sensitive: bool = False  # offered only to viewers who see sensitive attributes


@dataclass(frozen=True)
class Listing:
    entity: str
    title: str
    export_name: str
    detail_url: str
    search_hint: str
    base: Callable[[], QuerySet[Any]]
    search: Callable[[str], Q]
    columns: tuple[Column, ...]
    choices: tuple[Choice, ...] = field(default=())
    # what a full-right export shows unmasked (and logs); "" when nothing sensitive
    sensitive_field: str = ""


@dataclass
class Query:
    """The filtered, scoped queryset of one request and what the form shows back."""

    queryset: QuerySet[Any]
    q: str = ""
    area: str = ""
    selected: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    def params(self) -> dict[str, str]:
        values = {"q": self.q, "area": self.area, **self.selected}
        return {k: v for k, v in values.items() if v}


def _label(choices: Any, value: str | None) -> str:
    return str(dict(choices).get(value, "")) if value else ""


def _division_name(obj: Any, viewer: Viewer) -> str:
    return str(obj.division.name)


def _person_id(obj: m.Person, viewer: Viewer) -> str:
    return str(obj.resident_id_masked)


def _person_disabled(obj: m.Person, viewer: Viewer) -> str:
    return BOOL_TEXT[obj.is_disabled] if viewer.sees_sensitive else HIDDEN


def _household_number(obj: m.Person, viewer: Viewer) -> str:
    membership = getattr(obj, "membership", None)
    return membership.household.number if membership is not None else ""


def _person_search(q: str) -> Q:
    found = Q(name__icontains=q) | Q(membership__household__number__iexact=q)
    if ID_TAIL.match(q):
        found |= Q(resident_id_masked__endswith=q.upper())
    return found


def _active_kinds(household: m.Household, as_of: date) -> list[str]:
    kinds = {s.kind for s in household.statuses.all() if t.in_force(s.start, s.end, as_of)}
    return [str(label) for value, label in m.HouseholdStatusKind.choices if value in kinds]


def _household_statuses(obj: m.Household, viewer: Viewer) -> str:
    if not viewer.sees_sensitive:
        return HIDDEN
    return "、".join(_active_kinds(obj, clock.today())) or "无"


def _household_status_filter(value: str) -> Q:
    today = clock.today()
    return Q(statuses__kind=value, statuses__start__lte=today) & (
        Q(statuses__end__isnull=True) | Q(statuses__end__gt=today)
    )


PEOPLE = Listing(
    entity="person",
    title="人员",
    export_name="人员名单",
    detail_url="registry:person_detail",
    search_hint="姓名、身份证号码后4位或家庭编号",
    base=lambda: m.Person.objects.select_related("division", "membership__household"),
    search=_person_search,
    columns=(
        Column("姓名", lambda o, v: o.name),
        Column("居民身份证号码", _person_id),
        Column("性别", lambda o, v: "男" if o.sex == "male" else "女"),
        Column("出生日期", lambda o, v: o.birth_date),
        Column("户籍所在地", _division_name),
        Column("户籍类型", lambda o, v: _label(m.HukouType.choices, o.hukou_type)),
        Column("文化程度", lambda o, v: _label(m.EducationLevel.choices, o.education_level)),
        Column("家庭编号", _household_number),
        Column("残疾人（持证）", _person_disabled),
    ),
    choices=(
        Choice("sex", "性别", (("male", "男"), ("female", "女")), lambda v: Q(sex=v)),
        Choice("hukou", "户籍类型", tuple(m.HukouType.choices), lambda v: Q(hukou_type=v)),
        Choice(
            "education", "文化程度", tuple(m.EducationLevel.choices), lambda v: Q(education_level=v)
        ),
    ),
    sensitive_field="resident_id",
)

HOUSEHOLDS = Listing(
    entity="household",
    title="家庭",
    export_name="家庭名单",
    detail_url="registry:household_detail",
    search_hint="家庭编号或成员姓名",
    base=lambda: (
        m.Household.objects.select_related("division")
        .prefetch_related("statuses")
        .annotate(member_count=Count("members", distinct=True))
    ),
    search=lambda q: Q(number__icontains=q) | Q(members__person__name__icontains=q),
    columns=(
        Column("家庭编号", lambda o, v: o.number),
        Column("所在地", _division_name),
        Column("成员人数", lambda o, v: o.member_count),
        Column("困难类别（现行）", _household_statuses),
    ),
    choices=(
        Choice(
            "status",
            "困难类别",
            tuple(m.HouseholdStatusKind.choices),
            _household_status_filter,
            sensitive=True,
        ),
    ),
    sensitive_field="household_status",
)

EMPLOYERS = Listing(
    entity="employer",
    title="用人单位",
    export_name="用人单位名单",
    detail_url="registry:employer_detail",
    search_hint="单位名称或统一社会信用代码",
    base=lambda: m.Employer.objects.select_related("division"),
    # codes are stored canonical (upper case), so an exact match uses the unique index
    search=lambda q: Q(name__icontains=q) | Q(credit_code=q.strip().upper()),
    columns=(
        Column("单位名称", lambda o, v: o.name),
        Column("统一社会信用代码", lambda o, v: o.credit_code),
        Column("单位类型", lambda o, v: _label(m.EmployerKind.choices, o.kind)),
        Column("所有制", lambda o, v: _label(m.Ownership.choices, o.ownership)),
        Column("规模", lambda o, v: _label(m.SizeClass.choices, o.size_class)),
        Column("所在地", _division_name),
    ),
    choices=(
        Choice("kind", "单位类型", tuple(m.EmployerKind.choices), lambda v: Q(kind=v)),
        Choice("size", "规模", tuple(m.SizeClass.choices), lambda v: Q(size_class=v)),
        Choice("ownership", "所有制", tuple(m.Ownership.choices), lambda v: Q(ownership=v)),
    ),
)

LISTINGS: dict[str, Listing] = {x.entity: x for x in (PEOPLE, HOUSEHOLDS, EMPLOYERS)}


def offered_choices(listing: Listing, viewer: Viewer) -> tuple[Choice, ...]:
    return tuple(c for c in listing.choices if viewer.sees_sensitive or not c.sensitive)


def sensitive_filter_used(listing: Listing, query: Query) -> bool:
    """Whether the query narrows by a sensitive attribute: such a list says who has the
    attribute, so it leaves only as an approved unmasked export, never a plain one."""
    return any(c.sensitive and c.param in query.selected for c in listing.choices)


def run_query(listing: Listing, viewer: Viewer, params: Mapping[str, str]) -> Query:
    """Scope first, then narrow: an area, a choice or a search can only ever remove rows."""
    query = Query(scoped(listing.base(), viewer))
    query.q = params.get("q", "").strip()[:50]
    if FULL_ID.match(query.q):
        query.notice = str(_("为保护个人信息，请不要输入完整身份证号码；请输入后4位。"))
        query.q = ""
        query.queryset = query.queryset.none()
        return query
    narrowing = Q()
    area = params.get("area", "").strip()
    if area:
        in_area = area_filter(viewer, area)
        if in_area is None:
            query.queryset = query.queryset.none()
        else:
            narrowing &= in_area
        query.area = area
    for choice in offered_choices(listing, viewer):
        value = params.get(choice.param, "")
        if value in dict(choice.options):
            narrowing &= choice.lookup(value)
            query.selected[choice.param] = value
    if query.q:
        narrowing &= listing.search(query.q)
    if narrowing:
        # ids first, so joins of a search or filter never duplicate rows
        ids = query.queryset.filter(narrowing).values("pk")
        query.queryset = query.queryset.filter(pk__in=ids)
    query.queryset = query.queryset.order_by("pk")
    return query


def row_values(listing: Listing, obj: Any, viewer: Viewer) -> list[Any]:
    return [column.value(obj, viewer) for column in listing.columns]
