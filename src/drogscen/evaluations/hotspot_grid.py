"""Emerging places: Gi* hot spots of crime events on a regular grid, corrected for multiple
testing, grouped into candidate places, with the cells near registered scenes left out.

Pure computation (numpy, scipy, shapely; no Django): the evaluations app feeds it arrays in
SWEREF 99 TM metres and stores what it returns.

Rules:

* Events are binned into square cells of ``cell_m`` metres on a grid anchored at multiples
  of ``cell_m`` (so the same event always falls in the same cell). The study area is every
  cell of the extent, or those marked by ``study_mask`` (e.g. cells whose centre lies in the
  county): empty cells count as zeros, as Gi* needs.
* Gi* (Ord & Getis 1995, self included, binary weights) with neighbours within 1.5 cells:
  the cell and its eight neighbours (queen contiguity). On a regular grid the neighbour sums
  are 3 × 3 convolutions, so the whole county (about 200 000 cells at 250 m) takes a fraction
  of a second; the result equals :func:`drogscen.evaluation.getis_ord_gi_star` on the same
  cells (tested).
* A cell is *hot* when its Gi* is positive and significant after Benjamini–Hochberg control
  of the false discovery rate at ``alpha`` over all study cells (two-sided p-values), and
  the count of its 3 × 3 window is also significantly high under an exact Poisson law with
  the study area's mean (one-sided, the same FDR control): Gi*'s normal approximation alone
  flags two or three events together where the mean is a few hundredths per cell.
* Hot cells touching each other (also at a corner) form one group. A group with any cell
  centre within ``cover_m`` of a registered scene is *covered* (the place is already
  known: a scene's hot spot spreads into its neighbour cells through the Gi* window) and
  dropped. Groups with fewer than ``min_events`` events are dropped as too small to act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage, stats
from shapely.geometry.base import BaseGeometry

from drogscen.evaluation import false_discovery_rate

__all__ = ["CellGroup", "GridHotspots", "Grid", "grid_hotspots", "grid_gi_star"]

QUEEN = np.ones((3, 3))


@dataclass(frozen=True, slots=True)
class Grid:
    x0: float
    y0: float
    nx: int
    ny: int
    cell_m: float

    @classmethod
    def covering(cls, extent: tuple[float, float, float, float], cell_m: float) -> Grid:
        x0 = np.floor(extent[0] / cell_m) * cell_m
        y0 = np.floor(extent[1] / cell_m) * cell_m
        nx = int(np.floor((extent[2] - x0) / cell_m)) + 1
        ny = int(np.floor((extent[3] - y0) / cell_m)) + 1
        return cls(float(x0), float(y0), nx, ny, float(cell_m))

    def counts(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Events per cell as an (ny, nx) array; events outside the grid are ignored."""
        ix = np.floor((np.asarray(x, dtype=np.float64) - self.x0) / self.cell_m)
        iy = np.floor((np.asarray(y, dtype=np.float64) - self.y0) / self.cell_m)
        ok = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        flat = iy[ok].astype(np.int64) * self.nx + ix[ok].astype(np.int64)
        return np.bincount(flat, minlength=self.nx * self.ny).reshape(self.ny, self.nx)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell_m
        ys = self.y0 + (np.arange(self.ny) + 0.5) * self.cell_m
        return np.meshgrid(xs, ys)

    def cell_box(self, iy: int, ix: int) -> BaseGeometry:
        x = self.x0 + ix * self.cell_m
        y = self.y0 + iy * self.cell_m
        return shapely.box(x, y, x + self.cell_m, y + self.cell_m)


