"""django-filter FilterSets for staff lists.

``SuggestionFilter(data, queryset=..., request=...)`` is shared by the track
list and the Excel export of a filtered list: both read ``.qs``. Every filter on
related rows is an ``EXISTS`` subquery, so rows are never duplicated and the
row count stays exact for pagination.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegates.models import Session
from suggestions.models import Assignment, Category, CoSigner, Office, Rating, Reply, ResultClass, Suggestion
from suggestions.queries.search import apply_text_search
from suggestions.queries.selectors import LIVE_ASSIGNMENT

A = Assignment.Status
YES_NO = [("1", _("是")), ("0", _("否"))]
# Statuses staff follow; drafts belong to the delegate until filed.
TRACKED_STATUSES = [(value, label) for value, label in Suggestion.Status.choices if value != Suggestion.Status.DRAFT]


def open_assignments():
    """Assignments still owing something (sign, reply or re-handling)."""
    return Assignment.objects.filter(status__in=Assignment.ACTIVE)


def annotate_next_due(queryset):
    """``next_due``: the earliest deadline among the suggestion's open assignments (NULL when none)."""
    earliest = (
        open_assignments()
        .filter(suggestion=OuterRef("pk"))
        .annotate(effective=Assignment.effective_due_expression())
        .order_by("effective")
        .values("effective")[:1]
    )
    return queryset.annotate(next_due=Subquery(earliest))


class SuggestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("标题、内容或编号")}),
    )
    session = django_filters.ModelChoiceFilter(
        label=_("会议"), queryset=Session.objects.select_related("term"), empty_label=_("全部会议")
    )
    series = django_filters.ChoiceFilter(label=_("提出时间"), choices=Suggestion.Series.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TRACKED_STATUSES, empty_label=_("全部状态"))
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.all(), empty_label=_("全部类别")
    )
    office = django_filters.ModelChoiceFilter(
        label=_("承办单位"),
        queryset=Office.objects.filter(is_active=True),
        empty_label=_("全部单位"),
        method="filter_office",
    )
    role = django_filters.ChoiceFilter(
        label=_("承办方式"), choices=Assignment.Role.choices, empty_label=_("全部方式"), method="filter_role"
    )
    result_class = django_filters.ModelChoiceFilter(
        label=_("办理结果"), queryset=ResultClass.objects.all(), empty_label=_("全部结果"), method="filter_result"
    )
    rating = django_filters.ChoiceFilter(
        label=_("代表评价"), choices=Rating.Value.choices, empty_label=_("全部评价"), method="filter_rating"
    )
    is_key = django_filters.ChoiceFilter(
        label=_("重点督办"), choices=YES_NO, empty_label=_("全部"), method="filter_key"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("是否逾期"), choices=YES_NO, empty_label=_("全部"), method="filter_overdue"
    )
    due_within = django_filters.NumberFilter(
        label=_("几天内到期"),
        method="filter_due_within",
        widget=forms.NumberInput(attrs={"min": 0, "max": 366, "inputmode": "numeric"}),
    )
    delegate = django_filters.CharFilter(label=_("代表姓名"), method="filter_delegate")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("number", "number"),
            ("title", "title"),
            ("submitted_at", "submitted"),
            ("status", "status"),
            ("category__order", "category"),
            ("lead_delegate__name", "delegate"),
            ("next_due", "due"),
        ),
        field_labels={
            "number": _("编号"),
            "title": _("标题"),
            "submitted": _("提交时间"),
            "status": _("状态"),
            "category": _("类别"),
            "delegate": _("领衔代表"),
            "due": _("答复期限"),
        },
    )

    class Meta:
        model = Suggestion
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, congress_id=None):
        """Rows and choices of one congress: ``congress_id``, else the requesting actor's (none without either)."""
        if congress_id is None and getattr(request, "user", None) is not None:
            from suggestions.actor import actor_of

            congress_id = actor_of(request).congress_id
        if queryset is None:
            queryset = Suggestion.objects.exclude(status=Suggestion.Status.DRAFT)
        queryset = queryset.filter(congress_id=congress_id)
        super().__init__(data, queryset=annotate_next_due(queryset), request=request, prefix=prefix)
        self.congress_id = congress_id
        for name, field_name in (
            ("session", "congress_id"),
            ("category", "congress_id"),
            ("office", "congress_id"),
            ("result_class", "congress_id"),
        ):
            field = self.filters[name]
            field.queryset = field.queryset.filter(**{field_name: congress_id})

    @property
    def qs(self):
        qs = super().qs
        # A stable order (the pk last) so pagination never shows a row twice.
        ordering = list(qs.query.order_by) or [F("submitted_at").desc(nulls_last=True)]
        return qs.order_by(*ordering, "-pk")

    @property
    def form(self):
        form = super().form
        form.label_suffix = ""
        return form

    def _today(self):
        return timezone.localdate()

    def filter_text(self, queryset, name, value):
        return apply_text_search(queryset, value)

    def filter_office(self, queryset, name, value):
        if not value:
            return queryset
        role = self.form.cleaned_data.get("role")
        assignments = Assignment.objects.filter(LIVE_ASSIGNMENT, suggestion=OuterRef("pk"), office=value)
        if role:
            assignments = assignments.filter(role=role)
        return queryset.filter(Exists(assignments))

    def filter_role(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("office"):
            return queryset  # combined with the office in filter_office
        return queryset.filter(
            Exists(Assignment.objects.filter(LIVE_ASSIGNMENT, suggestion=OuterRef("pk"), role=value))
        )

    def filter_result(self, queryset, name, value):
        if not value:
            return queryset
        replies = Reply.objects.filter(
            suggestion=OuterRef("pk"),
            status=Reply.Status.SUBMITTED,
            result_class=value,
            round__number=OuterRef("current_round"),
        )
        return queryset.filter(Exists(replies))

    def filter_rating(self, queryset, name, value):
        if not value:
            return queryset
        ratings = Rating.objects.filter(suggestion=OuterRef("pk"), value=value, round__number=OuterRef("current_round"))
        return queryset.filter(Exists(ratings))

    def filter_key(self, queryset, name, value):
        if value not in ("0", "1"):
            return queryset
        return queryset.filter(is_key=value == "1")

    def _overdue_assignments(self):
        return (
            open_assignments()
            .annotate(effective=Assignment.effective_due_expression())
            .filter(suggestion=OuterRef("pk"), effective__lt=self._today())
        )

    def filter_overdue(self, queryset, name, value):
        if value == "1":
            return queryset.filter(Exists(self._overdue_assignments()))
        if value == "0":
            return queryset.exclude(Exists(self._overdue_assignments()))
        return queryset

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        days = max(0, min(int(value), 366))
        today = self._today()
        due = (
            open_assignments()
            .annotate(effective=Assignment.effective_due_expression())
            .filter(
                suggestion=OuterRef("pk"), effective__gte=today, effective__lte=today + datetime.timedelta(days=days)
            )
        )
        return queryset.filter(Exists(due))

    def filter_delegate(self, queryset, name, value):
        value = (value or "").strip()[:50]
        if not value:
            return queryset
        cosigned = CoSigner.objects.filter(
            suggestion=OuterRef("pk"), status=CoSigner.Status.CONFIRMED, delegate__name__icontains=value
        )
        return queryset.filter(Q(lead_delegate__name__icontains=value) | Exists(cosigned))
