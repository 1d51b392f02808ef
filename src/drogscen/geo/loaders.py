"""Loads the reference geography shipped in `geo/data/` (sources and licences in
`geo/data/SOURCES.md`). Idempotent: a second run changes nothing. A broken file stops
the load with the file and the line or feature named; nothing is written then."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from drogscen.core import geo
from drogscen.core.imports import ImportProblem, ImportRejected, readers
from drogscen.geo.models import District, DistrictBoundary, LocalPoliceArea, Municipality, Station

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_FILE = "kommuner_stockholms_lan.geojson"
DETAILED_MUNICIPALITIES_FILE = "kommuner_karna_osm.geojson"
DISTRICTS_FILE = "stadsdelsforvaltningar.csv"
# Boundary files and the period each describes (see SOURCES.md).
DISTRICT_BOUNDARY_FILES = [
    ("stadsdelsomraden_stockholm.geojson", date(2020, 7, 1), date(2023, 6, 30)),
    ("stadsdelsomraden_stockholm_2023_osm.geojson", date(2023, 7, 1), None),
]
POLICE_AREAS_FILE = "lokalpolisomraden.csv"
STATIONS_FILE = "stationer_stockholm.geojson"
STOCKHOLM_CODE = "0180"


class ReferenceDataError(ImportRejected):
    """A broken reference file, refused like an import file: `where` is "file", "line N"
    or "feature N" (features are counted from 1, as people count), in the active language
    like the message; shown as "FILE, WHERE: MESSAGE"."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        self.path, self.where, self.message = str(path), where, message
        super().__init__([ImportProblem(Path(path).name, where, message=message)])


def _in_file() -> str:
    return _("file")


def _at_line(number: int | str) -> str:
    return _("line %(number)s") % {"number": number}


def _at_feature(number: int) -> str:
    return _("feature %(number)s") % {"number": number}


@dataclass
class LoadSummary:
    # Without refresh, records that exist are left as they are: the coordination office
    # may have corrected them, and the shipped set is only the start.
    refresh: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read[T](path: Path, read: Callable[[str], T]) -> T:
    """What a core reader reads from the file (given its name), its refusal as a
    ReferenceDataError naming the file and the line."""
    if not path.is_file():
        raise ReferenceDataError(path, _in_file(), _("file is missing"))
    try:
        return read(path.name)
    except ReferenceDataError:
        raise
    except ImportRejected as exc:
        problem = exc.problems[0]
        raise ReferenceDataError(path, problem.where or _in_file(), problem.message) from None


