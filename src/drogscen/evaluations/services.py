"""Writes of the evaluations app: saved evaluations (computed once, at save time, from a
data snapshot) and the early-warning candidate places.

The statistics are the pure functions of :mod:`drogscen.evaluation`; this module gathers
the counts (from the ``Indicator`` rows, or from the crime events for a drawn comparison
area), checks that they can carry an evaluation and stores parameters, data and results.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Min, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.core import access, geo
from drogscen.evaluation import (
    EvaluationInputError,
    interrupted_time_series,
    relative_effect_size,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)
from drogscen.evaluations.access import evaluation_may_create
from drogscen.evaluations.models import Candidate, Evaluation
from drogscen.interventions.models import Intervention, personal_data_problems
from drogscen.outcomes.access import scenes_with_details
from drogscen.outcomes.models import Category, CrimeCode, CrimeEvent, Indicator
from drogscen.scenes.models import Scene

CRIME_OUTCOMES = ("violent", "detected", "drug")
SURVEY_PREFIX = "survey:"
MIN_MONTHS = 3  # per period: the interrupted time series needs three on each side
MAX_CONTROL_SCENES = 5
# An outcome where a rise is the good direction (docs/domain-rules.md#crime-categories:
# detected crime is activity).
HIGHER_IS_BETTER = {"detected"}


# --------------------------------------------------------------------------- months


def month_key(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_label(key: int) -> str:
    return f"{key // 12:04d}-{key % 12 + 1:02d}"


def month_start(key: int) -> date:
    return date(key // 12, key % 12 + 1, 1)


def month_end(key: int) -> date:
    return month_start(key + 1) - timedelta(days=1)


def data_months() -> tuple[int, int] | None:
    """First and last month with counts from crime events (any scene)."""
    found = Indicator.objects.filter(month__gt=0, from_events=True).aggregate(
        first=Min(F("year") * 12 + F("month") - 1), last=Max(F("year") * 12 + F("month") - 1)
    )
    if found["first"] is None:
        return None
    return int(found["first"]), int(found["last"])


def default_periods(intervention_start: date) -> dict[str, date] | None:
    """Equally long periods: up to 12 months from the start's month, as many before."""
    months = data_months()
    start = month_key(intervention_start)
    if months is None or not months[0] < start <= months[1]:
        return None
    length = min(12, months[1] - start + 1, start - months[0])
    return {
        "before_start": month_start(start - length),
        "before_end": month_end(start - 1),
        "after_start": month_start(start),
        "after_end": month_end(start + length - 1),
    }


# --------------------------------------------------------------------------- data


