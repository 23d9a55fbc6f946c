"""Messages to a mobile (SMS) through a pluggable gateway (placeholder until the
applicants branch lands: an in-memory outbox)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

__all__ = ["Message", "outbox", "send", "send_on_commit"]


@dataclass(frozen=True)
class Message:
    to: str
    text: str
    purpose: str


outbox: list[Message] = []


def send(to_mobile: str, text: str, *, purpose: str) -> None:
    if to_mobile:
        outbox.append(Message(to_mobile, text, purpose))


def send_on_commit(to_mobile: str, text: str, *, purpose: str) -> None:
    transaction.on_commit(lambda: send(to_mobile, text, purpose=purpose))
