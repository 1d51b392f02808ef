"""Import of scenes from a GeoJSON FeatureCollection or a GeoPackage
(docs/contracts.md#scenes-file): insert or update by `ref`.

Every feature is checked before anything is written; one bad feature refuses the whole
file. The writes go through the scene services (geometry history, derived place, access
checks) in one transaction, and a feature equal to the stored scene is left untouched, so
re-importing an export changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from drogscen.audit.models import AuditEntry
from drogscen.audit.recorder import record
from drogscen.core import access, geo, imports
from drogscen.core.imports import FieldInvalid, ImportProblem, ImportRejected, ImportResult
from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.derivation import scene_geometry_problems
from drogscen.scenes.models import Scene
from drogscen.scenes.services import scene_create, scene_update

SCENE_FILE_TYPES = ("geojson", "gpkg")
MAX_SCENE_FILE_BYTES = imports.MAX_IMPORT_BYTES
GEOPACKAGE_LAYER = "scenes"  # the layer read when a GeoPackage holds several
GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326")
# Service field names → the property a file calls them.
FILE_FIELD = {"local_police_area": "lpo", NON_FIELD_ERRORS: "properties"}
_UNREADABLE = object()  # a geometry that could not be decoded (already reported)


@dataclass
class _Feature:
    """One feature as read from the file, before any checking."""

    number: int
    properties: dict[str, Any]
    geometry: Any  # a GeoJSON geometry in WGS84, None, or _UNREADABLE
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


@dataclass
class _Checked:
    number: int
    ref: str | None
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    scene: Scene | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def scenes_import(
    *, path, dry_run: bool = False, by=None, progress: bool | None = None
) -> ImportResult:
    """Insert new refs and update changed scenes from a GeoJSON or GeoPackage file.

    Raises ImportRejected, writing nothing, when the file or any feature is unusable or,
    with `by`, touches a scene outside the user's writable scope. `dry_run` checks and
    counts only. One audit entry records an import that wrote something.
    """
    path = Path(path)
    label = path.name
    kind = imports.file_checked(
        path,
        label=label,
        accepted=SCENE_FILE_TYPES,
        expected=_expected_type(path),
        max_bytes=MAX_SCENE_FILE_BYTES,
    )
    content_digest = _sha256(path)
    features = _read_geojson(path, label) if kind == "geojson" else _read_geopackage(path, label)
    checked = _checked(features, label=label, by=by, show_progress=progress)
    created = [c for c in checked if c.scene is None]
    updated = [c for c in checked if c.scene is not None and c.changes]
    result = ImportResult(
        read=len(features),
        created=len(created),
        updated=len(updated),
        unchanged=len(checked) - len(created) - len(updated),
        dry_run=dry_run,
    )
    if dry_run or not (created or updated):
        return result
    with transaction.atomic():
        _write(created + updated, label=label, by=by, show_progress=progress)
        record(
            action=AuditEntry.Action.IMPORT,
            model=Scene,
            object_repr=label,
            changes={"file": label, "format": kind, "sha256": content_digest, **result.counts()},
        )
    return result


def _expected_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        return "GeoJSON"
    if suffix == ".gpkg":
        return _("a GeoPackage")
    return _("GeoJSON or a GeoPackage")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _refused(label: str, message: str) -> ImportRejected:
    return ImportRejected([ImportProblem(label, message=message)])


# --- reading -----------------------------------------------------------------------------


def _read_geojson(path: Path, label: str) -> list[_Feature]:
    try:
        # From bytes, json detects UTF-8 (with or without BOM), UTF-16 and UTF-32.
        document = json.loads(path.read_bytes())
    except UnicodeDecodeError:
        raise _refused(label, _("is not UTF-8 text")) from None
    except RecursionError:
        raise _refused(label, _("is not valid JSON: nested too deeply")) from None
    except ValueError as exc:
        raise _refused(label, _("is not valid JSON: %(error)s") % {"error": exc}) from None
    except OSError as exc:
        raise _refused(
            label, _("cannot be read: %(error)s") % {"error": exc.strerror or exc}
        ) from None
    if not isinstance(document, dict):
        raise _refused(label, _("is JSON but not a GeoJSON FeatureCollection"))
    kind = document.get("type")
    if kind != "FeatureCollection":
        if kind == "Feature":
            raise _refused(label, _("is a single GeoJSON Feature, not a FeatureCollection"))
        if kind in GEOMETRY_TYPES:
            raise _refused(label, _("is a bare GeoJSON geometry, not a FeatureCollection"))
        raise _refused(label, _('is JSON but not GeoJSON: "type" must be "FeatureCollection"'))
    crs_name = _named_crs(document.get("crs"))
    if crs_name is not None and not crs_name.upper().endswith(WGS84_NAMES):
        raise _refused(
            label,
            _(
                "names the coordinate system %(crs)s; GeoJSON must be WGS84 longitude, "
                "latitude (RFC 7946). Use a GeoPackage for other coordinate systems."
            )
            % {"crs": crs_name},
        )
    items = document.get("features")
    if not isinstance(items, list):
        raise _refused(label, _('has no "features" list'))
    return [_geojson_feature(number, item) for number, item in enumerate(items, 1)]


def _named_crs(crs: Any) -> str | None:
    """The name in a pre-RFC 7946 `crs` member ({"type": "name", "properties": {…}})."""
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    return str(name) if isinstance(name, str) else json.dumps(crs)[:80]


def _geojson_feature(number: int, item: Any) -> _Feature:
    if not isinstance(item, dict):
        return _Feature(number, {}, None, [("type", _("is not a GeoJSON Feature object"))])
    problems = []
    if item.get("type") != "Feature":
        problems.append(("type", _('must be "Feature"')))
    properties = item.get("properties")
    if properties is None:
        properties = {}
    elif not isinstance(properties, dict):
        problems.append(("properties", _("must be an object")))
        properties = {}
    return _Feature(number, properties, item.get("geometry"), problems)


def _read_geopackage(path: Path, label: str) -> list[_Feature]:
    import pyogrio
    import pyogrio.raw

    # GDAL's errors come in several classes (and plain exceptions from the driver);
    # whatever it says, the file cannot be read as a GeoPackage. Its warnings (e.g. "bad
    # application_id") would only repeat that on the terminal.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(name) for name, _type in pyogrio.list_layers(path)]
    except Exception as exc:
        raise _refused(
            label, _("cannot be read as a GeoPackage: %(error)s") % {"error": exc}
        ) from None
    if not layers:
        raise _refused(label, _("holds no layers"))
    if GEOPACKAGE_LAYER in layers:
        layer = GEOPACKAGE_LAYER
    elif len(layers) == 1:
        layer = layers[0]
    else:
        raise _refused(
            label,
            _('holds several layers (%(layers)s); name the layer of scenes "%(name)s"')
            % {"layers": ", ".join(layers), "name": GEOPACKAGE_LAYER},
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _fids, geometries, field_data = pyogrio.raw.read(
                path, layer=layer, datetime_as_string=True
            )
    except Exception as exc:
        raise _refused(
            label, _("cannot be read as a GeoPackage: %(error)s") % {"error": exc}
        ) from None
    if geometries is None or not meta.get("geometry_type"):
        raise _refused(label, _("layer %(layer)s has no geometry") % {"layer": layer})
    source = meta.get("crs")
    if not source:
        raise _refused(
            label,
            _(
                "layer %(layer)s has no coordinate reference system; set one (e.g. "
                "EPSG:3006 or EPSG:4326) and save the file again"
            )
            % {"layer": layer},
        )
    try:
        crs = geo.crs_from_user_input(source)
    except geo.GeometryError as exc:
        raise _refused(label, str(exc)) from None
    needs_projection = not crs.equals(geo.crs_from_user_input(geo.WGS84), ignore_axis_order=True)
    # Column names as tools write them (often upper case in shapefile-era tools).
    columns: dict[str, list[Any]] = {}
    for name, values in zip(meta["fields"], field_data, strict=True):
        columns.setdefault(str(name).lower(), np.asarray(values).tolist())
    features = []
    for index, wkb in enumerate(geometries):
        properties = {name: values[index] for name, values in columns.items()}
        geometry, problems = _geopackage_geometry(wkb, source if needs_projection else None)
        features.append(_Feature(index + 1, properties, geometry, problems))
    return features


def _geopackage_geometry(wkb, source_crs: str | None) -> tuple[Any, list[tuple[str, str]]]:
    if wkb is None:
        return None, []
    try:
        shape = shapely.force_2d(shapely.from_wkb(wkb))
        if source_crs and not shape.is_empty:
            shape = geo.project(shape, source=source_crs, target=geo.WGS84)
        return _as_lists(mapping(shape)), []
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        return _UNREADABLE, [
            ("geometry", _("cannot be read (%(error)s); use polygons") % {"error": exc})
        ]


def _as_lists(value: Any) -> Any:
    """GeoJSON as json.loads gives it: lists, not the tuples shapely's mapping() uses."""
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_as_lists(item) for item in value]
    return value


