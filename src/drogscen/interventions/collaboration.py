"""The collaboration sub-goal made measurable (pure: plain records in, plain numbers out).

For a year Y, over the scenes open in Y (docs/domain-rules.md#open-scenes):

* an intervention is **active in Y** when it is not cancelled and its period (start to
  end, or still going) overlaps Y;
* the **actors at a scene** are the organisations with an active intervention linked to
  it; a scene is **without interventions** when it has none;
* **several actors**: at least two organisations have active work at the scene;
* **shared action plan**: at least two organisations have active work at the scene that
  has a measurable target for Y (a target whose period overlaps Y) — the scene's action
  plan then holds commitments of more than one actor, as the police–municipality
  collaboration agreements do;
* the **several-actors share** of Y is scenes with several actors ÷ scenes open in Y,
  reported next to the joint-mapping share (mappings made with a municipality).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Work:
    """One active-or-not intervention linked to one scene."""

    intervention_id: int
    organisation_id: int
    scene_id: int
    starts_on: date
    ends_on: date | None
    cancelled: bool = False


@dataclass(frozen=True)
class TargetPeriod:
    intervention_id: int
    period_start: date
    period_end: date


def overlaps_year(start: date, end: date | None, year: int) -> bool:
    return start <= date(year, 12, 31) and (end is None or end >= date(year, 1, 1))


@dataclass(frozen=True)
class YearCollaboration:
    year: int
    open_scenes: int
    without: int
    actors_distribution: dict[int, int]  # number of actors → number of open scenes
    several_actors: int
    shared_action_plan: int

    @property
    def several_actors_share(self) -> float | None:
        return self.several_actors / self.open_scenes if self.open_scenes else None


def year_collaboration(
    *,
    year: int,
    open_scenes: Iterable[int],
    work: Iterable[Work],
    targets: Iterable[TargetPeriod],
) -> YearCollaboration:
    """The figures of the module docstring for one year."""
    open_ids = set(open_scenes)
    with_target = {
        t.intervention_id for t in targets if overlaps_year(t.period_start, t.period_end, year)
    }
    actors: dict[int, set[int]] = {scene: set() for scene in open_ids}
    planned: dict[int, set[int]] = {scene: set() for scene in open_ids}
    for item in work:
        if item.scene_id not in open_ids or item.cancelled:
            continue
        if not overlaps_year(item.starts_on, item.ends_on, year):
            continue
        actors[item.scene_id].add(item.organisation_id)
        if item.intervention_id in with_target:
            planned[item.scene_id].add(item.organisation_id)
    distribution = Counter(len(orgs) for orgs in actors.values())
    return YearCollaboration(
        year=year,
        open_scenes=len(open_ids),
        without=distribution.get(0, 0),
        actors_distribution=dict(sorted(distribution.items())),
        several_actors=sum(1 for orgs in actors.values() if len(orgs) >= 2),
        shared_action_plan=sum(1 for orgs in planned.values() if len(orgs) >= 2),
    )
