"""The one report builder: a plain data structure for a year, computed once and used by
every output (JSON, HTML, PDF, Excel, CSV, the dashboards, the public page and the API).

Counting rules in `mappings/counting.py`. Figures are county-wide aggregates; a user who
does not see every scene gets the breakdowns (per municipality, local police area and
district) counted over the scenes they may see only (`_restrict_breakdowns`)."""

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
from drogscen.evaluations.reporting import evaluations_section
from drogscen.geo import lookups
from drogscen.geo.models import District, Municipality
from drogscen.interventions.models import Intervention
from drogscen.interventions.reporting import collaboration_summary
from drogscen.mappings.counting import MappingRecord, on_track, year_summary
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import open_scenes_per_year
from drogscen.mappings.services import mapping_deadline
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
    """The year's mapping of every scene and year (county-wide): its latest approved
    mapping of the year by `mapped_on` (`MappingQuerySet.latest_approved`). The symptoms
    are read only for `answers_for_year`: answers are the heavy part of a row."""
    joint = Organisation.objects.filter(
        mappings=OuterRef("pk"), kind=Organisation.Kind.MUNICIPALITY
    )
    approved = Mapping.objects.latest_approved()
    if years is not None:
        approved = approved.filter(year__in=years)
    rows = (
        approved.annotate(joint=Exists(joint))
        .order_by("scene_id", "year")
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
    district_of = _stockholm_districts(open_now, scenes, end)
    districts_with = sorted(set(district_of.values()))
    substances = Counter(this_year[pk].main_substance or "unknown" for pk in open_now)
    symptoms = Counter(code for pk in open_now for code in set(this_year[pk].symptoms))
    area_now = _areas_at_year_end(open_now, year)
    area_before = _areas_at_year_end(open_before, year - 1)
    series = {y: n for y, n in open_scenes_per_year().items() if y <= year}

    report = {
        "year": year,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "scope": "county",
        # Built now: preliminary. A published edition says "published" and carries its
        # number, date and SHA-256 (reports/editions.py).
        "status": "preliminary",
        "edition": None,
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
    visible = visible_scene_ids(fetched_by)
    if visible is not None:
        _restrict_breakdowns(
            report,
            counted=open_now & visible,
            municipality_of={pk: scenes[pk]["municipality__code"] for pk in open_now},
            lead_area_of={pk: this_year[pk].lead_area for pk in open_now},
            district_of=district_of,
        )
    return report


def visible_scene_ids(user) -> set[int] | None:
    """The scenes whose place the user may see, or None when that is every scene (the
    coordination office, the police region and the partners, who see the scene list and
    map of the whole county): then the report's breakdowns are the county's own."""
    if user is None:
        return None
    if access.scope(Scene, user) == access.EVERYTHING:
        return None
    return set(access.restrict(Scene.objects.all(), user).values_list("pk", flat=True))


def _stockholm_districts(open_now: set[int], scenes: dict[int, dict], end: date) -> dict[int, str]:
    """The district administration (valid at the end of the year) of each open scene in
    the City of Stockholm, by the scene's representative point."""
    stockholm = [pk for pk in sorted(open_now) if scenes[pk]["municipality__code"] == STOCKHOLM]
    found = lookups.districts_at(
        [scenes[pk]["point_lon"] for pk in stockholm],
        [scenes[pk]["point_lat"] for pk in stockholm],
        on=end,
    )
    return {pk: d.key for pk, d in zip(stockholm, found, strict=True) if d.key}


def _evaluations(year: int, fetched_by) -> dict[str, Any]:
    return evaluations_section(year, fetched_by=fetched_by)


def _restrict_breakdowns(
    report: dict[str, Any],
    *,
    counted: set[int],
    municipality_of: dict[int, str],
    lead_area_of: dict[int, str],
    district_of: dict[int, str],
) -> None:
    """County totals stay; the breakdowns count only the open scenes the user may see.

    A row is an area of the user's own scenes, and its number counts those scenes only:
    a Solna municipality user sees local police area Solna with Solna's scenes, not with
    Sundbyberg's that the same area also led. Local police areas are keyed, like the
    county's breakdown, by the area that led the scene's mapping for the year, so a
    scene whose area has since been reorganised is still counted under the one that
    mapped it."""
    report["scope"] = "restricted"
    report["municipalities"]["by_code"] = dict(
        sorted(Counter(municipality_of[pk] for pk in counted).items())
    )
    report["local_police_areas"]["by_name"] = dict(
        sorted(Counter(lead_area_of[pk] for pk in counted).items())
    )
    report["stockholm_districts"]["names"] = sorted(
        {district_of[pk] for pk in counted if pk in district_of}
    )


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


MUNICIPALITY, LOCAL_POLICE_AREA = "municipality", "local_police_area"


def area_figures(*, year: int, kind: str, key: str, fetched_by=None) -> dict[str, Any]:
    """The report's scene figures for one municipality (`key` its code) or local police
    area (`key` its name), by the county report's rules: the municipality is the scene's
    (from its representative point), the local police area the one that led the year's
    mapping. new = open in the area in Y and not open anywhere in Y−1; removed = open in
    the area in Y−1 and not open anywhere in Y; unmapped = active scenes in the area (by
    the scene's current municipality or area) without an approved mapping for Y.

    A user who does not see every scene gets the figures of the scenes they may see (as
    the report's breakdowns). `scene_ids` are the scenes each figure counts, for the
    drill-down. The series runs from the area's first year with an open scene to Y, and
    the area is on track when every year is lower than the one before — or stays at
    none."""
    if kind not in (MUNICIPALITY, LOCAL_POLICE_AREA):
        raise ValueError(f"unknown area kind {kind!r}")
    mappings = approved_mappings()
    visible = visible_scene_ids(fetched_by)
    codes = dict(
        Scene.objects.filter(pk__in={m.scene_id for m in mappings}).values_list(
            "pk", "municipality__code"
        )
    )
    open_all: dict[int, set[int]] = {}
    open_area: dict[int, set[int]] = {}
    mapped: dict[int, set[int]] = {}
    for m in mappings:
        mapped.setdefault(m.year, set()).add(m.scene_id)
        if not m.is_open:
            continue
        open_all.setdefault(m.year, set()).add(m.scene_id)
        in_area = codes.get(m.scene_id) == key if kind == MUNICIPALITY else m.lead_area == key
        if in_area and (visible is None or m.scene_id in visible):
            open_area.setdefault(m.year, set()).add(m.scene_id)
    years = sorted({m.year for m in mappings if m.year <= year})
    end = date(year, 12, 31)
    active = Scene.objects.filter(identified_on__lte=end).exclude(closed_on__lte=end)
    if kind == MUNICIPALITY:
        active = active.filter(municipality__code=key)
    else:
        active = active.filter(local_police_area__name=key)
    unmapped = set(active.values_list("pk", flat=True)) - mapped.get(year, set())
    if visible is not None:
        unmapped &= visible
    now, before = open_area.get(year, set()), open_area.get(year - 1, set())
    compared = year - 1 in years
    new = now - open_all.get(year - 1, set())
    removed = before - open_all.get(year, set())
    first = next((y for y in years if open_area.get(y)), None)
    series = {y: len(open_area.get(y, ())) for y in years if first is not None and y >= first}
    return {
        "year": year,
        "kind": kind,
        "key": key,
        "scope": "county" if visible is None else "restricted",
        "scenes": {
            "count": len(now),
            "previous_count": len(before) if compared else None,
            "change": len(now) - len(before) if compared else None,
            "new": len(new) if compared else None,
            "removed": len(removed) if compared else None,
            "unmapped": len(unmapped),
        },
        "goal": {
            "series": {str(y): n for y, n in series.items()},
            "on_track": area_on_track(series),
            "target_year": GOAL_YEAR,
        },
        "scene_ids": {
            "open": sorted(now),
            "new": sorted(new) if compared else [],
            "removed": sorted(removed) if compared else [],
            "unmapped": sorted(unmapped),
        },
    }


def area_on_track(series: dict[int, int]) -> bool | None:
    """The county's rule (`on_track`) for an area, where a year at none after a year at
    none also counts: an area cannot go lower than no open scene."""
    years = sorted(series)
    if len(years) < 2:
        return None
    return all(
        series[b] < series[a] or series[a] == series[b] == 0
        for a, b in zip(years, years[1:], strict=False)
    )


def interventions_summary(year: int) -> dict[str, Any]:
    """The actors' work in the year: interventions under way at some time in it (not
    cancelled), and how many use each method (one intervention may use several)."""
    active = (
        Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        .filter(starts_on__lte=date(year, 12, 31))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
    )
    pairs = set(active.order_by().values_list("pk", "methods__code"))
    counts = Counter(code for _, code in pairs if code)
    return {
        "active": active.count(),
        "by_method": dict(sorted(counts.items())),
        # by_actor_kind, scenes_without, collaboration (rules in interventions/reporting.py)
        **collaboration_summary(year),
    }
