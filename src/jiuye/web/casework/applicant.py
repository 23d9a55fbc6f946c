"""Online application (网上申请) from a self-check result.

The 申请 button of a result card posts the rule and a self-check draft token (the
answers travel in the draft, never in the URL). The applicant gives name, identity
number (or credit code and contact) and a mobile number, confirms the number with a
one-time code sent through the message gateway, and the case is filed with the
declared answers; the frozen decision and the progress page follow.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuye.casework.filing import UNIT_ENTITIES, _rule, file_case
from jiuye.core import clock, messages
from jiuye.core.errors import JiuyeError
from jiuye.portal import limits
from jiuye.selfcheck.questionnaire import declared_facts
from jiuye.selfcheck.services import draft_get

SESSION = "jiuye_apply"
CODE_MINUTES = 5
CODE_ATTEMPTS = 5
CODES = limits.Rate(
    "casework.apply_code.address", "RATE_APPLY_CODES_PER_ADDRESS", "发送验证码", "同一网络地址"
)
CODES_BY_MOBILE = limits.Rate(
    "casework.apply_code.mobile", "RATE_APPLY_CODES_PER_MOBILE", "发送验证码", "同一手机号"
)


class ApplyForm(forms.Form):
    subject_name = forms.CharField(label="姓名（单位名称）", max_length=200)
    subject_id = forms.CharField(label="居民身份证号码（单位填统一社会信用代码）", max_length=20)
    contact_name = forms.CharField(
        label="单位经办人姓名（个人不填）", max_length=50, required=False
    )
    mobile = forms.RegexField(
        label="手机号码（接收验证码和办理进度）",
        regex=r"^1\d{10}$",
        error_messages={"invalid": "手机号码应为 11 位数字，以 1 开头"},
    )
    division_code = forms.CharField(
        label="户籍（注册）地区划代码（登记信息中没有您时需要）", max_length=12, required=False
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="短信验证码（6 位）",
        regex=r"^\d{6}$",
        error_messages={"invalid": "请输入 6 位数字验证码"},
    )


def _digest(code: str, salt: str) -> str:
    return hmac.new(salt.encode(), code.encode(), hashlib.sha256).hexdigest()


@require_POST
def apply_start(request: HttpRequest) -> HttpResponse:
    rule_id = request.POST.get("rule", "")
    state = draft_get(token=request.POST.get("draft", ""))
    try:
        rule = _rule(rule_id)
    except JiuyeError:
        return render(
            request, "casework/apply.html", {"gone": "没有这项补贴或扶持事项"}, status=404
        )
    if state is None or state.entity != rule.entity:
        return render(
            request, "casework/apply.html", {"gone": "测评结果已过期，请重新测评后申请"}, status=410
        )
    request.session[SESSION] = {"rule": rule.id, "facts": declared_facts(state)}
    target = "/banshi/apply/"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def apply(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION)
    if not pending:
        return render(
            request,
            "casework/apply.html",
            {"gone": "请先完成自助测评，在结果中点“申请”"},
            status=404,
        )
    rule = _rule(pending["rule"])
    unit = rule.entity in UNIT_ENTITIES
    context: dict[str, Any] = {"rule": rule, "unit": unit}
    step = request.POST.get("step", "details")
    if request.method == "POST" and step == "code":
        return _confirm(request, pending, context)
    form = ApplyForm(request.POST or None, initial=pending.get("details"))
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        verdict = limits.hit(request, CODES) or limits.hit(request, CODES_BY_MOBILE, data["mobile"])
        if verdict:
            form.add_error(None, limits.message(verdict))
        else:
            code = f"{secrets.randbelow(10**6):06d}"
            salt = secrets.token_hex(8)
            pending["details"] = data
            pending["code"] = {
                "digest": _digest(code, salt),
                "salt": salt,
                "expires": (clock.now() + timedelta(minutes=CODE_MINUTES)).isoformat(),
                "attempts": 0,
            }
            request.session[SESSION] = pending
            messages.send(
                data["mobile"],
                f"【松原就业】您正在申请{rule.title}，验证码 {code}，{CODE_MINUTES} 分钟内有效。",
                purpose="apply_code",
            )
            context.update(
                {
                    "code_form": CodeForm(),
                    "mobile": data["mobile"][:3] + "****" + data["mobile"][-4:],
                }
            )
            return render(request, "casework/apply.html", context)
    return render(request, "casework/apply.html", context, status=422 if form.errors else 200)


def _confirm(
    request: HttpRequest, pending: dict[str, Any], context: dict[str, Any]
) -> HttpResponse:
    from datetime import datetime

    form = CodeForm(request.POST)
    context["code_form"] = form
    stored = pending.get("code")
    details = pending.get("details")
    if not stored or not details:
        return redirect("/banshi/apply/")
    context["mobile"] = details["mobile"][:3] + "****" + details["mobile"][-4:]
    if not form.is_valid():
        return render(request, "casework/apply.html", context, status=422)
    expired = clock.now() > datetime.fromisoformat(stored["expires"])
    if expired or stored["attempts"] >= CODE_ATTEMPTS:
        pending.pop("code", None)
        request.session[SESSION] = pending
        form.add_error("code", "验证码已失效，请返回重新获取")
        return render(request, "casework/apply.html", context, status=422)
    if not hmac.compare_digest(
        _digest(form.cleaned_data["code"], stored["salt"]), stored["digest"]
    ):
        stored["attempts"] += 1
        request.session[SESSION] = pending
        form.add_error("code", f"验证码不正确（还可再试 {CODE_ATTEMPTS - stored['attempts']} 次）")
        return render(request, "casework/apply.html", context, status=422)
    pending.pop("code", None)  # single use
    request.session[SESSION] = pending
    try:
        case = file_case(
            rule_id=pending["rule"],
            subject_id=details["subject_id"],
            subject_name=details["subject_name"],
            contact_name=details.get("contact_name", ""),
            mobile=details["mobile"],
            division_code=details.get("division_code", ""),
            declared=pending.get("facts", {}),
            channel="online",
            source="portal",
        )
    except JiuyeError as error:
        context["form"] = ApplyForm(initial=details)
        context["form"].is_bound = False
        context["error"] = error.message
        context.pop("code_form", None)
        return render(request, "casework/apply.html", context, status=error.http_status)
    request.session.pop(SESSION, None)
    return render(request, "casework/applied.html", {"case": case})
