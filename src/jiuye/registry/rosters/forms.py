from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.registry.rosters.container import max_upload_bytes
from jiuye.registry.rosters.specs import ROSTERS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("花名册"), choices=[(r.kind, r.title) for r in ROSTERS.values()]
    )
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("文件过大：上限为 %(mb)d MB，请分批上传"), params={"mb": limit // 2**20}
            )
        return upload
