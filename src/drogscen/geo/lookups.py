"""Which municipality / district contains a point, and the nearest station.

Vectorised over many points; the spatial indexes are built once per process and
rebuilt when the reference data changes (a version number in the shared cache tells
every process, so an edit in the admin reaches all app servers).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from threading import Lock

import numpy as np
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from drogscen.core import geo
from drogscen.geo.models import District, DistrictBoundary, LocalPoliceArea, Municipality, Station

# The generalised boundaries miss stretches of shore; a point this close to a
# municipality still belongs to it. Farther out it is outside the county.
MUNICIPALITY_FALLBACK_M = 1000.0
VERSION_KEY = "drogscen:geo-reference-version"

_lock = Lock()
_indexes: dict[object, object] = {}
_version_seen: list[int | None] = [None]


def _current_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def _cached(key, build):
    version = _current_version()
    with _lock:
        if _version_seen[0] != version:
            _indexes.clear()
            _version_seen[0] = version
        if key not in _indexes:
            _indexes[key] = build()
        return _indexes[key]


def invalidate() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    with _lock:
        _indexes.clear()


def _on_change(sender, **kwargs) -> None:
    if sender in {Municipality, District, DistrictBoundary, LocalPoliceArea, Station} or (
        getattr(sender, "_meta", None) and sender._meta.app_label == "geo"
    ):
        invalidate()


def connect_cache_invalidation() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"drogscen_geo_cache_{signal!r}")


def _to_sweref(lon: Sequence[float], lat: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    return geo.project_xy(lon, lat, source=geo.WGS84, target=geo.SWEREF99TM)


def _municipality_index() -> geo.PolygonIndex:
    rows = sorted(
        Municipality.objects.values_list("code", "geometry", "boundary_source"),
        # Detailed boundaries first: they win where they overlap generalised ones.
        key=lambda row: row[2] != Municipality.BoundarySource.OSM,
    )
    return geo.PolygonIndex(
        [(code, geo.to_sweref(geo.from_geojson(geometry))) for code, geometry, _ in rows]
    )


def _district_index(day: date) -> geo.PolygonIndex:
    rows = DistrictBoundary.objects.valid_on(day).values_list("district__name", "geometry")
    return geo.PolygonIndex(
        [(name, geo.to_sweref(geo.from_geojson(geometry))) for name, geometry in rows]
    )


def _station_index() -> geo.PointIndex:
    rows = list(Station.objects.values_list("pk", "longitude", "latitude"))
    x, y = _to_sweref([r[1] for r in rows], [r[2] for r in rows])
    return geo.PointIndex(
        [(pk, float(px), float(py)) for (pk, _, _), px, py in zip(rows, x, y, strict=True)]
    )


def municipalities_at(lon: Sequence[float], lat: Sequence[float]) -> list[geo.Nearest]:
    """SCB code of the municipality containing each point (key None outside the county).
    `distance_m` is 0 inside, or the distance to the nearest municipality for points
    that the generalised boundaries miss."""
    index = _cached("municipalities", _municipality_index)
    x, y = _to_sweref(lon, lat)
    return index.locate(x, y, fallback_m=MUNICIPALITY_FALLBACK_M)


def districts_at(lon: Sequence[float], lat: Sequence[float], *, on: date) -> list[geo.Nearest]:
    """Name of the Stockholm district administration (valid on `on`) containing each point."""
    index = _cached(("districts", on), lambda: _district_index(on))
    x, y = _to_sweref(lon, lat)
    return index.locate(x, y, fallback_m=None)


def nearest_stations(lon: Sequence[float], lat: Sequence[float]) -> list[geo.Nearest]:
    """Primary key of the nearest rail or metro station and its distance in metres."""
    index = _cached("stations", _station_index)
    x, y = _to_sweref(lon, lat)
    return index.nearest(x, y)


def distance_outside_county_m(lon: Sequence[float], lat: Sequence[float]) -> np.ndarray:
    """0 for points inside a municipality, else the distance in metres to the nearest."""
    index = _cached("municipalities", _municipality_index)
    x, y = _to_sweref(lon, lat)
    inside = np.array([n.key is not None for n in index.locate(x, y)], dtype=bool)
    distances = index.distance_to_nearest(x, y)
    distances[inside] = 0.0
    return distances
