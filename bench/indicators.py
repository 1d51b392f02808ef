"""Benchmark of the outcomes pipeline end to end (DESIGN.md §7, issue #7): (a) importing
crime events from CSV and from Parquet into SQLite and PostgreSQL through the real import
service, (b) computing every scene's indicators from the stored events, (c) recomputing
one scene after its geometry changes, (d) peak memory.

A synthetic county (seeded; the generator of ``bench/indicator_counting.py``: 1 000 000
events over 2018–2024, 500 scenes) or your own files:

    .venv/bin/python bench/indicators.py [--n-events N] [--n-scenes N]
    .venv/bin/python bench/indicators.py --events FILE.csv|.parquet --scenes FILE.geojson

``--events``: columns event_id, occurred_at, crime_code, x, y in EPSG:3006;
``--scenes``: GeoJSON polygons in EPSG:3006 or WGS84. Each run uses a throwaway
database: a temporary SQLite file, and a PostgreSQL database ``drogscen_bench`` created
and dropped (``--pg-url``, default postgresql://postgres@127.0.0.1:5432; skipped with a
note when unreachable). Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

# synthetic category ids (1–4 as the generator draws them) → a default crime code
CODES = {1: "0372", 2: "5010", 3: "5101", 4: "0801"}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_files(workdir: Path, n_events: int, n_scenes: int) -> tuple[Path, Path, list]:
    from indicator_counting import synthetic_county

    scenes, events = synthetic_county(n_events, n_scenes)
    frame = pd.DataFrame(
        {
            "event_id": np.char.add("E", np.arange(len(events)).astype(str)),
            "occurred_at": pd.to_datetime(events.t).tz_localize("UTC"),
            "crime_code": pd.Series(events.category).map(CODES).to_numpy(),
            "x": events.x,
            "y": events.y,
        }
    )
    csv_path, parquet_path = workdir / "events.csv", workdir / "events.parquet"
    text = frame.assign(
        occurred_at=np.char.add(np.datetime_as_string(events.t.astype("M8[s]"), unit="s"), "Z")
    )
    text.to_csv(csv_path, index=False)
    frame.to_parquet(parquet_path)
    return csv_path, parquet_path, scenes


def own_files(workdir: Path, events: Path, scenes_file: Path) -> tuple[Path, Path, list]:
    import shapely

    from drogscen.outcomes import counting

    if events.suffix.lower() == ".parquet":
        parquet_path, csv_path = events, workdir / "events.csv"
        pd.read_parquet(events).to_csv(csv_path, index=False)
    else:
        csv_path, parquet_path = events, workdir / "events.parquet"
        pd.read_csv(events, dtype={"event_id": str, "crime_code": str}).to_parquet(parquet_path)
    features = json.loads(scenes_file.read_text(encoding="utf-8"))["features"]
    scenes = []
    for i, feature in enumerate(features):
        geometry = shapely.geometry.shape(feature["geometry"])
        if abs(geometry.bounds[0]) <= 180:  # WGS84
            from drogscen.core import geo

            geometry = geo.to_sweref(geometry)
        scenes.append(counting.SceneGeometry(scene_id=1000 + i, geometry=geometry))
    return csv_path, parquet_path, scenes


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "drogscen.config.settings"
    os.environ["DROGSCEN_TASK_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def time_imports(csv_path: Path, parquet_path: Path, label: str) -> None:
    """(a): each file into an empty events table, through the real service (the
    recomputation it queues is left out of the timing: that is (b))."""
    from django.db import connection

    from drogscen.outcomes import importing
    from drogscen.outcomes.models import CrimeEvent

    importing.schedule_recompute_near = lambda x, y, *, reason: None
    for path in (csv_path, parquet_path):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {CrimeEvent._meta.db_table}")
        t0 = time.perf_counter()
        result = importing.events_import(path=path, source="bench")
        elapsed = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = importing.events_import(path=path, source="bench")
        elapsed_again = time.perf_counter() - t0
        print(
            f"(a) import {path.suffix[1:]:>7} into {label:<10}: {elapsed:6.2f} s "
            f"({result.read:,} rows, {result.created:,} inserted, "
            f"{result.details['skipped']:,} outside "
            f"the county); the same file again {elapsed_again:5.2f} s "
            f"({again.unchanged:,} unchanged)",
            flush=True,
        )


def store_scenes(scenes: list) -> dict[int, int]:
    """Bench-only: the scenes and their geometry versions written directly (the scene
    services derive municipality, district and station per scene, which is not what is
    measured here). Returns bench scene id → database id."""
    import datetime as dt

    from drogscen.core import geo
    from drogscen.geo.models import LocalPoliceArea, Municipality
    from drogscen.scenes.models import Scene, SceneGeometryVersion

    lpo = LocalPoliceArea.objects.order_by("pk").first()
    municipality = Municipality.objects.get(code="0180")
    by_id: dict[int, list] = {}
    for version in scenes:
        by_id.setdefault(version.scene_id, []).append(version)
    rows = []
    for scene_id, versions in by_id.items():
        wgs = geo.to_wgs84(versions[-1].geometry)
        x0, y0, x1, y1 = wgs.bounds
        px, py = geo.representative_point(wgs)
        rows.append(
            Scene(
                ref=f"B-{scene_id}",
                name=f"Bench {scene_id}",
                geometry=geo.to_geojson(wgs),
                local_police_area=lpo,
                municipality=municipality,
                identified_on=dt.date(2018, 1, 1),
                area_m2=versions[-1].geometry.area,
                point_lon=px,
                point_lat=py,
                bbox_west=x0,
                bbox_south=y0,
                bbox_east=x1,
                bbox_north=y1,
            )
        )
    Scene.objects.bulk_create(rows, batch_size=500)
    ids = dict(Scene.objects.filter(ref__startswith="B-").values_list("ref", "pk"))
    mapping = {sid: ids[f"B-{sid}"] for sid in by_id}

    def day(value, default):
        return default if value is None else pd.Timestamp(value).date()

    versions_rows = []
    for scene_id, versions in by_id.items():
        for v in versions:
            start = day(v.valid_from, dt.date(2018, 1, 1))
            end = day(v.valid_to, None)
            versions_rows.append(
                SceneGeometryVersion(
                    scene_id=mapping[scene_id],
                    valid_from=start,
                    valid_to=end - dt.timedelta(days=1) if end else None,
                    geometry=geo.to_geojson(geo.to_wgs84(v.geometry)),
                    area_m2=v.geometry.area,
                )
            )
    SceneGeometryVersion.objects.bulk_create(versions_rows, batch_size=500)
    return mapping


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def _figure(times: list[float], unit: str = "s") -> str:
    scale = 1e3 if unit == "ms" else 1.0
    med = statistics.median(times) * scale
    if len(times) == 1:
        return f"{med:.3f} {unit}" if unit == "s" else f"{med:.1f} {unit}"
    lo, hi = min(times) * scale, max(times) * scale
    if unit == "s":
        return f"{med:.3f} s (median of {len(times)}; {lo:.3f}–{hi:.3f})"
    return f"{med:.1f} ms (median of {len(times)}; {lo:.1f}–{hi:.1f})"


def time_indicators(scenes: list, runs: int) -> int:
    """(b) and (c); returns the database id of the scene whose geometry was moved."""
    from drogscen.outcomes import indicators
    from drogscen.scenes.models import SceneGeometryVersion

    mapping = store_scenes(scenes)
    read_times, (geometries, stored) = _timed(
        lambda: (indicators.scene_geometries(), indicators.load_events()), runs
    )
    count_times, counts = _timed(lambda: indicators._count_all(geometries, stored), runs)
    both = [r + c for r, c in zip(read_times, count_times, strict=True)]
    print(
        f"(b) full computation from the stored events: {_figure(both)} — reading the "
        f"events ({len(stored.events):,}) and {len(geometries)} geometry versions "
        f"{_figure(read_times)}, counting {_figure(count_times)} → {len(counts):,} "
        "non-zero scene × zone × month × category counts",
        flush=True,
    )
    all_times, rows = _timed(indicators.recompute_all, runs)
    print(
        f"    indicators.recompute_all() end to end, storing the {rows:,} Indicator rows "
        f"too: {_figure(all_times)}",
        flush=True,
    )

    scene_id = next(iter(mapping.values()))
    version = SceneGeometryVersion.objects.filter(scene_id=scene_id).order_by("-valid_from").first()
    ring = version.geometry["coordinates"][0]
    version.geometry = {
        "type": "Polygon",
        "coordinates": [[[lon + 0.0005, lat] for lon, lat in ring]],
    }
    SceneGeometryVersion.objects.filter(pk=version.pk).update(geometry=version.geometry)
    own = SceneGeometryVersion.objects.filter(scene_id=scene_id).count()
    one_times, _ = _timed(lambda: indicators.recompute_scenes([scene_id]), max(runs, 5))
    print(
        f"(c) one scene's geometry moved ({own} versions): indicators.recompute_scenes() "
        f"end to end (geometries, the events near it, count, store) {_figure(one_times, 'ms')}",
        flush=True,
    )
    return scene_id


def peak_memory(scene_id: int) -> None:
    """(d): the same work once more under tracemalloc (which slows every allocation, so
    it is not timed)."""
    from drogscen.outcomes import indicators

    tracemalloc.start()
    indicators.recompute_all()
    indicators.recompute_scenes([scene_id])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"(d) peak memory: {peak / 2**20:.0f} MiB traced by Python during (b)–(c), process "
        f"max RSS {rss_mib():.0f} MiB (SQLite run; the PostgreSQL imports ran in a child)",
        flush=True,
    )


def pg_child(args) -> None:
    setup_django(args.pg_database)
    time_imports(Path(args.csv), Path(args.parquet), "PostgreSQL")
    from drogscen.outcomes import indicators

    read_times, stored = _timed(indicators.load_events, 5)
    print(
        f"(b) on PostgreSQL: reading the stored events ({len(stored.events):,}) "
        f"{_figure(read_times)} (the counting is the same computation as on SQLite)",
        flush=True,
    )


def with_postgres(args, csv_path: Path, parquet_path: Path) -> None:
    try:
        import psycopg

        admin = psycopg.connect(args.pg_url + "/postgres", autocommit=True, connect_timeout=3)
    except Exception as exc:  # unreachable, refused, no such role …
        print(f"(a) PostgreSQL skipped: {exc}".strip(), flush=True)
        return
    with admin:
        admin.execute("DROP DATABASE IF EXISTS drogscen_bench")
        admin.execute("CREATE DATABASE drogscen_bench")
    try:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--pg-child",
                "--pg-database",
                args.pg_url + "/drogscen_bench",
                "--csv",
                str(csv_path),
                "--parquet",
                str(parquet_path),
            ],
            check=True,
        )
    finally:
        with psycopg.connect(args.pg_url + "/postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS drogscen_bench WITH (FORCE)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-events", type=int, default=1_000_000)
    ap.add_argument("--n-scenes", type=int, default=500)
    ap.add_argument("--events", type=Path, help="your events (CSV or Parquet, EPSG:3006)")
    ap.add_argument("--scenes", type=Path, help="your scenes (GeoJSON, EPSG:3006 or WGS84)")
    ap.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432")
    ap.add_argument("--no-pg", action="store_true", help="SQLite only")
    ap.add_argument("--runs", type=int, default=3, help="repetitions of (b) and (c)")
    ap.add_argument("--no-import", action="store_true", help="skip (a); events stored once")
    ap.add_argument("--pg-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pg-database", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--parquet", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pg_child:
        pg_child(args)
        return
    if bool(args.events) != bool(args.scenes):
        ap.error("--events and --scenes go together")

    with tempfile.TemporaryDirectory(prefix="drogscen-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(f"sqlite:///{workdir / 'bench.sqlite3'}")
        if args.events:
            csv_path, parquet_path, scenes = own_files(workdir, args.events, args.scenes)
        else:
            csv_path, parquet_path, scenes = synthetic_files(workdir, args.n_events, args.n_scenes)
        print(
            f"data: {csv_path.stat().st_size / 2**20:.0f} MiB CSV, "
            f"{parquet_path.stat().st_size / 2**20:.0f} MiB Parquet, "
            f"{len({s.scene_id for s in scenes})} scenes ({len(scenes)} geometry versions)",
            flush=True,
        )
        if args.no_import:
            from drogscen.outcomes import importing

            importing.schedule_recompute_near = lambda x, y, *, reason: None
            importing.events_import(path=parquet_path, source="bench")
        else:
            time_imports(csv_path, parquet_path, "SQLite")
        if not args.no_pg and not args.no_import:
            with_postgres(args, csv_path, parquet_path)
        scene_id = time_indicators(scenes, args.runs)
        peak_memory(scene_id)


if __name__ == "__main__":
    main()
