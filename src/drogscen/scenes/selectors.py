"""Reads of the scene registry, always scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from drogscen.audit.models import AuditEntry
from drogscen.core import access
from drogscen.scenes.models import Scene, SceneLink


def scene_list(*, fetched_by, geometry: bool = False) -> QuerySet[Scene]:
    """The scenes the user may see; the polygons only when asked for (they are the
    heavy part of a row and most lists and counts never draw them)."""
    scenes = Scene.objects.with_places()
    if not geometry:
        scenes = scenes.defer("geometry")
    return access.restrict(scenes, fetched_by, access.VIEW)


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


# What a person edits; the derived columns follow from these.
HISTORY_FIELDS = (
    "name",
    "geometry",
    "local_police_area_id",
    "identified_on",
    "closed_on",
    "close_reason",
    "close_note",
    "ref",
)


def scene_history(*, scene: Scene, limit: int = 50) -> list[AuditEntry]:
    """The audit entries of a scene the caller has already been allowed to see, each
    with `changed_fields`: the names of the edited fields in the user's language."""
    names = {
        field.attname: field.verbose_name
        for field in Scene._meta.concrete_fields
        if field.attname in HISTORY_FIELDS
    }
    entries = list(
        AuditEntry.objects.filter(object_type="scenes.scene", object_id=str(scene.pk))
        .exclude(action=AuditEntry.Action.READ)  # who read what is for the audit, not the page
        .order_by("-sequence")[:limit]
    )
    for entry in entries:
        after = (entry.changes.get("after") or {}) if entry.action == "update" else {}
        entry.changed_fields = [names[key] for key in HISTORY_FIELDS if key in after]
    return entries


def scene_area_series(*, scene: Scene) -> list[dict]:
    return [
        {"valid_from": v.valid_from, "valid_to": v.valid_to, "area_m2": v.area_m2}
        for v in scene.geometry_versions.order_by("valid_from", "pk")
    ]


# Audit columns → the field names a client sends.
CONFLICT_FIELDS = {
    "name": "name",
    "geometry": "geometry",
    "local_police_area_id": "local_police_area",
    "identified_on": "identified_on",
    "closed_on": "closed_on",
    "close_reason": "close_reason",
}


def scene_changed_since(*, scene: Scene, version: int) -> list[str]:
    """The fields edited since `version`, read from the scene's audit trail (a copy loaded
    in the same request as the stale edit is already current, so it cannot tell)."""
    changed: set[str] = set()
    entries = (
        AuditEntry.objects.filter(
            object_type="scenes.scene", object_id=str(scene.pk), action=AuditEntry.Action.UPDATE
        )
        .order_by("-sequence")
        .values_list("changes", flat=True)
    )
    for changes in entries.iterator(chunk_size=20):
        before = changes.get("before", {}) if isinstance(changes, dict) else {}
        if "version" not in before:
            continue  # not an edit (e.g. derived values recomputed)
        if before["version"] < version:
            break  # newest first: the editor has seen everything from here on
        changed.update(CONFLICT_FIELDS[key] for key in before if key in CONFLICT_FIELDS)
    return [field for field in CONFLICT_FIELDS.values() if field in changed]
