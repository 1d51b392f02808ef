"""`drogscen import_scenes` and `export_scenes`: GeoJSON and GeoPackage, insert or update
by ref, nothing written on any bad feature, round trips that change nothing, scope."""

import io
import json
import re
import zipfile
from datetime import date

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from conftest import square
from drogscen.audit.models import AuditEntry
from drogscen.core import geo, imports
from drogscen.core.imports import ImportProblem, ImportRejected, files, readers, sniff_file_type
from drogscen.scenes import importing
from drogscen.scenes.exporting import scenes_export
from drogscen.scenes.importing import scenes_import
from drogscen.scenes.models import Scene, SceneGeometryVersion

pytestmark = pytest.mark.django_db

RINKEBY = (17.9280, 59.3880)  # LPO Järva, City of Stockholm, district Järva
SOLNA = (17.9993, 59.3600)  # LPO Solna, municipality 0184
SODERTALJE = (17.6253, 59.1955)  # LPO Södertälje, municipality 0181
GOTHENBURG = (11.9746, 57.7089)  # far outside the county


@pytest.fixture(autouse=True)
def english():
    # Messages are translated (Swedish is the default); the tests read the English.
    with translation.override("en"):
        yield


def feature(ref, at=RINKEBY, *, size_m=40.0, geometry=None, **properties):
    props = {
        "ref": ref,
        "name": f"Plats {ref}",
        "lpo": "Järva",
        "identified_on": "2023-01-15",
        **properties,
    }
    return {
        "type": "Feature",
        "properties": {k: v for k, v in props.items() if v is not ...},
        "geometry": square(*at, size_m) if geometry is None else geometry,
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def write(tmp_path, content, name="scenes.geojson"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_scenes", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected(path, *args) -> str:
    """The problem lines of an import that must fail with exit 2."""
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_scenes", str(path), *args, stdout=io.StringIO(), stderr=err)
    assert excinfo.value.returncode == 2
    assert "nothing was imported" in str(excinfo.value)
    return err.getvalue()


def run_export(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_scenes", *args, stdout=out, stderr=err)
    return out.getvalue()


def state():
    """Everything an import may write: scenes with versions, geometry history, audit."""
    return (
        sorted(Scene.objects.values_list("ref", "version", "name", "closed_on")),
        SceneGeometryVersion.objects.count(),
        AuditEntry.objects.count(),
    )


def import_entries():
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT))


# --- importing GeoJSON ----------------------------------------------------------------------


def test_geojson_import_creates_scenes_with_their_derived_place(tmp_path):
    path = write(
        tmp_path,
        collection(
            feature("J-1", RINKEBY, size_m=40),
            feature("S-1", SOLNA, lpo="Solna", name="Solna centrum"),
            feature(
                "T-1",
                SODERTALJE,
                lpo="Södertälje",
                identified_on="2021-05-01",
                closed_on="2024-02-01",
                close_reason="no_longer_scene",
            ),
        ),
    )
    out, _ = run_import(path)
    assert "3 read, 3 created, 0 updated, 0 unchanged" in out

    rinkeby = Scene.objects.get(ref="J-1")
    assert (rinkeby.municipality.code, rinkeby.district.name) == ("0180", "Järva")
    assert rinkeby.local_police_area.name == "Järva"
    assert rinkeby.area_m2 == pytest.approx(6400, rel=0.02)
    assert rinkeby.nearest_station is not None and rinkeby.station_distance_m < 2000
    assert rinkeby.geometry_versions.count() == 1
    solna = Scene.objects.get(ref="S-1")
    assert (solna.name, solna.municipality.code, solna.district) == ("Solna centrum", "0184", None)
    closed = Scene.objects.get(ref="T-1")
    assert closed.municipality.code == "0181"
    assert (closed.closed_on, closed.close_reason) == (date(2024, 2, 1), "no_longer_scene")

    (entry,) = import_entries()
    assert (entry.object_type, entry.object_repr, entry.via) == (
        "scenes.scene",
        "scenes.geojson",
        "command",
    )
    assert entry.changes["created"] == 3 and entry.changes["read"] == 3
    assert len(entry.changes["sha256"]) == 64


def test_a_byte_order_mark_and_a_multipolygon_are_accepted(tmp_path):
    two_parts = {
        "type": "MultiPolygon",
        "coordinates": [
            square(*RINKEBY, 20)["coordinates"],
            square(RINKEBY[0] + 0.002, RINKEBY[1], 20)["coordinates"],
        ],
    }
    text = json.dumps(collection(feature("M-1", geometry=two_parts)), ensure_ascii=False)
    path = write(tmp_path, b"\xef\xbb\xbf" + text.encode())
    run_import(path)
    assert Scene.objects.get(ref="M-1").geometry["type"] == "MultiPolygon"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, collection(feature("J-1"), feature("S-1", SOLNA, lpo="Solna")))
    run_import(path)
    before = state()
    out, _ = run_import(path)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert state() == before


