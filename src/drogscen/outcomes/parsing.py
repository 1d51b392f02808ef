"""Checking the outcome files (docs/contracts.md#file-formats): crime events, aggregated
counts, youth signals and survey results, read by the pipeline's ``read_table``
(``core/imports/readers.py``), into normalised pandas frames plus the problems found,
each naming file, row and column.

No models and no database here (only the shared problem types and gettext): the specs
in ``outcomes/importing.py`` look up scenes, codes and indicators and write.

Everything is vectorised (a police extract has a million rows): a value is checked by
column, never in a Python loop over rows. Rows are numbered as a spreadsheet shows
them — the header is row 1, the first data row row 2 (Parquet, GeoPackage, shapefile
and JSON Lines files have no header row, so their first row is row 1).

Crime events (``event_id, occurred_at, crime_code, x, y``):

* ``occurred_at`` is ISO 8601. A time without a UTC offset is Swedish local time
  (Europe/Stockholm), as in the police's extracts; an ambiguous hour at the autumn
  change is taken as summer time. A date alone is midnight. Times in the future are
  refused.
* ``x``/``y`` are in the declared coordinate system (``--crs``; EPSG:4326 is lon, lat);
  a decimal comma is accepted. They are reprojected to SWEREF 99 TM (EPSG:3006). A
  position that is not in Sweden after that is refused with a guess of the system the
  numbers look like (lon/lat given as SWEREF 99 TM, SWEREF 99 18 00 given as TM, x and
  y swapped).
* The same ``event_id`` twice with the same content is one event; with different
  content every occurrence is refused (which one is right cannot be told).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from pyarrow import ArrowInvalid
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from drogscen.core import imports
from drogscen.core.imports import ImportProblem, ImportRejected
from drogscen.core.imports.readers import Table, _blank  # the readers' test of a blank cell

EVENT_COLUMNS = ("event_id", "occurred_at", "crime_code", "x", "y")
COUNT_COLUMNS = ("scene_ref", "year", "zone", "category", "count")
YOUTH_COLUMNS = ("scene_ref", "year", "quarter", "indicator", "count")
SURVEY_COLUMNS = ("scene_ref", "year", "indicator", "value", "respondents")

TARGET_CRS = "EPSG:3006"
LOCAL_TIME_ZONE = "Europe/Stockholm"
MAX_EVENT_ID = 64  # CrimeEvent.event_id
MAX_CRIME_CODE = 16  # CrimeEvent.crime_code
EARLIEST_YEAR = 1990  # counts and surveys: older figures are a typo
# SWEREF 99 TM over Sweden and its waters (the projection's area of use, rounded out).
SWEDEN_3006 = (180_000.0, 6_090_000.0, 1_090_000.0, 7_700_000.0)
EVENT_FILE_TYPES = ("csv", "parquet", "gpkg", "shapefile", "jsonl")
TABLE_FILE_TYPES = ("csv", "xlsx", "ods")
MAX_EVENT_FILE_BYTES = 1024 * 1024 * 1024  # 1 GB: a million events are ~60 MB as CSV

# Written for RE2 as well as re ([0-9] and " " rather than \d and \s), so that pandas
# runs them in pyarrow rather than in Python once per row.
_OFFSET = re.compile(r"(?:[zZ]|[+-][0-9]{2}(?::?[0-9]{2})?) *$")
_TIME_PART = re.compile(r"[0-9]{1,2}:[0-9]{2}")


# --------------------------------------------------------------------------- files


def shapefile_names(table: Table, columns: tuple[str, ...]) -> Table:
    """A shapefile keeps at most 10 characters of a column name (``occurred_at``
    becomes ``occurred_a``): such a column is taken as the one it was cut from."""
    present = set(table.frame.columns)
    renamed = {
        name[:10]: name
        for name in columns
        if len(name) > 10 and name not in present and name[:10] in present
    }
    if renamed:
        table.frame = table.frame.rename(columns=renamed)
    return table


def require_columns(table: Table, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.frame.columns]
    if missing:
        raise ImportRejected.of_file(
            table.label,
            _("missing column(s) %(missing)s; the file has %(found)s")
            % {
                "missing": ", ".join(missing),
                "found": ", ".join(map(str, table.frame.columns)) or _("no columns"),
            },
            where=imports.row_label(1) if table.first_row == 2 else "",
        )
    if table.frame.empty:
        raise ImportRejected.of_file(table.label, _("has no data rows"))


# --------------------------------------------------------------------------- problems


@dataclass
class _Problems:
    """Problems by row position (index into the frame) and column."""

    table: Table
    columns: tuple[str, ...]
    positions: list[np.ndarray] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    messages: list[list[str]] = field(default_factory=list)
    file_level: list[ImportProblem] = field(default_factory=list)

    def add(self, mask: np.ndarray, column: str, message) -> None:
        """``message``: a text, or a function of the positions giving one per row."""
        positions = np.flatnonzero(mask)
        if not positions.size:
            return
        texts = message(positions) if callable(message) else [message] * positions.size
        self.positions.append(positions)
        self.fields.append(column)
        self.messages.append(list(texts))

    def bad(self, n: int) -> np.ndarray:
        mask = np.zeros(n, bool)
        for positions in self.positions:
            mask[positions] = True
        return mask

    def listed(self) -> list[ImportProblem]:
        """File-level problems first, then by row and column order."""
        order = {c: i for i, c in enumerate(self.columns)}
        rows = []
        for positions, column, texts in zip(
            self.positions, self.fields, self.messages, strict=True
        ):
            for p, text in zip(positions.tolist(), texts, strict=True):
                rows.append((p, order.get(column.split(",")[0], 99), column, text))
        rows.sort(key=lambda r: (r[0], r[1]))
        first = self.table.first_row
        return self.file_level + [
            ImportProblem(self.table.label, imports.row_label(p + first), column, text)
            for p, _order, column, text in rows
        ]

    def reasons(self, n: int) -> dict[int, str]:
        """Position → all its problems as one text (for the rejected-rows file)."""
        parts: dict[int, list[str]] = {}
        for positions, column, texts in zip(
            self.positions, self.fields, self.messages, strict=True
        ):
            for p, text in zip(positions.tolist(), texts, strict=True):
                parts.setdefault(p, []).append(f"{column}: {text}")
        return {p: "; ".join(v) for p, v in sorted(parts.items())}


def _shown(values: pd.Series | np.ndarray, positions: np.ndarray) -> list[str]:
    raw = np.asarray(values, dtype=object)[positions]
    return [imports.shown(v if not isinstance(v, str) else v.strip()) for v in raw]


def _text(column: pd.Series) -> pd.Series:
    """A column as stripped text ('' for blank); whole numbers read as numbers lose
    their '.0' (a code or id typed into a spreadsheet)."""
    if pd.api.types.is_float_dtype(column.dtype):
        whole = column.notna() & (column == column.round())
        out = column.astype(object).where(column.notna(), "")
        out[whole] = column[whole].astype("int64").astype(str)
        return out.astype(str).str.strip()
    if not (pd.api.types.is_string_dtype(column.dtype) or column.dtype == object):
        return column.astype(str).where(column.notna(), "").str.strip()
    if isinstance(column.dtype, pd.StringDtype):
        # already text (how CSV columns are read): stays in pyarrow, no object round trip
        return column.fillna("").str.strip()
    values = column.astype(object).where(column.notna(), "")

    def one(v):
        if isinstance(v, float) and v == int(v):
            return str(int(v))
        return str(v)

    if column.dtype == object and not all(isinstance(v, str) for v in values[:100]):
        values = values.map(one)
    return values.astype(str).str.strip()


def _numbers(column: pd.Series) -> np.ndarray:
    """Floats (NaN where not a number); a decimal comma is accepted."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    text = _text(column).str.replace(",", ".", regex=False).str.replace(" ", "", regex=False)
    try:  # every value a number: one cast in pyarrow
        return text.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
    except (ValueError, TypeError, ArrowInvalid):
        return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _text_checked(
    problems: _Problems, frame: pd.DataFrame, column: str, max_length: int
) -> pd.Series:
    values = _text(frame[column])
    blank = (values == "").to_numpy()
    problems.add(blank, column, _("is required"))
    long = (values.str.len() > max_length).to_numpy()
    problems.add(
        long,
        column,
        _("is longer than %(count)s characters") % {"count": max_length},
    )
    return values