# --- checking ----------------------------------------------------------------------------


def _checked(
    features: list[_Feature], *, label: str, by, show_progress: bool | None
) -> list[_Checked]:
    """Every feature checked and compared with the stored scene; ImportRejected listing
    all problems when any feature has one."""
    areas = {area.name: area for area in LocalPoliceArea.objects.all()}
    checked: list[_Checked] = []
    first_of: dict[str, int] = {}
    for feature in imports.progress(
        features,
        total=len(features),
        desc=_("%(file)s: checking") % {"file": label},
        show=show_progress,
    ):
        item = _check_feature(feature, areas)
        if item.ref is not None:
            if item.ref in first_of:
                item.problems.append(
                    (
                        "ref",
                        _("%(ref)s appears more than once in the file (first in feature %(n)s)")
                        % {"ref": item.ref, "n": first_of[item.ref]},
                    )
                )
            else:
                first_of[item.ref] = item.number
        checked.append(item)
    existing = _existing_scenes(list(first_of))
    for item in checked:
        item.scene = existing.get(item.ref) if item.ref else None
        if item.scene is not None and not item.problems:
            item.changes = _changes(item.scene, item.values)
    if by is not None:
        _check_scope(checked, by)
    problems = [
        ImportProblem(label, imports.feature_label(item.number, item.ref), name, message)
        for item in checked
        for name, message in item.problems
    ]
    if problems:
        raise ImportRejected(problems)
    return checked


