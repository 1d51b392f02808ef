"""Effect sizes for before/after-with-control designs and their meta-analytic pooling."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from . import _validation as check
from .errors import EvaluationInputError

__all__ = [
    "PooledEffect",
    "PooledEstimate",
    "RelativeEffectSize",
    "pooled_effect",
    "relative_effect_size",
]


def _exp(value: float) -> float | None:
    """``exp`` that reports overflow as ``None`` instead of returning infinity."""
    try:
        return math.exp(value)
    except OverflowError:
        return None


@dataclass(frozen=True, slots=True)
class RelativeEffectSize:
    """Result of :func:`relative_effect_size`.

    All numeric fields are ``None`` when a count is zero (the log odds ratio and its variance
    are then undefined); ``reason``/``message`` explain which count.
    """

    res: float | None
    log_res: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    z: float | None
    p_value: float | None
    confidence: float
    reason: str | None = None
    message: str | None = None


def relative_effect_size(
    *,
    t_before: float,
    t_after: float,
    c_before: float,
    c_after: float,
    confidence: float = 0.95,
) -> RelativeEffectSize:
    """Relative effect size (an odds ratio of before/after counts) with its Wald interval.

    Source: Farrington, D. P., Gill, M., Waples, S. J. & Argomaniz, J. (2007), "The effects of
    closed-circuit television on crime: meta-analysis of an English national quasi-experimental
    multi-site evaluation", Journal of Experimental Criminology 3(1):21-38 (appendix); the same
    measure is used in the hot-spot policing reviews (Braga, Papachristos & Hureau 2014,
    Justice Quarterly 31(4); Braga et al. 2019, Campbell Systematic Reviews).

    Rule: with a = treated before, b = treated after, c = control before, d = control after,
    ``RES = (a*d)/(b*c) = (c_after/c_before) / (t_after/t_before)``, so RES > 1 means the treated
    area did better than the control area (RES = 2: control doubled while treated stayed
    constant, or treated halved while control stayed constant). Assuming Poisson counts,
    ``var(log RES) = 1/a + 1/b + 1/c + 1/d``; the interval is ``exp(log RES +/- z * se)`` and the
    test is the two-sided normal test of ``log RES = 0``. No continuity correction is applied:
    a zero count returns an undefined result.
    """
    level = check.confidence(confidence)
    counts = {
        "t_before": check.count("t_before", t_before),
        "t_after": check.count("t_after", t_after),
        "c_before": check.count("c_before", c_before),
        "c_after": check.count("c_after", c_after),
    }
    zero = [name for name, value in counts.items() if value == 0]
    if zero:
        return RelativeEffectSize(
            res=None,
            log_res=None,
            se=None,
            ci_low=None,
            ci_high=None,
            z=None,
            p_value=None,
            confidence=level,
            reason="zero_count",
            message=(
                f"{', '.join(zero)} {'is' if len(zero) == 1 else 'are'} zero; the relative effect "
                "size and its variance need every count to be positive"
            ),
        )
    a, b = counts["t_before"], counts["t_after"]
    c, d = counts["c_before"], counts["c_after"]
    # Sum of logs rather than log of a product: no overflow for very large counts.
    log_res = math.log(a) + math.log(d) - math.log(b) - math.log(c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    half_width = check.z_critical(level) * se
    z = log_res / se
    return RelativeEffectSize(
        res=_exp(log_res),
        log_res=log_res,
        se=se,
        ci_low=_exp(log_res - half_width),
        ci_high=_exp(log_res + half_width),
        z=z,
        p_value=check.two_sided_p(z),
        confidence=level,
    )


@dataclass(frozen=True, slots=True)
class PooledEstimate:
    """One pooled estimate: on the log scale and exponentiated (``ratio``).

    Exponentiated fields are ``None`` only if they would overflow a float.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    ratio: float | None
    ratio_ci_low: float | None
    ratio_ci_high: float | None


@dataclass(frozen=True, slots=True)
class PooledEffect:
    """Result of :func:`pooled_effect`.

    The headline fields (``estimate`` ... ``ratio_ci_high``) repeat the estimate chosen by
    ``method``; ``fixed`` and ``random`` hold both. ``i2`` is a percentage in [0, 100].
    """

    method: Literal["random", "fixed"]
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    ratio: float | None
    ratio_ci_low: float | None
    ratio_ci_high: float | None
    fixed: PooledEstimate
    random: PooledEstimate
    tau2: float
    i2: float
    q: float
    df: int
    q_p_value: float
    k: int
    confidence: float


