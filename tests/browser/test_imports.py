"""The web upload of the import pipeline in the browser: from the navigation to the kind's
form, a dry run, the import itself, and a refused file with its problems."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scenes_file(path, *, lpo="Järva"):
    feature = {
        "type": "Feature",
        "properties": {
            "ref": "WEB-1",
            "name": "Torget vid stationen",
            "lpo": lpo,
            "identified_on": "2025-01-10",
        },
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[17.94, 59.40], [17.95, 59.40], [17.95, 59.405], [17.94, 59.405], [17.94, 59.40]]
            ],
        },
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    return path


def test_scenes_are_checked_then_imported_from_the_upload_page(page, sign_in, make_user, tmp_path):
    sign_in(make_user("lpo:jarva", "editor"))
    page.get_by_test_id("nav-imports").click()
    page.get_by_test_id("import-kind-scenes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Platser")

    path = scenes_file(tmp_path / "platser.geojson")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_label("Kontrollera bara filen").check()
    page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("upload-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("import-dry-run")).to_be_visible()
    expect(page.get_by_test_id("created")).to_have_text("1")

    assert page.goto(f"{page.base_url}/platser/WEB-1/").status == 404  # nothing was saved

    page.goto(f"{page.base_url}/importera/scenes/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("upload-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("created")).to_have_text("1")
    page.goto(f"{page.base_url}/platser/WEB-1/")
    expect(page.locator("h1")).to_contain_text("Torget vid stationen")

    # the earlier uploads are listed with the kind's form
    page.goto(f"{page.base_url}/importera/scenes/")
    expect(page.get_by_test_id("uploads").locator("tbody tr")).to_have_count(2)


def test_a_refused_file_lists_its_problems_on_the_status_page(page, sign_in, make_user, tmp_path):
    sign_in(make_user("lpo:jarva", "editor"))
    page.goto(f"{page.base_url}/importera/scenes/")
    path = scenes_file(tmp_path / "fel.geojson", lpo="Järvaa")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("upload-status")).to_have_attribute("data-status", "failed")
    problems = page.get_by_test_id("upload-problems")
    expect(problems).to_contain_text("fel.geojson, objekt 1 (referens WEB-1), lpo")
    expect(problems).to_contain_text("Järva")  # the "did you mean" hint
