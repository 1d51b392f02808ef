"""Import of scenes from a GeoJSON FeatureCollection, a GeoPackage or a zipped shapefile
(docs/contracts.md#scenes-file): insert or update by `ref`, on the import pipeline
(docs/architecture.md#import-pipeline).

Every feature is checked before anything is written; one bad feature refuses the whole
file. The writes go through the scene services (geometry history, derived place, access
checks) in one transaction, and a feature equal to the stored scene is left untouched, so
re-importing an export changes nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drogscen.core import access, geo, imports
from drogscen.core.imports import readers
from drogscen.core.imports.pipeline import ImportFile, ImportSpec, Plan, Progress, entry_point
from drogscen.core.imports.problems import ImportProblem, ImportRejected, ImportResult
from drogscen.core.imports.values import FieldInvalid
from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.derivation import scene_geometry_problems
from drogscen.scenes.models import Scene
from drogscen.scenes.services import scene_create, scene_update

SCENE_FILE_TYPES = ("geojson", "gpkg", "shapefile")
GEOPACKAGE_LAYER = "scenes"  # the layer read when a GeoPackage holds several
# A shapefile cuts field names to 10 characters: the cut names of the longer properties.
SHAPEFILE_NAMES = {name[:10]: name for name in ("identified_on", "close_reason")}
# Service field names → the property a file calls them.
FILE_FIELD = {"local_police_area": "lpo", NON_FIELD_ERRORS: "properties"}


@dataclass
class _Checked:
    number: int
    ref: str | None
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    scene: Scene | None = None
    changes: dict[str, Any] = field(default_factory=dict)


class ScenesImport(ImportSpec):
    """Scenes by ref: new refs are created, changed scenes updated, equal ones left."""

    kind = "scenes"
    title = gettext_lazy("Scenes")
    accepted = SCENE_FILE_TYPES
    expected = gettext_lazy("GeoJSON, a GeoPackage or a zipped shapefile")
    audit_model = "scenes.Scene"
    description = gettext_lazy(
        "Scenes with their areas, one feature each: ref, name, lpo, identified_on and, "
        "for a closed scene, closed_on and close_reason. GeoJSON in WGS84; a GeoPackage "
        "or zipped shapefile in any coordinate system."
    )

    @classmethod
    def may_import(cls, user) -> bool:
        """Those who may register or change scenes (an LPO's editors, superusers)."""
        return access.can(user, access.ADD, Scene) or access.can(user, access.CHANGE, Scene)

    def expected_for(self, path: Path) -> Any:
        suffix = path.suffix.lower()
        if suffix in {".geojson", ".json"}:
            return "GeoJSON"
        if suffix == ".gpkg":
            return _("a GeoPackage")
        if suffix == ".zip":
            return _("a zipped shapefile")
        return self.expected

    def before_read(self, file: ImportFile) -> None:
        if file.kind == "shapefile" and (missing := _missing_shapefile_parts(file.path)):
            raise ImportRejected.of_file(
                file.label,
                _(
                    "the shapefile lacks its %(parts)s part; zip all the files of the "
                    "shapefile together"
                )
                % {"parts": ", ".join(missing)},
            )

    def read(self, file: ImportFile) -> list[readers.Feature]:
        features = readers.read_features(
            file.path, label=file.label, kind=file.kind, layer=GEOPACKAGE_LAYER
        )
        if file.kind == "shapefile":
            for feature in features:
                feature.properties = _full_names(feature.properties)
                feature.geometry = _counter_clockwise(feature.geometry)
        return features

    def check(self, rows, *, file: ImportFile, by, progress: Progress) -> list[_Checked]:
        """Every feature checked on its own and for refs given twice. Its problems are
        raised in `compare`, together with those of the stored scenes and of the user's
        scope, so a file is refused once with all of them."""
        return _checked(rows, progress=progress)

    def compare(self, checked: list[_Checked], *, file: ImportFile, by, dry_run: bool) -> Plan:
        _compared(checked, by=by)
        problems = [
            ImportProblem(file.label, imports.feature_label(item.number, item.ref), name, message)
            for item in checked
            for name, message in item.problems
        ]
        if problems:
            raise ImportRejected(problems)
        writes = [item for item in checked if item.scene is None or item.changes]
        created = sum(item.scene is None for item in writes)
        result = ImportResult(
            read=len(checked),
            created=created,
            updated=len(writes) - created,
            unchanged=len(checked) - len(writes),
        )
        return Plan(result=result, data=writes)

    def write(self, plan: Plan, *, file: ImportFile, by, progress: Progress) -> None:
        _write(plan.data, label=file.label, by=by, progress=progress)


# Insert new refs and update changed scenes from a GeoJSON, GeoPackage or zipped shapefile.
scenes_import = entry_point(ScenesImport)


def _missing_shapefile_parts(path: Path) -> list[str]:
    """The parts a zipped shapefile needs besides its .shp (GDAL would read it without
    its attribute table, and every feature would lack every property)."""
    with zipfile.ZipFile(path) as archive:
        names = {name.lower() for name in archive.namelist()}
    stems = [name[: -len(".shp")] for name in names if name.endswith(".shp")]
    return sorted(
        {suffix for stem in stems for suffix in (".shx", ".dbf") if stem + suffix not in names}
    )


def _full_names(properties: dict[str, Any]) -> dict[str, Any]:
    """A shapefile's cut property names as the full names, unless the full one is there."""
    renamed = {}
    for name, value in properties.items():
        full = SHAPEFILE_NAMES.get(name)
        renamed[full if full and full not in properties else name] = value
    return renamed


def _counter_clockwise(geometry: Any) -> Any:
    """A shapefile's polygon with its outer rings turned counter-clockwise as in GeoJSON
    (RFC 7946, section 3.1.6), so that it is stored as the same area from a GeoPackage
    would be; anything else is left for the checks to report."""
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        return geometry
    try:
        shape = geo.from_geojson(geometry)
        return geo.normalised_geojson(shapely.orient_polygons(shape))
    except (geo.GeometryError, ValueError, TypeError, shapely.errors.GEOSException):
        return geometry


# --- checking ----------------------------------------------------------------------------


def _checked(features: list[readers.Feature], *, progress: Progress) -> list[_Checked]:
    """Every feature checked on its own; a ref given twice is a problem of the later one."""
    areas = {area.name: area for area in LocalPoliceArea.objects.all()}
    checked: list[_Checked] = []
    first_of: dict[str, int] = {}
    for feature in progress.over(features, total=len(features)):
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
    return checked


def _compared(checked: list[_Checked], *, by) -> None:
    """Each item with its stored scene and what would change; with `by`, the problems of
    the user's scope added."""
    existing = _existing_scenes(sorted({item.ref for item in checked if item.ref}))
    for item in checked:
        item.scene = existing.get(item.ref) if item.ref else None
        if item.scene is not None and not item.problems:
            item.changes = _changes(item.scene, item.values)
    if by is not None:
        _check_scope(checked, by)


def _check_feature(feature: readers.Feature, areas: dict[str, LocalPoliceArea]) -> _Checked:
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
    if feature.geometry is not readers.UNREADABLE:
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


def _write(items: list[_Checked], *, label: str, by, progress: Progress) -> None:
    """Inside the pipeline's transaction; ImportRejected (rolling everything back) when a
    service refuses what the checks let through, e.g. a scene added meanwhile."""
    problems = []
    for item in progress.over(items, total=len(items)):
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