def _read_features(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The features with their numbers, counted from 1."""
    text = _read(path, lambda label: readers.read_text(path, label))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            path, _at_line(exc.lineno), _("not valid JSON: %(error)s") % {"error": exc.msg}
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ReferenceDataError(path, _in_file(), _("not a GeoJSON FeatureCollection"))
    features = data.get("features") or []
    if not isinstance(features, list):
        raise ReferenceDataError(path, _in_file(), _("not a GeoJSON FeatureCollection"))
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise ReferenceDataError(path, _at_feature(number), _("not a GeoJSON feature"))
    return list(enumerate(features, start=1))


def _read_csv(path: Path, required: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """The rows by column name with their line numbers (the header is line 1)."""
    records = _read(path, lambda label: readers.read_records(path, label=label, kind="csv")[""])
    if missing := [name for name in required if name not in records.header]:
        raise ReferenceDataError(
            path,
            _at_line(records.header_number),
            _("missing columns: %(columns)s") % {"columns": ", ".join(missing)},
        )
    return [(number, row) for number, row, _extra in records.named()]


def _date(path: Path, line: int, column: str, value: str, *, optional: bool) -> date | None:
    value = (value or "").strip()
    if not value and optional:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ReferenceDataError(
            path,
            _at_line(line),
            _("column %(column)s: %(value)r is not an ISO date (YYYY-MM-DD)")
            % {"column": column, "value": value},
        ) from exc


def _named_period(path: Path, line: int, row: dict[str, Any]) -> tuple[str, date, date | None]:
    """A row's name and the period it is valid (valid_to empty: still valid)."""
    name = (row["name"] or "").strip()
    if not name:
        raise ReferenceDataError(path, _at_line(line), _("column name is empty"))
    valid_from = _date(path, line, "valid_from", row["valid_from"], optional=False)
    valid_to = _date(path, line, "valid_to", row["valid_to"], optional=True)
    if valid_to and valid_to < valid_from:
        raise ReferenceDataError(path, _at_line(line), _("valid_to is before valid_from"))
    return name, valid_from, valid_to


def _polygon(path: Path, number: int, feature: dict[str, Any]) -> dict[str, Any]:
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ReferenceDataError(path, _at_feature(number), _("geometry is not a polygon"))
    try:
        shape = geo.from_geojson(geometry)
    except geo.GeometryError as exc:
        # e.g. a ring of one position: [[1, 2]]
        raise ReferenceDataError(
            path, _at_feature(number), _("the polygon's coordinates cannot be read")
        ) from exc
    if shape.is_empty or not shape.is_valid:
        raise ReferenceDataError(path, _at_feature(number), _("geometry is empty or invalid"))
    return geometry


def _save(model, lookup: dict[str, Any], values: dict[str, Any], summary: LoadSummary):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        summary.count(model._meta.model_name, True, True)
        instance._just_created = True
        return instance
    if not summary.refresh:
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        summary.count(model._meta.model_name, False, True)
    return instance


def _set_m2m(manager, objects, summary: LoadSummary, kind: str) -> None:
    if not summary.refresh and not getattr(manager.instance, "_just_created", False):
        return
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(list(wanted))
        summary.count(kind, False, True)


def load_municipalities(data_dir: Path, summary: LoadSummary) -> dict[str, Municipality]:
    path = data_dir / MUNICIPALITIES_FILE
    detailed_path = data_dir / DETAILED_MUNICIPALITIES_FILE
    detailed = {}
    for number, feature in _read_features(detailed_path):
        code = str((feature.get("properties") or {}).get("kommunkod") or "")
        detailed[code] = _polygon(detailed_path, number, feature)
    result = {}
    for number, feature in _read_features(path):
        properties = feature.get("properties") or {}
        code, name = str(properties.get("kommunkod") or ""), properties.get("namn")
        if len(code) != 4 or not code.isdigit() or not code.startswith("01"):
            raise ReferenceDataError(
                path, _at_feature(number), _("kommunkod %(code)r is invalid") % {"code": code}
            )
        if not name:
            raise ReferenceDataError(path, _at_feature(number), _("namn is missing"))
        geometry = _polygon(path, number, feature)
        source = Municipality.BoundarySource.SCB
        if code in detailed:
            geometry, source = detailed[code], Municipality.BoundarySource.OSM
        result[code] = _save(
            Municipality,
            {"code": code},
            {"name": name, "geometry": geometry, "boundary_source": source},
            summary,
        )
    if len(result) != 26:
        raise ReferenceDataError(
            path,
            _in_file(),
            _("expected 26 municipalities, found %(count)s") % {"count": len(result)},
        )
    return result


def load_districts(data_dir: Path, summary: LoadSummary) -> dict[str, District]:
    path = data_dir / DISTRICTS_FILE
    rows = _read_csv(path, ["name", "valid_from", "valid_to", "predecessors", "successor"])
    districts: dict[str, District] = {}
    for line, row in rows:
        name, valid_from, valid_to = _named_period(path, line, row)
        districts[name] = _save(
            District, {"name": name}, {"valid_from": valid_from, "valid_to": valid_to}, summary
        )
    for line, row in rows:
        names = [n.strip() for n in (row["predecessors"] or "").split(";") if n.strip()]
        unknown = [n for n in names if n not in districts]
        if unknown:
            raise ReferenceDataError(
                path,
                _at_line(line),
                _("unknown predecessor %(names)s") % {"names": ", ".join(unknown)},
            )
        district = districts[row["name"].strip()]
        _set_m2m(district.predecessors, [districts[n] for n in names], summary, "district")

    for filename, period_from, period_to in DISTRICT_BOUNDARY_FILES:
        boundary_path = data_dir / filename
        for number, feature in _read_features(boundary_path):
            name = (feature.get("properties") or {}).get("namn")
            if name not in districts:
                raise ReferenceDataError(
                    boundary_path,
                    _at_feature(number),
                    _("unknown district %(name)r") % {"name": name},
                )
            district = districts[name]
            valid_from = max(period_from, district.valid_from)
            ends = [d for d in (period_to, district.valid_to) if d]
            _save(
                DistrictBoundary,
                {"district": district, "valid_from": valid_from},
                {
                    "valid_to": min(ends) if ends else None,
                    "geometry": _polygon(boundary_path, number, feature),
                    "source": filename,
                },
                summary,
            )
    return districts


def load_police_areas(
    data_dir: Path,
    summary: LoadSummary,
    municipalities: dict[str, Municipality],
    districts: dict[str, District],
) -> dict[str, LocalPoliceArea]:
    path = data_dir / POLICE_AREAS_FILE
    columns = ["name", "polisomrade", "valid_from", "valid_to", "municipalities"]
    rows = _read_csv(path, [*columns, "stockholm_districts", "confidence"])
    areas: dict[str, tuple[LocalPoliceArea, set[str], set[str]]] = {}
    for line, row in rows:
        name, valid_from, valid_to = _named_period(path, line, row)
        codes = {c.strip() for c in (row["municipalities"] or "").split(";") if c.strip()}
        names = {n.strip() for n in (row["stockholm_districts"] or "").split(";") if n.strip()}
        if unknown := sorted(codes - municipalities.keys()):
            raise ReferenceDataError(
                path,
                _at_line(line),
                _("column municipalities: unknown code %(codes)s") % {"codes": ", ".join(unknown)},
            )
        if unknown := sorted(names - districts.keys()):
            raise ReferenceDataError(
                path,
                _at_line(line),
                _("column stockholm_districts: unknown district %(names)s")
                % {"names": ", ".join(unknown)},
            )
        area = _save(
            LocalPoliceArea,
            {"name": name},
            {
                "slug": slugify(name.replace("/", "-")),
                "police_district": (row["polisomrade"] or "").strip(),
                "valid_from": valid_from,
                "valid_to": valid_to,
                "confidence": (row["confidence"] or "").strip(),
            },
            summary,
        )
        _set_m2m(area.municipalities, [municipalities[c] for c in codes], summary, "lpo")
        _set_m2m(area.districts, [districts[n] for n in names], summary, "lpo")
        areas[name] = (area, codes, names)
    # The list has no predecessor column: an area that starts the day after another
    # ends and covers part of its ground is its successor (the City change of 2025).
    for area, codes, names in areas.values():
        predecessors = [
            other
            for other, other_codes, other_names in areas.values()
            if other.valid_to
            and (area.valid_from - other.valid_to).days == 1
            and (codes & other_codes or names & other_names)
        ]
        _set_m2m(area.predecessors, predecessors, summary, "lpo")
    return {name: area for name, (area, _, _) in areas.items()}


def load_stations(data_dir: Path, summary: LoadSummary) -> None:
    path = data_dir / STATIONS_FILE
    kinds = set(Station.Kind.values)
    for number, feature in _read_features(path):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if not isinstance(coordinates, list) or len(coordinates) < 2:
            raise ReferenceDataError(path, _at_feature(number), _("geometry is not a point"))
        try:
            longitude, latitude = float(coordinates[0]), float(coordinates[1])
        except (TypeError, ValueError) as exc:
            raise ReferenceDataError(
                path, _at_feature(number), _("the point's coordinates are not numbers")
            ) from exc
        if not (math.isfinite(longitude) and math.isfinite(latitude)):
            raise ReferenceDataError(
                path, _at_feature(number), _("the point's coordinates are not numbers")
            )
        if properties.get("typ") not in kinds:
            raise ReferenceDataError(
                path,
                _at_feature(number),
                _("unknown typ %(kind)r") % {"kind": properties.get("typ")},
            )
        if not properties.get("namn") or not properties.get("osm_id"):
            raise ReferenceDataError(path, _at_feature(number), _("namn or osm_id is missing"))
        _save(
            Station,
            {"osm_id": str(properties["osm_id"])},
            {
                "name": properties["namn"],
                "kind": properties["typ"],
                "lines": properties.get("linje") or "",
                "railway": properties.get("bana") or "",
                "longitude": longitude,
                "latitude": latitude,
            },
            summary,
        )


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR, refresh: bool = False) -> LoadSummary:
    """Load the reference geography; all-or-nothing. `refresh` overwrites edited records
    with the shipped values."""
    summary = LoadSummary(refresh=refresh)
    municipalities = load_municipalities(data_dir, summary)
    districts = load_districts(data_dir, summary)
    load_police_areas(data_dir, summary, municipalities, districts)
    load_stations(data_dir, summary)
    return summary
