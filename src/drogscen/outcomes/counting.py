"""Crime events counted per scene × zone × period × category (the ``Indicator`` numbers).

Pure computation, no Django: the outcomes app feeds it arrays and stores what it returns
(docs/domain-rules.md#indicators; the speed bar is in docs/contracts.md#quality-bars and
``bench/indicator_counting.py``).

Zones of a scene, for the geometry version valid when the event happened:

* ``inside`` (0): the event lies in the polygon; points on its boundary count as inside
  (``covers``).
* ``buffer_200`` (1): not inside, and the point-to-polygon distance is ≤ 200 m.
* ``buffer_500`` (2): the distance is > 200 m and ≤ 500 m.

An event inside *any* scene (at that time) is not counted in any scene's rings: the
rings are where a scene's displacement would show, and an event inside scene B belongs
to B. An event in the rings of two scenes counts for both. Distances are the exact
point-to-polygon distance (as ``shapely.distance``), inclusive.

How it stays fast without a geometry object per event (1 000 000 events × 500 scenes
in about 0.3 s, single-threaded, on the 2-core machine where PostGIS with a GiST index
needs 1.4 s):

1. Events are bucketed in a uniform grid (``grid_size_m``: 50 m, coarser for sparse
   events) with a radix sort, so the events of one cell are one slice of the sorted
   arrays.
2. For each geometry version, every non-empty cell within its bounding box + 500 m
   gets the distance from its centre to the polygon's boundary, computed in numpy
   against the boundary's segments (dense arrays, versions grouped by segment count).
   Distance to a set is 1-Lipschitz, so every point of a cell whose centre is at D lies
   between D − h and D + h (h: half the cell's diagonal): most cells fall wholly in one
   zone, and their events are counted as whole slices, never looked at one by one.
3. Only events in cells crossed by the polygon's edge or by the 200/500 m line are
   tested singly: ``shapely.intersects_xy`` on the prepared polygon (GEOS, exact) near
   the edge; near a ring line, numpy distances to the few segments that can be nearest
   for that cell. A distance within a relative 1e-8 of 200 or 500 m is settled by
   ``shapely.distance`` itself, as the last bit can differ from GEOS's arithmetic.
4. A polygon with many vertices (an imported outline) is measured in steps 2–3 on a
   Douglas–Peucker copy of its rings (tolerance 1 m: the two boundaries are within 1 m
   of each other everywhere), with the cell bounds widened by that metre; events within
   it of a ring line are settled by ``shapely.distance`` on the real polygon.
5. Time validity, the ring exclusion and the group-by are one ``np.bincount`` over a
   combined integer key (keys of rows that do not count are moved out of range).

The cost grows with the number of boundary segments near a ring line; hand-drawn
scenes (5–20 vertices) are the fast case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RING_DISTANCES_M",
    "ZONES",
    "ZONE_BUFFER_200",
    "ZONE_BUFFER_500",
    "ZONE_INSIDE",
    "EventArrays",
    "Period",
    "SceneGeometry",
    "ZoneCounts",
    "by_category",
    "count_events_by_zone",
    "count_for_scene",
    "period_index",
    "zone_areas_m2",
]

ZONE_INSIDE = 0
ZONE_BUFFER_200 = 1
ZONE_BUFFER_500 = 2
ZONES: tuple[str, str, str] = ("inside", "buffer_200", "buffer_500")
RING_DISTANCES_M: tuple[float, float] = (200.0, 500.0)

Period = Literal["month", "quarter", "year"]
_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}

_R_INNER, _R_OUTER = RING_DISTANCES_M
_GRID_M = 50.0
# Cell bounds carry an absolute slack for rounding (coordinates ~ 1e6 m, errors ~ 1e-9 m).
_EPS_M = 1e-6
# A numpy squared distance this close (relative) to 200² or 500² is re-checked by GEOS.
_REL_TOL = 1e-8
_MAX_DENSE_CELLS = 1 << 22
# Polygons with more segments are measured, cell by cell, on a copy simplified within
# this tolerance; events that close to a ring edge are settled on the real polygon.
_SIMPLIFY_MIN_SEGMENTS = 32
_SIMPLIFY_M = 1.0
_CHUNK_ELEMENTS = 1 << 16
_UNDECIDED = -2  # zone_of_cell: decide event by event
_NO_ZONE = -1  # beyond 500 m
_T_MIN = np.iinfo(np.int64).min
_T_MAX = np.iinfo(np.int64).max

TimeLike = np.datetime64 | dt.date | dt.datetime | str | None


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class SceneGeometry:
    """One geometry version of a scene, valid from ``valid_from`` (inclusive) to
    ``valid_to`` (exclusive); ``None`` is open. Several rows may share a ``scene_id``
    (the scene's geometry history); their intervals must not overlap. An event at a time
    when no version of a scene is valid is not counted for that scene: leave the first
    version's ``valid_from`` open to count the years before the scene was identified, as
    before/after evaluations need. The geometry is a valid Polygon or MultiPolygon in
    SWEREF 99 TM (EPSG:3006) metres. Dates are midnight of that day; timezone-aware
    datetimes are taken in UTC; events' ``t`` must be on the same clock."""

    scene_id: int
    geometry: BaseGeometry
    valid_from: TimeLike = None
    valid_to: TimeLike = None


@dataclass(frozen=True, slots=True, eq=False)
class EventArrays:
    """Crime events as parallel arrays: ``x``/``y`` in EPSG:3006 metres, ``t`` either
    ``datetime64`` (any unit) or integer months since 1970-01 (``year*12 + month - 1 -
    1970*12``), ``category`` integer ids. An event with several categories appears as
    several rows (one per category); counts are therefore per category, and summing
    categories counts such an event more than once. Rows with a non-finite coordinate
    are ignored. With month-index times an event is taken to happen at the start of its
    month when geometry versions are chosen."""

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    category: np.ndarray

    def __post_init__(self) -> None:
        x = np.ascontiguousarray(self.x, dtype=np.float64)
        y = np.ascontiguousarray(self.y, dtype=np.float64)
        t = np.asarray(self.t)
        if not (np.issubdtype(t.dtype, np.datetime64) or np.issubdtype(t.dtype, np.integer)):
            raise TypeError("t must be datetime64 or integer month indices")
        if np.issubdtype(t.dtype, np.integer):
            t = t.astype(np.int64, copy=False)
        category = np.asarray(self.category)
        if not np.issubdtype(category.dtype, np.integer):
            raise TypeError("category must be an integer array")
        category = category.astype(np.int64, copy=False)
        n = x.shape
        if x.ndim != 1 or y.shape != n or t.shape != n or category.shape != n:
            raise ValueError("x, y, t and category must be 1-D arrays of the same length")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "category", category)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def take(self, index: np.ndarray) -> EventArrays:
        return EventArrays(
            x=self.x[index], y=self.y[index], t=self.t[index], category=self.category[index]
        )


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, slots=True, eq=False)
class ZoneCounts:
    """Non-zero counts in long format, sorted by scene, zone, period, category.

    ``period`` is the number of periods since 1970 (months since 1970-01 for
    ``"month"``, quarters since 1970Q1, years since 1970); ``period_start`` turns it into
    the first day of the period."""

    scene_id: np.ndarray
    zone: np.ndarray
    period: np.ndarray
    category: np.ndarray
    count: np.ndarray
    period_unit: Period = "month"

    def __len__(self) -> int:
        return int(self.count.shape[0])

    def period_start(self) -> np.ndarray:
        months = self.period * _MONTHS_PER_PERIOD[self.period_unit]
        return months.astype("datetime64[M]").astype("datetime64[D]")

    def to_frame(self) -> pd.DataFrame:
        """Columns scene_id, zone (categorical of ``ZONES``), period, period_start,
        category, count."""
        import pandas as pd

        return pd.DataFrame(
            {
                "scene_id": self.scene_id,
                "zone": pd.Categorical.from_codes(self.zone.astype(np.int8), categories=ZONES),
                "period": self.period,
                "period_start": self.period_start(),
                "category": self.category,
                "count": self.count,
            }
        )

    @classmethod
    def empty(cls, period_unit: Period = "month") -> ZoneCounts:
        z = np.zeros(0, np.int64)
        return cls(z, z.astype(np.int8), z, z, z, period_unit)