def test_an_update_by_ref_changes_only_what_changed_and_keeps_the_earlier_area(
    tmp_path, scene_factory
):
    scene = scene_factory("J-1", size_m=40)
    other = scene_factory("J-2", lon=RINKEBY[0] + 0.01, size_m=40)
    exported = tmp_path / "export.geojson"
    run_export("--format", "geojson", "--out", str(exported))
    data = json.loads(exported.read_text())
    first = next(f for f in data["features"] if f["properties"]["ref"] == "J-1")
    first["properties"]["name"] = "Rinkeby torg"
    first["geometry"] = square(*RINKEBY, 60)
    path = write(tmp_path, data)
    entries_before = AuditEntry.objects.count()

    out, _ = run_import(path)

    assert "0 created, 1 updated, 1 unchanged" in out
    scene.refresh_from_db()
    assert (scene.name, scene.version, scene.identified_on) == (
        "Rinkeby torg",
        2,
        date(2023, 1, 15),
    )
    assert scene.area_m2 == pytest.approx(14_400, rel=0.02)
    versions = list(scene.geometry_versions.order_by("valid_from"))
    today = timezone.localdate()
    assert [(v.valid_from, v.valid_to) for v in versions] == [
        (date(2023, 1, 15), date.fromordinal(today.toordinal() - 1)),
        (today, None),
    ]
    assert versions[0].area_m2 == pytest.approx(6400, rel=0.02)
    other.refresh_from_db()
    assert other.version == 1
    (entry,) = import_entries()
    assert (entry.changes["updated"], entry.changes["unchanged"]) == (1, 1)
    updates = AuditEntry.objects.filter(sequence__gt=entries_before, action="update")
    assert {e.object_id for e in updates} == {str(scene.pk)}


def test_an_import_closes_and_reopens_a_scene(tmp_path, scene_factory):
    scene = scene_factory("J-1")
    closing = feature("J-1", closed_on="2024-03-01", close_reason="merged", name="Plats J-1")
    run_import(write(tmp_path, collection(closing)))
    scene.refresh_from_db()
    assert (scene.closed_on, scene.close_reason, scene.version) == (date(2024, 3, 1), "merged", 2)
    run_import(write(tmp_path, collection(feature("J-1", name="Plats J-1")), "reopen.geojson"))
    scene.refresh_from_db()
    assert (scene.closed_on, scene.close_reason, scene.version) == (None, "", 3)


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, scene_factory):
    scene_factory("J-1")
    path = write(tmp_path, collection(feature("J-1", name="Nytt namn"), feature("J-2", size_m=30)))
    before = state()
    out, _ = run_import(path, "--dry-run")
    assert "dry run" in out and "would create 1, update 1, leave 0 unchanged" in out
    assert state() == before


def test_dry_run_of_a_bad_file_still_exits_2(tmp_path):
    path = write(tmp_path, collection(feature("J-1", lpo="Atlantis")))
    assert "lpo" in rejected(path, "--dry-run")


# --- bad input: exit 2, the problem located, nothing written -----------------------------

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [17.927, 59.387],
            [17.929, 59.389],
            [17.929, 59.387],
            [17.927, 59.389],
            [17.927, 59.387],
        ]
    ],
}


def _ring(*positions):
    return {"type": "Polygon", "coordinates": [list(positions)]}