def grid_gi_star(counts: np.ndarray, study: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z-scores and two-sided p-values of every study cell (others: z 0, p 1), binary
    queen weights with self included (Ord & Getis 1995, eq. as in
    :func:`drogscen.evaluation.getis_ord_gi_star`)."""
    values = np.where(study, counts, 0).astype(np.float64)
    mask = study.astype(np.float64)
    n = float(mask.sum())
    z = np.zeros(counts.shape)
    p = np.ones(counts.shape)
    if n < 3:
        return z, p
    mean = values.sum() / n
    spread = np.sqrt(max((values**2).sum() / n - mean**2, 0.0))
    if not spread > 0:
        return z, p
    lag = ndimage.convolve(values, QUEEN, mode="constant", cval=0.0)
    weights = ndimage.convolve(mask, QUEEN, mode="constant", cval=0.0)  # W_i = sum w_ij^2
    spread_of_weights = (n * weights - weights**2) / (n - 1)
    defined = study & (spread_of_weights > 1e-12 * n * weights)
    denominator = spread * np.sqrt(np.where(defined, spread_of_weights, 1.0))
    z = np.where(defined, (lag - mean * weights) / denominator, 0.0)
    p = np.where(defined, 2.0 * stats.norm.sf(np.abs(z)), 1.0)
    return z, p


@dataclass(frozen=True, slots=True, eq=False)
class CellGroup:
    """One candidate place: adjacent hot cells (row, column indices of the grid)."""

    rows: np.ndarray
    cols: np.ndarray
    geometry: BaseGeometry  # union of the cells, SWEREF 99 TM
    events: int
    previous_events: int
    by_category: dict[int, int]
    max_z: float
    centre: tuple[float, float]


@dataclass(frozen=True, slots=True, eq=False)
class GridHotspots:
    grid: Grid
    study_cells: int
    hot_cells: int
    covered_groups: int
    groups: list[CellGroup]


def _hot_cells(
    counts: np.ndarray, study: np.ndarray, z: np.ndarray, p: np.ndarray, *, alpha: float
) -> np.ndarray:
    """Study cells with a positive Gi* significant after FDR control whose 3 × 3 window is
    also improbably full under an exact Poisson law (module doc)."""
    n_study = int(study.sum())
    hot = np.zeros(counts.shape, dtype=bool)
    if n_study and z.any():
        fdr = false_discovery_rate(p[study], alpha=alpha)
        # Gi*'s normal approximation flatters sparse counts (a county mean of a few
        # hundredths per cell): the window's count must also be improbable under an exact
        # Poisson law with the county mean, with the same FDR control.
        values = np.where(study, counts, 0).astype(np.float64)
        lag = ndimage.convolve(values, QUEEN, mode="constant", cval=0.0)
        expected = (
            values.sum()
            / n_study
            * ndimage.convolve(study.astype(np.float64), QUEEN, mode="constant", cval=0.0)
        )
        exact = stats.poisson.sf(lag - 1, np.maximum(expected, 1e-12))
        poisson = false_discovery_rate(exact[study], alpha=alpha)
        hot[study] = fdr.rejected & poisson.rejected & (z[study] > 0)
    return hot


def _counts_by_category(
    grid: Grid, x: np.ndarray, y: np.ndarray, category: np.ndarray | None
) -> dict[int, np.ndarray]:
    per_category: dict[int, np.ndarray] = {}
    if category is not None and len(category):
        cat = np.asarray(category, dtype=np.int64)
        for value in np.unique(cat):
            keep = cat == value
            per_category[int(value)] = grid.counts(np.asarray(x)[keep], np.asarray(y)[keep])
    return per_category


def _cell_groups(
    grid: Grid,
    hot: np.ndarray,
    *,
    counts: np.ndarray,
    previous: np.ndarray,
    per_category: dict[int, np.ndarray],
    z: np.ndarray,
    scenes: Sequence[BaseGeometry],
    cover_m: float,
    min_events: int,
) -> tuple[list[CellGroup], int]:
    """The groups of touching hot cells that are neither covered by a scene nor too small,
    and how many were covered."""
    labels, n_groups = ndimage.label(hot, structure=QUEEN)
    tree = None
    if len(scenes):
        geoms = np.array(list(scenes), dtype=object)
        tree = shapely.STRtree(geoms)
    cx, cy = grid.centres()
    groups: list[CellGroup] = []
    covered = 0
    if not n_groups:
        return groups, covered
    for number, window in enumerate(ndimage.find_objects(labels), start=1):
        rows, cols = np.nonzero(labels[window] == number)
        rows = rows + window[0].start
        cols = cols + window[1].start
        if tree is not None:
            points = shapely.points(cx[rows, cols], cy[rows, cols])
            near = tree.query(points, predicate="dwithin", distance=cover_m)
            if near.shape[1]:
                covered += 1
                continue
        events = int(counts[rows, cols].sum())
        if events < min_events:
            continue
        weights = counts[rows, cols].astype(np.float64)
        total = weights.sum()
        groups.append(
            CellGroup(
                rows=rows,
                cols=cols,
                geometry=shapely.union_all(
                    [grid.cell_box(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]
                ),
                events=events,
                previous_events=int(previous[rows, cols].sum()),
                by_category={k: int(v[rows, cols].sum()) for k, v in per_category.items()},
                max_z=float(z[rows, cols].max()),
                centre=(
                    float((cx[rows, cols] * weights).sum() / total),
                    float((cy[rows, cols] * weights).sum() / total),
                ),
            )
        )
    return groups, covered


def grid_hotspots(
    *,
    x: np.ndarray,
    y: np.ndarray,
    category: np.ndarray | None = None,
    previous_x: np.ndarray | None = None,
    previous_y: np.ndarray | None = None,
    extent: tuple[float, float, float, float],
    cell_m: float = 250.0,
    study_mask: np.ndarray | None = None,
    scenes: Sequence[BaseGeometry] = (),
    cover_m: float = 250.0,
    alpha: float = 0.05,
    min_events: int = 5,
) -> GridHotspots:
    """Candidate places (module doc) from events of the period (``x``, ``y``, optional
    integer ``category`` per event) and of the equally long period before (for the trend).
    ``study_mask`` is a boolean (ny, nx) array over ``Grid.covering(extent, cell_m)``."""
    grid = Grid.covering(extent, cell_m)
    counts = grid.counts(x, y)
    study = (
        np.ones(counts.shape, dtype=bool) if study_mask is None else np.asarray(study_mask, bool)
    )
    if study.shape != counts.shape:
        raise ValueError(f"study_mask must have shape {counts.shape}, got {study.shape}")
    z, p = grid_gi_star(counts, study)
    n_study = int(study.sum())
    hot = _hot_cells(counts, study, z, p, alpha=alpha)
    previous = (
        grid.counts(previous_x, previous_y)
        if previous_x is not None and previous_y is not None
        else np.zeros_like(counts)
    )
    groups, covered = _cell_groups(
        grid,
        hot,
        counts=counts,
        previous=previous,
        per_category=_counts_by_category(grid, x, y, category),
        z=z,
        scenes=scenes,
        cover_m=cover_m,
        min_events=min_events,
    )
    groups.sort(key=lambda g: (-g.events, g.centre))
    return GridHotspots(
        grid=grid,
        study_cells=n_study,
        hot_cells=int(hot.sum()),
        covered_groups=covered,
        groups=groups,
    )
