"""How the crime events are stored: the rows (``CrimeEvent``, written in bulk by
``write_changes``) and their columnar copy (``EventTile``, packed by
``outcomes.event_columns``), read by indicator counting.

Every write of crime events goes through ``replace_source`` in the same transaction as
the rows (the import, the demo), so the copy is exactly the rows. ``rebuild`` makes it
again from the rows: ``drogscen recompute_indicators`` runs it first, which also
repairs a copy that rows written some other way (by hand in the database) left behind.

The million-row path avoids model instances: the rows are written with ``executemany``
(SQLite) or ``COPY`` (PostgreSQL) from the frames the import compared.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from drogscen.outcomes import event_columns
from drogscen.outcomes.models import CrimeEvent, EventTile

_INSERT_BATCH = 100
_LOCK_SPACE = 0x0D5C  # first key of this module's PostgreSQL advisory locks
WRITE_BATCH = 50_000
# Inserting this many rows is faster with the secondary indexes dropped and rebuilt
# afterwards (sorted once instead of a random B-tree insert per row): a million events
# in about half the time on SQLite.
BULK_LOAD_ROWS = 100_000
COLUMNS = "source, event_id, occurred_at, crime_code, x, y, imported_at"


def local_seconds(utc) -> np.ndarray:
    """UTC times (a tz-aware Series or naive UTC ``datetime64``) → local wall-clock
    time (``settings.TIME_ZONE``) as ``datetime64[s]``: the month of an event at 00:30
    on 1 February is February."""
    stamps = pd.DatetimeIndex(utc)
    if stamps.tz is None:
        stamps = stamps.tz_localize("UTC")
    local = stamps.tz_convert(settings.TIME_ZONE).tz_localize(None)
    return local.to_numpy().astype("datetime64[s]")


def replace_source(source: str, *, event_id, occurred_at, crime_code, x, y) -> int:
    """Replace the copy of ``source`` by these events (all of the source's events as
    the rows now hold them); returns the number of tiles written."""
    utc = pd.DatetimeIndex(occurred_at)
    if utc.tz is not None:
        utc = utc.tz_convert("UTC").tz_localize(None)
    tiles = event_columns.pack(
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        local_seconds(occurred_at),
        np.asarray(crime_code, dtype=object),
        event_ids=np.asarray(event_id, dtype=object),
        utc_us=utc.to_numpy().astype("datetime64[us]"),
    )
    with transaction.atomic():
        EventTile.objects.filter(source=source).delete()
        EventTile.objects.bulk_create(
            [
                EventTile(
                    source=source,
                    tile_x=tile.tile_x,
                    tile_y=tile.tile_y,
                    rows=tile.rows,
                    codes=tile.codes,
                    years=tile.years,
                    columns=tile.columns,
                    identity=tile.identity,
                )
                for tile in tiles
            ],
            batch_size=_INSERT_BATCH,
        )
    return len(tiles)


def stored_rows(source: str) -> pd.DataFrame:
    """The stored events of a source as a frame (id, event_id, occurred_at UTC,
    crime_code, x, y), read as text times rather than through the ORM's per-row
    datetime conversion."""
    if connection.vendor == "postgresql":
        when = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    else:
        when = "occurred_at || ''"  # an expression: no per-row converter
    table = connection.ops.quote_name(CrimeEvent._meta.db_table)
    sql = f"SELECT id, event_id, {when}, crime_code, x, y FROM {table} WHERE source = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [source])
        rows = cursor.fetchall()
    columns = ["id", "event_id", "occurred_at", "crime_code", "x", "y"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], format="ISO8601", utc=True).astype(
        "datetime64[us, UTC]"
    )
    frame["x"] = frame["x"].astype(float)
    frame["y"] = frame["y"].astype(float)
    frame["event_id"] = frame["event_id"].astype(str)
    frame["crime_code"] = frame["crime_code"].astype(str)
    return frame


def rebuild(*, sources: Iterable[str] | None = None) -> int:
    """Make the copy again from the rows (of these sources, or all); returns the number
    of events copied."""
    present = set(CrimeEvent.objects.values_list("source", flat=True).distinct())
    wanted = present if sources is None else set(sources)
    copied = 0
    with transaction.atomic():
        if sources is None:
            EventTile.objects.exclude(source__in=present).delete()
        for source in sorted(wanted):
            lock_source(source)
            rows = stored_rows(source)
            replace_source(
                source,
                event_id=rows["event_id"],
                occurred_at=rows["occurred_at"],
                crime_code=rows["crime_code"],
                x=rows["x"],
                y=rows["y"],
            )
            copied += len(rows)
    return copied


def lock_source(source: str) -> None:
    """Inside a transaction: wait until no other transaction writes this source's
    events, so that what is read next stays true until commit. PostgreSQL: an advisory
    lock per source; SQLite's transactions take the database's write lock as they begin
    (``transaction_mode`` IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_SPACE, source])