BAD_FEATURES = {
    "geometry missing": (dict(geometry=None), "geometry", "missing"),
    "a point": (
        dict(geometry={"type": "Point", "coordinates": list(RINKEBY)}),
        "geometry",
        "Polygon or MultiPolygon",
    ),
    "empty geometry": (dict(geometry={"type": "Polygon", "coordinates": []}), "geometry", "empty"),
    "three positions": (
        dict(geometry=_ring([17.927, 59.387], [17.929, 59.389], [17.927, 59.387])),
        "geometry",
        "at least 4 positions",
    ),
    "unclosed ring": (
        dict(
            geometry=_ring([17.927, 59.387], [17.929, 59.387], [17.929, 59.389], [17.927, 59.389])
        ),
        "geometry",
        "not closed",
    ),
    "self-intersecting": (dict(geometry=BOWTIE), "geometry", "the outline crosses itself near"),
    "geometry as WKT text": (
        dict(geometry="POLYGON((1 1))"),
        "geometry",
        "must be a GeoJSON object such as",
    ),
    "coordinates as text": (
        dict(geometry={"type": "Polygon", "coordinates": "abc"}),
        "geometry",
        "coordinates must be a list of rings of [longitude, latitude] positions, not the text",
    ),
    "no coordinates": (dict(geometry={"type": "Polygon"}), "geometry", "has no coordinates"),
    "text coordinates": (
        dict(geometry=_ring(["a", "b"], ["c", "d"], ["e", "f"], ["a", "b"])),
        "geometry",
        "pairs of numbers",
    ),
    "outside the county": (dict(at=GOTHENBURG), "geometry", "outside Stockholm county"),
    "SWEREF coordinates in GeoJSON": (
        dict(
            geometry=_ring(
                [674000, 6583000], [674100, 6583000], [674100, 6583100], [674000, 6583000]
            )
        ),
        "geometry",
        "not WGS84",
    ),
    "too small": (dict(size_m=3), "geometry", "below the smallest scene size"),
    "unknown LPO": (dict(lpo="Järvaa"), "lpo", "unknown local police area 'Järvaa'"),
    "missing LPO": (dict(lpo=...), "lpo", "is required"),
    "missing name": (dict(name=...), "name", "is required"),
    "bad identified_on": (dict(identified_on="2023-13-01"), "identified_on", "ISO date"),
    "date as number": (dict(identified_on=20230115), "identified_on", "ISO date"),
    "closed before identified": (
        dict(closed_on="2022-01-01", close_reason="other"),
        "closed_on",
        "before identified_on",
    ),
    "closed without a reason": (dict(closed_on="2024-01-01"), "close_reason", "is required"),
    "unknown reason": (
        dict(closed_on="2024-01-01", close_reason="gone"),
        "close_reason",
        "unknown reason 'gone'",
    ),
    "reason without a date": (dict(close_reason="other"), "closed_on", "is required"),
}


@pytest.mark.parametrize("case", BAD_FEATURES)
def test_a_bad_feature_is_named_and_nothing_is_written(case, tmp_path, scene_factory):
    scene_factory("OLD-1")
    changes, field, message = BAD_FEATURES[case]
    changes = dict(changes)
    at = changes.pop("at", RINKEBY)
    size_m = changes.pop("size_m", 40.0)
    geometry = changes.pop("geometry", ...)
    bad = feature("BAD-1", at, size_m=size_m, **changes)
    if geometry is not ...:
        bad["geometry"] = geometry
    path = write(tmp_path, collection(feature("GOOD-1"), bad, feature("OLD-1", name="Nytt namn")))
    before = state()

    lines = rejected(path).splitlines()

    assert len(lines) == 1, lines
    assert lines[0].startswith(f"scenes.geojson, feature 2 (ref BAD-1), {field}: ")
    assert message in lines[0]
    assert state() == before


def test_a_missing_ref_names_the_feature_by_its_number(tmp_path):
    path = write(tmp_path, collection(feature("A-1"), feature(...)))
    assert rejected(path).strip() == "scenes.geojson, feature 2, ref: is required"
    assert not Scene.objects.exists()


def test_duplicate_refs_are_refused(tmp_path):
    path = write(tmp_path, collection(feature("D-1"), feature("D-2"), feature("D-1", SOLNA)))
    problem = rejected(path).strip()
    assert problem.startswith("scenes.geojson, feature 3 (ref D-1), ref: ")
    assert "more than once" in problem and "feature 1" in problem
    assert not Scene.objects.exists()


def test_nan_literals_are_reported_not_crashed_on(tmp_path):
    text = re.sub(r"17\.9\d*", "NaN", json.dumps(collection(feature("N-1"))), count=1)
    assert "NaN" in text
    problem = rejected(write(tmp_path, text)).strip()
    assert problem.startswith("scenes.geojson, feature 1 (ref N-1), geometry: ")
    assert "finite" in problem


