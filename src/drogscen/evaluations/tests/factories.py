"""Test data for evaluations: scenes with monthly indicator rows and an intervention."""

from __future__ import annotations

from datetime import date

from drogscen.accounts.models import Organisation
from drogscen.interventions.models import Method
from drogscen.interventions.services import intervention_create
from drogscen.outcomes.models import Indicator

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
                Indicator(scene=scene, zone=zone, category=category, year=y, month=m, count=count)
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
