"""The public site's pages. Included twice by the root URLconf: at ``/public/`` (namespace ``public``, the
first congress) and at ``/<congress_slug>/public/`` (namespace ``congress_public``, every active congress)."""

from django.urls import path

from suggestions.web import public, public_congresses, public_data

app_name = "public"

urlpatterns = [
    path("", public.outcome_list, name="list"),
    path("outcomes/<int:pk>/", public.outcome_detail, name="detail"),
    path("stats/", public.stats, name="stats"),
    path("offices/<int:pk>/", public.office, name="office"),
    path("congresses/", public_congresses.congresses, name="congresses"),
    path("outcomes.csv", public_data.outcomes_csv, name="csv"),
    path("feed/", public_data.feed, name="feed"),
]
