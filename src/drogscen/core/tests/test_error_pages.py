"""The app's own error pages (Swedish first, no stack trace) and the Permissions-Policy
header on every response."""

import pytest
from django.urls import path

from drogscen.config.urls import urlpatterns as project_urls


def broken_view(request):
    raise RuntimeError("database on fire")


urlpatterns = [*project_urls, path("trasig/", broken_view)]


@pytest.mark.django_db
def test_an_unknown_address_gets_the_apps_own_404_page(client, make_user):
    client.force_login(make_user("kommun:0180", "viewer"))
    response = client.get("/platser/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "Sidan finns inte" in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_shows_the_apps_page_without_the_error(client, make_user):
    client.raise_request_exception = False
    client.force_login(make_user("kommun:0180", "viewer"))
    response = client.get("/trasig/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Något gick fel" in html
    assert "database on fire" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_every_response_switches_off_unused_browser_features(client):
    response = client.get("/healthz")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert "script-src 'self'" in client.get("/login/")["Content-Security-Policy"]
