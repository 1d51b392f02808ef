"""Indicator recomputation: crime events read from the database as arrays, counted per
scene × zone × month × category by the pure ``outcomes.counting`` and stored as
``Indicator`` rows (docs/domain-rules.md#indicators; issue #7 point 6).

Rules the stored figures follow:

* Categories come from the ``CrimeCode`` table; a code missing there (or mapped to no
  category) counts as ``other``. A code in several categories counts in each.
* Each event is counted with the scene geometry that was valid when it happened, in
  local time (Europe/Stockholm): the month of an event at 00:30 on 1 February is
  February. A scene's first geometry version also counts the years before the scene was
  identified (before/after comparisons need them); a version's ``valid_to`` is its last
  day.
* Years with any crime event in the county are counted from the events. For the other
  years, ``AggregatedCount`` rows become whole-year indicators (``month`` 0,
  ``from_events`` False); an aggregated count for a year with events is ignored (the
  import reports that conflict).
* Rates per hectare use ``zone_areas_m2`` on each scene's current geometry.

Recomputation runs as a background task (``outcomes.tasks``, queued by
``outcomes.recompute``) after an import, a geometry change or a change of the code
mapping; ``drogscen recompute_indicators`` does the whole county from scratch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
import shapely
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from drogscen.core import geo
from drogscen.outcomes import counting, event_store
from drogscen.outcomes.models import (
    CATEGORY_IDS,
    AggregatedCount,
    Category,
    CrimeCode,
    Indicator,
)
from drogscen.scenes.models import SceneGeometryVersion

CATEGORY_OF_ID = {number: value for value, number in CATEGORY_IDS.items()}
RING_M = counting.RING_DISTANCES_M[1]
# Recomputing more scenes than this counts the whole county once and keeps their rows.
_PER_SCENE_LIMIT = 40
_BATCH = 50_000

Progress = Callable[[str], None]


# --------------------------------------------------------------------------- inputs


def crime_code_categories() -> dict[str, list[str]]:
    """``{code: [category, …]}`` from the CrimeCode table (unknown categories dropped)."""
    valid = set(Category.values)
    return {
        code: [c for c in (categories or []) if c in valid]
        for code, categories in CrimeCode.objects.values_list("code", "categories")
    }


class StoredEvents(NamedTuple):
    """Events for counting: ``events.category`` is a *kind*, the set of categories the
    event's crime code counts in (``kinds[i]``, category ids): one row per event, the
    categories spread over the counts afterwards (``counting.by_category``)."""

    events: counting.EventArrays
    kinds: list[tuple[int, ...]]


def load_events(*, bbox: tuple[float, float, float, float] | None = None) -> StoredEvents:
    """The stored crime events (their columnar copy, ``outcomes.event_store``),
    optionally only those in a bounding box (EPSG:3006), with local times. A code
    missing from the code table, or mapped to no category, counts as ``other``."""
    columns = event_store.read(bbox=bbox)
    mapping = crime_code_categories()
    kind_of: dict[tuple[int, ...], int] = {}
    kind_of_code = np.empty(len(columns.codes), np.int64)
    for number, code in enumerate(columns.codes):
        categories = mapping.get(code) or [Category.OTHER]
        kind = tuple(sorted({CATEGORY_IDS[c] for c in categories}))
        kind_of_code[number] = kind_of.setdefault(kind, len(kind_of))
    events = counting.EventArrays(
        x=columns.x, y=columns.y, t=columns.t, category=kind_of_code[columns.code]
    )
    return StoredEvents(events, list(kind_of))


def _count_all(scenes: list[counting.SceneGeometry], stored: StoredEvents) -> counting.ZoneCounts:
    counts = counting.count_events_by_zone(scenes=scenes, events=stored.events, period="month")
    return counting.by_category(counts, stored.kinds)


def _geojson_text():
    """The stored GeoJSON as text: parsed by GEOS in one vectorised call, without a
    Python dict per geometry."""
    return Cast("geometry", output_field=TextField())


def _sweref_geometries(geojsons: Sequence[str]) -> list:
    """GeoJSON texts (WGS84) → valid polygons in EPSG:3006, parsed and projected in
    one call each."""
    if not geojsons:
        return []
    shapes = shapely.from_geojson(np.array(geojsons, dtype=object))
    shapes = shapely.transform(
        shapes,
        lambda xy: np.column_stack(
            geo.project_xy(xy[:, 0], xy[:, 1], source=geo.WGS84, target=geo.SWEREF99TM)
        ),
    )
    for i in np.flatnonzero(~shapely.is_valid(shapes)):
        repaired = shapely.make_valid(shapes[i])
        parts = [
            g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type.endswith("Polygon")
        ]
        shapes[i] = shapely.union_all(parts)
    return list(shapes)


def scene_geometries(scene_ids: Iterable[int] | None = None) -> list[counting.SceneGeometry]:
    """Every geometry version (EPSG:3006) with the validity the counting expects: the
    first version of a scene open towards the past, ``valid_to`` made exclusive."""
    versions = SceneGeometryVersion.objects.order_by("scene_id", "valid_from", "pk")
    if scene_ids is not None:
        versions = versions.filter(scene_id__in=list(scene_ids))
    rows = list(versions.values_list("scene_id", "valid_from", "valid_to", _geojson_text()))
    shapes = _sweref_geometries([row[3] for row in rows])
    out: list[counting.SceneGeometry] = []
    for i, (scene_id, valid_from, valid_to, _geojson) in enumerate(rows):
        first = i == 0 or rows[i - 1][0] != scene_id
        nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1][0] == scene_id else None
        end = valid_to + dt.timedelta(days=1) if valid_to else None
        if nxt is not None and (end is None or end > nxt[1]):
            end = nxt[1]  # never overlap the next version, whatever the data says
        start = None if first else valid_from
        if start is not None and end is not None and end <= start:
            continue  # a version replaced on its first day
        out.append(
            counting.SceneGeometry(
                scene_id=scene_id,
                geometry=shapes[i],
                valid_from=start,
                valid_to=end,
            )
        )
    return out


# --------------------------------------------------------------------------- writing


# Rows as tuples in the column order of _COLUMNS: half a million indicator rows for the
# whole county are written without a model object each.
_COLUMNS = ("scene_id", "zone", "category", "year", "month", "count", "from_events")
IndicatorRow = tuple[int, str, str, int, int, int, bool]


def _indicator_rows(counts: counting.ZoneCounts, keep: set[int] | None) -> list[IndicatorRow]:
    if len(counts) == 0:
        return []
    selected = (
        slice(None)
        if keep is None
        else np.isin(counts.scene_id, np.fromiter(keep, np.int64, len(keep)))
    )
    year, month0 = np.divmod(counts.period[selected], 12)
    zones = np.array(counting.ZONES, dtype=object)[counts.zone[selected]]
    names = np.array([CATEGORY_OF_ID[i] for i in range(len(CATEGORY_OF_ID))], dtype=object)
    categories = names[counts.category[selected]]
    n = len(zones)
    return list(
        zip(
            counts.scene_id[selected].tolist(),
            zones.tolist(),
            categories.tolist(),
            (year + 1970).tolist(),
            (month0 + 1).tolist(),
            counts.count[selected].tolist(),
            [True] * n,
            strict=True,
        )
    )


def _aggregated_rows(scene_ids: set[int] | None) -> list[IndicatorRow]:
    """Aggregated counts of years without any crime event in the county (the years with
    events are looked up only when there are aggregated counts at all)."""
    counts = AggregatedCount.objects.all()
    if scene_ids is not None:
        counts = counts.filter(scene_id__in=scene_ids)
    rows = list(counts.values_list("scene_id", "zone", "category", "year", "count"))
    if not rows:
        return []
    counted = event_store.event_years()
    return [
        (scene_id, zone, category, year, 0, n, False)
        for scene_id, zone, category, year, n in rows
        if year not in counted
    ]


def _store(rows: list[IndicatorRow], scene_ids: set[int] | None) -> int:
    """Replace the indicators of `scene_ids` (all when None) by `rows`, in one
    transaction: COPY on PostgreSQL, executemany on SQLite."""
    table = Indicator._meta.db_table
    columns = ", ".join(_COLUMNS)
    with transaction.atomic():
        old = Indicator.objects.all()
        if scene_ids is not None:
            old = old.filter(scene_id__in=scene_ids)
        old._raw_delete(old.db)  # no cascades or signals hang off indicators
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_COLUMNS))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                for start in range(0, len(rows), _BATCH):
                    cursor.executemany(sql, rows[start : start + _BATCH])
    return len(rows)


# --------------------------------------------------------------------------- API


def recompute_all(*, progress: Progress | None = None) -> int:
    """Every scene's indicators from scratch; returns the number of Indicator rows."""
    say = progress or (lambda _message: None)
    scenes = scene_geometries()
    say(f"geometry versions: {len(scenes)}")
    stored = load_events()
    say(f"events read: {len(stored.events)}")
    counts = _count_all(scenes, stored)
    rows = _indicator_rows(counts, None)
    rows += _aggregated_rows(None)
    stored = _store(rows, None)
    say(f"indicator rows stored: {stored}")
    return stored


