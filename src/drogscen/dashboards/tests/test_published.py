"""The goal card and the outlook count published years only (no demo county here: the
years published are the test's own)."""

from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.builder import report_build
from drogscen.reports.editions import published_goal, round_publish

# The place no longer meets the definition (one criterion of four).
NOT_OPEN_ANSWERS = {**OPEN_ANSWERS, "criteria": ["persistent"]}


@pytest.fixture
def three_years(db, scene_factory):
    """4 open scenes in 2023, 3 in 2024 (both published), 4 again in 2025 (not published)."""
    city = Organisation.objects.get(code="kommun:0180")
    scenes = [scene_factory(f"G-{i}", lon=17.90 + i * 0.01, lat=59.33) for i in range(4)]
    for year, open_ones in ((2023, 4), (2024, 3), (2025, 4)):
        for i, scene in enumerate(scenes):
            services.mapping_record_approved(
                scene=scene,
                year=year,
                mapped_on=date(year, 11, 1),
                participants=[city],
                answers=OPEN_ANSWERS if i < open_ones else NOT_OPEN_ANSWERS,
                lead_local_police_area=scene.local_police_area,
            )
        if year < 2025:
            round_publish(year=year, by=None)


def test_the_goal_counts_only_the_published_years(three_years):
    assert report_build(year=2025)["goal"]["on_track"] is False  # a rebuild counts 2025
    goal = published_goal(up_to=2025)
    assert goal["series"] == {"2023": 4, "2024": 3}
    assert goal["on_track"] is True and goal["left_out"] == [2025]


def test_the_goal_card_ignores_a_year_that_is_not_published(client, make_user, three_years):
    client.force_login(make_user("samordningskansliet", "viewer"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Published figures for 2024, edition 1 of" in page
    preliminary = client.get("/", {"year": 2025}).content.decode()
    goal = preliminary.split('data-testid="goal"', 1)[1].split("</article>", 1)[0]
    assert "On track:" in goal  # 4 → 3, the unpublished 4 of 2025 left out
    assert 'data-testid="series-2025"' not in goal
    assert "2025 is not published yet and is not counted." in goal
    assert 'data-status="preliminary"' in preliminary