# --------------------------------------------------------------------------- events


@dataclass
class ParsedEvents:
    """The valid events (one row per ``event_id``), in EPSG:3006, times in UTC.

    ``frame`` columns: ``row`` (the file's row number), ``event_id``, ``occurred_at``
    (datetime64[us, UTC]), ``crime_code``, ``x``, ``y``. ``problems`` lists every
    invalid row; ``rejected`` has the invalid rows as written in the file with the
    reasons (for ``--skip-invalid``)."""

    frame: pd.DataFrame
    problems: list[ImportProblem]
    rejected: pd.DataFrame
    read: int
    collapsed: int
    crs: str


def checked_crs(value: str, label: str) -> CRS:
    try:
        crs = CRS.from_user_input(value.strip())
    except (CRSError, AttributeError, TypeError):
        raise ImportRejected.of_file(
            label,
            _("unknown coordinate system %(crs)s; give an EPSG code such as EPSG:3006")
            % {"crs": imports.shown(value)},
            field="--crs",
        ) from None
    if not (crs.is_projected or crs.is_geographic):
        raise ImportRejected.of_file(
            label,
            _("%(crs)s is not a map projection or a longitude/latitude system") % {"crs": value},
            field="--crs",
        )
    return crs


def crs_name(crs: CRS) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


