"""All geometry work of the project: coordinate systems, areas, point lookups.

Geometry is stored as GeoJSON in WGS84 (EPSG:4326, lon/lat); everything metric
(areas, distances, buffers) is done in SWEREF 99 TM (EPSG:3006). Keeping it behind this
module means that a later move to PostGIS is one contained change.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"


class GeometryError(ValueError):
    """A geometry that cannot be used, with a message a user can act on."""


@lru_cache(maxsize=32)
def transformer(source: str, target: str) -> Transformer:
    # always_xy: GeoJSON and our CSV columns are x/lon first, whatever the CRS's axis order.
    return Transformer.from_crs(source, target, always_xy=True)


def crs_from_user_input(value: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise GeometryError(f"unknown coordinate reference system {value!r}") from exc


def project_xy(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, *, source: str, target: str
) -> tuple[np.ndarray, np.ndarray]:
    tx, ty = transformer(source, target).transform(
        np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    )
    return np.asarray(tx), np.asarray(ty)


def project(geometry: BaseGeometry, *, source: str, target: str) -> BaseGeometry:
    return shapely.transform(
        geometry,
        lambda coords: np.column_stack(
            project_xy(coords[:, 0], coords[:, 1], source=source, target=target)
        ),
    )


def from_geojson(geojson: dict[str, Any]) -> BaseGeometry:
    try:
        return shape(geojson)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise GeometryError(f"not a GeoJSON geometry: {exc}") from exc


def to_geojson(geometry: BaseGeometry, *, precision: int = 7) -> dict[str, Any]:
    rounded = shapely.set_precision(geometry, 10**-precision) if precision else geometry
    return mapping(rounded if not rounded.is_empty else geometry)


def to_sweref(geometry: BaseGeometry) -> BaseGeometry:
    return project(geometry, source=WGS84, target=SWEREF99TM)


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    return project(geometry, source=SWEREF99TM, target=WGS84)


def area_m2(geometry_wgs84: BaseGeometry) -> float:
    return float(to_sweref(geometry_wgs84).area)


def representative_point(geometry: BaseGeometry) -> tuple[float, float]:
    """A point guaranteed to lie inside the polygon (unlike the centroid of a crescent)."""
    point = geometry.representative_point()
    return float(point.x), float(point.y)


@dataclass(frozen=True)
class Nearest:
    key: Hashable | None
    distance_m: float | None


class PolygonIndex:
    """Which polygon contains each of many points (all in EPSG:3006).

    Polygons listed first win where they overlap, so the caller orders detailed
    boundaries before generalised ones. Points in no polygon can fall back to the
    nearest polygon within `fallback_m`: the county's generalised municipality
    boundaries cut off stretches of shore and islands.
    """

    def __init__(self, items: Sequence[tuple[Hashable, BaseGeometry]]) -> None:
        self.keys = [key for key, _ in items]
        self.geometries = np.array([geometry for _, geometry in items], dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def locate(
        self, x: np.ndarray, y: np.ndarray, *, fallback_m: float | None = None
    ) -> list[Nearest]:
        points = shapely.points(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
        found = np.full(len(points), -1, dtype="int64")
        if len(points) and len(self.keys):
            point_idx, geom_idx = self.tree.query(points, predicate="intersects")
            # The smallest polygon index wins: order of the items is priority.
            order = np.lexsort((geom_idx, point_idx))
            point_idx, geom_idx = point_idx[order], geom_idx[order]
            first = np.unique(point_idx, return_index=True)[1]
            found[point_idx[first]] = geom_idx[first]
        result = [
            Nearest(self.keys[i], 0.0) if i >= 0 else Nearest(None, None) for i in found.tolist()
        ]
        missing = np.flatnonzero(found < 0)
        if fallback_m and len(missing) and len(self.keys):
            point_idx, geom_idx, distances = self._nearest(points[missing], fallback_m)
            for p, g, d in zip(point_idx, geom_idx, distances, strict=True):
                if result[missing[p]].key is None:
                    result[missing[p]] = Nearest(self.keys[g], float(d))
        return result

    def distance_to_nearest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        points = shapely.points(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
        distances = np.full(len(points), np.inf)
        if len(points) and len(self.keys):
            point_idx, _, d = self._nearest(points, None)
            np.minimum.at(distances, point_idx, d)
        return distances

    def _nearest(self, points: np.ndarray, max_distance: float | None):
        (point_idx, geom_idx), distances = self.tree.query_nearest(
            points, max_distance=max_distance, return_distance=True, all_matches=False
        )
        return point_idx, geom_idx, distances


class PointIndex:
    """Nearest of many reference points (stations), distances in metres (EPSG:3006)."""

    def __init__(self, items: Sequence[tuple[Hashable, float, float]]) -> None:
        self.keys = [key for key, _, _ in items]
        self.points = shapely.points(
            np.array([x for _, x, _ in items], dtype="float64"),
            np.array([y for _, _, y in items], dtype="float64"),
        )
        self.tree = shapely.STRtree(self.points)

    def nearest(self, x: np.ndarray, y: np.ndarray) -> list[Nearest]:
        points = shapely.points(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
        result = [Nearest(None, None)] * len(points)
        if not len(points) or not len(self.keys):
            return result
        (point_idx, geom_idx), distances = self.tree.query_nearest(
            points, return_distance=True, all_matches=False
        )
        for p, g, d in zip(point_idx, geom_idx, distances, strict=True):
            result[p] = Nearest(self.keys[g], float(d))
        return result


COORDINATE_DECIMALS = 7  # about 1 cm: finer than any scene boundary is drawn


def normalised_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """The stored form of a polygon: coordinates rounded to 7 decimals, lists not tuples,
    a one-part MultiPolygon as a Polygon. Idempotent, so re-importing an export changes
    nothing."""
    if geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    rounded = shapely.transform(geometry, lambda c: np.round(c, COORDINATE_DECIMALS))

    def as_lists(value):
        if isinstance(value, tuple | list):
            return [as_lists(v) for v in value]
        return float(value)

    data = mapping(rounded)
    return {"type": data["type"], "coordinates": as_lists(data["coordinates"])}


def _rings_problem(polygons: list) -> str | None:
    """The first problem of the polygons' rings of positions, in words, or None."""
    for polygon in polygons:
        if not isinstance(polygon, list):
            return _("each polygon must be a list of rings, not %(kind)s") % {
                "kind": _json_kind(polygon)
            }
        if not polygon:
            return _("geometry is empty")
        for ring in polygon:
            if not isinstance(ring, list):
                return _("a ring is not a list of positions")
            for position in ring:
                if problem := _position_problem(position):
                    return problem
            if len(ring) < 4:
                return _("a ring needs at least 4 positions")
            if list(ring[0][:2]) != list(ring[-1][:2]):
                return _("a ring is not closed (first and last position differ)")
    return None


