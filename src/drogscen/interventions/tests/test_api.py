from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Method
from drogscen.interventions.services import intervention_create, progress_report, target_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(scene_factory):
    city = Organisation.objects.get(code="kommun:0180")
    patrol = Method.objects.get(code="hot_spot_patrol")
    at_scene = intervention_create(
        organisation=city,
        title="Helgpatrullering",
        methods=[patrol],
        scenes=[scene_factory("API-1")],
        starts_on=date(2024, 1, 1),
        status="ongoing",
    )
    target = target_add(
        intervention=at_scene,
        description="Helger med insats",
        unit="helger",
        planned_quantity=40,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
    )
    for period, done in [(date(2024, 1, 1), 10), (date(2024, 4, 1), 21)]:
        progress_report(target=target, period=period, actual_quantity=done)
    city_wide = intervention_create(
        organisation=city,
        title="Stadsövergripande",
        methods=[patrol],
        municipality=Municipality.objects.get(code="0180"),
        starts_on=date(2024, 1, 1),
    )
    return at_scene, city_wide


def test_targets_with_progress_and_scoped_scenes(client, make_user, work):
    at_scene, _ = work
    client.force_login(make_user("kommun:0180", "viewer"))
    data = client.get(f"/api/v1/interventions/{at_scene.pk}/").json()
    assert data["methods"] == ["hot_spot_patrol"] and data["scenes"] == ["API-1"]
    (target,) = data["targets"]
    assert (target["planned_quantity"], target["done"], target["share_done"]) == (40, 31, 0.775)


def test_another_municipality_sees_neither(client, make_user, work):
    at_scene, city_wide = work
    client.force_login(make_user("kommun:0184", "viewer"))
    assert client.get("/api/v1/interventions/").json()["count"] == 0
    assert client.get(f"/api/v1/interventions/{city_wide.pk}/").status_code == 404


def test_partners_see_work_at_scenes_but_not_city_wide_work(client, make_user, work):
    at_scene, city_wide = work
    client.force_login(make_user("region", "viewer"))
    ids = [row["id"] for row in client.get("/api/v1/interventions/").json()["results"]]
    assert ids == [at_scene.pk]


def test_the_methods_knowledge_bank_is_for_everyone(client, make_user):
    client.force_login(make_user("tullverket", "viewer"))
    data = client.get("/api/v1/methods/", {"family": "customs_border"}).json()
    assert [m["code"] for m in data["results"]] == ["supply_interdiction"]
    client.logout()
    assert client.get("/api/v1/methods/").status_code == 401
