"""Whether each implementation of a measure is built: derived from what exists.

The catalogue says only what implements a clause; whether it is built is read from the
running system: a rule when the engine package has it, a register when the package's
bindings name a Django model that is installed, a service or watch when the bindings
name a URL that resolves. A test keeps the two directions true (every built one
exists, everything that exists reads built).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from jiuye.rules.catalogue import Clause, Implementation

from policies.loader import Policy, policy

BUILT, PLANNED = "built", "planned"
TYPE_LABELS = {"rule": "规则", "service": "服务", "register": "登记", "watch": "监测"}
STATUS_LABELS = {BUILT: "已上线", PLANNED: "规划中"}


@dataclass(frozen=True)
class Status:
    item: Implementation
    status: str

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.item.type]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def model_exists(label: str) -> bool:
    """Whether ``"app_label.ModelName"`` is an installed model."""
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def url_name_exists(name: str) -> bool:
    """Whether a URL name (``"namespace:name"``) is routed, whatever its arguments."""
    *namespaces, view = name.split(":")
    resolver: URLResolver = get_resolver()
    for namespace in namespaces:
        if namespace not in resolver.namespace_dict:
            return False
        resolver = resolver.namespace_dict[namespace][1]
    return view in resolver.reverse_dict


def status_of(item: Implementation, current: Policy | None = None) -> str:
    """``built`` or ``planned``, from the package's rules and bindings and Django's registry."""
    current = current or policy()
    if item.type == "rule":
        return BUILT if item.id in current.engine.rules else PLANNED
    if item.type == "register":
        model = current.bindings.registers.get(item.id)
        return BUILT if model is not None and model_exists(model) else PLANNED
    url = current.bindings.services.get(item.id)
    return BUILT if url is not None and url_name_exists(url) else PLANNED


def statuses(clause: Clause, current: Policy | None = None) -> tuple[Status, ...]:
    """Each implementation of a measure with its derived status, in catalogue order."""
    current = current or policy()
    return tuple(Status(item, status_of(item, current)) for item in clause.implemented_by)