def test_a_huge_integer_coordinate_is_reported(tmp_path):
    # An integer literal far beyond any float: json reads it as a Python int.
    text = re.sub(r"17\.9\d*", "1" + "0" * 400, json.dumps(collection(feature("N-1"))), count=1)
    problem = rejected(write(tmp_path, text)).strip()
    assert "feature 1 (ref N-1), geometry" in problem


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        (b'{"hello": "world"}', "not GeoJSON"),
        (b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
        (json.dumps(feature("F-1")).encode(), "single GeoJSON Feature, not a FeatureCollection"),
        (json.dumps(square(*RINKEBY)).encode(), "bare GeoJSON geometry"),
        (b'{"type": "FeatureCollection"}', '"features"'),
        (b"ref,name\nA,B\n", "is a text (CSV) file, not GeoJSON"),
        (b'{"type": "FeatureCollection", "name": "J\xe4rva", "features": []}', "UTF-8"),
        (
            json.dumps(
                {
                    **collection(feature("C-1")),
                    "crs": {"type": "name", "properties": {"name": "EPSG:3006"}},
                }
            ).encode(),
            "names the coordinate system EPSG:3006",
        ),
    ],
)
def test_a_file_that_is_not_a_geojson_feature_collection_is_refused(tmp_path, content, message):
    before = state()
    problem = rejected(write(tmp_path, content)).strip()
    assert problem.startswith("scenes.geojson: ")
    assert message in problem
    assert state() == before


def test_a_zip_named_geojson_is_refused_by_its_content(tmp_path):
    path = tmp_path / "scenes.geojson"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("scenes.geojson", json.dumps(collection(feature("Z-1"))))
    assert rejected(path).strip() == "scenes.geojson: is a ZIP archive, not GeoJSON"
    assert not Scene.objects.exists()


def test_an_empty_or_missing_file_is_refused(tmp_path):
    assert rejected(write(tmp_path, b"")).strip() == "scenes.geojson: is empty"
    assert rejected(tmp_path / "nowhere.geojson").strip() == "nowhere.geojson: no such file"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = write(tmp_path, collection(*(feature(f"L-{i}") for i in range(5))))
    monkeypatch.setattr(importing.ScenesImport, "max_bytes", 512)

    def must_not_read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(readers, "read_features", must_not_read)
    monkeypatch.setattr(files, "sniff_file_type", must_not_read)
    problem = rejected(path).strip()
    assert problem.startswith("scenes.geojson: is ")
    assert "MB, more than the" in problem
    assert not Scene.objects.exists()


def test_only_the_first_50_problems_are_listed(tmp_path):
    path = write(tmp_path, collection(*(feature(f"X-{i}", lpo="Nowhere") for i in range(60))))
    lines = rejected(path).splitlines()
    assert len(lines) == 51
    assert lines[0].startswith("scenes.geojson, feature 1 (ref X-0), lpo: ")
    assert lines[-1] == "… and 10 more"
    with pytest.raises(ImportRejected) as excinfo:
        scenes_import(path=path)
    assert (excinfo.value.total, len(excinfo.value.problems)) == (60, 50)


def test_properties_from_an_export_are_ignored_and_an_lpo_is_matched_without_case(tmp_path):
    extra = feature("E-1", lpo="järva", status="closed", area_m2=1, version=99, municipality="X")
    run_import(write(tmp_path, collection(extra)))
    scene = Scene.objects.get(ref="E-1")
    assert (scene.local_police_area.name, scene.version, scene.closed_on) == ("Järva", 1, None)


# --- GeoPackage ---------------------------------------------------------------------------


def reprojected(scenes_path, crs):
    """The exported GeoPackage's geometry (WKB) in another CRS, its columns and names."""
    meta, _, geometries, field_data = pyogrio.raw.read(scenes_path)
    shapes = [
        geo.project(shapely.from_wkb(wkb), source=geo.WGS84, target=crs) for wkb in geometries
    ]
    return np.array([shapely.to_wkb(s) for s in shapes], dtype=object), field_data, meta["fields"]


def closed_in_sodertalje(scene_factory):
    """A closed scene: its closed_on and close_reason must survive the round trips."""
    return scene_factory(
        "T-1",
        lpo="sodertalje",
        lon=SODERTALJE[0],
        lat=SODERTALJE[1],
        closed_on=date(2024, 1, 31),
        close_reason="other",
    )


def exported_gpkg(tmp_path):
    path = tmp_path / "scenes.gpkg"
    run_export("--format", "gpkg", "--out", str(path))
    return path


def gpkg_in(crs, tmp_path, scenes_path, name="scenes-3006.gpkg"):
    """The exported GeoPackage rewritten in another CRS, as another GIS would save it."""
    geometry, field_data, fields = reprojected(scenes_path, crs)
    path = tmp_path / name
    pyogrio.raw.write(
        str(path),
        geometry,
        field_data,
        list(fields),
        layer="scenes",
        driver="GPKG",
        geometry_type="MultiPolygon",
        crs=crs,
    )
    return path


