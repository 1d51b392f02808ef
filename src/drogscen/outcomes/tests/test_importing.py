"""The outcome imports (outcomes/importing.py and the commands): events, counts, youth
signals and surveys; the shipped defaults; the crime-code admin."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from drogscen.audit.models import AuditEntry
from drogscen.core import registry
from drogscen.core.imports import ImportRejected
from drogscen.outcomes import event_store, importing, recompute
from drogscen.outcomes.models import (
    AggregatedCount,
    CrimeCode,
    CrimeEvent,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
)

HEADER = "event_id,occurred_at,crime_code,x,y\n"
# T-Centralen, Stockholm; Gothenburg (in Sweden, far outside the county)
CITY = (674_000.0, 6_580_500.0)
GOTHENBURG = (319_000.0, 6_400_000.0)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def recomputed(monkeypatch):
    """Records the recomputations asked for instead of running them."""
    calls = []
    monkeypatch.setattr(
        importing,
        "schedule_recompute_near",
        lambda x, y, *, reason: calls.append(("near", len(x), reason)),
    )
    monkeypatch.setattr(
        importing,
        "schedule_recompute",
        lambda *, scene_ids, reason: calls.append(("scenes", scene_ids, reason)),
    )
    return calls


def events_file(tmp_path: Path, rows: list[str], name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


ROWS = [
    f"E1,2024-03-01T21:30,0372,{CITY[0]},{CITY[1]}",
    f"E2,2024-03-02T10:00,5010,{CITY[0] + 100},{CITY[1]}",
    f"E3,2024-03-03T10:00,9999,{CITY[0] + 200},{CITY[1]}",
]


# --------------------------------------------------------------------------- events


@pytest.mark.django_db
def test_events_are_stored_once_and_corrections_update_them(
    tmp_path, recomputed, django_capture_on_commit_callbacks
):
    path = events_file(tmp_path, ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("import_events", str(path), "--source", "polisen")
    assert "3 rows read, 3 inserted, 0 updated, 0 unchanged" in out
    assert "crime codes not in the code table (counted as other: 9999)" in out
    stored = CrimeEvent.objects.get(source="polisen", event_id="E1")
    assert stored.occurred_at == datetime(2024, 3, 1, 20, 30, tzinfo=UTC)
    assert (stored.crime_code, stored.x, stored.y) == ("0372", *CITY)
    entries = AuditEntry.objects.filter(
        action=AuditEntry.Action.IMPORT, object_type__contains="crimeevent"
    )
    assert entries.count() == 1
    assert entries.get().changes["inserted"] == 3 and len(entries.get().changes["sha256"]) == 64
    assert recomputed == [("near", 3, "events")]

    out, _ = run("import_events", str(path), "--source", "polisen")
    assert "3 rows read, 0 inserted, 0 updated, 3 unchanged" in out
    assert entries.count() == 1  # nothing written, nothing recorded

    corrected = events_file(tmp_path, [ROWS[0], ROWS[1].replace("5010", "5020"), ROWS[2]], "v2.csv")
    out, _ = run("import_events", str(corrected), "--source", "polisen")
    assert "0 inserted, 1 updated, 2 unchanged" in out
    assert CrimeEvent.objects.get(event_id="E2").crime_code == "5020"
    # another source keeps its own ids
    run("import_events", str(path), "--source", "kommunen")
    assert CrimeEvent.objects.count() == 6


def event_indexes() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, CrimeEvent._meta.db_table)
    return {name for name, info in constraints.items() if info["index"]}


@pytest.mark.django_db
def test_a_large_import_rebuilds_the_indexes_and_a_failed_one_keeps_them(
    tmp_path, recomputed, monkeypatch
):
    # SQLite drops and rebuilds the secondary indexes around a large insert; here
    # "large" is two rows so the path runs on a small file.
    monkeypatch.setattr(event_store, "BULK_LOAD_ROWS", 2)
    before = event_indexes()
    assert {"event_occurred_at", "event_xy"} <= before
    run("import_events", str(events_file(tmp_path, ROWS)), "--source", "polisen")
    assert event_indexes() == before
    assert CrimeEvent.objects.filter(occurred_at__date="2024-03-02").count() == 1

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "record_import", broken)
    rows = [r.replace("E", "F") for r in ROWS]
    with pytest.raises(RuntimeError):
        importing.events_import(path=events_file(tmp_path, rows, "b.csv"), source="polisen")
    assert event_indexes() == before
    assert not CrimeEvent.objects.filter(event_id__startswith="F").exists()


@pytest.mark.django_db
def test_a_bad_file_writes_nothing_and_exits_2(tmp_path, recomputed):
    path = events_file(tmp_path, [ROWS[0], "E2,not a date,0372,674000,6580500"])
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_events", str(path), "--source", "polisen", stderr=err)
    assert caught.value.returncode == 2
    assert "events.csv, row 3, occurred_at: must be a date and time" in err.getvalue()
    assert not CrimeEvent.objects.exists()
    assert recomputed == []


@pytest.mark.django_db
def test_lon_lat_given_as_sweref_is_refused_even_with_skip_invalid(tmp_path):
    path = events_file(tmp_path, ["E1,2024-03-01,0372,18.06,59.33"])
    with pytest.raises(ImportRejected) as caught:
        importing.events_import(path=path, source="polisen", skip_invalid=True)
    assert "use --crs EPSG:4326" in str(caught.value)
    result = importing.events_import(path=path, source="polisen", crs="EPSG:4326")
    assert result.created == 1


@pytest.mark.django_db
def test_skip_invalid_imports_the_rest_and_writes_the_rejects(tmp_path, recomputed):
    path = events_file(tmp_path, [ROWS[0], "BAD,2024-03-01,0372,abc,6580500", ROWS[1]])
    rejects = tmp_path / "rejects.csv"
    out, err = run(
        "import_events", str(path), "--source", "polisen", "--skip-invalid", str(rejects)
    )
    assert "2 inserted" in out and "1 invalid row left out" in out
    assert "row 3, x: must be a number, not 'abc'" in err
    written = pd.read_csv(rejects, dtype=str)
    assert written[["row", "event_id", "x"]].values.tolist() == [["3", "BAD", "abc"]]
    assert written["reason"].iloc[0] == "x: must be a number, not 'abc'"
    assert set(CrimeEvent.objects.values_list("event_id", flat=True)) == {"E1", "E2"}


@pytest.mark.django_db
def test_events_outside_the_county_are_reported_not_stored(tmp_path, recomputed):
    path = events_file(tmp_path, [ROWS[0], f"FAR,2024-03-01,0372,{GOTHENBURG[0]},{GOTHENBURG[1]}"])
    out, err = run("import_events", str(path), "--source", "polisen")
    assert "1 inserted" in out and "1 event outside the county skipped" in out
    assert "row 3 (event FAR): 319000, 6400000" in err
    assert list(CrimeEvent.objects.values_list("event_id", flat=True)) == ["E1"]
    # a stored event corrected to a position outside the county is removed
    moved = events_file(
        tmp_path, [f"E1,2024-03-01T21:30,0372,{GOTHENBURG[0]},{GOTHENBURG[1]}"], "m.csv"
    )
    result = importing.events_import(path=moved, source="polisen")
    assert (result.removed, result.details["skipped"]) == (1, 1)
    assert not CrimeEvent.objects.exists()


@pytest.mark.django_db
def test_dry_run_counts_without_writing(tmp_path, recomputed):
    out, _ = run("import_events", str(events_file(tmp_path, ROWS)), "--source", "p", "--dry-run")
    assert "dry run, nothing written. 3 rows read; would insert 3" in out
    assert not CrimeEvent.objects.exists()


@pytest.mark.django_db
def test_stockholm_city_coordinates_are_stored_in_sweref_99_tm(tmp_path, recomputed):
    # The same spot in SWEREF 99 18 00 (EPSG:3011) and lon/lat: both land on one point.
    from pyproj import Transformer

    lon, lat = 18.0649, 59.3326
    x11, y11 = Transformer.from_crs("EPSG:4326", "EPSG:3011", always_xy=True).transform(lon, lat)
    importing.events_import(
        path=events_file(tmp_path, [f"A,2024-01-01,0372,{x11},{y11}"], "a.csv"),
        source="stad",
        crs="EPSG:3011",
    )
    importing.events_import(
        path=events_file(tmp_path, [f"B,2024-01-01,0372,{lon},{lat}"], "b.csv"),
        source="stad",
        crs="EPSG:4326",
    )
    a, b = CrimeEvent.objects.get(event_id="A"), CrimeEvent.objects.get(event_id="B")
    assert abs(a.x - b.x) < 1 and abs(a.y - b.y) < 1
    assert 673_000 < a.x < 676_000 and 6_579_000 < a.y < 6_582_000


@pytest.mark.django_db
def test_parquet_import_and_the_progress_callback(tmp_path, recomputed):
    frame = pd.DataFrame(
        {
            "event_id": [f"P{i}" for i in range(120)],
            "occurred_at": pd.date_range(
                "2023-01-01", periods=120, freq="D", tz="Europe/Stockholm"
            ),
            "crime_code": "0372",
            "x": CITY[0] + pd.Series(range(120)) * 5.0,
            "y": CITY[1],
        }
    )
    frame.to_parquet(tmp_path / "e.parquet")
    seen = []
    result = importing.events_import(
        path=tmp_path / "e.parquet", source="polisen", on_progress=lambda d, t: seen.append((d, t))
    )
    assert result.created == 120
    assert seen[0] == (0, 120) and seen[-1] == (120, 120)
    stored = CrimeEvent.objects.get(event_id="P0").occurred_at
    assert stored == datetime(2022, 12, 31, 23, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_recomputation_of_the_scenes_near_the_events(
    tmp_path, scene_factory, django_capture_on_commit_callbacks
):
    """Integration with outcomes.indicators: the import asks for the scenes near the
    changed events to be recomputed, and the scene's indicators show the events."""
    pytest.importorskip("drogscen.outcomes.indicators")
    from drogscen.core import geo

    scene = scene_factory("S-1", lon=18.0649, lat=59.3326, size_m=60)
    x, y = geo.project_xy([18.0649], [59.3326], source=geo.WGS84, target=geo.SWEREF99TM)
    path = events_file(tmp_path, [f"E1,2024-05-01T12:00,0372,{x[0]},{y[0]}"])
    with django_capture_on_commit_callbacks(execute=True):
        importing.events_import(path=path, source="polisen")
    inside = Indicator.objects.filter(scene=scene, zone="inside", category="violent", year=2024)
    assert sum(inside.values_list("count", flat=True)) == 1