def _check_feature(feature: _Feature, areas: dict[str, LocalPoliceArea]) -> _Checked:
    props = feature.properties
    item = _Checked(feature.number, None, problems=list(feature.problems))

    def value(name: str, parse) -> Any:
        try:
            return parse(props.get(name))
        except FieldInvalid as exc:
            item.problems.append((name, str(exc)))
            return None

    ref = value("ref", lambda v: _model_text("ref", v))
    name = value("name", lambda v: _model_text("name", v))
    area = value("lpo", lambda v: _police_area(v, areas))
    identified_on = value("identified_on", lambda v: imports.date_value(v, required=True))
    closed_on = value("closed_on", lambda v: imports.date_value(v, required=False))
    close_reason = value("close_reason", _close_reason)
    item.ref = ref or None
    if closed_on and identified_on and closed_on < identified_on:
        item.problems.append(
            (
                "closed_on",
                _("%(closed)s is before identified_on (%(identified)s)")
                % {"closed": closed_on.isoformat(), "identified": identified_on.isoformat()},
            )
        )
    if closed_on and close_reason == "":
        item.problems.append(("close_reason", _("is required when closed_on is given")))
    if close_reason and "closed_on" not in dict(item.problems) and closed_on is None:
        item.problems.append(("closed_on", _("is required when close_reason is given")))
    geometry = None
    if feature.geometry is not _UNREADABLE:
        geometry, message = _scene_geometry(feature.geometry)
        if message:
            item.problems.append(("geometry", message))
    item.values = {
        "ref": ref,
        "name": name,
        "geometry": geometry,
        "local_police_area": area,
        "identified_on": identified_on,
        "closed_on": closed_on,
        "close_reason": close_reason or "",
    }
    return item


def _model_text(name: str, raw: Any) -> str:
    text = imports.text_value(raw, required=True)
    try:
        Scene._meta.get_field(name).run_validators(text)
    except ValidationError as exc:
        raise FieldInvalid(" ".join(exc.messages)) from None
    return text


def _police_area(raw: Any, areas: dict[str, LocalPoliceArea]) -> LocalPoliceArea:
    return imports.name_from_list(imports.text_value(raw, required=True), areas)


def _close_reason(raw: Any) -> str:
    reason = imports.text_value(raw, required=False)
    if reason and reason not in Scene.CloseReason.values:
        raise FieldInvalid(
            _("unknown reason %(value)s; use one of %(codes)s")
            % {"value": repr(reason), "codes": ", ".join(Scene.CloseReason.values)}
        )
    return reason


def _scene_geometry(geojson: Any) -> tuple[dict | None, str | None]:
    """The stored (normalised) form of the feature's geometry, or the first problem."""
    geojson, message = _plain_coordinates(geojson)
    if message:
        return None, message
    try:
        shape, problems = scene_geometry_problems(geojson)
    except (geo.GeometryError, ValueError, TypeError, shapely.errors.GEOSException) as exc:
        return None, _("geometry cannot be read: %(error)s") % {"error": exc}
    if problems:
        return None, problems[0]
    return geo.normalised_geojson(shape), None