def period_index(t: np.ndarray, period: Period = "month") -> np.ndarray:
    """Periods since 1970 for ``datetime64`` times or integer month indices."""
    return _period_index(np.asarray(t), _check_period(period))


# --------------------------------------------------------------------------- API


def count_events_by_zone(
    *,
    scenes: Sequence[SceneGeometry],
    events: EventArrays,
    period: Period = "month",
    grid_size_m: float | None = None,
) -> ZoneCounts:
    """Count events per scene × zone × period × category (zones and rules: module doc).

    Every row of ``scenes`` is a geometry version; an event counts against the version
    valid at its time. ``period`` buckets the events by calendar month, quarter or
    year. ``grid_size_m`` only tunes speed (the result does not depend on it); by
    default 50 m, coarser when the events are sparse.

    Exact: equals testing each event with a shapely Point, ``covers`` and ``distance``
    on the valid geometry (``tests/test_counting.py`` checks this against such a
    reference on random and hand-made geometries)."""
    _check_period(period)
    units = _Units.build(list(scenes))
    if units.n == 0 or len(events) == 0:
        return ZoneCounts.empty(period)
    ev = _Events.build(events, period, need_time=units.any_bounded)
    grid = _Grid.build(ev, units.bounds, grid_size_m)
    rows = _zone_rows(units, grid)
    return _finish(rows, units, grid, ev, period, extra_covered=None)


def count_for_scene(
    *,
    scene_id: int,
    scenes: Sequence[SceneGeometry],
    events: EventArrays,
    period: Period = "month",
    grid_size_m: float | None = None,
) -> ZoneCounts:
    """The rows of ``count_events_by_zone`` for one scene (all its versions),
    recomputed on its own after an edit of its geometry: only events within 500 m of
    its bounding boxes are looked at. Other scenes matter only through the ring
    exclusion; those within reach are found with an STRtree and only their insides are
    tested."""
    _check_period(period)
    scenes = list(scenes)
    all_geoms = np.empty(len(scenes), dtype=object)
    all_geoms[:] = [s.geometry for s in scenes]
    ids = np.array([s.scene_id for s in scenes], dtype=np.int64)
    own = np.flatnonzero(ids == scene_id)
    if own.size == 0 or len(events) == 0:
        return ZoneCounts.empty(period)
    own_bounds = shapely.bounds(all_geoms[own])
    x0, y0 = own_bounds[:, :2].min(axis=0) - _R_OUTER
    x1, y1 = own_bounds[:, 2:].max(axis=0) + _R_OUTER
    tree = shapely.STRtree(all_geoms)
    near = tree.query(shapely.box(x0, y0, x1, y1))
    neighbours = np.setdiff1d(near, own)

    ex, ey = events.x, events.y
    take = np.flatnonzero((ex >= x0) & (ex <= x1) & (ey >= y0) & (ey <= y1))
    if take.size == 0:
        return ZoneCounts.empty(period)
    sub = events.take(take)

    units = _Units.build([scenes[i] for i in own])
    others = _Units.build([scenes[i] for i in neighbours], segments=False)
    need_time = units.any_bounded or others.any_bounded
    ev = _Events.build(sub, period, need_time=need_time)
    grid = _Grid.build(ev, units.bounds, grid_size_m)
    rows = _zone_rows(units, grid)
    covered = _inside_mask(others, grid)
    return _finish(rows, units, grid, ev, period, extra_covered=covered)


