from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.models import Mapping
from drogscen.mappings.tests.factories import FORM, OPEN_ANSWERS

pytestmark = pytest.mark.django_db


def test_an_lpo_editor_fills_in_the_form(client, make_user, scene_factory):
    scene = scene_factory("F-1")
    client.force_login(make_user("lpo:jarva", "editor"))
    page = client.get(f"/kartlaggningar/ny/{scene.ref}/?year=2024").content.decode()
    assert "Vilka av definitionens kriterier" in page
    assert 'value="yes" checked' in page.replace("\n", " ") or "checked" in page
    response = client.post(f"/kartlaggningar/ny/{scene.ref}/", FORM)
    mapping = Mapping.objects.get(scene=scene)
    assert response.status_code == 302 and response.url == f"/kartlaggningar/{mapping.pk}/"
    assert mapping.is_open and mapping.answers["main_substance"] == "cannabis"
    assert list(mapping.participants.values_list("code", flat=True)) == ["kommun:0180"]


def test_answers_to_questions_that_do_not_apply_are_dropped(client, make_user, scene_factory):
    scene = scene_factory("F-2")
    client.force_login(make_user("lpo:jarva", "editor"))
    client.post(
        f"/kartlaggningar/ny/{scene.ref}/",
        {**FORM, "criteria": ["persistent", "perceived_problematic"]},
    )
    mapping = Mapping.objects.get(scene=scene)
    assert not mapping.is_open
    assert "sellers_origin" not in mapping.answers


def test_the_form_refuses_personal_data_next_to_the_field(client, make_user, scene_factory):
    scene = scene_factory("F-3")
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.post(
        f"/kartlaggningar/ny/{scene.ref}/", {**FORM, "overall_assessment": "Ring 070-123 45 67"}
    )
    assert response.status_code == 200
    assert "telefonnummer" in response.content.decode()
    assert not Mapping.objects.filter(scene=scene).exists()


def test_relevance_is_decided_live_on_the_server(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    closed = client.post(
        "/kartlaggningar/fragor/",
        {
            "year": "2024",
            "criteria": ["persistent"],
            "criteria__shown": "True",
        },
    ).json()["relevant"]
    opened = client.post(
        "/kartlaggningar/fragor/",
        {
            "year": "2024",
            "criteria": ["public_sale"],
            "criteria__shown": "True",
        },
    ).json()["relevant"]
    assert "sellers_origin" not in closed and "sellers_origin" in opened
    assert "criteria" in closed and "overall_assessment" in closed


def test_the_list_filters_by_year_and_status(client, make_user, scene_factory):
    scene = scene_factory("F-4")
    services.mapping_create(
        scene=scene, year=2024, mapped_on=date(2024, 11, 5), participants=[], answers=OPEN_ANSWERS
    )
    client.force_login(make_user("lpo:jarva", "viewer"))
    assert "F-4" in client.get("/kartlaggningar/", {"year": 2024}).content.decode()
    assert "F-4" not in client.get("/kartlaggningar/", {"year": 2023}).content.decode()
    assert "F-4" not in client.get("/kartlaggningar/", {"status": "approved"}).content.decode()


def test_compliance_flags_a_scene_open_last_year_without_a_mapping(
    client, make_user, scene_factory
):
    flagged = scene_factory("F-5")
    mapped = scene_factory("F-6", lon=17.9320, lat=59.3900)
    city = Organisation.objects.get(code="kommun:0180")
    for scene, year in [(flagged, 2023), (mapped, 2023), (mapped, 2024)]:
        services.mapping_record_approved(
            scene=scene,
            year=year,
            mapped_on=date(year, 11, 1),
            participants=[city],
            answers=OPEN_ANSWERS,
            lead_local_police_area=scene.local_police_area,
        )
    client.force_login(make_user("lpo:jarva", "viewer"))
    page = client.get("/kartlaggningar/uppfoljning/", {"year": 2024}).content.decode()
    flagged_part = page.split("Öppen förra året")[1].split("</ul>")[0]
    assert "F-5" in flagged_part and "F-6" not in flagged_part
    assert "försenad" in page  # the 2024 deadline has passed


def test_the_scene_timeline_shows_what_changed(client, make_user, scene_factory):
    scene = scene_factory("F-7")
    for year, substance in [(2023, "cannabis"), (2024, "cocaine")]:
        services.mapping_record_approved(
            scene=scene,
            year=year,
            mapped_on=date(year, 11, 1),
            participants=[],
            answers={**OPEN_ANSWERS, "main_substance": substance},
            lead_local_police_area=scene.local_police_area,
        )
    client.force_login(make_user("kommun:0180", "viewer"))
    page = client.get(f"/platser/{scene.ref}/").content.decode()
    assert "Cannabis" in page and "Kokain" in page and "→" in page
