"""What the county dashboard shows from the evaluations app: scenes going the wrong way
and the outlook of the goal (dashboards/views.py adds it to the start page)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language

from drogscen.evaluations import charts, labels, selectors
from drogscen.evaluations.outlook import goal_outlook


def _outlook_chart(report: dict[str, Any], outlook) -> str | None:
    key = (
        "drogscen:outlook-chart:"
        + hashlib.sha256(
            json.dumps([report["goal"], get_language()], sort_keys=True).encode()
        ).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        svg = charts.outlook_chart(outlook, charts.target_path(report)) or ""
        cache.set(key, svg, timeout=24 * 3600)
    return svg or None


def dashboard_context(*, user, year: int, report: dict[str, Any]) -> dict[str, Any]:
    series = {int(y): n for y, n in report["goal"]["series"].items()}
    outlook = goal_outlook(series, target_year=report["goal"]["target_year"])
    target = (
        outlook.years.index(outlook.target_year) if outlook.target_year in outlook.years else None
    )
    return {
        "wrong_way": [
            {**row, "text": labels.WRONG_WAY[row["flag"]]}
            for row in selectors.scenes_going_wrong_way(year=year, fetched_by=user)
        ],
        "outlook": outlook,
        "outlook_target": {
            "mean": outlook.mean[target],
            "low": outlook.low[target],
            "high": outlook.high[target],
        }
        if target is not None and not outlook.reason
        else None,
        "outlook_chart": _outlook_chart(report, outlook) if not outlook.reason else None,
    }
