"""Local hot-spot statistics: Getis-Ord Gi* and Benjamini-Hochberg FDR control."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, stats
from scipy.spatial import cKDTree

from . import _validation as check
from .errors import EvaluationInputError

__all__ = ["FalseDiscoveryRate", "GiStar", "false_discovery_rate", "getis_ord_gi_star"]

#: Relative tolerance on the distance band, so grid neighbours exactly at the band distance
#: are not lost to floating-point error in projected coordinates.
BAND_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class GiStar:
    """Result of :func:`getis_ord_gi_star` (arrays are read-only, one entry per location).

    ``defined`` is ``False`` where Gi* has zero variance because every location is a neighbour
    with equal weight (the band covers the whole study area); there ``z_scores`` is 0 and
    ``p_values`` 1. If all values are equal, Gi* is undefined everywhere: ``z_scores`` and
    ``p_values`` are ``None`` and ``reason``/``message`` say so.
    """

    z_scores: NDArray[np.float64] | None
    p_values: NDArray[np.float64] | None
    defined: NDArray[np.bool_]
    neighbour_counts: NDArray[np.int64]
    n: int
    distance_band: float
    binary: bool
    reason: str | None = None
    message: str | None = None


def _coordinates(coords: ArrayLike, n: int) -> NDArray[np.float64]:
    try:
        points = np.array(coords, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EvaluationInputError(
            "coords must be an (n, 2) array of numbers", argument="coords"
        ) from exc
    if points.ndim == 1 and n > 0 and points.size == n:
        points = points.reshape(n, 1)  # one-dimensional positions, e.g. along a street
    if points.ndim != 2 or points.shape[0] != n or points.shape[1] < 1:
        raise EvaluationInputError(
            f"coords must have one row per value ({n} rows), got shape {points.shape}",
            argument="coords",
        )
    if not np.isfinite(points).all():
        raise EvaluationInputError("coords must contain only finite numbers", argument="coords")
    return points


def spatial_weights(
    coords: NDArray[np.float64], distance_band: float, *, binary: bool
) -> sparse.csr_matrix:
    """Sparse Gi* weights, self included: w_ij for Euclidean distance <= band.

    Binary: 1 for every neighbour (and self). Inverse distance: ``min(1, d_min / d_ij)`` where
    ``d_min`` is the smallest positive neighbour distance in the data (on a regular grid, the
    cell size), and 1 for self and coincident points. Scaling by ``d_min`` makes the weights
    unit-free and keeps the self-weight comparable to the nearest neighbours'; Gi* itself does
    not change when all weights are multiplied by a constant.
    """
    tree = cKDTree(coords)
    # ndarray output includes the i == j pairs (distance 0), which Gi* needs.
    pairs = tree.sparse_distance_matrix(
        tree, distance_band * (1.0 + BAND_TOLERANCE), output_type="ndarray"
    )
    rows = pairs["i"].astype(np.int64)
    cols = pairs["j"].astype(np.int64)
    distances = pairs["v"]
    if binary:
        weights = np.ones(distances.size)
    else:
        positive = distances > 0
        weights = np.ones(distances.size)
        if positive.any():
            nearest = distances[positive].min()
            weights[positive] = np.minimum(1.0, nearest / distances[positive])
    n = coords.shape[0]
    return sparse.csr_matrix((weights, (rows, cols)), shape=(n, n))


def _checked_band(distance_band: float, *, binary: bool) -> float:
    """The distance band as a positive finite float (and ``binary`` a bool)."""
    if isinstance(distance_band, bool) or not isinstance(distance_band, numbers.Real):
        raise EvaluationInputError(
            f"distance_band must be a positive number, got {distance_band!r}",
            argument="distance_band",
        )
    band = float(distance_band)
    if not (math.isfinite(band) and band > 0):
        raise EvaluationInputError(
            f"distance_band must be positive and finite, got {distance_band!r}",
            argument="distance_band",
        )
    if not isinstance(binary, bool):
        raise EvaluationInputError(
            f"binary must be True or False, got {binary!r}", argument="binary"
        )
    return band


def getis_ord_gi_star(
    values: ArrayLike,
    coords: ArrayLike,
    *,
    distance_band: float,
    binary: bool = True,
) -> GiStar:
    """Getis-Ord Gi* z-scores with self included, and two-sided normal p-values.

    Sources: Getis, A. & Ord, J. K. (1992), "The analysis of spatial association by use of
    distance statistics", Geographical Analysis 24(3):189-206; Ord, J. K. & Getis, A. (1995),
    "Local spatial autocorrelation statistics: distributional issues and an application",
    Geographical Analysis 27(4):286-306.

    Rule (Ord & Getis 1995, standardised Gi*), with sums over all j including i::

        Gi* = (sum_j w_ij x_j - xbar * W_i) / (S * sqrt((n * sum_j w_ij^2 - W_i^2) / (n - 1)))

    where ``W_i = sum_j w_ij``, ``xbar`` the mean and ``S^2 = sum_j x_j^2 / n - xbar^2``.
    Neighbours are locations within Euclidean ``distance_band`` (inclusive, with a 1e-9
    relative tolerance); weights are binary or inverse distance (see :func:`spatial_weights`).
    p-values are two-sided from the standard normal. Adding a constant to, or multiplying by
    a positive constant, all values leaves Gi* unchanged.

    Computed with a k-d tree and sparse matrices: memory and time grow with the number of
    neighbour pairs, not with n^2, so a 250 m grid over a county is fine. For many locations,
    control the false discovery rate with :func:`false_discovery_rate`.
    """
    x = check.finite_vector("values", values)
    n = int(x.size)
    if n < 3:
        raise EvaluationInputError(
            f"values must hold at least 3 locations, got {n}", argument="values"
        )
    points = _coordinates(coords, n)
    band = _checked_band(distance_band, binary=binary)

    weights = spatial_weights(points, band, binary=binary)
    neighbour_counts = check.read_only(np.diff(weights.indptr).astype(np.int64))

    mean = float(x.mean())
    spread = float(x.std())  # population SD: S in Ord & Getis
    scale = float(np.abs(x).max())
    if not spread > 4 * np.finfo(np.float64).eps * scale:
        return GiStar(
            z_scores=None,
            p_values=None,
            defined=check.read_only(np.zeros(n, dtype=bool)),
            neighbour_counts=neighbour_counts,
            n=n,
            distance_band=band,
            binary=binary,
            reason="constant_values",
            message="all values are equal, so Gi* (which divides by their spread) is undefined",
        )

    sum_w = np.asarray(weights.sum(axis=1)).ravel()
    sum_w2 = np.asarray(weights.multiply(weights).sum(axis=1)).ravel()
    lag = weights @ x
    spread_of_weights = (n * sum_w2 - sum_w**2) / (n - 1)
    # Exactly zero when every location is an equally weighted neighbour; guard rounding too.
    defined = spread_of_weights > 1e-12 * n * sum_w2
    denominator = spread * np.sqrt(np.where(defined, spread_of_weights, 1.0))
    z = np.where(defined, (lag - mean * sum_w) / denominator, 0.0)
    p = np.where(defined, 2.0 * stats.norm.sf(np.abs(z)), 1.0)
    return GiStar(
        z_scores=check.read_only(z),
        p_values=check.read_only(p),
        defined=check.read_only(defined),
        neighbour_counts=neighbour_counts,
        n=n,
        distance_band=band,
        binary=binary,
    )


@dataclass(frozen=True, slots=True, eq=False)
class FalseDiscoveryRate:
    """Result of :func:`false_discovery_rate` (arrays read-only, in input order)."""

    rejected: NDArray[np.bool_]
    adjusted_p_values: NDArray[np.float64]
    alpha: float
    n_rejected: int


def false_discovery_rate(p_values: ArrayLike, *, alpha: float = 0.05) -> FalseDiscoveryRate:
    """Benjamini-Hochberg step-up control of the false discovery rate.

    Source: Benjamini, Y. & Hochberg, Y. (1995), "Controlling the false discovery rate: a
    practical and powerful approach to multiple testing", Journal of the Royal Statistical
    Society B 57(1):289-300. For local spatial statistics such as Gi*, see Caldas de Castro,
    M. & Singer, B. H. (2006), Geographical Analysis 38(2):180-208.

    Rule: with the m p-values sorted ascending, the adjusted value of the i-th is
    ``min_{k >= i} min(1, m * p_(k) / k)``; hypotheses with adjusted p <= ``alpha`` are
    rejected (equivalently: reject the k smallest where k is the largest with
    ``p_(k) <= k * alpha / m``).
    """
    p = check.finite_vector("p_values", p_values)
    if ((p < 0) | (p > 1)).any():
        raise EvaluationInputError("p_values must lie between 0 and 1", argument="p_values")
    level = check.confidence(alpha, name="alpha")
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    # Running minimum from the largest p-value down enforces monotonicity.
    adjusted_sorted = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    rejected = adjusted <= level
    return FalseDiscoveryRate(
        rejected=check.read_only(rejected),
        adjusted_p_values=check.read_only(adjusted),
        alpha=level,
        n_rejected=int(rejected.sum()),
    )