def stored_events(source: str) -> tuple[pd.DataFrame, bool]:
    """The stored events of a source (event_id, occurred_at UTC, crime_code, x, y) from
    the copy: what an import compares its file with; call it after ``lock_source``.
    When the copy does not hold as many events as the rows (rows written some other
    way), the rows are read instead and the second value is True: the caller writes
    the copy anew. (A change by hand that keeps the number of rows goes unseen until
    ``rebuild``.)"""
    counted = CrimeEvent.objects.filter(source=source).count()
    tiles = EventTile.objects.filter(source=source).order_by("tile_x", "tile_y")
    if sum(tiles.values_list("rows", flat=True)) != counted:
        return stored_rows(source).drop(columns="id"), True
    blocks = list(tiles.values_list("codes", "rows", "columns", "identity"))
    columns = event_columns.unpack(block[:3] for block in blocks)
    identity = event_columns.identities(block[3] for block in blocks)
    return pd.DataFrame(
        {
            "event_id": identity.column("event_id")
            .to_pandas(types_mapper=pd.ArrowDtype)
            .astype(str)
            .to_numpy(),
            "occurred_at": pd.to_datetime(
                identity.column("utc_us").to_numpy(), unit="us", utc=True
            ).astype("datetime64[us, UTC]"),
            "crime_code": np.array(columns.codes, dtype=object)[columns.code],
            "x": columns.x,
            "y": columns.y,
        }
    ), False


def read(*, bbox: tuple[float, float, float, float] | None = None) -> event_columns.Columns:
    """The events as arrays; with ``bbox`` (x0, y0, x1, y1 in EPSG:3006) only the tiles
    that meet it, and of those only the events inside it."""
    columns = event_columns.unpack(_tile_rows(bbox))
    if bbox is None:
        return columns
    x0, y0, x1, y1 = bbox
    inside = np.flatnonzero(
        (columns.x >= x0) & (columns.x <= x1) & (columns.y >= y0) & (columns.y <= y1)
    )
    return event_columns.Columns(
        x=columns.x[inside],
        y=columns.y[inside],
        t=columns.t[inside],
        code=columns.code[inside],
        codes=columns.codes,
    )


def _tile_rows(bbox) -> list[tuple[list[str], int, bytes]]:
    """``(codes, rows, columns)`` of the tiles meeting ``bbox`` (all when None)."""
    tiles = EventTile.objects.order_by("source", "tile_x", "tile_y")
    if bbox is not None:
        tx0, tx1, ty0, ty1 = event_columns.tiles_in_box(*bbox)
        tiles = tiles.filter(tile_x__gte=tx0, tile_x__lte=tx1, tile_y__gte=ty0, tile_y__lte=ty1)
    tiles = tiles.values_list("codes", "rows", "columns")
    if connection.vendor != "postgresql":
        return list(tiles)
    # PostgreSQL sends bytea as hex text by default: ask for binary results instead
    sql, params = tiles.query.sql_with_params()
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # Django's are client-side
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def event_years() -> set[int]:
    """Local years with at least one crime event in the county."""
    years: set[int] = set()
    for tile_years in EventTile.objects.values_list("years", flat=True):
        years.update(tile_years)
    return years


# --------------------------------------------------------------------------- the rows