def _monthly(scene_ids: Iterable[int], zone: str, category: str, months: range) -> list[int]:
    ids = list(scene_ids)
    series = dict.fromkeys(months, 0)
    if not ids:
        return list(series.values())
    rows = (
        Indicator.objects.filter(
            scene_id__in=ids, zone=zone, category=category, month__gt=0, from_events=True
        )
        .filter(year__gte=months.start // 12, year__lte=(months.stop - 1) // 12)
        .values("year", "month")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        key = row["year"] * 12 + row["month"] - 1
        if key in series:
            series[key] += row["total"]
    return list(series.values())


def _busy_scene_ids(first: date, last: date) -> set[int]:
    """Scenes with an intervention (not cancelled) at some time between the dates."""
    busy = (
        Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        .filter(starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    )
    return set(
        Intervention.scenes.through.objects.filter(intervention__in=busy).values_list(
            "scene_id", flat=True
        )
    )


def control_scenes_propose(
    *, scene: Scene, outcome: str, before: range, after: range, within=None
) -> tuple[list[Scene], str]:
    """Comparison scenes: others in the same municipality (else the county) without
    interventions in the periods, with counts before, closest in pre-period level to the
    treated scene (on the log scale), at most five; only among `within` (a queryset of
    scenes, e.g. those whose figures the evaluator may read) when given. Returns the
    scenes and the basis ("municipality" or "county")."""
    first, last = month_start(before.start), month_end(after.stop - 1)
    busy = _busy_scene_ids(first, last)
    treated_before = sum(_monthly([scene.pk], "inside", outcome, before))
    pool = (
        (Scene.objects.all() if within is None else within)
        .exclude(pk=scene.pk)
        .exclude(pk__in=busy)
        .filter(identified_on__lte=last)
        .exclude(closed_on__lt=first)
    )
    for basis, candidates in (
        ("municipality", pool.filter(municipality_id=scene.municipality_id)),
        ("county", pool),
    ):
        levels = dict(
            Indicator.objects.filter(
                scene__in=candidates,
                zone="inside",
                category=outcome,
                month__gt=0,
                from_events=True,
            )
            .annotate(key=F("year") * 12 + F("month") - 1)
            .filter(key__gte=before.start, key__lt=before.stop)
            .values("scene_id")
            .annotate(total=Sum("count"))
            .values_list("scene_id", "total")
        )
        levels = {pk: n for pk, n in levels.items() if n > 0}
        if not levels:
            continue
        reference = math.log(max(treated_before, 1))
        chosen = sorted(levels, key=lambda pk: (abs(math.log(levels[pk]) - reference), pk))
        chosen = chosen[:MAX_CONTROL_SCENES]
        return list(Scene.objects.filter(pk__in=chosen).order_by("ref")), basis
    return [], ""


def _category_ids_by_code() -> dict[str, list[str]]:
    return dict(CrimeCode.objects.values_list("code", "categories"))


def polygon_series(
    polygon_wgs84: dict, *, outcome: str, months: range, buffer: str
) -> tuple[list[int], list[int]]:
    """Monthly counts inside a drawn area and in its ring, counted from the crime events
    with the same rules as the indicators (outcomes/counting.py)."""
    from drogscen.outcomes.counting import (
        EventArrays,
        SceneGeometry,
        count_events_by_zone,
    )

    shape = geo.to_sweref(geo.from_geojson(polygon_wgs84))
    west, south, east, north = shape.bounds
    reach = 500.0
    codes = [c for c, cats in _category_ids_by_code().items() if outcome in (cats or [])]
    first, last = month_start(months.start), month_end(months.stop - 1)
    rows = list(
        CrimeEvent.objects.filter(
            crime_code__in=codes,
            occurred_at__date__gte=first,
            occurred_at__date__lte=last,
            x__gte=west - reach,
            x__lte=east + reach,
            y__gte=south - reach,
            y__lte=north + reach,
        ).values_list("x", "y", "occurred_at")
    )
    inside = dict.fromkeys(months, 0)
    ring = dict.fromkeys(months, 0)
    if rows:
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows])
        t = np.array([month_key(r[2]) - 1970 * 12 for r in rows], dtype=np.int64)
        counts = count_events_by_zone(
            scenes=[SceneGeometry(scene_id=0, geometry=shape)],
            events=EventArrays(x=x, y=y, t=t, category=np.zeros(len(rows), dtype=np.int64)),
        )
        zone_of = {"inside": 0, "buffer_200": 1, "buffer_500": 2}
        for zone, period, count in zip(counts.zone, counts.period, counts.count, strict=True):
            key = int(period) + 1970 * 12
            if key not in inside:
                continue
            if zone == zone_of["inside"]:
                inside[key] += int(count)
            elif zone == zone_of[buffer]:
                ring[key] += int(count)
    return list(inside.values()), list(ring.values())


# --------------------------------------------------------------------------- results


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [round(float(v), 6) for v in value]
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 6)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value
    return value


def _dataclass_dict(result) -> dict[str, Any]:
    return {name: _plain(getattr(result, name)) for name in result.__dataclass_fields__}


def verdict_of(res: dict[str, Any], outcome: str) -> str:
    """improved / worsened / inconclusive / not_computable, in the outcome's good direction."""
    if res.get("res") is None:
        return "not_computable"
    fell_relatively = res["ci_low"] > 1  # treated did better than control (fewer counts)
    rose_relatively = res["ci_high"] < 1
    if not (fell_relatively or rose_relatively):
        return "inconclusive"
    good = fell_relatively != (outcome in HIGHER_IS_BETTER)
    return "improved" if good else "worsened"