def by_category(counts: ZoneCounts, kinds: Sequence[Sequence[int]]) -> ZoneCounts:
    """Counts per event *kind* → counts per category. ``kinds[k]`` lists the categories
    an event of kind ``k`` counts in (a drug possession is both ``detected`` and
    ``drug``). Counting one row per event by kind and spreading the counts afterwards
    gives the same figures as one row per event and category, with fewer rows to
    count. The result is sorted by scene, zone, period, category like its input."""
    if len(counts) == 0:
        return counts
    sizes = np.array([len(k) for k in kinds], np.int64)
    if (sizes == 0).any():
        raise ValueError("every kind must count in at least one category")
    flat = np.array([c for k in kinds for c in k], np.int64)
    offsets = np.cumsum(sizes) - sizes
    repeat = sizes[counts.category]
    row = np.repeat(np.arange(len(counts)), repeat)
    within = np.arange(row.shape[0]) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    category = flat[offsets[counts.category[row]] + within]
    # rows of one scene, zone and period are adjacent: number those groups in order
    head = np.ones(len(counts), bool)
    head[1:] = (
        (counts.scene_id[1:] != counts.scene_id[:-1])
        | (counts.zone[1:] != counts.zone[:-1])
        | (counts.period[1:] != counts.period[:-1])
    )
    group = np.cumsum(head) - 1
    first = np.flatnonzero(head)
    cmin = int(category.min())
    width = int(category.max()) - cmin + 1
    key = group[row] * width + (category - cmin)
    total = np.bincount(key, weights=counts.count[row], minlength=(group[-1] + 1) * width)
    key = np.flatnonzero(total)
    g, c = np.divmod(key, width)
    return ZoneCounts(
        scene_id=counts.scene_id[first[g]],
        zone=counts.zone[first[g]],
        period=counts.period[first[g]],
        category=c + cmin,
        count=np.rint(total[key]).astype(np.int64),
        period_unit=counts.period_unit,
    )


def zone_areas_m2(
    scenes: Sequence[SceneGeometry], *, at: TimeLike = None, quad_segs: int = 64
) -> dict[int, dict[str, float]]:
    """Area in m² of each zone per scene: ``{scene_id: {"inside": …, "buffer_200": …,
    "buffer_500": …}}``, for rates per hectare.

    The rings exclude the insides of the other scenes as the counts do. ``at`` picks the
    versions valid at that time (scenes with none are left out); by default each scene's
    latest version is used, against the other scenes' latest versions. Ring areas come
    from polygonal buffers (``quad_segs`` segments per quarter circle), a relative
    under-estimate below 1e-4 at the default."""
    scenes = list(scenes)
    chosen: dict[int, SceneGeometry] = {}
    if at is None:
        for s in scenes:
            cur = chosen.get(s.scene_id)
            if cur is None or _to_seconds(s.valid_from, _T_MIN) >= _to_seconds(
                cur.valid_from, _T_MIN
            ):
                chosen[s.scene_id] = s
    else:
        when = _to_seconds(at, _T_MIN)
        for s in scenes:
            if _to_seconds(s.valid_from, _T_MIN) <= when < _to_seconds(s.valid_to, _T_MAX):
                chosen[s.scene_id] = s
    ids = list(chosen)
    geoms = np.array([chosen[i].geometry for i in ids], dtype=object)
    if geoms.size == 0:
        return {}
    b200 = shapely.buffer(geoms, _R_INNER, quad_segs=quad_segs)
    b500 = shapely.buffer(geoms, _R_OUTER, quad_segs=quad_segs)
    tree = shapely.STRtree(geoms)
    out: dict[int, dict[str, float]] = {}
    for i, sid in enumerate(ids):
        near = tree.query(b500[i])
        others = [geoms[j] for j in near if j != i]
        taken = shapely.union_all([geoms[i], *others])
        ring200 = shapely.difference(b200[i], taken)
        ring500 = shapely.difference(shapely.difference(b500[i], b200[i]), taken)
        out[int(sid)] = {
            "inside": float(shapely.area(geoms[i])),
            "buffer_200": float(shapely.area(ring200)),
            "buffer_500": float(shapely.area(ring500)),
        }
    return out


# --------------------------------------------------------------------------- time


def _check_period(period: str) -> Period:
    if period not in _MONTHS_PER_PERIOD:
        raise ValueError(f"period must be one of {sorted(_MONTHS_PER_PERIOD)}, not {period!r}")
    return period  # type: ignore[return-value]


def _to_seconds(value: TimeLike, open_value: int) -> int:
    if value is None:
        return open_value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return int(np.datetime64(value, "s").astype(np.int64))


