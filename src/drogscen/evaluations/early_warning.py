"""Writes of the early warning: the candidate places of a period (emerging hot spots of
violent and drug crime away from the registered scenes), and the decisions on them
(dismissed with a reason, or registered as a new scene).

The grid statistics are the pure :mod:`drogscen.evaluations.hotspot_grid`; this module
gathers the events and the county, stores what it finds and keeps the decided places.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.core import access, geo
from drogscen.evaluations.hotspot_grid import CellGroup, Grid, GridHotspots, grid_hotspots
from drogscen.evaluations.models import Candidate
from drogscen.evaluations.services import month_end, month_key, month_start
from drogscen.geo import lookups
from drogscen.geo.models import LocalPoliceArea, Municipality
from drogscen.interventions.models import personal_data_problems
from drogscen.outcomes.models import Category, CrimeCode, CrimeEvent
from drogscen.scenes.models import Scene
from drogscen.scenes.services import scene_create

VIOLENT, DRUG = 0, 1


def period_of(*, year: int | None = None, rolling_end: date | None = None) -> tuple[date, date]:
    """A calendar year, or the 12 whole months up to the month before ``rolling_end``."""
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    end_key = month_key(rolling_end or timezone.localdate()) - 1
    return month_start(end_key - 11), month_end(end_key)


# --------------------------------------------------------------------------- the county


def _county_mask(grid) -> np.ndarray:
    shapes = [
        geo.to_sweref(geo.from_geojson(g))
        for g in Municipality.objects.values_list("geometry", flat=True)
    ]
    county = shapely.union_all(shapes)
    shapely.prepare(county)
    cx, cy = grid.centres()
    return shapely.contains_xy(county, cx, cy)


def county_extent() -> tuple[float, float, float, float]:
    bounds = [
        geo.to_sweref(geo.from_geojson(g)).bounds
        for g in Municipality.objects.values_list("geometry", flat=True)
    ]
    return (
        min(b[0] for b in bounds),
        min(b[1] for b in bounds),
        max(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )


def _place_of(x: float, y: float, on: date):
    lon, lat = geo.project_xy([x], [y], source=geo.SWEREF99TM, target=geo.WGS84)
    (municipality,) = lookups.municipalities_at(lon, lat)
    (district,) = lookups.districts_at(lon, lat, on=on)
    area = None
    areas = LocalPoliceArea.objects.valid_on(on)
    if municipality.key == "0180" and district.key:
        area = areas.filter(districts__name=district.key).order_by("name").first()
    if area is None and municipality.key:
        area = areas.filter(municipalities__code=municipality.key).order_by("name").first()
    place = Municipality.objects.filter(code=municipality.key).first() if municipality.key else None
    return place, area


# --------------------------------------------------------------------------- the events


def _code_groups() -> dict[str, int]:
    """VIOLENT or DRUG per crime code that counts as either (violent first)."""
    codes: dict[str, int] = {}
    for code, categories in CrimeCode.objects.values_list("code", "categories"):
        categories = categories or []
        if Category.VIOLENT in categories:
            codes[code] = VIOLENT
        elif Category.DRUG in categories:
            codes[code] = DRUG
    return codes


def _events(first: date, last: date, codes: dict[str, int]):
    rows = list(
        CrimeEvent.objects.filter(
            crime_code__in=list(codes), occurred_at__date__gte=first, occurred_at__date__lte=last
        ).values_list("x", "y", "crime_code")
    )
    x = np.fromiter((r[0] for r in rows), dtype=np.float64, count=len(rows))
    y = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    c = np.fromiter((codes[r[2]] for r in rows), dtype=np.int64, count=len(rows))
    return x, y, c


# --------------------------------------------------------------------------- candidates


def _check_analysis(*, period_start: date, period_end: date, cell_m: int, by) -> None:
    if by is not None and not access.can(by, access.ADD, Candidate):
        raise Http404
    if not 50 <= cell_m <= 5000:
        raise ValidationError({"cell_m": _("The cell size must be between 50 and 5000 metres.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})


def _hotspots_of_period(
    *,
    period_start: date,
    period_end: date,
    cell_m: int,
    cover_m: float,
    alpha: float,
    min_events: int,
) -> GridHotspots:
    """The grid analysis of the period's events against the equally long period before,
    over the county, with the scenes active in the period left out."""
    codes = _code_groups()
    length = period_end - period_start + timedelta(days=1)
    x, y, category = _events(period_start, period_end, codes)
    px, py, _c = _events(period_start - length, period_start - timedelta(days=1), codes)

    extent = county_extent()
    grid = Grid.covering(extent, cell_m)
    mask = _county_mask(grid)
    active = Scene.objects.filter(identified_on__lte=period_end).exclude(closed_on__lt=period_start)
    scenes = [geo.to_sweref(geo.from_geojson(g)) for g in active.values_list("geometry", flat=True)]
    return grid_hotspots(
        x=x,
        y=y,
        category=category,
        previous_x=px,
        previous_y=py,
        extent=extent,
        cell_m=cell_m,
        study_mask=mask,
        scenes=scenes,
        cover_m=cover_m,
        alpha=alpha,
        min_events=min_events,
    )


def _replace_open_candidates(*, period_start: date, period_end: date, cell_m: int) -> list:
    """Delete the open candidates of the same analysis; return the decided ones' shapes
    (SWEREF 99 TM), which stand and keep overlapping groups from being proposed again."""
    same = Candidate.objects.filter(period_start=period_start, period_end=period_end, cell_m=cell_m)
    same.filter(status=Candidate.Status.OPEN).delete()
    return [
        geo.to_sweref(geo.from_geojson(c.geometry))
        for c in same.exclude(status=Candidate.Status.OPEN)
    ]


def _candidate_store(
    group: CellGroup, *, period_start: date, period_end: date, cell_m: int
) -> Candidate:
    municipality, area = _place_of(*group.centre, period_end)
    return Candidate.objects.create(
        period_start=period_start,
        period_end=period_end,
        cell_m=cell_m,
        geometry=geo.normalised_geojson(geo.to_wgs84(group.geometry)),
        centre_x=round(group.centre[0], 1),
        centre_y=round(group.centre[1], 1),
        cells=len(group.rows),
        events=group.events,
        previous_events=group.previous_events,
        violent=group.by_category.get(VIOLENT, 0),
        drug=group.by_category.get(DRUG, 0),
        max_z=round(group.max_z, 3),
        municipality=municipality,
        local_police_area=area,
    )


@transaction.atomic
def candidates_compute(
    *,
    period_start: date,
    period_end: date,
    cell_m: int = 250,
    cover_m: float = 250.0,
    alpha: float = 0.05,
    min_events: int = 5,
    by=None,
) -> list[Candidate]:
    """Find the emerging places of a period (evaluations/hotspot_grid.py) among violent
    and drug crime events, and store them as open candidates. Earlier open candidates of
    the same period and cell size are replaced; a dismissed or converted one stands, and a
    new group overlapping it is not proposed again."""
    _check_analysis(period_start=period_start, period_end=period_end, cell_m=cell_m, by=by)
    found = _hotspots_of_period(
        period_start=period_start,
        period_end=period_end,
        cell_m=cell_m,
        cover_m=cover_m,
        alpha=alpha,
        min_events=min_events,
    )
    decided = _replace_open_candidates(
        period_start=period_start, period_end=period_end, cell_m=cell_m
    )
    return [
        _candidate_store(group, period_start=period_start, period_end=period_end, cell_m=cell_m)
        for group in found.groups
        if not any(shapely.intersects(group.geometry.buffer(-1), d) for d in decided)
    ]


# --------------------------------------------------------------------------- decisions


def _decidable(candidate: Candidate, by) -> Candidate:
    if by is not None:
        candidate = access.get_or_404(Candidate.objects.all(), by, access.VIEW, pk=candidate.pk)
        access.get_or_404(Candidate.objects.all(), by, access.CHANGE, pk=candidate.pk)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != Candidate.Status.OPEN:
        raise ValidationError(_("This candidate has already been decided."))
    return candidate


@transaction.atomic
def candidate_dismiss(*, candidate: Candidate, reason: str, by=None) -> Candidate:
    """Not a new scene (a known event, already handled, ...): the reason is required."""
    candidate = _decidable(candidate, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the candidate is dismissed.")})
    candidate.reason = reason
    if problems := personal_data_problems(candidate, ("reason",)):
        raise ValidationError(problems)
    candidate.status = Candidate.Status.DISMISSED
    candidate.decided_by = by if getattr(by, "pk", None) else None
    candidate.decided_at = timezone.now()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_convert(
    *,
    candidate: Candidate,
    ref: str,
    name: str,
    local_police_area,
    identified_on: date,
    by=None,
) -> Scene:
    """Register the candidate's cells as a new scene (the scene service checks that the
    user may register scenes in that local police area); the LPO then edits the outline."""
    candidate = _decidable(candidate, by)
    scene = scene_create(
        ref=ref,
        name=name,
        geometry=candidate.geometry,
        local_police_area=local_police_area,
        identified_on=identified_on,
        by=by,
    )
    candidate.status = Candidate.Status.CONVERTED
    candidate.scene = scene
    candidate.reason = _("Registered as the scene %(ref)s.") % {"ref": scene.ref}
    candidate.decided_by = by if getattr(by, "pk", None) else None
    candidate.decided_at = timezone.now()
    candidate.save()
    return scene


def candidates_geojson(candidates: Iterable[Candidate]) -> dict[str, Any]:
    """RFC 7946 FeatureCollection (WGS84) of candidate places."""
    features = []
    for c in candidates:
        features.append(
            {
                "type": "Feature",
                "id": c.pk,
                "geometry": c.geometry,
                "properties": {
                    "id": c.pk,
                    "period_start": c.period_start.isoformat(),
                    "period_end": c.period_end.isoformat(),
                    "cell_m": c.cell_m,
                    "cells": c.cells,
                    "events": c.events,
                    "previous_events": c.previous_events,
                    "violent": c.violent,
                    "drug": c.drug,
                    "max_z": c.max_z,
                    "status": c.status,
                    "municipality": c.municipality.code if c.municipality_id else None,
                    "local_police_area": (
                        c.local_police_area.name if c.local_police_area_id else None
                    ),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


__all__ = [
    "candidate_convert",
    "candidate_dismiss",
    "candidates_compute",
    "candidates_geojson",
    "county_extent",
    "period_of",
]
