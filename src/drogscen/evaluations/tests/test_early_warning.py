"""Candidate places in the county: found, scoped, dismissed, turned into scenes, exported."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from drogscen.core import geo
from drogscen.evaluations import early_warning
from drogscen.evaluations.models import Candidate
from drogscen.evaluations.tests.factories import AT_SCENE, EMERGING, plant_events
from drogscen.outcomes.models import CrimeEvent
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_other_events(db):
    """A module-scoped demo county of another test module leaves its events and
    candidates in the database; this test's own data only (rolled back afterwards)."""
    CrimeEvent.objects.all().delete()
    Candidate.objects.all().delete()


@pytest.fixture
def found(scene_factory):
    scene_factory("W-1", lon=AT_SCENE[0], lat=AT_SCENE[1])
    plant_events()
    return early_warning.candidates_compute(
        period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)
    )


def test_the_emerging_place_is_found_and_the_known_scene_is_not(found):
    assert len(found) == 1
    candidate = found[0]
    lon, lat = geo.project_xy(
        [candidate.centre_x], [candidate.centre_y], source=geo.SWEREF99TM, target=geo.WGS84
    )
    assert abs(lon[0] - EMERGING[0]) < 0.005 and abs(lat[0] - EMERGING[1]) < 0.003
    assert candidate.events >= 50
    assert candidate.violent + candidate.drug == candidate.events
    assert candidate.previous_events == 0
    assert candidate.municipality.code == "0180"
    assert candidate.local_police_area.slug == "jarva"


def test_recomputing_replaces_open_candidates_and_keeps_decisions(found, make_user):
    early_warning.candidate_dismiss(candidate=found[0], reason="Känd händelse", by=None)
    again = early_warning.candidates_compute(
        period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)
    )
    assert again == []  # the dismissed place is not proposed again
    assert Candidate.objects.get().status == "dismissed"


def test_the_page_is_scoped_to_the_area(found, client, make_user):
    url = reverse("evaluations:early_warning")
    client.force_login(make_user("lpo:jarva", "viewer"))
    assert found[0].pk in [c.pk for c in client.get(url).context["candidates"]]
    client.force_login(make_user("kommun:0184", "editor"))  # Solna
    assert client.get(url).context["candidates"] == []
    client.force_login(make_user("region", "editor"))
    assert client.get(url).status_code == 404
    data = client.get(reverse("evaluations:early_warning_data"))
    assert data.status_code == 404


def test_dismiss_needs_a_reason_and_the_area(found, client, make_user):
    candidate = found[0]
    url = reverse("evaluations:candidate_dismiss", args=[candidate.pk])
    client.force_login(make_user("lpo:sodermalm", "editor"))
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(make_user("lpo:jarva", "viewer"))
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(make_user("lpo:jarva", "editor"))
    with translation.override("en"):
        response = client.post(url, {"reason": " "})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"reason": "Tillfällig händelse vid en fest"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "dismissed" and candidate.reason.startswith("Tillfällig")
    assert client.get(url).status_code == 404  # decided: no second decision


def test_convert_registers_a_scene_with_the_cells(found, client, make_user):
    candidate = found[0]
    url = reverse("evaluations:candidate_convert", args=[candidate.pk])
    client.force_login(make_user("kommun:0180", "editor"))
    assert client.get(url).status_code == 404  # municipalities do not register scenes
    client.force_login(make_user("lpo:jarva", "editor"))
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "ref": "P-NY-1",
            "name": "Ny plats",
            "local_police_area": "jarva",
            "identified_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    scene = Scene.objects.get(ref="P-NY-1")
    assert response["Location"] == reverse("scenes:edit", args=[scene.ref])
    candidate.refresh_from_db()
    assert candidate.status == "converted" and candidate.scene == scene
    assert scene.area_m2 == pytest.approx(candidate.cells * 250 * 250, rel=0.02)


def test_the_command_exports_rfc7946_geojson(scene_factory, tmp_path):
    scene_factory("W-1", lon=AT_SCENE[0], lat=AT_SCENE[1])
    plant_events()
    out = tmp_path / "kandidater.geojson"
    call_command("hotspots", "--year", "2024", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    lon, lat = (
        feature["geometry"]["coordinates"][0][0][:2]
        if feature["geometry"]["type"] == "Polygon"
        else feature["geometry"]["coordinates"][0][0][0][:2]
    )
    assert 17 < lon < 19 and 59 < lat < 60  # WGS84 longitude, latitude
    assert feature["properties"]["events"] >= 50


def test_the_command_refuses_bad_input(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        call_command("hotspots", "--year", "2024", "--cell", "10", "--out", str(tmp_path / "x"))
    assert exit_.value.code == 2


def test_running_the_analysis_tells_a_police_area_only_of_its_own_candidates(
    make_user, scene_factory
):
    from django.conf import settings
    from django.contrib.messages import get_messages
    from django.test import Client

    scene_factory("W-1", lon=AT_SCENE[0], lat=AT_SCENE[1])
    plant_events()

    def run(user):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        response = client.post(
            reverse("evaluations:early_warning_run"), {"year": 2024, "cell_m": 250}
        )
        assert response.status_code == 302
        return [str(m) for m in get_messages(response.wsgi_request)]

    # The emerging place lies in Järva: Solna is not told that it exists.
    assert run(make_user("lpo:solna", "editor")) == [
        "The analysis found 0 candidate places in your areas."
    ]
    assert run(make_user("lpo:jarva", "editor")) == [
        "The analysis found 1 candidate places in your areas."
    ]
    assert run(make_user("samordningskansliet", "editor")) == [
        "The analysis found 1 candidate places in the county."
    ]
