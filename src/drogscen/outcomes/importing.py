"""Imports of outcome data (docs/contracts.md#file-formats): crime events, aggregated
counts, youth signals and survey results. Each is all or nothing — one transaction, and
one audit entry with the file's SHA-256 and the counts — and re-importing the same file
changes nothing.

Crime events are stored per ``(source, event_id)``: a new id is inserted, a known id with
other contents updated, the rest left alone. Events more than
``lookups.MUNICIPALITY_FALLBACK_M`` (1 km) from every municipality of the county are *not
stored*: no scene's 500 m ring reaches them. They are counted as ``skipped`` and listed
(first examples) in the result, so a file with misplaced coordinates is noticed; an
event stored earlier whose corrected position is outside is removed (``removed``).
Crime codes not in the code table are stored and count as ``other`` until the
coordination office adds them; the result says how many.

The million-row path avoids model instances: the stored events of the source are read
as one frame from their columnar copy (``outcomes.event_store``, written with the rows),
compared in pandas, and written with ``executemany`` (SQLite) or ``COPY``
(PostgreSQL); the copy is replaced in the same transaction.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import shapely
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drogscen.audit.models import AuditEntry
from drogscen.audit.recorder import record
from drogscen.core import access, geo, imports
from drogscen.core.imports import ImportProblem, ImportRejected
from drogscen.outcomes import event_store, parsing
from drogscen.outcomes.access import with_writable_data
from drogscen.outcomes.models import (
    AggregatedCount,
    Category,
    CrimeCode,
    CrimeEvent,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
    Zone,
)
from drogscen.scenes.models import Scene

logger = logging.getLogger(__name__)

WRITE_BATCH = 50_000
EXAMPLES = 10
MAX_SOURCE = 64

ProgressCallback = Callable[[int, int], None]


# --------------------------------------------------------------------------- recomputation


def schedule_recompute(*, scene_ids: Iterable[int] | None, reason: str) -> bool:
    """Ask the indicator recomputation (``outcomes.indicators``) to run in the
    background; None means every scene. False when that module is not installed."""
    try:
        from drogscen.outcomes import indicators
    except ImportError:
        logger.info("outcomes.indicators not available; no recomputation (%s)", reason)
        return False
    indicators.schedule_recompute(
        scene_ids=None if scene_ids is None else sorted(set(scene_ids)), reason=reason
    )
    return True


def schedule_recompute_near(x: np.ndarray, y: np.ndarray, *, reason: str) -> None:
    """Recompute the scenes within 500 m of any of the points (EPSG:3006)."""
    if not len(x):
        return
    try:
        from drogscen.outcomes.indicators import scenes_near
    except ImportError:
        logger.info("outcomes.indicators not available; no recomputation (%s)", reason)
        return
    scene_ids = scenes_near(np.asarray(x, float), np.asarray(y, float))
    if scene_ids:
        schedule_recompute(scene_ids=scene_ids, reason=reason)


# --------------------------------------------------------------------------- the county


def county_area():
    """The county's municipalities widened by the lookup tolerance (EPSG:3006, prepared),
    or None when no reference geography is loaded. Cached with the other reference
    indexes and rebuilt when the municipalities change."""
    from drogscen.geo import lookups
    from drogscen.geo.models import Municipality

    def build():
        geometries = [
            geo.to_sweref(geo.from_geojson(g))
            for g in Municipality.objects.values_list("geometry", flat=True)
        ]
        if not geometries:
            return None
        union = shapely.union_all([shapely.simplify(g, 20.0) for g in geometries])
        # simplify within 50 m after widening by 1 km: every point within 950 m stays in
        area = shapely.simplify(union.buffer(lookups.MUNICIPALITY_FALLBACK_M, quad_segs=4), 50.0)
        shapely.prepare(area)
        return area

    return lookups._cached("outcomes:county-area", build)


def outside_county(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    area = county_area()
    if area is None or not len(x):
        return np.zeros(len(x), bool)
    return ~shapely.contains_xy(area, np.asarray(x, float), np.asarray(y, float))


# --------------------------------------------------------------------------- events


@dataclass
class EventImportResult:
    """What an event import did (or, in a dry run, would do). ``skipped``: events
    outside the county, not stored; ``rejected``: invalid rows left out under
    ``--skip-invalid``; ``collapsed``: identical repeats of an event in the file."""

    file: str
    source: str
    crs: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    rejected: int = 0
    collapsed: int = 0
    unknown_codes: int = 0
    unknown_code_examples: list[str] = field(default_factory=list)
    skipped_examples: list[str] = field(default_factory=list)
    rejected_examples: list[str] = field(default_factory=list)
    rejects_file: str = ""
    dry_run: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        counts = asdict(self)
        if self.dry_run:
            text = _(
                "%(file)s: dry run, nothing written. %(read)s rows read; would insert "
                "%(inserted)s, update %(updated)s, leave %(unchanged)s unchanged"
            )
        else:
            text = _(
                "%(file)s: %(read)s rows read, %(inserted)s inserted, %(updated)s updated, "
                "%(unchanged)s unchanged"
            )
        parts = [text % counts]
        if self.skipped:
            parts.append(
                ngettext(
                    "%(skipped)s event outside the county skipped",
                    "%(skipped)s events outside the county skipped",
                    self.skipped,
                )
                % counts
            )
        if self.removed:
            parts.append(_("%(removed)s stored events now outside the county removed") % counts)
        if self.rejected:
            parts.append(
                ngettext(
                    "%(rejected)s invalid row left out",
                    "%(rejected)s invalid rows left out",
                    self.rejected,
                )
                % counts
            )
        if self.collapsed:
            parts.append(_("%(collapsed)s identical repeated rows counted once") % counts)
        if self.unknown_codes:
            parts.append(
                _(
                    "%(unknown)s events with crime codes not in the code table "
                    "(counted as other: %(codes)s)"
                )
                % {"unknown": self.unknown_codes, "codes": ", ".join(self.unknown_code_examples)}
            )
        return "; ".join(parts) + "."


def events_import(
    *,
    path: str | Path,
    source: str,
    crs: str = parsing.TARGET_CRS,
    skip_invalid_to: str | Path | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    label: str | None = None,
    show_progress: bool | None = None,
    on_progress: ProgressCallback | None = None,
    now: datetime | None = None,
) -> EventImportResult:
    """Store the crime events of a CSV, Parquet or GeoPackage file for ``source``.

    All or nothing: ImportRejected (nothing written) when the file or any row is
    invalid — unless ``skip_invalid`` (or ``skip_invalid_to``, a path for a CSV of the
    rejected rows with their reasons) is given, when the valid rows are imported and the
    rest reported. Problems with the whole file (columns, coordinate system) always
    refuse it. ``on_progress(done, total)`` is called as the rows are written."""
    path = Path(path)
    label = label or path.name
    source = (source or "").strip()
    if not source or len(source) > MAX_SOURCE:
        raise ImportRejected(
            [
                ImportProblem(
                    label,
                    field="--source",
                    message=_("give the name of the source (at most %(count)s characters)")
                    % {"count": MAX_SOURCE},
                )
            ]
        )
    report = on_progress or (lambda done, total: None)
    table = parsing.read_table(
        path,
        label=label,
        accepted=parsing.EVENT_FILE_TYPES,
        expected=_("CSV, Parquet or GeoPackage"),
        max_bytes=parsing.MAX_EVENT_FILE_BYTES,
    )
    report(0, len(table.frame))
    parsed = parsing.parse_events(table, crs=crs, now=now)
    result = EventImportResult(
        file=label,
        source=source,
        crs=parsed.crs,
        read=parsed.read,
        collapsed=parsed.collapsed,
        dry_run=dry_run,
    )
    if parsed.problems:
        whole_file = [p for p in parsed.problems if not p.where]
        if whole_file or not (skip_invalid or skip_invalid_to):
            raise ImportRejected(parsed.problems)
        result.rejected = len(parsed.rejected)
        result.rejected_examples = [
            str(p) for p in parsed.problems[: imports.MAX_REPORTED_PROBLEMS]
        ]
        if skip_invalid_to:
            Path(skip_invalid_to).write_text(
                parsing.rejected_csv(parsed.rejected), encoding="utf-8"
            )
            result.rejects_file = str(skip_invalid_to)

    frame = parsed.frame
    outside = outside_county(frame["x"].to_numpy(), frame["y"].to_numpy())
    if outside.any():
        result.skipped = int(outside.sum())
        result.skipped_examples = [
            _("row %(row)s (event %(id)s): %(x).0f, %(y).0f")
            % {"row": r.row, "id": r.event_id, "x": r.x, "y": r.y}
            for r in frame.loc[outside].head(EXAMPLES).itertuples()
        ]
    known = set(CrimeCode.objects.values_list("code", flat=True))
    unknown = ~frame["crime_code"].isin(known)
    result.unknown_codes = int(unknown.sum())
    result.unknown_code_examples = sorted(frame.loc[unknown, "crime_code"].unique().tolist())[
        :EXAMPLES
    ]

    with transaction.atomic():
        # what is compared with stays true until this transaction commits
        event_store.lock_source(source)
        stored, copy_stale = event_store.stored_events(source)
        stored = stored.rename(
            columns={c: f"{c}_old" for c in ("occurred_at", "crime_code", "x", "y")}
        ).assign(event_id=stored["event_id"].astype(frame["event_id"].dtype), known=True)
        merged = frame.merge(stored, on="event_id", how="left", suffixes=("", "_old"))
        is_new = merged["known"].isna().to_numpy()
        changed = ~is_new & (
            (merged["occurred_at"] != merged["occurred_at_old"]).to_numpy()
            | (merged["crime_code"] != merged["crime_code_old"]).to_numpy()
            | (merged["x"] != merged["x_old"]).to_numpy()
            | (merged["y"] != merged["y_old"]).to_numpy()
        )
        insert = merged.loc[is_new & ~outside]
        update = merged.loc[changed & ~outside]
        remove = merged.loc[~is_new & outside]
        result.inserted = len(insert)
        result.updated = len(update)
        result.removed = len(remove)
        result.unchanged = int((~is_new & ~changed & ~outside).sum())
        if dry_run or not (len(insert) or len(update) or len(remove)):
            if copy_stale and not dry_run:
                _copy_for_counting(source, stored, insert, update, remove)
            report(len(frame), len(frame))
            return result
        content = _sha256(path)
        total = len(insert) + len(update) + len(remove)
        with _bulk_load(len(insert)):
            _write_events(source, insert, update, remove, total, show_progress, report)
            _copy_for_counting(source, stored, insert, update, remove)
            record(
                action=AuditEntry.Action.IMPORT,
                model=CrimeEvent,
                object_repr=f"{source}: {label}",
                changes={
                    "file": label,
                    "source": source,
                    "format": table.kind,
                    "crs": parsed.crs,
                    "sha256": content,
                    **{
                        k: getattr(result, k)
                        for k in (
                            "read",
                            "inserted",
                            "updated",
                            "unchanged",
                            "skipped",
                            "removed",
                            "rejected",
                        )
                    },
                },
            )
            xs = np.concatenate(
                [insert["x"], update["x"], update["x_old"], remove["x_old"]]
            ).astype(float)
            ys = np.concatenate(
                [insert["y"], update["y"], update["y_old"], remove["y_old"]]
            ).astype(float)
            # queued in this transaction: the task exists exactly when the events do
            schedule_recompute_near(xs, ys, reason="events")

    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _table() -> str:
    return connection.ops.quote_name(CrimeEvent._meta.db_table)


def _copy_for_counting(source, stored, insert, update, remove) -> None:
    """The source's events as the rows now hold them, into the columnar copy that
    indicator counting reads (``outcomes.event_store``)."""
    gone = pd.concat([update["event_id"], remove["event_id"]])
    kept = stored.loc[~stored["event_id"].isin(gone)]
    old = ["event_id", "occurred_at_old", "crime_code_old", "x_old", "y_old"]
    new = ["event_id", "occurred_at", "crime_code", "x", "y"]
    state = pd.concat(
        [
            kept[old].set_axis(new, axis=1),
            update[new],
            insert[new],
        ],
        ignore_index=True,
    )
    event_store.replace_source(
        source,
        event_id=state["event_id"],
        occurred_at=state["occurred_at"],
        crime_code=state["crime_code"],
        x=state["x"],
        y=state["y"],
    )


def _db_times(values: pd.Series) -> np.ndarray:
    """UTC times as the database backend stores them: for SQLite the text Django
    writes (``YYYY-MM-DD HH:MM:SS[.ffffff]``), for PostgreSQL with the offset. Built
    in numpy's fixed-width strings (a million rows in a fraction of a second)."""
    naive = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    micro = naive.astype(np.int64) % 1_000_000 != 0
    unit = "us" if micro.any() else "s"
    text = np.datetime_as_string(naive, unit=unit)
    # 'T' between date and time becomes the space Django's SQLite backend writes (the
    # text is compared as text in queries).
    width = text.dtype.itemsize // 4
    text.view("U1").reshape(-1, width)[:, 10] = " "
    if unit == "us":
        # whole seconds without the ".000000" Django leaves off
        text = np.where(micro, text, np.char.rstrip(np.char.rstrip(text, "0"), "."))
    if connection.vendor == "postgresql":
        text = np.char.add(text, "+00")
    return text.astype(object)


