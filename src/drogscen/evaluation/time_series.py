"""Segmented (interrupted time series) regression for count series."""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar

from . import _validation as check
from .errors import EvaluationInputError

__all__ = ["InterruptedTimeSeries", "interrupted_time_series"]

Family = Literal["poisson", "quasipoisson", "negative_binomial"]
_FAMILIES: tuple[str, ...] = ("poisson", "quasipoisson", "negative_binomial")

#: Minimum number of periods on each side of the intervention (before grows with harmonics).
MIN_PERIODS_BEFORE = 3
MIN_PERIODS_AFTER = 3

# Search range for the negative binomial log(alpha); alpha = e^-20 is Poisson in practice.
_LOG_ALPHA_BOUNDS = (-20.0, 8.0)


@dataclass(frozen=True, slots=True, eq=False)
class InterruptedTimeSeries:
    """Result of :func:`interrupted_time_series`.

    Rate ratios (``*_rr``) are exponentiated coefficients with Wald intervals. ``slope_change_*``
    are ``None`` unless ``slope_change=True``; ``nb_alpha`` is ``None`` unless the family is
    ``negative_binomial``. ``dispersion`` is the Pearson chi^2 / residual df of the fitted model
    (the scale used by ``quasipoisson``; a diagnostic for the other families). ``fitted`` and
    ``counterfactual`` are read-only arrays in the units of ``counts`` (offset included).
    """

    level_change_rr: float
    level_change_ci_low: float
    level_change_ci_high: float
    level_change_p_value: float
    slope_change_rr: float | None
    slope_change_ci_low: float | None
    slope_change_ci_high: float | None
    slope_change_p_value: float | None
    trend_rr: float
    trend_ci_low: float
    trend_ci_high: float
    dispersion: float
    nb_alpha: float | None
    fitted: NDArray[np.float64]
    counterfactual: NDArray[np.float64]
    n_obs: int
    n_before: int
    n_after: int
    family: Family
    harmonics: int
    period: float
    confidence: float


def _design(
    n: int, start: int, *, slope_change: bool, harmonics: int, period: float
) -> tuple[NDArray[np.float64], list[str]]:
    time = np.arange(n, dtype=np.float64)
    post = (time >= start).astype(np.float64)
    columns = [np.ones(n), time, post]
    names = ["intercept", "time", "level"]
    if slope_change:
        # Zero at the first post-intervention period, so "level" is the immediate step there.
        columns.append(post * (time - start))
        names.append("slope")
    for k in range(1, harmonics + 1):
        angle = 2.0 * np.pi * k * time / period
        columns.extend([np.sin(angle), np.cos(angle)])
        names.extend([f"sin{k}", f"cos{k}"])
    return np.column_stack(columns), names


def _fit_glm(
    y: NDArray[np.float64],
    x: NDArray[np.float64],
    log_offset: NDArray[np.float64],
    family: sm.families.Family,
    *,
    scale: str | None = None,
):
    with warnings.catch_warnings():
        # The caller (_fitted_model) checks convergence; statsmodels' warnings are only noise.
        warnings.simplefilter("ignore")
        model = sm.GLM(y, x, family=family, offset=log_offset)
        return model.fit(scale=scale) if scale is not None else model.fit()


def _negative_binomial_alpha(
    y: NDArray[np.float64], x: NDArray[np.float64], log_offset: NDArray[np.float64]
) -> float:
    """Maximum-likelihood NB2 alpha by profiling the GLM log-likelihood (as MASS::glm.nb)."""

    def negative_log_likelihood(log_alpha: float) -> float:
        family = sm.families.NegativeBinomial(alpha=math.exp(log_alpha))
        llf = _fit_glm(y, x, log_offset, family).llf
        return -llf if math.isfinite(llf) else math.inf

    found = minimize_scalar(
        negative_log_likelihood,
        bounds=_LOG_ALPHA_BOUNDS,
        method="bounded",
        options={"xatol": 1e-6},
    )
    return math.exp(float(found.x))


def _checked_arguments(
    *, start, family, harmonics, period, slope_change, confidence
) -> tuple[int, int, float, float]:
    """The scalar arguments checked and normalised: start, harmonics, period, level."""
    if isinstance(start, bool) or not isinstance(start, numbers.Integral):
        raise EvaluationInputError(
            f"start must be an integer index, got {start!r}", argument="start"
        )
    start = int(start)
    if family not in _FAMILIES:
        raise EvaluationInputError(
            f"family must be one of {', '.join(_FAMILIES)}, got {family!r}", argument="family"
        )
    harmonics = check.integer("harmonics", harmonics, minimum=0)
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise EvaluationInputError(f"period must be a number, got {period!r}", argument="period")
    period = float(period)
    if not (math.isfinite(period) and period >= 2):
        raise EvaluationInputError(
            f"period must be finite and at least 2, got {period!r}", argument="period"
        )
    if harmonics and not 2 * harmonics < period:
        raise EvaluationInputError(
            f"harmonics must be fewer than period/2 ({period:g}/2); {harmonics} pairs alias at "
            "integer time steps",
            argument="harmonics",
        )
    if not isinstance(slope_change, bool):
        raise EvaluationInputError(
            f"slope_change must be True or False, got {slope_change!r}", argument="slope_change"
        )
    return start, harmonics, period, check.confidence(confidence)


