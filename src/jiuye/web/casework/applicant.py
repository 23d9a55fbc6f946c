"""Online application (网上申请) from a self-check result.

The 申请 button of a result card posts the rule and a self-check draft token (the
answers travel in the draft, never in the URL). Then either

- the visitor is signed in to 个人/单位办事 (:mod:`jiuye.applicants`): the account has
  proved the name, the identity number and the mobile, so the page only confirms who
  applies (the person, or a unit the account is a confirmed contact of) and files; or
- the visitor gives name, identity number (or credit code and contact) and a mobile
  number, confirms the number with a one-time code (:mod:`jiuye.applicants.codes`, sent
  through :func:`jiuye.web.applicants.codes.send_code`), and the case is filed.

Either way the case is filed with the declared answers; the frozen decision and the
progress page follow.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jiuye.applicants import codes, contacts, sessions
from jiuye.applicants.models import Applicant
from jiuye.casework.filing import UNIT_ENTITIES, _rule, file_case
from jiuye.core.errors import JiuyeError
from jiuye.identity import mask_credit_code
from jiuye.portal import limits
from jiuye.selfcheck.questionnaire import declared_facts
from jiuye.selfcheck.services import draft_get
from jiuye.web.applicants.codes import send_code

SESSION = "jiuye_apply"
PURPOSE = "apply_code"
CODE_MINUTES = codes.CODE_MINUTES
CODE_ATTEMPTS = codes.CODE_ATTEMPTS
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


class AccountApplyForm(forms.Form):
    """A signed-in applicant: who applies (a unit, when the rule is a unit's) and, when
    the registry does not hold the applicant, where they are registered."""

    subject = forms.ChoiceField(label="申请单位")
    division_code = forms.CharField(
        label="户籍（注册）地区划代码（登记信息中没有您时需要）", max_length=12, required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], unit: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if not unit:
            field.label = "申请人"
            field.widget = forms.HiddenInput()


def _masked(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:]


@require_http_methods(["GET", "POST"])
def apply_start(request: HttpRequest) -> HttpResponse:
    """Start an application: from a self-check result (POST with its draft) or from a
    measure's page (GET ``?rule=``: a choice between the self-check and applying
    directly, whose conditions staff then verify; POST ``direct``)."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        rule = _rule(data.get("rule", ""))
    except JiuyeError:
        return render(
            request, "casework/apply.html", {"gone": "没有这项补贴或扶持事项"}, status=404
        )
    if request.method == "GET":
        return render(request, "casework/apply_start.html", {"rule": rule})
    if data.get("direct"):
        facts: dict[str, Any] = {}
    else:
        state = draft_get(token=data.get("draft", ""))
        if state is None or state.entity != rule.entity:
            return render(
                request,
                "casework/apply.html",
                {"gone": "测评结果已过期，请重新测评后申请"},
                status=410,
            )
        facts = declared_facts(state)
    request.session[SESSION] = {"rule": rule.id, "facts": facts}
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
    context: dict[str, Any] = {"rule": rule, "unit": unit, "direct": not pending.get("facts")}
    account = sessions.applicant_of(request)
    if account is not None:
        return _apply_as(request, account, pending, context)
    step = request.POST.get("step", "details")
    if request.method == "POST" and step == "code":
        return _confirm(request, pending, context)
    form = ApplyForm(request.POST or None, initial=pending.get("details"))
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = send_code(
                request,
                by_address=CODES,
                by_mobile=CODES_BY_MOBILE,
                purpose=PURPOSE,
                mobile=data["mobile"],
                text=f"【松原就业】您正在申请{rule.title}，"
                "验证码 {code}，{minutes} 分钟内有效。",
            )
        except JiuyeError as error:
            form.add_error(None, error.message)
            return render(request, "casework/apply.html", context, status=error.http_status)
        pending["details"] = data
        pending["code"] = {"ticket": issued.ticket}
        request.session[SESSION] = pending
        context.update({"code_form": CodeForm(), "mobile": issued.mobile_masked})
        return render(request, "casework/apply.html", context)
    return render(request, "casework/apply.html", context, status=422 if form.errors else 200)


def _confirm(
    request: HttpRequest, pending: dict[str, Any], context: dict[str, Any]
) -> HttpResponse:
    form = CodeForm(request.POST)
    context["code_form"] = form
    stored = pending.get("code")
    details = pending.get("details")
    if not stored or not details:
        return redirect("/banshi/apply/")
    context["mobile"] = _masked(details["mobile"])
    if not form.is_valid():
        return render(request, "casework/apply.html", context, status=422)
    try:
        codes.redeem(
            ticket=stored.get("ticket", ""),
            code=form.cleaned_data["code"],
            purpose=PURPOSE,
            mobile=details["mobile"],
        )
    except codes.CodeRefused as refused:
        if not refused.extra.get("left"):
            pending.pop("code", None)  # dead: a new one must be asked for
            request.session[SESSION] = pending
        form.add_error("code", refused.message)
        return render(request, "casework/apply.html", context, status=422)
    pending.pop("code", None)  # used
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


def _apply_as(
    request: HttpRequest, account: Applicant, pending: dict[str, Any], context: dict[str, Any]
) -> HttpResponse:
    """File for the signed-in account: no name, number or code to give again."""
    unit = context["unit"]
    subjects: dict[str, tuple[str, str, str, str]] = {}  # choice → id, name, contact, mobile
    if unit:
        for contact in contacts.acting_for(account):
            subjects[str(contact.pk)] = (
                contact.credit_code,
                contact.unit_name,
                account.name,
                account.mobile or contact.mobile,
            )
    else:
        subjects["self"] = (account.resident_id, account.name, "", account.mobile)
    context.update({"account": account, "subjects": subjects})
    if not subjects:
        context["no_unit"] = True
        return render(request, "casework/apply.html", context, status=403)
    choices = [
        (key, f"{name}（{mask_credit_code(sid) if unit else account.resident_id_masked}）")
        for key, (sid, name, _, _) in subjects.items()
    ]
    form = AccountApplyForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        unit=unit,
        initial={"subject": choices[0][0]},
    )
    context["account_form"] = form
    if request.method != "POST" or not form.is_valid():
        return render(request, "casework/apply.html", context, status=422 if form.errors else 200)
    subject_id, subject_name, contact_name, mobile = subjects[form.cleaned_data["subject"]]
    try:
        case = file_case(
            rule_id=pending["rule"],
            subject_id=subject_id,
            subject_name=subject_name,
            contact_name=contact_name,
            mobile=mobile,
            division_code=form.cleaned_data.get("division_code", ""),
            declared=pending.get("facts", {}),
            channel="online",
            source="portal",
        )
    except JiuyeError as error:
        context["error"] = error.message
        return render(request, "casework/apply.html", context, status=error.http_status)
    request.session.pop(SESSION, None)
    return render(request, "casework/applied.html", {"case": case, "account": account})
