import re

import pytest
from playwright.sync_api import expect

from drogscen.accounts.models import Membership, Organisation
from drogscen.scenes.models import Scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draw_a_scene_see_it_on_the_map_and_in_the_list(page, sign_in, make_user):
    # An editor of two local police areas: the form cannot guess the area before drawing.
    editor = make_user("lpo:jarva", "editor")
    Membership.objects.create(
        user=editor,
        organisation=Organisation.objects.get(code="lpo:norra-innerstaden"),
        role="editor",
    )
    sign_in(editor)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Platser").click()
    page.get_by_role("link", name="Registrera en plats").click()

    page.get_by_label("Referens").fill("B-1")
    page.get_by_label("Namn").fill("Plats vid torget")
    page.get_by_label("Identifierad").fill("2024-09-01")
    the_map = page.locator("[data-scene-map]")
    expect(the_map).to_have_attribute("data-ready", "true")
    box = the_map.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-6, -6), (6, -6), (6, 6), (-6, 6)]:  # about 900 m × 900 m at zoom 10
        page.mouse.click(x + dx, y + dy)
    police_area = page.get_by_label("Lokalpolisområde")
    expect(police_area).to_have_value("")
    page.get_by_test_id("finish-area").click()
    # Suggested from where the area lies (the middle of the city), said next to the field.
    expect(police_area).to_have_value("norra-innerstaden")
    expect(page.get_by_test_id("lpo-suggested")).to_have_text(
        re.compile("Föreslaget utifrån platsens läge|Suggested from where the scene lies")
    )
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", name="Plats vid torget")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("registrerades")
    scene = Scene.objects.get(ref="B-1")
    assert scene.municipality.code == "0180" and scene.area_m2 > 100
    assert scene.local_police_area.slug == "norra-innerstaden"

    page.get_by_role("link", name="Alla platser").click()
    expect(page.get_by_role("cell", name="B-1")).to_be_visible()
    page.get_by_role("link", name="Visa på kartan").click()
    the_map = page.locator("[data-scene-map]")
    expect(the_map).to_have_attribute("data-scene-count", "1")
    expect(the_map.locator("path.leaflet-interactive")).to_have_count(1)


def test_another_municipality_gets_404_for_the_scene(page, sign_in, make_user, scene_factory):
    scene_factory("B-2", name="Plats i Järva")
    sign_in(make_user("kommun:0184", "editor"))
    response = page.goto(f"{page.base_url}/platser/B-2/")
    assert response.status == 404
    page.goto(f"{page.base_url}/platser/")
    expect(page.get_by_text("Inga platser matchar.")).to_be_visible()
