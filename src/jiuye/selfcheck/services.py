"""Drafts: the only writes of the self-check, and only on the person's explicit request."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction

from jiuye.core import clock
from jiuye.selfcheck.models import SelfCheckDraft
from jiuye.selfcheck.questionnaire import State, clean_state

DRAFT_DAYS = 30


@transaction.atomic
def draft_create(*, state: State) -> SelfCheckDraft:
    """Keep the answers under a fresh random token (URL-safe, 256 bits).

    Expired drafts are deleted on the way, so answers are not kept past their 30 days
    even without a scheduled job.
    """
    draft_purge_expired()
    return SelfCheckDraft.objects.create(
        token=secrets.token_urlsafe(32),
        entity=state.entity,
        answers=dict(state.answers),
        skipped=list(state.skipped),
        expires_at=clock.now() + timedelta(days=DRAFT_DAYS),
    )


def draft_get(*, token: str) -> State | None:
    """The answers of a draft that has not expired, or ``None``."""
    draft = SelfCheckDraft.objects.filter(token=token, expires_at__gt=clock.now()).first()
    if draft is None:
        return None
    answers = draft.answers if isinstance(draft.answers, dict) else {}
    skipped = draft.skipped if isinstance(draft.skipped, list) else []
    return clean_state(
        draft.entity, {str(k): str(v) for k, v in answers.items()}, [str(s) for s in skipped]
    )


def draft_purge_expired() -> int:
    """Delete every expired draft; returns how many."""
    deleted, _ = SelfCheckDraft.objects.filter(expires_at__lte=clock.now()).delete()
    return deleted