def parse_events(
    table: Table, *, crs: str = TARGET_CRS, now: datetime | None = None
) -> ParsedEvents:
    """Check and normalise the rows of an event file (the rules: module doc). Raises
    ImportRejected for problems with the whole file (missing columns, no rows, unknown
    coordinate system); problems of single rows are returned."""
    require_columns(table, EVENT_COLUMNS)
    declared = checked_crs(table.crs or crs, table.label)
    frame = table.frame
    n = len(frame)
    problems = _Problems(table, EVENT_COLUMNS)

    event_id = _text_checked(problems, frame, "event_id", MAX_EVENT_ID)
    crime_code = _text_checked(problems, frame, "crime_code", MAX_CRIME_CODE)
    occurred_at = _times(problems, frame["occurred_at"], now or datetime.now(UTC))
    x, y = _positions(problems, frame, declared)

    out = pd.DataFrame(
        {
            "row": np.arange(n) + table.first_row,
            "event_id": event_id.to_numpy(dtype=object),
            "occurred_at": occurred_at,
            "crime_code": crime_code.to_numpy(dtype=object),
            "x": x,
            "y": y,
        }
    )
    bad = problems.bad(n)
    collapsed = _duplicates(problems, out, bad)
    bad = problems.bad(n)
    valid = out.loc[~bad]
    # identical repeats: the first occurrence stands for all
    valid = valid.drop_duplicates("event_id", keep="first").reset_index(drop=True)
    rejected = _rejected(frame, problems, n, table.first_row)
    return ParsedEvents(
        frame=valid,
        problems=problems.listed(),
        rejected=rejected,
        read=n,
        collapsed=collapsed,
        crs=crs_name(declared),
    )


