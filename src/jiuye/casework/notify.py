"""What the applicant is told on every state change (through the message gateway)."""

from __future__ import annotations

from typing import Any

from jiuye.casework.models import Case
from jiuye.casework.states import ACTION_LABELS
from jiuye.core import messages

#: The signature of every message (the sender a resident recognises).
SIGNATURE = "【松原就业】"


def state_changed(case: Case, action: str) -> None:
    if not case.mobile:
        return
    text = (
        f"{SIGNATURE}您的办件 {case.code}（{case.title}）：{ACTION_LABELS.get(action, action)}，"
        f"当前状态“{case.get_state_display()}”。可凭办件编号和证件号码后六位查询进度。"
    )
    messages.send_on_commit(case.mobile, text, purpose="case_state")


def _is_mobile(contact: str) -> bool:
    return len(contact) == 11 and contact.isdigit() and contact[0] == "1"


def objection_decided(objection: Any) -> None:
    """The objector hears the outcome when the contact they left is a mobile number;
    otherwise the approving office answers through the contact given (the case page shows
    the contact to staff)."""
    if not _is_mobile(objection.contact):
        return
    verdict = objection.get_state_display()
    title = objection.announcement.case.title
    text = (
        f"{SIGNATURE}您对“{title}”公示（公示编号 {objection.announcement_id}）提出的异议"
        f"已处理：{verdict}。处理结果：{objection.outcome}"
    )
    messages.send_on_commit(objection.contact, text, purpose="objection_outcome")
