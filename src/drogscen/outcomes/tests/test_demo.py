"""The demo county's outcome data tells the stories it promises."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
import shapely
from django.db.models import Sum

from drogscen.core import geo
from drogscen.outcomes.demo import DISPLACEMENT_SCENE, EMERGING_PLACE_3006, demo_outcomes_ensure
from drogscen.outcomes.indicators import scenes_near
from drogscen.outcomes.models import CrimeEvent, Indicator, SurveyResult, YouthSignal
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db


def yearly(ref: str, category: str, zone: str) -> dict[int, int]:
    rows = (
        Indicator.objects.filter(scene__ref=ref, category=category, zone=zone)
        .values_list("year")
        .annotate(n=Sum("count"))
    )
    out = defaultdict(int, dict(rows))
    return out


def test_demo_outcomes(demo_county):
    events = CrimeEvent.objects.filter(source="demo").count()
    assert events > 20_000
    assert demo_outcomes_ensure() == 0  # idempotent
    assert CrimeEvent.objects.filter(source="demo").count() == events

    # improving after the interventions (from 2023-09 / 2024-01)
    for ref in ("P-0180-12", "P-0180-13"):
        violent = yearly(ref, "violent", "inside")
        assert violent[2025] < 0.7 * violent[2022]
        detected = yearly(ref, "detected", "inside")
        assert detected[2025] > 1.5 * detected[2022]  # the police work there
    # displacement: inside falls, the 0–200 m ring rises
    inside = yearly(DISPLACEMENT_SCENE, "violent", "inside")
    ring = yearly(DISPLACEMENT_SCENE, "violent", "buffer_200")
    assert inside[2025] < 0.5 * inside[2022] and ring[2025] > 1.5 * ring[2022]

    # the emerging place: ≥ 1 km from every scene, and growing from 2024
    shapes = [
        geo.to_sweref(geo.from_geojson(g)) for g in Scene.objects.values_list("geometry", flat=True)
    ]
    point = shapely.Point(*EMERGING_PLACE_3006)
    assert min(s.distance(point) for s in shapes) >= 1_000
    assert scenes_near(np.array([EMERGING_PLACE_3006[0]]), np.array([EMERGING_PLACE_3006[1]])) == []
    x, y = EMERGING_PLACE_3006
    near = CrimeEvent.objects.filter(x__range=(x - 150, x + 150), y__range=(y - 150, y + 150))
    per_year = defaultdict(int)
    for moment in near.values_list("occurred_at", flat=True):
        per_year[moment.year] += 1
    assert per_year[2025] > per_year[2024] > 3 * max(per_year[2022], 1)

    assert SurveyResult.objects.filter(respondents__gte=150, respondents__lte=400).exists()
    assert YouthSignal.objects.filter(count__lt=3).exists()