def _position_problem(position: Any) -> str | None:
    if (
        not isinstance(position, list | tuple)
        or len(position) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
    ):
        return _("coordinates must be pairs of numbers")
    try:
        xy = np.asarray(position[:2], dtype="float64")
    except OverflowError:
        return _("coordinates must be finite numbers (not NaN)")
    if not np.isfinite(xy).all():
        return _("coordinates must be finite numbers (not NaN)")
    if abs(xy[0]) > 180 or abs(xy[1]) > 90:
        return _("coordinates are not WGS84 longitude, latitude (they lie outside ±180°, ±90°)")
    return None


def polygon_problems(geojson: Any) -> tuple[BaseGeometry | None, list[str]]:
    """Checks a GeoJSON geometry meant to be a polygon; returns the shape (or None) and
    the problems in words a user can act on."""
    if geojson is None:
        return None, [_("geometry is missing")]
    if not isinstance(geojson, dict):
        return None, [
            _(
                'geometry must be a GeoJSON object such as {"type": "Polygon", '
                '"coordinates": [...]}, not %(kind)s'
            )
            % {"kind": _json_kind(geojson)}
        ]
    kind = geojson.get("type")
    if kind not in {"Polygon", "MultiPolygon"}:
        return None, [
            _("geometry must be a Polygon or MultiPolygon, not %(kind)s") % {"kind": kind or "-"}
        ]
    if "coordinates" not in geojson:
        return None, [_("geometry has no coordinates")]
    coordinates = geojson.get("coordinates")
    if not isinstance(coordinates, list):
        return None, [
            _(
                "coordinates must be a list of rings of [longitude, latitude] positions, "
                "not %(kind)s"
            )
            % {"kind": _json_kind(coordinates)}
        ]
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not polygons:
        return None, [_("geometry is empty")]
    if problem := _rings_problem(polygons):
        return None, [problem]
    try:
        shape_ = shape(geojson)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        return None, [_("geometry cannot be read: %(error)s") % {"error": exc}]
    if shape_.is_empty:
        return None, [_("geometry is empty")]
    if not shape_.is_valid:
        return None, [
            _("geometry is invalid: %(reason)s")
            % {"reason": invalid_reason(shapely.is_valid_reason(shape_))}
        ]
    return shape_, []


def _json_kind(value: Any) -> str:
    """What a JSON value is, in words (for a message about the wrong kind of value)."""
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:29] + "…"
        return _("the text %(text)s") % {"text": repr(shown)}
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("nothing (null)")


_INVALID_REASON = re.compile(r"^(?P<reason>[^\[]+?)\s*(\[(?P<x>\S+) (?P<y>\S+)\])?$")


def invalid_reason(reason: str) -> str:
    """GEOS's reason for an invalid polygon (`is_valid_reason`, e.g. "Self-intersection
    [17.93 59.385]") in words a user can act on; GEOS's own text when unknown."""
    match = _INVALID_REASON.match(reason or "")
    if not match:
        return reason
    messages = {
        "Self-intersection": _("the outline crosses itself near %(point)s"),
        "Ring Self-intersection": _("the outline crosses or touches itself near %(point)s"),
        "Interior is disconnected": _(
            "the area falls apart into pieces near %(point)s (a hole cuts it through)"
        ),
        "Hole lies outside shell": _("a hole lies outside the outer boundary near %(point)s"),
        "Nested holes": _("a hole lies inside another hole near %(point)s"),
        "Nested shells": _(
            "one part lies inside another near %(point)s; draw it as a hole or as one part"
        ),
        "Duplicate Rings": _("a ring is given twice near %(point)s"),
        "Too few points in geometry component": _(
            "a ring has fewer than 3 different corners near %(point)s"
        ),
        "Ring is not closed": _(
            "a ring is not closed (first and last position differ) near %(point)s"
        ),
        "Invalid Coordinate": _("a coordinate is not a finite number near %(point)s"),
    }
    message = messages.get(match["reason"])
    if message is None:
        return reason
    try:
        point = f"{float(match['x']):.5f}, {float(match['y']):.5f}"
    except (TypeError, ValueError):
        point = "-"
    return message % {"point": point}


def bounds(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    west, south, east, north = geometry.bounds
    return float(west), float(south), float(east), float(north)


def vertices(geometry: BaseGeometry) -> np.ndarray:
    return shapely.get_coordinates(geometry)
