"""The readers of the import pipeline: one per file format, each turning a file into what
the import kinds check (docs/architecture.md#import-pipeline).

* `read_text` — a text file as str: UTF-8 with or without BOM, or UTF-16 with a BOM (Excel's
  "Unicode text"); any other encoding is refused with the line of its first foreign byte.
* `read_records` — rows of cells with their numbers as the file shows them: CSV (comma,
  semicolon, tab or pipe, by the header), XLSX and ODS (one sheet or several).
* `read_json_lines` — one JSON value per line, numbered from 1.
* `read_features` — the features of a GeoJSON FeatureCollection, a GeoPackage layer or a
  zipped shapefile, their geometry as GeoJSON in WGS84.
* `read_table` — column batches (a pandas frame) of CSV, XLSX, ODS, Parquet, GeoPackage,
  zipped shapefile or JSON Lines, for the kinds that check by column (events, counts).

Every reader raises ImportRejected naming the file (and row or line) and writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from drogscen.core import geo
from drogscen.core.imports.files import SNIFF_BYTES, UTF8_BOM, UTF16_BOMS
from drogscen.core.imports.problems import ImportRejected, line_label, row_label
from drogscen.core.imports.values import is_blank

DELIMITERS = (",", ";", "\t", "|")
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
UNREADABLE = object()  # a geometry that could not be decoded (its problem is on the feature)
# VBA projects, and the Excel 4.0 (XLM) macro and dialog sheets that need no VBA project
MACRO_PARTS = ("xl/vbaProject.bin", "xl/macrosheets/", "xl/dialogsheets/")
_FIRST_SHEET: Any = ("",)  # `wanted` of read_records(first_sheet=True), by identity


def _refused(label: str, message: str, where: str = "", field: str = "") -> ImportRejected:
    return ImportRejected.of_file(label, message, where=where, field=field)


def _unreadable(label: str, exc: OSError) -> ImportRejected:
    return _refused(label, _("cannot be read: %(error)s") % {"error": exc.strerror or exc})


# --- text ------------------------------------------------------------------------------


def read_text(path: str | os.PathLike, label: str) -> str:
    """The file as text. Only "\\n" and "\\r\\n" end lines for the readers that follow."""
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise _unreadable(label, exc) from None
    for bom, encoding in UTF16_BOMS.items():
        if content.startswith(bom):
            try:
                return content[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise _refused(label, _("is not valid UTF-16 text")) from None
    try:
        return content.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise _refused(
            label, _("not UTF-8 text; save the file as UTF-8"), where=line_label(line)
        ) from None


def csv_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: the most frequent of comma, semicolon (Excel in
    Swedish), tab and pipe outside quotes; a comma when it has none of them."""
    outside_quotes = header_line.split('"')[::2]
    counts = {d: sum(part.count(d) for part in outside_quotes) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# --- rows of cells -------------------------------------------------------------------------


@dataclass
class Records:
    """The rows of one sheet (or CSV) with their numbers; `header` is the first non-blank
    row (names stripped, a BOM removed) and `header_number` its number."""

    sheet: str
    header: list[str]
    header_number: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    def named(self, fold=str.strip) -> list[tuple[int, dict[str, Any], list[Any]]]:
        """Each non-blank row as {column name: cell} (the name as `fold` gives it; cells
        beyond the header under no name are left in the list for the caller)."""
        names = [fold(name) for name in self.header]
        out = []
        for number, cells in self.rows:
            values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(names)}
            out.append((number, values, cells[len(names) :]))
        return out


def column_name(name: Any) -> str:
    """A header cell as a column name: text, stripped, without a BOM."""
    if name is None:
        return ""
    return str(name).strip().removeprefix("\ufeff").strip()


