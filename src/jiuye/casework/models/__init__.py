"""The case tables: review chains (data), cases with their copied steps, frozen
decisions, one-time notices, events (the case's own history), 公示 with objections, and
the files uploaded for a case with every look at them."""

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
from jiuye.casework.models.materials import CaseFile, FileKind, FileView, UploadChannel
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
    "CaseFile",
    "CaseState",
    "CaseStep",
    "ChainStep",
    "Channel",
    "Decision",
    "FileKind",
    "FileView",
    "Level",
    "Notice",
    "NoticeState",
    "Objection",
    "ObjectionState",
    "Override",
    "ReviewChain",
    "ReviewRole",
    "StepState",
    "UploadChannel",
]