def recompute_scenes(scene_ids: Iterable[int]) -> int:
    """Only these scenes' indicators (incremental): each counted with
    ``counting.count_for_scene`` against the events near it and every other scene's
    inside (for the ring exclusion). Scenes that no longer exist just lose their rows.
    Returns the number of Indicator rows written."""
    wanted = {int(pk) for pk in scene_ids}
    if not wanted:
        return 0
    scenes = scene_geometries()
    present = {s.scene_id for s in scenes} & wanted
    if len(present) > _PER_SCENE_LIMIT:
        rows = _indicator_rows(_count_all(scenes, load_events()), present)
    else:
        rows = []
        for scene_id in sorted(present):
            own = [s for s in scenes if s.scene_id == scene_id]
            bounds = shapely.bounds(np.array([s.geometry for s in own], dtype=object))
            bbox = (
                float(bounds[:, 0].min() - RING_M),
                float(bounds[:, 1].min() - RING_M),
                float(bounds[:, 2].max() + RING_M),
                float(bounds[:, 3].max() + RING_M),
            )
            stored = load_events(bbox=bbox)
            counts = counting.count_for_scene(
                scene_id=scene_id, scenes=scenes, events=stored.events, period="month"
            )
            rows += _indicator_rows(counting.by_category(counts, stored.kinds), None)
    rows += _aggregated_rows(present)
    return _store(rows, wanted)


