"""Benchmark of the indicator counting (DESIGN.md §7: ≤ 0.7 s for 1 000 000 events ×
500 scenes × 3 zones × month × category; one scene recomputed in < 50 ms).

A synthetic county, seeded: scenes of 0.25–19 ha clustered in the inner city and a few
suburban centres of Stockholm (SWEREF 99 TM), some with a second geometry version or
closed; events over 2018–2024, denser in the inner city and around the scenes.

    .venv/bin/python bench/indicator_counting.py [--events N] [--scenes N] [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import shapely

try:
    from drogscen.outcomes import counting
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from drogscen.outcomes import counting

EventArrays = counting.EventArrays
SceneGeometry = counting.SceneGeometry

CITY = (674_000.0, 6_580_500.0)  # around T-Centralen
SUBURBS = np.array(
    [
        (667_500, 6_589_500),  # Kista
        (663_000, 6_587_000),  # Rinkeby
        (661_500, 6_586_000),  # Tensta
        (665_000, 6_571_500),  # Skärholmen
        (678_500, 6_569_000),  # Farsta
        (660_500, 6_566_000),  # Alby
        (668_500, 6_595_500),  # Sollentuna
        (670_500, 6_585_000),  # Sundbyberg
        (681_500, 6_578_500),  # Nacka
        (683_500, 6_558_500),  # Haninge
        (668_000, 6_606_000),  # Upplands Väsby
        (658_000, 6_592_000),  # Jakobsberg
        (689_000, 6_585_000),  # Lidingö/Gustavsberg side
        (672_000, 6_563_000),  # Huddinge
        (653_000, 6_574_000),  # Ekerö side
        (692_000, 6_600_000),  # Åkersberga side
    ],
    dtype=float,
)
X0, X1, Y0, Y1 = 640_000.0, 700_000.0, 6_550_000.0, 6_620_000.0
START, END = np.datetime64("2018-01-01T00:00:00", "s"), np.datetime64("2025-01-01T00:00:00", "s")


def _polygon(
    rng: np.random.Generator, cx: float, cy: float, area: float, vertices: int = 0
) -> shapely.Polygon:
    """A hand-drawn-like star of 5–16 vertices, or (``vertices`` > 0) a detailed,
    gently curved outline of about that many vertices, as imported from a GIS file."""
    if vertices:
        n = int(rng.integers(vertices // 2, vertices * 3 // 2 + 1))
        ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
        ph = rng.uniform(0, 6, 3)
        r = 1 + 0.25 * np.sin(3 * ang + ph[0]) + 0.1 * np.cos(5 * ang + ph[1])
        r += 0.05 * np.sin(8 * ang + ph[2])
    else:
        n = int(rng.integers(5, 17))
        ang = (np.arange(n) + rng.uniform(-0.35, 0.35, n)) * (2 * np.pi / n)  # star-shaped
        r = rng.uniform(0.55, 1.0, n)
    xy = np.c_[r * np.cos(ang), r * np.sin(ang)]
    scale = np.sqrt(area / shapely.Polygon(xy).area)
    return shapely.Polygon(np.round(np.c_[cx + xy[:, 0] * scale, cy + xy[:, 1] * scale], 2))


def synthetic_county(
    n_events: int = 1_000_000, n_scenes: int = 500, seed: int = 20_240_501, vertices: int = 0
) -> tuple[list[SceneGeometry], EventArrays]:
    rng = np.random.default_rng(seed)
    n_city = int(n_scenes * 0.45)
    cx = np.empty(n_scenes)
    cy = np.empty(n_scenes)
    cx[:n_city] = rng.normal(CITY[0], 2500, n_city)
    cy[:n_city] = rng.normal(CITY[1], 2500, n_city)
    k = rng.integers(0, len(SUBURBS), n_scenes - n_city)
    cx[n_city:] = SUBURBS[k, 0] + rng.normal(0, 1000, n_scenes - n_city)
    cy[n_city:] = SUBURBS[k, 1] + rng.normal(0, 1000, n_scenes - n_city)
    area = np.exp(rng.uniform(np.log(2_500), np.log(190_000), n_scenes))  # 0.25–19 ha

    scenes: list[SceneGeometry] = []
    span = int((END - START).astype(np.int64))
    for i in range(n_scenes):
        geom = _polygon(rng, cx[i], cy[i], area[i], vertices)
        roll = rng.uniform()
        if roll < 0.15:  # geometry changed once: moved a little and resized
            change = START + np.timedelta64(int(rng.integers(span // 5, 4 * span // 5)), "s")
            change = change.astype("datetime64[D]")
            moved = _polygon(
                rng, cx[i] + rng.normal(0, 60), cy[i] + rng.normal(0, 60), area[i], vertices
            )
            scenes.append(SceneGeometry(scene_id=1000 + i, geometry=geom, valid_to=change))
            scenes.append(SceneGeometry(scene_id=1000 + i, geometry=moved, valid_from=change))
        elif roll < 0.25:  # closed at some date
            closed = START + np.timedelta64(int(rng.integers(span // 3, span)), "s")
            scenes.append(
                SceneGeometry(scene_id=1000 + i, geometry=geom, valid_to=closed.astype("M8[D]"))
            )
        else:
            scenes.append(SceneGeometry(scene_id=1000 + i, geometry=geom))

    n_c, n_s, n_h = int(n_events * 0.45), int(n_events * 0.35), int(n_events * 0.10)
    n_u = n_events - n_c - n_s - n_h
    x = np.empty(n_events)
    y = np.empty(n_events)
    x[:n_c] = rng.normal(CITY[0], 3000, n_c)
    y[:n_c] = rng.normal(CITY[1], 3000, n_c)
    k = rng.integers(0, len(SUBURBS), n_s)
    o = n_c
    x[o : o + n_s] = SUBURBS[k, 0] + rng.normal(0, 1200, n_s)
    y[o : o + n_s] = SUBURBS[k, 1] + rng.normal(0, 1200, n_s)
    o += n_s
    k = rng.integers(0, n_scenes, n_h)  # hot spots around the scenes
    x[o : o + n_h] = cx[k] + rng.normal(0, 250, n_h)
    y[o : o + n_h] = cy[k] + rng.normal(0, 250, n_h)
    o += n_h
    x[o:] = rng.uniform(X0, X1, n_u)
    y[o:] = rng.uniform(Y0, Y1, n_u)
    x = np.round(np.clip(x, X0, X1), 1)  # police coordinates come rounded
    y = np.round(np.clip(y, Y0, Y1), 1)
    perm = rng.permutation(n_events)
    t = (START + rng.integers(0, span, n_events).astype("timedelta64[s]")).astype("M8[s]")
    category = rng.choice(np.array([1, 2, 3, 4]), n_events, p=[0.4, 0.3, 0.2, 0.1])
    events = EventArrays(x=x[perm], y=y[perm], t=t, category=category)
    return scenes, events


def naive_zones(
    scenes: list[SceneGeometry], events: EventArrays, sample: np.ndarray
) -> set[tuple[int, int, int]]:
    """(event, scene_id, zone) with a shapely Point per event and exact ``covers`` /
    ``distance`` (a bounding-box test only skips scenes more than 500 m away)."""
    ts = events.t.astype("datetime64[s]").astype(np.int64)
    t_from = [counting._to_seconds(s.valid_from, counting._T_MIN) for s in scenes]
    t_to = [counting._to_seconds(s.valid_to, counting._T_MAX) for s in scenes]
    bounds = shapely.bounds([s.geometry for s in scenes])
    out = set()
    for e in sample:
        x, y = events.x[e], events.y[e]
        pt = shapely.Point(x, y)
        near = np.flatnonzero(
            (bounds[:, 0] - 500 <= x)
            & (x <= bounds[:, 2] + 500)
            & (bounds[:, 1] - 500 <= y)
            & (y <= bounds[:, 3] + 500)
        )
        valid = [i for i in near if t_from[i] <= ts[e] < t_to[i]]
        valid_all = [i for i in range(len(scenes)) if t_from[i] <= ts[e] < t_to[i]]
        inside = {i for i in valid_all if scenes[i].geometry.covers(pt)}
        for i in valid:
            if i in inside:
                out.add((int(e), scenes[i].scene_id, 0))
            elif not inside:
                d = scenes[i].geometry.distance(pt)
                if d <= 200:
                    out.add((int(e), scenes[i].scene_id, 1))
                elif d <= 500:
                    out.add((int(e), scenes[i].scene_id, 2))
    return out


def fast_zones(
    scenes: list[SceneGeometry], events: EventArrays, sample: np.ndarray
) -> set[tuple[int, int, int]]:
    """The same from the fast code, in one call: each sampled event is its own category."""
    sub = EventArrays(x=events.x[sample], y=events.y[sample], t=events.t[sample], category=sample)
    res = counting.count_events_by_zone(scenes=scenes, events=sub)
    return {
        (int(e), int(s), int(z))
        for e, s, z in zip(res.category, res.scene_id, res.zone, strict=True)
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--scenes", type=int, default=500)
    ap.add_argument("--runs", type=int, default=7, help="timed runs of the full computation")
    ap.add_argument("--sample", type=int, default=2000, help="events for the exactness check")
    ap.add_argument("--seed", type=int, default=20_240_501)
    ap.add_argument(
        "--vertices",
        type=int,
        default=0,
        help="detailed scene outlines of about this many vertices (default: 5–16)",
    )
    args = ap.parse_args()

    scenes, events = synthetic_county(args.events, args.scenes, args.seed, args.vertices)
    n_versions = len(scenes)
    n_scenes = len({s.scene_id for s in scenes})
    n_vertices = sum(len(s.geometry.exterior.coords) - 1 for s in scenes) / n_versions
    print(
        f"synthetic county: {len(events):,} events over 2018–2024, {n_scenes} scenes "
        f"({n_versions} geometry versions, {n_vertices:.0f} vertices on average)"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = counting.count_events_by_zone(scenes=scenes, events=events)
        times.append(time.perf_counter() - t0)
    print(
        f"full computation: median {statistics.median(times):.3f} s "
        f"(min {min(times):.3f}, max {max(times):.3f}, first {times[0]:.3f}; {args.runs} runs)"
    )
    print(
        f"output rows: {len(result):,} (non-zero counts; total counted {int(result.count.sum()):,})"
    )

    rng = np.random.default_rng(args.seed + 1)
    ids = rng.choice(sorted({s.scene_id for s in scenes}), size=min(20, n_scenes), replace=False)
    inc = []
    same = True
    for sid in ids:
        t0 = time.perf_counter()
        one = counting.count_for_scene(scene_id=int(sid), scenes=scenes, events=events)
        inc.append(time.perf_counter() - t0)
        m = result.scene_id == sid
        same &= all(
            np.array_equal(getattr(one, f), getattr(result, f)[m])
            for f in ("zone", "period", "category", "count")
        )
    print(
        f"one scene recomputed: median {statistics.median(inc) * 1e3:.1f} ms "
        f"(max {max(inc) * 1e3:.1f} ms, {len(ids)} scenes); same rows as the full run: {same}"
    )

    tracemalloc.start()
    counting.count_events_by_zone(scenes=scenes, events=events)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: {peak / 2**20:.0f} MiB allocated during the computation (tracemalloc); "
        f"process max RSS {rss:.0f} MiB ({rss_before:.0f} MiB with the data before computing)"
    )

    if args.sample:
        sample = np.sort(rng.choice(len(events), size=min(args.sample, len(events)), replace=False))
        t0 = time.perf_counter()
        naive = naive_zones(scenes, events, sample)
        fast = fast_zones(scenes, events, sample)
        print(
            f"exactness check on {sample.size} random events: "
            f"{'identical' if naive == fast else 'DIFFERENT'} zone membership "
            f"({len(naive)} event×scene memberships; {time.perf_counter() - t0:.1f} s)"
        )
        if naive != fast:
            print(
                "  naive only:", sorted(naive - fast)[:10], " fast only:", sorted(fast - naive)[:10]
            )
            sys.exit(1)


if __name__ == "__main__":
    main()