def read_records(
    path: str | os.PathLike,
    *,
    label: str,
    kind: str,
    sheets: Iterable[str] | None = None,
    first_sheet: bool = False,
) -> dict[str, Records]:
    """The rows of a CSV (the sheet named "" ) or of the named sheets of an XLSX or ODS
    workbook (every sheet when None; a named sheet that is missing refuses the file).
    With `first_sheet`, only the workbook's first sheet is read, whatever the others
    hold (an empty sheet a spreadsheet tool added is no problem then).
    Blank rows before the header and between rows are left out, their numbers kept."""
    if kind == "csv":
        return {"": _records("", _csv_rows(path, label), label, "")}
    wanted = _FIRST_SHEET if first_sheet else sheets
    if kind == "xlsx":
        workbook = _xlsx_sheets(path, label, wanted)
    elif kind == "ods":
        workbook = _calamine_sheets(path, label, wanted)
    else:  # pragma: no cover - the spec's accepted kinds exclude it
        raise ValueError(kind)
    return {
        name: _records(name, rows, label, _("sheet %(sheet)s") % {"sheet": name})
        for name, rows in workbook.items()
    }


def _records(sheet: str, rows: list[tuple[int, list[Any]]], label: str, where: str) -> Records:
    rows = [(number, cells) for number, cells in rows if not all(map(is_blank, cells))]
    if not rows:
        raise _refused(label, _("has no header row"), where=where)
    header_number, header = rows[0]
    return Records(sheet, [column_name(cell) for cell in header], header_number, rows[1:])


def _csv_rows(path, label: str) -> list[tuple[int, list[str]]]:
    text = read_text(path, label)
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = csv_delimiter(first_line)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows are numbered by count, as a spreadsheet shows them (a quoted cell may
        # span lines but is one row there).
        for number, cells in enumerate(reader, 1):
            rows.append((number, cells))
    except csv.Error as exc:
        raise _refused(
            label,
            _("cannot be read as CSV: %(error)s") % {"error": exc},
            where=row_label(len(rows) + 1),
        ) from None
    return rows


def _xlsx_sheets(path, label: str, wanted: Iterable[str] | None) -> dict[str, list]:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refused(
            label, _("cannot be read as a workbook: %(error)s") % {"error": exc}
        ) from None
    if any(part.startswith(MACRO_PARTS) for part in parts):
        raise _refused(
            label,
            _("is a macro-enabled workbook; save it as an ordinary Excel workbook (.xlsx)"),
        )
    from openpyxl import load_workbook

    try:
        # A file object: openpyxl would otherwise judge the file by its name's extension.
        content = io.BytesIO(Path(path).read_bytes())
        workbook = load_workbook(content, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _refused(
            label, _("cannot be read as a workbook: %(error)s") % {"error": exc}
        ) from None
    try:
        names = _wanted_sheets(workbook.sheetnames, wanted, label)
        return {
            name: [
                (number, list(cells))
                for number, cells in enumerate(workbook[name].iter_rows(values_only=True), 1)
            ]
            for name in names
        }
    except ImportRejected:
        raise
    except Exception as exc:  # a damaged sheet part
        raise _refused(
            label, _("cannot be read as a workbook: %(error)s") % {"error": exc}
        ) from None
    finally:
        workbook.close()


def _calamine_sheets(path, label: str, wanted: Iterable[str] | None) -> dict[str, list]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = _wanted_sheets(workbook.sheet_names, wanted, label)
        return {
            name: list(
                enumerate(
                    (
                        [None if cell == "" else cell for cell in row]
                        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                    ),
                    1,
                )
            )
            for name in names
        }
    except ImportRejected:
        raise
    except Exception as exc:  # calamine's errors for a damaged file vary
        raise _refused(
            label, _("cannot be read as a spreadsheet: %(error)s") % {"error": exc}
        ) from None


def _wanted_sheets(present: list[str], wanted: Iterable[str] | None, label: str) -> list[str]:
    if wanted is _FIRST_SHEET:
        return list(present[:1])
    if wanted is None:
        return list(present)
    wanted = list(wanted)
    if missing := [name for name in wanted if name not in present]:
        raise _refused(
            label,
            _("is not the template: the sheet %(sheets)s is missing")
            % {"sheets": ", ".join(missing)},
        )
    return wanted


# --- JSON --------------------------------------------------------------------------------


def read_json_lines(path: str | os.PathLike, label: str) -> list[tuple[int, Any, str | None]]:
    """(line number, value, problem) for each non-blank line; value is None and problem
    says why when a line is not valid JSON."""
    text = read_text(path, label)
    # Only "\n" ends a line: str.splitlines() would also split at U+2028 and other
    # characters that JSON strings may hold unescaped.
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line), None))
        except RecursionError:
            out.append((number, None, _("is not valid JSON: nested too deeply")))
        except ValueError as exc:
            out.append((number, None, _("is not valid JSON: %(error)s") % {"error": exc}))
    if not out:
        raise _refused(label, _("is empty"))
    return out