def _months_of_days(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers, through a table over the days' range
    (numpy's own datetime64[D] → [M] cast is ~20× slower)."""
    if days.size == 0:
        return days.astype(np.int64)
    lo, hi = int(days.min()), int(days.max())
    if hi - lo > 1_000_000:
        return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    table = np.arange(lo, hi + 1, dtype=np.int64).astype("datetime64[D]")
    table = table.astype("datetime64[M]").astype(np.int64)
    return table[days - lo]


def _period_index(t: np.ndarray, period: Period) -> np.ndarray:
    if np.issubdtype(t.dtype, np.datetime64):
        months = _months_of_days(t.astype("datetime64[D]").astype(np.int64))
    else:
        months = t.astype(np.int64, copy=False)
    step = _MONTHS_PER_PERIOD[period]
    return months if step == 1 else months // step


def _event_seconds(t: np.ndarray) -> np.ndarray:
    if np.issubdtype(t.dtype, np.datetime64):
        return t.astype("datetime64[s]").astype(np.int64)
    lo, hi = (int(t.min()), int(t.max())) if t.size else (0, 0)
    table = np.arange(lo, hi + 1, dtype=np.int64).astype("datetime64[M]")
    return table.astype("datetime64[s]").astype(np.int64)[t - lo]


# --------------------------------------------------------------------------- internals


class _Units:
    """Geometry versions as arrays: bounds, validity in seconds, segments of all rings."""

    def __init__(self) -> None:
        self.n = 0

    @classmethod
    def build(cls, scenes: Sequence[SceneGeometry], *, segments: bool = True) -> _Units:
        self = cls()
        self.n = n = len(scenes)
        geoms = np.empty(n, dtype=object)
        geoms[:] = [s.geometry for s in scenes]
        ids = np.array([int(s.scene_id) for s in scenes], dtype=np.int64)
        self.scene_ids, self.scene_idx = np.unique(ids, return_inverse=True)
        self.t_from = np.array([_to_seconds(s.valid_from, _T_MIN) for s in scenes], np.int64)
        self.t_to = np.array([_to_seconds(s.valid_to, _T_MAX) for s in scenes], np.int64)
        self.bounded = (self.t_from != _T_MIN) | (self.t_to != _T_MAX)
        self.any_bounded = bool(self.bounded.any())
        self.geoms = geoms
        if n == 0:
            self.bounds = np.zeros((0, 4))
            return self
        kinds = shapely.get_type_id(geoms)
        if not np.isin(kinds, (3, 6)).all():
            raise ValueError("scene geometries must be Polygon or MultiPolygon")
        if shapely.is_empty(geoms).any():
            raise ValueError("scene geometries must not be empty")
        bad = ~shapely.is_valid(geoms)
        if bad.any():
            raise ValueError(
                f"invalid geometry for scene(s) {sorted(set(ids[bad].tolist()))}; "
                "repair it (shapely.make_valid) before counting"
            )
        _check_versions(ids, self.t_from, self.t_to)
        shapely.prepare(geoms)
        self.bounds = shapely.bounds(geoms)
        if segments:
            self._segments()
        return self

    def _segments(self) -> None:
        parts, part_unit = shapely.get_parts(self.geoms, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        ring_unit = part_unit[ring_part]
        xy, ring_of = shapely.get_coordinates(rings, return_index=True)
        self.exact = _Segments.from_rings(xy, ring_of, ring_unit, self.n)
        self.coarse, self.slack = self.exact, np.zeros(self.n)
        m = np.diff(self.exact.ptr)
        big = m > _SIMPLIFY_MIN_SEGMENTS
        if not big.any():
            return
        # Douglas-Peucker on each ring as an open line (no validity repair): every
        # point of the simplified line is within the tolerance of the ring and every
        # point of the ring within the tolerance of the line (Hausdorff ≤ tolerance)
        big_rings = np.flatnonzero(big[ring_unit])
        sel = big[ring_unit][ring_of]
        lines = shapely.linestrings(xy[sel], indices=np.searchsorted(big_rings, ring_of[sel]))
        simple = shapely.simplify(lines, _SIMPLIFY_M, preserve_topology=False)
        sxy, sline = shapely.get_coordinates(simple, return_index=True)
        s_ring = big_rings[sline]
        m_simple = np.bincount(ring_unit[s_ring], minlength=self.n) - np.bincount(
            ring_unit[big_rings], minlength=self.n
        )
        # a ring the simplification dropped (a collapsed speck) would void the bound
        lost = np.bincount(sline, minlength=big_rings.shape[0]) < 2
        lost_unit = np.bincount(ring_unit[big_rings[lost]], minlength=self.n) > 0
        use = big & ~lost_unit & (m_simple <= 0.75 * m)
        if not use.any():
            return
        keep_orig = ~use[ring_unit][ring_of]
        keep_simple = use[ring_unit][s_ring]
        all_xy = np.concatenate([xy[keep_orig], sxy[keep_simple]])
        all_ring = np.concatenate([ring_of[keep_orig], s_ring[keep_simple]])
        order = np.argsort(all_ring, kind="stable")
        self.coarse = _Segments.from_rings(all_xy[order], all_ring[order], ring_unit, self.n)
        self.slack = np.where(use, _SIMPLIFY_M + _EPS_M, 0.0)


@dataclass(frozen=True, slots=True)
class _Segments:
    """Segments a → a + d of all rings, unit by unit (``ptr``); ``inv`` = 1/|d|²."""

    ax: np.ndarray
    ay: np.ndarray
    dx: np.ndarray
    dy: np.ndarray
    inv: np.ndarray
    ptr: np.ndarray

    @classmethod
    def from_rings(
        cls, xy: np.ndarray, ring_of: np.ndarray, ring_unit: np.ndarray, n_units: int
    ) -> _Segments:
        same = ring_of[:-1] == ring_of[1:]
        a, b = xy[:-1][same], xy[1:][same]
        seg_unit = ring_unit[ring_of[:-1][same]]
        d = b - a
        dd = (d * d).sum(axis=1)
        inv = np.divide(1.0, dd, out=np.zeros_like(dd), where=dd > 0)
        ptr = np.searchsorted(seg_unit, np.arange(n_units + 1))
        return cls(a[:, 0].copy(), a[:, 1].copy(), d[:, 0].copy(), d[:, 1].copy(), inv, ptr)

    def columns(self) -> tuple[np.ndarray, ...]:
        return self.ax, self.ay, self.dx, self.dy, self.inv


def _check_versions(ids: np.ndarray, t_from: np.ndarray, t_to: np.ndarray) -> None:
    if (t_to <= t_from).any():
        raise ValueError("a geometry version has valid_to on or before valid_from")
    order = np.lexsort((t_from, ids))
    same = ids[order][1:] == ids[order][:-1]
    overlap = same & (t_from[order][1:] < t_to[order][:-1])
    if overlap.any():
        sid = int(ids[order][1:][overlap][0])
        raise ValueError(f"geometry versions of scene {sid} overlap in time")


class _Events:
    """Events with their combined (period, category) key ``ek``."""

    @classmethod
    def build(cls, events: EventArrays, period: Period, *, need_time: bool) -> _Events:
        self = cls()
        x, y = events.x, events.y
        t, cat = events.t, events.category
        finite = np.isfinite(x) & np.isfinite(y)
        if np.issubdtype(t.dtype, np.datetime64):
            finite &= ~np.isnat(t)
        keep = None if finite.all() else np.flatnonzero(finite)
        if keep is not None:
            x, y, t, cat = x[keep], y[keep], t[keep], cat[keep]
        self.x, self.y = x, y
        self.n = x.shape[0]
        p = _period_index(t, period)
        self.ts = _event_seconds(t) if need_time else None
        if self.n == 0:
            self.pmin, self.n_periods, self.categories = 0, 1, np.zeros(1, np.int64)
            self.ek = np.zeros(0, np.int64)
            return self
        self.pmin = int(p.min())
        self.n_periods = int(p.max()) - self.pmin + 1
        cmin, cmax = int(cat.min()), int(cat.max())
        if cmax - cmin < (1 << 20):
            present = np.bincount(cat - cmin, minlength=cmax - cmin + 1) > 0
            self.categories = np.flatnonzero(present) + cmin
            lut = np.cumsum(present) - 1
            cidx = lut[cat - cmin]
        else:
            self.categories, cidx = np.unique(cat, return_inverse=True)
        k = self.categories.shape[0]
        self.ek = (p - self.pmin) * k + cidx
        return self


class _Grid:
    """Events within reach of the scenes, sorted by grid cell (row-major); the events of
    cell ``c`` are ``start[c]:start[c + 1]`` of the sorted arrays."""

    @classmethod
    def build(cls, ev: _Events, bounds: np.ndarray, size: float | None) -> _Grid:
        self = cls()
        rx0, ry0 = bounds[:, 0].min() - _R_OUTER, bounds[:, 1].min() - _R_OUTER
        rx1, ry1 = bounds[:, 2].max() + _R_OUTER, bounds[:, 3].max() + _R_OUTER
        area = (rx1 - rx0) * (ry1 - ry0)
        if size is None:  # 50 m, or about four cells per event where events are sparse
            size = max(_GRID_M, float(np.sqrt(area / (4.0 * max(ev.n, 1)))))
        # a very spread-out set of scenes: coarser cells rather than a huge grid
        size = max(size, float(np.sqrt(area / _MAX_DENSE_CELLS)) * 1.01)
        rx0, ry0, rx1, ry1 = rx0 - 2 * size, ry0 - 2 * size, rx1 + 2 * size, ry1 + 2 * size
        self.size, self.x0, self.y0 = size, rx0, ry0
        self.nx = int((rx1 - rx0) // size) + 1
        self.ny = int((ry1 - ry0) // size) + 1
        x, y = ev.x, ev.y
        n_cells = self.nx * self.ny
        ix = np.floor((x - rx0) * (1.0 / size)).astype(np.int64)
        iy = np.floor((y - ry0) * (1.0 / size)).astype(np.int64)
        # events beyond the region (more than 500 m from every scene) sort last, out of
        # every cell: a sentinel key instead of a compaction pass (as unsigned numbers,
        # negative cell numbers are beyond the grid too)
        far = ix.view(np.uint64) >= self.nx
        far |= iy.view(np.uint64) >= self.ny
        key = iy * self.nx
        key += ix
        del ix, iy
        key[far] = n_cells
        order = _radix_argsort(key, n_cells + 1)
        counts = np.bincount(key, minlength=n_cells + 1)
        self.start = np.zeros(n_cells + 1, np.int64)
        np.cumsum(counts[:n_cells], out=self.start[1:])
        n_near = int(self.start[-1])
        order = order[:n_near]
        self.x, self.y = x[order], y[order]
        self.ek = ev.ek[order]
        self.ts = None if ev.ts is None else ev.ts[order]
        self.n = self.x.shape[0]
        return self


def _radix_argsort(key: np.ndarray, n_keys: int) -> np.ndarray:
    """Stable argsort of non-negative keys below ``n_keys`` by 16-bit digits (numpy
    sorts uint16 with a radix sort; ~4× faster than a comparison argsort here)."""
    if n_keys <= 1 << 16:
        return np.argsort(key.astype(np.uint16), kind="stable")
    if n_keys > 1 << 32:
        return np.argsort(key, kind="stable")
    order = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    high = (key >> 16).astype(np.uint16)[order]
    return order[np.argsort(high, kind="stable")]


@dataclass(frozen=True, slots=True)
class _Rows:
    """What the zone pass found, as indices into the grid's sorted events: slices
    ``start:start + length`` wholly in one zone of a unit, and single events."""

    r_start: np.ndarray
    r_len: np.ndarray
    r_unit: np.ndarray
    r_zone: np.ndarray
    e_idx: np.ndarray
    e_unit: np.ndarray
    e_zone: np.ndarray


def _expand(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for each (s, n)."""
    offsets = np.cumsum(length) - length
    total = int(offsets[-1] + length[-1]) if length.size else 0
    return np.arange(total, dtype=np.int64) + np.repeat(start - offsets, length)


def _dense_d2(
    px: np.ndarray,
    py: np.ndarray,
    ax: np.ndarray,
    ay: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    inv: np.ndarray,
    *,
    scratch: bool,
) -> np.ndarray:
    """Squared distances from points ``(px[i], py[i])`` to segments ``[j, i]`` (a → a + d,
    ``inv`` = 1/|d|², 0 for a zero-length segment): an (m, n) array, segments first so
    that the minimum over segments is an element-wise minimum of rows (numpy is slow at
    reducing a short last axis). The segment arrays are (m, n) or (m, 1); with
    ``scratch`` the (m, n) ``ax`` and ``ay`` are overwritten."""
    wx = np.subtract(px, ax, out=ax if scratch else None)
    wy = np.subtract(py, ay, out=ay if scratch else None)
    t = wx * dx
    t += wy * dy
    t *= inv
    np.clip(t, 0.0, 1.0, out=t)
    step = dx * t
    wx -= step
    np.multiply(dy, t, out=step)
    wy -= step
    wx *= wx
    wy *= wy
    wx += wy
    return wx


def _zone_rows(units: _Units, grid: _Grid) -> _Rows:
    """Zones of the events near every unit (geometry version), whole cells where the
    cell decides, event by event in the cells that straddle an edge."""
    h = grid.size * np.sqrt(0.5) + _EPS_M  # half-diagonal, with rounding slack
    n_seg = np.diff(units.coarse.ptr)
    by_m = np.argsort(n_seg, kind="stable")  # units grouped by segment count

    # 1. (unit, cell) pairs: non-empty cells within reach, unit-major, row-major
    rank, start, length, cx, cy, centre_in = _cell_pairs(units, grid, by_m)
    unit = by_m[rank]
    # every point of a cell is within hh of its centre's distance to the (simplified)
    # boundary: half-diagonal plus the simplification tolerance
    hh = h + units.slack[unit]

    # 2. distance from each cell centre to the boundary, and the candidate segments of the
    #    cells crossed by one ring edge
    dist2, cand_pair, cand_seg = _centre_distances(units, by_m, rank, cx, cy, hh)

    # 3. cells wholly in one zone
    dist = np.sqrt(dist2)
    zone, out, hi = _whole_cell_zones(dist, hh, centre_in)
    whole = np.flatnonzero(zone >= 0)

    # 4. cells crossed by one ring edge: one distance test per event
    t_edge = _edge_of_cell(dist, hh)
    edge = (zone == _UNDECIDED) & out & (t_edge > 0)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (event, unit, zone)
    if cand_pair:
        parts += _edge_cell_events(
            units,
            grid,
            edge,
            cand_pair,
            cand_seg,
            unit=unit,
            t_edge=t_edge,
            start=start,
            length=length,
        )

    # 5. the rest (cells the polygon's boundary runs through): point in polygon per event
    rest = np.flatnonzero((zone == _UNDECIDED) & ~edge)
    if rest.size:
        parts.append(
            _boundary_cell_events(units, grid, rest, unit=unit, start=start, length=length, hi=hi)
        )
    e_idx, e_unit, e_zone = ([part[k] for part in parts] for k in range(3))

    def cat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype)

    e_zone_all = cat(e_zone, np.int8)
    counted = e_zone_all >= 0
    return _Rows(
        r_start=start[whole],
        r_len=length[whole],
        r_unit=unit[whole],
        r_zone=zone[whole],
        e_idx=cat(e_idx, np.int64)[counted],
        e_unit=cat(e_unit, np.int64)[counted],
        e_zone=e_zone_all[counted],
    )


def _centre_distances(
    units: _Units,
    by_m: np.ndarray,
    rank: np.ndarray,
    cx: np.ndarray,
    cy: np.ndarray,
    hh: np.ndarray,
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Squared distance from each pair's cell centre to its unit's boundary, dense per
    segment count; for cells crossed by one ring edge T, the (pair, segment) candidates
    within T + hh of the centre."""
    segs = units.coarse
    n_seg = np.diff(segs.ptr)
    dist2 = np.empty(rank.shape[0])
    cand_pair: list[np.ndarray] = []
    cand_seg: list[np.ndarray] = []
    m_of_rank = n_seg[by_m]
    pair_ptr = np.searchsorted(rank, np.arange(units.n + 1))
    for m in np.unique(m_of_rank):
        r0, r1 = np.searchsorted(m_of_rank, [m, m + 1])
        p0, p1 = pair_ptr[r0], pair_ptr[r1]
        if p0 == p1:
            continue
        seg_tab = segs.ptr[by_m[r0:r1]] + np.arange(m)[:, None]  # (m, units)
        tabs = [a[seg_tab] for a in segs.columns()]
        step = max(1, _CHUNK_ELEMENTS // int(m))
        for a in range(p0, p1, step):
            e = min(a + step, p1)
            rows = rank[a:e] - r0
            seg_cols = (np.take(t, rows, axis=1) for t in tabs)
            d2 = _dense_d2(cx[a:e], cy[a:e], *seg_cols, scratch=True)
            dmin = d2.min(axis=0)
            dist2[a:e] = dmin
            t_edge = _edge_of_cell(np.sqrt(dmin), hh[a:e])
            sel = np.flatnonzero(t_edge)
            if sel.size:
                # a segment farther than T + hh from the centre cannot bring a point of
                # the cell within T (+ the tolerance); the slack keeps the nearest in
                reach2 = (t_edge[sel] + hh[a:e][sel] + _EPS_M) ** 2
                # nonzero of the transposed mask lists the candidates cell by cell
                r, c = np.nonzero((d2[:, sel] <= reach2).T)
                cand_pair.append(a + sel[r])
                cand_seg.append(seg_tab[c, rows[sel[r]]])
    return dist2, cand_pair, cand_seg


def _whole_cell_zones(
    dist: np.ndarray, hh: np.ndarray, centre_in: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The zone of every pair whose whole cell lies in one zone (else _UNDECIDED), which
    pairs have their centre outside, and the farthest distance of a cell's point."""
    lo = dist - hh
    hi = dist + hh
    clear = lo > 0.0  # the polygon's boundary does not reach into the cell
    out = clear & ~centre_in
    zone = np.full(dist.shape[0], _UNDECIDED, np.int8)
    zone[clear & centre_in] = ZONE_INSIDE
    zone[out & (hi <= _R_INNER)] = ZONE_BUFFER_200
    zone[out & (lo > _R_INNER) & (hi <= _R_OUTER)] = ZONE_BUFFER_500
    zone[out & (lo > _R_OUTER)] = _NO_ZONE
    return zone, out, hi


def _edge_cell_events(
    units: _Units,
    grid: _Grid,
    edge: np.ndarray,
    cand_pair: list[np.ndarray],
    cand_seg: list[np.ndarray],
    *,
    unit: np.ndarray,
    t_edge: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(event, unit, zone) arrays of the events in cells crossed by one ring edge, grouped
    by their number of candidate segments."""
    n_pairs = edge.shape[0]
    cp, cs = np.concatenate(cand_pair), np.concatenate(cand_seg)
    ok = edge[cp]
    cp, cs = cp[ok], cs[ok]
    n_cand = np.bincount(cp, minlength=n_pairs)
    ptr = np.cumsum(n_cand) - n_cand
    edge_pairs = np.flatnonzero(edge)
    parts = []
    for c in np.unique(n_cand[edge_pairs]):
        cells = edge_pairs[n_cand[edge_pairs] == c]
        cand = cs[ptr[cells][:, None] + np.arange(c)]
        idx, z = _edge_events(units, grid, cells, cand, unit, t_edge, start, length)
        parts.append((idx, np.repeat(unit[cells], length[cells]), z))
    return parts


def _boundary_cell_events(
    units: _Units,
    grid: _Grid,
    rest: np.ndarray,
    *,
    unit: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(event, unit, zone) of the events in cells the boundary runs through: point in
    polygon, then the ring by distance where the cell does not settle it."""
    idx = _expand(start[rest], length[rest])
    u_e = np.repeat(unit[rest], length[rest])
    px, py = grid.x[idx], grid.y[idx]
    inside = shapely.intersects_xy(units.geoms[u_e], px, py)
    near = np.repeat(hi[rest] <= _R_INNER, length[rest])
    z = np.where(inside, ZONE_INSIDE, np.where(near, ZONE_BUFFER_200, _UNDECIDED))
    far = np.flatnonzero(z == _UNDECIDED)  # only with a coarse grid
    for u in np.unique(u_e[far]):
        i = far[u_e[far] == u]
        z[i] = _ring_zone(px[i], py[i], units, int(u))
    return idx, u_e, z.astype(np.int8)


def _cell_pairs(units: _Units, grid: _Grid, by_m: np.ndarray) -> tuple[np.ndarray, ...]:
    """The non-empty cells within the bounding box + 500 m of each unit (taken in the
    order ``by_m``; ``rank`` is the position in it) that a box-to-box distance does not
    rule out, with their event slices, centres and whether the centre is inside."""
    g = grid.size
    half = 0.5 * g
    b = units.bounds[by_m]
    r = _R_OUTER + 1.0  # the metre covers any rounding in an event's cell number
    ix0 = np.clip((b[:, 0] - r - grid.x0) // g, 0, grid.nx - 1).astype(np.int64)
    ix1 = np.clip((b[:, 2] + r - grid.x0) // g, 0, grid.nx - 1).astype(np.int64)
    iy0 = np.clip((b[:, 1] - r - grid.y0) // g, 0, grid.ny - 1).astype(np.int64)
    iy1 = np.clip((b[:, 3] + r - grid.y0) // g, 0, grid.ny - 1).astype(np.int64)
    wide = ix1 - ix0 + 1
    n_cells = wide * (iy1 - iy0 + 1)
    rank = np.repeat(np.arange(units.n), n_cells)
    local = _expand(np.zeros(units.n, np.int64), n_cells)
    w = wide[rank]
    row = local // w
    key = (iy0[rank] + row) * grid.nx + ix0[rank] + (local - row * w)
    del local, w, row
    start = grid.start[key]
    length = grid.start[key + 1] - start
    keep = np.flatnonzero(length)
    rank, key, start, length = rank[keep], key[keep], start[keep], length[keep]
    iy, ix = np.divmod(key, grid.nx)
    cx = grid.x0 + (ix + 0.5) * g
    cy = grid.y0 + (iy + 0.5) * g
    bx0, by0, bx1, by1 = b[rank, 0], b[rank, 1], b[rank, 2], b[rank, 3]
    # box-to-box distance from the cell to the polygon's bbox: a cheap lower bound
    gx = np.maximum(np.maximum(bx0 - cx, cx - bx1) - half, 0.0)
    gy = np.maximum(np.maximum(by0 - cy, cy - by1) - half, 0.0)
    in_box = np.flatnonzero((gx == 0.0) & (gy == 0.0) & (cx >= bx0) & (cx <= bx1))
    in_box = in_box[(cy[in_box] >= by0[in_box]) & (cy[in_box] <= by1[in_box])]
    keep = np.flatnonzero(gx * gx + gy * gy <= (_R_OUTER + _EPS_M) ** 2)
    centre_in = np.zeros(rank.shape, bool)
    centre_in[in_box] = shapely.intersects_xy(
        units.geoms[by_m[rank[in_box]]], cx[in_box], cy[in_box]
    )
    return rank[keep], start[keep], length[keep], cx[keep], cy[keep], centre_in[keep]


def _edge_of_cell(dist: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The ring edge T (200 or 500) crossing a cell clear of the polygon's boundary when
    it is the only edge crossing it, else 0."""
    lo, hi = dist - h, dist + h
    t200 = (lo > 0.0) & (lo <= _R_INNER) & (hi > _R_INNER) & (hi <= _R_OUTER)
    t500 = (lo > _R_INNER) & (lo <= _R_OUTER) & (hi > _R_OUTER)
    return np.where(t200, _R_INNER, np.where(t500, _R_OUTER, 0.0))


def _edge_events(
    units: _Units,
    grid: _Grid,
    cells: np.ndarray,
    segs: np.ndarray,
    unit: np.ndarray,
    t_edge_of_cell: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Events of ``cells`` (each crossed by one ring edge T, candidate segments ``segs``
    of the simplified boundary, all cells with the same number of candidates): zone by
    distance ≤ T. A distance to the simplified boundary within its tolerance of T (or
    within a relative 1e-8 of T, where floating point could differ from GEOS) is
    settled by ``shapely.distance`` on the real polygon."""
    t_edge = t_edge_of_cell[cells]
    below = np.where(t_edge == _R_INNER, ZONE_BUFFER_200, ZONE_BUFFER_500).astype(np.int8)
    above = np.where(t_edge == _R_INNER, ZONE_BUFFER_500, _NO_ZONE).astype(np.int8)
    slack = units.slack[unit[cells]]
    sure_below = (t_edge - slack) ** 2 * (1.0 - _REL_TOL)
    sure_above = (t_edge + slack) ** 2 * (1.0 + _REL_TOL)
    segs_t = np.ascontiguousarray(segs.T)  # (candidates, cells)
    tabs = [a[segs_t] for a in units.coarse.columns()]
    idx = _expand(start[cells], length[cells])
    rows = np.repeat(np.arange(cells.shape[0]), length[cells])
    px, py = grid.x[idx], grid.y[idx]
    d2 = np.empty(idx.shape[0])
    step = max(1, _CHUNK_ELEMENTS // segs.shape[1])
    for a in range(0, idx.shape[0], step):
        r = rows[a : a + step]
        seg_cols = (np.take(t, r, axis=1) for t in tabs)
        d2[a : a + step] = _dense_d2(
            px[a : a + step], py[a : a + step], *seg_cols, scratch=True
        ).min(axis=0)
    zone = np.where(d2 <= sure_below[rows], below[rows], above[rows])
    doubt = np.flatnonzero((d2 > sure_below[rows]) & (d2 <= sure_above[rows]))
    if doubt.size:
        geoms = units.geoms[unit[cells][rows[doubt]]]
        exact = shapely.distance(geoms, shapely.points(px[doubt], py[doubt]))
        r = rows[doubt]
        zone[doubt] = np.where(exact <= t_edge[r], below[r], above[r])
    return idx, zone


def _ring_zone(px: np.ndarray, py: np.ndarray, units: _Units, u: int) -> np.ndarray:
    """Zone (1, 2 or none) of points outside unit ``u``'s polygon, by exact distance."""
    s0, s1 = units.exact.ptr[u], units.exact.ptr[u + 1]
    segs = [a[s0:s1, None] for a in units.exact.columns()]
    d2 = np.empty(px.shape[0])
    step = max(1, _CHUNK_ELEMENTS // int(s1 - s0))
    for a in range(0, px.shape[0], step):
        d2[a : a + step] = _dense_d2(px[a : a + step], py[a : a + step], *segs, scratch=False).min(
            axis=0
        )
    zone = np.full(px.shape, _NO_ZONE, np.int8)
    r1, r2 = _R_INNER * _R_INNER, _R_OUTER * _R_OUTER
    zone[d2 <= r2] = ZONE_BUFFER_500
    zone[d2 <= r1] = ZONE_BUFFER_200
    doubt = (np.abs(d2 - r1) <= _REL_TOL * r1) | (np.abs(d2 - r2) <= _REL_TOL * r2)
    if doubt.any():
        i = np.flatnonzero(doubt)
        exact = shapely.distance(units.geoms[u], shapely.points(px[i], py[i]))
        zone[i] = np.where(
            exact <= _R_INNER,
            ZONE_BUFFER_200,
            np.where(exact <= _R_OUTER, ZONE_BUFFER_500, _NO_ZONE),
        )
    return zone


def _inside_mask(units: _Units, grid: _Grid) -> np.ndarray:
    """Grid events inside any of ``units`` at their time (for the ring exclusion)."""
    covered = np.zeros(grid.n, bool)
    for u in range(units.n):
        bx0, by0, bx1, by1 = units.bounds[u]
        cand = np.flatnonzero((grid.x >= bx0) & (grid.x <= bx1) & (grid.y >= by0) & (grid.y <= by1))
        if units.bounded[u] and cand.size:
            tc = grid.ts[cand]
            cand = cand[(tc >= units.t_from[u]) & (tc < units.t_to[u])]
        if cand.size:
            hit = shapely.intersects_xy(units.geoms[u], grid.x[cand], grid.y[cand])
            covered[cand[hit]] = True
    return covered


def _finish(
    rows: _Rows,
    units: _Units,
    grid: _Grid,
    ev: _Events,
    period: Period,
    extra_covered: np.ndarray | None,
) -> ZoneCounts:
    """Time validity, the ring exclusion and the group-by. Keys of rows that do not
    count (event inside some scene, or outside the version's validity) are moved to
    ``n_keys`` and above, and dropped after one ``bincount``."""
    k = ev.categories.shape[0]
    pk = ev.n_periods * k
    n_keys = units.scene_ids.shape[0] * 3 * pk
    r_base = (units.scene_idx[rows.r_unit] * 3 + rows.r_zone) * pk
    e_base = (units.scene_idx[rows.e_unit] * 3 + rows.e_zone) * pk

    dense = n_keys <= max(1 << 22, 2 * (int(rows.r_len.sum()) + rows.e_idx.shape[0]))
    counts = np.zeros(n_keys + 1, np.int64) if dense else None
    sparse: list[np.ndarray] = []

    def count(zone_sel_r: np.ndarray, zone_sel_e: np.ndarray, ekey: np.ndarray, inside: bool):
        """Add the chosen slices and single events to the counts (time-invalid ones
        get a key ≥ n_keys); for the inside zone, mark the events as covered."""
        for bounded in (False, True) if units.any_bounded else (False,):
            sr = zone_sel_r & (units.bounded[rows.r_unit] == bounded)
            se = zone_sel_e & (units.bounded[rows.e_unit] == bounded)
            idx = np.concatenate([_expand(rows.r_start[sr], rows.r_len[sr]), rows.e_idx[se]])
            key = ekey[idx]
            key += np.concatenate([np.repeat(r_base[sr], rows.r_len[sr]), e_base[se]])
            if bounded and idx.size:
                unit = np.concatenate([np.repeat(rows.r_unit[sr], rows.r_len[sr]), rows.e_unit[se]])
                t = grid.ts[idx]
                key[(t < units.t_from[unit]) | (t >= units.t_to[unit])] = n_keys
            if inside:
                covered[idx[key < n_keys]] = True
            if dense:
                counts[:] += np.bincount(np.minimum(key, n_keys, out=key), minlength=n_keys + 1)
            else:
                sparse.append(key[key < n_keys])

    # inside first: it defines which events the rings leave out
    covered = np.zeros(grid.n, bool) if extra_covered is None else extra_covered
    count(rows.r_zone == ZONE_INSIDE, rows.e_zone == ZONE_INSIDE, grid.ek, True)
    ring_ek = grid.ek + covered * np.int64(n_keys) if covered.any() else grid.ek
    count(rows.r_zone != ZONE_INSIDE, rows.e_zone != ZONE_INSIDE, ring_ek, False)
    if dense:
        uniq = np.flatnonzero(counts[:n_keys])
        counts = counts[uniq]
    else:
        uniq, counts = np.unique(np.concatenate(sparse), return_counts=True)
    rest, cat_i = np.divmod(uniq, k)
    rest, p = np.divmod(rest, ev.n_periods)
    scene_i, zone = np.divmod(rest, 3)
    return ZoneCounts(
        scene_id=units.scene_ids[scene_i],
        zone=zone.astype(np.int8),
        period=p + ev.pmin,
        category=ev.categories[cat_i],
        count=counts.astype(np.int64),
        period_unit=period,
    )
