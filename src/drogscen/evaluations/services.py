"""Writes of the evaluations app: saved evaluations, computed once, at save time, from a
data snapshot (the early-warning candidate places are in :mod:`.early_warning`).

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
from django.utils.translation import gettext as _

from drogscen.core import access, geo
from drogscen.core.types import User
from drogscen.evaluation import (
    EvaluationInputError,
    interrupted_time_series,
    relative_effect_size,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)
from drogscen.evaluations.access import evaluation_may_create
from drogscen.evaluations.models import Evaluation
from drogscen.interventions.models import Intervention, personal_data_problems
from drogscen.outcomes.access import scenes_with_details
from drogscen.outcomes.counting import EventArrays, SceneGeometry, count_events_by_zone
from drogscen.outcomes.models import (
    CrimeCode,
    CrimeEvent,
    Indicator,
    SurveyIndicator,
    SurveyResult,
)
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


def _check_may_evaluate(*, scene: Scene, interventions: list[Intervention], by) -> None:
    """404 unless the user sees the scene and every intervention and may evaluate them."""
    if by is None:
        return
    access.get_or_404(Scene.objects.all(), by, pk=scene.pk)
    visible = access.restrict(Intervention.objects.all(), by).filter(
        pk__in=[i.pk for i in interventions]
    )
    if visible.count() != len(interventions):
        raise Http404
    if not evaluation_may_create(by, scene=scene, interventions=interventions):
        raise Http404


def _check_choice(
    *, scene: Scene, interventions: list[Intervention], outcome: str, buffer: str
) -> None:
    """Interventions linked to the scene, a known ring and a known outcome."""
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
    if not outcome.startswith(SURVEY_PREFIX) and outcome not in CRIME_OUTCOMES:
        raise _problem("outcome", _("Choose violent, detected or drug crime, or a survey."))


def _periods_choose(
    *,
    before_start: date,
    before_end: date,
    after_start: date,
    after_end: date,
    intervention_start: date,
    survey: bool,
) -> tuple[range, range, int]:
    """The before and after periods as ranges of month keys, and the intervention's start
    month: in order, long enough for the time series and inside the crime counts (a
    survey is yearly and needs neither)."""
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
    start_key = month_key(intervention_start)
    if not survey and not b1 <= start_key < a1:
        raise _problem(
            "before_end" if start_key < b1 else "after_end",
            _(
                "The intervention started in %(month)s: the before period must end before "
                "that month and the after period must end after it."
            )
            % {"month": month_label(start_key)},
        )
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
    return range(b0, b1), range(a0, a1), start_key


def _comparison_choose(
    *,
    scene: Scene,
    outcome: str,
    before: range,
    after: range,
    control_geometry: dict | None,
    by,
) -> tuple[dict | None, list[Scene], str]:
    """The comparison: the drawn area (checked and normalised), or else the proposed
    comparison scenes. Returns the area, the scenes and their basis ("polygon" for an
    area)."""
    survey = outcome.startswith(SURVEY_PREFIX)
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
        return geo.normalised_geojson(shape), [], "polygon"
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
    return control_geometry, control_scenes, basis


def _survey_counts(
    *, scene: Scene, outcome: str, before: range, after: range, control_scenes: list[Scene]
) -> dict[str, Any]:
    """The yearly survey snapshot with the before and after slices set from the years of
    each period (they must not share a year)."""
    snapshot = _survey_snapshot(
        scene=scene,
        code=outcome[len(SURVEY_PREFIX) :],
        before=before,
        after=after,
        control_scenes=control_scenes,
    )
    years = [int(y) for y in snapshot["labels"]]
    before_years = [y for y in years if before.start // 12 <= y <= (before.stop - 1) // 12]
    after_years = [y for y in years if after.start // 12 <= y <= (after.stop - 1) // 12]
    if set(before_years) & set(after_years):
        raise _problem(
            "after_start", _("For a survey, the before and after periods need separate years.")
        )
    snapshot["before"] = [0, len(before_years)]
    snapshot["after"] = [years.index(after_years[0]), years.index(after_years[-1]) + 1]
    return snapshot


def _crime_counts(
    *,
    scene: Scene,
    outcome: str,
    buffer: str,
    before: range,
    after: range,
    start_key: int,
    control_geometry: dict | None,
    control_scenes: list[Scene],
) -> dict[str, Any]:
    """The monthly snapshot: the scene and its ring from the indicators, the comparison
    from the indicators of its scenes or counted from the events in the drawn area."""
    months = range(before.start, after.stop)
    b0 = before.start
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
    return {
        "unit": "month",
        "labels": [month_label(k) for k in months],
        "before": [0, before.stop - b0],
        "after": [after.start - b0, after.stop - b0],
        "intervention_index": start_key - b0,
        "series": {
            "treated": treated,
            "buffer": ring,
            "control": control,
            "control_buffer": control_ring,
        },
    }


def _snapshot_gather(
    *,
    scene: Scene,
    outcome: str,
    buffer: str,
    before: range,
    after: range,
    start_key: int,
    control_geometry: dict | None,
    control_scenes: list[Scene],
    basis: str,
) -> dict[str, Any]:
    """Everything the results are computed from: the survey's or the crime counts, and
    what they are counted for."""
    if outcome.startswith(SURVEY_PREFIX):
        snapshot = _survey_counts(
            scene=scene, outcome=outcome, before=before, after=after, control_scenes=control_scenes
        )
    else:
        snapshot = _crime_counts(
            scene=scene,
            outcome=outcome,
            buffer=buffer,
            before=before,
            after=after,
            start_key=start_key,
            control_geometry=control_geometry,
            control_scenes=control_scenes,
        )
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
    return snapshot


def _evaluation_store(
    *,
    scene: Scene,
    interventions: list[Intervention],
    outcome: str,
    before: range,
    after: range,
    buffer: str,
    control_geometry: dict | None,
    control_scenes: list[Scene],
    snapshot: dict[str, Any],
    results: dict[str, Any],
    note: str,
    by,
) -> Evaluation:
    evaluation = Evaluation(
        scene=scene,
        outcome=outcome,
        before_start=month_start(before.start),
        before_end=month_end(before.stop - 1),
        after_start=month_start(after.start),
        after_end=month_end(after.stop - 1),
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
    by: User | None = None,
) -> Evaluation:
    """Check the choice, gather the counts, compute RES, WDD, WDQ and the interrupted
    time series and save it all. Periods are whole months (dates are taken to their
    month). Problems are ValidationErrors naming the field."""
    interventions = list(interventions)
    _check_may_evaluate(scene=scene, interventions=interventions, by=by)
    _check_choice(scene=scene, interventions=interventions, outcome=outcome, buffer=buffer)
    survey = outcome.startswith(SURVEY_PREFIX)
    before, after, start_key = _periods_choose(
        before_start=before_start,
        before_end=before_end,
        after_start=after_start,
        after_end=after_end,
        intervention_start=min(i.starts_on for i in interventions),
        survey=survey,
    )
    control_geometry, control_scenes, basis = _comparison_choose(
        scene=scene,
        outcome=outcome,
        before=before,
        after=after,
        control_geometry=control_geometry,
        by=by,
    )
    snapshot = _snapshot_gather(
        scene=scene,
        outcome=outcome,
        buffer=buffer,
        before=before,
        after=after,
        start_key=start_key,
        control_geometry=control_geometry,
        control_scenes=control_scenes,
        basis=basis,
    )
    _check_counts(snapshot)
    results = results_compute(snapshot)
    results["snapshot_sha256"] = snapshot_digest(snapshot)
    return _evaluation_store(
        scene=scene,
        interventions=interventions,
        outcome=outcome,
        before=before,
        after=after,
        buffer=buffer,
        control_geometry=control_geometry,
        control_scenes=control_scenes,
        snapshot=snapshot,
        results=results,
        note=note,
        by=by,
    )


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


__all__ = [
    "evaluation_create",
    "results_compute",
]