def read_json_document(path: str | os.PathLike, label: str) -> Any:
    try:
        # From bytes, json detects UTF-8 (with or without BOM), UTF-16 and UTF-32.
        return json.loads(Path(path).read_bytes())
    except UnicodeDecodeError:
        raise _refused(label, _("is not UTF-8 text")) from None
    except RecursionError:
        raise _refused(label, _("is not valid JSON: nested too deeply")) from None
    except ValueError as exc:
        raise _refused(label, _("is not valid JSON: %(error)s") % {"error": exc}) from None
    except OSError as exc:
        raise _unreadable(label, exc) from None


# --- features ------------------------------------------------------------------------------


@dataclass
class Feature:
    """One feature as read: properties (names as written, or lower-cased from GIS
    formats), a GeoJSON geometry in WGS84 (None, or UNREADABLE with a problem), and the
    problems found while reading it as (field, message)."""

    number: int
    properties: dict[str, Any]
    geometry: Any
    problems: list[tuple[str, str]] = field(default_factory=list)


def read_features(
    path: str | os.PathLike, *, label: str, kind: str, layer: str | None = None
) -> list[Feature]:
    """The features of a GeoJSON FeatureCollection (WGS84 by RFC 7946), or of a layer of
    a GeoPackage or zipped shapefile in any coordinate system, reprojected to WGS84.
    `layer` names the layer to read when a GeoPackage holds several."""
    if kind == "geojson":
        return _geojson_features(read_json_document(path, label), label)
    source = f"/vsizip/{os.fspath(path)}" if kind == "shapefile" else path
    return _ogr_features(source, label, kind, layer)


def _geojson_features(document: Any, label: str) -> list[Feature]:
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


def _geojson_feature(number: int, item: Any) -> Feature:
    if not isinstance(item, dict):
        return Feature(number, {}, None, [("type", _("is not a GeoJSON Feature object"))])
    problems = []
    if item.get("type") != "Feature":
        problems.append(("type", _('must be "Feature"')))
    properties = item.get("properties")
    if properties is None:
        properties = {}
    elif not isinstance(properties, dict):
        problems.append(("properties", _("must be an object")))
        properties = {}
    return Feature(number, properties, item.get("geometry"), problems)


def _format_name(kind: str) -> str:
    return _("a zipped shapefile") if kind == "shapefile" else _("a GeoPackage")


def _unreadable_as(label: str, kind: str, exc: Exception) -> ImportRejected:
    """GDAL's errors come in several classes (and plain exceptions from the driver);
    whatever it says, the file cannot be read as that format."""
    return _refused(
        label,
        _("cannot be read as %(format)s: %(error)s") % {"format": _format_name(kind), "error": exc},
    )


