"""The outcome actions: a scene's own figures (SCENE_FIGURES, and Indicator's view) for
its local police area, municipality and the county-wide organisations; indicators as
totals (TOTALS) over every scene the user sees, so the partners get the county total."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from drogscen.core import access
from drogscen.outcomes.access import SCENE_FIGURES, TOTALS, scenes_with_details
from drogscen.outcomes.models import Indicator
from drogscen.outcomes.tests.factories import indicators_for
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_scenes(scene_factory):
    jarva = scene_factory("A-JARVA")
    solna = scene_factory("A-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)
    indicators_for(jarva, {("violent", "inside", 2024): 4})
    indicators_for(solna, {("violent", "inside", 2024): 9})
    return jarva, solna


def total(user, action: str) -> int | None:
    rows = access.restrict(Indicator.objects.all(), user, action)
    return rows.aggregate(n=Sum("count"))["n"]


def figures_of(user) -> set[str]:
    return set(
        access.restrict(Scene.objects.all(), user, SCENE_FIGURES).values_list("ref", flat=True)
    )


@pytest.mark.parametrize(
    ("code", "figures", "view_total", "totals"),
    [
        ("lpo:jarva", {"A-JARVA"}, 4, 4),
        ("kommun:0184", {"A-SOLNA"}, 9, 9),
        ("samordningskansliet", {"A-JARVA", "A-SOLNA"}, 13, 13),
        ("region", set(), None, 13),  # every scene's total, no scene's figures
    ],
)
def test_figures_and_totals(make_user, two_scenes, code, figures, view_total, totals):
    user = make_user(code, "viewer")
    assert (
        figures_of(user) == figures == set(scenes_with_details(user).values_list("ref", flat=True))
    )
    assert total(user, access.VIEW) == view_total
    assert total(user, TOTALS) == totals


def test_nobody_writes_indicators_or_reads_them_without_an_organisation(make_user, two_scenes):
    editor = make_user("samordningskansliet", "manager")
    assert not access.can(editor, access.ADD, Indicator)
    assert total(make_user(), TOTALS) is None
    assert figures_of(make_user()) == set()