def scenes_near(x: np.ndarray, y: np.ndarray) -> list[int]:
    """Ids of the scenes with a geometry version within 500 m of any of the points
    (EPSG:3006): the scenes an import of these events changes. Points are bucketed in
    100 m cells; an STRtree finds the versions within reach of each occupied cell, and
    only the points of those cells are measured exactly, stopping at the first hit."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    versions = scene_geometries()
    if x.size == 0 or not versions:
        return []
    cell = 100.0
    ix = np.floor(x / cell).astype(np.int64)
    iy = np.floor(y / cell).astype(np.int64)
    key = (ix - ix.min()) * (int(iy.max() - iy.min()) + 1) + (iy - iy.min())
    order = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    first = order[starts]
    cx0, cy0 = ix[first] * cell, iy[first] * cell
    boxes = shapely.box(cx0, cy0, cx0 + cell, cy0 + cell)
    geoms = np.array([v.geometry for v in versions], dtype=object)
    tree = shapely.STRtree(geoms)
    cell_idx, geom_idx = tree.query(boxes, predicate="dwithin", distance=RING_M)
    found: set[int] = set()
    for g in np.unique(geom_idx):
        scene_id = versions[g].scene_id
        if scene_id in found:
            continue
        cells = cell_idx[geom_idx == g]
        points = order[np.concatenate([np.arange(starts[c], ends[c]) for c in cells])]
        for a in range(0, points.size, 4096):
            chunk = points[a : a + 4096]
            if shapely.dwithin(geoms[g], shapely.points(x[chunk], y[chunk]), RING_M).any():
                found.add(scene_id)
                break
    return sorted(found)


def scenes_around(scene_ids: Iterable[int]) -> set[int]:
    """The scenes with a version within 500 m of any version of these scenes: a change
    of their inside changes the others' rings."""
    wanted = {int(pk) for pk in scene_ids}
    versions = scene_geometries()
    geoms = np.array([v.geometry for v in versions], dtype=object)
    own = [i for i, v in enumerate(versions) if v.scene_id in wanted]
    if not own:
        return wanted
    tree = shapely.STRtree(geoms)
    _, hits = tree.query(geoms[own], predicate="dwithin", distance=RING_M)
    return wanted | {versions[i].scene_id for i in np.unique(hits)}


# --------------------------------------------------------------------------- areas


def zone_areas(scene_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """Zone areas in m² (``{scene_id: {zone: m²}}``) on each scene's current geometry,
    the rings without the other scenes' insides; cached until a geometry changes."""
    wanted = sorted({int(pk) for pk in scene_ids})
    if not wanted:
        return {}
    stamp = list(SceneGeometryVersion.objects.order_by("-pk").values_list("pk", flat=True)[:1]) + [
        SceneGeometryVersion.objects.count()
    ]
    key = "drogscen:zone-areas:" + hashlib.sha256(repr((wanted, stamp)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        around = scenes_around(wanted)
        current = _current_versions(around)
        areas = counting.zone_areas_m2(current)
        found = {pk: areas[pk] for pk in wanted if pk in areas}
        cache.set(key, found, timeout=7 * 24 * 3600)
    return found


def _current_versions(scene_ids: set[int]) -> list[counting.SceneGeometry]:
    latest: dict[int, dict] = {}
    for scene_id, geojson in (
        SceneGeometryVersion.objects.filter(scene_id__in=scene_ids)
        .order_by("scene_id", "valid_from", "pk")
        .values_list("scene_id", _geojson_text())
    ):
        latest[scene_id] = geojson
    shapes = _sweref_geometries(list(latest.values()))
    return [
        counting.SceneGeometry(scene_id=pk, geometry=shape)
        for pk, shape in zip(latest, shapes, strict=True)
    ]
