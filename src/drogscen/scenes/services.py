"""Writes to the scene registry. Each runs in a transaction, keeps the geometry history,
refuses a stale edit (optimistic locking) and, when a user acts, checks that the scene
is theirs to write before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.core import access, geo
from drogscen.core.types import User
from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.derivation import apply_place, scene_geometry_problems, scene_place_derive
from drogscen.scenes.models import Scene, SceneGeometryVersion, SceneLink
from drogscen.scenes.selectors import SceneEdit, changed_fields, scene_edits_since

EDITABLE_FIELDS = ("name", "geometry", "local_police_area", "identified_on")


class SceneConflict(Exception):
    """Someone else saved the scene since the editor opened it. `edits` says who changed
    what and when (old → new), `changed` names the fields as a client sends them."""

    def __init__(self, scene: Scene, edits: list[SceneEdit]) -> None:
        self.scene = scene
        self.edits = edits
        self.changed = changed_fields(edits)
        self.summary = _(
            "%(scene)s was changed by someone else while you edited it (now version "
            "%(version)s). Nothing was saved; review their changes and save again."
        ) % {"scene": scene, "version": scene.version}
        self.details = [edit.text for edit in edits]
        super().__init__(" ".join([self.summary, *(f"{detail}." for detail in self.details)]))


@dataclass(frozen=True)
class Writer:
    """Who writes: a user (checked against the access rules) or the system (commands)."""

    user: Any = None

    def require(self, action: str, scene: Scene | None = None, *, area=None) -> None:
        if self.user is None:
            return
        if scene is not None:
            access.ensure_in_scope(scene, self.user, action)
            return
        if area is not None and not access.may_write_in_area(self.user, area.pk, action):
            raise ValidationError(
                {
                    "local_police_area": _(
                        "You can only register scenes of your own local police area."
                    )
                }
            )


def _geometry(geojson) -> tuple[dict, Any]:
    shape, problems = scene_geometry_problems(geojson)
    if problems:
        raise ValidationError({"geometry": problems})
    normalised = geo.normalised_geojson(shape)
    # Derive from what is stored, so a later recomputation gives the same values.
    return normalised, geo.from_geojson(normalised)


def _derive(scene: Scene, shape) -> None:
    on = scene.closed_on or timezone.localdate()
    place = scene_place_derive(shape, on=on)
    if place.municipality_code is None:
        raise ValidationError({"geometry": _("The area is not in Stockholm county.")})
    apply_place(scene, place)


def _locked(scene: Scene, expected_version: int | None, by) -> Scene:
    current = Scene.objects.select_for_update().get(pk=scene.pk)
    if expected_version is not None and current.version != expected_version:
        edits = scene_edits_since(scene=current, version=expected_version, fetched_by=by)
        raise SceneConflict(current, edits)
    return current


def _record_geometry(scene: Scene, *, valid_from: date, by) -> None:
    open_versions = scene.geometry_versions.filter(valid_to__isnull=True)
    for version in open_versions:
        if version.valid_from >= valid_from:
            # Corrected on the same day it was drawn: replace, don't keep a zero-length period.
            version.delete()
        else:
            version.valid_to = valid_from - timedelta(days=1)
            version.save(update_fields=["valid_to"])
    SceneGeometryVersion.objects.create(
        scene=scene,
        valid_from=valid_from,
        geometry=scene.geometry,
        area_m2=scene.area_m2,
        recorded_by=by if getattr(by, "pk", None) else None,
    )


def _full_clean(scene: Scene) -> None:
    scene.full_clean(exclude=["municipality", "district", "nearest_station"])


@transaction.atomic
def scene_create(
    *,
    ref: str,
    name: str,
    geometry: dict,
    local_police_area: LocalPoliceArea,
    identified_on: date,
    closed_on: date | None = None,
    close_reason: str = "",
    by: User | None = None,
) -> Scene:
    writer = Writer(by)
    writer.require(access.ADD, area=local_police_area)
    normalised, shape = _geometry(geometry)
    scene = Scene(
        ref=ref.strip(),
        name=name.strip(),
        geometry=normalised,
        local_police_area=local_police_area,
        identified_on=identified_on,
        closed_on=closed_on,
        close_reason=close_reason,
    )
    _derive(scene, shape)
    _full_clean(scene)
    scene.save()
    _record_geometry(scene, valid_from=identified_on, by=by)
    writer.require(access.CHANGE, scene)
    return scene


@transaction.atomic
def scene_update(
    *,
    scene: Scene,
    expected_version: int | None,
    by: User | None = None,
    geometry_valid_from: date | None = None,
    **changes: Any,
) -> Scene:
    """Change name, geometry, local police area or identification date. A new geometry
    starts a new geometry version from `geometry_valid_from` (default today)."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"closed_on", "close_reason", "close_note"}
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    writer = Writer(by)
    writer.require(access.CHANGE, scene)
    if "local_police_area" in changes and changes["local_police_area"] != scene.local_police_area:
        # Checked before saving: nobody moves a scene out of their own area.
        writer.require(access.CHANGE, area=changes["local_police_area"])
    current = _locked(scene, expected_version, by)
    shape = None
    if "geometry" in changes:
        normalised, shape = _geometry(changes["geometry"])
        changes["geometry"] = normalised
    changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changed:
        return current
    for field, value in changed.items():
        setattr(current, field, value)
    if shape is None:
        shape = geo.from_geojson(current.geometry)
    _derive(current, shape)
    _full_clean(current)
    current.version += 1
    current.save()
    if "geometry" in changed:
        _record_geometry(current, valid_from=geometry_valid_from or timezone.localdate(), by=by)
    writer.require(access.CHANGE, current)
    return current


