"""Tests for the relative effect size (RES) and DerSimonian-Laird pooling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.meta_analysis import combine_effects

from drogscen.evaluation import EvaluationInputError, pooled_effect, relative_effect_size

# metafor's dat.bcg (Colditz et al. 1994, JAMA 271:698-702): 13 BCG vaccine trials.
BCG_TPOS = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
BCG_TNEG = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
BCG_CPOS = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
BCG_CNEG = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])


def _bcg_log_risk_ratios() -> tuple[np.ndarray, np.ndarray]:
    """metafor ``escalc(measure="RR")``: log risk ratio and its large-sample variance."""
    n_t = BCG_TPOS + BCG_TNEG
    n_c = BCG_CPOS + BCG_CNEG
    yi = np.log((BCG_TPOS / n_t) / (BCG_CPOS / n_c))
    vi = 1 / BCG_TPOS - 1 / n_t + 1 / BCG_CPOS - 1 / n_c
    return yi, vi


# --- RES -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t_before", "t_after", "c_before", "c_after"),
    [(100, 100, 100, 200), (100, 50, 100, 100)],
)
def test_res_equals_two_in_farrington_illustrations(
    t_before: int, t_after: int, c_before: int, c_after: int
) -> None:
    """Farrington, Gill, Waples & Argomaniz (2007), J Exp Criminol 3:21-38, appendix: "RES = 2
    ... could be obtained ... if crimes doubled in the control area and stayed constant in the
    experimental area, or if crimes decreased by half in the experimental area and stayed
    constant in the control area"."""
    result = relative_effect_size(
        t_before=t_before, t_after=t_after, c_before=c_before, c_after=c_after
    )
    assert result.res == pytest.approx(2.0, rel=1e-14)
    assert result.log_res == pytest.approx(math.log(2), rel=1e-14)


def test_res_variance_and_interval_match_statsmodels_odds_ratio() -> None:
    """var(log RES) = 1/a + 1/b + 1/c + 1/d (Farrington et al. 2007) is the usual log odds
    ratio variance, so statsmodels' Table2x2 is an independent check of RES, SE, CI and p."""
    counts = {"t_before": 145, "t_after": 98, "c_before": 210, "c_after": 201}
    result = relative_effect_size(**counts, confidence=0.9)
    # Rows treated/control, columns after/before: OR = (Ta*Cb)/(Tb*Ca) = 1/RES.
    table = Table2x2(np.array([[98, 145], [201, 210]]))
    assert result.log_res == pytest.approx(-table.log_oddsratio, rel=1e-12)
    assert result.se == pytest.approx(table.log_oddsratio_se, rel=1e-12)
    low, high = table.oddsratio_confint(alpha=0.1)
    assert result.ci_low == pytest.approx(1 / high, rel=1e-12)
    assert result.ci_high == pytest.approx(1 / low, rel=1e-12)
    assert result.p_value == pytest.approx(table.log_oddsratio_pvalue(), rel=1e-10)
    assert result.res is not None and result.res > 1  # treated fell more than control


def test_res_zero_count_is_undefined() -> None:
    result = relative_effect_size(t_before=12, t_after=0, c_before=9, c_after=0)
    assert result.res is None and result.se is None and result.p_value is None
    assert result.reason == "zero_count"
    assert "t_after" in (result.message or "") and "c_after" in (result.message or "")


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"t_before": -1}, "t_before"),
        ({"c_after": float("inf")}, "c_after"),
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": float("nan")}, "confidence"),
    ],
)
def test_res_rejects_bad_input(kwargs: dict[str, object], argument: str) -> None:
    counts: dict[str, object] = dict(t_before=10, t_after=5, c_before=12, c_after=9)
    counts.update(kwargs)
    with pytest.raises(EvaluationInputError, match=argument):
        relative_effect_size(**counts)  # type: ignore[arg-type]


COUNT = st.integers(min_value=0, max_value=10_000)
POSITIVE = st.integers(min_value=1, max_value=10_000)


@settings(max_examples=200, deadline=None, database=None)
@given(POSITIVE, POSITIVE, POSITIVE, POSITIVE)
def test_res_swapping_treated_and_control_inverts_it(a: int, b: int, c: int, d: int) -> None:
    forward = relative_effect_size(t_before=a, t_after=b, c_before=c, c_after=d)
    backward = relative_effect_size(t_before=c, t_after=d, c_before=a, c_after=b)
    assert forward.res is not None and backward.res is not None
    assert forward.res * backward.res == pytest.approx(1.0, rel=1e-12)
    assert forward.se == pytest.approx(backward.se, rel=1e-14)
    assert forward.p_value == pytest.approx(backward.p_value, rel=1e-9, abs=1e-300)


@settings(max_examples=200, deadline=None, database=None)
@given(POSITIVE, POSITIVE, POSITIVE, POSITIVE, st.integers(2, 1000))
def test_res_invariant_to_scaling_control_counts(a: int, b: int, c: int, d: int, k: int) -> None:
    base = relative_effect_size(t_before=a, t_after=b, c_before=c, c_after=d)
    scaled = relative_effect_size(t_before=a, t_after=b, c_before=c * k, c_after=d * k)
    assert base.res is not None and scaled.res is not None
    assert scaled.res == pytest.approx(base.res, rel=1e-12)
    # The variance shrinks: larger control counts carry more information.
    assert scaled.se is not None and base.se is not None and scaled.se < base.se


