"""The counting rules every report and the dashboard use (docs/domain-rules.md#open-scenes,
docs/domain-rules.md#county-report-figures). Pure: plain records in,
plain numbers out.

* A scene is open in year Y when its latest approved mapping for reference year Y has
  all four definition criteria.
* new(Y) = open in Y and not open in Y−1; removed(Y) = open in Y−1 and not open in Y.
* unmapped(Y) = scenes active at the end of Y without an approved mapping for Y.
* joint share(Y) = approved mappings for Y with a municipality participant ÷ all
  approved mappings for Y.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MappingRecord:
    """The latest approved mapping of one scene for one reference year."""

    scene_id: int
    year: int
    is_open: bool
    joint: bool


@dataclass(frozen=True)
class YearSummary:
    year: int
    count: int
    previous_count: int
    change: int
    new: frozenset[int]
    removed: frozenset[int]
    unmapped: frozenset[int]
    mappings: int
    joint_share: float | None


def latest_per_scene_and_year(records: Iterable[MappingRecord]) -> dict[tuple[int, int], bool]:
    return {(r.scene_id, r.year): r.is_open for r in records}


def open_scene_ids(records: Iterable[MappingRecord], year: int) -> frozenset[int]:
    return frozenset(r.scene_id for r in records if r.year == year and r.is_open)


def year_summary(
    records: Iterable[MappingRecord], year: int, *, active_at_year_end: Iterable[int]
) -> YearSummary:
    records = list(records)
    now = open_scene_ids(records, year)
    before = open_scene_ids(records, year - 1)
    of_year = [r for r in records if r.year == year]
    mapped = {r.scene_id for r in of_year}
    joint = sum(1 for r in of_year if r.joint)
    return YearSummary(
        year=year,
        count=len(now),
        previous_count=len(before),
        change=len(now) - len(before),
        new=now - before,
        removed=before - now,
        unmapped=frozenset(set(active_at_year_end) - mapped),
        mappings=len(of_year),
        joint_share=joint / len(of_year) if of_year else None,
    )


def goal_series(records: Iterable[MappingRecord]) -> dict[int, int]:
    """Open scenes per year, from the first year with data."""
    records = list(records)
    years = sorted({r.year for r in records})
    return {year: len(open_scene_ids(records, year)) for year in years}


def on_track(series: dict[int, int]) -> bool | None:
    """The goal: fewer open scenes every year than the year before. None before there
    are two years to compare."""
    years = sorted(series)
    if len(years) < 2:
        return None
    return all(series[b] < series[a] for a, b in zip(years, years[1:], strict=False))
