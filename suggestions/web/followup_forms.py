"""Forms of the year's end pages: choosing and recording re-surveys, 回头看 decisions, sending letters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from suggestions.models import Rating, Resurvey, ResurveyBatch
from suggestions.web.staff_forms import StaffForm


class ResurveySelectForm(StaffForm):
    method = forms.ChoiceField(label=_("抽取方式"), choices=ResurveyBatch.Method.choices, widget=forms.RadioSelect)
    sample_size = forms.IntegerField(
        label=_("抽样数量"), required=False, min_value=1, max_value=10000, help_text=_("仅随机抽样时填写。")
    )


class ResurveyRecordForm(StaffForm):
    channel = forms.ChoiceField(label=_("回访方式"), choices=Resurvey.Channel.choices, widget=forms.RadioSelect)
    value = forms.ChoiceField(label=_("代表的回答"), choices=Rating.Value.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("回访记录"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("与网上评价不一致时必须填写代表的具体意见。"),
    )


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("重新办理原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SolvedForm(StaffForm):
    note = forms.CharField(label=_("解决情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LetterSendForm(StaffForm):
    kind = forms.ChoiceField(
        label=_("告知函"),
        choices=[("assignment", _("建议交办告知函")), ("year_end", _("建议办理结果告知函"))],
        widget=forms.RadioSelect,
    )