# Inserting this many rows is faster with the secondary indexes dropped and rebuilt
# afterwards (sorted once instead of a random B-tree insert per row): a million events
# in about half the time on SQLite.
BULK_LOAD_ROWS = 100_000


@contextmanager
def _bulk_load(rows: int):
    """Inside the import's transaction: drop the events' secondary indexes (not the
    unique one that keeps (source, event_id) unique) before a large insert and create
    them again after it. DDL is transactional in SQLite and PostgreSQL, so a failed
    import leaves the indexes as they were; on PostgreSQL other sessions reading the
    events wait for the import to finish."""
    if rows < BULK_LOAD_ROWS:
        yield
        return
    quote = connection.ops.quote_name
    table = quote(_table())
    indexes = CrimeEvent._meta.indexes
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")
    yield
    with connection.cursor() as cursor:
        for index in indexes:
            columns = ", ".join(quote(CrimeEvent._meta.get_field(f).column) for f in index.fields)
            cursor.execute(f"CREATE INDEX {quote(index.name)} ON {table} ({columns})")


def _write_events(source, insert, update, remove, total, show_progress, report) -> None:
    now = timezone.now()
    stamp = (
        now.isoformat()
        if connection.vendor == "postgresql"
        else str(now.astimezone(UTC).replace(tzinfo=None))
    )
    batches = []
    for start in range(0, len(insert), WRITE_BATCH):
        batches.append(("insert", insert.iloc[start : start + WRITE_BATCH]))
    for start in range(0, len(update), WRITE_BATCH):
        batches.append(("update", update.iloc[start : start + WRITE_BATCH]))
    for start in range(0, len(remove), WRITE_BATCH):
        batches.append(("remove", remove.iloc[start : start + WRITE_BATCH]))
    done = 0
    table = _table()
    columns = "source, event_id, occurred_at, crime_code, x, y, imported_at"
    for kind, batch in imports.progress(
        batches, total=len(batches), desc=_("writing events"), show=show_progress
    ):
        with connection.cursor() as cursor:
            if kind == "insert":
                times = _db_times(batch["occurred_at"])
                if connection.vendor == "postgresql":
                    _copy(cursor, table, columns, source, batch, times, stamp)
                else:
                    rows = zip(
                        [source] * len(batch),
                        batch["event_id"].tolist(),
                        times.tolist(),
                        batch["crime_code"].tolist(),
                        batch["x"].tolist(),
                        batch["y"].tolist(),
                        [stamp] * len(batch),
                        strict=True,
                    )
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        list(rows),
                    )
            elif kind == "update":
                times = _db_times(batch["occurred_at"])
                rows = zip(
                    times.tolist(),
                    batch["crime_code"].tolist(),
                    batch["x"].tolist(),
                    batch["y"].tolist(),
                    [stamp] * len(batch),
                    [source] * len(batch),
                    batch["event_id"].tolist(),
                    strict=True,
                )
                cursor.executemany(
                    f"UPDATE {table} SET occurred_at = %s, crime_code = %s, x = %s, y = %s, "
                    "imported_at = %s WHERE source = %s AND event_id = %s",
                    list(rows),
                )
            else:
                ids = batch["event_id"].tolist()
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"DELETE FROM {table} WHERE source = %s AND event_id IN ({marks})",
                        [source, *chunk],
                    )
        done += len(batch)
        report(done, total)


