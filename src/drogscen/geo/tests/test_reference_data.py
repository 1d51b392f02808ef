import json
import shutil
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from drogscen.accounts.models import Organisation
from drogscen.core.imports import ImportRejected
from drogscen.geo import loaders, lookups
from drogscen.geo.loaders import DATA_DIR, ReferenceDataError, reference_data_load
from drogscen.geo.models import District, LocalPoliceArea, Municipality, Station

pytestmark = pytest.mark.django_db


def test_the_county_is_complete():
    assert Municipality.objects.count() == 26
    assert Municipality.objects.get(code="0180").name == "Stockholm"
    assert District.objects.valid_on(date(2024, 12, 31)).count() == 11
    assert District.objects.valid_on(date(2022, 12, 31)).count() == 13
    assert set(District.objects.get(name="Järva").predecessors.values_list("name", flat=True)) == {
        "Rinkeby-Kista",
        "Spånga-Tensta",
    }
    assert LocalPoliceArea.objects.valid_on(date(2024, 12, 31)).count() == 17
    assert Station.objects.count() == 217


def test_the_2025_city_police_areas_succeed_norrmalm():
    norrmalm = LocalPoliceArea.objects.get(name="Norrmalm")
    assert norrmalm.valid_to == date(2024, 12, 31)
    assert set(norrmalm.successors.values_list("name", flat=True)) == {
        "Lidingö-Kungsholmen",
        "Norra innerstaden",
    }


def test_every_municipality_police_area_and_county_actor_is_an_organisation():
    codes = set(Organisation.objects.values_list("code", flat=True))
    assert {f"kommun:{c}" for c in Municipality.objects.values_list("code", flat=True)} <= codes
    assert {f"lpo:{s}" for s in LocalPoliceArea.objects.values_list("slug", flat=True)} <= codes
    assert {
        "region",
        "kriminalvarden",
        "tullverket",
        "lansstyrelsen",
        "samordningskansliet",
        "polisregion",
    } <= codes
    assert "lpo:haninge-nynashamn" in codes


def test_loading_again_changes_nothing():
    summary = reference_data_load()
    assert not summary.changed


def test_an_edit_by_the_coordination_office_survives_a_reload():
    station = Station.objects.get(name="T-Centralen", kind="tunnelbana")
    station.lines = "10, 11, 13, 14, 17, 18, 19"
    station.save()
    reference_data_load()
    station.refresh_from_db()
    assert station.lines == "10, 11, 13, 14, 17, 18, 19"
    reference_data_load(refresh=True)
    station.refresh_from_db()
    assert station.lines != "10, 11, 13, 14, 17, 18, 19"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    for path in target.iterdir():
        path.chmod(0o644)
    # The messages are translated; these tests read them in English.
    with translation.override("en"):
        yield target


def test_a_broken_csv_names_file_line_and_column(data_copy):
    path = data_copy / "lokalpolisomraden.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("2015-01-01", "första januari")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(data_dir=data_copy)
    assert str(excinfo.value).startswith("lokalpolisomraden.csv, line 6: column valid_from")


def test_a_missing_file_is_named(data_copy):
    (data_copy / "stationer_stockholm.geojson").unlink()
    with pytest.raises(
        ReferenceDataError, match="stationer_stockholm.geojson, file: file is missing"
    ):
        reference_data_load(data_dir=data_copy)


def test_broken_json_names_the_line_and_writes_nothing(data_copy):
    Station.objects.all().delete()
    path = data_copy / "stationer_stockholm.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n', encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"stationer_stockholm.geojson, line \d+"):
        reference_data_load(data_dir=data_copy)
    assert Station.objects.count() == 0


def test_the_command_exits_2_on_broken_data(data_copy, settings, monkeypatch):
    (data_copy / "kommuner_stockholms_lan.geojson").write_text("[]", encoding="utf-8")
    monkeypatch.setattr("drogscen.geo.loaders.DATA_DIR", data_copy)
    monkeypatch.setattr(
        "drogscen.geo.loaders.reference_data_load",
        lambda refresh=False: reference_data_load(data_dir=data_copy, refresh=refresh),
    )
    with pytest.raises(CommandError, match="kommuner_stockholms_lan.geojson") as excinfo:
        call_command("load_reference_data")
    assert excinfo.value.returncode == 2


def _geojson(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _write_geojson(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_csv_saved_as_latin_1_names_file_and_line(data_copy):
    path = data_copy / "stadsdelsforvaltningar.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    first_non_ascii = next(
        number for number, line in enumerate(text.splitlines(), start=1) if not line.isascii()
    )
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(data_dir=data_copy)
    assert str(excinfo.value) == (
        f"stadsdelsforvaltningar.csv, line {first_non_ascii}: "
        "not UTF-8 text; save the file as UTF-8"
    )


def test_a_station_with_coordinates_that_are_not_numbers_is_named(data_copy):
    path = data_copy / "stationer_stockholm.geojson"
    data = _geojson(path)
    data["features"][2]["geometry"]["coordinates"] = ["x", "y"]
    _write_geojson(path, data)
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(data_dir=data_copy)
    # The third feature, counted from 1 as people count.
    assert str(excinfo.value) == (
        "stationer_stockholm.geojson, feature 3: the point's coordinates are not numbers"
    )


def test_a_municipality_with_unreadable_coordinates_is_named(data_copy):
    path = data_copy / "kommuner_stockholms_lan.geojson"
    data = _geojson(path)
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[1, 2]]}
    _write_geojson(path, data)
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(data_dir=data_copy)
    assert str(excinfo.value) == (
        "kommuner_stockholms_lan.geojson, feature 1: the polygon's coordinates cannot be read"
    )