def _ogr_features(source, label: str, kind: str, wanted: str | None) -> list[Feature]:
    import pyogrio.raw

    layer = _ogr_layer(source, label, kind, wanted)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _fids, geometries, field_data = pyogrio.raw.read(
                source, layer=layer, datetime_as_string=True
            )
    except Exception as exc:
        raise _unreadable_as(label, kind, exc) from None
    if geometries is None or not meta.get("geometry_type"):
        raise _refused(label, _("layer %(layer)s has no geometry") % {"layer": layer})
    crs_text = meta.get("crs")
    if not crs_text:
        raise _refused(
            label,
            _(
                "layer %(layer)s has no coordinate reference system; set one (e.g. "
                "EPSG:3006 or EPSG:4326) and save the file again"
            )
            % {"layer": layer},
        )
    try:
        crs = geo.crs_from_user_input(crs_text)
    except geo.GeometryError as exc:
        raise _refused(label, str(exc)) from None
    wgs84 = geo.crs_from_user_input(geo.WGS84)
    projection = None if crs.equals(wgs84, ignore_axis_order=True) else crs_text
    # Column names as tools write them (often upper case in shapefile-era tools).
    columns: dict[str, list[Any]] = {}
    for name, values in zip(meta["fields"], field_data, strict=True):
        columns.setdefault(str(name).lower(), np.asarray(values).tolist())
    features = []
    for index, wkb in enumerate(geometries):
        properties = {name: values[index] for name, values in columns.items()}
        geometry, problems = _wkb_geometry(wkb, projection)
        features.append(Feature(index + 1, properties, geometry, problems))
    return features


def _ogr_layer(source, label: str, kind: str, wanted: str | None) -> str:
    import pyogrio

    # GDAL's errors come in several classes (and plain exceptions from the driver);
    # whatever it says, the file cannot be read. Its warnings (e.g. "bad
    # application_id") would only repeat that on the terminal.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(name) for name, _type in pyogrio.list_layers(source)]
    except Exception as exc:
        raise _unreadable_as(label, kind, exc) from None
    if not layers:
        raise _refused(label, _("holds no layers"))
    if wanted in layers:
        return wanted
    if len(layers) == 1:
        return layers[0]
    raise _refused(
        label,
        _('holds several layers (%(layers)s); name the layer to import "%(name)s"')
        % {"layers": ", ".join(layers), "name": wanted or ""},
    )


def _wkb_geometry(wkb, source_crs: str | None) -> tuple[Any, list[tuple[str, str]]]:
    import shapely
    from shapely.geometry import mapping

    if wkb is None:
        return None, []
    try:
        shape = shapely.force_2d(shapely.from_wkb(wkb))
        if source_crs and not shape.is_empty:
            shape = geo.project(shape, source=source_crs, target=geo.WGS84)
        return _as_lists(mapping(shape)), []
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        return UNREADABLE, [
            ("geometry", _("cannot be read (%(error)s); use polygons") % {"error": exc})
        ]


def _as_lists(value: Any) -> Any:
    """GeoJSON as json.loads gives it: lists, not the tuples shapely's mapping() uses."""
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_as_lists(item) for item in value]
    return value


# --- column batches --------------------------------------------------------------------------


@dataclass
class Table:
    """A file's rows as column batches: CSV/XLSX/ODS cells as text ('' when blank) or in
    the workbook's types, Parquet, GeoPackage and shapefile columns in their own types.
    ``first_row`` is the number of frame row 0 (2 below a header row, 1 without)."""

    frame: pd.DataFrame
    kind: str
    label: str
    first_row: int
    crs: str | None = None  # a GeoPackage or shapefile layer's own coordinate system


