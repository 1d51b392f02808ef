"""The scene API: `/api/v1/scenes/` (JSON and GeoJSON) and the OGC API – Features shape
at `/api/v1/collections/…`, scoped like the pages (docs/domain-rules.md#access,
docs/contracts.md#http-api)."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import square
from drogscen.audit.models import AuditEntry
from drogscen.core.testing import get_with_queries
from drogscen.scenes import services
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db

RINKEBY = (17.9280, 59.3880)  # LPO Järva, Stockholm (0180), district Järva
SOLNA_CENTRUM = (17.9993, 59.3600)  # LPO Solna, Solna (0184)
SCENES = "/api/v1/scenes/"
ITEMS = "/api/v1/collections/scenes/items"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def signed_in(api, make_user):
    """signed_in("kommun:0184", "viewer") → the API client, signed in as such a user."""

    def sign_in(code, role="viewer"):
        api.force_login(make_user(code, role))
        return api

    return sign_in


@pytest.fixture
def scenes(scene_factory):
    return {
        "M-JARVA": scene_factory("M-JARVA", name="Torget", lon=RINKEBY[0], lat=RINKEBY[1]),
        "M-JARVA-2": scene_factory("M-JARVA-2", name="Parken", lon=17.9330, lat=59.3900),
        "M-SOLNA": scene_factory(
            "M-SOLNA", name="Centrum", lpo="solna", lon=SOLNA_CENTRUM[0], lat=SOLNA_CENTRUM[1]
        ),
    }


def refs(response) -> list[str]:
    body = response.json()
    if body.get("type") == "FeatureCollection":
        return [feature["id"] for feature in body["features"]]
    return [scene["ref"] for scene in body["results"]]


def new_scene(**changes) -> dict:
    return {
        "ref": "API-1",
        "name": "Gången",
        "geometry": square(17.9310, 59.3870, 30),
        "local_police_area": "jarva",
        "identified_on": "2024-03-01",
        **changes,
    }


# --- reading -------------------------------------------------------------------------


def test_detail_representation_with_derived_place(signed_in, scenes):
    body = signed_in("region").get(f"{SCENES}M-JARVA/").json()
    assert body["ref"] == "M-JARVA" and body["name"] == "Torget"
    assert body["geometry"]["type"] == "Polygon"
    assert body["local_police_area"] == {"slug": "jarva", "name": "Järva"}
    assert (body["identified_on"], body["closed_on"], body["close_reason"]) == (
        "2023-01-15",
        None,
        "",
    )
    assert body["status"] == "active" and body["version"] == 1
    assert body["url"] == "http://testserver/api/v1/scenes/M-JARVA/"
    derived = body["derived"]
    assert derived["municipality"] == {"code": "0180", "name": "Stockholm"}
    assert derived["district"] == "Järva"
    assert derived["area_m2"] == pytest.approx(6400, rel=0.02)
    assert derived["nearest_station"] and derived["station_distance_m"] > 0
    point = derived["representative_point"]
    assert point["type"] == "Point"
    assert point["coordinates"] == pytest.approx(list(RINKEBY), abs=0.001)


def test_list_is_paginated_with_limit_and_offset(signed_in, scenes):
    api = signed_in("samordningskansliet")
    body = api.get(SCENES, {"limit": 2}).json()
    assert body["count"] == 3 and [s["ref"] for s in body["results"]] == ["M-JARVA", "M-JARVA-2"]
    assert "offset=2" in body["next"]
    assert refs(api.get(body["next"])) == ["M-SOLNA"]


def test_filters_are_those_of_the_scene_list(signed_in, scenes):
    api = signed_in("samordningskansliet")
    assert refs(api.get(SCENES, {"municipality": "0184"})) == ["M-SOLNA"]
    assert refs(api.get(SCENES, {"local_police_area": "jarva"})) == ["M-JARVA", "M-JARVA-2"]
    assert refs(api.get(SCENES, {"district": "Järva"})) == ["M-JARVA", "M-JARVA-2"]
    assert refs(api.get(SCENES, {"q": "park"})) == ["M-JARVA-2"]
    assert refs(api.get(SCENES, {"ordering": "-ref"})) == ["M-SOLNA", "M-JARVA-2", "M-JARVA"]
    assert refs(api.get(SCENES, {"ordering": "name"})) == ["M-SOLNA", "M-JARVA-2", "M-JARVA"]
    services.scene_close(
        scene=scenes["M-JARVA"],
        closed_on=date(2024, 1, 1),
        reason="no_longer_scene",
        expected_version=1,
    )
    assert refs(api.get(SCENES, {"status": "closed"})) == ["M-JARVA"]
    assert refs(api.get(SCENES, {"status": "active"})) == ["M-JARVA-2", "M-SOLNA"]
    closed = api.get(f"{SCENES}M-JARVA/").json()
    assert (closed["status"], closed["close_reason"]) == ("closed", "no_longer_scene")


def test_an_unknown_filter_value_is_400_naming_the_filter(signed_in, scenes):
    response = signed_in("region").get(SCENES, {"municipality": "9999"})
    assert response.status_code == 400
    assert response.json()["message"] and "municipality" in response.json()["errors"]


@pytest.mark.parametrize(
    ("code", "visible"),
    [
        ("lpo:jarva", ["M-JARVA", "M-JARVA-2"]),
        ("kommun:0180", ["M-JARVA", "M-JARVA-2"]),
        ("kommun:0184", ["M-SOLNA"]),
        ("lpo:solna", ["M-SOLNA"]),
        ("region", ["M-JARVA", "M-JARVA-2", "M-SOLNA"]),
        ("samordningskansliet", ["M-JARVA", "M-JARVA-2", "M-SOLNA"]),
        (None, []),
    ],
)
def test_each_organisation_sees_its_scenes(signed_in, scenes, code, visible):
    api = signed_in(code)
    assert refs(api.get(SCENES)) == visible
    assert refs(api.get(ITEMS)) == visible
    for ref in scenes:
        expected = 200 if ref in visible else 404
        assert api.get(f"{SCENES}{ref}/").status_code == expected
        assert api.get(f"{ITEMS}/{ref}").status_code == expected


def test_another_municipality_gets_404_on_read_and_write(signed_in, scenes):
    api = signed_in("kommun:0184", "manager")
    response = api.get(f"{SCENES}M-JARVA/")
    assert response.status_code == 404 and set(response.json()) == {"message"}
    response = api.patch(f"{SCENES}M-JARVA/", {"name": "X", "version": 1}, format="json")
    assert response.status_code == 404
    assert Scene.objects.get(ref="M-JARVA").name == "Torget"


def test_anonymous_is_401_as_json_everywhere(api, scenes):
    for url in [
        SCENES,
        f"{SCENES}M-JARVA/",
        f"{SCENES}?format=geojson",
        "/api/v1/conformance",
        "/api/v1/collections",
        "/api/v1/collections/scenes",
        ITEMS,
        f"{ITEMS}/M-JARVA",
    ]:
        response = api.get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"] == "application/json" and response.json()["message"]
    assert api.post(SCENES, new_scene(), format="json").status_code == 401
    assert api.patch(f"{SCENES}M-JARVA/", {"version": 1}, format="json").status_code == 401


def test_token_authentication(api, make_user, scenes):
    user = make_user("lpo:jarva", "editor")
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert refs(api.get(SCENES)) == ["M-JARVA", "M-JARVA-2"]
    assert api.get(ITEMS).status_code == 200
    response = api.patch(f"{SCENES}M-JARVA/", {"name": "Torget 2", "version": 1}, format="json")
    assert response.status_code == 200
    # The write is in the audit trail under the token's user, not as anonymous.
    entry = AuditEntry.objects.filter(object_type="scenes.scene", action="update").latest(
        "sequence"
    )
    assert (entry.username, entry.via) == (user.username, "api")
    api.credentials(HTTP_AUTHORIZATION="Token not-a-valid-key")
    assert api.get(SCENES).status_code == 401


# --- GeoJSON -------------------------------------------------------------------------


def assert_flat_feature(feature: dict, ref: str) -> None:
    assert feature["type"] == "Feature" and feature["id"] == ref
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    west, south, east, north = feature["bbox"]
    assert west < east and south < north
    properties = feature["properties"]
    assert properties["ref"] == ref and "geometry" not in properties
    # One value per property: GIS tools read them as columns.
    assert not any(isinstance(value, dict | list) for value in properties.values())
    for key in ["local_police_area", "municipality", "area_m2", "status", "version", "url"]:
        assert key in properties


def test_geojson_detail_is_a_feature(signed_in, scenes):
    response = signed_in("lpo:jarva").get(f"{SCENES}M-JARVA/", {"format": "geojson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert_flat_feature(feature, "M-JARVA")
    properties = feature["properties"]
    assert (properties["municipality"], properties["municipality_name"]) == ("0180", "Stockholm")
    assert (properties["local_police_area"], properties["district"]) == ("jarva", "Järva")
    assert properties["point_lon"] == pytest.approx(RINKEBY[0], abs=0.001)


def test_geojson_list_is_a_feature_collection(signed_in, scenes):
    api = signed_in("samordningskansliet")
    response = api.get(SCENES, {"format": "geojson", "limit": 2, "municipality": "0180"})
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert (collection["numberMatched"], collection["numberReturned"]) == (2, 2)
    for feature in collection["features"]:
        assert_flat_feature(feature, feature["id"])
    assert not [link for link in collection["links"] if link["rel"] == "next"]
    # Content negotiation gives the same.
    negotiated = api.get(SCENES, HTTP_ACCEPT="application/geo+json")
    assert negotiated["Content-Type"] == "application/geo+json"
    assert negotiated.json()["numberMatched"] == 3


def test_errors_stay_json_when_geojson_was_asked_for(signed_in, scenes):
    response = signed_in("kommun:0184").get(f"{SCENES}M-JARVA/", {"format": "geojson"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    response = signed_in("kommun:0184").get(ITEMS, {"bbox": "x"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


# --- writing -------------------------------------------------------------------------


def test_a_police_area_editor_registers_a_scene(signed_in):
    response = signed_in("lpo:jarva", "editor").post(SCENES, new_scene(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == body["url"] == "http://testserver/api/v1/scenes/API-1/"
    assert body["version"] == 1 and body["local_police_area"]["slug"] == "jarva"
    assert body["derived"]["municipality"]["code"] == "0180"
    assert body["derived"]["district"] == "Järva"
    assert body["derived"]["area_m2"] == pytest.approx(3600, rel=0.02)
    assert body["derived"]["nearest_station"]
    scene = Scene.objects.get(ref="API-1")
    assert scene.geometry_versions.count() == 1
    assert AuditEntry.objects.filter(
        object_type="scenes.scene", object_id=str(scene.pk), action="create"
    ).exists()


def test_a_write_answers_in_the_format_asked_for(signed_in):
    response = signed_in("lpo:jarva", "editor").post(
        f"{SCENES}?format=geojson", new_scene(ref="P.0180-07"), format="json"
    )
    assert response.status_code == 201 and response["Content-Type"] == "application/geo+json"
    assert_flat_feature(response.json(), "P.0180-07")
    # A reference with dots is not taken for a format suffix.
    assert signed_in("lpo:jarva").get(f"{SCENES}P.0180-07/").json()["ref"] == "P.0180-07"
    assert signed_in("lpo:jarva").get(f"{ITEMS}/P.0180-07").json()["id"] == "P.0180-07"


@pytest.mark.parametrize(
    ("code", "role"),
    [("lpo:jarva", "viewer"), ("kommun:0180", "manager"), ("region", "manager"), (None, "viewer")],
)
def test_registering_without_the_right_is_403(signed_in, code, role):
    # The list exists for these users and no scene is disclosed, so 403, not 404.
    response = signed_in(code, role).post(SCENES, new_scene(), format="json")
    assert response.status_code == 403 and response.json()["message"]
    assert not Scene.objects.filter(ref="API-1").exists()


def test_registering_for_another_police_area_is_400_naming_the_field(signed_in):
    api = signed_in("lpo:jarva", "editor")
    data = new_scene(local_police_area="solna", geometry=square(*SOLNA_CENTRUM, 30))
    response = api.post(SCENES, data, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["local_police_area"]
    assert not Scene.objects.filter(ref="API-1").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"geometry": {"type": "Point", "coordinates": [17.93, 59.38]}}, "geometry"),
        ({"geometry": square(11.97, 57.70, 30)}, "geometry"),  # Gothenburg
        ({"geometry": "POLYGON((1 1, 2 2))"}, "geometry"),
        ({"local_police_area": "nowhere"}, "local_police_area"),
        ({"identified_on": "15/1/2024"}, "identified_on"),
        ({"ref": "has space"}, "ref"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_data_is_400_naming_the_field(signed_in, changes, field):
    response = signed_in("lpo:jarva", "editor").post(SCENES, new_scene(**changes), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and field in body["errors"], body


def test_a_reference_is_unique(signed_in, scenes):
    response = signed_in("lpo:jarva", "editor").post(
        SCENES, new_scene(ref="M-JARVA"), format="json"
    )
    assert response.status_code == 400 and "ref" in response.json()["errors"]


def test_patch_changes_and_counts_the_version(signed_in, scenes):
    api = signed_in("lpo:jarva", "editor")
    response = api.patch(f"{SCENES}M-JARVA/", {"name": "Torget norra", "version": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Torget norra", 2)
    moved = square(17.9290, 59.3885, 50)
    response = api.patch(
        f"{SCENES}M-JARVA/",
        {"geometry": moved, "geometry_valid_from": "2024-06-01", "version": 2},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["derived"]["area_m2"] == pytest.approx(10_000, rel=0.02)
    versions = Scene.objects.get(ref="M-JARVA").geometry_versions.order_by("valid_from")
    assert [v.valid_from for v in versions] == [date(2023, 1, 15), date(2024, 6, 1)]


def test_put_needs_every_field_and_the_version(signed_in, scenes):
    api = signed_in("lpo:jarva", "editor")
    response = api.put(f"{SCENES}M-JARVA/", {"name": "Nytt", "version": 1}, format="json")
    assert response.status_code == 400
    assert {"geometry", "local_police_area", "identified_on"} <= set(response.json()["errors"])
    data = {
        "name": "Nytt",
        "geometry": scenes["M-JARVA"].geometry,
        "local_police_area": "jarva",
        "identified_on": "2023-02-01",
        "version": 1,
    }
    response = api.put(f"{SCENES}M-JARVA/", data, format="json")
    assert response.status_code == 200 and response.json()["identified_on"] == "2023-02-01"


def test_a_change_without_version_is_400(signed_in, scenes):
    response = signed_in("lpo:jarva", "editor").patch(
        f"{SCENES}M-JARVA/", {"name": "Utan version"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["version"]


def test_a_stale_version_is_409_naming_what_changed(signed_in, scenes):
    api = signed_in("lpo:jarva", "editor")
    read = api.get(f"{SCENES}M-JARVA/").json()
    # Meanwhile a colleague renames it and then redraws it.
    scene = services.scene_update(scene=scenes["M-JARVA"], expected_version=1, name="Torget väst")
    services.scene_update(scene=scene, expected_version=2, geometry=square(*RINKEBY, 60))
    response = api.patch(
        f"{SCENES}M-JARVA/",
        {"identified_on": "2023-03-01", "version": read["version"]},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["changed"] == ["name", "geometry"] and body["current_version"] == 3
    # Who changed what, old → new; a redrawn area by its size.
    assert "namn: Torget → Torget väst" in body["message"]
    assert "m² → " in body["message"] and "system" in body["message"]
    scene = Scene.objects.get(ref="M-JARVA")
    assert (scene.identified_on, scene.name, scene.version) == (date(2023, 1, 15), "Torget väst", 3)
    # Having read version 2, only the later change is news.
    response = api.patch(f"{SCENES}M-JARVA/", {"name": "X", "version": 2}, format="json")
    assert response.status_code == 409 and response.json()["changed"] == ["geometry"]
    response = api.patch(f"{SCENES}M-JARVA/", {"name": "X", "version": 3}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 4


@pytest.mark.parametrize(("code", "role"), [("lpo:jarva", "viewer"), ("kommun:0180", "manager")])
def test_who_sees_but_may_not_write_gets_404_on_change(signed_in, scenes, code, role):
    api = signed_in(code, role)
    assert api.get(f"{SCENES}M-JARVA/").status_code == 200
    response = api.patch(f"{SCENES}M-JARVA/", {"name": "X", "version": 1}, format="json")
    assert response.status_code == 404
    assert Scene.objects.get(ref="M-JARVA").version == 1


def test_moving_a_scene_to_another_police_area_is_400_and_saves_nothing(signed_in, scenes):
    response = signed_in("lpo:jarva", "editor").patch(
        f"{SCENES}M-JARVA/", {"local_police_area": "solna", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["local_police_area"]
    scene = Scene.objects.get(ref="M-JARVA")
    assert (scene.local_police_area.slug, scene.version) == ("jarva", 1)


def test_an_invalid_new_geometry_is_400_and_saves_nothing(signed_in, scenes):
    response = signed_in("lpo:jarva", "editor").patch(
        f"{SCENES}M-JARVA/", {"geometry": square(*RINKEBY, 2), "version": 1}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["geometry"]
    assert Scene.objects.get(ref="M-JARVA").version == 1


def test_scenes_are_not_deleted_through_the_api(signed_in, scenes):
    response = signed_in("lpo:jarva", "manager").delete(f"{SCENES}M-JARVA/")
    assert response.status_code == 405
    assert Scene.objects.filter(ref="M-JARVA").exists()


# --- OGC API – Features -----------------------------------------------------------------


def links_by_rel(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


def test_landing_page_leads_a_gis_client_to_the_collections(signed_in):
    api = signed_in("lpo:jarva")
    landing = api.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    links = links_by_rel(landing)
    assert links["data"]["href"] == "http://testserver/api/v1/collections"
    assert links["data"]["type"] == "application/json"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert landing["scenes"] == "http://testserver/api/v1/scenes/"  # the router's listing stays
    conformance = api.get(links["conformance"]["href"]).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    schema = api.get(  # as QGIS asks for it
        links["service-desc"]["href"],
        HTTP_ACCEPT="application/vnd.oai.openapi+json;version=3.0, application/json",
    )
    assert (
        schema.status_code == 200
        and "/api/v1/collections/{collection_id}/items" in (schema.json()["paths"])
    )


def test_collections_describe_the_scenes_within_scope(signed_in, scenes):
    api = signed_in("kommun:0184")
    (collection,) = api.get("/api/v1/collections").json()["collections"]
    assert collection["id"] == "scenes" and collection["itemType"] == "feature"
    assert collection["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
    links = links_by_rel(collection)
    assert links["items"]["type"] == "application/geo+json"
    assert links["items"]["href"] == "http://testserver/api/v1/collections/scenes/items"
    assert links["self"]["type"] == "application/json"
    # The extent is that of the scenes this user may see: Solna's only.
    solna = scenes["M-SOLNA"]
    expected = [solna.bbox_west, solna.bbox_south, solna.bbox_east, solna.bbox_north]
    assert collection["extent"]["spatial"]["bbox"] == [pytest.approx(expected)]
    assert api.get("/api/v1/collections/scenes").json() == collection


def test_a_collection_without_visible_scenes_has_no_extent(signed_in, scenes):
    collection = signed_in(None).get("/api/v1/collections/scenes/").json()
    assert "extent" not in collection and collection["id"] == "scenes"


def test_paths_answer_as_qgis_builds_them(signed_in, scenes):
    """QGIS appends "/scenes" to the `data` link and "/items" to that itself."""
    api = signed_in("region")
    for url in [
        "/api/v1/conformance",
        "/api/v1/conformance/",
        "/api/v1/collections",
        "/api/v1/collections/",
        "/api/v1/collections/scenes",
        "/api/v1/collections/scenes/",
        ITEMS,
        f"{ITEMS}/",
        f"{ITEMS}/M-JARVA",
        f"{ITEMS}/M-JARVA/",
    ]:
        assert api.get(url).status_code == 200, url
    items = api.get(ITEMS, HTTP_ACCEPT="application/geo+json, application/json")
    assert items["Content-Type"] == "application/geo+json"
    response = api.get("/api/v1/collections/mappings/items")
    assert response.status_code == 404 and response.json()["message"]


def test_items_page_with_number_matched_and_next_link(signed_in, scene_factory):
    for i in range(5):
        scene_factory(f"P-{i}", lon=17.90 + i * 0.002, lat=59.3880)
    api = signed_in("lpo:jarva")
    response = api.get(ITEMS, {"limit": 2, "local_police_area": "jarva"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    page = response.json()
    assert page["type"] == "FeatureCollection"
    assert (page["numberMatched"], page["numberReturned"]) == (5, 2)
    assert page["timeStamp"].endswith("Z")
    assert [f["id"] for f in page["features"]] == ["P-0", "P-1"]
    for feature in page["features"]:
        assert_flat_feature(feature, feature["id"])
    links = links_by_rel(page)
    assert links["self"]["type"] == links["next"]["type"] == "application/geo+json"
    assert links["collection"]["href"] == "http://testserver/api/v1/collections/scenes"
    query = parse_qs(urlsplit(links["next"]["href"]).query)
    assert query == {"limit": ["2"], "offset": ["2"], "local_police_area": ["jarva"]}
    seen = [f["id"] for f in page["features"]]
    while "next" in links_by_rel(page):
        page = api.get(links_by_rel(page)["next"]["href"]).json()
        seen += [f["id"] for f in page["features"]]
    assert seen == [f"P-{i}" for i in range(5)]
    assert page["numberReturned"] == 1 and "prev" in links_by_rel(page)


def test_items_limit_defaults_to_100_and_a_larger_one_gives_the_maximum(signed_in, scenes):
    api = signed_in("region")
    page = api.get(ITEMS).json()
    assert page["numberReturned"] == 3 and "next" not in links_by_rel(page)
    page = api.get(ITEMS, {"limit": 5000, "offset": 1}).json()
    assert page["numberReturned"] == 2
    page = api.get(ITEMS, {"limit": 5000, "offset": 0, "ordering": "-ref"}).json()
    assert [f["id"] for f in page["features"]] == ["M-SOLNA", "M-JARVA-2", "M-JARVA"]


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ("17.99,59.35,18.01,59.37", ["M-SOLNA"]),
        ("17.90,59.38,17.95,59.40", ["M-JARVA", "M-JARVA-2"]),
        ("17.90,59.35,18.10,59.40", ["M-JARVA", "M-JARVA-2", "M-SOLNA"]),
        # Touching the edge of a scene's box counts: the box just east of M-JARVA.
        ("17.9287,59.3870,17.9290,59.3890", ["M-JARVA"]),
        ("18.20,59.20,18.30,59.25", []),
        ("17.99,59.35,0,18.01,59.37,100", ["M-SOLNA"]),  # with heights
        ("170,59.35,-170,59.37", []),  # across the antimeridian
        (" 17.99, 59.35, 18.01, 59.37 ", ["M-SOLNA"]),
    ],
)
def test_items_bbox_filter(signed_in, scenes, bbox, expected):
    response = signed_in("samordningskansliet").get(ITEMS, {"bbox": bbox})
    assert response.status_code == 200
    assert refs(response) == expected
    assert response.json()["numberMatched"] == len(expected)


def test_items_bbox_combines_with_filters_and_scope(signed_in, scenes):
    everything = "17.0,59.0,19.0,60.0"
    assert refs(signed_in("kommun:0184").get(ITEMS, {"bbox": everything})) == ["M-SOLNA"]
    response = signed_in("region").get(ITEMS, {"bbox": everything, "q": "park"})
    assert refs(response) == ["M-JARVA-2"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"bbox": "17.9,59.3,18.1"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "17.9,59.4,18.1,59.3"}, "bbox"),  # south above north
        ({"bbox": "17.9,59.3,18.1,nan"}, "bbox"),
        ({"bbox": "200,59.3,210,59.4"}, "bbox"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"municipality": "9999"}, "municipality"),
    ],
)
def test_items_bad_parameters_are_400_naming_them(signed_in, scenes, query, parameter):
    response = signed_in("region").get(ITEMS, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["message"] and list(body["errors"]) == [parameter]


def test_one_item_is_a_feature_with_links(signed_in, scenes):
    response = signed_in("lpo:solna").get(f"{ITEMS}/M-SOLNA")
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert_flat_feature(feature, "M-SOLNA")
    assert feature["properties"]["municipality"] == "0184"
    assert set(links_by_rel(feature)) == {"self", "collection"}
    assert signed_in("lpo:solna").get(f"{ITEMS}/M-JARVA").status_code == 404
    assert signed_in("lpo:solna").get(f"{ITEMS}/NO-SUCH").status_code == 404


def test_the_ogc_endpoints_are_read_only(signed_in, scenes):
    api = signed_in("lpo:jarva", "manager")
    assert api.post(ITEMS, {"type": "Feature"}, format="json").status_code == 405
    assert api.delete(f"{ITEMS}/M-JARVA").status_code == 405


# --- performance, schema, browsable API ---------------------------------------------------


def count_queries(api, url, params) -> int:
    return len(get_with_queries(api, url, params)[1])


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (SCENES, {}),
        (SCENES, {"format": "geojson", "municipality": "0180"}),
        (ITEMS, {"bbox": "17.0,59.0,19.0,60.0"}),
    ],
)
def test_lists_use_a_constant_number_of_queries(signed_in, scene_factory, url, params):
    api = signed_in("samordningskansliet")
    for i in range(2):
        scene_factory(f"Q-{i}", lon=17.90 + i * 0.002, lat=59.3880)
    few = count_queries(api, url, params)
    for i in range(2, 12):
        scene_factory(f"Q-{i}", lon=17.90 + i * 0.002, lat=59.3880)
    assert count_queries(api, url, params) == few
    assert few <= 8


def test_the_schema_documents_the_scene_api(signed_in):
    response = signed_in("region").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/v1/scenes/",
        "/api/v1/scenes/{ref}/",
        "/api/v1/collections",
        "/api/v1/collections/{collection_id}",
        "/api/v1/collections/{collection_id}/items",
        "/api/v1/collections/{collection_id}/items/{ref}",
        "/api/v1/conformance",
    ]:
        assert path in paths, path
    listing = paths["/api/v1/scenes/"]["get"]["responses"]["200"]["content"]
    assert listing["application/geo+json"]["schema"]["$ref"].endswith("/SceneFeatureCollection")
    items = paths["/api/v1/collections/{collection_id}/items"]["get"]
    assert {"bbox", "limit", "offset", "municipality", "status"} <= {
        p["name"] for p in items["parameters"]
    }
    assert "409" in paths["/api/v1/scenes/{ref}/"]["patch"]["responses"]


def test_the_browsable_api_renders(signed_in, scenes):
    api = signed_in("lpo:jarva", "editor")
    for url in [SCENES, f"{SCENES}M-JARVA/", "/api/v1/"]:
        response = api.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
