"""The columnar copy of the crime events (``EventTile``, packed by
``outcomes.event_columns``): written with the rows, read by indicator counting.

Every write of crime events goes through ``replace_source`` in the same transaction as
the rows (the import service, the demo), so the copy is exactly the rows. ``rebuild``
makes it again from the rows: ``drogscen recompute_indicators`` runs it first, which
also repairs a copy that rows written some other way (by hand in the database) left
behind.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction

from drogscen.outcomes import event_columns
from drogscen.outcomes.models import CrimeEvent, EventTile

_INSERT_BATCH = 100
_LOCK_SPACE = 0x0D5C  # first key of this module's PostgreSQL advisory locks


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
