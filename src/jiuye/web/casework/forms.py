from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms

from jiuye.casework.filing import benefit_rules
from jiuye.casework.materials import Entry, as_notice_items
from jiuye.casework.models import CaseState
from jiuye.core import clock


def rule_choices() -> list[tuple[str, str]]:
    return [(r.id, f"{r.title}（{r.clause}）") for r in benefit_rules()]


class QueueForm(forms.Form):
    rule = forms.ChoiceField(label="事项", required=False)
    division = forms.CharField(label="户籍地代码（前缀）", required=False, max_length=12)
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), (CaseState.REVIEWING, "审核中"), (CaseState.OBJECTED, "异议处理中")],
    )
    min_age_days = forms.IntegerField(
        label="受理满（天）", required=False, min_value=0, max_value=3650
    )
    overdue = forms.BooleanField(label="只看超期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "全部事项"), *rule_choices()]


class ActForm(forms.Form):
    """Approve, reject with a reason, or return with a one-time notice whose items are
    picked from the case's checklist (each with its problem) and/or typed one a line."""

    action = forms.ChoiceField(
        label="办理",
        choices=[("approve", "通过"), ("reject", "不予核准"), ("return", "退回补正（一次性告知）")],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(
        label="意见 / 理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    items = forms.CharField(
        label="需补正的全部事项（每行一项：事项：问题）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="清单中的材料请在上面勾选；此处填写清单以外的事项",
    )
    deadline = forms.DateField(
        label="补正期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, entries: Iterable[Entry] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = [e for e in entries if e.item is not None]
        for entry in self.entries:
            self.fields[f"pick_{entry.key}"] = forms.BooleanField(
                label=f"退回补正：{entry.name}（{entry.status_label}）", required=False
            )
            self.fields[f"problem_{entry.key}"] = forms.CharField(
                label=f"“{entry.name}”的问题（申请人可见）",
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "如：扫描件不清晰"}),
            )

    def picks(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(checkbox, problem) of each checklist item, for the template."""
        return [(self[f"pick_{e.key}"], self[f"problem_{e.key}"]) for e in self.entries]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "return":
            if not (data.get("items") or "").strip() and not self._picked():
                self.add_error("items", "请一次列明全部需补正的事项")
            deadline: date | None = data.get("deadline")
            if deadline is None:
                self.add_error("deadline", "请填写补正期限")
            elif deadline <= clock.today():
                self.add_error("deadline", "补正期限应晚于今天")
        if data.get("action") == "reject" and not (data.get("opinion") or "").strip():
            self.add_error("opinion", "请填写不予核准的理由（申请人可见）")
        return data

    def _picked(self) -> list[Entry]:
        data = getattr(self, "cleaned_data", {})
        return [e for e in self.entries if data.get(f"pick_{e.key}")]

    def item_list(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        out = as_notice_items(
            self._picked(), {e.key: data.get(f"problem_{e.key}") or "" for e in self.entries}
        )
        for line in (data.get("items") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            for sep in ("：", ":"):
                if sep in line:
                    item, problem = line.split(sep, 1)
                    break
            else:
                item, problem = line, "缺少"
            out.append({"item": item.strip(), "problem": problem.strip()})
        return out


class ReasonForm(forms.Form):
    reason = forms.CharField(label="事由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="处理结论",
        choices=[("0", "异议不成立，继续公示"), ("1", "异议成立，不予核准")],
        coerce=lambda v: v == "1",
    )
    outcome = forms.CharField(
        label="处理结果（异议人和申请人可见）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CounterForm(forms.Form):
    rule_id = forms.ChoiceField(label="申请事项")
    subject_id = forms.CharField(
        label="居民身份证号码或统一社会信用代码（已核验证件原件）", max_length=20
    )
    subject_name = forms.CharField(label="姓名或单位名称", max_length=200)
    contact_name = forms.CharField(label="单位经办联系人", max_length=50, required=False)
    mobile = forms.CharField(label="手机号码（接收办理进度短信）", max_length=11, required=False)
    division_code = forms.CharField(
        label="户籍（注册）地区划代码（登记信息中没有此人时必填）", max_length=12, required=False
    )
    checked_id = forms.BooleanField(label="已查验身份证件原件", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = rule_choices()


class ObjectForm(forms.Form):
    name = forms.CharField(label="您的姓名", max_length=50)
    contact = forms.CharField(label="联系方式（电话或地址）", max_length=50)
    text = forms.CharField(
        label="异议内容和理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class LookupForm(forms.Form):
    code = forms.CharField(label="办件编号", max_length=20)
    last6 = forms.CharField(
        label="身份证号码（或统一社会信用代码）后六位", min_length=6, max_length=6
    )
