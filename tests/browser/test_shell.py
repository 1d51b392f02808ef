import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_users(reference_data):
    """The demo users of `drogscen demo` (password drogscen-demo), as the README names them."""
    from drogscen.accounts.demo import demo_users_ensure

    demo_users_ensure()


def test_sign_in_see_the_swedish_shell_and_switch_to_english(page, sign_in, demo_users):
    from django.contrib.auth import get_user_model

    # The City of Stockholm's case officer, an editor, with the password the README gives.
    sign_in(get_user_model().objects.get(username="stockholm-handlaggare"), "drogscen-demo")

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    for item in ["Länsbild", "Platser", "Kartläggningar", "Insatser", "Utfall"]:
        expect(nav.get_by_role("link", name=item)).to_be_visible()
    expect(page.get_by_test_id("who")).to_contain_text("Stockholm kommun · redaktör")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="County picture")).to_be_visible()
    expect(page.get_by_test_id("who")).to_contain_text("Stockholm kommun · editor")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_keyboard_users_can_skip_to_the_content(page, sign_in, make_user):
    sign_in(make_user("region", "viewer"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_wrong_password_is_refused_with_a_message(page, make_user):
    user = make_user("region", "viewer")
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{page.base_url}/login/")