def test_geopackage_round_trip_in_wgs84_and_sweref_changes_nothing(tmp_path, scene_factory):
    scene_factory("J-1")
    scene_factory("S-1", lpo="solna", lon=SOLNA[0], lat=SOLNA[1])
    closed_in_sodertalje(scene_factory)
    exported = exported_gpkg(tmp_path)
    info = pyogrio.read_info(exported)
    assert (info["crs"], info["features"], info["geometry_type"]) == (
        "EPSG:4326",
        3,
        "MultiPolygon",
    )
    assert {
        "ref",
        "lpo",
        "municipality_code",
        "area_m2",
        "point_lon",
        "point_lat",
        "version",
    } <= set(info["fields"])
    meta, _fids, _geometry, columns = pyogrio.raw.read(exported)
    column = dict(zip(meta["fields"], columns, strict=True))
    t1 = Scene.objects.get(ref="T-1")
    assert list(column["ref"]).index("T-1") == 2
    assert (column["point_lon"][2], column["point_lat"][2]) == (t1.point_lon, t1.point_lat)
    before = state()

    out, _ = run_import(exported)
    assert "0 created, 0 updated, 3 unchanged" in out
    in_sweref = gpkg_in(geo.SWEREF99TM, tmp_path, exported)
    assert pyogrio.read_info(in_sweref)["crs"] == "EPSG:3006"
    out, _ = run_import(in_sweref)
    assert "0 created, 0 updated, 3 unchanged" in out
    assert state() == before


def test_a_geopackage_in_sweref_creates_scenes_in_wgs84(tmp_path, scene_factory):
    scene_factory("J-1", size_m=50)
    exported = exported_gpkg(tmp_path)
    in_sweref = gpkg_in(geo.SWEREF99TM, tmp_path, exported)
    Scene.objects.all().delete()  # superuser-only in the app; here: start empty

    run_import(in_sweref)
    scene = Scene.objects.get(ref="J-1")
    assert scene.geometry == geo.normalised_geojson(geo.from_geojson(square(*RINKEBY, 50)))
    assert scene.municipality.code == "0180" and scene.area_m2 == pytest.approx(10_000, rel=0.02)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_geopackage_without_a_crs_is_refused(tmp_path):
    path = tmp_path / "nocrs.gpkg"
    pyogrio.raw.write(
        str(path),
        np.array([shapely.to_wkb(geo.from_geojson(square(*RINKEBY)))], dtype=object),
        [np.array(["G-1"], dtype=object)],
        ["ref"],
        layer="scenes",
        driver="GPKG",
        geometry_type="Polygon",
    )
    problem = rejected(path).strip()
    assert problem.startswith("nocrs.gpkg: ")
    assert "no coordinate reference system" in problem
    assert not Scene.objects.exists()


def test_a_bad_geopackage_feature_is_named_like_a_geojson_one(tmp_path):
    path = tmp_path / "points.gpkg"
    pyogrio.raw.write(
        str(path),
        np.array([shapely.to_wkb(shapely.Point(*RINKEBY))], dtype=object),
        [np.array(["P-1"], dtype=object), np.array(["Järva"], dtype=object)],
        ["REF", "lpo"],
        layer="scenes",
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:4326",
    )
    lines = rejected(path).splitlines()
    assert "points.gpkg, feature 1 (ref P-1), name: is required" in lines
    assert "points.gpkg, feature 1 (ref P-1), identified_on: is required" in lines
    assert any(line.startswith("points.gpkg, feature 1 (ref P-1), geometry: ") for line in lines)


def test_a_sqlite_file_that_is_no_geopackage_is_refused(tmp_path):
    path = tmp_path / "scenes.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    problem = rejected(path).strip()
    assert problem.startswith("scenes.gpkg: cannot be read as a GeoPackage")


# --- zipped shapefile ----------------------------------------------------------------------


def zipped_shapefile_in(crs, tmp_path, scenes_path, name="scenes.zip", *, leave_out=()):
    """The exported GeoPackage saved as a zipped shapefile in another CRS, as a GIS would
    (field names cut to 10 characters); `leave_out` drops parts (e.g. ".dbf") from the ZIP."""
    geometry, field_data, fields = reprojected(scenes_path, crs)
    directory = tmp_path / "shapefile"
    directory.mkdir()
    with pytest.warns(RuntimeWarning, match="Normalized/laundered field name"):
        pyogrio.raw.write(
            str(directory / "scenes.shp"),
            geometry,
            field_data,
            list(fields),
            driver="ESRI Shapefile",
            geometry_type="MultiPolygon",
            crs=crs,
        )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(directory.iterdir()):
            if part.suffix not in leave_out:
                archive.write(part, part.name)
    return path


