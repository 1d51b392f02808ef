"""The grid hot-spot analysis (pure): Gi* on a grid equals the package's Gi*, a planted
cluster is found, a cluster at a registered scene is not."""

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from drogscen.evaluation import getis_ord_gi_star
from drogscen.evaluations.hotspot_grid import Grid, grid_gi_star, grid_hotspots

EXTENT = (670_000.0, 6_570_000.0, 680_000.0, 6_580_000.0)  # 10 km square, 40 × 40 cells


def background(rng, n=2000):
    return rng.uniform(EXTENT[0], EXTENT[2], n), rng.uniform(EXTENT[1], EXTENT[3], n)


def cluster(rng, x, y, n=60, spread=60.0):
    return rng.normal(x, spread, n), rng.normal(y, spread, n)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=30, max_size=30),
    st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_grid_gi_star_equals_the_general_gi_star(values, mask):
    counts = np.array(values).reshape(5, 6)
    study = np.array(mask).reshape(5, 6)
    if study.sum() < 3 or len(set(counts[study].tolist())) < 2:
        return
    z, p = grid_gi_star(counts, study)
    rows, cols = np.nonzero(study)
    general = getis_ord_gi_star(
        counts[study].astype(float), np.column_stack([cols, rows]), distance_band=1.5
    )
    assert np.allclose(z[study], general.z_scores, atol=1e-9)
    assert np.allclose(p[study], general.p_values, atol=1e-9)


def test_a_planted_cluster_is_found_and_its_trend_counted():
    rng = np.random.default_rng(1)
    bx, by = background(rng)
    cx, cy = cluster(rng, 675_100.0, 6_575_100.0)
    x, y = np.concatenate([bx, cx]), np.concatenate([by, cy])
    px, py = background(rng)
    found = grid_hotspots(
        x=x, y=y, previous_x=px, previous_y=py, extent=EXTENT, cell_m=250, min_events=5
    )
    assert len(found.groups) == 1
    group = found.groups[0]
    assert abs(group.centre[0] - 675_100) < 250 and abs(group.centre[1] - 6_575_100) < 250
    assert group.events >= 60
    assert group.previous_events < group.events
    assert group.geometry.contains(shapely.Point(675_100, 6_575_100))


def test_a_cluster_at_a_registered_scene_is_covered():
    rng = np.random.default_rng(2)
    bx, by = background(rng)
    cx, cy = cluster(rng, 675_100.0, 6_575_100.0)
    scene = shapely.box(675_060, 6_575_060, 675_140, 6_575_140)
    found = grid_hotspots(
        x=np.concatenate([bx, cx]),
        y=np.concatenate([by, cy]),
        extent=EXTENT,
        cell_m=250,
        scenes=[scene],
    )
    assert found.groups == []
    assert found.covered_groups == 1


def test_uniform_noise_gives_no_candidates():
    rng = np.random.default_rng(3)
    x, y = background(rng, 5000)
    assert grid_hotspots(x=x, y=y, extent=EXTENT, cell_m=250).groups == []


def test_no_events_gives_no_candidates():
    empty = np.zeros(0)
    found = grid_hotspots(x=empty, y=empty, extent=EXTENT)
    assert found.groups == [] and found.hot_cells == 0


def test_cells_are_anchored_so_an_event_always_falls_in_the_same_cell():
    grid = Grid.covering((670_010.0, 6_570_020.0, 670_600.0, 6_570_600.0), 250)
    assert (grid.x0, grid.y0) == (670_000.0, 6_570_000.0)
    counts = grid.counts(np.array([670_249.9, 670_250.0]), np.array([6_570_001.0] * 2))
    assert counts[0, 0] == 1 and counts[0, 1] == 1


def test_study_mask_must_match_the_grid():
    with pytest.raises(ValueError, match="study_mask"):
        grid_hotspots(x=np.zeros(1), y=np.zeros(1), extent=EXTENT, study_mask=np.ones((2, 2)))
