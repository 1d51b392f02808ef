"""The demo county's published years: 2023 and 2024 are published as edition 1 each, so
the public page shows them; the rounds after 2024 stay unpublished."""

from __future__ import annotations

from drogscen.reports.editions import published_years, round_publish

DEMO_PUBLISHED_YEARS = (2023, 2024)


def demo_editions_ensure() -> list[int]:
    """Publish the demo's years that are not published yet (run again, it does nothing)."""
    done = set(published_years())
    wanted = [year for year in DEMO_PUBLISHED_YEARS if year not in done]
    for year in wanted:
        round_publish(year=year, by=None)
    return wanted
