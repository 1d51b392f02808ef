"""Two-factor sign-in in the browser: a police manager signs in with the password, is
asked to set up the authenticator app, enters its code and reaches the county picture;
the next sign-in asks for a code."""

import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.DROGSCEN_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(secret: str, *, later: int = 0) -> str:
    import base64

    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * later
    return f"{totp.token():06d}"


def password_sign_in(page, user):
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill("pw")
    page.get_by_role("button", name="Logga in").click()


def test_a_police_manager_sets_up_and_then_uses_the_second_factor(page, make_user):
    user = make_user("lpo:jarva", "manager")
    password_sign_in(page, user)
    expect(page.get_by_test_id("two-factor-setup")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("two-factor-secret").inner_text()

    page.get_by_label("Kod från appen").fill("123456")
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.locator(".form-errors, .errorlist").first).to_be_visible()
    page.get_by_label("Kod från appen").fill(code(secret))
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_url(f"{page.base_url}/")

    page.get_by_role("button", name="Logga ut").click()
    password_sign_in(page, user)
    expect(page.get_by_test_id("two-factor-verify")).to_be_visible()
    page.goto(f"{page.base_url}/platser/")  # no page before the code
    expect(page.get_by_test_id("two-factor-verify")).to_be_visible()
    page.get_by_label("Kod från appen").fill(code(secret, later=1))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{page.base_url}/")
