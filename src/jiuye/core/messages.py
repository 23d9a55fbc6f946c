"""Messages to a mobile number (SMS) through a pluggable gateway.

``JIUYE_MESSAGE_BACKEND`` names the backend class (dotted path). Built in:

- ``jiuye.core.messages.ConsoleBackend`` (development, the default): writes each message
  to standard error with the number masked, and keeps the last 50 in memory for the
  DEBUG-only page ``/banshi/dev/messages/``;
- ``jiuye.core.messages.MemoryBackend`` (tests): keeps them in :data:`outbox`.

A real SMS vendor is a class with ``send(message)``; nothing else changes.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

__all__ = [
    "ConsoleBackend",
    "MemoryBackend",
    "Message",
    "outbox",
    "recent",
    "send",
    "send_on_commit",
]


@dataclass(frozen=True)
class Message:
    to: str
    text: str
    purpose: str

    @property
    def to_masked(self) -> str:
        return self.to[:3] + "****" + self.to[-4:] if len(self.to) > 7 else "****"


class Backend(Protocol):
    def send(self, message: Message) -> None: ...


#: What the memory backend sent (tests clear it).
outbox: list[Message] = []
#: The last messages of the console backend (the DEBUG page shows them).
recent: deque[Message] = deque(maxlen=50)


class MemoryBackend:
    def send(self, message: Message) -> None:
        outbox.append(message)


class ConsoleBackend:
    def send(self, message: Message) -> None:
        recent.appendleft(message)
        sys.stderr.write(f"[短信 → {message.to_masked}] {message.text}\n")


@lru_cache(maxsize=4)
def _backend(path: str) -> Any:
    return import_string(path)()


def send(to_mobile: str, text: str, *, purpose: str) -> None:
    """Send now (a missing number sends nothing)."""
    if not to_mobile:
        return
    path = getattr(settings, "MESSAGE_BACKEND", "jiuye.core.messages.ConsoleBackend")
    _backend(path).send(Message(to_mobile, text, purpose))


def send_on_commit(to_mobile: str, text: str, *, purpose: str) -> None:
    """Send once the current transaction commits (never for a write rolled back)."""
    transaction.on_commit(lambda: send(to_mobile, text, purpose=purpose))
