from django.urls import path

from . import roster_views

app_name = "roster"

urlpatterns = [
    path("", roster_views.home, name="home"),
    path("accounts/", roster_views.activations, name="activations"),
    path("accounts/links/", roster_views.links, name="links"),
    path("accounts/links/send/", roster_views.links_send, name="links_send"),
]
