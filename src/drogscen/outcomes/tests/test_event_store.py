"""The columnar copy of the crime events that counting reads (outcomes/event_columns.py,
outcomes/event_store.py): packing round trips, the copy equals the rows after every
kind of import, and counting by kind equals counting one row per category."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from shapely.geometry import box

from drogscen.core import registry
from drogscen.outcomes import event_columns, event_store, importing, indicators
from drogscen.outcomes.counting import (
    EventArrays,
    SceneGeometry,
    by_category,
    count_events_by_zone,
)
from drogscen.outcomes.models import CrimeCode, CrimeEvent, EventTile, Indicator

CITY = (674_000.0, 6_580_500.0)
GOTHENBURG = (319_000.0, 6_400_000.0)
HEADER = "event_id,occurred_at,crime_code,x,y\n"


# --------------------------------------------------------------------------- packing

coordinates = st.floats(600_000, 750_000, allow_nan=False) | st.sampled_from(
    [0.0, -1.0, 1999.999, 2000.0, 674_000.0]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            coordinates,
            st.floats(6_500_000, 6_700_000, allow_nan=False),
            st.integers(0, 2_000_000_000),
            st.sampled_from(["0372", "5010", "9999", "x", "Å1"]),
        ),
        max_size=200,
    )
)
def test_packing_round_trips_every_event(events):
    x = np.array([e[0] for e in events], float)
    y = np.array([e[1] for e in events], float)
    t = np.array([e[2] for e in events], np.int64)
    codes = [e[3] for e in events]
    ids = [f"id-{i}" for i in range(len(events))]
    exact = t * 1_000_000 + 7
    tiles = event_columns.pack(x, y, t, codes, event_ids=ids, utc_us=exact)
    assert sum(tile.rows for tile in tiles) == len(events)
    for tile in tiles:  # each event lies in its square
        block = event_columns.unpack([(tile.codes, tile.rows, tile.columns)])
        assert (np.floor(block.x / event_columns.TILE_M) == tile.tile_x).all()
        assert (np.floor(block.y / event_columns.TILE_M) == tile.tile_y).all()
        years = block.t.astype("datetime64[Y]").astype(int) + 1970
        assert sorted(set(years.tolist())) == tile.years
    back = event_columns.unpack((tile.codes, tile.rows, tile.columns) for tile in tiles)
    who = event_columns.identities(tile.identity for tile in tiles)
    got = Counter(
        zip(
            who.column("event_id").to_pylist(),
            who.column("utc_us").to_pylist(),
            back.x.tolist(),
            back.y.tolist(),
            back.t.astype(np.int64).tolist(),
            [back.codes[c] for c in back.code],
            strict=True,
        )
    )
    assert got == Counter(
        zip(ids, exact.tolist(), x.tolist(), y.tolist(), t.tolist(), codes, strict=True)
    )


def test_a_damaged_tile_is_refused():
    (tile,) = event_columns.pack([1.0], [2.0], [3], ["A"], event_ids=["e"], utc_us=[3_000_000])
    with pytest.raises(ValueError, match="26 bytes for 2 events"):
        event_columns.unpack([(tile.codes, 2, tile.columns)])


# --------------------------------------------------------------------------- kinds


@settings(max_examples=60, deadline=None)
@given(
    kinds=st.lists(
        st.sets(st.integers(0, 3), min_size=1).map(sorted).map(tuple), min_size=1, max_size=5
    ),
    data=st.data(),
)
def test_counting_by_kind_equals_one_row_per_category(kinds, data):
    n = data.draw(st.integers(0, 60))
    xy = data.draw(hnp.arrays(float, (n, 2), elements=st.floats(-300, 400)))
    kind = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, len(kinds) - 1)))
    month = data.draw(hnp.arrays(np.int64, n, elements=st.integers(600, 603)))
    scenes = [SceneGeometry(1, box(0, 0, 100, 100)), SceneGeometry(2, box(150, 0, 180, 40))]
    by_kind = count_events_by_zone(
        scenes=scenes, events=EventArrays(x=xy[:, 0], y=xy[:, 1], t=month, category=kind)
    )
    spread = by_category(by_kind, kinds)
    rows = [(i, c) for i in range(n) for c in kinds[kind[i]]]
    index = np.array([i for i, _c in rows], np.int64)
    per_row = count_events_by_zone(
        scenes=scenes,
        events=EventArrays(
            x=xy[index, 0],
            y=xy[index, 1],
            t=month[index],
            category=np.array([c for _i, c in rows], np.int64),
        ),
    )
    for field in ("scene_id", "zone", "period", "category", "count"):
        assert getattr(spread, field).tolist() == getattr(per_row, field).tolist(), field


# --------------------------------------------------------------------------- the copy


def events_file(tmp_path: Path, rows: list[str], name: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def copy_as_rows() -> Counter:
    columns = event_store.read()
    return Counter(
        zip(
            columns.x.tolist(),
            columns.y.tolist(),
            columns.t.astype("datetime64[s]").tolist(),
            [columns.codes[c] for c in columns.code],
            strict=True,
        )
    )


def rows_in_database() -> Counter:
    stockholm = ZoneInfo("Europe/Stockholm")
    return Counter(
        (e.x, e.y, e.occurred_at.astimezone(stockholm).replace(tzinfo=None), e.crime_code)
        for e in CrimeEvent.objects.all()
    )


@pytest.mark.django_db
def test_the_copy_follows_inserts_corrections_removals_and_other_sources(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "schedule_recompute_near", lambda x, y, *, reason: None)
    rows = [
        f"E1,2024-03-01T21:30,0372,{CITY[0]},{CITY[1]}",
        f"E2,2024-03-02T10:00,5010,{CITY[0] + 2500},{CITY[1]}",  # another square
        f"E3,2024-03-03T10:00,9999,{CITY[0] + 200},{CITY[1] - 3000}",
    ]
    importing.events_import(path=events_file(tmp_path, rows, "a.csv"), source="polisen")
    assert copy_as_rows() == rows_in_database() and sum(copy_as_rows().values()) == 3
    assert EventTile.objects.filter(source="polisen").count() == 3

    corrected = [
        rows[0].replace("0372", "0373"),  # new code
        rows[1].replace(str(CITY[0] + 2500), str(CITY[0] + 10)),  # moved to E1's square
        f"E3,2024-03-03T10:00,9999,{GOTHENBURG[0]},{GOTHENBURG[1]}",  # now outside: removed
        f"E4,2024-03-31T23:30Z,0372,{CITY[0]},{CITY[1]}",
    ]
    result = importing.events_import(
        path=events_file(tmp_path, corrected, "b.csv"), source="polisen"
    )
    assert (result.created, result.updated, result.removed) == (1, 2, 1)
    importing.events_import(path=events_file(tmp_path, rows[:1], "c.csv"), source="kommunen")
    assert copy_as_rows() == rows_in_database()
    assert sum(copy_as_rows().values()) == 4
    # E4 at 23:30 UTC on 31 March is 01:30 on 1 April in Stockholm (summer time): April
    assert (CITY[0], CITY[1], dt.datetime(2024, 4, 1, 1, 30), "0372") in copy_as_rows()
    assert event_store.event_years() == {2024}


@pytest.mark.django_db
def test_a_refused_import_leaves_the_copy_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "schedule_recompute_near", lambda x, y, *, reason: None)
    good = [f"E1,2024-03-01T21:30,0372,{CITY[0]},{CITY[1]}"]
    importing.events_import(path=events_file(tmp_path, good, "a.csv"), source="polisen")
    before = copy_as_rows()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "record_import", broken)
    more = good + [f"E2,2024-03-02T10:00,5010,{CITY[0]},{CITY[1]}"]
    with pytest.raises(RuntimeError):
        importing.events_import(path=events_file(tmp_path, more, "b.csv"), source="polisen")
    assert copy_as_rows() == before


@pytest.mark.django_db
def test_recompute_indicators_copies_rows_written_by_hand(scene_factory):
    from drogscen.core import geo

    CrimeCode.objects.update_or_create(code="0372", defaults={"categories": ["violent"]})
    scene = scene_factory("H-1", size_m=50)
    centre = geo.to_sweref(geo.from_geojson(scene.geometry)).centroid
    CrimeEvent.objects.bulk_create(
        CrimeEvent(
            source="hand",
            event_id=f"h{i}",
            occurred_at=dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC),
            crime_code="0372",
            x=centre.x + i,
            y=centre.y,
        )
        for i in range(3)
    )
    indicators.recompute_all()  # the copy does not know these rows yet
    assert not Indicator.objects.filter(scene=scene, zone="inside").exists()

    out = StringIO()
    call_command("recompute_indicators", stdout=out)
    assert Indicator.objects.get(scene=scene, zone="inside", category="violent").count == 3
    assert copy_as_rows() == rows_in_database()


@pytest.mark.django_db
def test_an_import_after_rows_written_by_hand_compares_with_the_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "schedule_recompute_near", lambda x, y, *, reason: None)
    CrimeEvent.objects.create(
        source="polisen",
        event_id="E1",
        occurred_at=dt.datetime(2024, 3, 1, 20, 30, tzinfo=dt.UTC),
        crime_code="0372",
        x=CITY[0],
        y=CITY[1],
    )
    rows = [
        f"E1,2024-03-01T21:30,0372,{CITY[0]},{CITY[1]}",  # the same event, local time
        f"E2,2024-03-02T10:00,5010,{CITY[0]},{CITY[1]}",
    ]
    result = importing.events_import(path=events_file(tmp_path, rows, "a.csv"), source="polisen")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    assert copy_as_rows() == rows_in_database() and sum(copy_as_rows().values()) == 2


@pytest.mark.django_db
def test_an_unchanged_import_repairs_a_copy_that_misses_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "schedule_recompute_near", lambda x, y, *, reason: None)
    rows = [f"E1,2024-03-01T21:30,0372,{CITY[0]},{CITY[1]}"]
    path = events_file(tmp_path, rows, "a.csv")
    importing.events_import(path=path, source="polisen")
    EventTile.objects.all().delete()  # as if the copy had been lost
    dry = importing.events_import(path=path, source="polisen", dry_run=True)
    assert dry.unchanged == 1 and not EventTile.objects.exists()  # a dry run writes nothing
    result = importing.events_import(path=path, source="polisen")
    assert (result.created, result.unchanged) == (0, 1)
    assert copy_as_rows() == rows_in_database() and sum(copy_as_rows().values()) == 1
