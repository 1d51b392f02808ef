"""Reading and checking the outcome files (outcomes/parsing.py), without a database."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drogscen.core.imports import ImportRejected, file_checked
from drogscen.core.imports.readers import Table, read_table
from drogscen.outcomes import parsing
from drogscen.outcomes.importing import EventsImport, SceneTableImport

HEADER = ",".join(parsing.EVENT_COLUMNS)
NOW = datetime(2025, 6, 1, tzinfo=UTC)
# GRS 80, the ellipsoid of SWEREF 99
A, F = 6_378_137.0, 1 / 298.257222101


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write(tmp_path: Path, text: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, spec=SceneTableImport) -> Table:
    """The file as the import reads it: checked as a whole, then by the core reader."""
    kind = file_checked(path, label=path.name, accepted=spec.accepted, expected=spec.expected)
    return read_table(path, label=path.name, kind=kind)


def parse(path: Path, crs: str = "EPSG:3006") -> parsing.ParsedEvents:
    return parsing.parse_events(read(path, EventsImport), crs=crs, now=NOW)


def messages(parsed: parsing.ParsedEvents) -> list[str]:
    return [str(p) for p in parsed.problems]


def meridian_arc(lat_deg: float) -> float:
    """Length of the meridian from the equator (numerical integral; independent of
    pyproj), for checking the projections by their definitions."""
    e2 = F * (2 - F)
    phi = np.linspace(0.0, math.radians(lat_deg), 200_001)
    m = A * (1 - e2) / (1 - e2 * np.sin(phi) ** 2) ** 1.5
    return float(np.trapezoid(m, phi))


# --------------------------------------------------------------------------- valid files


def test_a_valid_file_becomes_a_normalised_frame(tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "E1,2024-03-01T21:30,0372,674000.5,6580500\n"
        "E2,2024-03-01T21:30:00+00:00,5010,674100,6580600\n"
        "E3,2024-07-01,5010,674100,6580600\n",
    )
    parsed = parse(path)
    assert parsed.problems == []
    frame = parsed.frame
    assert frame["event_id"].tolist() == ["E1", "E2", "E3"]
    assert frame["row"].tolist() == [2, 3, 4]
    # local (winter) time is UTC+1; summer time UTC+2; a date alone is local midnight
    assert frame["occurred_at"].tolist() == [
        pd.Timestamp("2024-03-01T20:30", tz="UTC"),
        pd.Timestamp("2024-03-01T21:30", tz="UTC"),
        pd.Timestamp("2024-06-30T22:00", tz="UTC"),
    ]
    assert frame["x"].tolist() == [674000.5, 674100.0, 674100.0]
    assert frame["crime_code"].tolist() == ["0372", "5010", "5010"]  # leading zero kept


def test_semicolons_and_decimal_commas_as_swedish_spreadsheets_save_them(tmp_path):
    path = write(
        tmp_path,
        "event_id;occurred_at;crime_code;x;y\nE1;2024-03-01 21:30;0372;674000,5;6580500,25\n",
    )
    parsed = parse(path)
    assert parsed.problems == []
    assert parsed.frame[["x", "y"]].iloc[0].tolist() == [674000.5, 6580500.25]


def test_identical_repeats_are_one_event(tmp_path):
    row = "E1,2024-03-01T21:30,0372,674000,6580500\n"
    parsed = parse(write(tmp_path, HEADER + "\n" + row * 3))
    assert parsed.problems == []
    assert len(parsed.frame) == 1
    assert parsed.collapsed == 2


def test_wgs84_is_lon_lat_and_reprojected_by_definition(tmp_path):
    # On SWEREF 99 TM's central meridian (15° E) x is the false easting and y the
    # meridian arc times the scale factor 0.9996.
    parsed = parse(write(tmp_path, f"{HEADER}\nE1,2024-03-01,0372,15.0,59.0\n"), "EPSG:4326")
    assert parsed.problems == []
    assert parsed.frame["x"].iloc[0] == pytest.approx(500_000.0, abs=1.0)
    assert parsed.frame["y"].iloc[0] == pytest.approx(0.9996 * meridian_arc(59.0), abs=1.0)


def test_sweref_99_18_00_of_stockholm_city_data_is_reprojected(tmp_path):
    # SWEREF 99 18 00 (EPSG:3011): central meridian 18° E, scale 1, false easting
    # 150 000 m. The same point given in lon/lat must land on the same SWEREF 99 TM spot.
    y_3011 = meridian_arc(59.33)
    from_local = parse(
        write(tmp_path, f"{HEADER}\nE1,2024-03-01,0372,150000,{y_3011}\n"), "EPSG:3011"
    )
    from_wgs84 = parse(
        write(tmp_path, f"{HEADER}\nE1,2024-03-01,0372,18.0,59.33\n", "b.csv"), "EPSG:4326"
    )
    assert from_local.problems == [] and from_wgs84.problems == []
    assert (
        math.dist(from_local.frame[["x", "y"]].iloc[0], from_wgs84.frame[["x", "y"]].iloc[0]) < 1.0
    )


def test_parquet_and_geopackage_files(tmp_path):
    import pyogrio  # noqa: F401 - the GeoPackage writer below needs it
    import shapely

    frame = pd.DataFrame(
        {
            "event_id": ["E1", "E2"],
            "occurred_at": pd.to_datetime(["2024-03-01T20:30Z", "2024-03-02T10:00Z"], utc=True),
            "crime_code": ["0372", "5010"],
            "x": [674000.0, 674100.0],
            "y": [6580500.0, 6580600.0],
        }
    )
    frame.to_parquet(tmp_path / "events.parquet")
    parsed = parse(tmp_path / "events.parquet")
    assert parsed.problems == []
    assert parsed.frame["occurred_at"].tolist() == frame["occurred_at"].tolist()

    # A GeoPackage with point geometry in its own CRS (WGS84) and no x/y columns.
    from pyogrio.raw import write as write_raw

    points = shapely.points([18.06, 18.07], [59.33, 59.34])
    write_raw(
        str(tmp_path / "events.gpkg"),
        geometry=shapely.to_wkb(points),
        field_data=[
            np.array(["E1", "E2"], dtype=object),
            np.array(["2024-03-01T21:30", "2024-03-02T11:00"], dtype=object),
            np.array(["0372", "5010"], dtype=object),
        ],
        fields=["event_id", "occurred_at", "crime_code"],
        geometry_type="Point",
        crs="EPSG:4326",
        driver="GPKG",
    )
    parsed = parse(tmp_path / "events.gpkg")  # the file's CRS wins over the default
    assert parsed.problems == []
    assert parsed.crs == "EPSG:4326"
    assert 670_000 < parsed.frame["x"].iloc[0] < 680_000


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "events.csv: is empty"),
        ("event_id,occurred_at,crime_code,x\nE1,2024-01-01,0372,1\n", "missing column(s) y"),
        (f"{HEADER}\n", "has no data rows"),
    ],
)
def test_the_whole_file_is_refused(tmp_path, content, expected):
    with pytest.raises(ImportRejected) as caught:
        parse(write(tmp_path, content))
    assert expected in str(caught.value)


def test_a_file_that_is_not_a_table_by_content(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    with pytest.raises(ImportRejected) as caught:
        parse(path)
    assert (
        "is of an unrecognised type, not CSV, Parquet, GeoPackage, a zipped shapefile or JSON Lines"
        in str(caught.value)
    )


def test_an_unknown_coordinate_system(tmp_path):
    with pytest.raises(ImportRejected) as caught:
        parse(write(tmp_path, f"{HEADER}\nE1,2024-01-01,0372,1,2\n"), "EPSG:999999")
    assert caught.value.problems[0].field == "--crs"
    assert "unknown coordinate system 'EPSG:999999'" in str(caught.value)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("E1,yesterday,0372,674000,6580500", "row 2, occurred_at: must be a date and time"),
        ("E1,2024-02-30T10:00,0372,674000,6580500", "row 2, occurred_at: must be a date and time"),
        (
            "E1,2026-01-01T10:00,0372,674000,6580500",
            "row 2, occurred_at: 2026-01-01 10:00 is in the future",
        ),
        ("E1,2024-01-01,0372,abc,6580500", "row 2, x: must be a number, not 'abc'"),
        ("E1,2024-01-01,0372,NaN,6580500", "row 2, x: must be a number, not 'NaN'"),
        ("E1,2024-01-01,0372,674000,", "row 2, y: is required"),
        (",2024-01-01,0372,674000,6580500", "row 2, event_id: is required"),
        ("E1,2024-01-01,,674000,6580500", "row 2, crime_code: is required"),
        (
            "E1,2024-01-01,0372,6580500,674000",
            "row 2, x, y: 6580500, 674000 is not a position in Sweden in EPSG:3006; "
            "x and y look swapped",
        ),
    ],
)
def test_a_bad_row_is_named_by_row_and_column(tmp_path, row, expected):
    parsed = parse(write(tmp_path, f"{HEADER}\n{row}\n"))
    assert any(expected in line for line in messages(parsed)), messages(parsed)
    assert parsed.frame.empty
    assert parsed.rejected["row"].tolist() == [2]


def test_lon_lat_numbers_declared_as_sweref_are_recognised(tmp_path):
    rows = "".join(f"E{i},2024-01-01,0372,18.0{i},59.3{i}\n" for i in range(5))
    parsed = parse(write(tmp_path, HEADER + "\n" + rows))
    first = parsed.problems[0]
    assert first.field == "--crs" and not first.where  # about the whole file, listed first
    assert "5 of 5 rows" in first.message
    assert "look like longitude/latitude (use --crs EPSG:4326)" in first.message


def test_sweref_numbers_declared_as_wgs84_are_recognised(tmp_path):
    parsed = parse(write(tmp_path, f"{HEADER}\nE1,2024-01-01,0372,674000,6580500\n"), "EPSG:4326")
    assert "look like SWEREF 99 TM (use --crs EPSG:3006)" in parsed.problems[0].message


def test_the_same_event_with_different_contents_is_refused_everywhere(tmp_path):
    parsed = parse(
        write(
            tmp_path,
            f"{HEADER}\nE1,2024-01-01,0372,674000,6580500\nE2,2024-01-01,0372,674000,6580500\n"
            "E1,2024-01-01,5010,674000,6580500\n",
        )
    )
    assert messages(parsed) == [
        "events.csv, row 2, event_id: 'E1' is given 2 times with different contents (rows 2, 4)",
        "events.csv, row 4, event_id: 'E1' is given 2 times with different contents (rows 2, 4)",
    ]
    assert parsed.frame["event_id"].tolist() == ["E2"]


# --------------------------------------------------------------------------- properties

event_rows = st.lists(
    st.tuples(
        st.text(
            alphabet=st.characters(
                codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]
            ),
            min_size=1,
            max_size=20,
        ),
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2024, 12, 31)).map(
            lambda d: d.replace(tzinfo=UTC, microsecond=d.microsecond // 1000 * 1000)
        ),
        st.from_regex(r"[0-9]{4}", fullmatch=True),
        st.floats(min_value=640_000, max_value=700_000, allow_nan=False).map(lambda v: round(v, 2)),
        st.floats(min_value=6_550_000, max_value=6_620_000, allow_nan=False).map(
            lambda v: round(v, 2)
        ),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda r: r[0].strip(),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=event_rows)
def test_valid_rows_survive_a_round_trip_through_csv(tmp_path, rows):
    path = tmp_path / "round.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(parsing.EVENT_COLUMNS)
        for event_id, when, code, x, y in rows:
            writer.writerow([event_id, when.isoformat(), code, repr(x), repr(y)])
    parsed = parse(path)
    assert parsed.problems == []
    expected = pd.DataFrame(
        {
            "event_id": [r[0].strip() for r in rows],
            "occurred_at": [pd.Timestamp(r[1]) for r in rows],
            "crime_code": [r[2] for r in rows],
            "x": [r[3] for r in rows],
            "y": [r[4] for r in rows],
        }
    )
    got = parsed.frame.drop(columns="row")
    assert got["event_id"].tolist() == expected["event_id"].tolist()
    assert got["occurred_at"].tolist() == expected["occurred_at"].tolist()
    assert got["crime_code"].tolist() == expected["crime_code"].tolist()
    assert got["x"].tolist() == expected["x"].tolist()
    assert got["y"].tolist() == expected["y"].tolist()


cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "NaN", "inf", "-1e309", "2024-13-01", "2024-01-01T25:00", "18.06", "1,5"]),
    st.floats(allow_nan=True).map(repr),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=5, max_size=5), min_size=1, max_size=10))
def test_garbage_values_are_named_by_row_and_column_never_a_crash(tmp_path, rows):
    path = tmp_path / "garbage.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(parsing.EVENT_COLUMNS)
        writer.writerows(rows)
    try:
        parsed = parse(path)
    except ImportRejected as exc:  # e.g. only blank rows: "has no data rows"
        assert exc.problems
        return
    for problem in parsed.problems:
        assert problem.field, problem
        assert problem.where.startswith("row ") or problem.field == "--crs", problem
    assert len(parsed.frame) + len(parsed.rejected) + parsed.collapsed <= parsed.read


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_never_a_crash(tmp_path, content):
    path = tmp_path / "bytes.csv"
    path.write_bytes(content)
    try:
        parse(path)
    except ImportRejected as exc:
        assert exc.problems and all(p.file == "bytes.csv" for p in exc.problems)


# --------------------------------------------------------------------------- counts, surveys


def parse_counts(path: Path) -> parsing.ParsedTable:
    return parsing.parse_counts(
        read(path),
        zones=["inside", "buffer_200", "buffer_500"],
        categories=["violent", "detected", "drug", "other"],
        youth_kinds=["minors_encountered", "concern_reports", "referred_to_support"],
        this_year=2025,
    )


def test_counts_and_youth_signals_are_told_apart_by_their_columns(tmp_path):
    counts = parse_counts(
        write(tmp_path, "scene_ref,year,zone,category,count\nS-1,2019,inside,violent,12\n", "c.csv")
    )
    youth = parse_counts(
        write(
            tmp_path,
            "scene_ref,year,quarter,indicator,count\nS-1,2024,2,minors_encountered,4\n",
            "y.csv",
        )
    )
    assert (counts.kind, counts.frame["count"].tolist()) == ("counts", [12])
    assert (youth.kind, youth.frame["quarter"].tolist()) == ("youth", [2])


def test_bad_counts_are_named(tmp_path):
    parsed = parse_counts(
        write(
            tmp_path,
            "scene_ref,year,zone,category,count\nS-1,2030,inside,violent,1\nS-1,2019,ring,violent,-1\n"
            "S-1,2019,inside,violent,2.5\n",
            "c.csv",
        )
    )
    assert [str(p) for p in parsed.problems] == [
        "c.csv, row 2, year: must be from 1990 to 2025",
        "c.csv, row 3, zone: unknown code 'ring'; use one of inside, buffer_200, buffer_500",
        "c.csv, row 3, count: must be at least 0",
        "c.csv, row 4, count: must be a whole number, not '2.5'",
    ]


def test_survey_values_within_the_indicators_range(tmp_path):
    path = write(
        tmp_path,
        "scene_ref,year,indicator,value,respondents\nS-1,2024,unsafe_evening,41.5,220\n"
        "S-1,2024,safety_index,7,100\nS-1,2023,unsafe_evening,30,0\nS-1,2022,unknown,1,1\n",
        "s.csv",
    )
    parsed = parsing.parse_survey(
        read(path),
        ranges={"unsafe_evening": (0, 100), "safety_index": (1, 5)},
        this_year=2025,
    )
    assert [str(p) for p in parsed.problems] == [
        "s.csv, row 3, value: 7 is outside the range of safety_index (1–5)",
        "s.csv, row 4, respondents: must be at least 1",
        "s.csv, row 5, indicator: unknown code 'unknown'; use one of safety_index, unsafe_evening",
    ]
    assert parsed.frame["value"].tolist() == [41.5]


def test_spreadsheets_are_read(tmp_path):
    pd.DataFrame(
        {
            "scene_ref": ["S-1"],
            "year": [2024],
            "indicator": ["unsafe_evening"],
            "value": [41.5],
            "respondents": [220],
        }
    ).to_excel(tmp_path / "s.xlsx", index=False)
    parsed = parsing.parse_survey(
        read(tmp_path / "s.xlsx"), ranges={"unsafe_evening": (0, 100)}, this_year=2025
    )
    assert parsed.problems == []
    assert parsed.frame[["year", "respondents"]].iloc[0].tolist() == [2024, 220]


def test_times_in_the_future_relative_to_now():
    # the clock is injected: an event a minute after "now" is refused
    later = (NOW + timedelta(minutes=1)).isoformat()
    table = Table(
        frame=pd.DataFrame(
            {
                "event_id": ["E1"],
                "occurred_at": [later],
                "crime_code": ["0372"],
                "x": ["674000"],
                "y": ["6580500"],
            }
        ),
        kind="csv",
        label="t.csv",
        first_row=2,
    )
    parsed = parsing.parse_events(table, now=NOW)
    assert "is in the future" in parsed.problems[0].message
