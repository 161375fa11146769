from django.urls import path

from . import roster_views

app_name = "roster"

urlpatterns = [
    path("", roster_views.home, name="home"),
    path("import/<slug:kind>/", roster_views.import_upload, name="import"),
    path("import/<slug:kind>/confirm/", roster_views.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/template.xlsx", roster_views.import_template, name="import_template"),
    path("accounts/", roster_views.activations, name="activations"),
    path("accounts/links/", roster_views.links, name="links"),
    path("accounts/links/send/", roster_views.links_send, name="links_send"),
]