def _check_segments(y: NDArray[np.float64], *, start: int, harmonics: int) -> None:
    """Enough periods before (3 plus 2 per harmonic pair) and after ``start``."""
    n = int(y.size)
    min_before = MIN_PERIODS_BEFORE + 2 * harmonics
    if not 0 <= start < n:
        raise EvaluationInputError(
            f"start must be an index inside counts (0..{n - 1}), got {start}", argument="start"
        )
    if start < min_before:
        raise EvaluationInputError(
            f"start={start} leaves {start} periods before the intervention; at least {min_before} "
            f"are needed (3 plus 2 per harmonic pair)",
            argument="start",
        )
    if n - start < MIN_PERIODS_AFTER:
        raise EvaluationInputError(
            f"start={start} leaves {n - start} periods after the intervention in a series of "
            f"{n}; at least {MIN_PERIODS_AFTER} are needed",
            argument="start",
        )


def _log_offset(offset: ArrayLike | None, n: int) -> NDArray[np.float64]:
    if offset is None:
        return np.zeros(n)
    exposure = check.finite_vector("offset", offset)
    if exposure.size != n:
        raise EvaluationInputError(
            f"offset must have the same length as counts ({n}), got {exposure.size}",
            argument="offset",
        )
    if (exposure <= 0).any():
        first = int(np.flatnonzero(exposure <= 0)[0])
        raise EvaluationInputError(
            f"offset must be positive (its log is taken); element {first} is {exposure[first]!r}",
            argument="offset",
        )
    return np.log(exposure)


def _check_nonzero_segments(y: NDArray[np.float64], *, start: int) -> None:
    # An all-zero segment pushes the Poisson MLE of the step to minus infinity.
    if not y[:start].any():
        raise EvaluationInputError(
            "counts are all zero before the intervention; the level change is not estimable",
            argument="counts",
        )
    if not y[start:].any():
        raise EvaluationInputError(
            "counts are all zero after the intervention; the level change is not estimable",
            argument="counts",
        )


def _check_design(x: NDArray[np.float64], *, slope_change: bool, harmonics: int) -> None:
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise EvaluationInputError(
            "the design matrix (trend, level change"
            + (", slope change" if slope_change else "")
            + (", harmonics" if harmonics else "")
            + ") is singular for this series; use fewer harmonics or a longer series",
            argument="harmonics" if harmonics else "counts",
        )


def _fitted_model(
    y: NDArray[np.float64], x: NDArray[np.float64], log_offset: NDArray[np.float64], *, family
):
    """The GLM of the family, and NB2's alpha (None for the Poisson families); refused
    unless it converged with finite, positive standard errors."""
    nb_alpha: float | None = None
    if family == "poisson":
        result = _fit_glm(y, x, log_offset, sm.families.Poisson())
    elif family == "quasipoisson":
        result = _fit_glm(y, x, log_offset, sm.families.Poisson(), scale="X2")
    else:
        nb_alpha = _negative_binomial_alpha(y, x, log_offset)
        result = _fit_glm(y, x, log_offset, sm.families.NegativeBinomial(alpha=nb_alpha))
    params = np.asarray(result.params, dtype=np.float64)
    bse = np.asarray(result.bse, dtype=np.float64)
    usable = np.isfinite(params).all() and np.isfinite(bse).all() and (bse > 0).all()
    if not result.converged or not usable:
        raise EvaluationInputError(
            f"the {family} model did not converge for these counts", argument="counts"
        )
    return result, nb_alpha


def _rate_ratio(
    name: str, beta: float, se: float, *, z_crit: float
) -> tuple[float, float, float, float]:
    """exp(beta) with its Wald interval, and the two-sided p-value."""
    values = (beta, beta - z_crit * se, beta + z_crit * se)
    with np.errstate(over="ignore"):
        ratios = np.exp(values)
    if not np.isfinite(ratios).all():
        raise EvaluationInputError(
            f"the {name} rate ratio overflows; the fit is degenerate for these counts",
            argument="counts",
        )
    return float(ratios[0]), float(ratios[1]), float(ratios[2]), check.two_sided_p(beta / se)