def _times(problems: _Problems, column: pd.Series, now: datetime) -> pd.Series:
    n = len(column)
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        values = column
        if getattr(values.dt, "tz", None) is None:
            values = _localised(values)
        parsed = values.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        blank = parsed.isna().to_numpy()
        problems.add(blank, "occurred_at", _("is required"))
        unparsed = np.zeros(n, bool)
    else:
        text = _text(column)
        blank = (text == "").to_numpy()
        problems.add(blank, "occurred_at", _("is required"))
        # cheap first: only text with Z, + or - after the date can carry an offset
        tail = text.str.slice(10)
        aware = (
            (
                tail.str.contains("Z", regex=False)
                | tail.str.contains("z", regex=False)
                | tail.str.contains("+", regex=False)
                | tail.str.contains("-", regex=False)
            )
            .fillna(False)
            .to_numpy(dtype=bool, copy=True)
        )
        if aware.any():
            candidates = text[aware]
            aware[aware] = (
                # the pattern text, not the compiled pattern, for the same reason
                (
                    candidates.str.contains(_OFFSET.pattern, regex=True)
                    & candidates.str.contains(_TIME_PART.pattern, regex=True)
                )
                .fillna(False)
                .to_numpy(dtype=bool)
            )
        parsed = pd.Series(pd.NaT, index=column.index, dtype="datetime64[us, UTC]")
        if aware.any():
            parsed[aware] = pd.to_datetime(
                text[aware], format="ISO8601", errors="coerce", utc=True
            ).astype("datetime64[us, UTC]")
        naive = ~aware & ~blank
        if naive.any():
            local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            parsed[naive] = _localised(local).astype("datetime64[us, UTC]")
        unparsed = parsed.isna().to_numpy() & ~blank

        def bad_time(positions):
            return [
                _("must be a date and time (ISO 8601, e.g. 2024-03-01T21:30), not %(value)s")
                % {"value": v}
                for v in _shown(text, positions)
            ]

        problems.add(unparsed, "occurred_at", bad_time)
    limit = (
        pd.Timestamp(now).tz_convert("UTC")
        if pd.Timestamp(now).tzinfo
        else pd.Timestamp(now, tz="UTC")
    )
    future = (parsed > limit).fillna(False).to_numpy(dtype=bool) & ~unparsed

    def in_future(positions):
        shown = parsed.iloc[positions].dt.tz_convert(LOCAL_TIME_ZONE).dt.strftime("%Y-%m-%d %H:%M")
        return [_("%(value)s is in the future") % {"value": v} for v in shown]

    problems.add(future, "occurred_at", in_future)
    return parsed.reset_index(drop=True)


def _localised(values: pd.Series) -> pd.Series:
    """Naive local times to aware ones: an ambiguous autumn hour is taken as summer
    time, a spring-gap time moves forward to the first valid one."""
    ambiguous = np.ones(len(values), bool)
    return values.dt.tz_localize(LOCAL_TIME_ZONE, ambiguous=ambiguous, nonexistent="shift_forward")


def _positions(
    problems: _Problems, frame: pd.DataFrame, declared: CRS
) -> tuple[np.ndarray, np.ndarray]:
    raw = {}
    for column in ("x", "y"):
        values = _numbers(frame[column])
        text = frame[column]
        blank = _blank(text)
        problems.add(blank, column, _("is required"))
        not_number = ~np.isfinite(values) & ~blank

        def bad_number(positions, text=text):
            return [
                _("must be a number, not %(value)s") % {"value": v} for v in _shown(text, positions)
            ]

        problems.add(not_number, column, bad_number)
        raw[column] = values
    rx, ry = raw["x"], raw["y"]
    finite = np.isfinite(rx) & np.isfinite(ry)
    name = crs_name(declared)
    if name == TARGET_CRS:
        x, y = rx.copy(), ry.copy()
    else:
        transformer = Transformer.from_crs(declared, TARGET_CRS, always_xy=True)
        x = np.full(rx.shape, np.nan)
        y = np.full(ry.shape, np.nan)
        with np.errstate(all="ignore"):
            x[finite], y[finite] = transformer.transform(rx[finite], ry[finite])
    x0, y0, x1, y1 = SWEDEN_3006
    with np.errstate(invalid="ignore"):
        in_sweden = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    outside = finite & ~in_sweden
    hints = _crs_hints(rx, ry, name)

    def not_in_sweden(positions):
        return [
            _("%(x)s, %(y)s is not a position in Sweden in %(crs)s%(hint)s")
            % {
                "x": _number_text(rx[p]),
                "y": _number_text(ry[p]),
                "crs": name,
                "hint": f"; {hints[p]}" if hints[p] else "",
            }
            for p in positions.tolist()
        ]

    problems.add(outside, "x, y", not_in_sweden)
    if outside.sum() * 2 >= max(finite.sum(), 1) and outside.any():
        common = pd.Series(hints[outside]).value_counts()
        hint = common.index[0] if len(common) else ""
        message = _(
            "%(count)s of %(total)s rows have coordinates that are not in Sweden in "
            "%(crs)s, the coordinate system the file was declared in%(hint)s"
        ) % {
            "count": int(outside.sum()),
            "total": int(finite.sum()),
            "crs": name,
            "hint": f"; {hint}" if hint else "",
        }
        problems.file_level.append(ImportProblem(problems.table.label, "", "--crs", message))
    return x, y


