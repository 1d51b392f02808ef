"""Reads of the scene registry, always scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from drogscen.audit.models import AuditEntry
from drogscen.core import access
from drogscen.scenes.models import Scene, SceneLink


def scene_list(*, fetched_by) -> QuerySet[Scene]:
    return access.restrict(Scene.objects.with_places(), fetched_by, access.VIEW)


def scene_get(*, ref: str, fetched_by, action: str = access.VIEW) -> Scene:
    return access.get_or_404(Scene.objects.with_places(), fetched_by, action, ref=ref)


def scene_lineage(*, scene: Scene, fetched_by) -> dict[str, list[SceneLink]]:
    """Links on both sides; the other scene is shown only when the user may see it."""
    links = SceneLink.objects.select_related("source", "target")
    earlier, later = list(links.filter(target=scene)), list(links.filter(source=scene))
    others = [link.source_id for link in earlier] + [link.target_id for link in later]
    visible = set(
        scene_list(fetched_by=fetched_by).filter(pk__in=others).values_list("pk", flat=True)
    )
    for link in earlier:
        link.other_visible = link.source_id in visible
    for link in later:
        link.other_visible = link.target_id in visible
    return {"earlier": earlier, "later": later}


def scene_history(*, scene: Scene) -> QuerySet[AuditEntry]:
    """The audit entries of a scene the caller has already been allowed to see."""
    return AuditEntry.objects.filter(object_type="scenes.scene", object_id=str(scene.pk)).order_by(
        "-sequence"
    )


def scene_area_series(*, scene: Scene) -> list[dict]:
    return [
        {"valid_from": v.valid_from, "valid_to": v.valid_to, "area_m2": v.area_m2}
        for v in scene.geometry_versions.order_by("valid_from", "pk")
    ]
