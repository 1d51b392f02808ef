from django.db.models import CharField, Q
from django.db.models.functions import Cast

from drogscen.audit.models import AuditEntry
from drogscen.core import access
from drogscen.scenes.models import Scene, SceneGeometryVersion, SceneLink

# Reading a scene's history (its entries in the audit log) on the scene's page.
SCENE_HISTORY = "scene_history"
access.ACTION_ROLE.update({SCENE_HISTORY: "viewer"})


def scene_condition(principal: access.Principal, action: str, prefix: str = "") -> Q:
    """Who sees and writes which scenes (docs/domain-rules.md#access). `prefix` reaches
    scenes through a relation, e.g. "scene__" for records that hang off a scene."""
    if action == access.VIEW:
        if principal.county_wide(action) or principal.roles_for(action, kinds=access.PARTNER_KINDS):
            return access.EVERYTHING
        conditions = []
        if areas := principal.local_police_area_ids(action):
            conditions.append(Q(**{f"{prefix}local_police_area_id__in": areas}))
        if municipalities := principal.municipality_ids(action):
            conditions.append(Q(**{f"{prefix}municipality_id__in": municipalities}))
        return access.any_of(*conditions)
    if action in {access.ADD, access.CHANGE}:
        # The local police area keeps its own scenes.
        if areas := principal.local_police_area_ids(action):
            return Q(**{f"{prefix}local_police_area_id__in": areas})
        return access.NOTHING
    # Scenes are closed, never deleted (only a superuser can).
    return access.NOTHING


@access.register(Scene)
def scene_scope(principal: access.Principal, action: str) -> Q:
    return scene_condition(principal, action)


@access.register(SceneGeometryVersion)
def geometry_version_scope(principal: access.Principal, action: str) -> Q:
    if action != access.VIEW:
        return access.NOTHING  # written only by the scene services
    return scene_condition(principal, action, "scene__")


@access.register(SceneLink)
def scene_link_scope(principal: access.Principal, action: str) -> Q:
    # A link is seen by those who see either side; written with the earlier scene.
    if action == access.VIEW:
        return access.any_of(
            scene_condition(principal, action, "source__"),
            scene_condition(principal, action, "target__"),
        )
    if action == access.DELETE:
        return access.NOTHING
    return scene_condition(principal, action, "source__")


@access.register(AuditEntry, action=SCENE_HISTORY)
def scene_history_scope(principal: access.Principal, action: str) -> Q:
    """The audit entries of the scenes the principal sees: whoever sees a scene sees its
    history (the audit log as such stays the county-wide managers', audit/access.py)."""
    scenes = scene_condition(principal, access.VIEW)
    if scenes == access.NOTHING:
        return access.NOTHING
    of_scenes = Q(object_type="scenes.scene")
    if scenes == access.EVERYTHING:
        return of_scenes
    visible = (
        Scene.objects.filter(scenes)
        .annotate(object_key=Cast("pk", output_field=CharField()))
        .values("object_key")
    )
    return of_scenes & Q(object_id__in=visible)
