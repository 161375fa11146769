"""Forms of the NPC staff pages. They only clean input; every change goes through ``actions``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from suggestions import actions
from suggestions.models import Leader, Office, Suggestion

OTHER = "__other__"


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(forms.Form):
    """Chinese labels carry no trailing colon. ``congress_id``: every choice of rows that belong to a congress
    (offices, leaders…) is that congress's, so a crafted id of another congress is not a valid choice."""

    def __init__(self, *args, congress_id=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.congress_id = congress_id
        if congress_id is None:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and any(f.name == "congress" for f in queryset.model._meta.concrete_fields):
                field.queryset = queryset.filter(congress_id=congress_id)


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OfficeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegisterForm(StaffForm):
    number = forms.IntegerField(
        label=_("编号"),
        min_value=1,
        max_value=2_000_000_000,
        help_text=_("系统按本会议同一系列的最大编号加一提出，可修改。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ReturnForm(StaffForm):
    reason = forms.CharField(label=_("退回理由"), max_length=2000, widget=_textarea())


class RejectForm(StaffForm):
    reason_choice = forms.ChoiceField(label=_("不予立案理由"))
    custom_reason = forms.CharField(
        label=_("其他理由"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
        help_text=_("选择“其他理由”时填写；选择标准理由时可补充说明。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = actions.not_registered_reasons()
        self.fields["reason_choice"].choices = (
            [("", _("请选择"))] + [(r, r) for r in reasons] + [(OTHER, _("其他理由"))]
        )

    def clean(self):
        data = super().clean()
        choice, custom = data.get("reason_choice"), (data.get("custom_reason") or "").strip()
        if choice == OTHER:
            if not custom:
                self.add_error("custom_reason", _("请填写不予立案的理由。"))
            data["reason"] = custom
        elif choice:
            data["reason"] = f"{choice}。{custom}" if custom else choice
        return data


class MergeForm(StaffForm):
    sources = forms.ModelMultipleChoiceField(
        label=_("并入本件的建议"),
        queryset=Suggestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择至少一件要并入的建议。")},
    )
    note = forms.CharField(label=_("并案说明"), required=False, max_length=2000, widget=_textarea(2))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Suggestion.objects.filter(pk__in=[c.pk for c in candidates])
        self.fields["sources"].choices = [(c.pk, c.title) for c in candidates]


class AssignForm(StaffForm):
    MODE_LEAD, MODE_SEPARATE = "lead", "separate"

    mode = forms.ChoiceField(
        label=_("交办方式"),
        initial=MODE_LEAD,
        widget=forms.RadioSelect,
        choices=[(MODE_LEAD, _("主办＋协办")), (MODE_SEPARATE, _("分办（各单位分别答复）"))],
    )
    lead_office = OfficeChoiceField(
        label=_("主办单位"), queryset=Office.objects.none(), required=False, empty_label=_("请选择")
    )
    co_offices = OfficeMultipleChoiceField(
        label=_("协办单位"), queryset=Office.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    separate_offices = OfficeMultipleChoiceField(
        label=_("分办单位"), queryset=Office.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(label=_("答复期限"), widget=_date())
    opinion_due = forms.DateField(label=_("协办意见期限"), required=False, widget=_date())
    return_by = forms.DateField(label=_("申请退回截止"), widget=_date())
    is_key = forms.BooleanField(label=_("重点督办"), required=False)
    leader = forms.ModelChoiceField(
        label=_("领衔督办领导"), queryset=Leader.objects.all(), required=False, empty_label=_("请选择")
    )

    def __init__(self, *args, offices=None, suggested=(), **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices if offices is not None else Office.objects.filter(is_active=True))
        # The offices most often given this category come first.
        suggested_ids = [o.pk for o in suggested]
        ordered = list(suggested) + [o for o in offices if o.pk not in suggested_ids]
        queryset = Office.objects.filter(pk__in=[o.pk for o in offices])
        for name in ("lead_office", "co_offices", "separate_offices"):
            self.fields[name].queryset = queryset
        lead_choices = [(o.pk, o.name) for o in ordered]
        if suggested_ids:
            lead_choices = [(_("常承办此类建议的单位"), [(o.pk, o.name) for o in suggested])] + [
                (_("其他单位"), [(o.pk, o.name) for o in ordered if o.pk not in suggested_ids])
            ]
        self.fields["lead_office"].choices = [("", _("请选择"))] + lead_choices
        self.fields["co_offices"].choices = [(o.pk, o.name) for o in ordered]
        self.fields["separate_offices"].choices = [(o.pk, o.name) for o in ordered]
        self.fields["leader"].label_from_instance = str

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == self.MODE_LEAD:
            lead = data.get("lead_office")
            if not lead:
                self.add_error("lead_office", _("请选择主办单位。"))
            elif lead in (data.get("co_offices") or []):
                self.add_error("co_offices", _("主办单位不能同时是协办单位。"))
            data["separate_offices"] = []
        elif mode == self.MODE_SEPARATE:
            if not data.get("separate_offices"):
                self.add_error("separate_offices", _("请至少选择一个分办单位。"))
            data["lead_office"], data["co_offices"] = None, []
        if data.get("is_key") and not data.get("leader"):
            self.add_error("leader", _("重点督办建议须指定领衔督办领导。"))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "lead_office": data.get("lead_office"),
            "co_offices": list(data.get("co_offices") or []),
            "separate_offices": list(data.get("separate_offices") or []),
            "due_date": data.get("due_date"),
            "opinion_due": data.get("opinion_due") if data.get("mode") == self.MODE_LEAD else None,
            "return_by": data.get("return_by"),
            "is_key": bool(data.get("is_key")),
            "leader": data.get("leader") if data.get("is_key") else None,
        }


class BulkAssignForm(AssignForm):
    suggestions = forms.ModelMultipleChoiceField(
        label=_("要交办的建议"),
        queryset=Suggestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请勾选要交办的建议。")},
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].queryset = candidates if candidates is not None else Suggestion.objects.none()


class ReturnApproveForm(StaffForm):
    new_office = OfficeChoiceField(
        label=_("改由单位承办"),
        queryset=Office.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择改由哪个单位承办。")},
    )
    note = forms.CharField(label=_("审核意见"), required=False, max_length=2000, widget=_textarea(2))

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices if offices is not None else Office.objects.filter(is_active=True))
        self.fields["new_office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices])
        self.fields["new_office"].choices = [("", _("请选择"))] + [(o.pk, o.name) for o in offices]


class RefuseForm(StaffForm):
    note = forms.CharField(label=_("不同意的理由"), max_length=2000, widget=_textarea(2))


class ExtensionApproveForm(StaffForm):
    until = forms.DateField(label=_("延至"), widget=_date())
    note = forms.CharField(label=_("审核意见"), required=False, max_length=2000, widget=_textarea(2))


class FollowUpDecisionForm(StaffForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=_textarea(2))


class PublicTextForm(StaffForm):
    """The public versions of everything a publication shows: the suggestion's title and body and the reply."""

    public_title = forms.CharField(
        label=_("建议标题（公开版本）"),
        max_length=200,
        error_messages={"required": _("公开标题不能为空。")},
    )
    public_body = forms.CharField(
        label=_("建议内容（公开版本）"),
        max_length=20000,
        widget=_textarea(10),
        error_messages={"required": _("建议内容的公开版本不能为空。")},
    )
    public_text = forms.CharField(
        label=_("答复内容（公开版本）"),
        max_length=20000,
        widget=_textarea(14),
        help_text=_("删去代表的联系方式、个人隐私、商业秘密等不宜公开的内容。"),
        error_messages={"required": _("公开版本不能为空。")},
    )
    note = forms.CharField(
        label=_("确认非个人信息的说明"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
        help_text=_("勾选上面的号码或地址时，请说明为什么它不是个人信息（如单位热线、公开办公地址）。"),
    )
    early_reason = forms.CharField(
        label=_("代表尚未评价即公开的理由"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
    )


class WithdrawForm(StaffForm):
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=2000,
        widget=_textarea(2),
        help_text=_("代表书面申请撤回时，由工作人员代为登记。"),
    )


class CloseForm(StaffForm):
    note = forms.CharField(label=_("办结说明"), required=False, max_length=2000, widget=_textarea(2))


class KeyForm(StaffForm):
    is_key = forms.BooleanField(label=_("重点督办"), required=False)
    leader = forms.ModelChoiceField(
        label=_("领衔督办领导"), queryset=Leader.objects.all(), required=False, empty_label=_("请选择")
    )

    def clean(self):
        data = super().clean()
        if data.get("is_key") and not data.get("leader"):
            self.add_error("leader", _("重点督办建议须指定领衔督办领导。"))
        return data


class RemindForm(StaffForm):
    assignment = forms.ModelChoiceField(label=_("催办单位"), queryset=None, empty_label=_("请选择"))
    message = forms.CharField(label=_("催办内容"), max_length=500, widget=_textarea(2))

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        from suggestions.models import Assignment

        assignments = list(assignments)
        self.fields["assignment"].queryset = Assignment.objects.filter(pk__in=[a.pk for a in assignments])
        self.fields["assignment"].choices = [("", _("请选择"))] + [
            (a.pk, f"{a.office.name}（{a.get_role_display()}）") for a in assignments
        ]
