"""The counting rules on small hand-made cases, and their invariants (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from drogscen.mappings.counting import MappingRecord, goal_series, on_track, year_summary


def r(scene, year, is_open=True, joint=True):
    return MappingRecord(scene, year, is_open, joint)


def test_open_new_removed_and_unmapped():
    records = [
        r(1, 2023),
        r(2, 2023),
        r(3, 2023, is_open=False),
        r(1, 2024),
        r(3, 2024),
        r(4, 2024, is_open=False, joint=False),
    ]
    summary = year_summary(records, 2024, active_at_year_end=[1, 2, 3, 4, 5])
    assert (summary.count, summary.previous_count, summary.change) == (2, 2, 0)
    assert summary.new == {3}  # not open in 2023, open in 2024
    assert summary.removed == {2}  # open in 2023, no 2024 mapping at all
    assert summary.unmapped == {2, 5}
    assert summary.mappings == 3
    assert summary.joint_share == 2 / 3


def test_no_mappings_means_no_joint_share():
    assert year_summary([], 2024, active_at_year_end=[1]).joint_share is None


def test_on_track_needs_every_year_lower_than_the_year_before():
    assert on_track({2022: 64, 2023: 63, 2024: 53}) is True
    assert on_track({2022: 64, 2023: 63, 2024: 63}) is False
    assert on_track({2023: 63, 2024: 70}) is False
    assert on_track({2024: 53}) is None


def test_goal_series_counts_open_scenes_per_year():
    records = [r(1, 2023), r(2, 2023), r(1, 2024), r(2, 2024, is_open=False)]
    assert goal_series(records) == {2023: 2, 2024: 1}


records = st.lists(
    st.builds(
        MappingRecord, st.integers(1, 15), st.integers(2020, 2025), st.booleans(), st.booleans()
    ),
    max_size=60,
    unique_by=lambda rec: (rec.scene_id, rec.year),
)


@given(records, st.integers(2021, 2025))
def test_counts_balance(records, year):
    summary = year_summary(records, year, active_at_year_end=[])
    assert summary.count == summary.previous_count + len(summary.new) - len(summary.removed)
    assert summary.change == summary.count - summary.previous_count
    assert not summary.new & summary.removed
    if summary.joint_share is not None:
        assert 0 <= summary.joint_share <= 1


@given(records)
def test_the_goal_series_is_consistent_with_the_yearly_summaries(records):
    for year, count in goal_series(records).items():
        assert year_summary(records, year, active_at_year_end=[]).count == count
