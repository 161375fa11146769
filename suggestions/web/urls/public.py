from django.urls import path

from suggestions.web import public

app_name = "public"

urlpatterns = [
    path("", public.outcome_list, name="list"),
    path("outcomes/<int:pk>/", public.outcome_detail, name="detail"),
    path("stats/", public.stats, name="stats"),
    path("offices/<int:pk>/", public.office, name="office"),
    path("outcomes.csv", public.outcomes_csv, name="csv"),
    path("feed/", public.feed, name="feed"),
]
