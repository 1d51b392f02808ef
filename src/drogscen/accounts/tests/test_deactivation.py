"""Deactivating an account (the admin's "active" box) ends its sessions and its API
token at once: the next page sends it to sign in, the next API call is refused."""

import pytest

from drogscen.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_a_deactivated_account_loses_its_session_and_token_at_once(client, make_user):
    user = make_user("lpo:jarva", "editor")
    key = token_create(username=user.username)
    client.force_login(user)
    assert client.get("/platser/").status_code == 200
    api = {"Authorization": f"Token {key}"}
    assert client.get("/api/v1/scenes/", headers=api).status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    page = client.get("/platser/")
    assert page.status_code == 302 and page.url.startswith("/login/")
    client.logout()
    assert client.get("/api/v1/scenes/", headers=api).status_code == 401


def test_a_changed_password_ends_the_other_sessions(client, make_user):
    user = make_user("lpo:jarva", "editor")
    client.force_login(user)
    assert client.get("/platser/").status_code == 200
    user.set_password("a-new-long-password")
    user.save()
    page = client.get("/platser/")
    assert page.status_code == 302 and page.url.startswith("/login/")
