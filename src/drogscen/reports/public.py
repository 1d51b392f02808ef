"""The public figures: counts per year for the county and per municipality, the goal
series and the figures the county's public FAQ gives — never scene names, locations,
mapping answers or any number below 3 for an area smaller than a municipality."""

from __future__ import annotations

from typing import Any

from drogscen.geo.models import Municipality
from drogscen.reports.builder import latest_reported_year, report_build, series_by_area

# Numbers for areas smaller than a municipality are shown only from this size up.
SMALL_AREA_MINIMUM = 3


def public_statistics() -> dict[str, Any]:
    year = latest_reported_year()
    if year is None:
        return {"year": None}
    report = report_build(year=year)
    names = dict(Municipality.objects.values_list("code", "name"))
    by_municipality = series_by_area()["municipalities"]
    years = sorted(int(y) for y in report["goal"]["series"])
    return {
        "year": year,
        "scenes": {
            "count": report["scenes"]["count"],
            "previous_count": report["scenes"]["previous_count"],
            "change": report["scenes"]["change"],
            "new": report["scenes"]["new"],
            "removed": report["scenes"]["removed"],
            "decrease": max(0, -(report["scenes"]["change"] or 0)),
            "increase": max(0, report["scenes"]["change"] or 0),
        },
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
            "series": report["goal"]["series"],
            "on_track": report["goal"]["on_track"],
            "target_year": report["goal"]["target_year"],
        },
        "per_municipality": [
            {
                "code": code,
                "name": names[code],
                "per_year": {str(y): series.get(y, 0) for y in years},
            }
            for code, series in sorted(by_municipality.items(), key=lambda i: names[i[0]])
        ],
    }
