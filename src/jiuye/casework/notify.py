"""What the applicant is told on every state change (through the message gateway)."""

from __future__ import annotations

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
