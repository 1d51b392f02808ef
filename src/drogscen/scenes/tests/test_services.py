from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from conftest import square
from drogscen.audit.models import AuditEntry
from drogscen.core import geo
from drogscen.geo.models import LocalPoliceArea, Station
from drogscen.scenes import services
from drogscen.scenes.models import Scene, SceneLink

pytestmark = pytest.mark.django_db

RINKEBY = (17.9280, 59.3880)


def test_derived_place_around_a_known_station(scene_factory):
    kista = Station.objects.get(name="Kista", kind="tunnelbana")
    scene = scene_factory("K-1", lon=kista.longitude, lat=kista.latitude, size_m=50)
    assert scene.nearest_station == kista
    assert scene.station_distance_m < 5
    assert scene.municipality.code == "0180"
    # Kista lies in Järva since the 2023 reform.
    assert scene.district.name == "Järva"


def test_a_station_added_in_the_admin_becomes_the_nearest(client, make_user, scene_factory):
    # The shipped stations have no commuter-rail (pendeltåg) stations; the coordination
    # office adds them in the admin, and new and changed scenes use them.
    client.force_login(make_user("samordningskansliet", "manager"))
    lon, lat = 17.9993, 59.3600  # Solna centrum, where a made-up stop is put
    response = client.post(
        "/admin/geo/station/add/",
        {
            "name": "Testhållplats",
            "kind": "pendeltag",
            "lines": "",
            "railway": "",
            "osm_id": "",  # added by hand: no OpenStreetMap id
            "longitude": lon,
            "latitude": lat,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Station.objects.get(name="Testhållplats")
    assert added.kind == Station.Kind.COMMUTER_RAIL and added.osm_id is None
    scene = scene_factory("ST-1", lpo="solna", lon=lon, lat=lat)
    assert scene.nearest_station == added and scene.station_distance_m < 5


def test_area_of_a_known_square_in_sweref_within_half_a_percent():
    # A 100 m × 100 m square drawn in SWEREF 99 TM, sent in as WGS84.
    from shapely.geometry import box

    square_3006 = box(674000, 6583000, 674100, 6583100)
    wgs84 = geo.normalised_geojson(geo.to_wgs84(square_3006))
    scene = services.scene_create(
        ref="SQ-1",
        name="Kvadrat",
        geometry=wgs84,
        local_police_area=LocalPoliceArea.objects.get(slug="sodermalm"),
        identified_on=date(2024, 1, 1),
    )
    assert scene.area_m2 == pytest.approx(10_000, rel=0.005)


def test_scenes_outside_stockholm_have_no_district(scene_factory):
    scene = scene_factory("S-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)
    assert (scene.municipality.code, scene.district) == ("0184", None)


def test_a_changed_area_keeps_the_earlier_version(scene_factory):
    scene = scene_factory("H-1", size_m=60)
    services.scene_update(
        scene=scene,
        expected_version=1,
        geometry=square(*RINKEBY, 30),
        geometry_valid_from=date(2024, 6, 1),
    )
    versions = list(scene.geometry_versions.order_by("valid_from"))
    assert [(v.valid_from, v.valid_to) for v in versions] == [
        (date(2023, 1, 15), date(2024, 5, 31)),
        (date(2024, 6, 1), None),
    ]
    assert versions[0].area_m2 == pytest.approx(4 * versions[1].area_m2, rel=0.01)


def test_every_change_is_in_the_history(scene_factory):
    scene = scene_factory("H-2")
    services.scene_update(scene=scene, expected_version=1, name="Nytt namn")
    entries = AuditEntry.objects.filter(object_type="scenes.scene", object_id=str(scene.pk))
    assert [e.action for e in entries.order_by("sequence")] == ["create", "update"]
    assert entries.get(action="update").changes["after"] == {"name": "Nytt namn", "version": 2}


def test_the_second_of_two_concurrent_edits_is_refused(scene_factory):
    scene = scene_factory("L-1")
    first = Scene.objects.get(pk=scene.pk)
    second = Scene.objects.get(pk=scene.pk)
    services.scene_update(scene=first, expected_version=first.version, name="Första")
    with pytest.raises(services.SceneConflict) as conflict:
        services.scene_update(scene=second, expected_version=second.version, name="Andra")
    assert conflict.value.changed == ["name"]
    assert "namn" in str(conflict.value)
    assert Scene.objects.get(pk=scene.pk).name == "Första"


def test_a_conflict_says_who_changed_what_from_what_to_what(scene_factory, make_user):
    from drogscen.audit.context import acting

    scene = scene_factory("L-2", size_m=40)
    stale = Scene.objects.get(pk=scene.pk)
    anna, bertil = make_user("lpo:jarva", "editor"), make_user("lpo:jarva", "editor")
    with acting(anna):
        current = services.scene_update(scene=scene, expected_version=1, name="Torget väst")
    with acting(bertil):
        services.scene_update(
            scene=current,
            expected_version=2,
            geometry=square(*RINKEBY, 20),
            local_police_area=LocalPoliceArea.objects.get(slug="sodermalm"),
        )
    with translation.override("en"), pytest.raises(services.SceneConflict) as conflict:
        services.scene_update(scene=stale, expected_version=1, name="Andra")
    error = conflict.value
    assert error.changed == ["name", "geometry", "local_police_area"]
    assert [edit.username for edit in error.edits] == [anna.username, bertil.username]
    first, second = error.details
    assert first.startswith(f"{anna.username}, ") and "name: Plats L-2 → Torget väst" in first
    assert "area redrawn: 6,441 m² → 1,611 m²" in second
    assert "local police area: Järva → Södermalm" in second
    assert "Nothing was saved" in str(error) and first in str(error)
    # An editor who has seen version 2 hears only of Bertil's change.
    with pytest.raises(services.SceneConflict) as conflict:
        services.scene_update(scene=stale, expected_version=2, name="Andra")
    assert [edit.username for edit in conflict.value.edits] == [bertil.username]


def test_merge_closes_and_links_both_sides(scene_factory):
    a = scene_factory("M-A")
    b = scene_factory("M-B", lon=17.9320, lat=59.3900)
    services.scene_merge(scene=a, into=b, on=date(2024, 4, 1), expected_version=1)
    a.refresh_from_db()
    assert (a.closed_on, a.close_reason) == (date(2024, 4, 1), "merged")
    link = SceneLink.objects.get()
    assert (link.source, link.target, link.kind) == (a, b, "merge")
    assert list(b.links_in.all()) == [link]


def test_split_creates_new_scenes_and_may_close_the_original(scene_factory):
    original = scene_factory("SP-0", size_m=80)
    (part,) = services.scene_split(
        scene=original,
        parts=[{"ref": "SP-1", "name": "Del 1", "geometry": square(17.9300, 59.3890, 30)}],
        on=date(2024, 2, 1),
        close_original=True,
        expected_version=1,
    )
    original.refresh_from_db()
    assert part.identified_on == date(2024, 2, 1)
    assert original.close_reason == "split"
    assert SceneLink.objects.get().target == part


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (square(11.97, 57.71), "utanför Stockholms län"),
        (square(*RINKEBY, 4), "mindre än minsta platsstorlek"),
        (square(*RINKEBY, 1300), "större än största platsstorlek"),
        ({"type": "Point", "coordinates": list(RINKEBY)}, "Polygon eller MultiPolygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[17.92, 59.38], [17.93, 59.39], [17.93, 59.38], [17.92, 59.39], [17.92, 59.38]]
                ],
            },
            "ogiltig",
        ),
    ],
)
def test_unusable_areas_are_refused_with_a_reason(geometry, message):
    with pytest.raises(ValidationError) as error:
        services.scene_create(
            ref="BAD",
            name="Fel",
            geometry=geometry,
            local_police_area=LocalPoliceArea.objects.get(slug="jarva"),
            identified_on=date(2024, 1, 1),
        )
    assert message in " ".join(error.value.message_dict["geometry"])
    assert not Scene.objects.filter(ref="BAD").exists()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ("POLYGON((1 1))", "must be a GeoJSON object such as"),
        ({"type": "Polygon", "coordinates": "abc"}, "must be a list of rings"),
        ({"type": "MultiPolygon", "coordinates": [7]}, "each polygon must be a list of rings"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[17.92, 59.38], [17.93, 59.39], [17.93, 59.38], [17.92, 59.39], [17.92, 59.38]]
                ],
            },
            "the outline crosses itself near 17.92500, 59.38500",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [17.92, 59.38],
                        [17.93, 59.38],
                        [17.93, 59.39],
                        [17.92, 59.39],
                        [17.92, 59.38],
                    ],
                    [
                        [17.94, 59.38],
                        [17.95, 59.38],
                        [17.95, 59.39],
                        [17.94, 59.39],
                        [17.94, 59.38],
                    ],
                ],
            },
            "a hole lies outside the outer boundary",
        ),
    ],
)
def test_the_reason_for_an_unusable_area_says_what_is_wrong(geometry, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.scene_create(
            ref="BAD",
            name="Fel",
            geometry=geometry,
            local_police_area=LocalPoliceArea.objects.get(slug="jarva"),
            identified_on=date(2024, 1, 1),
        )
    text = " ".join(error.value.message_dict["geometry"])
    assert message in text and "Self-intersection" not in text


def test_closing_before_identification_is_refused(scene_factory):
    scene = scene_factory("C-1", identified_on=date(2024, 5, 1))
    with pytest.raises(ValidationError):
        services.scene_close(
            scene=scene, closed_on=date(2024, 1, 1), reason="other", expected_version=1
        )


def test_an_lpo_cannot_register_or_change_another_areas_scene(make_user, scene_factory):
    jarva_editor = make_user("lpo:jarva", "editor")
    with pytest.raises(ValidationError) as error:
        services.scene_create(
            ref="X-1",
            name="X",
            geometry=square(17.9993, 59.3600),
            local_police_area=LocalPoliceArea.objects.get(slug="solna"),
            identified_on=date(2024, 1, 1),
            by=jarva_editor,
        )
    assert "local_police_area" in error.value.message_dict
    solna_scene = scene_factory("X-2", lpo="solna", lon=17.9993, lat=59.3600)
    with pytest.raises(Http404):
        services.scene_update(scene=solna_scene, expected_version=1, name="Y", by=jarva_editor)


def test_moving_a_scene_out_of_ones_own_area_is_refused(make_user, scene_factory):
    editor = make_user("lpo:jarva", "editor")
    scene = scene_factory("MV-1")
    with pytest.raises(ValidationError, match="eget lokalpolisområde"):
        services.scene_update(
            scene=scene,
            expected_version=1,
            by=editor,
            local_police_area=LocalPoliceArea.objects.get(slug="solna"),
        )
    assert Scene.objects.get(pk=scene.pk).local_police_area.slug == "jarva"
