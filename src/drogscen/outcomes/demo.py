"""Demo outcome data whose patterns tell a story (issue #7): synthetic crime events
2019–2025 around the demo scenes and across the county, safety surveys 2021–2025 and
youth signals per quarter. Seeded, so every demo county is the same. Idempotent.

* Scenes with interventions improve: violent crime inside falls after the first
  intervention there starts (``interventions/demo.py``).
* One scene shows **displacement**: inside falls, the 0–200 m ring rises by most of it.
* Detected crime (drug, weapons offences) rises where the local police work.
* Background crime everywhere, denser around stations.
* A **hidden emerging place** from 2024 on: a growing cluster of violent and drug crime
  at ``EMERGING_PLACE_3006``, not covered by any demo scene (the early-warning map of
  the evaluation work is expected to find it).

Events are stored directly (``source`` "demo"), not through the import service."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely
from django.conf import settings
from django.db import transaction

from drogscen.audit.recorder import record
from drogscen.core import geo
from drogscen.geo.models import Station
from drogscen.interventions.models import Intervention
from drogscen.outcomes import event_store
from drogscen.outcomes.defaults import outcome_defaults_ensure
from drogscen.outcomes.indicators import recompute_all
from drogscen.outcomes.models import (
    CrimeEvent,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
)
from drogscen.scenes.models import Scene

DEMO_SOURCE = "demo"
FIRST_YEAR, LAST_YEAR = 2019, 2025
# Bandhagen's centre by the metro station (Stockholm, Enskede-Årsta-Vantör), about 2 km
# from the nearest demo scene: where the synthetic emerging place grows from 2024 on.
EMERGING_PLACE_3006 = (673_790.0, 6_574_160.0)
EMERGING_FROM = dt.date(2024, 1, 1)
# The scene whose improvement moves crime into its ring (a small inner-city scene with
# outreach work from 2023-09).
DISPLACEMENT_SCENE = "P-0180-01"

# Codes of the shipped defaults (outcomes/data/crime_codes.json) by category.
VIOLENT_CODES = ["0372", "0373", "0380", "0401", "1701"]
DETECTED_CODES = ["5010", "5011", "5020", "5101", "5103", "5203"]  # 50xx are also drug
OTHER_CODES = ["0801", "0802", "0803", "1201", "1301"]
SURVEY_CODES = ("unsafe_evening", "trust_police")

_MONTHS = np.arange((FIRST_YEAR - 1970) * 12, (LAST_YEAR - 1970 + 1) * 12)  # months since 1970


def _month_of(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _in_shape(rng, shape, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform points in a polygon, by rejection from its bounding box."""
    if n == 0:
        return np.zeros(0), np.zeros(0)
    x0, y0, x1, y1 = shape.bounds
    share = max(shape.area / ((x1 - x0) * (y1 - y0)), 0.02)
    xs, ys, have = [], [], 0
    while have < n:
        m = int((n - have) / share * 1.3) + 16
        x, y = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
        keep = shapely.contains_xy(shape, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


class _Events:
    def __init__(self) -> None:
        self.x, self.y, self.month, self.code = [], [], [], []

    def add(self, x, y, months, codes) -> None:
        self.x.append(np.asarray(x, float))
        self.y.append(np.asarray(y, float))
        self.month.append(np.asarray(months, np.int64))
        self.code.append(np.asarray(codes, object))

    def place(self, rng, shape, per_month: np.ndarray, codes: list[str]) -> None:
        counts = rng.poisson(np.maximum(per_month, 0))
        months = np.repeat(_MONTHS, counts)
        x, y = _in_shape(rng, shape, months.size)
        self.add(x, y, months, rng.choice(codes, months.size))


_YEARS_AFTER_2022 = np.clip(_MONTHS / 12 + 1970 - 2023, 0, None)
# The county as a whole: violent crime at the scenes drifts down, detected crime up.
_DRIFT_VIOLENT = 1 - 0.05 * _YEARS_AFTER_2022
_DRIFT_DETECTED = 1 + 0.15 * _YEARS_AFTER_2022


def _ramp(start_month: int | None, to: float, over: int = 6) -> np.ndarray:
    """1 before the start, then linearly to ``to`` over ``over`` months."""
    if start_month is None:
        return np.ones(_MONTHS.size)
    done = np.clip((_MONTHS - start_month) / over, 0, 1)
    return 1 + (to - 1) * done


def _scene_events(rng, events: _Events) -> None:
    starts: dict[int, dt.date] = {}
    police: dict[int, dt.date] = {}
    for scene_id, starts_on, kind in (
        Intervention.objects.exclude(status="cancelled")
        .filter(scenes__isnull=False, starts_on__lte=dt.date(LAST_YEAR, 12, 31))
        .values_list("scenes", "starts_on", "organisation__kind")
    ):
        starts[scene_id] = min(starts.get(scene_id, starts_on), starts_on)
        if kind == "police_area":
            police[scene_id] = min(police.get(scene_id, starts_on), starts_on)
    for scene in Scene.objects.filter(ref__startswith="P-").order_by("ref"):
        shape = geo.to_sweref(geo.from_geojson(scene.geometry))
        ring200 = shape.buffer(200).difference(shape)
        ring500 = shape.buffer(500).difference(shape.buffer(200))
        size = rng.uniform(0.7, 1.3)
        hectares = shape.area / 10_000
        start = _month_of(starts[scene.pk]) if scene.pk in starts else None
        displaced = scene.ref == DISPLACEMENT_SCENE
        base = (1.6 + 0.3 * hectares) * size * _DRIFT_VIOLENT
        violent_inside = base * _ramp(start, 0.3 if displaced else 0.45)
        violent_ring = 1.4 * size * np.ones(_MONTHS.size)
        if displaced and start is not None:
            # most of what leaves the scene shows up just around it
            violent_ring += 0.9 * (base - violent_inside) + 1.5 * (start <= _MONTHS)
        police_start = _month_of(police[scene.pk]) if scene.pk in police else None
        detected_inside = 1.2 * size * _DRIFT_DETECTED * _ramp(police_start, 2.6, over=4)
        events.place(rng, shape, violent_inside, VIOLENT_CODES)
        events.place(rng, ring200, violent_ring, VIOLENT_CODES)
        events.place(rng, ring500, 2.0 * size * np.ones(_MONTHS.size), VIOLENT_CODES)
        events.place(rng, shape, detected_inside, DETECTED_CODES)
        events.place(rng, ring200, 0.5 * size * np.ones(_MONTHS.size), DETECTED_CODES)
        events.place(rng, shape, 1.2 * size * np.ones(_MONTHS.size), OTHER_CODES)


def _emerging_events(rng, events: _Events) -> None:
    """Around ``EMERGING_PLACE_3006``: a trickle before 2024, then a growing cluster."""
    after = np.clip(_MONTHS - _month_of(EMERGING_FROM) + 1, 0, None)
    rate = np.where(after > 0, 0.8 + 0.35 * after, 0.15)
    for codes, scale in ((VIOLENT_CODES, 1.0), (DETECTED_CODES[:3], 0.8)):
        counts = rng.poisson(rate * scale)
        months = np.repeat(_MONTHS, counts)
        x = rng.normal(EMERGING_PLACE_3006[0], 45, months.size)
        y = rng.normal(EMERGING_PLACE_3006[1], 45, months.size)
        events.add(x, y, months, rng.choice(codes, months.size))


def _background_events(rng, events: _Events, n: int = 18_000) -> None:
    stations = np.array(Station.objects.order_by("pk").values_list("longitude", "latitude"))
    sx, sy = geo.project_xy(stations[:, 0], stations[:, 1], source=geo.WGS84, target=geo.SWEREF99TM)
    pick = rng.integers(0, sx.size, n)
    x = sx[pick] + rng.normal(0, 600, n)
    y = sy[pick] + rng.normal(0, 600, n)
    months = rng.choice(_MONTHS, n)
    kind = rng.uniform(0, 1, n)
    codes = np.where(
        kind < 0.25,
        rng.choice(VIOLENT_CODES, n),
        np.where(kind < 0.4, rng.choice(DETECTED_CODES, n), rng.choice(OTHER_CODES, n)),
    )
    events.add(x, y, months, codes)


def _times(rng, months: np.ndarray) -> list[dt.datetime]:
    """A day in the month and an evening-weighted hour (never 02, the hour that
    daylight saving skips or repeats), local time, as aware datetimes."""
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    days_in = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(int)
    day = (rng.uniform(0, 1, months.size) * days_in).astype(int)
    hours = np.array([0, 1, 3, 8, 10, 12, 14, 16, 17, 18, 19, 20, 21, 22, 23])
    weight = np.array([5, 3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 6], float)
    hour = rng.choice(hours, months.size, p=weight / weight.sum())
    minute = rng.integers(0, 60, months.size)
    local = (
        first
        + day.astype("timedelta64[D]")
        + hour.astype("timedelta64[h]")
        + minute.astype("timedelta64[m]")
    )
    stamps = pd.DatetimeIndex(local).tz_localize(settings.TIME_ZONE).tz_convert(dt.UTC)
    return list(stamps.to_pydatetime())


def _store_events(rng, events: _Events) -> int:
    x = np.concatenate(events.x)
    y = np.concatenate(events.y)
    months = np.concatenate(events.month)
    codes = np.concatenate(events.code)
    order = np.argsort(months, kind="stable")
    x, y, months, codes = x[order], y[order], months[order], codes[order]
    times = _times(rng, months)
    CrimeEvent.objects.bulk_create(
        [
            CrimeEvent(
                source=DEMO_SOURCE,
                event_id=f"demo-{i:06d}",
                occurred_at=times[i],
                crime_code=codes[i],
                x=round(float(x[i]), 1),
                y=round(float(y[i]), 1),
            )
            for i in range(x.size)
        ],
        batch_size=5_000,
    )
    event_store.rebuild(sources=[DEMO_SOURCE])
    record(
        action="create",
        model=CrimeEvent,
        object_repr=f"demo events ({x.size})",
        changes={"source": DEMO_SOURCE, "rows": int(x.size)},
    )
    return int(x.size)


def _surveys_and_signals(rng) -> None:
    indicators = {i.code: i for i in SurveyIndicator.objects.filter(code__in=SURVEY_CODES)}
    worked = set(Intervention.objects.filter(scenes__isnull=False).values_list("scenes", flat=True))
    scenes = list(Scene.objects.filter(ref__startswith="P-0180").order_by("ref")[:14])
    scenes += list(Scene.objects.filter(ref__startswith="P-0181").order_by("ref")[:2])
    results = []
    for scene in scenes:
        improving = scene.pk in worked
        unsafe0, trust0 = rng.uniform(32, 48), rng.uniform(35, 50)
        for year in range(2021, LAST_YEAR + 1):
            gain = max(0, year - 2023) * (5.0 if improving else 0.5)
            n = int(rng.integers(150, 401))
            if "unsafe_evening" in indicators:
                value = np.clip(unsafe0 - gain + rng.normal(0, 1.5), 1, 99)
                results.append(
                    SurveyResult(
                        scene=scene,
                        year=year,
                        indicator=indicators["unsafe_evening"],
                        value=round(float(value), 1),
                        respondents=n,
                    )
                )
            if "trust_police" in indicators:
                value = np.clip(trust0 + 0.8 * gain + rng.normal(0, 1.5), 1, 99)
                results.append(
                    SurveyResult(
                        scene=scene,
                        year=year,
                        indicator=indicators["trust_police"],
                        value=round(float(value), 1),
                        respondents=n,
                    )
                )
    SurveyResult.objects.bulk_create(results)
    signals = []
    for scene in [s for s in scenes if s.pk in worked][:6]:
        for year in (2023, 2024, LAST_YEAR):
            for quarter in range(1, 5):
                for kind, mean in (
                    (YouthSignal.Kind.MINORS_ENCOUNTERED, 5.0),
                    (YouthSignal.Kind.CONCERN_REPORTS, 2.5),
                    (YouthSignal.Kind.REFERRED_TO_SUPPORT, 1.8),
                ):
                    signals.append(
                        YouthSignal(
                            scene=scene,
                            year=year,
                            quarter=quarter,
                            indicator=kind,
                            count=int(rng.poisson(mean)),
                        )
                    )
    YouthSignal.objects.bulk_create(signals)
    record(
        action="create",
        model=SurveyResult,
        object_repr=f"demo survey results ({len(results)}) and youth signals ({len(signals)})",
        changes={"survey_results": len(results), "youth_signals": len(signals)},
    )


def demo_outcomes_ensure() -> int:
    """Create the demo outcome data once and compute the indicators; returns the number
    of events created (0 when the demo data exists already)."""
    if CrimeEvent.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    outcome_defaults_ensure()
    rng = np.random.default_rng(20_190_101)
    events = _Events()
    with transaction.atomic():
        _scene_events(rng, events)
        _emerging_events(rng, events)
        _background_events(rng, events)
        created = _store_events(rng, events)
        if not SurveyResult.objects.exists():
            _surveys_and_signals(rng)
    recompute_all()
    return created
