from datetime import date

import pytest
from playwright.sync_api import expect

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.models import Edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordination_office_publishes_a_year_from_the_round_page(
    page, sign_in, make_user, scene_factory
):
    scene = scene_factory("R-1", name="Plats vid torget")
    scene_factory("R-2", name="Plats vid stationen", lon=17.9330, lat=59.3900)  # not mapped
    services.mapping_record_approved(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=OPEN_ANSWERS,
        lead_local_police_area=scene.local_police_area,
    )
    sign_in(make_user("samordningskansliet", "editor"))
    page.goto(f"{page.base_url}/omgangar/2024/")
    expect(page.get_by_test_id("approved")).to_have_text("1")
    expect(page.get_by_test_id("missing")).to_have_text("1")

    page.get_by_test_id("close-round").click()
    expect(page.get_by_role("status")).to_be_visible()

    # One scene is missing: publishing asks for a confirmation first.
    page.get_by_test_id("publish-round").click()
    expect(page.locator(".errorlist[role=alert]")).to_be_visible()
    assert not Edition.objects.exists()
    page.locator("input[name=confirm_incomplete]").check()
    page.get_by_test_id("publish-round").click()
    expect(page.get_by_test_id("editions")).to_be_visible()

    edition = Edition.objects.get(year=2024)
    expect(page.get_by_test_id("editions")).to_contain_text(edition.sha256)
    page.get_by_test_id("editions").get_by_role("link", name="1").click()
    expect(page.get_by_test_id("edition-sha256")).to_have_text(edition.sha256)
    expect(page.get_by_test_id("edition-count")).to_have_text("1")

    # The public page now shows the published year.
    page.goto(f"{page.base_url}/oppen-statistik/")
    expect(page.get_by_test_id("public-edition")).to_contain_text("2024")
