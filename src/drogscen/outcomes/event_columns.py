"""The crime events as columns, cut in 2 km squares: what indicator counting reads.

Pure computation, no Django. The events' rows in the database are the record (one row
per event, unique per source and event id); counting a million of them per scene and
zone needs only coordinates, local time and crime code, and reading those back row by
row through a database driver costs seconds. ``outcomes.event_store`` therefore keeps,
beside the rows and written in the same transaction, this columnar copy: per source and
square one block of little-endian arrays

    x (float64) | y (float64) | t (int64, local wall-clock seconds) | code (int16)

with the square's crime codes (``code`` indexes them) and the local years it holds, and
in a second block (Arrow IPC) each event's id and exact UTC time in the same order: what
an import compares a new file with. Reading the whole county is then a few hundred
blobs and ``np.frombuffer``; one scene's neighbourhood is the few squares around it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

TILE_M = 2000.0
_MAX_CODES = np.iinfo(np.int16).max

__all__ = ["TILE_M", "Columns", "Tile", "identities", "pack", "tiles_in_box", "unpack"]


@dataclass(frozen=True, slots=True)
class Tile:
    """One source's events in one square (``tile_x``, ``tile_y``: SWEREF 99 TM metres
    divided by ``TILE_M``, floored)."""

    tile_x: int
    tile_y: int
    rows: int
    codes: list[str]
    years: list[int]
    columns: bytes
    identity: bytes


@dataclass(frozen=True, slots=True, eq=False)
class Columns:
    """Events of many tiles together; ``code`` indexes ``codes``."""

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray  # datetime64[s], local wall-clock time
    code: np.ndarray
    codes: list[str]

    def __len__(self) -> int:
        return int(self.x.shape[0])


def pack(
    x: np.ndarray,
    y: np.ndarray,
    local_seconds: np.ndarray,
    codes: Sequence[str] | np.ndarray,
    *,
    event_ids: Sequence[str] | np.ndarray,
    utc_us: np.ndarray,
) -> list[Tile]:
    """Cut events into tiles. ``local_seconds``: local wall-clock time as seconds since
    1970-01-01T00:00 (int64 or datetime64); ``utc_us``: the exact time, microseconds
    since the epoch in UTC (int64 or datetime64)."""
    x = np.asarray(x, dtype="<f8")
    y = np.asarray(y, dtype="<f8")
    t = np.asarray(local_seconds)
    if np.issubdtype(t.dtype, np.datetime64):
        t = t.astype("datetime64[s]").astype(np.int64)
    t = t.astype("<i8", copy=False)
    n = x.shape[0]
    exact = np.asarray(utc_us)
    if np.issubdtype(exact.dtype, np.datetime64):
        exact = exact.astype("datetime64[us]").astype(np.int64)
    exact = exact.astype(np.int64, copy=False)
    if not (y.shape[0] == t.shape[0] == len(codes) == len(event_ids) == exact.shape[0] == n):
        raise ValueError("every column must have the same length")
    if n == 0:
        return []
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("coordinates must be finite")
    tx = np.floor(x / TILE_M).astype(np.int64)
    ty = np.floor(y / TILE_M).astype(np.int64)
    order = np.lexsort((ty, tx))
    tx, ty, x, y, t, exact = tx[order], ty[order], x[order], y[order], t[order], exact[order]
    ids = pa.array(np.asarray(event_ids, dtype=object), pa.string()).take(order)
    code_names, code_of = np.unique(
        np.asarray(codes, dtype=object).astype(str), return_inverse=True
    )
    code_of = code_of[order]
    years = t.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    cut = np.flatnonzero((tx[1:] != tx[:-1]) | (ty[1:] != ty[:-1])) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [n]])
    tiles = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        used, local = np.unique(code_of[a:b], return_inverse=True)
        if used.shape[0] > _MAX_CODES:
            raise ValueError("too many distinct crime codes in one square")
        columns = b"".join(
            (
                x[a:b].tobytes(),
                y[a:b].tobytes(),
                t[a:b].tobytes(),
                local.astype("<i2").tobytes(),
            )
        )
        tiles.append(
            Tile(
                tile_x=int(tx[a]),
                tile_y=int(ty[a]),
                rows=b - a,
                codes=[str(c) for c in code_names[used]],
                years=sorted(set(np.unique(years[a:b]).tolist())),
                columns=columns,
                identity=_ipc(
                    pa.record_batch(
                        {"event_id": ids[a:b], "utc_us": pa.array(exact[a:b], pa.int64())}
                    )
                ),
            )
        )
    return tiles


def unpack(blocks: Iterable[tuple[Sequence[str], int, bytes | memoryview]]) -> Columns:
    """``(codes, rows, columns)`` of stored tiles → one set of arrays, the codes of all
    tiles numbered together (sorted)."""
    blocks = list(blocks)
    total = sum(rows for _codes, rows, _columns in blocks)
    codes = sorted({c for block_codes, _rows, _columns in blocks for c in block_codes})
    number = {c: i for i, c in enumerate(codes)}
    x = np.empty(total, np.float64)
    y = np.empty(total, np.float64)
    t = np.empty(total, np.int64)
    code = np.empty(total, np.int16 if len(codes) <= _MAX_CODES else np.int32)
    at = 0
    for block_codes, rows, columns in blocks:
        if rows == 0:
            continue
        buffer = memoryview(columns)
        if len(buffer) != rows * 26:
            raise ValueError(f"an event tile holds {len(buffer)} bytes for {rows} events")
        end = at + rows
        x[at:end] = np.frombuffer(buffer, "<f8", rows, 0)
        y[at:end] = np.frombuffer(buffer, "<f8", rows, 8 * rows)
        t[at:end] = np.frombuffer(buffer, "<i8", rows, 16 * rows)
        local = np.frombuffer(buffer, "<i2", rows, 24 * rows)
        lut = np.array([number[c] for c in block_codes], dtype=code.dtype)
        code[at:end] = lut[local]
        at = end
    return Columns(x=x, y=y, t=t.view("datetime64[s]"), code=code, codes=codes)


def _ipc(batch: pa.RecordBatch) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def identities(blocks: Iterable[bytes | memoryview]) -> pa.Table:
    """The ``identity`` blocks of tiles (in the order their ``columns`` are unpacked) →
    one table of ``event_id`` and ``utc_us``."""
    tables = [pa.ipc.open_stream(pa.py_buffer(block)).read_all() for block in blocks]
    if not tables:
        return pa.table({"event_id": pa.array([], pa.string()), "utc_us": pa.array([], pa.int64())})
    return pa.concat_tables(tables)


def tiles_in_box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    """The tile numbers (``tile_x`` from, to, ``tile_y`` from, to; inclusive) whose
    squares meet the box."""
    return (
        int(np.floor(x0 / TILE_M)),
        int(np.floor(x1 / TILE_M)),
        int(np.floor(y0 / TILE_M)),
        int(np.floor(y1 / TILE_M)),
    )
