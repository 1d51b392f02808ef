"""The county goal's illustrative target path, shared by the report (`reports.labels`)
and the evaluations app's outlook chart."""

from __future__ import annotations

from django.conf import settings


def target_path(series: dict[int, int], goal_year: int) -> dict[int, float]:
    """The illustrative target path (see settings.TARGET_END_SHARE) from the first year
    with data to the goal year; empty when there is no year before the goal year."""
    if not series:
        return {}
    first = min(series)
    if first >= goal_year:
        return {}
    start = series[first]
    end = start * settings.TARGET_END_SHARE
    span = goal_year - first
    return {y: start - (start - end) * (y - first) / span for y in range(first, goal_year + 1)}
