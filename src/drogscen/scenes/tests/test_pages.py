import json
from datetime import date

import pytest

from conftest import square
from drogscen.core.testing import get_with_queries
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    """Pages in English: for strings whose Swedish is still to be merged."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def three_scenes(scene_factory):
    return [
        scene_factory("J-1", name="Torget", lon=17.9280, lat=59.3880),
        scene_factory("J-2", name="Parken", lon=17.9330, lat=59.3900),
        scene_factory("S-1", name="Centrum", lpo="solna", lon=17.9993, lat=59.3600),
    ]


def test_the_list_shows_only_the_users_scenes(client, make_user, three_scenes):
    client.force_login(make_user("kommun:0184", "viewer"))
    page = client.get("/platser/").content.decode()
    assert "S-1" in page and "J-1" not in page and "J-2" not in page
    assert "1 plats" in page


def test_filters_and_sorting(client, make_user, three_scenes):
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get("/platser/", {"municipality": "0180", "ordering": "name"}).content.decode()
    assert page.index("Parken") < page.index("Torget") and "Centrum" not in page
    assert "J-2" in client.get("/platser/", {"q": "park"}).content.decode()
    assert "S-1" in client.get("/platser/", {"local_police_area": "solna"}).content.decode()
    assert "J-1" in client.get("/platser/", {"district": "Järva"}).content.decode()
    Scene.objects.filter(ref="J-1").update(closed_on=date(2024, 1, 1), close_reason="other")
    closed = client.get("/platser/", {"status": "closed"}).content.decode()
    assert "J-1" in closed and "J-2" not in closed


def test_one_bad_filter_value_shows_the_error_and_no_scenes(client, make_user, three_scenes):
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get("/platser/", {"status": "closed", "municipality": "9999"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="filter-errors"' in page
    assert "Kommun: " in page  # the field is named with its error
    assert "J-1" not in page and "J-2" not in page and "S-1" not in page
    assert "0 platser" in page
    response = client.get("/platser/", {"status": "whatever", "q": "Torget"})
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert "J-1" not in response.content.decode()


def test_one_bad_filter_value_gives_no_map_data(client, make_user, three_scenes):
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get(
        "/platser/karta/platser.geojson", {"status": "closed", "municipality": "9999"}
    )
    assert response.status_code == 400
    data = response.json()
    assert data["features"] == [] and list(data["errors"]) == ["municipality"]
    page = client.get("/platser/karta/", {"municipality": "9999"}).content.decode()
    assert 'data-testid="filter-errors"' in page
    # Valid filters still work.
    data = client.get("/platser/karta/platser.geojson", {"municipality": "0184"}).json()
    assert [f["properties"]["ref"] for f in data["features"]] == ["S-1"]


def test_the_list_paginates(client, make_user, scene_factory):
    for i in range(27):
        scene_factory(f"P-{i:02d}", lon=17.90 + i * 0.002, lat=59.3880)
    client.force_login(make_user("lpo:jarva", "viewer"))
    first = client.get("/platser/").content.decode()
    assert "Sida 1 av 2" in first and "P-25" not in first
    assert "P-26" in client.get("/platser/", {"page": 2}).content.decode()


def test_list_query_count_does_not_grow_with_the_number_of_scenes(client, make_user, scene_factory):
    client.force_login(make_user("samordningskansliet", "viewer"))
    scene_factory("Q-0")

    def queries():
        return len(get_with_queries(client, "/platser/")[1])

    few = queries()
    for i in range(1, 15):
        scene_factory(f"Q-{i}", lon=17.90 + i * 0.002, lat=59.3880)
    assert queries() == few


def test_map_data_is_scoped_geojson(client, make_user, three_scenes):
    client.force_login(make_user("lpo:jarva", "viewer"))
    data = client.get("/platser/karta/platser.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert sorted(f["properties"]["ref"] for f in data["features"]) == ["J-1", "J-2"]


def test_reference_layers_for_the_map(client, make_user):
    client.force_login(make_user("region", "viewer"))
    assert len(client.get("/referens/kommuner.geojson").json()["features"]) == 26
    assert len(client.get("/referens/stadsdelar.geojson").json()["features"]) == 11
    assert len(client.get("/referens/stationer.geojson").json()["features"]) == 217
    assert client.get("/referens/hemligt.geojson").status_code == 404


def test_another_municipality_gets_404_on_every_scene_page(client, make_user, three_scenes):
    client.force_login(make_user("kommun:0184", "editor"))
    for suffix in ["", "andra/", "avsluta/", "sla-samman/", "dela/"]:
        assert client.get(f"/platser/J-1/{suffix}").status_code == 404


def test_detail_shows_facts_lineage_area_series_and_history(client, make_user, three_scenes):
    client.force_login(make_user("lpo:jarva", "manager"))
    client.post("/platser/J-1/sla-samman/", {"into": "J-2", "on": "2024-03-01", "version": 1})
    page = client.get("/platser/J-1/").content.decode()
    assert "Järva" in page and "Stockholm" in page
    assert "Sammanslagen med" in page and "J-2" in page
    other = client.get("/platser/J-2/").content.decode()
    assert "Sammanslagen från" in other and "J-1" in other
    assert "area-chart-data" in page
    assert "skapad" in page and "ändrad" in page


def test_history_shows_old_and_new_values(client, make_user, three_scenes, english):
    from drogscen.geo.models import LocalPoliceArea
    from drogscen.scenes import services

    scene = services.scene_update(scene=three_scenes[0], expected_version=1, name="Torget väst")
    services.scene_update(
        scene=scene,
        expected_version=2,
        geometry=square(17.9280, 59.3880, 20),
        local_police_area=LocalPoliceArea.objects.get(slug="sodermalm"),
    )
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get("/platser/J-1/").content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "Torget → Torget väst" in history
    assert "area redrawn: 6,441 m² → 1,611 m²" in history.replace("</li>", "")
    assert "Järva → Södermalm" in history
    assert '"coordinates"' not in history and "Show the full history" not in history


def test_the_whole_history_page_by_page_in_constant_queries(client, make_user, scene_factory):
    from drogscen.scenes import services
    from drogscen.scenes.views import HISTORY_ON_SCENE_PAGE, HISTORY_PAGE_SIZE

    scene = scene_factory("H-1")
    client.force_login(make_user("samordningskansliet", "viewer"))

    def queries(path):
        response, sql = get_with_queries(client, path)
        return len(sql), response.content.decode()

    for path in ["/platser/H-1/", "/platser/H-1/?history=all"]:
        queries(path)  # warm up (session, cached reference data)
    few, _page = queries("/platser/H-1/")
    few_all, _page = queries("/platser/H-1/?history=all")
    for n in range(HISTORY_PAGE_SIZE + 5):
        scene = services.scene_update(scene=scene, expected_version=None, name=f"Namn {n}")
    many, page = queries("/platser/H-1/")
    assert many == few
    assert page.count("→ Namn ") == HISTORY_ON_SCENE_PAGE
    assert "?history=all#history" in page
    many_all, page = queries("/platser/H-1/?history=all")
    assert many_all <= few_all + 1  # + the page count once the history has pages
    assert page.count("→ Namn ") == HISTORY_PAGE_SIZE and "Namn 0<" not in page
    assert "history_page=2" in page
    _n, last = queries("/platser/H-1/?history=all&history_page=2")
    assert "→ Namn 0<" in last and "→ Namn 1<" in last
    assert "Plats H-1 → Namn 0" in last  # the first change and the creation
    assert "?history=all#history" not in last


def test_register_a_scene_through_the_form(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.post(
        "/platser/ny/",
        {
            "ref": "NY-1",
            "name": "Nya platsen",
            "local_police_area": "jarva",
            "identified_on": "2024-09-01",
            "geometry": json.dumps(square(17.9280, 59.3880)),
        },
    )
    assert response.status_code == 302 and response.url == "/platser/NY-1/"
    assert Scene.objects.get(ref="NY-1").district.name == "Järva"


def test_the_police_area_is_suggested_from_where_the_area_lies(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    rinkeby, solna = square(17.9280, 59.3880), square(17.9993, 59.3600)
    answer = client.get("/platser/lpo-forslag/", {"geometry": json.dumps(rinkeby)}).json()
    assert answer["local_police_area"] == "jarva" and answer["district"] == "Järva"
    # The form's script posts (an uploaded area may be too long for a URL).
    answer = client.post("/platser/lpo-forslag/", {"geometry": json.dumps(solna)}).json()
    assert (answer["local_police_area"], answer["municipality"]) == ("solna", "0184")
    response = client.post("/platser/lpo-forslag/", {"geometry": '"POLYGON((1 1))"'})
    assert response.status_code == 400 and response.json()["problems"]


def test_the_form_asks_the_map_for_a_police_area_suggestion(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    page = client.get("/platser/ny/").content.decode()
    assert 'data-suggest-url="/platser/lpo-forslag/"' in page
    assert 'data-suggest-target="id_local_police_area"' in page
    assert 'data-upload-target="id_geometry_file"' in page


def test_the_form_explains_a_bad_area_next_to_the_field(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.post(
        "/platser/ny/",
        {
            "ref": "NY-2",
            "name": "Fel",
            "local_police_area": "jarva",
            "identified_on": "2024-09-01",
            "geometry": json.dumps(square(11.97, 57.71)),
        },
    )
    assert response.status_code == 200
    assert "utanför Stockholms län" in response.content.decode()
    assert not Scene.objects.filter(ref="NY-2").exists()


def test_upload_the_area_as_a_file(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user("lpo:jarva", "editor"))
    upload = SimpleUploadedFile(
        "omrade.geojson",
        json.dumps(
            {"type": "Feature", "geometry": square(17.9280, 59.3880), "properties": {}}
        ).encode(),
    )
    response = client.post(
        "/platser/ny/",
        {
            "ref": "UP-1",
            "name": "Uppladdad",
            "local_police_area": "jarva",
            "identified_on": "2024-09-01",
            "geometry_file": upload,
        },
    )
    assert response.status_code == 302
    assert Scene.objects.filter(ref="UP-1").exists()


def test_a_stale_edit_shows_what_changed_and_saves_nothing(client, make_user, three_scenes):
    client.force_login(make_user("lpo:jarva", "editor"))
    form = {
        "name": "Mitt namn",
        "local_police_area": "jarva",
        "identified_on": "2023-01-15",
        "version": 1,
    }
    assert client.post("/platser/J-1/andra/", {**form, "name": "Först"}).status_code == 302
    response = client.post("/platser/J-1/andra/", {**form, "name": "Sedan"})
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert Scene.objects.get(ref="J-1").name == "Först"
    # Who changed what, old → new (the user is the one who saved first).
    editor = response.wsgi_request.user.username
    assert f"{editor}, " in page and "Torget → Först" in page


def test_a_stale_edit_in_english_names_the_change(client, make_user, three_scenes, english):
    client.force_login(make_user("lpo:jarva", "editor"))
    form = {"local_police_area": "jarva", "identified_on": "2023-01-15", "version": 1}
    client.post("/platser/J-1/andra/", {**form, "name": "Först"})
    page = client.post("/platser/J-1/andra/", {**form, "name": "Sedan"}).content.decode()
    assert "was changed by someone else" in page and "Nothing was saved" in page
    assert "name: Torget → Först" in page


def test_an_edit_without_version_is_refused(client, make_user, three_scenes, english):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.post(
        "/platser/J-1/andra/",
        {"name": "Utan version", "local_police_area": "jarva", "identified_on": "2023-01-15"},
    )
    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    scene = Scene.objects.get(ref="J-1")
    assert (scene.name, scene.version) == ("Torget", 1)


def test_viewers_cannot_open_the_forms(client, make_user, three_scenes):
    client.force_login(make_user("lpo:jarva", "viewer"))
    assert client.get("/platser/ny/").status_code == 404
    assert client.get("/platser/J-1/andra/").status_code == 404
    assert "Redigera" not in client.get("/platser/J-1/").content.decode()


def test_close_split_and_merge_through_the_pages(client, make_user, three_scenes):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.post(
        "/platser/J-2/dela/",
        {
            "ref": "J-3",
            "name": "Delen",
            "on": "2024-02-01",
            "version": 1,
            "geometry": json.dumps(square(17.9345, 59.3905, 25)),
        },
    )
    assert response.status_code == 302
    assert Scene.objects.get(ref="J-3").links_in.get().source.ref == "J-2"
    response = client.post(
        "/platser/J-1/avsluta/",
        {
            "closed_on": "2024-05-01",
            "close_reason": "no_longer_scene",
            "close_note": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert Scene.objects.get(ref="J-1").close_reason == "no_longer_scene"
    response = client.post(
        "/platser/J-3/sla-samman/", {"into": "S-1", "on": "2024-06-01", "version": 1}
    )
    assert response.status_code == 200  # Solna's scene is not Järva's to merge into
    assert "S-1" in response.content.decode()


def test_a_configured_tile_server_reaches_the_map(client, make_user, settings):
    settings.MAP_TILE_URL = "https://tiles.example.internal/{z}/{x}/{y}.png"
    client.force_login(make_user("region", "viewer"))
    page = client.get("/platser/karta/").content.decode()
    assert 'data-tiles="https://tiles.example.internal/{z}/{x}/{y}.png"' in page
