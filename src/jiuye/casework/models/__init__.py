"""The case tables: review chains (data), cases with their copied steps, frozen
decisions, one-time notices, events (the case's own history) and 公示 with objections."""

from jiuye.casework.models.cases import (
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    Channel,
    Decision,
    Override,
    StepState,
)
from jiuye.casework.models.chains import ChainStep, Level, ReviewChain, ReviewRole
from jiuye.casework.models.notices import Notice, NoticeState
from jiuye.casework.models.publicity import (
    Announcement,
    AnnouncementState,
    Objection,
    ObjectionState,
)

__all__ = [
    "Announcement",
    "AnnouncementState",
    "Case",
    "CaseEvent",
    "CaseState",
    "CaseStep",
    "ChainStep",
    "Channel",
    "Decision",
    "Level",
    "Notice",
    "NoticeState",
    "Objection",
    "ObjectionState",
    "Override",
    "ReviewChain",
    "ReviewRole",
    "StepState",
]
