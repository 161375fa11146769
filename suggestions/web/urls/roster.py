from django.urls import path

from suggestions.web import roster

app_name = "roster"

urlpatterns = [
    path("", roster.home, name="home"),
    path("import/<slug:kind>/", roster.import_upload, name="import"),
    path("import/<slug:kind>/confirm/", roster.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/template.xlsx", roster.import_template, name="import_template"),
    path("accounts/", roster.activations, name="activations"),
    path("accounts/links/", roster.links, name="links"),
    path("accounts/links/send/", roster.links_send, name="links_send"),
]
