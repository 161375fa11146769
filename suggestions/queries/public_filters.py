"""The filters of the public outcomes list (and of its CSV): search, session, category, office, result, rating.

Filters on related rows are ``EXISTS`` subqueries (``public_list.with_*``), so rows are never duplicated.
"""

import django_filters
from django import forms
from django.db.models import CharField, F, OrderBy, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from delegates.models import Session
from huaxi_renda.cache import cache_get_many, cache_set_many
from huaxi_renda.prepared import Prepared
from suggestions.models import Category, Office, Rating, ResultClass
from suggestions.queries import public_list
from suggestions.queries.public_congress import public_congress
from suggestions.queries.search import apply_text_search, search_terms

# The only query parameters the public list understands; everything else is ignored (and not cached apart).
PARAMS = ("q", "session", "category", "office", "result", "rating")
CHOICES_TIMEOUT = 5 * 60


def _session_choices(congress):
    sessions = Session.objects.filter(congress=congress).order_by("-term__number", "-number").values_list("pk", "name")
    return [(str(pk), name) for pk, name in sessions]


def _category_choices(congress):
    return [(str(pk), name) for pk, name in Category.objects.filter(congress=congress).values_list("pk", "name")]


def _office_choices(congress):
    offices = Office.objects.filter(congress=congress, is_active=True).values_list("pk", "name")
    return [(str(pk), name) for pk, name in offices]


def _result_choices(congress):
    classes = ResultClass.objects.filter(congress=congress).values_list("code", "name")
    return [(code, f"{code} {name}") for code, name in classes]


MENUS = {
    "session": _session_choices,
    "category": _category_choices,
    "office": _office_choices,
    "result": _result_choices,
}


# Each menu's rows as (menu, position, value, name), in the order ``MENUS`` gives them: the four read in one
# statement (``UNION ALL``) when none is cached, as with every cache empty.
_MENU_ROWS = {
    "session": (Session, ("-term__number", "-number"), "pk", "name"),
    "category": (Category, ("order", "name"), "pk", "name"),
    "office": (Office, ("order", "name"), "pk", "name"),
    "result": (ResultClass, ("order", "code"), "code", "name"),
}


def _menu_rows(*, congress_id):
    parts = []
    for menu, (model, order, value, name) in _MENU_ROWS.items():
        rows = model.objects.filter(congress_id=congress_id)
        if model is Office:
            rows = rows.filter(is_active=True)
        parts.append(
            rows.order_by()
            .annotate(
                menu=Value(menu),
                position=Window(
                    RowNumber(), order_by=[OrderBy(F(f.lstrip("-")), descending=f[0] == "-") for f in order]
                ),
                value=Cast(value, CharField()),
                label=F(name),
            )
            .values_list("menu", "position", "value", "label")
        )
    return parts[0].union(*parts[1:], all=True)


# Compiled once per process (``huaxi_renda.prepared``): four subqueries with a window each.
_prepared_menu_rows = Prepared(_menu_rows)


def _all_menus(congress):
    """``{menu: choices}`` of every menu, in one statement."""
    rows = sorted(_prepared_menu_rows(congress_id=congress.pk), key=lambda row: (row[0], row[1]))
    choices = {menu: [] for menu in MENUS}
    for menu, _position, value, label in rows:
        choices[menu].append((value, f"{value} {label}" if menu == "result" else label))
    return choices


def menu_choices(congress):
    """Every menu's choices of ``congress``: reference data, cached a few minutes and read in one cache
    round trip (no query on a warm page, even a cold list; one for all four when none is cached)."""
    keys = {name: f"public:choices:{congress.pk}:{name}:{get_language()}" for name in MENUS}
    found = cache_get_many(list(keys.values()), message="Menu choices cache unavailable")
    every = _all_menus(congress) if not any(found.get(key) is not None for key in keys.values()) else None
    choices, missing = {}, {}
    for name, build in MENUS.items():
        hit = found.get(keys[name])
        if hit is None:
            hit = missing[keys[name]] = every[name] if every is not None else build(congress)
        choices[name] = hit
    if missing:
        cache_set_many(missing, CHOICES_TIMEOUT, message="Could not cache the menu choices")
    return choices


class PublicOutcomeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如：小区、停车"), "maxlength": 100}),
    )
    session = django_filters.ChoiceFilter(
        label=_("会议"), choices=[], field_name="session_id", empty_label=_("全部会议")
    )
    category = django_filters.ChoiceFilter(
        label=_("类别"), choices=[], field_name="category_id", empty_label=_("全部类别")
    )
    office = django_filters.ChoiceFilter(
        label=_("承办单位"), choices=[], method="filter_office", empty_label=_("全部单位")
    )
    result = django_filters.ChoiceFilter(
        label=_("办理结果"), choices=[], method="filter_result", empty_label=_("全部结果")
    )
    rating = django_filters.ChoiceFilter(
        label=_("代表评价"), choices=Rating.Value.choices, method="filter_rating", empty_label=_("全部评价")
    )

    def __init__(self, *args, congress=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The menus offer the congress's own sessions, categories, offices and result classes; a value of
        # another congress is not a choice (a form error), and the rows are the congress's anyway.
        self.congress = congress or public_congress()
        for name, choices in menu_choices(self.congress).items():  # read when the form is built, not at import
            self.filters[name].extra["choices"] = choices
            # A form field built earlier (the API schema reads the class's filters) holds yesterday's choices.
            self.filters[name].__dict__.pop("_field", None)

    def filter_text(self, queryset, name, value):
        # The reviewed public versions only: a phone number in the delegate's own text finds nothing.
        return apply_text_search(queryset, value, fields=("public_title", "public_body"))

    def filter_office(self, queryset, name, value):
        return public_list.with_office(queryset, value)

    def filter_result(self, queryset, name, value):
        return public_list.with_result_class(queryset, value)

    def filter_rating(self, queryset, name, value):
        return public_list.with_rating(queryset, value)


def clean_params(query_dict):
    """The known, non-empty filter parameters, in a fixed order (for links and cache keys).

    A search of punctuation or spaces only is no search: not counted as one, nor kept in links.
    """
    params = [(name, query_dict.get(name, "").strip()[:100]) for name in PARAMS]
    return [(name, value) for name, value in params if value and (name != "q" or search_terms(value))]
