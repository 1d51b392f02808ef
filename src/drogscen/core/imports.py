"""What every file import shares (scenes, mappings, events, counts …): problems that name
file, row or feature and field; refusal of the whole file when any row is bad; the
outcome counts; recognising a file by its content rather than its name; a size guard;
a progress bar for large files.

The rule (docs/contracts.md#import-rules): a file with any invalid row writes nothing and
the command exits 2 listing the first 50 problems; `--dry-run` validates only;
re-importing the same file changes nothing.
"""

from __future__ import annotations

import difflib
import os
import sys
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # 50 MB: far above a county's scenes, below a mistake
MAX_REPORTED_PROBLEMS = 50
PROGRESS_THRESHOLD = 1000  # rows or features; smaller files finish before a bar helps

FileType = Literal["geojson", "gpkg", "csv", "parquet", "xlsx", "zip", "unknown"]

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with entries, an empty ZIP
PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import file, located so the user can find and fix it.

    `where` is e.g. "row 12" or "feature 3 (ref P-1)" (see `row_label`, `feature_label`);
    empty for a problem with the whole file. `field` is the column or property name as
    written in the file. Shown as "FILE, feature 3 (ref P-1), field: message".
    """

    file: str
    where: str = ""
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        head = ", ".join(part for part in (self.file, self.where, self.field) if part)
        return f"{head}: {self.message}"


def row_label(number: int) -> str:
    """Rows are counted as a spreadsheet shows them: the header is row 1."""
    return _("row %(number)s") % {"number": number}


def feature_label(number: int, ref: str | None = None) -> str:
    """Features are counted from 1 in the order of the file."""
    if ref:
        return _("feature %(number)s (ref %(ref)s)") % {"number": number, "ref": ref}
    return _("feature %(number)s") % {"number": number}


class ImportRejected(Exception):
    """The file was refused and nothing was written. Keeps the first
    `MAX_REPORTED_PROBLEMS` problems and the total count."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        problems = list(problems)
        self.total = len(problems)
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        first = str(self.problems[0]) if self.problems else ""
        super().__init__(first if self.total == 1 else f"{first} (+{self.total - 1})")

    @property
    def more(self) -> int:
        return self.total - len(self.problems)

    def lines(self) -> list[str]:
        """The problems as lines for a terminal or a page, then how many were left out."""
        lines = [str(problem) for problem in self.problems]
        if self.more:
            lines.append(_("… and %(count)s more") % {"count": self.more})
        return lines


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    read: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "dry_run"}


# --- the file as a whole ----------------------------------------------------------------


def sniff_file_type(path: str | os.PathLike) -> FileType:
    """The kind of a file by its first bytes, whatever its name says.

    "geojson" means JSON text (an object or array first; a BOM is allowed), so JSON Lines
    files are "geojson" too; "csv" means any other text; "gpkg" any SQLite database.
    """
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        return "unknown"
    if head.startswith(SQLITE_MAGIC):
        return "gpkg"
    if head.startswith(ZIP_MAGICS):
        return "xlsx" if _is_xlsx(path) else "zip"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    text = _text_start(head)
    if text is None:
        return "unknown"
    stripped = text.lstrip()
    if stripped[:1] in {"{", "["}:
        return "geojson"
    return "csv"


def _is_xlsx(path: str | os.PathLike) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


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
        "gpkg": _("a GeoPackage (SQLite database)"),
        "csv": _("a text (CSV) file"),
        "parquet": _("a Parquet file"),
        "xlsx": _("an Excel workbook (XLSX)"),
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
    `expected` names what the file should be in the message, e.g. "GeoJSON"."""

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
    if kind not in accepted:
        raise refuse(
            _("is %(actual)s, not %(expected)s")
            % {"actual": describe_file_type(kind), "expected": expected}
        )
    return kind


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.2g}"


# --- values ------------------------------------------------------------------------------


class FieldInvalid(ValueError):
    """A value that cannot be used; the message is for the user."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or _is_nan(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def text_value(value: Any, *, required: bool) -> str:
    """A stripped string; numbers that are whole (e.g. a ref read as 12) become text."""
    if is_blank(value):
        if required:
            raise FieldInvalid(_("is required"))
        return ""
    if isinstance(value, bool):
        raise FieldInvalid(_("must be text, not %(value)s") % {"value": _shown(value)})
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise FieldInvalid(_("must be text, not %(value)s") % {"value": _shown(value)})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate from a JSON escape such as "\ud800": no database stores it.
        raise FieldInvalid(_("contains characters that are not valid Unicode")) from None
    return value.strip()


