"""The progress arithmetic, without a database."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drogscen.interventions.progress import progress_of

quantities = st.integers(min_value=0, max_value=10_000)


def test_weekend_operation_31_of_40():
    # "Weekend operation on at least 40 of 52 weekends", reported per quarter.
    progress = progress_of(40, [9, 8, 7, 7])
    assert (progress.done, progress.planned) == (31, 40)
    assert progress.share == Fraction(31, 40)
    assert progress.percent == 77.5
    assert progress.remaining == 9
    assert not progress.reached


def test_nothing_planned_has_no_share():
    progress = progress_of(0, [3])
    assert progress.share is None and progress.percent is None
    assert not progress.reached


def test_negative_values_are_refused():
    with pytest.raises(ValueError):
        progress_of(5, [1, -1])
    with pytest.raises(ValueError):
        progress_of(-1, [])


@given(planned=quantities, actuals=st.lists(quantities, max_size=20))
def test_done_is_the_sum_and_share_is_done_over_planned(planned, actuals):
    progress = progress_of(planned, actuals)
    assert progress.done == sum(actuals)
    if planned == 0:
        assert progress.share is None
    else:
        assert progress.share * planned == progress.done
        assert progress.percent == pytest.approx(100 * sum(actuals) / planned)
    assert progress.remaining == max(planned - progress.done, 0)
    assert progress.reached == (planned > 0 and progress.remaining == 0)


@given(planned=quantities, actuals=st.lists(quantities, max_size=20), more=quantities)
def test_reporting_more_never_lowers_the_share(planned, actuals, more):
    before, after = progress_of(planned, actuals), progress_of(planned, [*actuals, more])
    assert after.done >= before.done
    if planned:
        assert after.share >= before.share


@given(planned=st.integers(min_value=1, max_value=10_000), actuals=st.lists(quantities))
def test_order_of_reports_does_not_matter(planned, actuals):
    assert progress_of(planned, actuals) == progress_of(planned, list(reversed(actuals)))