def _number_text(value: float) -> str:
    return f"{value:.10g}"


def _crs_hints(rx: np.ndarray, ry: np.ndarray, declared: str) -> np.ndarray:
    """What the numbers look like, for positions that are not in Sweden as declared."""
    hints = np.full(rx.shape, "", dtype=object)
    with np.errstate(invalid="ignore"):
        lonlat = (rx >= 10) & (rx <= 25) & (ry >= 55) & (ry <= 70)
        latlon = (rx >= 55) & (rx <= 70) & (ry >= 10) & (ry <= 25)
        x0, y0, x1, y1 = SWEDEN_3006
        tm = (rx >= x0) & (rx <= x1) & (ry >= y0) & (ry <= y1)
        tm_swapped = (ry >= x0) & (ry <= x1) & (rx >= y0) & (rx <= y1)
        local = (rx >= 90_000) & (rx < x0) & (ry >= 6_400_000) & (ry <= 6_800_000)
    candidates = [
        (lonlat, "EPSG:4326", _("the numbers look like longitude/latitude (use --crs EPSG:4326)")),
        (latlon, None, _("the numbers look like latitude/longitude: x and y are swapped")),
        (tm, "EPSG:3006", _("the numbers look like SWEREF 99 TM (use --crs EPSG:3006)")),
        (tm_swapped, None, _("x and y look swapped")),
        (
            local,
            "EPSG:3011",
            _(
                "the numbers look like SWEREF 99 18 00, as in Stockholm's data "
                "(use --crs EPSG:3011)"
            ),
        ),
    ]
    for mask, crs, text in reversed(candidates):
        if crs != declared:
            hints[mask] = text
    return hints


def _duplicates(problems: _Problems, out: pd.DataFrame, bad: np.ndarray) -> int:
    """Refuse every row of an event_id given with different contents; return how many
    identical repeats will be collapsed."""
    valid = out.loc[~bad]
    repeated = valid.loc[valid.duplicated("event_id", keep=False)]
    if repeated.empty:
        return 0
    distinct = repeated.drop_duplicates(["event_id", "occurred_at", "crime_code", "x", "y"])
    variants = distinct.groupby("event_id").size()
    conflicting = variants.index[variants > 1]
    conflict_rows = repeated.loc[repeated["event_id"].isin(conflicting)]
    if not conflict_rows.empty:
        rows_of = conflict_rows.groupby("event_id")["row"].apply(list).to_dict()
        mask = np.zeros(len(out), bool)
        mask[conflict_rows.index.to_numpy()] = True

        def message(positions):
            ids = out["event_id"].to_numpy()[positions]
            return [
                _("%(id)s is given %(count)s times with different contents (rows %(rows)s)")
                % {
                    "id": imports.shown(i),
                    "count": len(rows_of[i]),
                    "rows": ", ".join(map(str, rows_of[i][:10])),
                }
                for i in ids
            ]

        problems.add(mask, "event_id", message)
    identical = repeated.loc[~repeated["event_id"].isin(conflicting)]
    return int(len(identical) - identical["event_id"].nunique())


def _rejected(frame: pd.DataFrame, problems: _Problems, n: int, first_row: int) -> pd.DataFrame:
    reasons = problems.reasons(n)
    positions = np.fromiter(reasons, dtype=np.int64, count=len(reasons))
    columns = {"row": positions + first_row}
    for column in EVENT_COLUMNS:
        values = frame[column].iloc[positions] if column in frame.columns else ""
        columns[column] = np.asarray(values, dtype=object)
    columns["reason"] = list(reasons.values())
    return pd.DataFrame(columns)