def _copy(cursor, table, columns, source, batch, times, stamp) -> None:
    """PostgreSQL: COPY the rows in as CSV (psycopg 3), written by Arrow's CSV writer
    (floats in their shortest round-trip form)."""
    n = len(batch)
    rows = pa.table(
        {
            "source": pa.array([source] * n, pa.string()),
            "event_id": pa.array(batch["event_id"].astype(str).to_numpy(), pa.string()),
            "occurred_at": pa.array(times, pa.string()),
            "crime_code": pa.array(batch["crime_code"].astype(str).to_numpy(), pa.string()),
            "x": pa.array(batch["x"].to_numpy(dtype=np.float64)),
            "y": pa.array(batch["y"].to_numpy(dtype=np.float64)),
            "imported_at": pa.array([stamp] * n, pa.string()),
        }
    )
    data = io.BytesIO()
    pa_csv.write_csv(rows, data, write_options=pa_csv.WriteOptions(include_header=False))
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(data.getbuffer())


# --------------------------------------------------------------------------- counts, surveys


@dataclass
class TableImportResult:
    """What a count, youth-signal or survey import did. ``warnings`` are reported but
    do not stop the import (e.g. an aggregated count where events exist)."""

    file: str
    kind: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    collapsed: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("read", "created", "updated", "unchanged")}


