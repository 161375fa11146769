"""The token page (a normal page of the site, after a full login)."""

from django.urls import path

from api.views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("new/", tokens.token_create, name="create"),
    path("revoke/", tokens.token_revoke, name="revoke"),
]
