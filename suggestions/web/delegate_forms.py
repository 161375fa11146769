"""Forms of the delegate pages. They only check input; services write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions.actions import InvalidInput
from suggestions.models import Category, Rating, Suggestion
from suggestions.uploads import ALLOWED_HINT, check_upload

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SuggestionForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("标题"),
        max_length=200,
        help_text=gettext_lazy("用一句话说清楚建议什么，例如“关于增设某小区公交站点的建议”。"),
        error_messages={
            "required": gettext_lazy("请填写标题。"),
            "max_length": gettext_lazy("标题不能超过200个字（现在是%(show_value)d个字）。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("类别"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=gettext_lazy("请选择"),
        error_messages={
            "required": gettext_lazy("请选择类别。"),
            "invalid_choice": gettext_lazy("请从列表中选择类别。"),
        },
    )
    series = forms.ChoiceField(
        label=gettext_lazy("提出时间"),
        choices=Suggestion.Series.choices,
        initial=Suggestion.Series.SESSION,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("人代会开会期间提出的选“大会期间”，平时提出的选“闭会期间”。"),
        error_messages={
            "required": gettext_lazy("请选择提出时间。"),
            "invalid_choice": gettext_lazy("请选择“大会期间”或“闭会期间”。"),
        },
    )
    body = forms.CharField(
        label=gettext_lazy("内容"),
        max_length=20000,
        help_text=gettext_lazy("写清楚存在什么问题、原因是什么、建议怎么解决。"),
        error_messages={
            "required": gettext_lazy("请填写建议内容。"),
            "max_length": gettext_lazy("内容不能超过20000字（现在是%(show_value)d字）。"),
        },
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("附件（可不传）"),
        required=False,
    )

    def __init__(self, *args, congress_id=None, **kwargs):
        """``congress_id``: the categories offered are the delegate's congress's (the one they act in)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True, congress_id=congress_id)
        self.fields["attachments"].help_text = _(
            "可以上传照片或文件，一次最多%(n)s个，每个不超过%(mb)sMB。允许的类型：%(types)s。"
        ) % {"n": MAX_FILES, "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024), "types": ALLOWED_HINT}

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_body(self):
        return self.cleaned_data["body"].strip()

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传%(n)s个附件。") % {"n": MAX_FILES})
        checked = []
        for uploaded in files:
            try:
                content_type = check_upload(uploaded)
            except InvalidInput as error:
                raise forms.ValidationError(
                    _("%(message)s请重新选择附件（其他内容已保留）。") % {"message": error.message}
                ) from None
            checked.append((uploaded, content_type))
        return checked


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请写明撤回的理由。")},
    )


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label=gettext_lazy("您对这份答复是否满意？"),
        choices=Rating.Value.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择满意、基本满意或不满意。"),
            "invalid_choice": gettext_lazy("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("意见"),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("选“不满意”时必须填写：哪里不满意，希望怎样办理。"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("意见不能超过5000字。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("value") == Rating.Value.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("选择“不满意”时，请写明不满意的理由和具体要求。"))
        return data
