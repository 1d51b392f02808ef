"""The public figures: counts per year for the county and per municipality, the goal
series and the figures the county's public FAQ gives — never scene names, locations,
mapping answers or any number below 3 for an area smaller than a municipality.

Published years only, each read from its latest stored edition (reports/editions.py),
never rebuilt: a year in progress, or one whose round is over but not yet published, is
not shown, and without any published year the page says so."""

from __future__ import annotations

from typing import Any

from drogscen.geo.models import Municipality
from drogscen.mappings.counting import on_track
from drogscen.reports.editions import PUBLISHED, latest_editions

# Numbers for areas smaller than a municipality are shown only from this size up.
SMALL_AREA_MINIMUM = 3


def public_statistics() -> dict[str, Any]:
    editions = latest_editions()
    if not editions:
        return {"year": None, "status": None, "edition": None}
    reports = {year: edition.report for year, edition in editions.items()}
    year = max(reports)
    report = reports[year]
    series = {y: reports[y]["scenes"]["count"] for y in sorted(reports)}
    return {
        "year": year,
        "status": PUBLISHED,
        "edition": report["edition"],
        "scenes": _scenes(report),
        "municipalities": {
            "with_scenes": report["municipalities"]["with_scenes"],
            "total": report["municipalities"]["total"],
        },
        "local_police_areas": {"with_scenes": report["local_police_areas"]["with_scenes"]},
        "stockholm_districts": {
            "with_scenes": report["stockholm_districts"]["with_scenes"],
            "total": report["stockholm_districts"]["total"],
        },
        "mappings": {"joint_share": report["mappings"]["joint_share"]},
        "goal": {
            # the published years' own counts, each from its edition
            "series": {str(y): n for y, n in series.items()},
            "on_track": on_track(series),
            "target_year": report["goal"]["target_year"],
        },
        "per_municipality": _per_municipality(reports),
    }


def _scenes(report: dict[str, Any]) -> dict[str, Any]:
    scenes = report["scenes"]
    return {
        "count": scenes["count"],
        "previous_count": scenes["previous_count"],
        "change": scenes["change"],
        "new": scenes["new"],
        "removed": scenes["removed"],
        "decrease": max(0, -(scenes["change"] or 0)),
        "increase": max(0, scenes["change"] or 0),
    }


def _per_municipality(reports: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Open scenes per municipality in each published year, for every municipality with
    a scene in any of them (the editions are the county's: by the scene's municipality)."""
    names = dict(Municipality.objects.values_list("code", "name"))
    years = sorted(reports)
    by_code = {y: reports[y]["municipalities"]["by_code"] for y in years}
    codes = {code for counts in by_code.values() for code in counts}
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "per_year": {str(y): by_code[y].get(code, 0) for y in years},
        }
        for code in sorted(codes, key=lambda c: names.get(c, c))
    ]