def test_a_zipped_shapefile_in_sweref_imports_like_the_geopackage(tmp_path, scene_factory):
    scene_factory("J-1", size_m=50)
    closed_in_sodertalje(scene_factory)
    exported = exported_gpkg(tmp_path)
    shapefile = zipped_shapefile_in(geo.SWEREF99TM, tmp_path, exported)
    assert sniff_file_type(shapefile) == "shapefile"
    before = state()
    out, _ = run_import(shapefile)
    assert out.strip() == "scenes.zip: 2 read, 0 created, 0 updated, 2 unchanged."
    assert state() == before
    Scene.objects.all().delete()  # superuser-only in the app; here: start empty

    out, _ = run_import(shapefile)

    assert "2 read, 2 created, 0 updated, 0 unchanged" in out
    scene = Scene.objects.get(ref="J-1")
    assert scene.geometry == geo.normalised_geojson(geo.from_geojson(square(*RINKEBY, 50)))
    assert scene.municipality.code == "0180" and scene.area_m2 == pytest.approx(10_000, rel=0.02)
    assert scene.identified_on == date(2023, 1, 15)
    closed = Scene.objects.get(ref="T-1")  # identified_on and close_reason, cut to 10
    assert (closed.closed_on, closed.close_reason) == (date(2024, 1, 31), "other")
    (entry,) = import_entries()
    assert (entry.object_repr, entry.changes["format"], entry.changes["created"]) == (
        "scenes.zip",
        "shapefile",
        2,
    )


def test_a_zip_without_a_shapefile_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "scenes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("scenes.geojson", json.dumps(collection(feature("Z-1"))))
    assert rejected(path).strip() == "scenes.zip: is a ZIP archive, not a zipped shapefile"
    assert not Scene.objects.exists()


def test_a_zipped_shapefile_without_its_attribute_table_is_refused(tmp_path, scene_factory):
    scene_factory("J-1")
    exported = exported_gpkg(tmp_path)
    shapefile = zipped_shapefile_in(geo.SWEREF99TM, tmp_path, exported, leave_out=(".dbf",))
    before = state()
    assert rejected(shapefile).strip() == (
        "scenes.zip: the shapefile lacks its .dbf part; zip all the files of the shapefile together"
    )
    assert state() == before


# --- export -------------------------------------------------------------------------------


