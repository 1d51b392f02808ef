"""Tests for Getis-Ord Gi* and Benjamini-Hochberg false discovery rate control."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from statsmodels.stats.multitest import multipletests

from drogscen.evaluation import EvaluationInputError, false_discovery_rate, getis_ord_gi_star
from drogscen.evaluation.hotspots import BAND_TOLERANCE, spatial_weights


def naive_gi_star(
    values: list[float], coords: list[tuple[float, float]], band: float, binary: bool
) -> tuple[list[float | None], bool]:
    """Direct O(n^2) transcription of Ord & Getis (1995) Gi* with self included.

    Returns one z per location (None where its variance is zero) and whether S > 0.
    Weights follow the documented rule: binary 1 within the band, or inverse distance
    min(1, d_min / d) with 1 for self/coincident points.
    """
    n = len(values)
    limit = band * (1 + BAND_TOLERANCE)
    distance = [[math.dist(coords[i], coords[j]) for j in range(n)] for i in range(n)]
    positive = [distance[i][j] for i in range(n) for j in range(n) if 0 < distance[i][j] <= limit]
    d_min = min(positive) if positive else 1.0
    weight = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if distance[i][j] <= limit:
                if binary or distance[i][j] == 0:
                    weight[i][j] = 1.0
                else:
                    weight[i][j] = min(1.0, d_min / distance[i][j])
    mean = sum(values) / n
    s = math.sqrt(max(0.0, sum(v * v for v in values) / n - mean * mean))
    if s == 0:
        return [None] * n, False
    z: list[float | None] = []
    for i in range(n):
        w_sum = sum(weight[i])
        w2_sum = sum(w * w for w in weight[i])
        lag = sum(weight[i][j] * values[j] for j in range(n))
        spread = (n * w2_sum - w_sum * w_sum) / (n - 1)
        z.append(
            None if spread <= 1e-12 * n * w2_sum else (lag - mean * w_sum) / (s * math.sqrt(spread))
        )
    return z, True


GRID_3X3 = [(float(col), float(row)) for row in range(3) for col in range(3)]


def test_three_by_three_grid_by_hand() -> None:
    """3x3 unit grid, value 9 in the centre and 0 elsewhere, band 1 (rook neighbours + self).

    n = 9, xbar = 1, S^2 = 81/9 - 1 = 8. Centre: W = 5, sum wx = 9, so
    Gi* = (9 - 5) / (sqrt 8 * sqrt((45 - 25)/8)) = 2/sqrt 5. Corner: W = 3, sum wx = 0:
    (0 - 3) / (sqrt 8 * sqrt((27 - 9)/8)) = -1/sqrt 2. Edge: W = 4, sum wx = 9:
    (9 - 4) / (sqrt 8 * sqrt((36 - 16)/8)) = sqrt(5)/2.
    """
    values = [0, 0, 0, 0, 9, 0, 0, 0, 0]
    result = getis_ord_gi_star(values, GRID_3X3, distance_band=1.0)
    corner, edge, centre = -1 / math.sqrt(2), math.sqrt(5) / 2, 2 / math.sqrt(5)
    expected = [corner, edge, corner, edge, centre, edge, corner, edge, corner]
    assert result.z_scores is not None and result.p_values is not None
    np.testing.assert_allclose(result.z_scores, expected, rtol=1e-12)
    # Two-sided normal p-value: erfc(|z| / sqrt 2).
    np.testing.assert_allclose(
        result.p_values, [math.erfc(abs(z) / math.sqrt(2)) for z in expected], rtol=1e-12
    )
    assert result.neighbour_counts.tolist() == [3, 4, 3, 4, 5, 4, 3, 4, 3]
    assert result.defined.all() and result.reason is None


def test_band_covering_everything_is_flagged_not_nan() -> None:
    """With every location an equally weighted neighbour, Gi* has zero variance."""
    result = getis_ord_gi_star([1, 2, 3, 4, 5, 6, 7, 8, 9], GRID_3X3, distance_band=10.0)
    assert result.z_scores is not None and result.p_values is not None
    assert not result.defined.any()
    assert np.all(result.z_scores == 0) and np.all(result.p_values == 1)


def test_constant_values_are_undefined() -> None:
    result = getis_ord_gi_star([4.0] * 9, GRID_3X3, distance_band=1.0)
    assert result.z_scores is None and result.p_values is None
    assert result.reason == "constant_values" and result.message


@pytest.mark.parametrize(
    ("values", "coords", "kwargs", "argument"),
    [
        ([1, 2], [(0, 0), (1, 0)], {}, "values"),
        ([1, 2, float("nan")], [(0, 0), (1, 0), (2, 0)], {}, "values"),
        ([1, 2, 3], [(0, 0), (1, 0)], {}, "coords"),
        ([1, 2, 3], [(0, 0), (1, 0), (float("inf"), 0)], {}, "coords"),
        ([1, 2, 3], [(0, 0), (1, 0), (2, 0)], {"distance_band": 0}, "distance_band"),
        ([1, 2, 3], [(0, 0), (1, 0), (2, 0)], {"distance_band": -5}, "distance_band"),
        ([1, 2, 3], [(0, 0), (1, 0), (2, 0)], {"binary": "no"}, "binary"),
    ],
)
def test_gi_star_rejects_bad_input(
    values: list[float], coords: list[tuple[float, float]], kwargs: dict, argument: str
) -> None:
    arguments = {"distance_band": 1.5, **kwargs}
    with pytest.raises(EvaluationInputError, match=argument):
        getis_ord_gi_star(values, coords, **arguments)


POINTS = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(-20, 20)),
    min_size=3,
    max_size=30,
)
BANDS = st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.9, 10.0])


@settings(max_examples=150, deadline=None, database=None)
@given(POINTS, BANDS, st.booleans())
def test_gi_star_matches_naive_implementation(
    points: list[tuple[int, int, int]], band: float, binary: bool
) -> None:
    """The sparse k-d tree implementation equals the O(n^2) formula on small random inputs
    (integer grids, so ties at exactly the band distance and coincident points occur)."""
    coords = [(float(x), float(y)) for x, y, _ in points]
    values = [float(v) for _, _, v in points]
    result = getis_ord_gi_star(values, coords, distance_band=band, binary=binary)
    expected, spread_positive = naive_gi_star(values, coords, band, binary)
    if not spread_positive:
        assert result.z_scores is None and result.reason == "constant_values"
        return
    assert result.z_scores is not None and result.p_values is not None
    assert result.defined.tolist() == [z is not None for z in expected]
    got = np.where(result.defined, result.z_scores, 0.0)
    want = np.array([0.0 if z is None else z for z in expected])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    assert np.isfinite(result.z_scores).all() and np.isfinite(result.p_values).all()
    assert ((result.p_values >= 0) & (result.p_values <= 1)).all()


@settings(max_examples=100, deadline=None, database=None)
@given(
    POINTS,
    BANDS,
    st.booleans(),
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    st.floats(min_value=0.01, max_value=100, allow_nan=False),
)
def test_gi_star_invariances(
    points: list[tuple[int, int, int]], band: float, binary: bool, shift: float, factor: float
) -> None:
    """Gi* is unchanged by adding a constant or multiplying by a positive constant, and flips
    sign when the values are negated (all follow from its standardised form)."""
    coords = [(float(x), float(y)) for x, y, _ in points]
    values = np.array([float(v) for _, _, v in points])
    base = getis_ord_gi_star(values, coords, distance_band=band, binary=binary)
    if base.z_scores is None:
        return
    shifted = getis_ord_gi_star(values + shift, coords, distance_band=band, binary=binary)
    scaled = getis_ord_gi_star(values * factor, coords, distance_band=band, binary=binary)
    negated = getis_ord_gi_star(-values, coords, distance_band=band, binary=binary)
    for other, sign in ((shifted, 1), (scaled, 1), (negated, -1)):
        assert other.z_scores is not None
        np.testing.assert_allclose(other.z_scores, sign * base.z_scores, rtol=1e-7, atol=1e-7)


def test_large_grid_is_sparse_and_fast() -> None:
    """A 200 x 200 grid of 250 m cells (40,000 cells, SWEREF 99 TM-like coordinates)."""
    side = 200
    east, north = np.meshgrid(
        674_000 + 250.0 * np.arange(side), 6_580_000 + 250.0 * np.arange(side)
    )
    coords = np.column_stack([east.ravel(), north.ravel()])
    values = np.random.default_rng(3).poisson(0.4, size=side * side).astype(float)
    began = time.perf_counter()
    result = getis_ord_gi_star(values, coords, distance_band=500.0)
    elapsed = time.perf_counter() - began
    assert elapsed < 10.0
    assert result.z_scores is not None and result.z_scores.shape == (side * side,)
    # Interior cell: self + 4 at 250 m + 4 at 354 m + 4 exactly at the 500 m band.
    assert result.neighbour_counts.max() == 13 and result.neighbour_counts.min() == 6
    weights = spatial_weights(coords, 500.0, binary=True)
    assert sparse.issparse(weights) and weights.nnz == int(result.neighbour_counts.sum())


# --- FDR -------------------------------------------------------------------------------------


def test_fdr_documented_examples() -> None:
    """stdlib.io documentation of ``@stdlib/stats/padjust`` (method 'bh'):
    [0.008, 0.03, 0.123, 0.6, 0.2] -> [0.04, 0.075, ~0.205, 0.6, 0.25] and
    [0.319, 0.201, 0.4, 0.374, 0.113] -> 0.4 everywhere; both also checked by hand."""
    first = false_discovery_rate([0.008, 0.03, 0.123, 0.6, 0.2], alpha=0.05)
    np.testing.assert_allclose(first.adjusted_p_values, [0.04, 0.075, 0.205, 0.6, 0.25], rtol=1e-12)
    assert first.rejected.tolist() == [True, False, False, False, False] and first.n_rejected == 1
    second = false_discovery_rate([0.319, 0.201, 0.4, 0.374, 0.113])
    np.testing.assert_allclose(second.adjusted_p_values, [0.4] * 5, rtol=1e-12)
    assert second.n_rejected == 0


def test_fdr_empty_and_bad_input() -> None:
    empty = false_discovery_rate([])
    assert empty.n_rejected == 0 and empty.adjusted_p_values.size == 0
    for bad in ([0.1, 1.2], [-0.1], [float("nan")]):
        with pytest.raises(EvaluationInputError, match="p_values"):
            false_discovery_rate(bad)
    with pytest.raises(EvaluationInputError, match="alpha"):
        false_discovery_rate([0.1], alpha=0)


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=60),
    st.sampled_from([0.01, 0.05, 0.1, 0.2]),
)
def test_fdr_matches_statsmodels(p_values: list[float], alpha: float) -> None:
    result = false_discovery_rate(p_values, alpha=alpha)
    reject, adjusted, _, _ = multipletests(p_values, alpha=alpha, method="fdr_bh")
    np.testing.assert_allclose(result.adjusted_p_values, adjusted, rtol=1e-12, atol=1e-15)
    # At an adjusted p-value equal to alpha the two may round differently; elsewhere
    # they must agree.
    clear = np.abs(adjusted - alpha) > 1e-12
    assert result.rejected[clear].tolist() == reject[clear].tolist()
    assert (result.adjusted_p_values >= np.array(p_values) - 1e-15).all()


def test_fdr_on_gi_star_p_values() -> None:
    """The helper takes Gi* p-values directly."""
    values = [0, 0, 0, 0, 9, 0, 0, 0, 0]
    gi = getis_ord_gi_star(values, GRID_3X3, distance_band=1.0)
    assert gi.p_values is not None
    result = false_discovery_rate(gi.p_values, alpha=0.05)
    assert result.adjusted_p_values.shape == (9,) and result.n_rejected == 0
