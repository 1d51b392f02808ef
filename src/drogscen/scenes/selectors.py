"""Reads of the scene registry, always scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from drogscen.audit.models import AuditEntry
from drogscen.core import access
from drogscen.core.types import User
from drogscen.scenes import changes
from drogscen.scenes.access import SCENE_HISTORY
from drogscen.scenes.models import Scene, SceneGeometryVersion, SceneLink


def scene_list(*, fetched_by: User, geometry: bool = False) -> QuerySet[Scene]:
    """The scenes the user may see; the polygons only when asked for (they are the
    heavy part of a row and most lists and counts never draw them)."""
    scenes = Scene.objects.with_places()
    if not geometry:
        scenes = scenes.defer("geometry")
    return access.restrict(scenes, fetched_by, access.VIEW)


def scene_get(*, ref: str, fetched_by: User, action: str = access.VIEW) -> Scene:
    return access.get_or_404(Scene.objects.with_places(), fetched_by, action, ref=ref)


def scene_lineage(*, scene: Scene, fetched_by: User) -> dict[str, list[SceneLink]]:
    """Links on both sides; the other scene is shown only when the user may see it."""
    links = access.restrict(SceneLink.objects.select_related("source", "target"), fetched_by)
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


def scene_history_entries(*, scene: Scene, fetched_by: User) -> QuerySet[AuditEntry]:
    """The audit entries of a scene, newest first, as its history (SCENE_HISTORY: seen by
    whoever sees the scene); who read what is for the audit, not the page."""
    entries = AuditEntry.objects.filter(object_type="scenes.scene", object_id=str(scene.pk))
    return (
        access.restrict(entries, fetched_by, SCENE_HISTORY)
        .exclude(action=AuditEntry.Action.READ)
        .order_by("-sequence")
    )


def scene_history_described(*, entries) -> list[AuditEntry]:
    """The entries, each with `field_changes`: its edited fields old → new in the user's
    language (one query for the names of the local police areas they mention)."""
    entries = list(entries)
    areas = changes.police_area_names(
        entry.changes for entry in entries if entry.action == AuditEntry.Action.UPDATE
    )
    for entry in entries:
        entry.field_changes = (
            changes.field_changes(entry.changes, police_areas=areas)
            if entry.action == AuditEntry.Action.UPDATE
            else []
        )
    return entries


def scene_history(*, scene: Scene, fetched_by: User, limit: int = 50) -> list[AuditEntry]:
    """The latest `limit` entries of a scene's history, described (see
    scene_history_described)."""
    entries = scene_history_entries(scene=scene, fetched_by=fetched_by)
    return scene_history_described(entries=entries[:limit])


def scene_area_series(*, scene: Scene, fetched_by: User) -> list[dict]:
    """The scene's area through its geometry versions, oldest first."""
    versions = access.restrict(SceneGeometryVersion.objects.filter(scene=scene), fetched_by)
    return [
        {"valid_from": v.valid_from, "valid_to": v.valid_to, "area_m2": v.area_m2}
        for v in versions.order_by("valid_from", "pk")
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


@dataclass(frozen=True)
class SceneEdit:
    """One edit saved since an editor's version: who, when and what, old → new."""

    username: str
    recorded_at: datetime
    field_changes: list[changes.FieldChange]

    @property
    def text(self) -> str:
        return _("%(user)s, %(time)s: %(changes)s") % {
            "user": self.username or "-",
            "time": changes.when(self.recorded_at),
            "changes": "; ".join(change.text for change in self.field_changes) or "-",
        }


def scene_edits_since(
    *, scene: Scene, version: int, fetched_by: User | None = None
) -> list[SceneEdit]:
    """The edits saved since `version`, oldest first, read from the scene's audit trail
    (a copy loaded in the same request as the stale edit is already current, so it
    cannot tell). `fetched_by=None` is the system (an import from the command line)."""
    found = []
    updates = AuditEntry.objects.filter(
        object_type="scenes.scene", object_id=str(scene.pk), action=AuditEntry.Action.UPDATE
    )
    if fetched_by is not None:
        updates = access.restrict(updates, fetched_by, SCENE_HISTORY)
    entries = updates.order_by("-sequence").values_list("changes", "username", "recorded_at")
    for audit_changes, username, recorded_at in entries.iterator(chunk_size=20):
        before = audit_changes.get("before", {}) if isinstance(audit_changes, dict) else {}
        if "version" not in before:
            continue  # not an edit (e.g. derived values recomputed)
        if before["version"] < version:
            break  # newest first: the editor has seen everything from here on
        found.append((audit_changes, username, recorded_at))
    found.reverse()
    areas = changes.police_area_names(c for c, _u, _t in found)
    return [
        SceneEdit(username, recorded_at, changes.field_changes(c, police_areas=areas))
        for c, username, recorded_at in found
    ]


def changed_fields(edits: list[SceneEdit]) -> list[str]:
    edited = {change.field for edit in edits for change in edit.field_changes}
    return [name for key, name in CONFLICT_FIELDS.items() if key in edited]