def rejected_csv(rejected: pd.DataFrame) -> str:
    buffer = io.StringIO()
    rejected.to_csv(buffer, index=False)
    return buffer.getvalue()


# --------------------------------------------------------------------------- counts, surveys


@dataclass
class ParsedTable:
    """Typed rows of a count, youth-signal or survey file (``row`` is the file's row
    number); the reference columns (``scene_ref``, ``indicator``) are still text, for
    the service to resolve."""

    kind: str  # "counts", "youth" or "survey"
    frame: pd.DataFrame
    problems: list[ImportProblem]
    read: int
    collapsed: int


def table_kind(table: Table) -> str:
    """Counts (``zone, category``) or youth signals (``quarter, indicator``)."""
    columns = set(table.frame.columns)
    if {"quarter", "indicator"} <= columns:
        return "youth"
    if {"zone", "category"} <= columns:
        return "counts"
    raise ImportRejected.of_file(
        table.label,
        _(
            "is neither aggregated counts (columns %(counts)s) nor youth signals "
            "(columns %(youth)s); the file has %(found)s"
        )
        % {
            "counts": ", ".join(COUNT_COLUMNS),
            "youth": ", ".join(YOUTH_COLUMNS),
            "found": ", ".join(map(str, table.frame.columns)) or _("no columns"),
        },
        where=imports.row_label(1),
    )


def _whole_numbers(
    problems: _Problems, frame: pd.DataFrame, column: str, low: float, high: float | None
) -> np.ndarray:
    values = _numbers(frame[column])
    text = frame[column]
    blank = _blank(text)
    problems.add(blank, column, _("is required"))
    with np.errstate(invalid="ignore"):
        bad = ~blank & (~np.isfinite(values) | (values != np.round(values)))
        out_of_range = ~blank & ~bad & ((values < low) | ((values > high) if high else False))

    def not_whole(positions):
        return [
            _("must be a whole number, not %(value)s") % {"value": v}
            for v in _shown(text, positions)
        ]

    problems.add(bad, column, not_whole)
    if high is None:
        message = _("must be at least %(low)s") % {"low": int(low)}
    else:
        message = _("must be from %(low)s to %(high)s") % {"low": int(low), "high": int(high)}
    problems.add(out_of_range, column, message)
    return values


def _choice(problems: _Problems, frame: pd.DataFrame, column: str, allowed) -> pd.Series:
    values = _text(frame[column]).str.lower()
    blank = (values == "").to_numpy()
    problems.add(blank, column, _("is required"))
    unknown = ~values.isin(list(allowed)).to_numpy() & ~blank

    def message(positions):
        return [
            _("unknown code %(value)s; use one of %(codes)s")
            % {"value": v, "codes": ", ".join(allowed)}
            for v in _shown(values, positions)
        ]

    problems.add(unknown, column, message)
    return values


def _scene_years(
    table: Table, columns: tuple[str, ...], this_year: int
) -> tuple[_Problems, pd.DataFrame]:
    """The columns every scene file has, checked: ``scene_ref`` and a ``year`` from
    1990 to this year, with each row's number."""
    require_columns(table, columns)
    frame = table.frame
    problems = _Problems(table, columns)
    out = pd.DataFrame({"row": np.arange(len(frame)) + table.first_row})
    out["scene_ref"] = _text_checked(problems, frame, "scene_ref", 40).to_numpy(dtype=object)
    out["year"] = _whole_numbers(problems, frame, "year", EARLIEST_YEAR, this_year)
    return problems, out


