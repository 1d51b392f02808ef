"""Sessions end after SESSION_COOKIE_AGE without a request; while used, the expiry moves
on at most once a minute (a page does not write the session table on every request)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from drogscen.core.middleware import IdleSessionMiddleware
from drogscen.core.testing import get_with_queries

pytestmark = pytest.mark.django_db


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_an_idle_session_is_signed_out(client, make_user, settings):
    client.force_login(make_user("kommun:0180", "viewer"))
    assert client.get("/platser/").status_code == 200
    expires = stored(client).expire_date
    assert (
        timedelta(minutes=29)
        < expires - timezone.now()
        <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    Session.objects.filter(pk=stored(client).pk).update(expire_date=timezone.now() - timedelta(1))
    response = client.get("/platser/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_used_session_moves_its_expiry_on_once_a_minute(client, make_user, monkeypatch):
    client.force_login(make_user("kommun:0180", "viewer"))
    client.get("/platser/")
    first = stored(client).expire_date
    _response, queries = get_with_queries(client, "/platser/")
    assert not any(
        "django_session" in q and q.lstrip().upper().startswith("UPDATE") for q in queries
    )
    assert stored(client).expire_date == first
    monkeypatch.setattr(IdleSessionMiddleware, "REFRESH_SECONDS", 0)
    client.get("/platser/")
    assert stored(client).expire_date > first