def _pooled(estimate: float, se: float, z_crit: float) -> PooledEstimate:
    low, high = estimate - z_crit * se, estimate + z_crit * se
    z = estimate / se
    return PooledEstimate(
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        z=z,
        p_value=check.two_sided_p(z),
        ratio=_exp(estimate),
        ratio_ci_low=_exp(low),
        ratio_ci_high=_exp(high),
    )


def _checked_studies(
    log_effects: ArrayLike, variances: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """At least two studies with finite effects and positive, invertible variances: the
    effects, the variances and the inverse-variance weights."""
    y = check.finite_vector("log_effects", log_effects)
    v = check.finite_vector("variances", variances)
    if y.shape != v.shape:
        raise EvaluationInputError(
            f"log_effects and variances must have the same length, got {y.size} and {v.size}",
            argument="variances",
        )
    if y.size < 2:
        raise EvaluationInputError(
            f"log_effects must hold at least 2 studies to pool, got {y.size}",
            argument="log_effects",
        )
    if (v <= 0).any():
        first = int(np.flatnonzero(v <= 0)[0])
        raise EvaluationInputError(
            f"variances must be positive; element {first} is {v[first]!r}", argument="variances"
        )
    with np.errstate(over="ignore", divide="ignore"):
        w = 1.0 / v
    if not np.isfinite(w).all() or not np.isfinite(w.sum()):
        raise EvaluationInputError(
            "variances are too small to invert as weights", argument="variances"
        )
    return y, v, w


def pooled_effect(
    log_effects: ArrayLike,
    variances: ArrayLike,
    *,
    method: Literal["random", "fixed"] = "random",
    confidence: float = 0.95,
) -> PooledEffect:
    """Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling.

    Source: DerSimonian, R. & Laird, N. (1986), "Meta-analysis in clinical trials", Controlled
    Clinical Trials 7(3):177-188; I^2 from Higgins, J. P. T. & Thompson, S. G. (2002),
    "Quantifying heterogeneity in a meta-analysis", Statistics in Medicine 21(11):1539-1558.

    Rules, with ``w_i = 1/v_i``: fixed estimate ``sum(w y)/sum(w)`` with variance ``1/sum(w)``;
    ``Q = sum(w (y - fixed)^2)`` on ``k - 1`` df; ``tau^2 = max(0, (Q - df) / (sum(w) -
    sum(w^2)/sum(w)))``; random estimate with weights ``1/(v_i + tau^2)``;
    ``I^2 = 100 * max(0, Q - df) / Q`` (0 when Q = 0). Intervals and tests are normal (Wald).
    ``method`` picks the headline estimate; both are always computed. Give effects on the log
    scale (e.g. ``log_res`` from :func:`relative_effect_size`) with their variances.
    """
    if method not in ("random", "fixed"):
        raise EvaluationInputError(
            f"method must be 'random' or 'fixed', got {method!r}", argument="method"
        )
    level = check.confidence(confidence)
    y, v, w = _checked_studies(log_effects, variances)

    k = int(y.size)
    df = k - 1
    sum_w = float(w.sum())
    fixed_estimate = float(np.dot(w, y) / sum_w)
    q = float(np.dot(w, (y - fixed_estimate) ** 2))
    c = sum_w - float(np.dot(w, w)) / sum_w
    tau2 = max(0.0, (q - df) / c) if c > 0 else 0.0
    i2 = 100.0 * max(0.0, q - df) / q if q > 0 else 0.0

    w_random = 1.0 / (v + tau2)
    sum_w_random = float(w_random.sum())
    random_estimate = float(np.dot(w_random, y) / sum_w_random)

    if not all(math.isfinite(x) for x in (fixed_estimate, q, tau2, random_estimate)):
        raise EvaluationInputError(
            "log_effects and variances are too extreme to pool in floating point",
            argument="log_effects",
        )

    z_crit = check.z_critical(level)
    fixed = _pooled(fixed_estimate, math.sqrt(1.0 / sum_w), z_crit)
    random = _pooled(random_estimate, math.sqrt(1.0 / sum_w_random), z_crit)
    headline = random if method == "random" else fixed
    return PooledEffect(
        method=method,
        estimate=headline.estimate,
        se=headline.se,
        ci_low=headline.ci_low,
        ci_high=headline.ci_high,
        z=headline.z,
        p_value=headline.p_value,
        ratio=headline.ratio,
        ratio_ci_low=headline.ratio_ci_low,
        ratio_ci_high=headline.ratio_ci_high,
        fixed=fixed,
        random=random,
        tau2=tau2,
        i2=min(100.0, i2),
        q=q,
        df=df,
        q_p_value=float(stats.chi2.sf(q, df)),
        k=k,
        confidence=level,
    )