def parse_counts(table: Table, *, zones, categories, youth_kinds, this_year: int) -> ParsedTable:
    """Aggregated counts or youth signals (by the columns), checked: a year from 1990
    to this year, a known zone/category or quarter 1–4/indicator, a count ≥ 0. The same
    key twice with the same count is one row, with different counts both are refused."""
    kind = table_kind(table)
    frame = table.frame
    problems, out = _scene_years(
        table, COUNT_COLUMNS if kind == "counts" else YOUTH_COLUMNS, this_year
    )
    if kind == "counts":
        out["zone"] = _choice(problems, frame, "zone", zones).to_numpy(dtype=object)
        out["category"] = _choice(problems, frame, "category", categories).to_numpy(dtype=object)
        key = ["scene_ref", "year", "zone", "category"]
    else:
        out["quarter"] = _whole_numbers(problems, frame, "quarter", 1, 4)
        out["indicator"] = _choice(problems, frame, "indicator", youth_kinds).to_numpy(dtype=object)
        key = ["scene_ref", "year", "quarter", "indicator"]
    out["count"] = _whole_numbers(problems, frame, "count", 0, None)
    return _finish_table(kind, table, problems, out, key, ["count"])


def parse_survey(
    table: Table, *, ranges: dict[str, tuple[float, float]], this_year: int
) -> ParsedTable:
    """Survey results: a known indicator code (``ranges``: code → (min, max)), the
    value within the indicator's range, respondents a whole number ≥ 1."""
    frame = table.frame
    problems, out = _scene_years(table, SURVEY_COLUMNS, this_year)
    out["indicator"] = _choice(problems, frame, "indicator", sorted(ranges)).to_numpy(dtype=object)
    value = _numbers(frame["value"])
    blank = _blank(frame["value"])
    problems.add(blank, "value", _("is required"))
    problems.add(
        ~blank & ~np.isfinite(value),
        "value",
        lambda positions: [
            _("must be a number, not %(value)s") % {"value": v}
            for v in _shown(frame["value"], positions)
        ],
    )
    low = out["indicator"].map(lambda c: ranges.get(c, (np.nan, np.nan))[0]).to_numpy(float)
    high = out["indicator"].map(lambda c: ranges.get(c, (np.nan, np.nan))[1]).to_numpy(float)
    with np.errstate(invalid="ignore"):
        outside = np.isfinite(value) & np.isfinite(low) & ((value < low) | (value > high))
    problems.add(
        outside,
        "value",
        lambda positions: [
            _("%(value)s is outside the range of %(indicator)s (%(low)s–%(high)s)")
            % {
                "value": _number_text(value[p]),
                "indicator": out["indicator"].iloc[p],
                "low": _number_text(low[p]),
                "high": _number_text(high[p]),
            }
            for p in positions.tolist()
        ],
    )
    out["value"] = value
    out["respondents"] = _whole_numbers(problems, frame, "respondents", 1, None)
    return _finish_table(
        "survey", table, problems, out, ["scene_ref", "year", "indicator"], ["value", "respondents"]
    )


def _finish_table(
    kind: str,
    table: Table,
    problems: _Problems,
    out: pd.DataFrame,
    key: list[str],
    content: list[str],
) -> ParsedTable:
    bad = problems.bad(len(out))
    valid = out.loc[~bad]
    repeated = valid.loc[valid.duplicated(key, keep=False)]
    collapsed = 0
    if not repeated.empty:
        variants = repeated.drop_duplicates(key + content).groupby(key).size()
        conflicting = set(variants.index[variants > 1])
        keys = list(repeated[key].itertuples(index=False, name=None))
        in_conflict = np.array([k in conflicting for k in keys], bool)
        mask = np.zeros(len(out), bool)
        mask[repeated.index.to_numpy()[in_conflict]] = True
        problems.add(
            mask,
            key[0],
            _("the same %(key)s is given again with different values") % {"key": ", ".join(key)},
        )
        identical = repeated.loc[~in_conflict]
        collapsed = int(len(identical) - len(identical.drop_duplicates(key)))
    bad = problems.bad(len(out))
    valid = out.loc[~bad].drop_duplicates(key, keep="first").reset_index(drop=True)
    for column in ("year", "quarter", "count", "respondents"):
        if column in valid.columns:
            valid[column] = valid[column].astype("int64")
    return ParsedTable(
        kind=kind, frame=valid, problems=problems.listed(), read=len(out), collapsed=collapsed
    )
