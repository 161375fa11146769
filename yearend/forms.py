"""Forms of the scoring pages: they check what was typed; the services check everything else."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.models import ResultClass
from yearend.models import Metric, RubricItem

POINTS = {"max_digits": 6, "decimal_places": 2, "min_value": Decimal("0"), "max_value": Decimal("9999")}


class RubricForm(forms.Form):
    year = forms.IntegerField(label=_("考评年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200)
    full_marks = forms.DecimalField(label=_("基本分满分"), initial=Decimal("100"), **POINTS)
    deduction_cap = forms.DecimalField(label=_("扣分上限"), initial=Decimal("10"), **POINTS)
    bonus_cap = forms.DecimalField(label=_("加分上限"), initial=Decimal("5"), **POINTS)
    objection_workdays = forms.IntegerField(label=_("异议期限（工作日）"), min_value=1, max_value=60, initial=5)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["year"]
        else:
            self.fields["year"].initial = timezone.localdate().year
            self.fields["title"].initial = _("承办单位办理代表建议工作绩效考评办法")


class ItemForm(forms.Form):
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0)
    name = forms.CharField(label=_("考评项目"), max_length=100)
    kind = forms.ChoiceField(label=_("计分方式"), choices=RubricItem.Kind.choices)
    metric = forms.ChoiceField(
        label=_("自动计算指标"), choices=[("", _("（人工评分）")), *Metric.choices], required=False
    )
    result_class = forms.ModelChoiceField(
        label=_("办理结果分类"),
        queryset=ResultClass.objects.all(),
        required=False,
        help_text=_("仅“某类办理结果占比”使用。"),
    )
    weight = forms.DecimalField(
        label=_("分值"), required=False, help_text=_("按比例计分和人工评分项目的满分。"), **POINTS
    )
    lower_is_better = forms.BooleanField(label=_("比例越低得分越高"), required=False)
    per_unit = forms.DecimalField(label=_("每次扣（加）分"), required=False, **POINTS)
    cap = forms.DecimalField(
        label=_("本项上限"), required=False, help_text=_("扣分和加分项目最多扣（加）的分数。"), **POINTS
    )
    note = forms.CharField(
        label=_("计分说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rubric=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rubric is not None:  # the classes of the rubric's congress
            self.fields["result_class"].queryset = ResultClass.objects.filter(congress_id=rubric.congress_id)

    @classmethod
    def for_item(cls, item, data=None, *, rubric=None):
        initial = None
        if item is not None:
            initial = {name: getattr(item, name) for name in cls.base_fields}
        return cls(data, initial=initial, rubric=rubric)


class ScoreForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label=_("得分"), **POINTS)
    reason = forms.CharField(label=_("评分理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    item = forms.ModelChoiceField(label=_("有异议的项目"), queryset=RubricItem.objects.none(), required=False)
    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rubric=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rubric is not None:
            self.fields["item"].queryset = rubric.items.all()


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("采纳")), ("0", _("不采纳"))],
        coerce=lambda value: value == "1",
    )
    answer = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
