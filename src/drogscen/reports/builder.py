"""The one report builder: a plain data structure for a year, computed once and used by
every output (JSON, HTML, PDF, Excel, CSV, the dashboards, the public page and the API).

Counting rules in `mappings/counting.py`. Figures are county-wide aggregates; a user who
does not see the whole county gets the breakdowns (per municipality and local police
area) only for the areas of the scenes they may see."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.geo import lookups
from drogscen.geo.models import District, Municipality
from drogscen.mappings.counting import MappingRecord, on_track, year_summary
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import open_scenes_per_year
from drogscen.outcomes.reporting import report_outcomes
from drogscen.scenes.models import Scene, SceneGeometryVersion

GOAL_YEAR = 2027
STOCKHOLM = "0180"


class ReportYearError(ValueError):
    """A year outside the data, with a message for the user."""


@dataclass(frozen=True)
class ApprovedMapping:
    scene_id: int
    year: int
    is_open: bool
    joint: bool
    lead_area: str
    main_substance: str
    symptoms: tuple[str, ...]


def approved_mappings(
    *, answers_for_year: int | None = None, years: set[int] | None = None
) -> list[ApprovedMapping]:
    """The latest approved mapping of every scene and year (county-wide). The symptoms
    are read only for `answers_for_year`: answers are the heavy part of a row."""
    joint = Organisation.objects.filter(
        mappings=OuterRef("pk"), kind=Organisation.Kind.MUNICIPALITY
    )
    approved = Mapping.objects.filter(status=Mapping.Status.APPROVED)
    if years is not None:
        approved = approved.filter(year__in=years)
    rows = (
        approved.annotate(joint=Exists(joint))
        .order_by("scene_id", "year", "revision")
        .values_list(
            "pk",
            "scene_id",
            "year",
            "is_open",
            "joint",
            "lead_local_police_area__name",
            "main_substance",
        )
    )
    symptoms = (
        dict(approved.filter(year=answers_for_year).values_list("pk", "answers__symptoms"))
        if answers_for_year is not None
        else {}
    )
    latest: dict[tuple[int, int], ApprovedMapping] = {}
    for pk, scene_id, year, is_open, is_joint, area, substance in rows:
        found = symptoms.get(pk)
        if isinstance(found, str):  # a JSON text on some database backends
            found = json.loads(found)
        latest[(scene_id, year)] = ApprovedMapping(
            scene_id, year, is_open, is_joint, area, substance or "", tuple(found or ())
        )
    return list(latest.values())


def report_years() -> list[int]:
    # order_by() first: the model's default ordering would make DISTINCT per row.
    return sorted(
        set(
            Mapping.objects.filter(status=Mapping.Status.APPROVED)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    )


def closed_years() -> list[int]:
    """Years whose mapping round is over (its deadline has passed): the figures a year
    has before that are partial and are not published."""
    from drogscen.mappings.services import mapping_deadline

    today = timezone.localdate()
    return [year for year in report_years() if today > mapping_deadline(year)]


def latest_reported_year() -> int | None:
    years = closed_years()
    return years[-1] if years else None


def _areas_at_year_end(scene_ids: set[int], year: int) -> dict[int, float]:
    """Each scene's area by the geometry valid at the end of the year."""
    end = date(year, 12, 31)
    versions = (
        SceneGeometryVersion.objects.filter(scene_id__in=scene_ids, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
        .values_list("scene_id", "area_m2")
    )
    return dict(versions)


def report_build(*, year: int, fetched_by=None) -> dict[str, Any]:
    years = report_years()
    if not years:
        raise ReportYearError(_("There are no approved mappings to report on yet."))
    if not years[0] <= year <= years[-1]:
        raise ReportYearError(
            _("No report for %(year)s: the approved mappings cover %(first)s–%(last)s.")
            % {"year": year, "first": years[0], "last": years[-1]}
        )
    mappings = approved_mappings(answers_for_year=year, years={year - 1, year})
    records = [MappingRecord(m.scene_id, m.year, m.is_open, m.joint) for m in mappings]
    end = date(year, 12, 31)
    active = Scene.objects.filter(identified_on__lte=end).exclude(closed_on__lte=end)
    summary = year_summary(records, year, active_at_year_end=active.values_list("pk", flat=True))
    previous = year_summary(
        records,
        year - 1,
        active_at_year_end=[],
    )
    this_year = {m.scene_id: m for m in mappings if m.year == year}
    open_now = {pk for pk, m in this_year.items() if m.is_open}
    open_before = {m.scene_id for m in mappings if m.year == year - 1 and m.is_open}

    scenes = {
        s["pk"]: s
        for s in Scene.objects.filter(pk__in=open_now | open_before).values(
            "pk", "municipality__code", "point_lon", "point_lat", "local_police_area__name"
        )
    }
    by_code = Counter(scenes[pk]["municipality__code"] for pk in open_now)
    by_area = Counter(this_year[pk].lead_area for pk in open_now)
    stockholm = [pk for pk in sorted(open_now) if scenes[pk]["municipality__code"] == STOCKHOLM]
    districts_found = lookups.districts_at(
        [scenes[pk]["point_lon"] for pk in stockholm],
        [scenes[pk]["point_lat"] for pk in stockholm],
        on=end,
    )
    districts_with = sorted({d.key for d in districts_found if d.key})
    substances = Counter(this_year[pk].main_substance or "unknown" for pk in open_now)
    symptoms = Counter(code for pk in open_now for code in set(this_year[pk].symptoms))
    area_now = _areas_at_year_end(open_now, year)
    area_before = _areas_at_year_end(open_before, year - 1)
    series = {y: n for y, n in open_scenes_per_year().items() if y <= year}

    report = {
        "year": year,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "scope": "county",
        "scenes": {
            "count": summary.count,
            "previous_count": previous.count if year - 1 in years else None,
            "change": summary.change if year - 1 in years else None,
            "new": len(summary.new) if year - 1 in years else None,
            "removed": len(summary.removed) if year - 1 in years else None,
            "unmapped": len(summary.unmapped),
            "area_m2": round(sum(area_now.values())),
            "previous_area_m2": round(sum(area_before.values())) if year - 1 in years else None,
        },
        "municipalities": {
            "with_scenes": len(by_code),
            "total": Municipality.objects.count(),
            "by_code": dict(sorted(by_code.items())),
        },
        "local_police_areas": {
            "with_scenes": len(by_area),
            "by_name": dict(sorted(by_area.items())),
        },
        "stockholm_districts": {
            "with_scenes": len(districts_with),
            "total": District.objects.valid_on(end).count(),
            "names": districts_with,
        },
        "mappings": {
            "count": summary.mappings,
            "joint_share": round(summary.joint_share, 4)
            if summary.joint_share is not None
            else None,
        },
        "substances": dict(substances.most_common()),
        "symptoms": dict(symptoms.most_common()),
        "goal": {
            "series": {str(y): n for y, n in series.items()},
            "on_track": on_track(series),
            "target_year": GOAL_YEAR,
        },
        "outcomes": report_outcomes(year=year, scene_ids=open_now),
        "interventions": interventions_summary(year),
        "evaluations": _evaluations(year, fetched_by),
    }
    if fetched_by is not None and not access.principal_for(fetched_by).county_wide():
        _restrict_breakdowns(report, fetched_by)
    return report


def _evaluations(year: int, fetched_by) -> dict[str, Any]:
    from drogscen.evaluations.reporting import evaluations_section

    return evaluations_section(year, fetched_by=fetched_by)


def _restrict_breakdowns(report: dict[str, Any], user) -> None:
    """County totals stay; per-area figures only for the areas of the user's scenes."""
    visible = access.restrict(Scene.objects.all(), user)
    codes = set(visible.values_list("municipality__code", flat=True))
    areas = set(visible.values_list("local_police_area__name", flat=True))
    areas |= set(
        access.restrict(Mapping.objects.all(), user).values_list(
            "lead_local_police_area__name", flat=True
        )
    )
    report["scope"] = "restricted"
    report["municipalities"]["by_code"] = {
        code: n for code, n in report["municipalities"]["by_code"].items() if code in codes
    }
    report["local_police_areas"]["by_name"] = {
        name: n for name, n in report["local_police_areas"]["by_name"].items() if name in areas
    }
    if STOCKHOLM not in codes:
        report["stockholm_districts"]["names"] = []


def series_by_area() -> dict[str, dict[str, dict[int, int]]]:
    """Open scenes per year for every municipality (by code) and every local police area
    (by the name of the area that led the mapping) — the dashboards' series."""
    mappings = [m for m in approved_mappings() if m.is_open]
    codes = dict(
        Scene.objects.filter(pk__in={m.scene_id for m in mappings}).values_list(
            "pk", "municipality__code"
        )
    )
    municipalities: dict[str, Counter] = {}
    areas: dict[str, Counter] = {}
    for m in mappings:
        municipalities.setdefault(codes[m.scene_id], Counter())[m.year] += 1
        areas.setdefault(m.lead_area, Counter())[m.year] += 1
    return {
        "municipalities": {k: dict(sorted(v.items())) for k, v in municipalities.items()},
        "local_police_areas": {k: dict(sorted(v.items())) for k, v in areas.items()},
    }


def interventions_summary(year: int) -> dict[str, Any]:
    """The actors' work in the year: interventions under way at some time in it (not
    cancelled), and how many use each method (one intervention may use several)."""
    from drogscen.interventions.models import Intervention

    active = (
        Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        .filter(starts_on__lte=date(year, 12, 31))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
    )
    pairs = set(active.order_by().values_list("pk", "methods__code"))
    counts = Counter(code for _, code in pairs if code)
    from drogscen.interventions.reporting import collaboration_summary

    return {
        "active": active.count(),
        "by_method": dict(sorted(counts.items())),
        # by_actor_kind, scenes_without, collaboration (rules in interventions/reporting.py)
        **collaboration_summary(year),
    }
