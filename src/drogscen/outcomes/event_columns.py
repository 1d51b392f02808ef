"""The crime events as columns, cut in 2 km squares: what indicator counting reads.

Pure computation, no Django. The events' rows in the database are the record (one row
per event, unique per source and event id); counting a million of them per scene and
zone needs only coordinates, local time and crime code, and reading those back row by
row through a database driver costs seconds. ``outcomes.event_store`` therefore keeps,
beside the rows and written in the same transaction, this columnar copy: per source and
square one block of little-endian arrays

    x (float64) | y (float64) | t (int64, local wall-clock seconds) | code (int16)

with the square's crime codes (``code`` indexes them) and the local years it holds.
Reading the whole county is then a few hundred blobs and ``np.frombuffer``; one scene's
neighbourhood is the few squares around it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

TILE_M = 2000.0
_MAX_CODES = np.iinfo(np.int16).max

__all__ = ["TILE_M", "Columns", "Tile", "pack", "tiles_in_box", "unpack"]


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
    x: np.ndarray, y: np.ndarray, local_seconds: np.ndarray, codes: Sequence[str] | np.ndarray
) -> list[Tile]:
    """Cut events into tiles. ``local_seconds``: local wall-clock time as seconds since
    1970-01-01T00:00 (int64 or datetime64)."""
    x = np.asarray(x, dtype="<f8")
    y = np.asarray(y, dtype="<f8")
    t = np.asarray(local_seconds)
    if np.issubdtype(t.dtype, np.datetime64):
        t = t.astype("datetime64[s]").astype(np.int64)
    t = t.astype("<i8", copy=False)
    n = x.shape[0]
    if not (y.shape[0] == t.shape[0] == len(codes) == n):
        raise ValueError("x, y, local_seconds and codes must have the same length")
    if n == 0:
        return []
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("coordinates must be finite")
    tx = np.floor(x / TILE_M).astype(np.int64)
    ty = np.floor(y / TILE_M).astype(np.int64)
    order = np.lexsort((ty, tx))
    tx, ty, x, y, t = tx[order], ty[order], x[order], y[order], t[order]
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


def tiles_in_box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    """The tile numbers (``tile_x`` from, to, ``tile_y`` from, to; inclusive) whose
    squares meet the box."""
    return (
        int(np.floor(x0 / TILE_M)),
        int(np.floor(x1 / TILE_M)),
        int(np.floor(y0 / TILE_M)),
        int(np.floor(y1 / TILE_M)),
    )
