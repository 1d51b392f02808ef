import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from drogscen.evaluations.outlook import goal_outlook, rise_p_value


def test_a_steady_fall_is_projected_with_a_band_around_it():
    series = {2021: 64, 2022: 63, 2023: 63, 2024: 53}
    outlook = goal_outlook(series, target_year=2027)
    assert outlook.years == list(range(2021, 2028))
    i = outlook.years.index(2027)
    assert outlook.low[i] <= outlook.mean[i] <= outlook.high[i]
    assert outlook.mean[i] < 53
    assert outlook.annual_change < 0
    assert not outlook.few_points
    assert 0 <= outlook.probability_below_last <= 1
    assert goal_outlook(series, target_year=2027) == outlook  # deterministic


def test_few_years_say_the_uncertainty_is_large():
    outlook = goal_outlook({2023: 63, 2024: 53}, target_year=2027)
    assert outlook.few_points and outlook.reason is None
    assert goal_outlook({2024: 53}, target_year=2027).reason == "too_few_years"
    assert goal_outlook({2023: 0, 2024: 0}, target_year=2027).reason == "all_zero"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=2, max_size=8))
def test_bands_are_ordered_and_widen(values):
    series = {2017 + i: v for i, v in enumerate(values)}
    outlook = goal_outlook(series, target_year=2030)
    if outlook.reason:
        return
    widths = [h - lo for lo, h in zip(outlook.low, outlook.high, strict=True) if lo is not None]
    assert all(w >= 0 for w in widths)
    assert all(math.isfinite(m) for m in outlook.mean if m is not None)


@pytest.mark.parametrize(("before", "after"), [(10, 30), (5, 9), (100, 130)])
def test_rise_test_is_the_exact_conditional_binomial(before, after):
    expected = stats.binom.sf(after - 1, before + after, 0.5)
    assert rise_p_value(before, after) == pytest.approx(expected)
    assert rise_p_value(after, before) == 1.0
    assert rise_p_value(0, 0) == 1.0