def _plain_coordinates(geojson: Any) -> tuple[Any, str | None]:
    """Whole numbers as floats (an integer literal too large for a float cannot be a
    coordinate) and every number within WGS84's range, so the geometry rules meet only
    ordinary floats. Structure problems are left to `scene_geometry_problems`."""
    if not isinstance(geojson, dict) or not isinstance(geojson.get("coordinates"), list):
        return geojson, None
    numbers: list[float] = []

    def walk(value: Any, depth: int) -> Any:
        if isinstance(value, list) and depth < 4:
            return [walk(item, depth + 1) for item in value]
        if isinstance(value, list):
            # A position: its first two numbers are longitude and latitude.
            converted = [
                float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value
            ]
            if len(converted) >= 2 and all(isinstance(v, float) for v in converted[:2]):
                numbers.extend(converted[:2])
            return converted
        return value

    depth = 1 if geojson.get("type") == "Polygon" else 0
    try:
        coordinates = walk(geojson["coordinates"], depth + 1)
    except OverflowError:
        return None, _("coordinates must be finite numbers")
    result = {**geojson, "coordinates": coordinates}
    if not numbers:
        return result, None
    values = np.asarray(numbers, dtype="float64")
    if not np.isfinite(values).all():
        return None, _("coordinates must be finite numbers (not NaN or Infinity)")
    lon, lat = values[0::2], values[1::2]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        return None, _(
            "coordinates are not WGS84 longitude, latitude (they lie outside ±180°, ±90°)"
        )
    return result, None


def _existing_scenes(refs: list[str]) -> dict[str, Scene]:
    found: dict[str, Scene] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        found.update((scene.ref, scene) for scene in Scene.objects.filter(ref__in=chunk))
    return found


def _check_scope(checked: list[_Checked], user) -> None:
    """A feature that would write outside the user's writable scope is a problem of that
    feature: new scenes only in the user's own local police areas, changes only to scenes
    the user may change, and not moved out of reach (the services check the same again).
    A feature equal to its stored scene writes nothing and is never refused, so a user
    can re-import their own export (which may hold scenes they see but may not change)."""
    scenes = [item.scene for item in checked if item.scene is not None]
    stored = Scene.objects.filter(pk__in=[scene.pk for scene in scenes])
    changeable = set(access.restrict(stored, user, access.CHANGE).values_list("pk", flat=True))
    visible = set(access.restrict(stored, user, access.VIEW).values_list("pk", flat=True))
    for item in checked:
        area = item.values.get("local_police_area")
        if item.scene is not None and item.scene.pk not in visible:
            # says no more than a new scene with that ref would be told
            item.problems.append(("ref", _("is already used by another scene")))
            continue
        if item.scene is not None and not item.problems and not item.changes:
            continue  # equal to the stored scene: nothing is written, so nothing to refuse
        if item.scene is not None and item.scene.pk not in changeable:
            item.problems.append(("ref", _("belongs to a scene you may not change")))
        elif (
            item.scene is not None
            and area is not None
            and area.pk != item.scene.local_police_area_id
            and not access.may_write_in_area(user, area.pk, access.CHANGE)
        ):
            item.problems.append(
                ("lpo", _("you cannot move a scene out of your own local police area"))
            )
        elif (
            item.scene is None
            and area is not None
            and not access.may_write_in_area(user, area.pk, access.ADD)
        ):
            item.problems.append(
                ("lpo", _("you can only register scenes of your own local police area"))
            )


def _changes(scene: Scene, values: dict[str, Any]) -> dict[str, Any]:
    """What differs from the stored scene, as keyword arguments of `scene_update`."""
    changes = {}
    for name in ("name", "geometry", "identified_on", "closed_on", "close_reason"):
        if getattr(scene, name) != values[name]:
            changes[name] = values[name]
    if scene.local_police_area_id != values["local_police_area"].pk:
        changes["local_police_area"] = values["local_police_area"]
    return changes


# --- writing -----------------------------------------------------------------------------


def _write(items: list[_Checked], *, label: str, by, show_progress: bool | None) -> None:
    """Inside the caller's transaction; ImportRejected (rolling everything back) when a
    service refuses what the checks let through, e.g. a scene added meanwhile."""
    problems = []
    for item in imports.progress(
        items,
        total=len(items),
        desc=_("%(file)s: writing") % {"file": label},
        show=show_progress,
    ):
        try:
            if item.scene is None:
                scene_create(**item.values, by=by)
            else:
                scene_update(scene=item.scene, expected_version=None, by=by, **item.changes)
        except ValidationError as exc:
            by_field = exc.error_dict.items() if hasattr(exc, "error_dict") else []
            messages = [
                (FILE_FIELD.get(name, name), " ".join(ValidationError(errors).messages))
                for name, errors in by_field
            ] or [("properties", " ".join(exc.messages))]
            problems += [(item, name, message) for name, message in messages]
        except Http404:
            problems.append((item, "ref", _("belongs to a scene you may not change")))
        except IntegrityError:
            problems.append((item, "ref", _("was registered by someone else during the import")))
    if problems:
        raise ImportRejected(
            ImportProblem(label, imports.feature_label(item.number, item.ref), name, message)
            for item, name, message in problems
        )