@settings(max_examples=200, deadline=None, database=None)
@given(COUNT, COUNT, COUNT, COUNT)
def test_res_never_returns_inf_or_nan(a: int, b: int, c: int, d: int) -> None:
    result = relative_effect_size(t_before=a, t_after=b, c_before=c, c_after=d)
    for name in ("res", "log_res", "se", "ci_low", "ci_high", "z", "p_value"):
        value = getattr(result, name)
        assert value is None or math.isfinite(value)
    assert (result.res is None) == (0 in (a, b, c, d))


# --- pooling ---------------------------------------------------------------------------------


def test_dersimonian_laird_on_bcg_data_matches_metafor_and_statsmodels() -> None:
    """metafor's dat.bcg with escalc(measure="RR") and rma(method="DL"): estimate -0.7141,
    tau^2 0.3088, I^2 92.12 %, Q 152.23 on 12 df (Viechtbauer 2010, J Stat Softw 36(3)).
    Verified here against statsmodels' independent ``combine_effects(method_re="dl")``, which
    gives estimate -0.714117 (SE 0.178742, CI -1.064445 to -0.363789), fixed -0.430285
    (SE 0.040499), tau^2 0.308760, I^2 0.921173, Q 152.233008.
    """
    yi, vi = _bcg_log_risk_ratios()
    result = pooled_effect(yi, vi)
    assert result.method == "random" and result.k == 13 and result.df == 12
    assert result.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert result.se == pytest.approx(0.178742, abs=5e-7)
    assert result.ci_low == pytest.approx(-1.064445, abs=5e-7)
    assert result.ci_high == pytest.approx(-0.363789, abs=5e-7)
    assert result.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert result.i2 == pytest.approx(92.12, abs=5e-3)
    assert result.q == pytest.approx(152.23, abs=5e-3)
    assert result.q_p_value < 1e-20
    assert result.fixed.estimate == pytest.approx(-0.430285, abs=5e-7)
    assert result.fixed.se == pytest.approx(0.040499, abs=5e-7)
    assert result.ratio == pytest.approx(math.exp(-0.714117), rel=1e-5)

    independent = combine_effects(yi, vi, method_re="dl")
    assert result.estimate == pytest.approx(independent.mean_effect_re, rel=1e-12)
    assert result.se == pytest.approx(independent.sd_eff_w_re, rel=1e-12)
    assert result.tau2 == pytest.approx(independent.tau2, rel=1e-12)
    assert result.i2 == pytest.approx(100 * independent.i2, rel=1e-12)
    assert result.q == pytest.approx(independent.q, rel=1e-12)

    fixed = pooled_effect(yi, vi, method="fixed")
    assert fixed.estimate == result.fixed.estimate and fixed.random == result.random


def test_pooling_homogeneous_studies_gives_zero_tau2() -> None:
    result = pooled_effect([0.2, 0.2, 0.2], [0.1, 0.2, 0.3])
    assert result.tau2 == 0 and result.i2 == 0 and result.q == pytest.approx(0, abs=1e-28)
    assert result.random.estimate == pytest.approx(0.2) and result.q_p_value == pytest.approx(1)


@pytest.mark.parametrize(
    ("effects", "variances", "argument"),
    [
        ([0.1], [0.2], "log_effects"),
        ([0.1, 0.2], [0.2], "variances"),
        ([0.1, 0.2], [0.2, 0.0], "variances"),
        ([0.1, float("nan")], [0.2, 0.1], "log_effects"),
        ([0.1, 0.2], [0.2, -1], "variances"),
        ([[0.1, 0.2]], [[0.2, 0.1]], "log_effects"),
    ],
)
def test_pooling_rejects_bad_input(
    effects: list[object], variances: list[object], argument: str
) -> None:
    with pytest.raises(EvaluationInputError, match=argument):
        pooled_effect(effects, variances)


def test_pooling_rejects_unknown_method() -> None:
    with pytest.raises(EvaluationInputError, match="method"):
        pooled_effect([0.1, 0.2], [0.1, 0.1], method="bayes")  # type: ignore[arg-type]


STUDIES = st.lists(
    st.tuples(
        st.floats(min_value=-3, max_value=3, allow_nan=False),
        st.floats(min_value=1e-3, max_value=5, allow_nan=False),
    ),
    min_size=2,
    max_size=25,
)


@settings(max_examples=150, deadline=None, database=None)
@given(STUDIES)
def test_pooling_properties(studies: list[tuple[float, float]]) -> None:
    """Both estimates are weighted means (so lie within the inputs); 0 <= I^2 <= 100; tau^2 >=0
    makes the random-effects SE at least the fixed-effect SE; matches statsmodels."""
    y = np.array([s[0] for s in studies])
    v = np.array([s[1] for s in studies])
    result = pooled_effect(y, v)
    tolerance = 1e-12 * max(1.0, float(np.abs(y).max()))
    for estimate in (result.fixed.estimate, result.random.estimate):
        assert y.min() - tolerance <= estimate <= y.max() + tolerance
    assert 0.0 <= result.i2 <= 100.0
    assert result.tau2 >= 0.0
    assert result.random.se >= result.fixed.se * (1 - 1e-12)
    assert 0.0 <= result.q_p_value <= 1.0
    with np.errstate(all="ignore"):
        independent = combine_effects(y, v, method_re="dl")
    assert result.fixed.estimate == pytest.approx(independent.mean_effect_fe, abs=1e-9)
    # statsmodels does not truncate a negative DL tau^2 at zero (and yields NaN when Q = 0),
    # so the random-effects comparison is only meaningful where its tau^2 is positive.
    if np.isfinite(independent.tau2) and independent.tau2 > 0:
        assert result.random.estimate == pytest.approx(independent.mean_effect_re, abs=1e-9)
        assert result.tau2 == pytest.approx(independent.tau2, rel=1e-7)