def stored_events(source: str) -> set[tuple]:
    return set(
        CrimeEvent.objects.filter(source=source).values_list(
            "event_id", "occurred_at", "crime_code", "x", "y"
        )
    )


def zipped_shapefile(tmp_path: Path, rows: list[str]) -> Path:
    """The rows as a zipped point shapefile in SWEREF 99 TM, as GIS tools write one:
    the column names cut to 10 characters (occurred_at becomes occurred_a)."""
    import warnings
    import zipfile

    import numpy as np
    import shapely
    from pyogrio.raw import write as write_raw

    cells = [row.split(",") for row in rows]
    folder = tmp_path / "shp"
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL says it cut the names
        write_raw(
            str(folder / "brott.shp"),
            geometry=shapely.to_wkb(
                shapely.points([float(c[3]) for c in cells], [float(c[4]) for c in cells])
            ),
            field_data=[np.array([c[i] for c in cells], dtype=object) for i in range(3)],
            fields=["event_id", "occurred_at", "crime_code"],
            geometry_type="Point",
            crs="EPSG:3006",
            driver="ESRI Shapefile",
        )
    path = tmp_path / "brott.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, part.name)
    return path


def json_lines(tmp_path: Path, rows: list[str]) -> Path:
    import json

    lines = []
    for row in rows:
        event_id, occurred_at, code, x, y = row.split(",")
        record = {"event_id": event_id, "occurred_at": occurred_at, "crime_code": code}
        lines.append(json.dumps({**record, "x": float(x), "y": float(y)}))
    path = tmp_path / "brott.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("make", [zipped_shapefile, json_lines], ids=["shapefile", "jsonl"])
