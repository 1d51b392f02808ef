"""Tests for the weighted displacement quotient (WDQ) and difference (WDD)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drogscen.evaluation import (
    EvaluationInputError,
    WDQInterpretation,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)

COUNTS = st.integers(min_value=0, max_value=500)
POSITIVE = st.integers(min_value=1, max_value=500)


def _float_fields_are_clean(result: object) -> bool:
    """Every float field is either None or finite (no silent inf/NaN)."""
    for name in result.__dataclass_fields__:  # type: ignore[attr-defined]
        value = getattr(result, name)
        if isinstance(value, float) and not math.isfinite(value):
            return False
    return True


# --- WDQ -------------------------------------------------------------------------------------


def test_wdq_formulas_of_guerette_appendix_b() -> None:
    """Guerette (2009), Analyzing Crime Displacement and Diffusion, POP tool guide 10, app. B.

    The appendix gives formulas only (no numeric example), so this checks them on counts whose
    results were worked by hand in exact fractions: Rb=100, Ra=80, Bb=50, Ba=55, Cb=200,
    Ca=190.  GE = 20; NE = 100/200 - 80/190 = 3/38; success = 8/19 - 1/2 = -3/38;
    buffer = 11/38 - 1/4 = 3/76; WDQ = (3/76)/(-3/38) = -1/2;
    TNE = [100*190/200 - 80] + [50*190/200 - 55] = 15 - 7.5 = 7.5.
    Appendix C: -1 < WDQ < 0 is displacement smaller than the response effect.
    """
    result = weighted_displacement_quotient(
        r_before=100, r_after=80, b_before=50, b_after=55, c_before=200, c_after=190
    )
    assert result.gross_effect == 20
    assert result.net_effect == pytest.approx(3 / 38, rel=1e-15)
    assert result.success_measure == pytest.approx(-3 / 38, rel=1e-15)
    assert result.buffer_measure == pytest.approx(3 / 76, rel=1e-15)
    assert result.wdq == -0.5
    assert result.total_net_effect == 7.5
    assert result.interpretation is WDQInterpretation.DISPLACEMENT_NET_BENEFIT
    assert result.interpretation == "displacement_net_benefit"
    assert result.reason is None


@pytest.mark.parametrize(
    ("b_after", "wdq", "tne", "code"),
    [
        # Rb=100, Ra=80, Bb=50, Cb=Ca=100: success = -0.2, buffer = (Ba - 50)/100.
        (40, 0.5, 30.0, "diffusion"),
        (50, 0.0, 20.0, "no_effect"),
        (60, -0.5, 10.0, "displacement_net_benefit"),
        (70, -1.0, 0.0, "displacement_exceeds_effect"),  # displacement cancels the effect
        (80, -1.5, -10.0, "displacement_exceeds_effect"),
    ],
)
def test_wdq_interpretation_codes_follow_guerette_appendix_c(
    b_after: int, wdq: float, tne: float, code: str
) -> None:
    """Appendix C of Guerette (2009): sign and size of the WDQ; values hand-computed."""
    result = weighted_displacement_quotient(
        r_before=100, r_after=80, b_before=50, b_after=b_after, c_before=100, c_after=100
    )
    assert result.wdq == pytest.approx(wdq, abs=1e-15)
    assert result.total_net_effect == pytest.approx(tne, abs=1e-12)
    assert result.interpretation == code


def test_wdq_without_success_is_not_interpretable() -> None:
    """Bowers & Johnson (2003): the WDQ is only meaningful when the success measure is < 0."""
    result = weighted_displacement_quotient(
        r_before=50, r_after=60, b_before=40, b_after=30, c_before=100, c_after=100
    )
    assert result.success_measure == pytest.approx(0.1)
    assert result.wdq == pytest.approx(-1.0)
    assert result.interpretation == "not_interpretable"
    assert result.reason == "no_success"


def test_wdq_zero_success_measure_is_undefined() -> None:
    result = weighted_displacement_quotient(
        r_before=50, r_after=40, b_before=10, b_after=12, c_before=100, c_after=80
    )
    assert result.success_measure == 0.0
    assert result.wdq is None
    assert result.interpretation == "not_interpretable"
    assert result.reason == "success_measure_zero"
    assert result.message


def test_wdq_zero_control_counts_are_undefined_not_infinite() -> None:
    after_zero = weighted_displacement_quotient(
        r_before=10, r_after=5, b_before=8, b_after=8, c_before=12, c_after=0
    )
    assert after_zero.wdq is None and after_zero.success_measure is None
    assert after_zero.net_effect is None
    assert after_zero.total_net_effect == -5.0 - 8.0  # TNE only divides by Cb
    assert after_zero.reason == "control_count_zero"
    assert "c_after" in (after_zero.message or "")

    before_zero = weighted_displacement_quotient(
        r_before=10, r_after=5, b_before=8, b_after=8, c_before=0, c_after=3
    )
    assert before_zero.total_net_effect is None
    assert before_zero.gross_effect == 5
    assert "c_before" in (before_zero.message or "")


@pytest.mark.parametrize(
    ("argument", "value"),
    [("r_before", -1), ("b_after", float("nan")), ("c_after", float("inf")), ("c_before", "7")],
)
def test_wdq_rejects_bad_counts_naming_the_argument(argument: str, value: object) -> None:
    counts: dict[str, object] = dict(
        r_before=10, r_after=5, b_before=8, b_after=8, c_before=12, c_after=9
    )
    counts[argument] = value
    with pytest.raises(EvaluationInputError, match=argument) as caught:
        weighted_displacement_quotient(**counts)  # type: ignore[arg-type]
    assert caught.value.argument == argument
    assert isinstance(caught.value, ValueError)


@settings(max_examples=150, deadline=None, database=None)
@given(COUNTS, COUNTS, COUNTS, COUNTS, POSITIVE, POSITIVE, st.integers(2, 40))
def test_wdq_invariant_to_scaling_control_counts(
    rb: int, ra: int, bb: int, ba: int, cb: int, ca: int, factor: int
) -> None:
    """Only the control ratio Ca/Cb enters WDQ and TNE, so scaling Cb and Ca changes nothing."""
    base = weighted_displacement_quotient(
        r_before=rb, r_after=ra, b_before=bb, b_after=ba, c_before=cb, c_after=ca
    )
    scaled = weighted_displacement_quotient(
        r_before=rb, r_after=ra, b_before=bb, b_after=ba, c_before=cb * factor, c_after=ca * factor
    )
    assert scaled.wdq == base.wdq
    assert scaled.interpretation == base.interpretation
    assert scaled.total_net_effect == base.total_net_effect
    assert base.success_measure is not None and scaled.success_measure is not None
    assert scaled.success_measure == pytest.approx(base.success_measure / factor, rel=1e-12)


@settings(max_examples=200, deadline=None, database=None)
@given(COUNTS, COUNTS, COUNTS, COUNTS, COUNTS, COUNTS)
def test_wdq_never_returns_inf_or_nan_and_matches_exact_arithmetic(
    rb: int, ra: int, bb: int, ba: int, cb: int, ca: int
) -> None:
    result = weighted_displacement_quotient(
        r_before=rb, r_after=ra, b_before=bb, b_after=ba, c_before=cb, c_after=ca
    )
    assert _float_fields_are_clean(result)
    if cb and ca:
        success = Fraction(ra, ca) - Fraction(rb, cb)
        buffer = Fraction(ba, ca) - Fraction(bb, cb)
        expected = None if success == 0 else float(buffer / success)
        assert result.wdq == expected
        if success < 0 and expected is not None:
            assert result.interpretation != "not_interpretable"
        else:
            assert result.interpretation == "not_interpretable"
    else:
        assert result.wdq is None and result.interpretation == "not_interpretable"


# --- WDD -------------------------------------------------------------------------------------


def test_wdd_wheeler_blog_example_unequal_periods() -> None:
    """Wheeler, "The WDD test with different pre/post time periods" (andrewpwheeler.com,
    2021-01-09), first table: treated 80 -> 20, control 100 -> 50 gives
    (20 - 80) - (50 - 100) = -10 with variance 20 + 80 + 50 + 100 = 250, SE ~ 15.8,
    "not a statistically significant effect".
    """
    result = weighted_displacement_difference(t_before=80, t_after=20, c_before=100, c_after=50)
    assert result.estimate == -10
    assert result.se == pytest.approx(math.sqrt(250))
    assert round(result.se, 1) == 15.8
    assert result.p_value is not None and result.p_value > 0.05
    assert result.local_estimate == -10 and result.displacement_estimate == 0


def test_wdd_crimede_coder_example() -> None:
    """Wheeler, "Some extensions to the WDD statistic" (crimede-coder.com, 2025): control
    100 -> 90, treated 100 -> 80 is an extra reduction of 10 crimes with a standard error of
    (about) 19; sqrt(100 + 80 + 100 + 90) = 19.24.
    """
    result = weighted_displacement_difference(t_before=100, t_after=80, c_before=100, c_after=90)
    assert result.estimate == -10
    assert round(result.se) == 19
    assert result.se == pytest.approx(math.sqrt(370))


def test_wdd_with_displacement_areas_and_interval() -> None:
    """Wheeler & Ratcliffe (2018), Crime Science 7:11, eq. for WDD = dT - dCt + dD - dCd and
    var = sum of the eight counts; numbers worked by hand: dT = -97, dCt = 10, dD = -21,
    dCd = -10 -> local -107 (var 943), displacement -11 (var 625), total -118 (var 1568).
    """
    result = weighted_displacement_difference(
        t_before=207,
        t_after=110,
        c_before=308,
        c_after=318,
        d_before=178,
        d_after=157,
        dc_before=150,
        dc_after=140,
        confidence=0.90,
    )
    assert result.local_estimate == -107 and result.local_se == pytest.approx(math.sqrt(943))
    assert result.displacement_estimate == -11 and result.displacement_se == 25.0
    assert result.estimate == -118 and result.se == pytest.approx(math.sqrt(1568))
    z90 = 1.6448536269514722  # scipy.stats.norm.ppf(0.95)
    assert result.ci_low == pytest.approx(-118 - z90 * math.sqrt(1568))
    assert result.ci_high == pytest.approx(-118 + z90 * math.sqrt(1568))
    assert result.z == pytest.approx(-118 / math.sqrt(1568))


def test_wdd_all_zero_counts_is_undefined() -> None:
    result = weighted_displacement_difference(t_before=0, t_after=0, c_before=0, c_after=0)
    assert result.estimate == 0 and result.se == 0
    assert result.z is None and result.p_value is None and result.ci_low is None
    assert result.reason == "zero_variance"


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"t_before": -3}, "t_before"),
        ({"dc_after": float("nan")}, "dc_after"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": 0}, "confidence"),
        ({"c_after": True}, "c_after"),
    ],
)
def test_wdd_rejects_bad_input(kwargs: dict[str, object], argument: str) -> None:
    counts: dict[str, object] = dict(t_before=10, t_after=5, c_before=12, c_after=9)
    counts.update(kwargs)
    with pytest.raises(EvaluationInputError, match=argument):
        weighted_displacement_difference(**counts)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, database=None)
@given(COUNTS, COUNTS, COUNTS, COUNTS)
def test_wdd_sign_and_symmetry(t0: int, t1: int, c0: int, c1: int) -> None:
    """Negative exactly when the treated area fell more (rose less) than its control; swapping
    treated and control negates the estimate and keeps the standard error."""
    result = weighted_displacement_difference(t_before=t0, t_after=t1, c_before=c0, c_after=c1)
    swapped = weighted_displacement_difference(t_before=c0, t_after=c1, c_before=t0, c_after=t1)
    assert (result.estimate < 0) == ((t1 - t0) < (c1 - c0))
    assert swapped.estimate == -result.estimate
    assert swapped.se == result.se
    assert _float_fields_are_clean(result)
    if result.p_value is not None:
        assert 0.0 <= result.p_value <= 1.0
        assert result.ci_low is not None and result.ci_high is not None
        assert result.ci_low <= result.estimate <= result.ci_high