KIND_MODELS = {"counts": AggregatedCount, "youth": YouthSignal, "survey": SurveyResult}
KIND_KEYS = {
    "counts": ("year", "zone", "category"),
    "youth": ("year", "quarter", "indicator"),
    "survey": ("year", "indicator"),
}
KIND_VALUES = {"counts": ("count",), "youth": ("count",), "survey": ("value", "respondents")}


def writable_scenes(refs: Iterable[str], by) -> dict[str, int]:
    """Scene ref → id of the scenes the user sees and may write outcome data for (the
    writers of ``outcomes.access.scene_data_condition``); every scene for the operator."""
    scenes = Scene.objects.filter(ref__in=list(set(refs)))
    if by is not None:
        scenes = with_writable_data(access.restrict(scenes, by, access.VIEW), by, access.ADD)
    return dict(scenes.values_list("ref", "pk"))


def counts_import(
    *, path, dry_run: bool = False, by=None, show_progress: bool | None = None
) -> TableImportResult:
    """Aggregated counts (``scene_ref, year, zone, category, count``) or youth signals
    (``scene_ref, year, quarter, indicator, count``), by the file's columns; insert or
    update by their key. An aggregated count for a scene, year, zone and category that
    also has counts from events is stored but not used (the events win): each such
    conflict is a warning in the result."""
    table = parsing.read_table(
        path, accepted=parsing.TABLE_FILE_TYPES, expected=_("CSV or an Excel workbook (XLSX)")
    )
    parsed = parsing.parse_counts(
        table,
        zones=Zone.values,
        categories=Category.values,
        youth_kinds=YouthSignal.Kind.values,
        this_year=date.today().year,
    )
    return _store_table(path, table, parsed, by=by, dry_run=dry_run)


