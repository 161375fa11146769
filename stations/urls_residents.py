"""The residents' pages (no account): the form a QR code opens, and tracking."""

from django.urls import path

from stations.web import resident

app_name = "residents"

urlpatterns = [
    path("o/<str:code>/", resident.scan, name="scan"),
    path("o/<str:code>/form/", resident.opinion_form, name="form"),
    path("track/", resident.track_lookup, name="lookup"),
    path("track/<str:code>/", resident.track, name="track"),
    path("track/<str:code>/add/", resident.track_add, name="add"),
    path("track/<str:code>/rate/", resident.track_rate, name="rate"),
    path("track/<str:code>/withdraw/", resident.track_withdraw, name="withdraw"),
]
