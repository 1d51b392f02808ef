"""Export of the scenes a user may see, with their derived attributes, as a GeoJSON
FeatureCollection or a GeoPackage (docs/contracts.md#scenes-file). What an export
writes, an import reads back unchanged: the derived properties are ignored on import."""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import shapely

from drogscen.audit.models import AuditEntry
from drogscen.audit.recorder import record
from drogscen.core import access, geo
from drogscen.scenes.filters import SceneFilter
from drogscen.scenes.models import Scene

EXPORT_FORMATS = ("geojson", "gpkg")
GEOPACKAGE_LAYER = "scenes"

# Column order of both formats: the importable properties first, then the derived ones.
PROPERTIES = (
    "ref",
    "name",
    "lpo",
    "identified_on",
    "closed_on",
    "close_reason",
    "status",
    "municipality_code",
    "municipality",
    "district",
    "area_m2",
    "point_lon",
    "point_lat",
    "nearest_station",
    "station_distance_m",
    "version",
)
DATE_PROPERTIES = {"identified_on", "closed_on"}
NUMBER_PROPERTIES = {"area_m2", "point_lon", "point_lat", "station_distance_m"}


def scenes_export(
    *, path_or_stream, format: str, fetched_by=None, filters: Mapping[str, Any] | None = None
) -> int:
    """Write the scenes `fetched_by` may see (None: the command-line operator, every
    scene), narrowed by the list page's `filters` (SceneFilter parameters), to a path or
    an open stream; returns how many. One audit entry per export.

    GeoJSON goes to a text or binary stream or a file; a GeoPackage needs a file or a
    binary stream. A file is written whole or not at all (a temporary file renamed)."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; use one of {EXPORT_FORMATS}")
    scenes = list(scenes_for_export(fetched_by=fetched_by, filters=filters))
    if format == "geojson":
        _write_geojson(scenes, path_or_stream)
    else:
        _write_geopackage(scenes, path_or_stream)
    record(
        action=AuditEntry.Action.EXPORT,
        model=Scene,
        object_repr=_destination(path_or_stream),
        changes={
            "format": format,
            "count": len(scenes),
            **({"filters": dict(filters.items())} if filters else {}),
        },
    )
    return len(scenes)


def scenes_for_export(*, fetched_by=None, filters: Mapping[str, Any] | None = None):
    scenes = Scene.objects.with_places()
    if fetched_by is not None:  # None: the command line, as the system
        scenes = access.restrict(scenes, fetched_by, access.VIEW)
    if filters:
        scenes = SceneFilter(filters, queryset=scenes).qs
    return scenes.order_by("ref")


def scene_properties(scene: Scene) -> dict[str, Any]:
    """The properties of a scene as both export formats write them (dates ISO)."""
    return {
        "ref": scene.ref,
        "name": scene.name,
        "lpo": scene.local_police_area.name,
        "identified_on": scene.identified_on.isoformat(),
        "closed_on": scene.closed_on.isoformat() if scene.closed_on else None,
        "close_reason": scene.close_reason or None,
        "status": "active" if scene.is_active else "closed",
        "municipality_code": scene.municipality.code,
        "municipality": scene.municipality.name,
        "district": scene.district.name if scene.district else None,
        "area_m2": scene.area_m2,
        # The representative point: always inside the area (WGS84); the municipality and
        # district are the ones containing it.
        "point_lon": scene.point_lon,
        "point_lat": scene.point_lat,
        "nearest_station": scene.nearest_station.name if scene.nearest_station else None,
        "station_distance_m": scene.station_distance_m,
        "version": scene.version,
    }


def scenes_feature_collection(scenes) -> dict[str, Any]:
    """RFC 7946: WGS84 longitude/latitude, no `crs` member; the feature id is the ref."""
    return {
        "type": "FeatureCollection",
        "name": GEOPACKAGE_LAYER,
        "features": [
            {
                "type": "Feature",
                "id": scene.ref,
                "properties": scene_properties(scene),
                "geometry": scene.geometry,
            }
            for scene in scenes
        ],
    }


def _write_geojson(scenes: list[Scene], target) -> None:
    text = json.dumps(
        scenes_feature_collection(scenes), ensure_ascii=False, allow_nan=False, indent=None
    )
    if _is_stream(target):
        target.write(text if _is_text_stream(target) else text.encode("utf-8"))
        return
    with _replacing(target) as temporary:
        Path(temporary).write_text(text + "\n", encoding="utf-8")


def _write_geopackage(scenes: list[Scene], target) -> None:
    if _is_stream(target):
        if _is_text_stream(target):
            raise ValueError("a GeoPackage is binary: give a file path or a binary stream")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "scenes.gpkg"
            _geopackage_file(scenes, path)
            with open(path, "rb") as handle:
                shutil.copyfileobj(handle, target)
        return
    with _replacing(target) as temporary:
        _geopackage_file(scenes, temporary)


def _geopackage_file(scenes: list[Scene], path) -> None:
    import pyogrio.errors
    import pyogrio.raw

    rows = [scene_properties(scene) for scene in scenes]
    fields, field_data = [], []
    for name in PROPERTIES:
        values = [row[name] for row in rows]
        if name in DATE_PROPERTIES:
            column = np.array([v or "NaT" for v in values], dtype="datetime64[D]")
        elif name in NUMBER_PROPERTIES:
            column = np.array([np.nan if v is None else v for v in values], dtype="float64")
        elif name == "version":
            column = np.array(values, dtype="int64")
        else:
            column = np.array(values, dtype=object)
        fields.append(name)
        field_data.append(column)
    # One geometry type per layer: single polygons are written as one-part multipolygons
    # (an import reads them back as polygons, see geo.normalised_geojson).
    shapes = [_multipolygon(geo.from_geojson(scene.geometry)) for scene in scenes]
    geometry = np.array([shapely.to_wkb(shape) for shape in shapes] if shapes else [], dtype=object)
    try:
        pyogrio.raw.write(
            str(path),
            geometry,
            field_data,
            fields,
            layer=GEOPACKAGE_LAYER,
            driver="GPKG",
            geometry_type="MultiPolygon",
            crs=geo.WGS84,
        )
    except pyogrio.errors.DataSourceError as exc:  # e.g. no such directory
        raise OSError(str(exc)) from exc


def _multipolygon(shape):
    if shape.geom_type == "Polygon":
        return shapely.MultiPolygon([shape])
    return shape


class _replacing:
    """A temporary file beside `path`, renamed over it when the block succeeds."""

    def __init__(self, path) -> None:
        self.path = Path(path)
        # Same suffix: GDAL warns about a GeoPackage whose name does not end in .gpkg.
        hidden = f".{self.path.stem}.{uuid.uuid4().hex[:12]}.part{self.path.suffix}"
        self.temporary = self.path.with_name(hidden)

    def __enter__(self) -> Path:
        return self.temporary

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)


def _is_stream(target) -> bool:
    return hasattr(target, "write")


def _is_text_stream(stream: IO) -> bool:
    return isinstance(stream, io.TextIOBase) or hasattr(stream, "encoding")


def _destination(target) -> str:
    return "-" if _is_stream(target) else Path(target).name
