"""The file as a whole, before any row is read: that it exists, its size, and its kind by
content rather than by name (docs/architecture.md#import-pipeline)."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext as _

from drogscen.core.imports.problems import ImportProblem, ImportRejected

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # 50 MB: far above a county's scenes, below a mistake

FileType = Literal[
    "geojson", "jsonl", "gpkg", "csv", "parquet", "xlsx", "ods", "shapefile", "zip", "unknown"
]

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with entries, an empty ZIP
PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
SNIFF_BYTES = 8192
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def sniff_file_type(path: str | os.PathLike) -> FileType:
    """The kind of a file by its first bytes, whatever its name says.

    "geojson" is a JSON document (an object or array first; a BOM is allowed);
    "jsonl" is text whose first line is a whole JSON object and whose next line starts
    another (a one-line file reads as "geojson"; `file_checked` lets either stand for
    the other); "csv" any other text; "gpkg" any SQLite database; "shapefile" a ZIP
    holding a .shp; "ods" an OpenDocument spreadsheet.
    """
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        return "unknown"
    if head.startswith(SQLITE_MAGIC):
        return "gpkg"
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(path)
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    text = _text_start(head)
    if text is None:
        return "unknown"
    stripped = text.lstrip()
    if stripped[:1] == "{" and _is_json_lines(stripped):
        return "jsonl"
    if stripped[:1] in {"{", "["}:
        return "geojson"
    return "csv"


def _zip_kind(path: str | os.PathLike) -> FileType:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return "zip"
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.lower().endswith(".shp") for name in names):
        return "shapefile"
    return "zip"


def _is_json_lines(text: str) -> bool:
    """Whether the first line is a complete JSON object and the next non-blank line
    starts another one (a pretty-printed document breaks its first object over lines)."""
    import json

    first, _sep, rest = text.partition("\n")
    try:
        json.loads(first)
    except ValueError:
        return False
    return rest.lstrip()[:1] == "{"


def _text_start(head: bytes) -> str | None:
    """The decoded start of a text file, None for binary content."""
    for bom, encoding in UTF16_BOMS.items():
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    head = head.removeprefix(UTF8_BOM)
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sniffed block may cut a character in two; anything earlier is binary or
        # another encoding, which the reader reports in its own words.
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8")
        return head.decode("latin-1")


def describe_file_type(kind: str) -> str:
    return {
        "geojson": _("a JSON file"),
        "jsonl": _("a JSON Lines file"),
        "gpkg": _("a GeoPackage (SQLite database)"),
        "csv": _("a text (CSV) file"),
        "parquet": _("a Parquet file"),
        "xlsx": _("an Excel workbook (XLSX)"),
        "ods": _("an OpenDocument spreadsheet (ODS)"),
        "shapefile": _("a zipped shapefile"),
        "zip": _("a ZIP archive"),
    }.get(kind, _("of an unrecognised type"))


def file_checked(
    path: str | os.PathLike,
    *,
    label: str,
    accepted: Collection[str],
    expected: str,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> str:
    """The file's type when it exists, is within the size limit (checked before reading
    anything) and its content is one of `accepted`; otherwise ImportRejected.
    `expected` names what the file should be in the message, e.g. "GeoJSON". JSON Lines
    is accepted where only "geojson" is named and the other way round: the reader tells
    them apart by what the file holds and says what is wrong in its own words."""

    def refuse(message: str) -> ImportRejected:
        return ImportRejected([ImportProblem(label, message=message)])

    try:
        size = Path(path).stat().st_size
        if not Path(path).is_file():
            raise refuse(_("is not a file"))
    except FileNotFoundError:
        raise refuse(_("no such file")) from None
    except OSError as exc:
        raise refuse(_("cannot be read: %(error)s") % {"error": exc.strerror or exc}) from exc
    if size > max_bytes:
        raise refuse(
            _(
                "is %(size)s MB, more than the %(limit)s MB this import accepts; split it into "
                "smaller files"
            )
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes)}
        )
    if size == 0:
        raise refuse(_("is empty"))
    try:
        kind = sniff_file_type(path)
    except OSError as exc:
        raise refuse(_("cannot be read: %(error)s") % {"error": exc.strerror or exc}) from exc
    json_kinds = {"geojson", "jsonl"}
    if kind in json_kinds and kind not in accepted and json_kinds & set(accepted):
        kind = next(k for k in ("geojson", "jsonl") if k in accepted)
    if kind not in accepted:
        raise refuse(
            _("is %(actual)s, not %(expected)s")
            % {"actual": describe_file_type(kind), "expected": expected}
        )
    return kind


def sha256(path: str | os.PathLike) -> str:
    """The content digest recorded in the audit entry of an import."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.2g}"
