"""Benchmark of the early-warning analysis (issue #8: the whole county, 1 000 000 events,
250 m grid, in a few seconds): binning, Gi* on the grid, FDR, grouping of hot cells and
the coverage test against 500 scenes. The events and scenes are the synthetic county of
bench/indicator_counting.py, with a planted emerging cluster away from every scene.

Also times the general Gi* (:func:`drogscen.evaluation.getis_ord_gi_star`, k-d tree and
sparse weights) on the same cells, to show it scales too; the grid path uses 3 × 3
convolutions and gives the same z-scores (tested in evaluations/tests).

    .venv/bin/python bench/hotspots.py [--events N] [--scenes N] [--cell M] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    from drogscen.evaluations.hotspot_grid import Grid, grid_hotspots
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from drogscen.evaluations.hotspot_grid import Grid, grid_hotspots
from indicator_counting import X0, X1, Y0, Y1, synthetic_county  # noqa: E402

from drogscen.evaluation import getis_ord_gi_star  # noqa: E402

# An emerging place away from every scene. Gi* compares with the county's mean and spread,
# which the dense inner city dominates: a few hundred events are not enough to stand out.
PLANTED = (690_125.0, 6_610_125.0)
PLANTED_EVENTS = 1500


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--scenes", type=int, default=500)
    ap.add_argument("--cell", type=float, default=250.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20_240_501)
    args = ap.parse_args()

    scenes, events = synthetic_county(args.events, args.scenes, args.seed)
    rng = np.random.default_rng(args.seed)
    px = rng.normal(PLANTED[0], 60, PLANTED_EVENTS)
    py = rng.normal(PLANTED[1], 60, PLANTED_EVENTS)
    x = np.concatenate([events.x, px])
    y = np.concatenate([events.y, py])
    half = len(x) // 2
    geometries = [s.geometry for s in scenes]
    extent = (X0, Y0, X1, Y1)

    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        found = grid_hotspots(
            x=x,
            y=y,
            previous_x=events.x[:half],
            previous_y=events.y[:half],
            extent=extent,
            cell_m=args.cell,
            scenes=geometries,
        )
        times.append(time.perf_counter() - began)
    grid = Grid.covering(extent, args.cell)
    planted = [
        g
        for g in found.groups
        if abs(g.centre[0] - PLANTED[0]) < args.cell and abs(g.centre[1] - PLANTED[1]) < args.cell
    ]
    print(
        f"events {len(x):,}, scenes {args.scenes}, grid {grid.nx} × {grid.ny} = "
        f"{grid.nx * grid.ny:,} cells of {args.cell:g} m"
    )
    print(
        f"candidate analysis: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f} s, {args.runs} runs); hot cells {found.hot_cells:,}, "
        f"groups covered by scenes {found.covered_groups}, candidates {len(found.groups)}; "
        f"planted cluster found: {'yes' if planted else 'NO'}"
    )

    counts = grid.counts(x, y)
    cx, cy = grid.centres()
    began = time.perf_counter()
    general = getis_ord_gi_star(
        counts.ravel().astype(float),
        np.column_stack([cx.ravel(), cy.ravel()]),
        distance_band=1.5 * args.cell,
    )
    elapsed = time.perf_counter() - began
    print(
        f"general Gi* (k-d tree, sparse weights) on the same {general.n:,} cells: {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