def scene_close(
    *,
    scene: Scene,
    closed_on: date,
    reason: str,
    note: str = "",
    expected_version: int | None,
    by: User | None = None,
) -> Scene:
    if reason not in Scene.CloseReason.values:
        raise ValidationError({"close_reason": _("Choose a reason for closing.")})
    if scene.closed_on is not None:
        raise ValidationError({"closed_on": _("The scene is already closed.")})
    return scene_update(
        scene=scene,
        expected_version=expected_version,
        by=by,
        closed_on=closed_on,
        close_reason=reason,
        close_note=note,
    )


@transaction.atomic
def scene_merge(
    *, scene: Scene, into: Scene, on: date, expected_version: int | None, by: User | None = None
) -> Scene:
    """`scene` merges into `into`: it is closed as merged and the lineage kept on both."""
    if into.pk == scene.pk:
        raise ValidationError({"into": _("A scene cannot be merged into itself.")})
    if into.closed_on is not None:
        raise ValidationError({"into": _("The scene to merge into is closed.")})
    Writer(by).require(access.CHANGE, into)
    closed = scene_close(
        scene=scene,
        closed_on=on,
        reason=Scene.CloseReason.MERGED,
        note=_("Merged into %(scene)s.") % {"scene": into},
        expected_version=expected_version,
        by=by,
    )
    SceneLink.objects.create(kind=SceneLink.Kind.MERGE, source=closed, target=into, on=on)
    return closed


@transaction.atomic
def scene_split(
    *,
    scene: Scene,
    parts: list[dict[str, Any]],
    on: date,
    close_original: bool,
    expected_version: int | None,
    by: User | None = None,
) -> list[Scene]:
    """New scenes split off `scene` (each part: ref, name, geometry, optionally
    local_police_area). The original may be closed as split or go on."""
    if not parts:
        raise ValidationError({"parts": _("Give at least one new scene.")})
    current = _locked(scene, expected_version, by)
    new_scenes = []
    for part in parts:
        new_scene = scene_create(
            ref=part["ref"],
            name=part["name"],
            geometry=part["geometry"],
            local_police_area=part.get("local_police_area") or current.local_police_area,
            identified_on=on,
            by=by,
        )
        SceneLink.objects.create(kind=SceneLink.Kind.SPLIT, source=current, target=new_scene, on=on)
        new_scenes.append(new_scene)
    if close_original:
        scene_close(
            scene=current,
            closed_on=on,
            reason=Scene.CloseReason.SPLIT,
            note=_("Split into %(scenes)s.") % {"scenes": ", ".join(s.ref for s in new_scenes)},
            expected_version=current.version,
            by=by,
        )
    return new_scenes
