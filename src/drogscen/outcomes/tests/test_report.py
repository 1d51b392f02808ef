"""The report's outcomes section (docs/contracts.md#report-json): summed over the scenes
open in the year."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.outcomes.tests.factories import indicators_for, survey_for, youth_for
from drogscen.reports.builder import report_build
from drogscen.reports.renderers import render_html

pytestmark = pytest.mark.django_db


def approve(scene, year, *, is_open=True):
    answers = dict(OPEN_ANSWERS)
    if not is_open:
        answers["criteria"] = ["persistent"]
    services.mapping_record_approved(
        scene=scene,
        year=year,
        mapped_on=date(year, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=answers,
        lead_local_police_area=scene.local_police_area,
    )


def test_outcome_keys_sum_the_scenes_open_in_the_year(scene_factory):
    open_both = scene_factory("R-1")
    open_now = scene_factory("R-2", lon=17.9400, lat=59.3900)
    closed = scene_factory("R-3", lon=17.9500, lat=59.3950)
    for scene, year, is_open in [
        (open_both, 2023, True),
        (open_both, 2024, True),
        (open_now, 2024, True),
        (closed, 2023, True),
        (closed, 2024, False),
    ]:
        approve(scene, year, is_open=is_open)
    indicators_for(open_both, {("violent", "inside", 2023): 10, ("violent", "inside", 2024): 6})
    indicators_for(open_now, {("violent", "inside", 2023): 4, ("violent", "inside", 2024): 5})
    indicators_for(open_now, {("detected", "inside", 2024): 7, ("violent", "buffer_200", 2024): 3})
    indicators_for(closed, {("violent", "inside", 2023): 50, ("violent", "inside", 2024): 50})
    survey_for(open_both, {2024: (40.0, 100)})
    survey_for(open_now, {2024: (20.0, 300)})
    youth_for(open_both, {(2024, 1, "concern_reports"): 1, (2024, 2, "minors_encountered"): 4})

    outcomes = report_build(year=2024)["outcomes"]

    assert outcomes["violent_inside"] == 11
    assert outcomes["violent_inside_previous"] == 14  # the same scenes in 2023
    assert outcomes["detected_inside"] == 7
    assert outcomes["detected_inside_previous"] == 0
    assert outcomes["violent_buffer_200"] == 3
    assert outcomes["survey"] == {"unsafe_evening": 25.0}  # (40·100 + 20·300) / 400
    assert outcomes["youth_signals"] == {"concern_reports": "<3", "minors_encountered": 4}

    with translation.override("en"):
        html = render_html(report_build(year=2024))
    assert "Outcomes at the scenes" in html and "Violent crimes inside the scenes" in html


def test_no_data_is_none_rather_than_zero(scene_factory):
    scene = scene_factory("R-9")
    approve(scene, 2024)
    outcomes = report_build(year=2024)["outcomes"]
    assert outcomes["violent_inside"] is None and outcomes["detected_inside_previous"] is None
