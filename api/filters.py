"""The pages' filter sets, with the value types of their method filters spelt out for the OpenAPI schema.

The filtering itself is the pages' own (``suggestions.queries``): these subclasses only add type hints.
"""

from suggestions.queries.filters import SuggestionFilter
from suggestions.queries.public_filters import PublicOutcomeFilter


class ApiSuggestionFilter(SuggestionFilter):
    def filter_office(self, queryset, name, value: str):
        return super().filter_office(queryset, name, value)

    def filter_result(self, queryset, name, value: str):
        return super().filter_result(queryset, name, value)


class ApiOutcomeFilter(PublicOutcomeFilter):
    def filter_office(self, queryset, name, value: str):
        return super().filter_office(queryset, name, value)

    def filter_result(self, queryset, name, value: str):
        return super().filter_result(queryset, name, value)
