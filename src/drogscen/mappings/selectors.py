"""Reads of mappings, scoped to the user; the counting rules fed from the database."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.core.types import User
from drogscen.mappings.counting import MappingRecord
from drogscen.mappings.models import CoSignature, Mapping
from drogscen.scenes.models import Scene

# Polygons and questionnaire definitions: large, and not needed to list mappings.
HEAVY_RELATED = ("scene__geometry", "scene__municipality__geometry", "questionnaire__definition")


def mapping_list(*, fetched_by: User) -> QuerySet[Mapping]:
    return access.restrict(
        Mapping.objects.select_related(
            "scene", "scene__municipality", "lead_local_police_area", "questionnaire"
        ).defer(*HEAVY_RELATED),
        fetched_by,
        access.VIEW,
    )


def mapping_get(*, pk: int, fetched_by: User, action: str = access.VIEW) -> Mapping:
    queryset = (
        Mapping.objects.select_related(
            "scene",
            "scene__municipality",
            "lead_local_police_area",
            "questionnaire",
            "submitted_by",
            "approved_by",
            "corrects",
        )
        .defer("scene__geometry", "scene__municipality__geometry")
        .prefetch_related(
            "participants",
            Prefetch(
                "cosignatures", CoSignature.objects.select_related("organisation", "signed_by")
            ),
        )
    )
    return access.get_or_404(queryset, fetched_by, action, pk=pk)


def approved_records(
    *,
    scenes: QuerySet[Scene] | None = None,
    years: set[int] | None = None,
    mappings: QuerySet[Mapping] | None = None,
) -> list[MappingRecord]:
    """The year's mapping of each scene, for the counting rules: its latest approved
    mapping of the year by `mapped_on` (`MappingQuerySet.latest_approved`), for `years`
    (default all)."""
    joint = Organisation.objects.filter(
        mappings=OuterRef("pk"), kind=Organisation.Kind.MUNICIPALITY
    )
    rows = (
        (Mapping.objects.all() if mappings is None else mappings)
        .latest_approved()
        .annotate(joint=Exists(joint))
        .order_by("scene_id", "year")
    )
    if scenes is not None:
        rows = rows.filter(scene__in=scenes)
    if years is not None:
        rows = rows.filter(year__in=years)
    latest = {}
    for scene_id, year, is_open, is_joint in rows.values_list(
        "scene_id", "year", "is_open", "joint"
    ):
        latest[(scene_id, year)] = MappingRecord(scene_id, year, is_open, is_joint)
    return list(latest.values())


def open_scenes_per_year() -> dict[int, int]:
    """Open scenes per reference year, counted in the database (the goal series), each
    scene by its year's mapping (the latest approved one by `mapped_on`)."""
    rows = (
        Mapping.objects.latest_approved()
        .order_by()
        .values("year")
        .annotate(open=Count("scene", distinct=True, filter=Q(is_open=True)))
        .values_list("year", "open")
    )
    return dict(sorted(rows))


def scenes_active_at_year_end(*, year: int, scenes: QuerySet[Scene]) -> QuerySet[Scene]:
    end = date(year, 12, 31)
    return scenes.filter(identified_on__lte=end).exclude(closed_on__lte=end)


def scene_mapping_timeline(*, scene: Scene, fetched_by: User) -> list[Mapping]:
    """The scene's mappings, oldest first (by year and date), that the user may read."""
    return list(
        mapping_list(fetched_by=fetched_by)
        .filter(scene=scene)
        .exclude(status=Mapping.Status.SUPERSEDED)
        .order_by("year", "mapped_on", "revision", "pk")
    )