def results_compute(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Every statistic of an evaluation from its snapshot alone (so a saved evaluation can
    be reproduced). Periods may differ in length: RES and WDQ compare ratios and do not
    depend on it; the WDD's after counts are weighted by before/after length (Wheeler &
    Ratcliffe 2018 assume equal periods; the Poisson variance is then approximate)."""
    series = snapshot["series"]
    b0, b1 = snapshot["before"]
    a0, a1 = snapshot["after"]

    def total(name: str, lo: int, hi: int) -> int:
        return int(sum(series.get(name, [])[lo:hi]))

    counts = {
        name: {"before": total(name, b0, b1), "after": total(name, a0, a1)}
        for name in ("treated", "buffer", "control", "control_buffer")
        if name in series
    }
    weight = (b1 - b0) / (a1 - a0)
    t, c = counts["treated"], counts["control"]
    res = relative_effect_size(
        t_before=t["before"], t_after=t["after"], c_before=c["before"], c_after=c["after"]
    )
    results: dict[str, Any] = {
        "counts": counts,
        "length_before": b1 - b0,
        "length_after": a1 - a0,
        "after_weight": round(weight, 6),
        "res": _dataclass_dict(res),
    }
    if "buffer" in counts:
        b = counts["buffer"]
        db = counts.get("control_buffer", {"before": 0, "after": 0})
        results["wdq"] = _dataclass_dict(
            weighted_displacement_quotient(
                r_before=t["before"],
                r_after=t["after"],
                b_before=b["before"],
                b_after=b["after"],
                c_before=c["before"],
                c_after=c["after"],
            )
        )
        results["wdd"] = _dataclass_dict(
            weighted_displacement_difference(
                t_before=t["before"],
                t_after=t["after"] * weight,
                c_before=c["before"],
                c_after=c["after"] * weight,
                d_before=b["before"],
                d_after=b["after"] * weight,
                dc_before=db["before"],
                dc_after=db["after"] * weight,
            )
        )
    start = snapshot.get("intervention_index")
    if snapshot.get("unit") == "month" and start is not None:
        monthly = series["treated"][b0:a1]
        harmonics = 1 if start - b0 >= 12 and len(monthly) >= 24 else 0
        try:
            its = interrupted_time_series(
                monthly, start=start - b0, family="quasipoisson", harmonics=harmonics
            )
        except EvaluationInputError as error:
            results["its"] = {"error": str(error)}
        else:
            results["its"] = _dataclass_dict(its)
    else:
        results["its"] = {"error": "a time series needs monthly counts"}
    results["verdict"] = verdict_of(results["res"], snapshot["outcome"])
    return results


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- create


def _problem(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: message}) if field else ValidationError(message)


def _survey_snapshot(*, scene, code, before, after, control_scenes) -> dict[str, Any]:
    from drogscen.outcomes.models import SurveyIndicator, SurveyResult

    indicator = SurveyIndicator.objects.filter(code=code).first()
    if indicator is None:
        raise _problem("outcome", _("Unknown survey indicator %(code)s.") % {"code": code})
    if indicator.unit != SurveyIndicator.Unit.PERCENT:
        raise _problem(
            "outcome",
            _("Only survey indicators given in per cent of respondents can be evaluated."),
        )
    years = list(range(before.start // 12, (after.stop - 1) // 12 + 1))

    def respondents_with(scene_ids) -> list[int]:
        by_year = dict.fromkeys(years, 0)
        for year, value, respondents in SurveyResult.objects.filter(
            scene_id__in=scene_ids, indicator=indicator, year__in=years
        ).values_list("year", "value", "respondents"):
            share = value / 100 if indicator.direction == "lower" else 1 - value / 100
            # Respondents in the "bad" state (unsafe, ...): lower is better, like crime.
            by_year[year] += round(share * respondents)
        return list(by_year.values())

    return {
        "unit": "year",
        "labels": [str(y) for y in years],
        "before": [0, 0],  # set by the caller from the years of each period
        "series": {
            "treated": respondents_with([scene.pk]),
            "control": respondents_with([s.pk for s in control_scenes]),
        },
    }


@transaction.atomic
def evaluation_create(
    *,
    scene: Scene,
    interventions: Iterable[Intervention],
    outcome: str,
    before_start: date,
    before_end: date,
    after_start: date,
    after_end: date,
    buffer: str = Evaluation.Buffer.BUFFER_200,
    control_geometry: dict | None = None,
    note: str = "",
    by=None,
) -> Evaluation:
    """Check the choice, gather the counts, compute RES, WDD, WDQ and the interrupted
    time series and save it all. Periods are whole months (dates are taken to their
    month). Problems are ValidationErrors naming the field."""
    interventions = list(interventions)
    if by is not None:
        access.get_or_404(Scene.objects.all(), by, pk=scene.pk)
        visible = access.restrict(Intervention.objects.all(), by).filter(
            pk__in=[i.pk for i in interventions]
        )
        if visible.count() != len(interventions):
            raise Http404
        if not evaluation_may_create(by, scene=scene, interventions=interventions):
            raise Http404
    if not interventions:
        raise _problem("interventions", _("Choose at least one intervention to evaluate."))
    at_scene = set(
        Intervention.scenes.through.objects.filter(
            scene_id=scene.pk, intervention_id__in=[i.pk for i in interventions]
        ).values_list("intervention_id", flat=True)
    )
    if missing := [i for i in interventions if i.pk not in at_scene]:
        raise _problem(
            "interventions",
            _("%(title)s is not linked to the scene %(ref)s.")
            % {"title": missing[0].title, "ref": scene.ref},
        )
    if buffer not in Evaluation.Buffer.values:
        raise _problem("buffer", _("Choose the ring 0–200 m or 200–500 m."))
    survey = outcome.startswith(SURVEY_PREFIX)
    if not survey and outcome not in CRIME_OUTCOMES:
        raise _problem("outcome", _("Choose violent, detected or drug crime, or a survey."))

    b0, b1 = month_key(before_start), month_key(before_end) + 1
    a0, a1 = month_key(after_start), month_key(after_end) + 1
    if b1 <= b0:
        raise _problem("before_end", _("The before period must end after it starts."))
    if a1 <= a0:
        raise _problem("after_end", _("The after period must end after it starts."))
    if a0 < b1:
        raise _problem("after_start", _("The after period must start after the before period."))
    if not survey and (b1 - b0 < MIN_MONTHS or a1 - a0 < MIN_MONTHS):
        raise _problem(
            "before_start" if b1 - b0 < MIN_MONTHS else "after_start",
            _("Each period needs at least %(n)s months (the time series needs them).")
            % {"n": MIN_MONTHS},
        )
    start_key = month_key(min(i.starts_on for i in interventions))
    if not survey and not b1 <= start_key < a1:
        raise _problem(
            "before_end" if start_key < b1 else "after_end",
            _(
                "The intervention started in %(month)s: the before period must end before "
                "that month and the after period must end after it."
            )
            % {"month": month_label(start_key)},
        )
    months = range(b0, a1)
    if not survey:
        covered = data_months()
        if covered is None:
            raise _problem(None, _("There are no crime counts yet: import crime events first."))
        if b0 < covered[0] or a1 - 1 > covered[1]:
            raise _problem(
                "before_start" if b0 < covered[0] else "after_end",
                _("Crime counts exist for %(first)s – %(last)s only; choose periods inside.")
                % {"first": month_label(covered[0]), "last": month_label(covered[1])},
            )

    before, after = range(b0, b1), range(a0, a1)
    control_scenes: list[Scene] = []
    basis = "polygon"
    # An evaluator who is not county-wide compares only with what they may read: a drawn
    # area is counted from the raw events wherever it lies, and comparison scenes come
    # from the scenes whose figures they see.
    county_wide = by is None or access.is_county_wide(by, access.ADD)
    if control_geometry and not county_wide:
        raise _problem(
            "control_geometry",
            _(
                "Only the coordination office and the police region draw comparison areas "
                "(an area is counted from crime events anywhere in the county); choose the "
                "proposed comparison scenes."
            ),
        )
    if control_geometry:
        shape, problems = geo.polygon_problems(control_geometry)
        if shape is None:
            raise _problem("control_geometry", "; ".join(map(str, problems)))
        if survey:
            raise _problem(
                "control_geometry",
                _("A drawn comparison area has no survey results; use the proposed scenes."),
            )
        control_geometry = geo.normalised_geojson(shape)
    else:
        control_scenes, basis = control_scenes_propose(
            scene=scene,
            outcome=outcome if not survey else "violent",
            before=before,
            after=after,
            within=None if county_wide else scenes_with_details(by),
        )
        if not control_scenes:
            raise _problem(
                "control_kind",
                _(
                    "No comparison scenes without interventions and with counts before were "
                    "found; draw a comparison area on the map."
                ),
            )

    if survey:
        snapshot = _survey_snapshot(
            scene=scene,
            code=outcome[len(SURVEY_PREFIX) :],
            before=before,
            after=after,
            control_scenes=control_scenes,
        )
        years = [int(y) for y in snapshot["labels"]]
        before_years = [y for y in years if b0 // 12 <= y <= (b1 - 1) // 12]
        after_years = [y for y in years if a0 // 12 <= y <= (a1 - 1) // 12]
        if set(before_years) & set(after_years):
            raise _problem(
                "after_start", _("For a survey, the before and after periods need separate years.")
            )
        snapshot["before"] = [0, len(before_years)]
        snapshot["after"] = [years.index(after_years[0]), years.index(after_years[-1]) + 1]
    else:
        treated = _monthly([scene.pk], "inside", outcome, months)
        ring = _monthly([scene.pk], buffer, outcome, months)
        if control_geometry:
            control, control_ring = polygon_series(
                control_geometry, outcome=outcome, months=months, buffer=buffer
            )
        else:
            ids = [s.pk for s in control_scenes]
            control = _monthly(ids, "inside", outcome, months)
            control_ring = _monthly(ids, buffer, outcome, months)
        snapshot = {
            "unit": "month",
            "labels": [month_label(k) for k in months],
            "before": [0, b1 - b0],
            "after": [a0 - b0, a1 - b0],
            "intervention_index": start_key - b0,
            "series": {
                "treated": treated,
                "buffer": ring,
                "control": control,
                "control_buffer": control_ring,
            },
        }
    snapshot.update(
        {
            "outcome": outcome,
            "scene": scene.ref,
            "buffer": buffer,
            "control": {
                "kind": "polygon" if control_geometry else "automatic",
                "basis": basis,
                "scenes": [s.ref for s in control_scenes],
            },
        }
    )
    if snapshot["unit"] == "month":
        # Make sure the before/after slices are the same as the periods.
        snapshot["before"] = [0, b1 - b0]
    _check_counts(snapshot)
    results = results_compute(snapshot)
    results["snapshot_sha256"] = snapshot_digest(snapshot)

    evaluation = Evaluation(
        scene=scene,
        outcome=outcome,
        before_start=month_start(b0),
        before_end=month_end(b1 - 1),
        after_start=month_start(a0),
        after_end=month_end(a1 - 1),
        buffer=buffer,
        control_kind=(
            Evaluation.ControlKind.POLYGON if control_geometry else Evaluation.ControlKind.AUTOMATIC
        ),
        control_geometry=control_geometry,
        snapshot=snapshot,
        results=results,
        note=note.strip(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    if problems := personal_data_problems(evaluation, ("note",)):
        raise ValidationError(problems)
    evaluation.full_clean()
    evaluation.save()
    evaluation.interventions.set(interventions)
    if control_scenes:
        evaluation.control_scenes.set(control_scenes)
    return evaluation


def _check_counts(snapshot: dict[str, Any]) -> None:
    series = snapshot["series"]
    b0, b1 = snapshot["before"]
    a0, a1 = snapshot["after"]
    names = {
        "treated": _("the scene"),
        "control": _("the comparison area"),
    }
    for key, name in names.items():
        for period, (lo, hi) in ((_("before"), (b0, b1)), (_("after"), (a0, a1))):
            if sum(series[key][lo:hi]) == 0:
                raise _problem(
                    "outcome",
                    _(
                        "There are no counts for %(area)s in the %(period)s period, so the "
                        "effect size cannot be computed: choose longer periods, another "
                        "outcome or another comparison area."
                    )
                    % {"area": name, "period": period},
                )


# --------------------------------------------------------------------------- candidates


def period_of(*, year: int | None = None, rolling_end: date | None = None) -> tuple[date, date]:
    """A calendar year, or the 12 whole months up to the month before ``rolling_end``."""
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    end_key = month_key(rolling_end or timezone.localdate()) - 1
    return month_start(end_key - 11), month_end(end_key)


def _county_mask(grid) -> np.ndarray:
    import shapely

    from drogscen.geo.models import Municipality

    shapes = [
        geo.to_sweref(geo.from_geojson(g))
        for g in Municipality.objects.values_list("geometry", flat=True)
    ]
    county = shapely.union_all(shapes)
    shapely.prepare(county)
    cx, cy = grid.centres()
    return shapely.contains_xy(county, cx, cy)


def county_extent() -> tuple[float, float, float, float]:
    from drogscen.geo.models import Municipality

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


def _place_of(x: float, y: float, on: date):
    from drogscen.geo import lookups
    from drogscen.geo.models import LocalPoliceArea, Municipality

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


VIOLENT, DRUG = 0, 1


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
    import shapely

    from drogscen.evaluations.hotspot_grid import Grid, grid_hotspots

    if by is not None and not access.can(by, access.ADD, Candidate):
        raise Http404
    if not 50 <= cell_m <= 5000:
        raise _problem("cell_m", _("The cell size must be between 50 and 5000 metres."))
    if period_end < period_start:
        raise _problem("period_end", _("The period must end after it starts."))
    codes: dict[str, int] = {}
    for code, categories in _category_ids_by_code().items():
        categories = categories or []
        if Category.VIOLENT in categories:
            codes[code] = VIOLENT
        elif Category.DRUG in categories:
            codes[code] = DRUG
    length = period_end - period_start + timedelta(days=1)
    x, y, category = _events(period_start, period_end, codes)
    px, py, _c = _events(period_start - length, period_start - timedelta(days=1), codes)

    extent = county_extent()
    grid = Grid.covering(extent, cell_m)
    mask = _county_mask(grid)
    active = Scene.objects.filter(identified_on__lte=period_end).exclude(closed_on__lt=period_start)
    scenes = [geo.to_sweref(geo.from_geojson(g)) for g in active.values_list("geometry", flat=True)]
    found = grid_hotspots(
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
    same = Candidate.objects.filter(period_start=period_start, period_end=period_end, cell_m=cell_m)
    same.filter(status=Candidate.Status.OPEN).delete()
    decided = [
        geo.to_sweref(geo.from_geojson(c.geometry))
        for c in same.exclude(status=Candidate.Status.OPEN)
    ]
    created = []
    for group in found.groups:
        if any(shapely.intersects(group.geometry.buffer(-1), d) for d in decided):
            continue
        municipality, area = _place_of(*group.centre, period_end)
        created.append(
            Candidate.objects.create(
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
        )
    return created


def _decidable(candidate: Candidate, by) -> Candidate:
    if by is not None:
        candidate = access.get_or_404(Candidate.objects.all(), by, access.VIEW, pk=candidate.pk)
        access.get_or_404(Candidate.objects.all(), by, access.CHANGE, pk=candidate.pk)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != Candidate.Status.OPEN:
        raise _problem(None, _("This candidate has already been decided."))
    return candidate


@transaction.atomic
def candidate_dismiss(*, candidate: Candidate, reason: str, by=None) -> Candidate:
    """Not a new scene (a known event, already handled, ...): the reason is required."""
    candidate = _decidable(candidate, by)
    reason = (reason or "").strip()
    if not reason:
        raise _problem("reason", _("Say why the candidate is dismissed."))
    from drogscen.interventions.models import personal_data_problems

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
    from drogscen.scenes.services import scene_create

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
    "evaluation_create",
    "results_compute",
]
