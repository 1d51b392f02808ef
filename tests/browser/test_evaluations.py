from datetime import date

import pytest
from playwright.sync_api import expect

from drogscen.evaluations import early_warning
from drogscen.evaluations.tests.factories import evaluation_setup, plant_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evaluate_an_intervention_and_see_the_verdict(page, sign_in, make_user, scene_factory):
    _scene, _controls, intervention = evaluation_setup(scene_factory)
    sign_in(make_user("lpo:jarva", "editor"))
    page.goto(f"{page.base_url}/insatser/{intervention.pk}/")
    page.get_by_test_id("evaluate").click()
    expect(page.get_by_test_id("evaluation-form")).to_be_visible()
    page.get_by_test_id("evaluate-submit").click()
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-verdict", "improved")
    expect(page.get_by_test_id("wdq-text")).to_have_attribute("data-interpretation", "diffusion")
    expect(page.get_by_test_id("its").locator("svg")).to_be_visible()


def test_the_early_warning_map_shows_the_emerging_place(page, sign_in, make_user, scene_factory):
    from drogscen.evaluations.models import Candidate
    from drogscen.outcomes.models import CrimeEvent

    CrimeEvent.objects.all().delete()
    Candidate.objects.all().delete()
    scene_factory("W-1", lon=18.0700, lat=59.3150)
    plant_events()
    early_warning.candidates_compute(period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
    sign_in(make_user("lpo:jarva", "viewer"))
    page.goto(f"{page.base_url}/utvardering/tidig-varning/")
    expect(page.get_by_test_id("candidate")).to_have_count(1)
    expect(page.get_by_test_id("candidate")).to_have_attribute("data-status", "open")
    map_ = page.locator("#candidate-map")
    expect(map_).to_have_attribute("data-ready", "true")
    expect(map_).to_have_attribute("data-scene-count", "1")