def survey_import(
    *, path, dry_run: bool = False, by=None, show_progress: bool | None = None
) -> TableImportResult:
    """Safety-survey results (``scene_ref, year, indicator, value, respondents``):
    value within the indicator's range, respondents ≥ 1; insert or update by scene,
    year and indicator."""
    table = parsing.read_table(
        path, accepted=parsing.TABLE_FILE_TYPES, expected=_("CSV or an Excel workbook (XLSX)")
    )
    indicators = {
        code: (low, high, pk)
        for code, low, high, pk in SurveyIndicator.objects.values_list(
            "code", "min_value", "max_value", "pk"
        )
    }
    parsed = parsing.parse_survey(
        table,
        ranges={code: (low, high) for code, (low, high, _pk) in indicators.items()},
        this_year=date.today().year,
    )
    parsed.frame["indicator_id"] = parsed.frame["indicator"].map(lambda code: indicators[code][2])
    return _store_table(path, table, parsed, by=by, dry_run=dry_run)


def _store_table(path, table, parsed: parsing.ParsedTable, *, by, dry_run) -> TableImportResult:
    frame = parsed.frame
    scene_ids = writable_scenes(frame["scene_ref"], by)
    missing = ~frame["scene_ref"].isin(list(scene_ids))
    problems = list(parsed.problems)
    for row in frame.loc[missing].itertuples():
        problems.append(
            ImportProblem(
                table.label,
                imports.row_label(row.row),
                "scene_ref",
                _("no scene with ref %(ref)s that you may record outcome data for")
                % {"ref": imports._shown(row.scene_ref)},
            )
        )
    if problems:
        problems.sort(key=lambda p: (_row_number(p.where), p.field))
        raise ImportRejected(problems)

    kind = parsed.kind
    model = KIND_MODELS[kind]
    keys, values = KIND_KEYS[kind], KIND_VALUES[kind]
    key_fields = tuple("indicator_id" if k == "indicator" and kind == "survey" else k for k in keys)
    frame = frame.assign(scene_id=frame["scene_ref"].map(scene_ids))
    stored = {
        (obj.scene_id, *(getattr(obj, k) for k in key_fields)): obj
        for obj in model.objects.filter(scene_id__in=set(frame["scene_id"]))
    }
    create, update, before = [], [], {}
    result = TableImportResult(
        file=table.label, kind=kind, read=parsed.read, collapsed=parsed.collapsed, dry_run=dry_run
    )
    for row in frame.to_dict("records"):
        key = (row["scene_id"], *(_plain(row[k]) for k in key_fields))
        new = {v: _plain(row[v]) for v in values}
        obj = stored.get(key)
        if obj is None:
            obj = model(
                scene_id=row["scene_id"], **dict(zip(key_fields, key[1:], strict=True)), **new
            )
            create.append(obj)
        elif any(getattr(obj, v) != new[v] for v in values):
            before[obj.pk] = {v: getattr(obj, v) for v in values}
            for v, value in new.items():
                setattr(obj, v, value)
            update.append(obj)
    result.created, result.updated = len(create), len(update)
    result.unchanged = len(frame) - len(create) - len(update)
    if kind == "counts":
        result.warnings = _event_conflicts(frame, scene_ids)
    if dry_run or not (create or update):
        return result
    with transaction.atomic():
        model.objects.bulk_create(create, batch_size=1000)
        if update:
            model.objects.bulk_update(update, list(values), batch_size=1000)
        record(
            action=AuditEntry.Action.IMPORT,
            model=model,
            object_repr=table.label,
            changes={
                "file": table.label,
                "format": table.kind,
                "sha256": _sha256(Path(path)),
                **result.counts(),
                "warnings": len(result.warnings),
                # bulk writes send no signals: each row's values are kept here instead
                "rows": [
                    _row_change(obj, key_fields, values, before.get(obj.pk))
                    for obj in create + update
                ],
            },
        )
        if kind == "counts":
            touched = {obj.scene_id for obj in create + update}
            schedule_recompute(scene_ids=touched, reason="counts")
    return result