def _fitted_and_counterfactual(
    x: NDArray[np.float64],
    params: NDArray[np.float64],
    log_offset: NDArray[np.float64],
    *,
    names: list[str],
    slope_change: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The model's means, and its prediction with the level (and slope) change set to 0."""
    linear = x @ params + log_offset
    counterfactual_x = x.copy()
    counterfactual_x[:, names.index("level")] = 0.0
    if slope_change:
        counterfactual_x[:, names.index("slope")] = 0.0
    with np.errstate(over="ignore"):
        fitted = np.exp(linear)
        counterfactual = np.exp(counterfactual_x @ params + log_offset)
    if not (np.isfinite(fitted).all() and np.isfinite(counterfactual).all()):
        raise EvaluationInputError(
            "fitted or counterfactual values overflow; the fit is degenerate", argument="counts"
        )
    return fitted, counterfactual


def interrupted_time_series(
    counts: ArrayLike,
    *,
    start: int,
    offset: ArrayLike | None = None,
    family: Family = "poisson",
    harmonics: int = 0,
    period: float = 12,
    slope_change: bool = False,
    confidence: float = 0.95,
) -> InterruptedTimeSeries:
    """Segmented GLM regression of a count series around one intervention.

    Source: Lopez Bernal, J., Cummins, S. & Gasparrini, A. (2017), "Interrupted time series
    regression for the evaluation of public health interventions: a tutorial", International
    Journal of Epidemiology 46(1):348-355.

    Model (log link, fitted with statsmodels GLM)::

        log E[y_t] = b0 + b1*t + b2*post_t [+ b3*post_t*(t - start)]
                     [+ sum_k (s_k sin(2 pi k t / period) + c_k cos(2 pi k t / period))]
                     [+ log(offset_t)]

    with ``t = 0 .. n-1`` and ``post_t = 1`` from index ``start`` (the first period after the
    intervention) on. ``exp(b2)`` is the level-change rate ratio (the immediate step at
    ``start``), ``exp(b3)`` the slope-change rate ratio per period, ``exp(b1)`` the underlying
    (pre-intervention) trend rate ratio per period. ``harmonics`` adds that many Fourier pairs
    for seasonality, as ``harmonic(month, k, 12)`` in the tutorial. The counterfactual is the
    model's prediction with ``b2`` (and ``b3``) set to zero.

    Families: ``poisson``; ``quasipoisson`` (same estimates, standard errors multiplied by
    ``sqrt(Pearson chi^2 / df)``, as R's ``quasipoisson``); ``negative_binomial`` (NB2, alpha
    by maximum likelihood, standard errors conditional on alpha as in MASS::glm.nb).
    Confidence intervals and p-values are normal-theory (Wald), as in the tutorial's
    ``ci.exp``.

    Requirements (else :class:`EvaluationInputError`): non-negative finite counts; a positive
    finite ``offset`` of the same length (exposure, e.g. population; the log is taken here); at
    least ``3 + 2*harmonics`` periods before and 3 after ``start``; ``2*harmonics < period``;
    some non-zero counts on each side; a non-singular design and a converged fit.
    """
    # Long by its docstring, the published model; the steps are the functions above.
    y = check.non_negative_vector("counts", counts)
    n = int(y.size)
    start, harmonics, period, level = _checked_arguments(
        start=start,
        family=family,
        harmonics=harmonics,
        period=period,
        slope_change=slope_change,
        confidence=confidence,
    )
    _check_segments(y, start=start, harmonics=harmonics)
    log_offset = _log_offset(offset, n)
    _check_nonzero_segments(y, start=start)
    x, names = _design(n, start, slope_change=slope_change, harmonics=harmonics, period=period)
    _check_design(x, slope_change=slope_change, harmonics=harmonics)
    result, nb_alpha = _fitted_model(y, x, log_offset, family=family)
    params = np.asarray(result.params, dtype=np.float64)
    bse = np.asarray(result.bse, dtype=np.float64)

    z_crit = check.z_critical(level)

    def rate_ratio(name: str) -> tuple[float, float, float, float]:
        index = names.index(name)
        return _rate_ratio(name, float(params[index]), float(bse[index]), z_crit=z_crit)

    level_rr = rate_ratio("level")
    trend_rr = rate_ratio("time")
    slope_rr = rate_ratio("slope") if slope_change else (None, None, None, None)
    fitted, counterfactual = _fitted_and_counterfactual(
        x, params, log_offset, names=names, slope_change=slope_change
    )
    dispersion = float(result.pearson_chi2 / result.df_resid)

    return InterruptedTimeSeries(
        level_change_rr=level_rr[0],
        level_change_ci_low=level_rr[1],
        level_change_ci_high=level_rr[2],
        level_change_p_value=level_rr[3],
        slope_change_rr=slope_rr[0],
        slope_change_ci_low=slope_rr[1],
        slope_change_ci_high=slope_rr[2],
        slope_change_p_value=slope_rr[3],
        trend_rr=trend_rr[0],
        trend_ci_low=trend_rr[1],
        trend_ci_high=trend_rr[2],
        dispersion=dispersion,
        nb_alpha=nb_alpha,
        fitted=check.read_only(fitted),
        counterfactual=check.read_only(counterfactual),
        n_obs=n,
        n_before=start,
        n_after=n - start,
        family=family,
        harmonics=harmonics,
        period=period,
        confidence=level,
    )
