"""Password rules for staff accounts (身份鉴别: 口令复杂度和定期更换).

The rules (``AUTH_PASSWORD_VALIDATORS``, each figure a setting): at least
``JIUYE_PASSWORD_MIN_LENGTH`` characters (8) drawn from ``JIUYE_PASSWORD_MIN_CLASSES``
of the four classes lower case, upper case, digits and other characters (3); not in
Django's list of 20,000 common passwords; not the username, nor containing it, nor too
similar to it. A password older than ``JIUYE_PASSWORD_MAX_AGE_DAYS`` days (90; 0 turns
rotation off) must be changed before any staff page opens: see
``docs/security-passwords.md`` for why rotation is on although OWASP ASVS advises
against it.

:class:`PasswordAgeValidator` validates nothing: it records when a password was saved
(Django calls ``password_changed`` of every validator whenever a user is saved with a
new password), so the age is known whichever way the password was set.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from jiuye.core import clock
from jiuye.staff.models import PasswordRecord

#: The classes a password's characters are drawn from, in the words the message uses.
CLASSES = ("小写字母", "大写字母", "数字", "其他字符")


def character_class(char: str) -> int:
    """Which of :data:`CLASSES` a character belongs to (0–3).

    >>> [character_class(c) for c in "aZ7-中"]
    [0, 1, 2, 3, 3]
    """
    if char.isascii() and char.islower():
        return 0
    if char.isascii() and char.isupper():
        return 1
    if char.isdigit():
        return 2
    return 3


def classes_used(password: str) -> int:
    """How many of the four classes the password draws from.

    >>> classes_used("password"), classes_used("Password1"), classes_used("Pass-word1")
    (1, 3, 4)
    """
    return len({character_class(char) for char in password})


class CharacterClassesValidator:
    """At least ``min_classes`` of lower case, upper case, digits and other characters."""

    def __init__(self, min_classes: int | None = None) -> None:
        self.min_classes = min_classes if min_classes is not None else settings.PASSWORD_MIN_CLASSES

    def validate(self, password: str, user: Any = None) -> None:
        if classes_used(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self) -> str:
        return f"密码须包含{'、'.join(CLASSES)}中的至少 {self.min_classes} 类。"


class NotUsernameValidator:
    """The password is not the username and does not contain it (either way round)."""

    def validate(self, password: str, user: Any = None) -> None:
        username = str(user.get_username() if user is not None else "").casefold()
        folded = password.casefold()
        if username and (username in folded or username[::-1] in folded):
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能是用户名，也不能包含用户名。"


class PasswordAgeValidator:
    """Records when a password is saved (validates nothing)."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            record_change(user, must_change=False)

    def get_help_text(self) -> str:
        days = settings.PASSWORD_MAX_AGE_DAYS
        return f"密码每 {days} 天须更换一次。" if days else ""


def record_change(user: Any, *, must_change: bool, now: datetime | None = None) -> None:
    """Note that the user's password was set now (by someone else: ``must_change``)."""
    PasswordRecord.objects.update_or_create(
        user_id=user.pk, defaults={"changed_at": now or clock.now(), "must_change": must_change}
    )


def require_change(user: Any) -> None:
    """The owner must change the password at the next sign-in (set by an administrator)."""
    PasswordRecord.objects.update_or_create(user_id=user.pk, defaults={"must_change": True})


def max_age() -> timedelta | None:
    days = settings.PASSWORD_MAX_AGE_DAYS
    return timedelta(days=days) if days > 0 else None


def change_due(user: Any, now: datetime | None = None) -> str | None:
    """Why the user must change the password before going on: "expired" (older than the
    maximum age), "reset" (set by an administrator), or None.

    A user without a record (an account older than this rule; the migration gave every
    existing account one) is not held up.
    """
    record = PasswordRecord.objects.filter(user_id=user.pk).first()
    if record is None:
        return None
    if record.must_change:
        return "reset"
    limit = max_age()
    if limit is not None and (now or clock.now()) - record.changed_at >= limit:
        return "expired"
    return None