def test_a_zipped_shapefile_and_json_lines_import_like_the_csv(tmp_path, recomputed, make):
    run("import_events", str(events_file(tmp_path, ROWS)), "--source", "csv")
    path = make(tmp_path, ROWS)
    out, _ = run("import_events", str(path), "--source", "other")
    assert f"{path.name}: 3 rows read, 3 inserted, 0 updated, 0 unchanged" in out
    assert stored_events("other") == stored_events("csv")
    out, _ = run("import_events", str(path), "--source", "other")
    assert "0 inserted, 0 updated, 3 unchanged" in out


@pytest.mark.django_db
def test_a_bad_json_line_is_named_by_its_line(tmp_path):
    path = json_lines(tmp_path, ROWS[:2])
    path.write_text(path.read_text() + '{"event_id": "E3", \n', encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_events", str(path), "--source", "polisen", stderr=err)
    assert caught.value.returncode == 2
    assert "brott.jsonl, line 3: is not valid JSON" in err.getvalue()
    assert not CrimeEvent.objects.exists()


# --------------------------------------------------------------------------- counts, youth, surveys


def table_file(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_counts_insert_update_and_conflict_with_events(
    tmp_path, scene_factory, recomputed, django_capture_on_commit_callbacks
):
    scene = scene_factory("S-1")
    Indicator.objects.create(
        scene=scene, zone="inside", category="violent", year=2024, month=3, count=9
    )
    path = table_file(
        tmp_path,
        "scene_ref,year,zone,category,count\nS-1,2019,inside,violent,12\nS-1,2024,inside,violent,20\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run("import_counts", str(path))
    assert "2 read, 2 created, 0 updated, 0 unchanged" in out
    assert (
        "row 3: scene S-1, 2024, inside, violent has crime events (9); "
        "the count from the events is used, not 20" in err
    )
    assert recomputed == [("scenes", {scene.pk}, "counts")]
    out, _ = run("import_counts", str(path))
    assert "0 created, 0 updated, 2 unchanged" in out
    path.write_text("scene_ref,year,zone,category,count\nS-1,2019,inside,violent,13\n")
    out, _ = run("import_counts", str(path))
    assert "1 updated" in out
    assert AggregatedCount.objects.get(year=2019).count == 13


@pytest.mark.django_db
def test_youth_signals_from_a_spreadsheet(tmp_path, scene_factory, recomputed):
    scene_factory("S-1")
    pd.DataFrame(
        {
            "scene_ref": ["S-1", "S-1"],
            "year": [2024, 2024],
            "quarter": [1, 2],
            "indicator": ["minors_encountered", "concern_reports"],
            "count": [2, 5],
        }
    ).to_excel(tmp_path / "y.xlsx", index=False)
    out, _ = run("import_counts", str(tmp_path / "y.xlsx"))
    assert "2 created" in out
    assert sorted(YouthSignal.objects.values_list("quarter", "indicator", "count")) == [
        (1, "minors_encountered", 2),
        (2, "concern_reports", 5),
    ]


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def ods_file(path: Path, rows: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet as LibreOffice saves one: text cells and
    numbers (float cells)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value) -> str:
        if isinstance(value, str):
            return (
                '<table:table-cell office:value-type="string">'
                f"<text:p>{escape(value)}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Tabell1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{ODS_MIMETYPE}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        # the mimetype first and stored uncompressed, as the format asks
        archive.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


@pytest.mark.django_db
def test_counts_from_an_opendocument_spreadsheet(tmp_path, scene_factory, recomputed):
    scene = scene_factory("S-1")
    path = ods_file(
        tmp_path / "antal.ods",
        [
            ["scene_ref", "year", "zone", "category", "count"],
            ["S-1", 2019, "inside", "violent", 12],
            ["S-1", 2020, "buffer_200", "drug", 3],
        ],
    )
    out, _ = run("import_counts", str(path))
    assert "antal.ods: 2 read, 2 created, 0 updated, 0 unchanged" in out
    assert sorted(AggregatedCount.objects.values_list("year", "zone", "category", "count")) == [
        (2019, "inside", "violent", 12),
        (2020, "buffer_200", "drug", 3),
    ]
    assert recomputed == [("scenes", {scene.pk}, "counts")]
    out, _ = run("import_counts", str(path))
    assert "0 created, 0 updated, 2 unchanged" in out


@pytest.mark.django_db
def test_a_bad_count_in_a_spreadsheet_is_named_by_its_row(tmp_path, scene_factory):
    scene_factory("S-1")
    path = ods_file(
        tmp_path / "antal.ods",
        [
            ["scene_ref", "year", "zone", "category", "count"],
            ["S-1", 2019, "inside", "violent", 2.5],
        ],
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_counts", str(path), stderr=err)
    assert "antal.ods, row 2, count: must be a whole number, not 2.5" in err.getvalue()
    assert not AggregatedCount.objects.exists()


@pytest.mark.django_db
def test_counts_only_for_scenes_within_the_writers_reach(
    tmp_path, scene_factory, make_user, recomputed
):
    scene_factory("S-JARVA", lpo="jarva")
    scene_factory("S-SOLNA", lpo="solna", lon=18.0000, lat=59.3600)
    stockholm = make_user("kommun:0180", "editor")
    stockholm_viewer = make_user("kommun:0180", "viewer")
    path = table_file(
        tmp_path,
        "scene_ref,year,zone,category,count\nS-JARVA,2019,inside,violent,1\nS-SOLNA,2019,inside,violent,1\n",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_counts", str(path), "--as", stockholm.username, stderr=err)
    assert (
        "t.csv, row 3, scene_ref: no scene with ref 'S-SOLNA' that you may record outcome data for"
        in err.getvalue()
    )
    assert not AggregatedCount.objects.exists()
    path.write_text("scene_ref,year,zone,category,count\nS-JARVA,2019,inside,violent,1\n")
    with pytest.raises(CommandError):
        call_command(
            "import_counts", str(path), "--as", stockholm_viewer.username, stderr=StringIO()
        )
    run("import_counts", str(path), "--as", stockholm.username)
    assert AggregatedCount.objects.count() == 1


@pytest.mark.django_db
def test_survey_results(tmp_path, scene_factory):
    scene_factory("S-1")
    path = table_file(
        tmp_path,
        "scene_ref,year,indicator,value,respondents\nS-1,2024,unsafe_evening,41.5,220\nS-1,2024,safety_index,3.4,180\n",
    )
    out, _ = run("import_survey", str(path))
    assert "2 created" in out
    result = SurveyResult.objects.get(indicator__code="unsafe_evening")
    assert (result.value, result.respondents) == (41.5, 220)
    path.write_text(
        "scene_ref,year,indicator,value,respondents\nS-1,2024,unsafe_evening,140,220\nS-2,2024,trust_police,50,10\n"
    )
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_survey", str(path), stderr=err)
    assert caught.value.returncode == 2
    assert "row 2, value: 140 is outside the range of unsafe_evening (0–100)" in err.getvalue()
    assert "row 3, scene_ref: no scene with ref 'S-2'" in err.getvalue()
    assert SurveyResult.objects.get(indicator__code="unsafe_evening").value == 41.5

    # a correction: the audit trail keeps the row's value before and after
    path.write_text("scene_ref,year,indicator,value,respondents\nS-1,2024,unsafe_evening,12,220\n")
    run("import_survey", str(path))
    entry = AuditEntry.objects.filter(object_type="outcomes.surveyresult").latest("sequence")
    (row,) = entry.changes["rows"]
    assert row["id"] == result.pk and row["year"] == 2024
    assert row["before"] == {"value": 41.5, "respondents": 220}
    assert row["after"] == {"value": 12.0, "respondents": 220}


@pytest.mark.django_db
def test_who_may_upload_outcome_files(scene_factory, make_user):
    """Events: the police and the coordination office. Counts and surveys: whoever may
    record outcome data for some scene (its LPO, its municipality, the county)."""
    scene_factory("S-JARVA", lpo="jarva")
    jarva, stockholm, region, stockholm_viewer = (
        make_user("lpo:jarva", "editor"),
        make_user("kommun:0180", "editor"),
        make_user("region", "editor"),
        make_user("kommun:0180", "viewer"),
    )
    assert importing.EventsImport.may_import(jarva)
    assert not importing.EventsImport.may_import(stockholm)
    for spec in (importing.CountsImport, importing.SurveyImport):
        assert spec.may_import(jarva) and spec.may_import(stockholm)
        assert not spec.may_import(region) and not spec.may_import(stockholm_viewer)


# --------------------------------------------------------------------------- defaults, admin


@pytest.mark.django_db
def test_shipped_defaults_are_loaded_once_and_edits_kept_unless_refreshed():
    assert CrimeCode.objects.filter(code="0372", categories=["violent"]).exists()
    assert set(CrimeCode.objects.get(code="5020").categories) == {"detected", "drug"}
    assert SurveyIndicator.objects.get(code="safety_index").max_value == 5
    code = CrimeCode.objects.get(code="0372")
    code.categories = ["other"]
    code.save()
    run("load_reference_data")
    assert CrimeCode.objects.get(code="0372").categories == ["other"]
    run("load_reference_data", "--refresh")
    assert CrimeCode.objects.get(code="0372").categories == ["violent"]


@pytest.mark.django_db
def test_changing_a_crime_code_in_the_admin_recomputes(
    client, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        recompute,
        "schedule_recompute",
        lambda *, scene_ids, reason: calls.append((scene_ids, reason)),
    )
    client.force_login(make_user("samordningskansliet", "editor"))
    code = CrimeCode.objects.get(code="0401")
    url = reverse("admin:outcomes_crimecode_change", args=[code.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "code": "0401",
                "name_sv": code.name_sv,
                "name_en": code.name_en,
                "categories": ["violent", "other"],
            },
        )
    assert response.status_code == 302
    assert CrimeCode.objects.get(pk=code.pk).categories == ["violent", "other"]
    assert calls == [(None, "crime codes")]
