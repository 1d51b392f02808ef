from datetime import date

import pytest
from playwright.sync_api import expect

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.editions import round_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_change_year_and_drill_down_to_a_scene(page, sign_in, make_user, scene_factory):
    city = Organisation.objects.get(code="kommun:0180")
    both = scene_factory("D-1", name="Plats båda åren")
    only_2023 = scene_factory("D-2", name="Plats bara 2023", lon=17.9330, lat=59.3900)
    for scene, year in [(both, 2023), (both, 2024), (only_2023, 2023)]:
        services.mapping_record_approved(
            scene=scene,
            year=year,
            mapped_on=date(year, 11, 1),
            participants=[city],
            answers=OPEN_ANSWERS,
            lead_local_police_area=scene.local_police_area,
        )
    for year in (2023, 2024):  # the goal card counts published years only
        round_publish(year=year, by=None)
    sign_in(make_user("samordningskansliet", "viewer"))

    expect(page.get_by_role("heading", name="Länsbild 2024")).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text("utgåva 1")
    expect(page.get_by_test_id("open-count")).to_have_text("1")
    expect(page.get_by_test_id("goal")).to_contain_text("På rätt väg")
    page.get_by_label("Referensår").select_option("2023")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", name="Länsbild 2023")).to_be_visible()
    expect(page.get_by_test_id("open-count")).to_have_text("2")

    page.get_by_test_id("open-count").click()
    expect(page.get_by_test_id("drill-down")).to_have_text("Öppna drogscener 2023")
    page.get_by_role("link", name="D-2").click()
    expect(page.get_by_role("heading", name="Plats bara 2023")).to_be_visible()


def test_a_police_area_figure_drills_down_to_its_scenes(page, sign_in, make_user, scene_factory):
    city = Organisation.objects.get(code="kommun:0180")
    scene = scene_factory("D-3", name="Plats i Järva")
    services.mapping_record_approved(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 11, 1),
        participants=[city],
        answers=OPEN_ANSWERS,
        lead_local_police_area=scene.local_police_area,
    )
    sign_in(make_user("samordningskansliet", "viewer"))

    page.get_by_role("row", name="Järva").get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", name="LPO Järva 2024")).to_be_visible()
    expect(page.get_by_test_id("area-count")).to_have_text("1")
    expect(page.get_by_test_id("scene-list-count")).to_have_text("1")
    page.get_by_role("link", name="D-3").click()
    expect(page.get_by_role("heading", name="Plats i Järva")).to_be_visible()
