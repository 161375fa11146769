"""Forms of the office clerks' pages. They only check input; the services do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from suggestions.actions import InvalidInput
from suggestions.models import Assignment, ContactRecord, Office, ResultClass
from suggestions.queries import office_selectors
from suggestions.uploads import check_upload

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _file_checked(form, name, *, images_and_pdf_only=False):
    """Validate an optional upload by its content; remember the recognised type for the service."""
    uploaded = form.cleaned_data.get(name)
    if not uploaded:
        return None
    try:
        form.content_types[name] = check_upload(uploaded, images_and_pdf_only=images_and_pdf_only)
    except InvalidInput as error:
        raise forms.ValidationError(error.message) from None
    return uploaded


class Form(forms.Form):
    """Labels are shown above the fields (and beside checkboxes): no trailing colon. ``congress_id``: choices of
    rows that belong to a congress (result classes, offices) are that congress's only."""

    def __init__(self, *args, congress_id=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if congress_id is None:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and any(f.name == "congress" for f in queryset.model._meta.concrete_fields):
                field.queryset = queryset.filter(congress_id=congress_id)


class InboxFilterForm(Form):
    group = forms.ChoiceField(
        label=_("分组"),
        required=False,
        choices=[("", _("全部"))] + office_selectors.GROUPS,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(label=_("搜索标题、内容或编号"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("承办方式"), required=False, choices=[("", _("全部"))] + Assignment.Role.choices)
    office = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Office.objects.none(), empty_label=_("全部")
    )
    overdue = forms.BooleanField(label=_("只看已逾期"), required=False)
    key = forms.BooleanField(label=_("只看重点督办"), required=False)
    mine = forms.BooleanField(label=_("只看我经办的"), required=False)

    def __init__(self, *args, office_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=office_ids)
        self.show_office = len(office_ids) > 1

    def values(self):
        """The valid filters only: a bad value in one filter never hides the whole list."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


class ReturnRequestForm(Form):
    prefix = "ret"

    reason = forms.CharField(
        label=_("申请退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("请说明该建议为何不属于本单位职责。"),
    )
    suggested_office = forms.ModelChoiceField(
        label=_("建议改由哪个单位承办（如知道）"),
        required=False,
        queryset=Office.objects.none(),
        empty_label=_("不清楚"),
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_office"].queryset = Office.objects.filter(
            is_active=True, congress_id=assignment.office.congress_id
        ).exclude(pk=assignment.office_id)


class ContactForm(Form):
    prefix = "contact"

    method = forms.ChoiceField(label=_("沟通方式"), choices=ContactRecord.Method.choices)
    date = forms.DateField(label=_("沟通日期"), widget=DATE_WIDGET)
    participants = forms.CharField(
        label=_("参加人员"), max_length=300, help_text=_("例如：王秀英代表、局长张某、经办人李某")
    )
    summary = forms.CharField(label=_("沟通情况及商定事项"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    delegate_invited = forms.BooleanField(label=_("已邀请代表参加"), required=False)


class OpinionForm(Form):
    prefix = "op"

    text = forms.CharField(label=_("协办意见"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label=_("附件（可选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_types = {}

    def clean_file(self):
        return _file_checked(self, "file")


class ReplyForm(Form):
    prefix = "reply"

    text = forms.CharField(
        label=_("答复内容"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    result_class = forms.ModelChoiceField(
        label=_("办理结果"), required=False, queryset=ResultClass.objects.all(), empty_label=_("请选择")
    )
    signed_off_by = forms.CharField(label=_("签发人（单位负责人）"), max_length=50, required=False)
    letter = forms.FileField(
        label=_("已签发盖章的答复函（PDF或图片）"),
        required=False,
        help_text=_("可先保存草稿，打印答复函签字盖章后再扫描上传。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_types = {}

    def clean_letter(self):
        return _file_checked(self, "letter", images_and_pdf_only=True)


class LetterForm(Form):
    """The signed letter of a reply already submitted without one."""

    prefix = "letter"

    letter = forms.FileField(label=_("已签发盖章的答复函（PDF或图片）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_types = {}

    def clean_letter(self):
        return _file_checked(self, "letter", images_and_pdf_only=True)


class ExtensionForm(Form):
    prefix = "ext"

    until = forms.DateField(label=_("申请延至"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(Form):
    prefix = "fu"

    text = forms.CharField(label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    solved = forms.BooleanField(label=_("问题已经解决（报人大工作人员确认）"), required=False)


class HandlerForm(Form):
    prefix = "h"

    handler = forms.ModelChoiceField(label=_("经办人"), queryset=None, empty_label=None)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = office_selectors.office_clerks(assignment.office_id)
        self.fields["handler"].label_from_instance = lambda user: user.get_full_name() or user.username
        if assignment.handler_id and not self.is_bound:
            self.initial["handler"] = assignment.handler_id
