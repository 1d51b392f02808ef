"""The scene page's outcomes and the county outcomes page, as a user sees them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from drogscen.core.testing import get_with_queries
from drogscen.outcomes.tests.factories import indicators_for, survey_for, youth_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_scene_page_shows_the_figures_and_the_change_in_words(english, make_user, scene_factory):
    scene = scene_factory("O-1")
    indicators_for(
        scene,
        {
            ("violent", "inside", 2024): 24,
            ("violent", "inside", 2025): 17,
            ("violent", "buffer_200", 2024): 5,
            ("violent", "buffer_200", 2025): 9,
            ("detected", "inside", 2024): 4,
            ("detected", "inside", 2025): 10,
        },
    )
    survey_for(scene, {2024: (42.0, 300), 2025: (30.0, 320)})
    youth_for(scene, {(2025, 1, "minors_encountered"): 2, (2025, 2, "minors_encountered"): 7})
    english.force_login(make_user("lpo:jarva", "viewer"))
    page = english.get(reverse("scenes:detail", args=["O-1"])).content.decode()

    assert (
        "Violent crimes inside the scene fell from 24 to 17 (\u221229\u00a0%) compared with 2024"
        " \u2014 the right direction." in page
    )
    assert "Violent crimes within 200 m of the scene rose from 5 to 9" in page
    assert "the wrong direction" in page
    assert "Crimes detected by the police inside the scene rose from 4 to 10 (+150\u00a0%)" in page
    assert 'data-testid="chart-months"' in page and "<svg" in page
    # survey with its 95 % interval (Wilson, 30 % of 320: 25.2–35.2)
    assert "fell from 42.0\u00a0% to 30.0\u00a0% (\u221212.0 percentage points)" in page
    assert "25.2–35.2 %" in page
    # rates per hectare: 17 crimes on an 80 m × 80 m square (0.64 ha) ≈ 26.6 per ha
    assert "26.5" in page or "26.6" in page


def test_youth_signals_below_three_are_never_shown(english, make_user, scene_factory):
    scene = scene_factory("O-2")
    youth_for(scene, {(2025, 1, "concern_reports"): 2, (2025, 2, "concern_reports"): 11})
    english.force_login(make_user("samordningskansliet", "viewer"))
    page = english.get(reverse("scenes:detail", args=["O-2"])).content.decode()
    table = page[page.index('data-testid="youth-signals"') :]
    table = table[: table.index("</table>")]
    assert "&lt;3" in table and ">11<" in table
    assert ">2<" not in table


def test_county_page_shows_the_sub_goals_and_their_direction(english, make_user, scene_factory):
    a = scene_factory("C-1")
    b = scene_factory("C-2", lpo="solna", lon=17.9993, lat=59.3600)
    indicators_for(a, {("violent", "inside", 2024): 20, ("violent", "inside", 2025): 10})
    indicators_for(b, {("violent", "inside", 2024): 5, ("violent", "inside", 2025): 5})
    indicators_for(a, {("detected", "inside", 2024): 8, ("detected", "inside", 2025): 6})
    english.force_login(make_user("samordningskansliet", "viewer"))

    page = english.get(reverse("outcomes:county")).content.decode()
    assert (
        "Violent crimes at the scenes fell from 25 to 15 (\u221240\u00a0%) compared with 2024"
        " \u2014 the right direction." in page
    )
    assert "Crimes detected by the police at the scenes fell from 8 to 6" in page
    assert "the wrong direction" in page

    solna = english.get(reverse("outcomes:county"), {"municipality": "0184"}).content.decode()
    assert "Violent crimes at the scenes: unchanged at 5 compared with 2024." in solna


def test_breakdowns_only_for_the_users_own_areas(client, make_user, scene_factory):
    scene_factory("C-1")  # Järva, City of Stockholm
    scene_factory("C-2", lpo="solna", lon=17.9993, lat=59.3600)
    client.force_login(make_user("lpo:jarva", "viewer"))
    assert client.get(reverse("outcomes:county")).status_code == 200  # county totals
    assert client.get(reverse("outcomes:county"), {"lpo": "jarva"}).status_code == 200
    assert client.get(reverse("outcomes:county"), {"lpo": "solna"}).status_code == 404
    assert client.get(reverse("outcomes:county"), {"municipality": "0184"}).status_code == 404


def test_county_page_query_count_does_not_grow_with_the_data(client, make_user, scene_factory):
    client.force_login(make_user("samordningskansliet", "viewer"))
    first = scene_factory("Q-0")
    indicators_for(first, {("violent", "inside", 2024): 3})
    survey_for(first, {2024: (40.0, 200)})
    url = reverse("outcomes:county")
    _response, small = get_with_queries(client, url)
    for i in range(1, 6):
        scene = scene_factory(f"Q-{i}", lon=17.9280 + 0.01 * i)
        indicators_for(
            scene,
            {
                (c, z, y): i + y % 7
                for c in ("violent", "detected")
                for z in ("inside", "buffer_200")
                for y in range(2019, 2026)
            },
        )
        survey_for(scene, {y: (30.0 + i, 200) for y in range(2021, 2026)})
    _response, large = get_with_queries(client, url)
    assert len(large) == len(small), large


def test_the_navigation_leads_to_the_outcomes_page(client, make_user):
    client.force_login(make_user("region", "viewer"))
    page = client.get(reverse("dashboards:home")).content.decode()
    assert f'href="{reverse("outcomes:county")}"' in page


def test_a_municipality_breakdown_leaves_out_other_police_areas_scenes(
    client, make_user, scene_factory
):
    """The City of Stockholm spans several local police areas: LPO Järva's breakdown of it
    counts Järva's scenes only, not Södermalm's, which Järva does not see."""
    jarva = scene_factory("C-J")
    sodermalm = scene_factory("C-S", lpo="sodermalm", lon=18.07, lat=59.315)
    indicators_for(jarva, {("violent", "inside", 2024): 4, ("violent", "inside", 2025): 3})
    indicators_for(sodermalm, {("violent", "inside", 2024): 400, ("violent", "inside", 2025): 300})
    client.force_login(make_user("lpo:jarva", "viewer"))
    response = client.get(reverse("outcomes:county"), {"municipality": "0180"})
    assert response.status_code == 200
    violent = next(g for g in response.context["goals"] if g.key == "violent")
    assert sum(next(iter(violent.series.values()))) == 7
    assert response.context["scene_count"] == 1
    # The county-wide organisations see the whole municipality.
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get(reverse("outcomes:county"), {"municipality": "0180"})
    assert response.context["scene_count"] == 2


@pytest.mark.django_db
def test_the_outcomes_page_leads_importers_to_the_event_upload(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    assert 'href="/importera/events/"' in client.get("/utfall/").content.decode()
    client.force_login(make_user("kommun:0180", "editor"))  # imports no events
    assert 'href="/importera/events/"' not in client.get("/utfall/").content.decode()


@pytest.mark.django_db
def test_partners_get_the_county_totals_without_breakdowns(client, make_user, scene_factory):
    scene_factory("P-ONE")  # the only scene of LPO Järva: a breakdown would be its figures
    client.force_login(make_user("region", "viewer"))
    assert client.get("/utfall/").status_code == 200
    assert client.get("/utfall/", {"lpo": "jarva"}).status_code == 404
    assert client.get("/utfall/", {"municipality": "0180"}).status_code == 404
