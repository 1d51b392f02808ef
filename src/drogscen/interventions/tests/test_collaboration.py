"""The collaboration sub-goal in figures: the pure rules on a hand-made set, then the
report keys from the database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drogscen.accounts.models import Organisation
from drogscen.interventions.collaboration import TargetPeriod, Work, year_collaboration
from drogscen.interventions.models import Method
from drogscen.interventions.services import intervention_create, target_add
from drogscen.reports.builder import interventions_summary

Y = 2024


def work(i, org, scene, start=date(2024, 1, 1), end=None, cancelled=False):
    return Work(i, org, scene, start, end, cancelled)


def test_hand_made_year():
    # Scenes 1–4 open; scene 9 not open (its work does not count).
    items = [
        work(1, 10, 1),  # police at scene 1, with a 2024 target
        work(2, 20, 1),  # municipality at scene 1, with a 2024 target → shared plan
        work(3, 10, 2),  # police at scene 2, with a target
        work(4, 30, 2),  # region at scene 2, no target → several actors, no shared plan
        work(5, 20, 3, end=date(2023, 12, 31)),  # ended before Y: scene 3 has no one
        work(6, 40, 3, cancelled=True),  # cancelled: does not count
        work(7, 10, 4),  # one actor at scene 4 with two interventions
        work(8, 10, 4),
        work(9, 50, 9),
    ]
    targets = [
        TargetPeriod(1, date(2024, 1, 1), date(2024, 12, 31)),
        TargetPeriod(2, date(2024, 6, 1), date(2025, 5, 31)),
        TargetPeriod(3, date(2024, 1, 1), date(2024, 12, 31)),
        TargetPeriod(4, date(2023, 1, 1), date(2023, 12, 31)),  # not for Y
    ]
    figures = year_collaboration(year=Y, open_scenes={1, 2, 3, 4}, work=items, targets=targets)
    assert figures.open_scenes == 4
    assert figures.without == 1  # scene 3
    assert figures.actors_distribution == {0: 1, 1: 1, 2: 2}
    assert figures.several_actors == 2
    assert figures.shared_action_plan == 1
    assert figures.several_actors_share == 0.5


def test_no_open_scenes_has_no_share():
    figures = year_collaboration(year=Y, open_scenes=(), work=[work(1, 1, 1)], targets=())
    assert figures.several_actors_share is None and figures.actors_distribution == {}


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5),  # organisation
            st.integers(1, 6),  # scene
            st.booleans(),  # cancelled
            st.booleans(),  # has a target
        ),
        max_size=30,
    ),
    st.sets(st.integers(1, 6)),
)
def test_figures_are_consistent(rows, open_scenes):
    items = [work(i, org, scene, cancelled=c) for i, (org, scene, c, _t) in enumerate(rows)]
    targets = [
        TargetPeriod(i, date(Y, 1, 1), date(Y, 12, 31)) for i, row in enumerate(rows) if row[3]
    ]
    figures = year_collaboration(year=Y, open_scenes=open_scenes, work=items, targets=targets)
    assert sum(figures.actors_distribution.values()) == len(open_scenes)
    assert figures.shared_action_plan <= figures.several_actors <= figures.open_scenes
    assert figures.without == figures.actors_distribution.get(0, 0)


@pytest.fixture
def open_scene(scene_factory):
    """scene_factory + an approved mapping that finds the scene open in the year (with
    a municipality taking part when `joint`)."""
    from drogscen.mappings.models import Mapping
    from drogscen.mappings.services import mapping_create

    def make(ref, years, joint=True, **place):
        scene = scene_factory(ref, **place)
        for year in years:
            mapping = mapping_create(
                scene=scene,
                year=year,
                mapped_on=date(year, 10, 1),
                participants=[Organisation.objects.get(code="kommun:0180")] if joint else [],
                answers={"criteria": ["persistent"]},
            )
            Mapping.objects.filter(pk=mapping.pk).update(status="approved", is_open=True)
        return scene

    return make


@pytest.mark.django_db
def test_report_keys_on_a_hand_made_county(open_scene):
    a = open_scene("C-A", [2023, 2024])
    b = open_scene("C-B", [2023, 2024], joint=False, lon=17.93, lat=59.389)
    open_scene("C-C", [2024], lon=17.935, lat=59.39)
    org = Organisation.objects.get
    method = Method.objects.get(code="hot_spot_patrol")

    def add(code, scenes, start, end=None, target=False):
        intervention = intervention_create(
            organisation=org(code=code),
            title=f"{code} arbete",
            methods=[method],
            scenes=scenes,
            starts_on=start,
            ends_on=end,
            status="ongoing" if end is None else "finished",
        )
        if target:
            target_add(
                intervention=intervention,
                description="Helger",
                unit="helger",
                planned_quantity=10,
                period_start=date(2024, 1, 1),
                period_end=date(2024, 12, 31),
            )

    add("lpo:jarva", [a, b], date(2023, 1, 1), target=True)  # A and B, 2023 and 2024
    add("kommun:0180", [a], date(2024, 3, 1), target=True)  # A in 2024 only
    add("region", [b], date(2023, 1, 1), date(2023, 12, 31))  # B in 2023 only

    summary = interventions_summary(2024)
    assert summary["by_actor_kind"] == {"police_area": 1, "municipality": 1}
    assert summary["scenes_without"] == 1  # C-C
    assert summary["collaboration"] == {
        "actors_per_scene": {"0": 1, "1": 1, "2": 1},
        "scenes_with_several_actors": 1,  # A
        "scenes_with_shared_action_plan": 1,  # A: both with a 2024 target
        "series": {
            # 2023: A (police only), B (police + region) → 1 of 2; mappings: A joint, B not
            "2023": {"several_actors_share": 0.5, "joint_mapping_share": 0.5},
            # 2024: A of A, B, C; mappings: A and C joint
            "2024": {"several_actors_share": 0.3333, "joint_mapping_share": 0.6667},
        },
    }
