"""Compliance with the yearly round: every scene active at the end of the year, and
every scene open the year before, needs an approved mapping for the year.

A scene open the year before that closed during the year still needs the year's mapping:
the mapping is what records that it is no longer an open drug scene. Only a scene merged
into or split into other scenes during the year is exempt (those scenes carry it on); it
is counted as "closed (merged/split)". A scene already closed before the year began is
"closed"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from drogscen.mappings.counting import open_scene_ids
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import approved_records, mapping_list, scenes_active_at_year_end
from drogscen.mappings.services import mapping_deadline
from drogscen.scenes.models import Scene
from drogscen.scenes.selectors import scene_list

MAPPED, IN_PROGRESS, MISSING, OVERDUE = "mapped", "in_progress", "missing", "overdue"
# Closed before the year began: nothing to map for the year.
CLOSED = "closed"
# Merged into or split into other scenes by the end of the year: the other scenes are
# mapped instead.
CLOSED_MERGED = "closed_merged"
MERGE_REASONS = frozenset({Scene.CloseReason.MERGED, Scene.CloseReason.SPLIT})


@dataclass(frozen=True)
class SceneRow:
    """What the follow-up shows of a scene (plain values: hundreds of rows per page)."""

    pk: int
    ref: str
    name: str
    closed_on: date | None
    close_reason: str
    area: str

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


@dataclass(frozen=True)
class MappingRow:
    pk: int
    status: str

    def get_status_display(self) -> str:
        return str(Mapping.Status(self.status).label)


@dataclass
class SceneState:
    scene: SceneRow
    state: str
    open_last_year: bool
    mapping: MappingRow | None = None


@dataclass
class AreaCompliance:
    name: str
    scenes: list[SceneState] = field(default_factory=list)
    approved: int = 0
    joint: int = 0

    def count(self, state: str) -> int:
        return sum(1 for s in self.scenes if s.state == state)

    @property
    def mapped(self) -> int:
        return self.count(MAPPED)

    @property
    def in_progress(self) -> int:
        return self.count(IN_PROGRESS)

    @property
    def missing(self) -> int:
        return self.count(MISSING)

    @property
    def overdue(self) -> int:
        return self.count(OVERDUE)

    @property
    def joint_share(self) -> float | None:
        return self.joint / self.approved if self.approved else None

    @property
    def closed(self) -> int:
        return self.count(CLOSED)

    @property
    def closed_merged(self) -> int:
        return self.count(CLOSED_MERGED)

    @property
    def flagged(self) -> list[SceneState]:
        """Open last year and not mapped this year (also when closed during the year for
        no longer being a scene): never silently dropped."""
        return [
            s
            for s in self.scenes
            if s.open_last_year and s.state not in {MAPPED, CLOSED, CLOSED_MERGED}
        ]


def scene_state(scene: SceneRow, *, year: int, approved: bool, mapping, overdue: bool) -> str:
    """The rule of the module docstring for one scene expected in the year's round."""
    if approved:
        return MAPPED
    if scene.closed_on is not None:
        if scene.close_reason in MERGE_REASONS and scene.closed_on <= date(year, 12, 31):
            return CLOSED_MERGED
        if scene.closed_on < date(year, 1, 1):
            return CLOSED
    if mapping is not None:
        return OVERDUE if overdue else IN_PROGRESS
    return OVERDUE if overdue else MISSING


def mapping_compliance(*, year: int, fetched_by, today: date | None = None):
    """Per local police area and for the county (as far as the user sees)."""
    today = today or timezone.localdate()
    overdue = today > mapping_deadline(year)
    scenes = scene_list(fetched_by=fetched_by)
    latest: dict[int, MappingRow] = {}
    # The scene's mapping of the year: its latest approved one by date, else its
    # latest one under way (a scene may be mapped several times a year).
    rows = (
        mapping_list(fetched_by=fetched_by)
        .filter(year=year)
        .exclude(status=Mapping.Status.SUPERSEDED)
        .order_by("mapped_on", "revision", "pk")
        .values_list("scene_id", "pk", "status")
    )
    for scene_id, pk, status in rows:
        shown = latest.get(scene_id)
        if shown is None or status == Mapping.Status.APPROVED or shown.status != "approved":
            latest[scene_id] = MappingRow(pk, status)
    records = approved_records(
        scenes=scenes, years={year - 1, year}, mappings=mapping_list(fetched_by=fetched_by)
    )
    open_before = open_scene_ids(records, year - 1)
    expected = set(scenes_active_at_year_end(year=year, scenes=scenes).values_list("pk", flat=True))
    visible = set(scenes.values_list("pk", flat=True))
    expected |= open_before & visible
    approved_joint = {r.scene_id: r.joint for r in records if r.year == year}
    areas: dict[str, AreaCompliance] = defaultdict(lambda: AreaCompliance(""))
    county = AreaCompliance("")
    scene_rows = (
        scenes.filter(pk__in=expected)
        .order_by("local_police_area__name", "ref")
        .values_list("pk", "ref", "name", "closed_on", "close_reason", "local_police_area__name")
    )
    for scene in (SceneRow(*row) for row in scene_rows):
        mapping = latest.get(scene.pk)
        state = scene_state(
            scene,
            year=year,
            approved=scene.pk in approved_joint,
            mapping=mapping,
            overdue=overdue,
        )
        entry = SceneState(scene, state, scene.pk in open_before, mapping)
        area = areas[scene.area]
        area.name = scene.area
        for target in (area, county):
            target.scenes.append(entry)
            if state == MAPPED:
                target.approved += 1
                target.joint += approved_joint[scene.pk]
    return sorted(areas.values(), key=lambda a: a.name), county
