"""The filters of the public outcomes list (and of its CSV): search, session, category, office, result, rating.

Filters on related rows are ``EXISTS`` subqueries (``public_selectors.with_*``), so rows are never duplicated.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from delegates.models import Session

from . import public_selectors
from .models import Category, Office, Rating, ResultClass
from .search import apply_text_search

# The only query parameters the public list understands; everything else is ignored (and not cached apart).
PARAMS = ("q", "session", "category", "office", "result", "rating")


class PublicOutcomeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如：小区、停车"), "maxlength": 100}),
    )
    session = django_filters.ModelChoiceFilter(
        label=_("会议"), queryset=Session.objects.order_by("-term__number", "-number"), empty_label=_("全部会议")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.all(), empty_label=_("全部类别")
    )
    office = django_filters.ModelChoiceFilter(
        label=_("承办单位"),
        queryset=Office.objects.filter(is_active=True),
        method="filter_office",
        empty_label=_("全部单位"),
    )
    result = django_filters.ModelChoiceFilter(
        label=_("办理结果"),
        queryset=ResultClass.objects.all(),
        to_field_name="code",
        method="filter_result",
        empty_label=_("全部结果"),
    )
    rating = django_filters.ChoiceFilter(
        label=_("代表评价"), choices=Rating.Value.choices, method="filter_rating", empty_label=_("全部评价")
    )

    def filter_text(self, queryset, name, value):
        return apply_text_search(queryset, value)

    def filter_office(self, queryset, name, value):
        return public_selectors.with_office(queryset, value)

    def filter_result(self, queryset, name, value):
        return public_selectors.with_result_class(queryset, value)

    def filter_rating(self, queryset, name, value):
        return public_selectors.with_rating(queryset, value)


def clean_params(query_dict):
    """The known, non-empty filter parameters, in a fixed order (for links and cache keys)."""
    return [(name, query_dict.get(name, "").strip()[:100]) for name in PARAMS if query_dict.get(name, "").strip()]
