"""Forms of the stations pages: they check the shape of input; the actions decide and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from delegates.models import Delegate, Delegation, Session
from stations.models import ResidentOpinion, Station
from suggestions.models import Category, Office


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiFileField, self).clean(f, initial) for f in files]


class StationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200)
    hours = forms.CharField(label=_("开放时间"), max_length=200, help_text=_("例如：每月第一个周三 9:00–12:00"))
    allow_anonymous = forms.BooleanField(label=_("允许匿名反映"), required=False)
    first_response_workdays = forms.IntegerField(
        label=_("首次回应时限（工作日）"), min_value=1, max_value=120, initial=3
    )
    answer_workdays = forms.IntegerField(label=_("答复时限（工作日）"), min_value=1, max_value=120, initial=15)
    delegates = forms.ModelMultipleChoiceField(
        label=_("进站代表"),
        queryset=Delegate.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    staff_users = forms.ModelMultipleChoiceField(
        label=_("联络员账号"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, congress_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        from stations.queries import staff_candidates

        # The station's congress's delegates and people only.
        self.fields["delegates"].queryset = Delegate.objects.filter(is_active=True, congress_id=congress_id).order_by(
            "name"
        )
        self.fields["staff_users"].queryset = staff_candidates(congress_id=congress_id)

    @classmethod
    def for_station(cls, station: Station | None, data=None, *, congress_id=None):
        """The form filled with ``station``'s values (a new station's: of the congress ``congress_id``)."""
        if station is None:
            return cls(data, congress_id=congress_id)
        initial = {
            "name": station.name,
            "address": station.address,
            "hours": station.hours,
            "allow_anonymous": station.allow_anonymous,
            "first_response_workdays": station.first_response_workdays,
            "answer_workdays": station.answer_workdays,
            "delegates": list(station.delegates.all()),
            "staff_users": list(station.staff.all()),
        }
        return cls(data, initial=initial, congress_id=station.congress_id)


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class OpinionForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    topic = forms.CharField(label=_("主题"), max_length=100)
    text = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    place = forms.CharField(label=_("地点或小区"), max_length=100, required=False)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    photos = MultiFileField(
        label=_("照片（最多4张）"), required=False, widget=MultiFileInput(attrs={"accept": "image/*"})
    )
    # The honeypot: hidden from people, filled by robots.
    website = forms.CharField(label=_("网址（请勿填写）"), required=False)


class AddInfoForm(forms.Form):
    text = forms.CharField(label=_("补充内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(forms.Form):
    value = forms.ChoiceField(label=_("评价"), choices=ResidentOpinion.Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("评价意见（不满意时必填）"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class ExtensionRequestForm(forms.Form):
    until = forms.DateField(label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("同意延期")), ("refuse", _("不同意"))],
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=_("延至（不填则按申请）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("审核意见（不同意时必填）"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForwardForm(forms.Form):
    office = forms.ModelChoiceField(label=_("承办单位"), queryset=Office.objects.none())
    note = forms.CharField(
        label=_("转办说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, opinion=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opinion is not None:  # the active offices of the opinion's station's congress only
            self.fields["office"].queryset = Office.objects.filter(
                congress_id=opinion.station.congress_id, is_active=True
            ).order_by("name")


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("并入意见"), queryset=ResidentOpinion.objects.none())

    def __init__(self, *args, opinion=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opinion is not None:
            self.fields["into"].queryset = opinion.station.opinions.filter(status__in=ResidentOpinion.OPEN).exclude(
                pk=opinion.pk
            )


class SuggestForm(forms.Form):
    opinions = forms.ModelMultipleChoiceField(
        label=_("意见"), queryset=ResidentOpinion.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("建议标题"), max_length=200)
    body = forms.CharField(label=_("建议内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.all())
    delegate = forms.ModelChoiceField(
        label=_("领衔代表（联络员整理时选择）"), queryset=Delegate.objects.none(), required=False
    )

    def __init__(self, *args, station=None, opinions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if station is not None:
            self.fields["opinions"].queryset = opinions
            self.fields["delegate"].queryset = station.delegates.all()
            self.fields["category"].queryset = Category.objects.filter(congress_id=station.congress_id)


class PublishForm(forms.Form):
    public_text = forms.CharField(label=_("公开内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    public_answer = forms.CharField(label=_("公开答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class DiscussionForm(forms.Form):
    session = forms.ModelChoiceField(label=_("会议"), queryset=Session.objects.all())
    delegation = forms.ModelChoiceField(label=_("代表团"), queryset=Delegation.objects.order_by("name"))
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.all())
    excel = forms.FileField(label=_("或上传Excel（列：标题、内容、提出代表）"), required=False)

    ROWS = 10

    def __init__(self, *args, delegations=None, congress_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The congress's sessions, delegations and categories only.
        self.fields["session"].queryset = Session.objects.filter(congress_id=congress_id)
        self.fields["delegation"].queryset = Delegation.objects.filter(term__congress_id=congress_id).order_by("name")
        self.fields["category"].queryset = Category.objects.filter(congress_id=congress_id)
        if delegations is not None:  # a secretary is offered their own delegation(s) only
            self.fields["delegation"].queryset = delegations.order_by("name")
        for i in range(self.ROWS):
            self.fields[f"title_{i}"] = forms.CharField(label=_("标题"), max_length=200, required=False)
            self.fields[f"body_{i}"] = forms.CharField(
                label=_("内容"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"delegates_{i}"] = forms.CharField(
                label=_("提出代表（领衔在前，以“、”分隔）"), max_length=500, required=False
            )

    def row_fields(self):
        """The bound fields of each suggestion row."""
        return [(self[f"title_{i}"], self[f"body_{i}"], self[f"delegates_{i}"]) for i in range(self.ROWS)]


class DraftEditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
