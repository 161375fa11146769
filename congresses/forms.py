"""Forms of the congresses' pages: transfer (转交), a new congress below, a first staff account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congresses.models import Congress
from suggestions.models import Category


class TransferForm(forms.Form):
    reason = forms.CharField(
        label=_("转交理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：所提事项属市政府职权范围。原提出代表会看到这段说明。"),
    )
    category = forms.ModelChoiceField(
        label=_("转交后的类别"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("与原类别同名"),
        help_text=_("上级人大没有同名类别时必须选择。"),
    )

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is not None:
            self.fields["category"].queryset = Category.objects.filter(congress=parent, is_active=True).order_by(
                "order", "name"
            )


class CongressForm(forms.Form):
    name = forms.CharField(label=_("简称"), max_length=50, help_text=_("如：青岩镇人大"))
    full_name = forms.CharField(label=_("全称"), max_length=100, required=False)
    slug = forms.SlugField(label=_("网址标识"), max_length=40, help_text=_("小写英文字母、数字和连字符，如 qingyan"))
    level = forms.ChoiceField(label=_("层级"), choices=Congress.Level.choices)
    parent = forms.ModelChoiceField(label=_("上级人大"), queryset=Congress.objects.none(), empty_label=None)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Congress.objects.filter(pk__in=[c.pk for c in parents])


class StaffAccountForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    username = forms.CharField(label=_("登录名"), max_length=150, help_text=_("英文字母、数字和 @ . + - _"))
