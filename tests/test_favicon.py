"""The site has an icon: /favicon.ico answers, and every page links the vendored static file."""

import pytest
from django.contrib.staticfiles import finders


def test_the_favicon_is_a_vendored_icon_file():
    path = finders.find("favicon.ico")
    assert path, "static/favicon.ico is missing"
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_static_icon_and_pages_link_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    for url in ("/public/", "/accounts/login/"):
        assert '<link rel="icon" href="/static/favicon.ico"' in client.get(url).content.decode(), url