def _row_change(obj, key_fields, values, before: dict | None) -> dict:
    change = {
        "id": obj.pk,
        "scene_id": obj.scene_id,
        **{k: getattr(obj, k) for k in key_fields},
        "after": {v: getattr(obj, v) for v in values},
    }
    if before is not None:
        change["before"] = before
    return change


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _row_number(where: str) -> int:
    digits = "".join(ch for ch in where if ch.isdigit())
    return int(digits) if digits else 0


def _event_conflicts(frame: pd.DataFrame, scene_ids: dict[str, int]) -> list[str]:
    """Aggregated counts for which event-based figures exist (the events win)."""
    if frame.empty:
        return []
    from django.db.models import Sum

    refs = {pk: ref for ref, pk in scene_ids.items()}
    from_events = {
        (r["scene_id"], r["year"], r["zone"], r["category"]): r["total"]
        for r in Indicator.objects.filter(
            from_events=True,
            month__gte=1,
            scene_id__in=set(frame["scene_id"]),
            year__in={int(y) for y in frame["year"]},
        )
        .values("scene_id", "year", "zone", "category")
        .annotate(total=Sum("count"))
    }
    warnings = []
    for row in frame.itertuples():
        key = (row.scene_id, int(row.year), row.zone, row.category)
        if key in from_events:
            warnings.append(
                _(
                    "row %(row)s: scene %(ref)s, %(year)s, %(zone)s, %(category)s has crime "
                    "events (%(events)s); the count from the events is used, not %(count)s"
                )
                % {
                    "row": row.row,
                    "ref": refs[row.scene_id],
                    "year": int(row.year),
                    "zone": row.zone,
                    "category": row.category,
                    "events": from_events[key],
                    "count": int(row.count),
                }
            )
    return warnings
