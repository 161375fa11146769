from django.urls import path

from ..views import public

app_name = "public"

urlpatterns = [
    path("", public.outcome_list, name="list"),
    path("outcomes/<int:pk>/", public.outcome_detail, name="detail"),
    path("stats/", public.stats, name="stats"),
]
