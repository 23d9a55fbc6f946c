from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    resident_id = forms.CharField(
        label="居民身份证号码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.RegexField(
        label="手机号码（接收验证码和办理进度）",
        regex=r"^1\d{10}$",
        error_messages={"invalid": "手机号码应为 11 位数字，以 1 开头"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="短信验证码（6 位）",
        regex=r"^\d{6}$",
        error_messages={"invalid": "请输入 6 位数字验证码"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class DeclareForm(forms.Form):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=20)
    unit_name = forms.CharField(label="单位名称（与营业执照一致）", max_length=200)


class SupplementForm(forms.Form):
    response = forms.CharField(
        label="补正说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ContactLookupForm(forms.Form):
    credit_code = forms.CharField(
        label="按统一社会信用代码查找（市内通办：核验营业执照原件后可确认任一县区的单位）",
        max_length=20,
        required=False,
    )


class ContactDecisionForm(forms.Form):
    action = forms.ChoiceField(label="办理", choices=[("confirm", "确认"), ("refuse", "不予确认")])
    checked = forms.BooleanField(label="已核验营业执照和单位授权委托书原件", required=False)
    note = forms.CharField(
        label="说明（不予确认时必填，申报人可见）", max_length=200, required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("action") == "confirm" and not data.get("checked"):
            self.add_error("checked", "确认前请核验营业执照和单位授权委托书原件")
        return data
