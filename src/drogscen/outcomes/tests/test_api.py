"""The outcome API: scoped like the pages, small youth counts suppressed, summaries only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drogscen.outcomes.intervals import wilson_interval
from drogscen.outcomes.tests.factories import indicators_for, survey_for, youth_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_scenes(scene_factory):
    jarva = scene_factory("A-JARVA")
    solna = scene_factory("A-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)
    indicators_for(jarva, {("violent", "inside", 2024): 4, ("violent", "buffer_200", 2024): 2})
    indicators_for(jarva, {("violent", "inside", 2024): 3}, month=7)
    indicators_for(solna, {("violent", "inside", 2024): 9})
    return jarva, solna


def test_indicators_are_scoped_and_an_unseen_scene_is_404(client, make_user, two_scenes):
    client.force_login(make_user("lpo:jarva", "viewer"))
    rows = client.get("/api/v1/indicators/").json()["results"]
    assert {r["scene"] for r in rows} == {"A-JARVA"}
    assert client.get("/api/v1/indicators/", {"scene": "A-SOLNA"}).status_code == 404
    assert client.get("/api/v1/surveys/", {"scene": "A-SOLNA"}).status_code == 404
    assert client.get("/api/v1/youth-signals/", {"scene": "A-SOLNA"}).status_code == 404
    assert client.get("/api/v1/events/summary/", {"scene": "A-SOLNA"}).status_code == 404


def test_indicator_filters_and_yearly_sums(client, make_user, two_scenes):
    client.force_login(make_user("samordningskansliet", "viewer"))
    monthly = client.get(
        "/api/v1/indicators/", {"scene": "A-JARVA", "zone": "inside", "year": 2024}
    ).json()["results"]
    assert sorted((r["month"], r["count"]) for r in monthly) == [(6, 4), (7, 3)]
    yearly = client.get(
        "/api/v1/indicators/", {"scene": "A-JARVA", "zone": "inside", "period": "year"}
    ).json()["results"]
    assert yearly == [
        {"scene": "A-JARVA", "zone": "inside", "category": "violent", "year": 2024, "count": 7}
    ]


def test_event_summary_sums_only_what_the_caller_sees(client, make_user, two_scenes):
    client.force_login(make_user("lpo:jarva", "viewer"))
    rows = client.get("/api/v1/events/summary/", {"year": 2024}).json()
    assert {(r["zone"], r["count"]) for r in rows} == {("inside", 7), ("buffer_200", 2)}
    client.force_login(make_user("region", "viewer"))
    rows = client.get("/api/v1/events/summary/", {"year": 2024}).json()
    assert {(r["zone"], r["count"]) for r in rows} == {("inside", 16), ("buffer_200", 2)}
    assert client.get("/api/v1/events/summary/", {"year": "x"}).status_code == 400


def test_youth_signals_below_three_are_suppressed(client, make_user, scene_factory):
    scene = scene_factory("Y-1")
    youth_for(scene, {(2025, 1, "minors_encountered"): 1, (2025, 2, "minors_encountered"): 6})
    client.force_login(make_user("kommun:0180", "viewer"))
    rows = client.get("/api/v1/youth-signals/", {"scene": "Y-1"}).json()["results"]
    assert [(r["quarter"], r["count"]) for r in rows] == [(1, "<3"), (2, 6)]


def test_survey_results_carry_their_interval(client, make_user, scene_factory):
    scene = scene_factory("S-1")
    survey_for(scene, {2025: (30.0, 320)})
    client.force_login(make_user("kommun:0180", "viewer"))
    [row] = client.get("/api/v1/surveys/", {"scene": "S-1"}).json()["results"]
    assert (row["ci_low"], row["ci_high"], row["respondents"]) == (25.24, 35.23, 320)


def test_anonymous_is_401(client):
    assert client.get("/api/v1/indicators/").status_code == 401


def test_schema_lists_the_outcome_endpoints(client, make_user):
    client.force_login(make_user("region", "viewer"))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/indicators/", "/api/v1/surveys/", "/api/v1/youth-signals/"):
        assert path in schema["paths"]
    assert "/api/v1/events/summary/" in schema["paths"]


def test_wilson_interval_matches_newcombe():
    low, high = wilson_interval(81 / 263, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


@given(st.integers(1, 5000), st.floats(0, 1))
def test_wilson_interval_holds_the_share_and_stays_in_range(n, share):
    low, high = wilson_interval(share, n)
    assert 0 <= low <= share + 1e-12 and share - 1e-12 <= high <= 1


def test_partners_get_county_aggregates_never_a_scenes_figures(client, make_user, two_scenes):
    # Region sees the scene list (docs/domain-rules.md#access) but only county aggregates
    # of the outcomes.
    client.force_login(make_user("region", "editor"))
    assert client.get("/api/v1/indicators/").json()["results"] == []
    for resource in ("indicators", "surveys", "youth-signals", "events/summary"):
        assert client.get(f"/api/v1/{resource}/", {"scene": "A-JARVA"}).status_code == 404
    assert client.get("/api/v1/events/summary/", {"municipality": "0180"}).json() == []
    county = client.get("/api/v1/events/summary/", {"year": 2024}).json()
    assert {(r["zone"], r["count"]) for r in county} == {("inside", 16), ("buffer_200", 2)}
    page = client.get("/platser/A-JARVA/")
    assert page.status_code == 200  # the scene itself is visible to partners…
    assert 'data-testid="outcomes"' not in page.content.decode()  # …its figures are not
