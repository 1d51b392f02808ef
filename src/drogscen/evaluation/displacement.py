"""Spatial displacement statistics for place-based interventions: WDQ and WDD.

Both compare crime counts before and after an intervention in the treated (response) area,
a surrounding buffer/displacement area and control areas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from . import _validation as check

__all__ = [
    "WDQInterpretation",
    "WeightedDisplacementDifference",
    "WeightedDisplacementQuotient",
    "weighted_displacement_difference",
    "weighted_displacement_quotient",
]


class WDQInterpretation(StrEnum):
    """Reading of a weighted displacement quotient (Guerette 2009, appendix C).

    A ``StrEnum``, so members compare equal to their plain string codes.
    """

    #: WDQ > 0: the buffer improved too, a diffusion of benefits (> 1: diffusion larger than
    #: the direct effect in the response area).
    DIFFUSION = "diffusion"
    #: -1 < WDQ < 0: some displacement to the buffer, but less than the direct effect.
    DISPLACEMENT_NET_BENEFIT = "displacement_net_benefit"
    #: WDQ <= -1: displacement equals or exceeds the direct effect.
    DISPLACEMENT_EXCEEDS_EFFECT = "displacement_exceeds_effect"
    #: WDQ == 0: the buffer changed exactly as the control area did.
    NO_EFFECT = "no_effect"
    #: The response area did not improve relative to control (success measure >= 0), or a
    #: control count is zero: the WDQ carries no displacement information.
    NOT_INTERPRETABLE = "not_interpretable"


@dataclass(frozen=True, slots=True)
class WeightedDisplacementQuotient:
    """Result of :func:`weighted_displacement_quotient`.

    Ratio fields are ``None`` where a control count they divide by is zero; ``reason`` is then
    a short code and ``message`` an English explanation (both ``None`` for a clean result).
    """

    success_measure: float | None
    buffer_measure: float | None
    wdq: float | None
    gross_effect: float
    net_effect: float | None
    total_net_effect: float | None
    interpretation: WDQInterpretation
    reason: str | None = None
    message: str | None = None


def _wdq_without_control(
    *, cb: Fraction, ca: Fraction, gross_effect: float, total_net_effect: float | None
) -> WeightedDisplacementQuotient:
    """A zero control count: only the gross effect (and, with Cb > 0, the TNE) stand."""
    zero = [name for name, value in (("c_before", cb), ("c_after", ca)) if value == 0]
    return WeightedDisplacementQuotient(
        success_measure=None,
        buffer_measure=None,
        wdq=None,
        gross_effect=gross_effect,
        net_effect=None,
        total_net_effect=total_net_effect,
        interpretation=WDQInterpretation.NOT_INTERPRETABLE,
        reason="control_count_zero",
        message=(
            f"{' and '.join(zero)} is zero, so ratios to the control area (success measure, "
            "buffer measure, WDQ, net effect) are undefined"
        ),
    )


def _wdq_interpretation(
    success: Fraction, wdq: Fraction
) -> tuple[WDQInterpretation, str | None, str | None]:
    """Guerette app. C, only when the success measure is negative (Bowers & Johnson)."""
    if success > 0:
        return (
            WDQInterpretation.NOT_INTERPRETABLE,
            "no_success",
            "the response area did not improve relative to the control area (success measure > 0)"
            "; the WDQ says nothing about displacement",
        )
    if wdq > 0:
        return WDQInterpretation.DIFFUSION, None, None
    if wdq == 0:
        return WDQInterpretation.NO_EFFECT, None, None
    if wdq > -1:
        return WDQInterpretation.DISPLACEMENT_NET_BENEFIT, None, None
    return WDQInterpretation.DISPLACEMENT_EXCEEDS_EFFECT, None, None


def weighted_displacement_quotient(
    *,
    r_before: float,
    r_after: float,
    b_before: float,
    b_after: float,
    c_before: float,
    c_after: float,
) -> WeightedDisplacementQuotient:
    """Weighted displacement quotient and total net effect.

    Sources: Bowers, K. J. & Johnson, S. D. (2003), "Measuring the geographical displacement
    and diffusion of benefit effects of crime prevention activity", Journal of Quantitative
    Criminology 19(3):275-301; Guerette, R. T. (2009), *Analyzing Crime Displacement and
    Diffusion*, Problem-Oriented Guides for Police, Tool Guide No. 10, appendices B and C.

    ``r`` is the response (treated) area, ``b`` the buffer (catchment) area, ``c`` the control
    area; ``_before``/``_after`` are counts for equally long periods. Rules (Guerette app. B):

    * gross effect ``GE = Rb - Ra`` (positive = fewer crimes in the response area);
    * net effect ``NE = Rb/Cb - Ra/Ca`` (positive = the response area fell relative to control;
      note it is exactly ``-success_measure``);
    * success measure ``Ra/Ca - Rb/Cb`` (negative = success), buffer measure
      ``Ba/Ca - Bb/Cb`` (positive = possible displacement, negative = possible diffusion);
    * ``WDQ = buffer measure / success measure``;
    * total net effect ``TNE = [Rb(Ca/Cb) - Ra] + [Bb(Ca/Cb) - Ba]`` (crimes prevented in the
      response and buffer areas together, given the control trend; positive = benefit).

    Interpretation (Guerette app. C; Bowers & Johnson: the WDQ is only meaningful when the
    success measure is negative): WDQ > 0 diffusion, 0 no effect, between -1 and 0 displacement
    with a net benefit, <= -1 displacement equal to or larger than the direct effect. A
    non-negative success measure or a zero control count gives ``not_interpretable``.

    Arithmetic is exact (``fractions.Fraction``) so that signs, and hence the interpretation,
    never flip through rounding; values are returned as floats.
    """
    # Long by its docstring, the published rules; the body follows them in their order.
    rb = Fraction(check.count("r_before", r_before))
    ra = Fraction(check.count("r_after", r_after))
    bb = Fraction(check.count("b_before", b_before))
    ba = Fraction(check.count("b_after", b_after))
    cb = Fraction(check.count("c_before", c_before))
    ca = Fraction(check.count("c_after", c_after))

    gross_effect = float(rb - ra)
    # TNE only divides by Cb, so it survives a zero Ca.
    total_net_effect = None if cb == 0 else float((rb * ca / cb - ra) + (bb * ca / cb - ba))

    if cb == 0 or ca == 0:
        return _wdq_without_control(
            cb=cb, ca=ca, gross_effect=gross_effect, total_net_effect=total_net_effect
        )

    success = ra / ca - rb / cb
    buffer = ba / ca - bb / cb
    net_effect = rb / cb - ra / ca

    if success == 0:
        return WeightedDisplacementQuotient(
            success_measure=0.0,
            buffer_measure=float(buffer),
            wdq=None,
            gross_effect=gross_effect,
            net_effect=float(net_effect),
            total_net_effect=total_net_effect,
            interpretation=WDQInterpretation.NOT_INTERPRETABLE,
            reason="success_measure_zero",
            message=(
                "the response area changed exactly as the control area did (success measure 0), "
                "so the WDQ is undefined"
            ),
        )

    wdq = buffer / success
    interpretation, reason, message = _wdq_interpretation(success, wdq)
    return WeightedDisplacementQuotient(
        success_measure=float(success),
        buffer_measure=float(buffer),
        wdq=float(wdq),
        gross_effect=gross_effect,
        net_effect=float(net_effect),
        total_net_effect=total_net_effect,
        interpretation=interpretation,
        reason=reason,
        message=message,
    )


@dataclass(frozen=True, slots=True)
class WeightedDisplacementDifference:
    """Result of :func:`weighted_displacement_difference`.

    Negative estimates mean fewer crimes than the control trend predicts (a reduction).
    ``z``, ``p_value`` and the interval are ``None`` when every count is zero (zero variance);
    ``reason``/``message`` then say so.
    """

    estimate: float
    se: float
    z: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    local_estimate: float
    local_se: float
    displacement_estimate: float
    displacement_se: float
    confidence: float
    reason: str | None = None
    message: str | None = None


def weighted_displacement_difference(
    *,
    t_before: float,
    t_after: float,
    c_before: float,
    c_after: float,
    d_before: float = 0,
    d_after: float = 0,
    dc_before: float = 0,
    dc_after: float = 0,
    confidence: float = 0.95,
) -> WeightedDisplacementDifference:
    """Weighted displacement difference test.

    Source: Wheeler, A. P. & Ratcliffe, J. H. (2018), "A simple weighted displacement
    difference test to evaluate place based crime interventions", Crime Science 7:11.

    ``t`` treated area, ``c`` its control, ``d`` the displacement (buffer) area, ``dc`` the
    displacement area's control. Rule: ``WDD = dT - dC + dD - dDc`` with ``dX = X_after -
    X_before``; under a Poisson model each count's variance is the count itself, so
    ``var(WDD) = sum of all eight counts``. The test uses the normal approximation:
    ``z = WDD / se``, two-sided p-value, ``WDD +/- z_(1-a/2) * se``. The local part is
    ``dT - dC`` (variance: the four treated/control counts), the displacement part
    ``dD - dDc``. Leave the displacement arguments at 0 when there is no displacement area.
    """
    level = check.confidence(confidence)
    t0 = check.count("t_before", t_before)
    t1 = check.count("t_after", t_after)
    c0 = check.count("c_before", c_before)
    c1 = check.count("c_after", c_after)
    d0 = check.count("d_before", d_before)
    d1 = check.count("d_after", d_after)
    dc0 = check.count("dc_before", dc_before)
    dc1 = check.count("dc_after", dc_after)

    local_estimate = (t1 - t0) - (c1 - c0)
    displacement_estimate = (d1 - d0) - (dc1 - dc0)
    local_variance = t0 + t1 + c0 + c1
    displacement_variance = d0 + d1 + dc0 + dc1
    estimate = local_estimate + displacement_estimate
    variance = local_variance + displacement_variance
    se = math.sqrt(variance)

    common = {
        "estimate": estimate,
        "se": se,
        "local_estimate": local_estimate,
        "local_se": math.sqrt(local_variance),
        "displacement_estimate": displacement_estimate,
        "displacement_se": math.sqrt(displacement_variance),
        "confidence": level,
    }
    if variance == 0:
        return WeightedDisplacementDifference(
            z=None,
            ci_low=None,
            ci_high=None,
            p_value=None,
            reason="zero_variance",
            message="every count is zero, so the Poisson variance is zero and no test is possible",
            **common,
        )
    z = estimate / se
    half_width = check.z_critical(level) * se
    return WeightedDisplacementDifference(
        z=z,
        ci_low=estimate - half_width,
        ci_high=estimate + half_width,
        p_value=check.two_sided_p(z),
        **common,
    )
