"""Projection of the yearly number of open drug scenes to the goal year, with an honest
uncertainty band, and the year-on-year test that flags scenes going the wrong way.

Pure computation (numpy, scipy, statsmodels; no Django).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

__all__ = ["Outlook", "goal_outlook", "rise_p_value"]

DRAWS = 4000
SEED = 20270101  # fixed: the same series gives the same band


@dataclass(frozen=True, slots=True)
class Outlook:
    """``years`` from the first observed year to ``target_year``; ``mean``/``low``/``high``
    are the projection (None for observed years). ``few_points``: three years or fewer,
    so the band is wide and mostly a guess. ``reason`` is set when there is no projection."""

    years: list[int]
    observed: list[int | None]
    mean: list[float | None]
    low: list[float | None]
    high: list[float | None]
    annual_change: float | None  # e.g. -0.12: 12 % fewer per year on the trend
    probability_below_last: float | None  # P(target year < last observed year)
    target_year: int
    level: float
    dispersion: float | None
    few_points: bool
    reason: str | None = None


def _no_outlook(
    all_years: list[int],
    observed: list[int | None],
    *,
    target_year: int,
    level: float,
    reason: str,
) -> Outlook:
    empty = [None] * len(all_years)
    return Outlook(
        years=all_years,
        observed=observed,
        mean=empty,
        low=empty,
        high=empty,
        annual_change=None,
        probability_below_last=None,
        target_year=target_year,
        level=level,
        dispersion=None,
        few_points=True,
        reason=reason,
    )


def _simulated_band(
    beta: np.ndarray,
    cov: np.ndarray,
    dispersion: float,
    *,
    all_years: list[int],
    last_year: int,
    last_count: float,
    target_year: int,
    level: float,
) -> tuple[list[float | None], list[float | None], list[float | None], float | None]:
    """Mean, band and P(target year < last observed) per year after the last observed one
    (None before): coefficients drawn from their normal law, a count drawn around each."""
    rng = np.random.default_rng(SEED)
    draws = rng.multivariate_normal(beta, cov * dispersion, size=DRAWS)
    mean: list[float | None] = []
    low: list[float | None] = []
    high: list[float | None] = []
    below = None
    tail = (1 - level) / 2
    for year in all_years:
        if year <= last_year:
            mean.append(None)
            low.append(None)
            high.append(None)
            continue
        dt = year - last_year
        mu = np.exp(np.clip(draws[:, 0] + draws[:, 1] * dt, -30, 16))  # e^16: 9 million
        if dispersion > 1:
            n = mu / (dispersion - 1)
            values = rng.negative_binomial(n, 1 / dispersion)
        else:
            values = rng.poisson(mu)
        mean.append(round(float(math.exp(beta[0] + beta[1] * dt)), 2))
        low.append(float(np.quantile(values, tail)))
        high.append(float(np.quantile(values, 1 - tail)))
        if year == target_year:
            below = round(float((values < last_count).mean()), 3)
    return mean, low, high, below


def goal_outlook(series: dict[int, int], *, target_year: int, level: float = 0.9) -> Outlook:
    """Log-linear Poisson trend of the yearly counts (GLM, log link, year as covariate),
    projected to ``target_year``. The band is a prediction interval from simulation: the
    coefficients are drawn from their estimated normal distribution (covariance scaled by
    the Pearson dispersion when it exceeds 1 and there are residual degrees of freedom) and
    a count is drawn around each mean (Poisson, or negative binomial with that dispersion),
    so it holds both the trend's and the year's own uncertainty. With two years the trend
    goes exactly through them and only the Poisson noise widens it: read such a band as a
    lower bound of the uncertainty (``few_points``)."""
    years = sorted(int(y) for y in series)
    counts = np.array([series[y] for y in years], dtype=np.float64)
    all_years = list(range(years[0], max(target_year, years[-1]) + 1)) if years else []
    observed = [series.get(y) for y in all_years]

    def none(reason: str) -> Outlook:
        return _no_outlook(all_years, observed, target_year=target_year, level=level, reason=reason)

    if len(years) < 2:
        return none("too_few_years")
    if not counts.any():
        return none("all_zero")
    t = np.array(years, dtype=np.float64) - years[-1]
    x = sm.add_constant(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(counts, x, family=sm.families.Poisson()).fit()
    beta = np.asarray(fit.params)
    cov = np.asarray(fit.cov_params())
    if not (np.isfinite(beta).all() and np.isfinite(cov).all()):
        return none("no_fit")
    df = len(years) - 2
    dispersion = float(fit.pearson_chi2 / df) if df > 0 else 1.0
    dispersion = max(dispersion, 1.0)
    future = [y for y in all_years if y > years[-1]]
    mean, low, high, below = _simulated_band(
        beta,
        cov,
        dispersion,
        all_years=all_years,
        last_year=years[-1],
        last_count=counts[-1],
        target_year=target_year,
        level=level,
    )
    return Outlook(
        years=all_years,
        observed=observed,
        mean=mean,
        low=low,
        high=high,
        annual_change=round(float(math.exp(beta[1]) - 1), 4),
        probability_below_last=below if future else None,
        target_year=target_year,
        level=level,
        dispersion=round(dispersion, 3),
        few_points=len(years) <= 3,
    )


def rise_p_value(before: int, after: int) -> float:
    """One-sided exact test that the yearly count rose: conditional on the total, the later
    count is Binomial(total, 1/2) under equal Poisson rates (Przyborowski & Wilenski 1940;
    the standard exact comparison of two Poisson counts over equal times)."""
    total = before + after
    if total == 0 or after <= before:
        return 1.0
    return float(stats.binomtest(after, total, 0.5, alternative="greater").pvalue)
