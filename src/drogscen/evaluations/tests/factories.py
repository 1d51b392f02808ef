"""Test data for evaluations: scenes with monthly indicator rows and an intervention, and
police events around an emerging place for the early warning. A factory module, not a
test module: any test may import it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from drogscen.accounts.models import Organisation
from drogscen.core import geo
from drogscen.interventions.models import Method
from drogscen.interventions.services import intervention_create
from drogscen.outcomes.models import CrimeEvent, Indicator
from drogscen.outcomes.tests.factories import (
    CrimeCodeFactory,
    CrimeEventFactory,
    IndicatorFactory,
)

MONTHS = [(y, m) for y in (2023, 2024, 2025) for m in range(1, 13)]
START = date(2024, 7, 1)


def monthly(scene, zone, category, before, after, start=START):
    """`before` a month up to the start, `after` from it, varying by ±1 around those levels
    (over any 12 consecutive months the variation sums to 0)."""
    rows = []
    for y, m in MONTHS:
        base = before if (y, m) < (start.year, start.month) else after
        count = base + (m % 3) - 1 if base >= 2 else base
        if count > 0:
            rows.append(
                IndicatorFactory.build(
                    scene=scene, zone=zone, category=category, year=y, month=m, count=count
                )
            )
    Indicator.objects.bulk_create(rows)


def evaluation_setup(scene_factory, *, treated_after=4, ring_after=3, method="hot_spot_patrol"):
    """A Järva scene whose violent crime falls from 10 to `treated_after` a month at the
    start of an intervention, its ring from 5 to `ring_after`, and two comparison scenes in
    the same municipality at a steady 8 (ring 4)."""
    scene = scene_factory("E-1", lon=17.9280, lat=59.3880)
    controls = [
        scene_factory("E-C1", lon=17.9500, lat=59.3950),
        scene_factory("E-C2", lon=17.9100, lat=59.4000),
    ]
    monthly(scene, "inside", "violent", 10, treated_after)
    monthly(scene, "buffer_200", "violent", 5, ring_after)
    for control in controls:
        monthly(control, "inside", "violent", 8, 8)
        monthly(control, "buffer_200", "violent", 4, 4)
    intervention = intervention_create(
        organisation=Organisation.objects.get(code="lpo:jarva"),
        title="Patrullering",
        methods=[Method.objects.get(code=method)],
        scenes=[scene],
        starts_on=START,
        status="ongoing",
    )
    return scene, controls, intervention


PERIODS = {
    "before_start": date(2023, 7, 1),
    "before_end": date(2024, 6, 30),
    "after_start": date(2024, 7, 1),
    "after_end": date(2025, 6, 30),
}


EMERGING = (17.9150, 59.4000)  # in Järva, away from any scene
AT_SCENE = (18.0700, 59.3150)  # Södermalm, where a scene is registered


def plant_events(year=2024, *, seed=0):
    """400 violent and drug events spread over the county in `year`, and 50 each in a tight
    cluster at EMERGING and at AT_SCENE."""
    rng = np.random.default_rng(seed)
    CrimeCodeFactory(code="V1", name_sv="Våld", categories=["violent"])
    CrimeCodeFactory(code="N1", name_sv="Narkotika", categories=["drug"])
    lon = rng.uniform(17.80, 18.20, 400)
    lat = rng.uniform(59.25, 59.45, 400)
    for point, n in ((EMERGING, 50), (AT_SCENE, 50)):
        lon = np.concatenate([lon, rng.normal(point[0], 0.0008, n)])
        lat = np.concatenate([lat, rng.normal(point[1], 0.0004, n)])
    x, y = geo.project_xy(lon, lat, source=geo.WGS84, target=geo.SWEREF99TM)
    CrimeEvent.objects.bulk_create(
        CrimeEventFactory.build(
            source="t",
            event_id=f"{year}-{i}",
            occurred_at=datetime(year, 1 + i % 12, 5, tzinfo=UTC),
            crime_code="V1" if i % 3 else "N1",
            x=float(px),
            y=float(py),
        )
        for i, (px, py) in enumerate(zip(x, y, strict=True))
    )