def date_value(value: Any, *, required: bool) -> date | None:
    """An ISO 8601 date (YYYY-MM-DD). A date-time at midnight counts as its date, as
    GeoPackage and spreadsheet tools often store dates so."""
    if is_blank(value):
        if required:
            raise FieldInvalid(_("is required"))
        return None
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise FieldInvalid(_("must be a date without a time of day"))
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldInvalid(
            _("must be an ISO date (YYYY-MM-DD), not %(value)s") % {"value": _shown(value)}
        )
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FieldInvalid(
            _("must be an ISO date (YYYY-MM-DD), not %(value)s") % {"value": _shown(value)}
        ) from None
    if moment.time() != time(0):
        raise FieldInvalid(_("must be a date without a time of day"))
    return moment.date()


def _shown(value: Any, limit: int = 40) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


# --- progress ----------------------------------------------------------------------------


def progress[T](
    iterable: Iterable[T],
    *,
    total: int,
    desc: str,
    show: bool | None = None,
    stream=None,
) -> Iterator[T]:
    """A progress bar on stderr for large files: shown when `show` is True, or when it is
    None and there are more than PROGRESS_THRESHOLD items and stderr is a terminal."""
    stream = stream or sys.stderr
    if show is None:
        isatty = getattr(stream, "isatty", None)
        show = total > PROGRESS_THRESHOLD and bool(isatty and isatty())
    if not show:
        return iter(iterable)
    from tqdm import tqdm

    return iter(tqdm(iterable, total=total, desc=desc, file=stream, unit="", leave=False))


# --- the commands ------------------------------------------------------------------------


def command_user(username: str | None):
    """The active user named by a command's `--as`, or None (the operator: no scope)."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("No active user named %(username)s.") % {"username": username}, returncode=2
        )
    return user


def command_rejection(exc: ImportRejected, *, label: str, stderr):
    """Print each problem line to the command's stderr; the CommandError (exit 2) to raise."""
    from django.core.management.base import CommandError

    for line in exc.lines():
        stderr.write(line)
    message = ngettext(
        "%(file)s: nothing was imported (%(count)s problem).",
        "%(file)s: nothing was imported (%(count)s problems).",
        exc.total,
    )
    return CommandError(message % {"file": label, "count": exc.total}, returncode=2)


def command_summary(result, *, label: str) -> str:
    """The line an import command prints on success: what was (or, in a dry run, would
    be) created, updated and left unchanged. ``result`` has ``dry_run`` and ``counts()``."""
    counts = {"file": label, **result.counts()}
    if result.dry_run:
        message = _(
            "%(file)s: dry run, nothing written. %(read)s read; would create "
            "%(created)s, update %(updated)s, leave %(unchanged)s unchanged."
        )
    else:
        message = _(
            "%(file)s: %(read)s read, %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
    return message % counts


def name_from_list[T](name: str, known: dict[str, T]) -> T:
    """A record by its name in a reference list (e.g. a local police area): exactly, then
    in any letter case; otherwise FieldInvalid with a "did you mean" hint."""
    if name in known:
        return known[name]
    folded = {key.casefold(): value for key, value in known.items()}
    if name.casefold() in folded:
        return folded[name.casefold()]
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = (
        _("did you mean %(name)s?") % {"name": close[0]}
        if close
        else _("use a name from the list of local police areas, e.g. %(name)s")
        % {"name": next(iter(sorted(known)), "Järva")}
    )
    raise FieldInvalid(
        _("unknown local police area %(value)s; %(hint)s") % {"value": repr(name), "hint": hint}
    )