@pytest.mark.parametrize(
    ("filename", "break_it"),
    [
        ("stadsdelsforvaltningar.csv", lambda p: p.write_bytes("namn,Å\n".encode("latin-1"))),
        (
            "stationer_stockholm.geojson",
            lambda p: _write_geojson(
                p,
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": ["x", "y"]},
                        }
                    ],
                },
            ),
        ),
        (
            "kommuner_karna_osm.geojson",
            lambda p: _write_geojson(
                p,
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {},
                            "geometry": {"type": "Polygon", "coordinates": [[1, 2]]},
                        }
                    ],
                },
            ),
        ),
    ],
)
def test_the_command_names_the_broken_file_and_exits_2(data_copy, monkeypatch, filename, break_it):
    break_it(data_copy / filename)
    monkeypatch.setattr(
        "drogscen.geo.loaders.reference_data_load",
        lambda refresh=False: reference_data_load(data_dir=data_copy, refresh=refresh),
    )
    with pytest.raises(CommandError, match=rf"^{filename}, (line|feature) 1: ") as excinfo:
        call_command("load_reference_data")
    assert excinfo.value.returncode == 2


def test_loader_messages_are_translated(data_copy):
    (data_copy / "stationer_stockholm.geojson").unlink()
    with translation.override("sv"), pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(data_dir=data_copy)
    assert str(excinfo.value).startswith("stationer_stockholm.geojson, fil: ")


# Known places (WGS84): T-Centralen, Rinkeby centrum, Solna centrum, Södertälje centrum.
PLACES = [
    ((18.0597, 59.3313), "0180", "Norrmalm", "Norra innerstaden"),
    ((17.9275, 59.3880), "0180", "Rinkeby-Kista", "Järva"),
    ((17.9993, 59.3600), "0184", None, None),
    ((17.6253, 59.1955), "0181", None, None),
]


def test_which_municipality_and_district_contains_a_point_depends_on_the_date():
    lon = [p[0][0] for p in PLACES]
    lat = [p[0][1] for p in PLACES]
    municipalities = lookups.municipalities_at(lon, lat)
    before = lookups.districts_at(lon, lat, on=date(2022, 12, 31))
    after = lookups.districts_at(lon, lat, on=date(2024, 12, 31))
    for (_, code, old, new), m, b, a in zip(PLACES, municipalities, before, after, strict=True):
        assert (m.key, b.key, a.key) == (code, old, new)


def test_nearest_station_and_distance_in_metres():
    t_centralen = Station.objects.get(name="T-Centralen", kind="tunnelbana")
    (nearest,) = lookups.nearest_stations([t_centralen.longitude], [t_centralen.latitude + 0.0009])
    assert Station.objects.get(pk=nearest.key).name == "T-Centralen"
    # 0.0009° of latitude is about 100 m.
    assert nearest.distance_m == pytest.approx(100.2, abs=1.0)


def test_points_the_generalised_coast_misses_fall_back_to_the_nearest_municipality():
    # In the water by Värmdö's shore, outside SCB's clipped polygons but within 1 km.
    results = lookups.municipalities_at([18.30], [59.30])
    assert results[0].key is not None and 0 < results[0].distance_m <= 1000


def test_points_far_outside_the_county_have_no_municipality():
    results = lookups.municipalities_at([11.97], [57.71])  # Göteborg
    assert results[0].key is None
    assert lookups.distance_outside_county_m([11.97], [57.71])[0] > 300_000


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(17.6, 18.4), st.floats(59.15, 59.55)), min_size=1, max_size=30))
def test_vectorised_lookup_equals_one_by_one(points):
    lon, lat = [p[0] for p in points], [p[1] for p in points]
    together = lookups.municipalities_at(lon, lat)
    one_by_one = [lookups.municipalities_at([x], [y])[0] for x, y in points]
    assert together == one_by_one


# --- reading the files: the import pipeline's readers --------------------------------------


def test_a_csv_saved_by_excel_as_unicode_text_or_utf8_with_a_bom_loads_the_same(data_copy):
    path = data_copy / "stadsdelsforvaltningar.csv"
    text = path.read_text(encoding="utf-8")
    # Excel's "Unicode text": UTF-16 with a byte order mark, cells separated by tabs.
    path.write_bytes(b"\xff\xfe" + text.replace(",", "\t").encode("utf-16-le"))
    assert not reference_data_load(data_dir=data_copy, refresh=True).changed
    # Excel's "CSV UTF-8": a byte order mark before the header.
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert not reference_data_load(data_dir=data_copy, refresh=True).changed


def test_a_missing_column_is_named_as_one_refusal_of_the_file(data_copy):
    path = data_copy / "lokalpolisomraden.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as excinfo:
        reference_data_load(data_dir=data_copy)
    assert isinstance(excinfo.value, ReferenceDataError)
    assert str(excinfo.value) == "lokalpolisomraden.csv, line 1: missing columns: confidence"
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.where) == ("lokalpolisomraden.csv", "line 1")


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_csv_content_is_read_or_refused_naming_the_file(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("csv") / "stadsdelsforvaltningar.csv"
    path.write_bytes(content)
    with translation.override("en"):
        try:
            rows = loaders._read_csv(path, ["name"])
        except ReferenceDataError as exc:
            assert str(exc).startswith("stadsdelsforvaltningar.csv, ")
            assert exc.where == "file" or exc.where.startswith(("line ", "row "))
            return
    assert all(isinstance(number, int) and "name" in row for number, row in rows)