def read_table(path: str | os.PathLike, *, label: str, kind: str) -> Table:
    """The rows of a file as one frame, recognised by content (`kind` from
    `file_checked`). Header names are matched without case or surrounding space; point
    geometry becomes ``x``/``y``. Rows that are wholly blank are left out (their
    numbers are kept)."""
    crs = None
    first_row = 2
    if kind == "csv":
        frame = _csv_frame(path, label)
    elif kind in {"xlsx", "ods"}:
        frame = _workbook_frame(path, label, kind)
    elif kind == "parquet":
        frame, first_row = _parquet_frame(path, label), 1
    elif kind == "jsonl":
        frame, first_row = _json_lines_frame(path, label), 1
    else:
        frame, crs = _ogr_frame(path, label, kind)
        first_row = 1
    frame.columns = [column_name(c).lower() for c in frame.columns]
    frame.index = pd.RangeIndex(len(frame))
    if len(frame):
        blank = np.ones(len(frame), bool)
        for column in frame.columns:
            blank &= _blank(frame[column])
        if blank.any():
            frame = frame.loc[~blank]
    return Table(frame=frame, kind=kind, label=label, first_row=first_row, crs=crs)


def _csv_frame(path, label: str) -> pd.DataFrame:
    # Read from the path, not from a decoded copy: an event extract may be a gigabyte.
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    encoding = next((name for bom, name in UTF16_BOMS.items() if head.startswith(bom)), "utf-8-sig")
    first_line = head.decode(encoding, errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            path,
            sep=csv_delimiter(first_line),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-16" if encoding != "utf-8-sig" else encoding,
            quoting=csv.QUOTE_MINIMAL,
        )
    except UnicodeDecodeError:
        read_text(path, label)  # names the line of the first byte that is not UTF-8
        raise _refused(label, _("not UTF-8 text; save the file as UTF-8")) from None
    except pd.errors.EmptyDataError:
        raise _refused(label, _("has no header row")) from None
    except pd.errors.ParserError as exc:
        raise _refused(
            label, _("cannot be read as CSV: %(error)s") % {"error": str(exc).strip()}
        ) from None
    return frame.fillna("")


def _workbook_frame(path, label: str, kind: str) -> pd.DataFrame:
    engine = "openpyxl" if kind == "xlsx" else "calamine"
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine=engine)
    except Exception as exc:  # openpyxl and calamine raise many kinds for a damaged file
        raise _refused(
            label, _("cannot be read as a spreadsheet: %(error)s") % {"error": exc}
        ) from None
    return frame.astype(object).where(frame.notna(), "")


def _parquet_frame(path, label: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow's errors for damaged files vary
        raise _refused(label, _("cannot be read as Parquet: %(error)s") % {"error": exc}) from None


def _json_lines_frame(path, label: str) -> pd.DataFrame:
    records = []
    for number, value, problem in read_json_lines(path, label):
        if problem or not isinstance(value, dict):
            raise _refused(label, problem or _("must be a JSON object"), where=line_label(number))
        records.append(value)
    return pd.DataFrame.from_records(records)


def _ogr_frame(path, label: str, kind: str) -> tuple[pd.DataFrame, str | None]:
    import pyogrio
    import shapely

    source = f"/vsizip/{os.fspath(path)}" if kind == "shapefile" else path
    try:
        meta, table = pyogrio.read_arrow(source)
    except Exception as exc:  # pyogrio.errors.DataSourceError and friends
        raise _unreadable_as(label, kind, exc) from None
    geometry_name = meta.get("geometry_name") or "wkb_geometry"
    frame = table.to_pandas()
    crs = None
    if geometry_name in frame.columns:
        geometry = shapely.from_wkb(frame.pop(geometry_name).to_numpy())
        if len(geometry):
            kinds = shapely.get_type_id(geometry)
            bad = np.flatnonzero((kinds != 0) & ~shapely.is_missing(geometry))
            if bad.size:
                raise _refused(
                    label, _("the geometry must be points"), where=row_label(int(bad[0]) + 1)
                )
        lower = {str(c).lower() for c in frame.columns}
        if "x" not in lower and "y" not in lower:
            frame["x"] = shapely.get_x(geometry)
            frame["y"] = shapely.get_y(geometry)
        crs = meta.get("crs") or None
    return frame, crs


def _blank(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
        values = column.astype(str).str.strip()
        return (values == "").to_numpy() | column.isna().to_numpy()
    return column.isna().to_numpy()
