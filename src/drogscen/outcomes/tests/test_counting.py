"""Indicator counting: hand-made geometries with the expected numbers written out, and
property tests against a naive reference (a shapely Point per event, ``covers`` and
``distance``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from drogscen.outcomes.counting import (
    ZONE_BUFFER_200,
    ZONE_BUFFER_500,
    ZONE_INSIDE,
    ZONES,
    EventArrays,
    SceneGeometry,
    ZoneCounts,
    count_events_by_zone,
    count_for_scene,
    period_index,
    zone_areas_m2,
)

T0 = np.datetime64("2021-03-15T12:00:00", "s")


def events_at(points, *, t=T0, category=1) -> EventArrays:
    xy = np.array(points, dtype=float).reshape(-1, 2)
    n = xy.shape[0]
    ts = np.broadcast_to(np.asarray(t, dtype="datetime64[s]"), (n,)).copy()
    cats = np.broadcast_to(np.asarray(category), (n,)).astype(np.int64)
    return EventArrays(x=xy[:, 0].copy(), y=xy[:, 1].copy(), t=ts, category=cats)


def as_dict(counts: ZoneCounts) -> dict[tuple[int, int, int, int], int]:
    return {
        (int(s), int(z), int(p), int(c)): int(n)
        for s, z, p, c, n in zip(
            counts.scene_id,
            counts.zone,
            counts.period,
            counts.category,
            counts.count,
            strict=True,
        )
    }


def by_zone(counts: ZoneCounts) -> dict[tuple[int, str], int]:
    """Totals per (scene, zone name) over periods and categories."""
    out: Counter = Counter()
    for s, z, n in zip(counts.scene_id, counts.zone, counts.count, strict=True):
        out[(int(s), ZONES[z])] += int(n)
    return dict(out)


def naive_counts(scenes, events, period="month") -> dict[tuple[int, int, int, int], int]:
    """The rule written plainly: a shapely Point per event; for each event, the versions
    valid at its time; inside = ``covers``; ring = ``distance`` ≤ 200 / ≤ 500 when the
    event is inside no scene at all. (Vectorised over events with shapely's array
    functions, which run the same GEOS predicate per Point.)"""
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    t = events.t
    if np.issubdtype(t.dtype, np.integer):
        months = t.astype(np.int64)
        t = months.astype("datetime64[M]").astype("datetime64[s]")
    else:
        months = t.astype("datetime64[M]").astype(np.int64)
        t = t.astype("datetime64[s]")
    periods = months // step
    ok = np.isfinite(events.x) & np.isfinite(events.y) & ~np.isnat(t)
    points = shapely.points(np.where(ok, events.x, 0.0), np.where(ok, events.y, 0.0))

    def valid(s):
        after = (
            np.ones(len(events), bool)
            if s.valid_from is None
            else t >= np.datetime64(s.valid_from, "s")
        )
        before = (
            np.ones(len(events), bool) if s.valid_to is None else t < np.datetime64(s.valid_to, "s")
        )
        return ok & after & before

    masks = [valid(s) for s in scenes]
    covers = [m & shapely.covers(s.geometry, points) for s, m in zip(scenes, masks, strict=True)]
    in_any = np.logical_or.reduce(covers) if scenes else np.zeros(len(events), bool)
    out: Counter = Counter()
    for s, m, inside in zip(scenes, masks, covers, strict=True):
        d = shapely.distance(s.geometry, points)
        for zone, sel in (
            (ZONE_INSIDE, inside),
            (ZONE_BUFFER_200, m & ~in_any & (d <= 200)),
            (ZONE_BUFFER_500, m & ~in_any & (d > 200) & (d <= 500)),
        ):
            for p, c in zip(periods[sel], events.category[sel], strict=True):
                out[(s.scene_id, zone, int(p), int(c))] += 1
    return dict(out)


SQUARE = box(0, 0, 100, 100)


# ------------------------------------------------------------------ hand-made cases


def test_edges_vertices_and_exact_distances():
    events = events_at(
        [
            (50, 50),  # inside
            (100, 50),  # on an edge: inside
            (100, 100),  # on a vertex: inside
            (300, 50),  # exactly 200 m from the edge x = 100
            (220, 260),  # exactly 200 m from the corner (100, 100): 120² + 160² = 200²
            (300.0000001, 50),  # a hair beyond 200 m
            (600, 50),  # exactly 500 m
            (400, 500),  # exactly 500 m from the corner: 300² + 400² = 500²
            (600.001, 50),  # just beyond 500 m
            (400, 500.001),  # just beyond 500 m from the corner
            (-5000, -5000),  # far away
        ]
    )
    result = count_events_by_zone(scenes=[SceneGeometry(7, SQUARE)], events=events)
    assert by_zone(result) == {(7, "inside"): 3, (7, "buffer_200"): 2, (7, "buffer_500"): 3}


def test_event_inside_other_scene_is_not_in_ring_and_shared_ring_counts_for_both():
    a = SceneGeometry(1, SQUARE)
    b = SceneGeometry(2, box(150, 0, 250, 100))
    c = SceneGeometry(3, box(700, 0, 800, 100))
    events = events_at(
        [
            (200, 50),  # inside B, 100 m from A: only B's inside
            (150, 100),  # on B's corner: inside B
            (125, 50),  # 25 m from A and from B: both rings
            (450, 50),  # 350 m from A, 200 m from B, 250 m from C
        ]
    )
    result = by_zone(count_events_by_zone(scenes=[a, b, c], events=events))
    assert result == {
        (1, "buffer_200"): 1,
        (1, "buffer_500"): 1,
        (2, "inside"): 2,
        (2, "buffer_200"): 2,
        (3, "buffer_500"): 1,
    }


def test_overlapping_scenes_both_count_inside():
    a = SceneGeometry(1, box(0, 0, 100, 100))
    b = SceneGeometry(2, box(50, 0, 150, 100))
    result = by_zone(count_events_by_zone(scenes=[a, b], events=events_at([(75, 50)])))
    assert result == {(1, "inside"): 1, (2, "inside"): 1}


def test_event_counted_against_geometry_valid_at_its_time():
    change = np.datetime64("2020-06-01", "D")
    scenes = [
        SceneGeometry(5, SQUARE, valid_to=change),
        SceneGeometry(5, box(1000, 0, 1100, 100), valid_from=change),
    ]
    before = np.datetime64("2020-05-31T23:59:59", "s")
    after = np.datetime64("2020-06-01T00:00:00", "s")
    events = EventArrays(
        x=np.array([50.0, 50.0, 1050.0, 1050.0, 1250.0]),
        y=np.array([50.0, 50.0, 50.0, 50.0, 50.0]),
        t=np.array([before, after, before, after, after]),
        category=np.ones(5, np.int64),
    )
    result = count_events_by_zone(scenes=scenes, events=events)
    may, june = period_index(np.array([before, after]))
    assert as_dict(result) == {
        (5, ZONE_INSIDE, int(may), 1): 1,  # (50, 50) under the old square
        (5, ZONE_INSIDE, int(june), 1): 1,  # (1050, 50) under the new one
        (5, ZONE_BUFFER_200, int(june), 1): 1,  # (1250, 50): 150 m from the new one
    }


def test_ring_exclusion_uses_the_other_scenes_geometry_of_that_time():
    moved = dt.date(2020, 1, 1)
    scenes = [
        SceneGeometry(1, SQUARE),
        SceneGeometry(2, box(150, 0, 250, 100), valid_to=moved),
        SceneGeometry(2, box(5000, 0, 5100, 100), valid_from=moved),
    ]
    events = EventArrays(
        x=np.array([200.0, 200.0]),
        y=np.array([50.0, 50.0]),
        t=np.array(["2019-07-01", "2021-07-01"], dtype="datetime64[s]"),
        category=np.array([1, 1]),
    )
    result = by_zone(count_events_by_zone(scenes=scenes, events=events))
    # 2019: inside B, so not in A's ring; 2021: B has moved, the event is A's ring
    assert result == {(2, "inside"): 1, (1, "buffer_200"): 1}


def test_scene_not_valid_counts_nothing():
    scenes = [SceneGeometry(1, SQUARE, valid_from="2022-01-01", valid_to="2023-01-01")]
    events = EventArrays(
        x=np.array([50.0, 50.0, 50.0]),
        y=np.array([50.0, 50.0, 250.0]),
        t=np.array(["2021-12-31", "2022-05-01", "2023-01-01"], dtype="datetime64[s]"),
        category=np.array([1, 1, 1]),
    )
    assert by_zone(count_events_by_zone(scenes=scenes, events=events)) == {(1, "inside"): 1}


def test_multipolygon_and_hole():
    multi = SceneGeometry(1, MultiPolygon([SQUARE, box(1000, 0, 1100, 100)]))
    holed = SceneGeometry(
        2,
        Polygon(
            box(0, 5000, 1000, 6000).exterior.coords, [box(400, 5400, 600, 5600).exterior.coords]
        ),
    )
    events = events_at(
        [
            (1050, 50),  # inside the second part
            (1300, 50),  # 200 m from the second part
            (550, 50),  # 450 m from both parts
            (500, 5500),  # in the hole: 100 m from the polygon
            (400, 5500),  # on the hole's edge: inside
        ]
    )
    result = by_zone(count_events_by_zone(scenes=[multi, holed], events=events))
    assert result == {
        (1, "inside"): 1,
        (1, "buffer_200"): 1,
        (1, "buffer_500"): 1,
        (2, "inside"): 1,
        (2, "buffer_200"): 1,
    }


def test_month_quarter_year_buckets_across_year_boundaries():
    t = np.array(
        ["1969-12-31T23:59:59", "1970-01-01T00:00:00", "2019-12-31T23:59:59", "2020-01-01"],
        dtype="datetime64[s]",
    )
    assert period_index(t, "month").tolist() == [-1, 0, 599, 600]
    assert period_index(t, "quarter").tolist() == [-1, 0, 199, 200]
    assert period_index(t, "year").tolist() == [-1, 0, 49, 50]
    events = EventArrays(x=np.full(4, 50.0), y=np.full(4, 50.0), t=t, category=np.ones(4, int))
    for period, expected in (("month", [-1, 0, 599, 600]), ("year", [-1, 0, 49, 50])):
        result = count_events_by_zone(
            scenes=[SceneGeometry(1, SQUARE)], events=events, period=period
        )
        assert result.period.tolist() == expected
        assert result.count.tolist() == [1, 1, 1, 1]
    frame = count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events).to_frame()
    assert frame["period_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "1969-12-01",
        "1970-01-01",
        "2019-12-01",
        "2020-01-01",
    ]


def test_month_index_times_equal_datetimes():
    t = np.array(["2019-12-31T23:59:59", "2020-01-01", "2020-02-10"], dtype="datetime64[s]")
    months = t.astype("datetime64[M]").astype(np.int64)
    scenes = [
        SceneGeometry(1, SQUARE, valid_to=dt.date(2020, 2, 1)),
        SceneGeometry(1, box(0, 0, 10, 10), valid_from=dt.date(2020, 2, 1)),
    ]
    pts = dict(x=np.array([50.0, 50.0, 5.0]), y=np.array([50.0, 50.0, 5.0]), category=[3, 3, 3])
    a = count_events_by_zone(scenes=scenes, events=EventArrays(t=t, **pts), period="quarter")
    b = count_events_by_zone(scenes=scenes, events=EventArrays(t=months, **pts), period="quarter")
    assert as_dict(a) == as_dict(b) == {(1, 0, 199, 3): 1, (1, 0, 200, 3): 2}


def test_event_with_several_categories_is_one_row_per_category():
    events = EventArrays(
        x=np.array([50.0, 50.0, 250.0]),
        y=np.array([50.0, 50.0, 50.0]),
        t=np.array([T0, T0, T0]),
        category=np.array([10, 20, 10]),
    )
    result = count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events)
    month = int(period_index(np.array([T0]))[0])
    assert as_dict(result) == {(1, 0, month, 10): 1, (1, 0, month, 20): 1, (1, 1, month, 10): 1}


def test_frame_and_empty_inputs():
    result = count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events_at([(1, 1)]))
    frame = result.to_frame()
    assert list(frame.columns) == [
        "scene_id",
        "zone",
        "period",
        "period_start",
        "category",
        "count",
    ]
    assert frame["zone"].tolist() == ["inside"]
    assert len(count_events_by_zone(scenes=[], events=events_at([(1, 1)]))) == 0
    assert len(count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events_at([]))) == 0
    assert (
        len(count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events_at([(9e5, 9e5)])))
        == 0
    )
    assert (
        len(
            count_for_scene(
                scene_id=99, scenes=[SceneGeometry(1, SQUARE)], events=events_at([(1, 1)])
            )
        )
        == 0
    )


def test_missing_coordinates_and_times_are_ignored():
    events = EventArrays(
        x=np.array([50.0, np.nan, 50.0]),
        y=np.array([50.0, 50.0, 50.0]),
        t=np.array([T0, T0, np.datetime64("NaT")], dtype="datetime64[s]"),
        category=np.array([1, 1, 1]),
    )
    assert by_zone(count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events)) == {
        (1, "inside"): 1
    }


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="overlap"):
        count_events_by_zone(
            scenes=[
                SceneGeometry(1, SQUARE, valid_to="2021-01-01"),
                SceneGeometry(1, SQUARE, valid_from="2020-01-01"),
            ],
            events=events_at([(1, 1)]),
        )
    bowtie = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    with pytest.raises(ValueError, match="invalid geometry"):
        count_events_by_zone(scenes=[SceneGeometry(1, bowtie)], events=events_at([(1, 1)]))
    with pytest.raises(ValueError, match="Polygon"):
        count_events_by_zone(
            scenes=[SceneGeometry(1, shapely.Point(0, 0))], events=events_at([(1, 1)])
        )
    with pytest.raises(ValueError, match="period"):
        count_events_by_zone(scenes=[SceneGeometry(1, SQUARE)], events=events_at([]), period="week")
    with pytest.raises(ValueError, match="same length"):
        EventArrays(x=np.zeros(2), y=np.zeros(3), t=np.zeros(2, int), category=np.zeros(2, int))


def test_zone_areas():
    far = SceneGeometry(1, SQUARE)
    areas = zone_areas_m2([far])[1]
    ring200 = 4 * 100 * 200 + np.pi * 200**2
    ring500 = 4 * 100 * 500 + np.pi * 500**2 - ring200
    assert areas["inside"] == pytest.approx(10_000)
    assert areas["buffer_200"] == pytest.approx(ring200, rel=1e-4)
    assert areas["buffer_500"] == pytest.approx(ring500, rel=1e-4)
    # another scene wholly in the 500 m ring takes its area out of that ring
    other = SceneGeometry(2, box(400, 0, 450, 50), valid_to="2020-01-01")
    areas = zone_areas_m2([far, other])
    assert areas[1]["buffer_500"] == pytest.approx(ring500 - 2_500, rel=1e-4)
    assert zone_areas_m2([far, other], at="2021-01-01")[1]["buffer_500"] == pytest.approx(
        ring500, rel=1e-4
    )
    assert set(zone_areas_m2([far, other], at="2021-01-01")) == {1}


# ------------------------------------------------------------------ against the naive rule


def random_county(rng: np.random.Generator, n_scenes: int, n_events: int):
    """Scenes and events packed into a few km², with versions and closures."""
    scenes = []
    for sid in range(n_scenes):
        cx, cy = rng.uniform(0, 3000, 2)
        n = int(rng.integers(3, 12))
        ang = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * 2 * np.pi / n
        r = rng.uniform(20, 250) * rng.uniform(0.5, 1, n)
        geom = Polygon(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)])
        roll = rng.uniform()
        if roll < 0.3:
            cut = np.datetime64("2019-01-01") + np.timedelta64(int(rng.integers(0, 1400)), "D")
            scenes.append(SceneGeometry(sid, geom, valid_to=cut))
            scenes.append(
                SceneGeometry(sid, shapely.affinity.translate(geom, 80, -40), valid_from=cut)
            )
        elif roll < 0.4:
            scenes.append(SceneGeometry(sid, geom, valid_from="2020-02-10"))
        else:
            scenes.append(SceneGeometry(sid, geom))
    t = np.datetime64("2019-01-01T00:00:00") + rng.integers(0, 4 * 365 * 86400, n_events).astype(
        "timedelta64[s]"
    )
    events = EventArrays(
        x=np.round(rng.uniform(-600, 3600, n_events), 1),
        y=np.round(rng.uniform(-600, 3600, n_events), 1),
        t=t,
        category=rng.integers(1, 4, n_events),
    )
    return scenes, events


@pytest.mark.parametrize("grid_size_m", [13.0, 50.0, 180.0, 700.0])
def test_random_county_equals_naive(grid_size_m):
    rng = np.random.default_rng(int(grid_size_m))
    scenes, events = random_county(rng, 12, 1500)
    fast = count_events_by_zone(scenes=scenes, events=events, grid_size_m=grid_size_m)
    assert as_dict(fast) == naive_counts(scenes, events)
    for sid in (0, 5, 11):
        one = count_for_scene(scene_id=sid, scenes=scenes, events=events, grid_size_m=grid_size_m)
        full = fast.scene_id == sid
        assert as_dict(one) == {k: v for k, v in as_dict(fast).items() if k[0] == sid}
        assert int(one.count.sum()) == int(fast.count[full].sum())


def test_spread_out_scenes_use_a_coarser_grid():
    # 1 500 km apart: the grid would have too many 50 m cells, so they grow
    scenes = [SceneGeometry(1, SQUARE), SceneGeometry(2, box(1.5e6, 1.5e6, 1.5e6 + 80, 1.5e6 + 80))]
    pts = [(50, 50), (300, 50), (600, 50), (600.5, 50), (1.5e6 + 280, 1.5e6 + 40), (1.5e6 - 1, 0)]
    events = events_at(pts)
    assert as_dict(count_events_by_zone(scenes=scenes, events=events)) == naive_counts(
        scenes, events
    )


def test_last_ulp_at_the_ring_edge_follows_geos():
    # points constructed at 200/500 m from a slanted edge where a plain floating-point
    # point-to-segment formula and GEOS disagree in the last bit; GEOS decides
    cases = [  # triangle, point, GEOS distance
        ([(650575, 6580686), (649064, 6580881), (649832, 6580883)],
         (650186.9527309097, 6580534.420293806), ZONE_BUFFER_200),  # 200.0
        ([(650340, 6580185), (649611, 6580985), (650049, 6580652)],
         (649701.6230589364, 6580143.2111286335), ZONE_BUFFER_500),  # 500.0
        ([(649128, 6580038), (649383, 6579811), (649189, 6579850)],
         (649590.129083456, 6580296.0263817515), None),  # 500.00000000000006
        ([(650294, 6579953), (649792, 6579247), (649962, 6579658)],
         (650541.5941198345, 6579438.381968676), ZONE_BUFFER_500),  # 499.99999999999994
    ]  # fmt: skip
    for i, (ring, point, zone) in enumerate(cases):
        scene = SceneGeometry(i, Polygon(ring))
        result = count_events_by_zone(scenes=[scene], events=events_at([point]))
        assert result.zone.tolist() == ([] if zone is None else [zone])
        assert as_dict(result) == naive_counts([scene], events_at([point]))


@pytest.mark.parametrize("grid_size_m", [9.0, 50.0, 77.0, 260.0])
def test_dense_points_near_every_edge_equal_naive(grid_size_m):
    # 30 000 points within a few metres of the polygon's edge and of the 200/500 m lines
    rng = np.random.default_rng(7)
    radii = [220, 90, 260, 140, 300, 60, 240, 120, 280, 100]
    ang = np.linspace(0, 2 * np.pi, len(radii), endpoint=False)
    star = Polygon(np.c_[1000 + np.cos(ang) * radii, 1000 + np.sin(ang) * radii])
    other = box(1500, 1250, 1560, 1300)
    boundary = star.boundary
    s = rng.uniform(0, boundary.length, 30_000)
    base = shapely.get_coordinates(shapely.line_interpolate_point(boundary, s))
    ang = rng.uniform(0, 2 * np.pi, s.shape[0])
    r = rng.choice([0.0, 200.0, 500.0], s.shape[0]) + rng.normal(0, 2.0, s.shape[0])
    xy = base + np.c_[np.cos(ang), np.sin(ang)] * r[:, None]
    scenes = [SceneGeometry(1, star), SceneGeometry(2, other)]
    events = events_at(np.round(xy, 2))
    fast = count_events_by_zone(scenes=scenes, events=events, grid_size_m=grid_size_m)
    assert as_dict(fast) == naive_counts(scenes, events)


def smooth_outline(rng, cx, cy, radius, n):
    """A detailed outline (an imported park or square): many vertices, gently curved."""
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ph = rng.uniform(0, 6, 3)
    r = radius * (1 + 0.25 * np.sin(3 * ang + ph[0]) + 0.08 * np.cos(7 * ang + ph[1]))
    r += rng.normal(0, 0.3, n)  # digitising noise below the simplification tolerance
    return np.round(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)], 2)


@pytest.mark.parametrize("grid_size_m", [20.0, 50.0, 140.0])
def test_detailed_polygons_equal_naive(grid_size_m):
    # > 32 segments: cells are measured on a simplified outline, events near an edge
    # are settled on the real one
    rng = np.random.default_rng(int(grid_size_m) + 1)
    outer = smooth_outline(rng, 1000, 1000, 260, 400)
    hole = smooth_outline(rng, 1010, 990, 60, 90)[::-1]
    scenes = [
        SceneGeometry(1, Polygon(outer, [hole])),
        SceneGeometry(2, Polygon(smooth_outline(rng, 1700, 1200, 120, 250))),
        SceneGeometry(3, Polygon(smooth_outline(rng, 400, 1500, 90, 40)), valid_to="2021-06-01"),
    ]
    assert all(s.geometry.is_valid for s in scenes)
    boundary = shapely.union_all([s.geometry.boundary for s in scenes])
    s = rng.uniform(0, boundary.length, 40_000)
    base = shapely.get_coordinates(shapely.line_interpolate_point(boundary, s))
    ang = rng.uniform(0, 2 * np.pi, s.shape[0])
    r = rng.choice([0.0, 200.0, 500.0], s.shape[0]) + rng.normal(0, 3.0, s.shape[0])
    xy = np.round(base + np.c_[np.cos(ang), np.sin(ang)] * r[:, None], 2)
    t = np.where(rng.uniform(size=s.shape[0]) < 0.5, T0, np.datetime64("2020-01-01", "s"))
    events = EventArrays(x=xy[:, 0], y=xy[:, 1], t=t, category=rng.integers(1, 3, s.shape[0]))
    fast = count_events_by_zone(scenes=scenes, events=events, grid_size_m=grid_size_m)
    assert as_dict(fast) == naive_counts(scenes, events)
    one = count_for_scene(scene_id=2, scenes=scenes, events=events, grid_size_m=grid_size_m)
    assert as_dict(one) == {k: v for k, v in as_dict(fast).items() if k[0] == 2}


# integer coordinates and offsets drawn from Pythagorean triples put many points at
# exactly 200 m or 500 m from an edge or a vertex
EXACT_OFFSETS = [
    (200, 0), (0, 200), (-200, 0), (0, -500), (500, 0), (120, 160), (-160, -120), (300, 400),
    (-400, 300), (199, 0), (201, 0), (0, 499), (0, 501), (0, 0), (1, 0), (0, -1),
]  # fmt: skip


@st.composite
def polygons(draw, cx: int, cy: int) -> Polygon:
    kind = draw(st.sampled_from(["box", "star", "multi"]))
    if kind == "box":
        w, h = draw(st.integers(1, 400)), draw(st.integers(1, 400))
        return box(cx, cy, cx + w, cy + h)
    n = draw(st.integers(3, 9))
    r = draw(st.lists(st.integers(5, 250), min_size=n, max_size=n))
    ang = np.arange(n) * 2 * np.pi / n + draw(st.floats(0, 1))
    xy = np.round(np.c_[cx + np.array(r) * np.cos(ang), cy + np.array(r) * np.sin(ang)])
    poly = Polygon(xy)
    if kind == "multi":
        dx = draw(st.integers(-900, 900))
        other = box(cx + dx + 300, cy - 50, cx + dx + 360, cy + 20)
        poly = shapely.union(poly, other)
    return poly


@st.composite
def counties(draw):
    n = draw(st.integers(1, 4))
    scenes = []
    for sid in range(n):
        cx, cy = draw(st.integers(0, 1500)), draw(st.integers(0, 1500))
        geom = draw(polygons(cx, cy))
        if not geom.is_valid or geom.is_empty or geom.area == 0:
            continue
        if draw(st.booleans()):
            scenes.append(SceneGeometry(sid, geom, valid_from=None, valid_to="2021-01-01"))
            geom2 = shapely.affinity.translate(geom, draw(st.integers(-300, 300)), 0)
            scenes.append(SceneGeometry(sid, geom2, valid_from="2021-01-01"))
        else:
            scenes.append(SceneGeometry(sid, geom))
    # points: offsets from vertices of the scenes, and anywhere
    xs, ys = [], []
    coords = (
        np.concatenate([shapely.get_coordinates(s.geometry) for s in scenes])
        if scenes
        else np.zeros((1, 2))
    )
    for _ in range(draw(st.integers(1, 60))):
        if draw(st.booleans()):
            vx, vy = coords[draw(st.integers(0, len(coords) - 1))]
            ox, oy = draw(st.sampled_from(EXACT_OFFSETS))
            xs.append(vx + ox)
            ys.append(vy + oy)
        else:
            xs.append(draw(st.integers(-700, 2400)) + draw(st.sampled_from([0.0, 0.5, 1e-7])))
            ys.append(draw(st.integers(-700, 2400)))
    n_ev = len(xs)
    t = np.where(
        np.array(draw(st.lists(st.booleans(), min_size=n_ev, max_size=n_ev))),
        np.datetime64("2020-12-31T23:59:59", "s"),
        np.datetime64("2021-01-01T00:00:00", "s"),
    )
    events = EventArrays(
        x=np.array(xs, float), y=np.array(ys, float), t=t, category=np.zeros(n_ev, np.int64)
    )
    grid = draw(st.sampled_from([50.0, 7.0, 120.0, 400.0]))
    return scenes, events, grid


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counties())
def test_property_fast_equals_naive(county):
    scenes, events, grid = county
    fast = count_events_by_zone(scenes=scenes, events=events, grid_size_m=grid)
    assert as_dict(fast) == naive_counts(scenes, events)
    if scenes:
        sid = scenes[0].scene_id
        one = count_for_scene(scene_id=sid, scenes=scenes, events=events, grid_size_m=grid)
        assert as_dict(one) == {k: v for k, v in as_dict(fast).items() if k[0] == sid}