@dataclass
class EventChanges:
    """What an import changes of one source's events. ``stored``: the source's events
    before (``event_id`` and ``occurred_at_old``, ``crime_code_old``, ``x_old``,
    ``y_old``); ``insert``: new events; ``update``: changed ones (with their old
    values); ``remove``: stored events now outside the county."""

    source: str
    stored: pd.DataFrame
    insert: pd.DataFrame
    update: pd.DataFrame
    remove: pd.DataFrame

    @property
    def total(self) -> int:
        return len(self.insert) + len(self.update) + len(self.remove)

    def copy_rows(self) -> None:
        """The source's events as the rows now hold them, into the columnar copy."""
        gone = pd.concat([self.update["event_id"], self.remove["event_id"]])
        kept = self.stored.loc[~self.stored["event_id"].isin(gone)]
        old = ["event_id", "occurred_at_old", "crime_code_old", "x_old", "y_old"]
        new = ["event_id", "occurred_at", "crime_code", "x", "y"]
        state = pd.concat(
            [kept[old].set_axis(new, axis=1), self.update[new], self.insert[new]],
            ignore_index=True,
        )
        replace_source(
            self.source,
            event_id=state["event_id"],
            occurred_at=state["occurred_at"],
            crime_code=state["crime_code"],
            x=state["x"],
            y=state["y"],
        )


def write_changes(changes: EventChanges, *, report: Callable[[int, int], None]) -> None:
    """Inside the import's transaction: insert, update and delete the rows in batches of
    WRITE_BATCH (``report(done, total)`` after each), then replace the copy."""
    with _bulk_load(len(changes.insert)):
        done, total = 0, changes.total
        stamp = _db_stamp()
        table = _table()
        writers = ((_insert, changes.insert), (_update, changes.update), (_delete, changes.remove))
        for writer, frame in writers:
            for batch in _batches(frame):
                with connection.cursor() as cursor:
                    writer(cursor, table, changes.source, batch, stamp)
                done += len(batch)
                report(done, total)
        changes.copy_rows()


def _batches(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), WRITE_BATCH):
        yield frame.iloc[start : start + WRITE_BATCH]


def _table() -> str:
    return connection.ops.quote_name(CrimeEvent._meta.db_table)


def _db_stamp() -> str:
    now = timezone.now()
    if connection.vendor == "postgresql":
        return now.isoformat()
    return str(now.astimezone(UTC).replace(tzinfo=None))


def _insert(cursor, table: str, source: str, batch: pd.DataFrame, stamp: str) -> None:
    times = _db_times(batch["occurred_at"])
    if connection.vendor == "postgresql":
        _copy(cursor, table, source, batch, times, stamp)
        return
    n = len(batch)
    rows = zip(
        [source] * n,
        batch["event_id"].tolist(),
        times.tolist(),
        batch["crime_code"].tolist(),
        batch["x"].tolist(),
        batch["y"].tolist(),
        [stamp] * n,
        strict=True,
    )
    cursor.executemany(
        f"INSERT INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
        list(rows),
    )


def _update(cursor, table: str, source: str, batch: pd.DataFrame, stamp: str) -> None:
    n = len(batch)
    rows = zip(
        _db_times(batch["occurred_at"]).tolist(),
        batch["crime_code"].tolist(),
        batch["x"].tolist(),
        batch["y"].tolist(),
        [stamp] * n,
        [source] * n,
        batch["event_id"].tolist(),
        strict=True,
    )
    cursor.executemany(
        f"UPDATE {table} SET occurred_at = %s, crime_code = %s, x = %s, y = %s, "  # noqa: S608
        "imported_at = %s WHERE source = %s AND event_id = %s",
        list(rows),
    )


def _delete(cursor, table: str, source: str, batch: pd.DataFrame, stamp: str) -> None:
    ids = batch["event_id"].tolist()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"DELETE FROM {table} WHERE source = %s AND event_id IN ({marks})",  # noqa: S608
            [source, *chunk],
        )


def _copy(cursor, table, source, batch, times, stamp) -> None:
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
    with raw.copy(f"COPY {table} ({COLUMNS}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(data.getbuffer())


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
    indexes = CrimeEvent._meta.indexes
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")
    yield
    with connection.cursor() as cursor:
        for index in indexes:
            columns = ", ".join(quote(CrimeEvent._meta.get_field(f).column) for f in index.fields)
            cursor.execute(f"CREATE INDEX {quote(index.name)} ON {_table()} ({columns})")