def test_geojson_export_to_stdout_carries_the_derived_attributes(scene_factory):
    scene_factory("J-1")
    scene_factory("T-1", lpo="sodertalje", lon=SODERTALJE[0], lat=SODERTALJE[1])
    data = json.loads(run_export("--format", "geojson", "--out", "-"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    first = data["features"][0]
    assert first["id"] == "J-1"
    assert first["properties"] == {
        "ref": "J-1",
        "name": "Plats J-1",
        "lpo": "Järva",
        "identified_on": "2023-01-15",
        "closed_on": None,
        "close_reason": None,
        "status": "active",
        "municipality_code": "0180",
        "municipality": "Stockholm",
        "district": "Järva",
        "area_m2": pytest.approx(6400, rel=0.02),
        "point_lon": pytest.approx(RINKEBY[0], abs=0.001),
        "point_lat": pytest.approx(RINKEBY[1], abs=0.001),
        "nearest_station": first["properties"]["nearest_station"],
        "station_distance_m": pytest.approx(first["properties"]["station_distance_m"]),
        "version": 1,
    }
    assert first["properties"]["nearest_station"]
    stored = Scene.objects.get(ref="J-1")
    assert (first["properties"]["point_lon"], first["properties"]["point_lat"]) == (
        stored.point_lon,
        stored.point_lat,
    )
    assert first["geometry"] == stored.geometry
    (entry,) = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT)
    assert entry.changes == {"format": "geojson", "count": 2}


def test_a_geopackage_cannot_go_to_stdout():
    with pytest.raises(CommandError) as excinfo:
        run_export("--format", "gpkg", "--out", "-")
    assert excinfo.value.returncode == 2


def test_an_unwritable_export_path_exits_2(tmp_path, scene_factory):
    scene_factory("J-1")
    for kind in ("geojson", "gpkg"):
        with pytest.raises(CommandError) as excinfo:
            run_export("--format", kind, "--out", str(tmp_path / "no" / "such" / f"scenes.{kind}"))
        assert excinfo.value.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_export_of_no_scenes_is_an_empty_collection(tmp_path):
    assert json.loads(run_export("--format", "geojson", "--out", "-"))["features"] == []
    run_export("--format", "gpkg", "--out", str(tmp_path / "empty.gpkg"))
    assert pyogrio.read_info(tmp_path / "empty.gpkg")["features"] == 0


# --- acting as a user ---------------------------------------------------------------------


@pytest.fixture
def county(scene_factory):
    return {
        "J-1": scene_factory("J-1"),
        "S-1": scene_factory("S-1", lpo="solna", lon=SOLNA[0], lat=SOLNA[1]),
        "T-1": scene_factory("T-1", lpo="sodertalje", lon=SODERTALJE[0], lat=SODERTALJE[1]),
    }


def exported_refs(*args):
    data = json.loads(run_export("--format", "geojson", "--out", "-", *args))
    return [f["properties"]["ref"] for f in data["features"]]


def test_an_export_as_a_user_holds_only_the_scenes_the_user_sees(county, make_user):
    solna = make_user("kommun:0184", "viewer")
    jarva = make_user("lpo:jarva", "editor")
    coordinator = make_user("samordningskansliet", "viewer")
    assert exported_refs("--as", solna.username) == ["S-1"]
    assert exported_refs("--as", jarva.username) == ["J-1"]
    assert exported_refs("--as", coordinator.username) == ["J-1", "S-1", "T-1"]
    assert exported_refs() == ["J-1", "S-1", "T-1"]
    entry = AuditEntry.objects.filter(action="export").order_by("sequence").first()
    assert (entry.username, entry.changes["count"]) == (solna.username, 1)


def test_an_lpo_editor_cannot_import_another_areas_scene(tmp_path, county, make_user):
    editor = make_user("lpo:jarva", "editor")
    before = state()
    new_in_solna = feature("S-2", SOLNA, lpo="Solna")
    lines = rejected(write(tmp_path, collection(new_in_solna)), "--as", editor.username)
    assert lines.strip().startswith("scenes.geojson, feature 1 (ref S-2), lpo: ")
    taken_over = feature("S-1", SOLNA, lpo="Järva")
    lines = rejected(write(tmp_path, collection(taken_over)), "--as", editor.username)
    assert lines.strip() == (  # a scene the editor cannot see: no more than its ref is taken
        "scenes.geojson, feature 1 (ref S-1), ref: is already used by another scene"
    )
    moved_away = feature("J-1", lpo="Solna")
    lines = rejected(write(tmp_path, collection(moved_away)), "--as", editor.username)
    assert lines.strip().startswith("scenes.geojson, feature 1 (ref J-1), lpo: ")
    assert state() == before


def test_an_lpo_editor_imports_scenes_of_the_own_area(tmp_path, county, make_user):
    editor = make_user("lpo:jarva", "editor")
    path = write(tmp_path, collection(feature("J-1", name="Nytt"), feature("J-9", size_m=30)))
    out, _ = run_import(path, "--as", editor.username)
    assert "1 created, 1 updated" in out
    (entry,) = import_entries()
    assert (entry.username, entry.via) == (editor.username, "command")
    assert Scene.objects.get(ref="J-9").geometry_versions.get().recorded_by == editor


def test_a_viewer_cannot_import(tmp_path, county, make_user):
    viewer = make_user("lpo:jarva", "viewer")
    path = write(tmp_path, collection(feature("J-1", name="Nytt")))
    lines = rejected(path, "--as", viewer.username)
    assert "ref: belongs to a scene you may not change" in lines


def test_reimporting_the_own_export_as_the_user_changes_nothing(tmp_path, county, make_user):
    # A municipality's case worker sees the scenes in it but may not change them.
    solna = make_user("kommun:0184", "editor")
    path = tmp_path / "solna.geojson"
    run_export("--format", "geojson", "--out", str(path), "--as", solna.username)
    before = state()
    out, _ = run_import(path, "--as", solna.username)
    assert "1 read, 0 created, 0 updated, 1 unchanged" in out
    assert state() == before
    # A changed feature is still refused; a scene the user cannot see is only "taken".
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["name"] = "Annat namn"
    data["features"].append(feature("T-1", SODERTALJE, lpo="Södertälje"))  # unseen, equal
    lines = rejected(write(tmp_path, data), "--as", solna.username)
    assert lines.strip().splitlines() == [
        "scenes.geojson, feature 1 (ref S-1), ref: belongs to a scene you may not change",
        "scenes.geojson, feature 2 (ref T-1), ref: is already used by another scene",
    ]
    assert state() == before


def test_an_unknown_user_exits_2(tmp_path):
    path = write(tmp_path, collection(feature("J-1")))
    for command, args in (
        ("import_scenes", [str(path)]),
        ("export_scenes", ["--format", "geojson", "--out", "-"]),
    ):
        with pytest.raises(CommandError, match="nobody") as excinfo:
            call_command(command, *args, "--as", "nobody", stdout=io.StringIO())
        assert excinfo.value.returncode == 2
    assert not Scene.objects.exists()


# --- the framework ------------------------------------------------------------------------


def test_problems_read_file_where_field_message():
    assert str(ImportProblem("a.csv", "row 3", "year", "is required")) == (
        "a.csv, row 3, year: is required"
    )
    assert str(ImportProblem("a.csv", message="is empty")) == "a.csv: is empty"
    assert imports.feature_label(3, "P-1") == "feature 3 (ref P-1)"
    assert imports.row_label(12) == "row 12"


def test_file_types_are_told_by_content(tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    workbook = openpyxl.Workbook()
    workbook.save(tmp_path / "book.geojson")
    pq.write_table(pa.table({"a": [1]}), tmp_path / "table.csv")
    with zipfile.ZipFile(tmp_path / "archive.xlsx", "w") as archive:
        archive.writestr("scenes.shp", b"x")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", b"x")
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    write(tmp_path, b'{"a": 1}\n{"a": 2}\n', "lines.json")
    write(tmp_path, b"\xef\xbb\xbf  \n{}", "bom.txt")
    write(tmp_path, b"[]", "array.gpkg")
    write(tmp_path, "scene_ref;year\nA;2024\n", "counts.json")
    write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00", "image.geojson")
    write(tmp_path, b"", "empty.csv")
    pyogrio.raw.write(
        str(tmp_path / "real.gpkg"),
        np.array([shapely.to_wkb(shapely.Point(0, 0))], dtype=object),
        [np.array([1])],
        ["a"],
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:4326",
    )
    kinds = {p.name: sniff_file_type(p) for p in tmp_path.iterdir()}
    assert kinds == {
        "book.geojson": "xlsx",
        "table.csv": "parquet",
        "archive.xlsx": "shapefile",
        "other.zip": "zip",
        "sheet.xlsx": "ods",
        "lines.json": "jsonl",
        "bom.txt": "geojson",
        "array.gpkg": "geojson",
        "counts.json": "csv",
        "image.geojson": "unknown",
        "empty.csv": "unknown",
        "real.gpkg": "gpkg",
    }


def test_values_are_read_leniently_but_never_guessed():
    assert imports.date_value("2024-02-29", required=True) == date(2024, 2, 29)
    assert imports.date_value("2024-02-29T00:00:00", required=True) == date(2024, 2, 29)
    assert imports.date_value("", required=False) is None
    for bad in ("2024-02-30", "29/2/2024", "2024-02-29T10:00:00", 2024, True):
        with pytest.raises(imports.FieldInvalid):
            imports.date_value(bad, required=True)
    assert imports.text_value(" P-1 ", required=True) == "P-1"
    assert imports.text_value(12, required=True) == "12"
    for bad in (None, "  ", float("nan"), 1.5, True, ["x"], "\ud800"):
        with pytest.raises(imports.FieldInvalid):
            imports.text_value(bad, required=True)


def test_progress_shows_on_request_or_for_large_files_on_a_terminal():
    stream = io.StringIO()
    with imports.TerminalProgress("x", stream=stream, always=True) as bar:
        for done in range(4):
            bar.update(done, 3)
    assert "3/3" in stream.getvalue()
    quiet = io.StringIO()  # not a terminal
    with imports.TerminalProgress("x", stream=quiet) as bar:
        bar.update(2000, 2000)
    assert quiet.getvalue() == ""


def test_the_service_returns_counts_and_export_accepts_a_stream(tmp_path, scene_factory):
    scene_factory("J-1")
    stream = io.BytesIO()
    assert scenes_export(path_or_stream=stream, format="gpkg") == 1
    path = tmp_path / "stream.gpkg"
    path.write_bytes(stream.getvalue())
    result = scenes_import(path=path)
    assert (result.read, result.created, result.updated, result.unchanged) == (1, 0, 0, 1)


def test_an_export_can_be_narrowed_with_the_list_filters(tmp_path, county):
    from drogscen.scenes.services import scene_close

    scene_close(scene=county["T-1"], closed_on=date(2024, 6, 1), reason="other", expected_version=1)
    stream = io.StringIO()
    count = scenes_export(path_or_stream=stream, format="geojson", filters={"status": "active"})
    refs = [f["properties"]["ref"] for f in json.loads(stream.getvalue())["features"]]
    assert (count, refs) == (2, ["J-1", "S-1"])
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.changes == {"format": "geojson", "count": 2, "filters": {"status": "active"}}
