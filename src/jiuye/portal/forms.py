from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

PHONE = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", _("请填写11位手机号或带区号的固定电话。")
)


class BookingForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("预约时段"), coerce=int, widget=forms.RadioSelect)
    name = forms.CharField(label=_("姓名或单位名称"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, validators=[PHONE])

    def __init__(self, *args: object, slots: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["slot"].choices = slots  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")


class CancelForm(forms.Form):
    phone_tail = forms.CharField(
        label=_("预约时填写的联系电话后四位"),
        min_length=4,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("请填写联系电话的后四位数字。"))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["phone_tail"].widget.attrs.update(
            inputmode="numeric", autocomplete="off", pattern="[0-9]{4}"
        )
