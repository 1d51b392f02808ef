"""Outcomes in the browser: the county outcomes page and a scene's outcomes, then an
upload of crime events that changes the scene's figures."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from drogscen.core import geo
from drogscen.outcomes import event_store
from drogscen.outcomes.indicators import recompute_all
from drogscen.outcomes.models import CrimeEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outcomes_pages_and_an_upload_that_changes_the_scene(
    page, sign_in, make_user, scene_factory, tmp_path
):
    scene = scene_factory("U-1", name="Plats med utfall", size_m=60)
    centre = geo.to_sweref(geo.from_geojson(scene.geometry)).centroid
    tz = timezone.get_default_timezone()
    for i, year in enumerate([2024, 2024, 2024, 2025, 2025]):
        CrimeEvent.objects.create(
            source="polisen",
            event_id=f"old-{i}",
            occurred_at=dt.datetime(year, 3, 10 + i, 21, tzinfo=tz),
            crime_code="0372",  # assault outdoors: violent in the shipped code table
            x=centre.x + i,
            y=centre.y,
        )
    event_store.rebuild()
    recompute_all()
    sign_in(make_user("samordningskansliet", "manager"))

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utfall").click()
    goal = page.get_by_test_id("goal-violent")
    expect(goal.locator("svg[role=img]")).to_be_visible()
    # 3 violent crimes in 2024, 2 in 2025 at the county's only scene: −33 %, right way
    expect(page.get_by_test_id("sentence-violent")).to_contain_text("\u221233\u00a0%")
    expect(goal).to_have_class("card goal on-track")

    page.goto(f"{page.base_url}/platser/U-1/")
    outcomes = page.get_by_test_id("outcomes")
    expect(outcomes.get_by_test_id("chart-months").locator("svg")).to_be_visible()
    expect(outcomes.locator('li[data-verdict="right"]').first).to_contain_text("\u221233\u00a0%")

    # two more violent crimes in 2025 arrive in a file
    csv = tmp_path / "brott.csv"
    csv.write_text(
        "event_id,occurred_at,crime_code,x,y\n"
        f"new-1,2025-06-01T22:00,0372,{centre.x:.1f},{centre.y:.1f}\n"
        f"new-2,2025-06-02T22:00,0401,{centre.x:.1f},{centre.y + 5:.1f}\n",
        encoding="utf-8",
    )
    page.goto(f"{page.base_url}/utfall/import/")
    page.locator("input[type=file]").set_input_files(str(csv))
    page.locator("input[name=source]").fill("polisen")
    page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("upload-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("inserted")).to_have_text("2")

    page.goto(f"{page.base_url}/platser/U-1/")
    # now 3 → 4: +33 %, the wrong direction
    expect(page.locator('li[data-verdict="wrong"]').first).to_contain_text("+33\u00a0%")
    row_2025 = page.get_by_test_id("outcome-table-violent").locator("tr", has_text="2025")
    expect(row_2025.locator("td").nth(1)).to_have_text("4")
