"""Indicators through the database: events stored as rows, scenes made by the scene
services, figures read back from the Indicator table."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import square
from drogscen.core import geo
from drogscen.outcomes import event_store, indicators, recompute
from drogscen.outcomes.models import AggregatedCount, CrimeCode, CrimeEvent, Indicator
from drogscen.scenes import services

pytestmark = pytest.mark.django_db

RINKEBY = (17.9280, 59.3880)
TZ = timezone.get_default_timezone()
_ids = itertools.count(1)


def when(year, month=3, day=15, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def add_events(points, *, at=None, code="V1", source="test"):
    at = at or when(2024)
    CrimeEvent.objects.bulk_create(
        [
            CrimeEvent(
                source=source,
                event_id=f"e{next(_ids)}",
                occurred_at=at,
                crime_code=code,
                x=float(x),
                y=float(y),
            )
            for x, y in points
        ]
    )
    event_store.rebuild(sources=[source])


def sweref(scene):
    return geo.to_sweref(geo.from_geojson(scene.geometry))


def totals(**filters) -> dict[tuple[str, str, str], int]:
    out: Counter = Counter()
    for ref, zone, category, n in Indicator.objects.filter(**filters).values_list(
        "scene__ref", "zone", "category", "count"
    ):
        out[(ref, zone, category)] += n
    return dict(out)


@pytest.fixture
def codes(db):
    CrimeCode.objects.create(code="V1", name_sv="Misshandel", categories=["violent"])
    CrimeCode.objects.create(code="D1", name_sv="Narkotikabrott", categories=["detected", "drug"])


def test_edge_ring_and_unknown_code(codes, scene_factory):
    scene = scene_factory("A", size_m=40)
    shape = sweref(scene)
    vx, vy = shape.exterior.coords[0]  # a vertex: exactly on the edge
    cx, cy = shape.centroid.x, shape.centroid.y
    east = shape.bounds[2]
    add_events([(vx, vy), (cx, cy)])  # inside, both
    add_events([(east + 100, cy)])  # 0–200 m
    add_events([(east + 350, cy)])  # 200–500 m
    add_events([(east + 600, cy)])  # beyond every ring
    add_events([(cx, cy)], code="D1")  # detected and drug
    add_events([(cx, cy)], code="ZZZ")  # not in the table: other

    stored = indicators.recompute_all()

    assert totals() == {
        ("A", "inside", "violent"): 2,
        ("A", "buffer_200", "violent"): 1,
        ("A", "buffer_500", "violent"): 1,
        ("A", "inside", "detected"): 1,
        ("A", "inside", "drug"): 1,
        ("A", "inside", "other"): 1,
    }
    assert stored == 6
    row = Indicator.objects.get(zone="buffer_200")
    assert (row.year, row.month, row.from_events) == (2024, 3, True)


def test_overlapping_rings_count_for_both_and_insides_are_not_rings(codes, scene_factory):
    a = scene_factory("A", size_m=40)
    b = scene_factory("B", lon=RINKEBY[0] + 0.004, lat=RINKEBY[1], size_m=40)  # ~230 m east
    sa, sb = sweref(a), sweref(b)
    middle = ((sa.centroid.x + sb.centroid.x) / 2, sa.centroid.y)
    add_events([middle])  # between the two: in both rings
    add_events([(sb.centroid.x, sb.centroid.y)])  # inside B, within A's rings: B's only
    indicators.recompute_all()
    assert totals() == {
        ("A", "buffer_200", "violent"): 1,
        ("B", "buffer_200", "violent"): 1,
        ("B", "inside", "violent"): 1,
    }


def test_counted_with_the_geometry_valid_when_it_happened(codes, scene_factory):
    scene = scene_factory("H", size_m=40, identified_on=dt.date(2022, 1, 1))
    old = sweref(scene)
    far_lon = RINKEBY[0] + 0.02  # ~1.1 km east
    with_callbacks_run = services.scene_update(
        scene=scene,
        expected_version=1,
        geometry=square(far_lon, RINKEBY[1], 40),
        geometry_valid_from=dt.date(2024, 6, 1),
    )
    new = sweref(with_callbacks_run)
    add_events([(old.centroid.x, old.centroid.y)], at=when(2024, 5, 31, 23))  # old area, old time
    add_events([(old.centroid.x, old.centroid.y)], at=when(2024, 6, 1, 1))  # old area, new time
    add_events([(new.centroid.x, new.centroid.y)], at=when(2024, 6, 2))  # new area, new time
    add_events([(new.centroid.x, new.centroid.y)], at=when(2019, 6, 2))  # before identified
    indicators.recompute_all()
    inside = {
        (row.year, row.month): row.count
        for row in Indicator.objects.filter(zone="inside", category="violent")
    }
    assert inside == {(2024, 5): 1, (2024, 6): 1}
    # Before it was identified the scene is counted with its first geometry: the event
    # at the later place in 2019 lies beyond 500 m of it.
    assert not Indicator.objects.filter(year=2019).exists()


def test_local_time_decides_the_month(codes, scene_factory):
    scene = scene_factory("T", size_m=40)
    c = sweref(scene).centroid
    # 23:30 UTC on 31 January is 00:30 on 1 February in Stockholm.
    add_events([(c.x, c.y)], at=dt.datetime(2024, 1, 31, 23, 30, tzinfo=dt.UTC))
    indicators.recompute_all()
    assert Indicator.objects.get().month == 2


def test_aggregated_counts_only_for_years_without_events(codes, scene_factory):
    scene = scene_factory("G", size_m=40)
    c = sweref(scene).centroid
    add_events([(c.x, c.y)] * 3, at=when(2024))
    AggregatedCount.objects.create(
        scene=scene, year=2018, zone="inside", category="violent", count=9
    )
    # A year with events: the events win.
    AggregatedCount.objects.create(
        scene=scene, year=2024, zone="inside", category="violent", count=50
    )
    indicators.recompute_all()
    rows = {
        (r.year, r.month, r.from_events): r.count
        for r in Indicator.objects.filter(category="violent", zone="inside")
    }
    assert rows == {(2018, 0, False): 9, (2024, 3, True): 3}
    assert event_store.event_years() == {2024}


def test_incremental_equals_full(codes, scene_factory):
    rng = np.random.default_rng(7)
    scenes = [
        scene_factory(f"I-{i}", lon=RINKEBY[0] + 0.003 * i, lat=RINKEBY[1], size_m=30 + 10 * i)
        for i in range(4)
    ]
    c = sweref(scenes[1]).centroid
    xy = np.c_[rng.normal(c.x, 400, 600), rng.normal(c.y, 150, 600)]
    months = rng.integers(1, 13, 600)
    for code in ("V1", "D1", "X"):
        for month in range(1, 13):
            add_events(xy[months == month][:40], at=when(2023, month), code=code)
    indicators.recompute_all()
    full = totals()
    full_rows = set(
        Indicator.objects.values_list("scene_id", "zone", "category", "year", "month", "count")
    )
    assert full  # the scenario has figures to compare

    Indicator.objects.filter(scene__in=scenes[1:3]).delete()
    indicators.recompute_scenes([scenes[1].pk, scenes[2].pk])
    assert (
        set(Indicator.objects.values_list("scene_id", "zone", "category", "year", "month", "count"))
        == full_rows
    )


def test_a_geometry_change_recomputes_after_commit(
    codes, scene_factory, django_capture_on_commit_callbacks
):
    scene = scene_factory("R", size_m=40, identified_on=dt.date(2020, 1, 1))
    far = (RINKEBY[0] + 0.02, RINKEBY[1])
    target = sweref(scene_factory("tmp", lon=far[0], lat=far[1], size_m=40)).centroid
    add_events([(target.x, target.y)], at=when(2025, 3))
    indicators.recompute_all()
    assert totals(scene=scene) == {}

    with django_capture_on_commit_callbacks(execute=True):
        services.scene_update(
            scene=scene,
            expected_version=1,
            geometry=square(*far, 60),
            geometry_valid_from=dt.date(2025, 1, 1),
        )
    assert totals(scene=scene) == {("R", "inside", "violent"): 1}


def test_a_crime_code_change_recomputes(codes, scene_factory):
    scene = scene_factory("C", size_m=40)
    c = sweref(scene).centroid
    add_events([(c.x, c.y)], code="K9")
    indicators.recompute_all()
    assert totals() == {("C", "inside", "other"): 1}
    CrimeCode.objects.create(code="K9", name_sv="Rån", categories=["violent"])
    recompute.schedule_recompute(reason="crime codes")  # as the admin does on save
    assert totals() == {("C", "inside", "violent"): 1}


def test_scenes_near_points(codes, scene_factory):
    a = scene_factory("N-A", size_m=40)
    b = scene_factory("N-B", lon=RINKEBY[0] + 0.05, lat=RINKEBY[1], size_m=40)  # ~2.8 km
    sa = sweref(a)
    vx, vy = max(sa.exterior.coords)  # the easternmost vertex
    assert indicators.scenes_near(np.array([vx + 499.0]), np.array([vy])) == [a.pk]
    assert indicators.scenes_near(np.array([vx + 501.0]), np.array([vy])) == []
    sb = sweref(b).centroid
    both = indicators.scenes_near(
        np.array([sa.centroid.x, sb.x, np.nan]), np.array([sa.centroid.y, sb.y, 1.0])
    )
    assert both == sorted([a.pk, b.pk])


def test_recompute_command_prints_a_summary(codes, scene_factory, capsys):
    scene = scene_factory("CMD", size_m=40)
    c = sweref(scene).centroid
    add_events([(c.x, c.y)] * 2)
    call_command("recompute_indicators")
    out = capsys.readouterr().out
    assert "1" in out and Indicator.objects.get().count == 2
