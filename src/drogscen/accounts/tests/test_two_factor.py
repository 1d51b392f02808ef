"""Two-factor sign-in: required for managers, police organisations and administrators
(set up at the first sign-in, asked for at every later one), optional for the others;
a wrong code is refused; the API, which authenticates by token, is not held up."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.DROGSCEN_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp waits longer after each wrong code


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    """The app's code now, or `later` steps of 30 s on (a code is good once: the sign-in
    after a set-up in the same half-minute needs the next one, which the device allows)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    client.force_login(user)


@pytest.mark.parametrize(
    ("organisation", "role"),
    [("kommun:0180", "manager"), ("lpo:jarva", "viewer"), ("polisregion", "viewer")],
)
def test_those_who_need_it_set_it_up_before_anything_else(client, make_user, organisation, role):
    user = make_user(organisation, role)
    sign_in(client, user)
    response = client.get("/platser/")
    assert response.url == reverse("two_factor_setup")
    page = client.get(response.url)
    assert 'data-testid="two-factor-secret"' in page.content.decode()
    assert "<svg" in page.content.decode()  # the QR code, inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    right = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert right.url == reverse("dashboards:home")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/platser/").status_code == 200

    # the next sign-in asks for a code before any page
    client.logout()
    sign_in(client, user)
    assert client.get("/platser/").url == reverse("two_factor_verify")
    assert client.post(reverse("two_factor_verify"), {"code": "12"}).status_code == 200
    device.refresh_from_db()
    replayed = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert replayed.status_code == 200  # the code of the set-up is spent
    verified = client.post(reverse("two_factor_verify"), {"code": code_for(device, later=1)})
    assert verified.status_code == 302
    assert client.get("/platser/").status_code == 200


def test_others_are_not_held_up_but_may_set_it_up(client, make_user):
    user = make_user("kommun:0180", "editor")
    sign_in(client, user)
    assert client.get("/platser/").status_code == 200
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    client.logout()
    sign_in(client, user)
    assert client.get("/platser/").url == reverse("two_factor_verify")


def test_the_api_authenticates_by_token_and_is_not_redirected(client, make_user):
    from drogscen.accounts.services import token_create

    user = make_user("lpo:jarva", "manager")
    key = token_create(username=user.username)
    response = client.get("/api/v1/scenes/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200


def test_sign_out_stays_reachable_before_the_second_factor(client, make_user):
    sign_in(client, make_user("lpo:jarva", "manager"))
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_verify_does_not_send_the_user_off_site(client, make_user):
    user = make_user("lpo:jarva", "manager")
    device = TOTPDevice.objects.create(user=user, name="drogscen", confirmed=True)
    sign_in(client, user)
    response = client.post(
        reverse("two_factor_verify") + "?next=https://evil.example/", {"code": code_for(device)}
    )
    assert response.url == reverse("dashboards:home")


def test_wrong_codes_make_the_next_try_wait(client, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    user = make_user("lpo:jarva", "manager")
    device = TOTPDevice.objects.create(user=user, name="drogscen", confirmed=True)
    sign_in(client, user)
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    refused = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert refused.status_code == 200  # even the right code, until the wait is over
