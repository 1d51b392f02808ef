import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def create_user(*args, password="ett-bra-losenord-77"):
    call_command("create_user", *args, stdin=io.StringIO(password + "\n"), stdout=io.StringIO())


def test_create_user_with_organisation_and_role():
    create_user("anna", "--org", "kommun:0180", "--role", "editor")
    user = get_user_model().objects.get(username="anna")
    assert user.check_password("ett-bra-losenord-77")
    membership = user.memberships.get()
    assert (membership.organisation.code, membership.role) == ("kommun:0180", "editor")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "kommun:9999", "--role", "editor"], "kommun:9999"),
        (["--org", "kommun:0180", "--role", "chief"], "chief"),
    ],
)
def test_unknown_organisation_or_role_creates_nothing_and_exits_2(args, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        create_user("bertil", *args)
    assert excinfo.value.returncode == 2
    assert not get_user_model().objects.filter(username="bertil").exists()


def test_a_weak_password_is_refused():
    with pytest.raises(CommandError) as excinfo:
        create_user("cecilia", "--org", "region", "--role", "viewer", password="123")
    assert excinfo.value.returncode == 2
    assert not get_user_model().objects.filter(username="cecilia").exists()


def test_create_token_gives_a_working_api_token(client):
    create_user("david", "--org", "region", "--role", "viewer")
    out = io.StringIO()
    call_command("create_token", "david", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user__username="david").key == key
    response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["count"] >= 26 + 19 + 6


def test_api_without_credentials_is_401_as_json(client):
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert "message" in response.json()


def test_login_is_throttled_after_repeated_failures(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = make_user("region", "viewer")
    for _ in range(3):
        response = client.post("/login/", {"username": user.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/login/", {"username": user.username, "password": "pw"})
    assert response.status_code == 200  # refused even with the right password
    assert "För många misslyckade inloggningsförsök" in response.content.decode()


def test_failed_sign_ins_are_in_the_audit_trail(client, make_user):
    from drogscen.audit.models import AuditEntry

    client.post("/login/", {"username": "nobody-here", "password": "wrong"})
    entry = AuditEntry.objects.filter(action="sign_in_failed").latest("sequence")
    assert entry.object_repr == "nobody-here"


def test_attempts_are_counted_before_the_password_is_checked(settings):
    from drogscen.accounts import throttling

    settings.LOGIN_FAILURE_LIMIT = 2
    # Parallel guesses each count at once: the third is refused whatever it holds.
    assert throttling.login_attempt("eva", "10.0.0.9")
    assert throttling.login_attempt("eva", "10.0.0.9")
    assert not throttling.login_attempt("eva", "10.0.0.9")


def test_a_successful_sign_in_clears_the_users_count(settings):
    from drogscen.accounts import throttling

    settings.LOGIN_FAILURE_LIMIT = 2
    throttling.login_attempt("fia", "10.0.0.8")
    throttling.login_succeeded("fia", "10.0.0.8")
    assert throttling.login_attempt("fia", "10.0.0.8")
    assert throttling.login_attempt("fia", "10.0.0.8")


def test_behind_a_trusted_proxy_attempts_count_per_client_not_per_proxy(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    # Different usernames from one client behind the proxy: the client's count trips…
    for name in ["a1", "a2"]:
        client.post(
            "/login/",
            {"username": name, "password": "x"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            **proxy,
        )
    refused = client.post(
        "/login/", {"username": "a3", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert "För många misslyckade inloggningsförsök" in refused.content.decode()
    # …while another client behind the same proxy is not locked out, whatever address it
    # puts in front of the header itself.
    other = client.post(
        "/login/",
        {"username": "b1", "password": "x"},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.20",
        **proxy,
    )
    assert "För många misslyckade inloggningsförsök" not in other.content.decode()


def test_a_piped_password_is_read_from_stdin_without_a_prompt(monkeypatch):
    import os

    def no_prompt(*args, **kwargs):
        raise AssertionError("getpass must not be used when stdin is a pipe")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    read_end, write_end = os.pipe()
    os.write(write_end, b"ett-bra-losenord-77\n")
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as piped:
        monkeypatch.setattr("sys.stdin", piped)
        call_command(
            "create_user", "dora", "--org", "region", "--role", "viewer", stdout=io.StringIO()
        )
    assert get_user_model().objects.get(username="dora").check_password("ett-bra-losenord-77")


class _Terminal(io.StringIO):
    def isatty(self):
        return True

    def readline(self, *args):
        raise AssertionError("a terminal's password is read with getpass, not echoed")


def test_on_a_terminal_the_password_is_asked_without_echo_twice(monkeypatch):
    answers = iter(["ett-bra-losenord-77", "ett-bra-losenord-77"])
    prompts = []
    monkeypatch.setattr(
        "getpass.getpass", lambda prompt="": prompts.append(prompt) or next(answers)
    )
    call_command(
        "create_user",
        "erik",
        "--org",
        "region",
        "--role",
        "viewer",
        stdin=_Terminal(),
        stdout=io.StringIO(),
    )
    assert len(prompts) == 2
    assert get_user_model().objects.get(username="erik").check_password("ett-bra-losenord-77")


def test_on_a_terminal_two_different_passwords_create_nothing(monkeypatch):
    answers = iter(["ett-bra-losenord-77", "ett-annat-losenord-88"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "create_user",
            "frida",
            "--org",
            "region",
            "--role",
            "viewer",
            stdin=_Terminal(),
            stdout=io.StringIO(),
        )
    assert excinfo.value.returncode == 2
    assert not get_user_model().objects.filter(username="frida").exists()
