"""Who sees and writes the methods knowledge bank and the interventions
(docs/domain-rules.md#access).

Reading an intervention — a user sees those

* of every organisation, when their organisation is county-wide (coordination office,
  police region);
* owned by one of their organisations;
* linked to a scene they can see (scenes' own rule): a municipality's users see the work
  at scenes located in it, a local police area's users the work at their scenes, and the
  partners (Region, Kriminalvården, Tullverket, Länsstyrelsen), who see the scene list,
  see all work linked to a scene — so the actors at a scene see each other's work there;
* for their own municipality as a whole (municipality-wide, no scene).

A municipality-wide intervention of another municipality is therefore seen only by its
owner and the county-wide organisations.

Writing: an organisation's editors and managers record and change only their own
organisation's interventions, targets and progress. Nothing here is deleted: an
intervention is cancelled, a progress report corrected.
"""

from django.db.models import Q

from drogscen.core import access
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.scenes.access import scene_condition


def intervention_condition(principal: access.Principal, action: str, prefix: str = "") -> Q:
    """`prefix` reaches interventions through a relation, e.g. "intervention__"."""
    if action == access.VIEW:
        if principal.county_wide(action):
            return access.EVERYTHING
        conditions = []
        if organisations := principal.organisation_ids(action):
            conditions.append(Q(**{f"{prefix}organisation_id__in": organisations}))
        scenes = scene_condition(principal, action, "scene__")
        if scenes != access.NOTHING:
            # Through the link table, so an intervention at several scenes is one row.
            links = Intervention.scenes.through.objects.filter(scenes)
            conditions.append(Q(**{f"{prefix}pk__in": links.values("intervention_id")}))
        if municipalities := principal.municipality_ids(action):
            conditions.append(Q(**{f"{prefix}municipality_id__in": municipalities}))
        return access.any_of(*conditions)
    if action in {access.ADD, access.CHANGE}:
        if organisations := principal.organisation_ids(action):
            return Q(**{f"{prefix}organisation_id__in": organisations})
        return access.NOTHING
    return access.NOTHING  # cancelled, never deleted


@access.register(Method)
def method_scope(principal: access.Principal, action: str) -> Q:
    # Everyone signed in reads the knowledge bank; the county-wide editors keep it.
    if action == access.VIEW:
        return access.EVERYTHING
    return access.EVERYTHING if principal.county_wide(action) else access.NOTHING


@access.register(Intervention)
def intervention_scope(principal: access.Principal, action: str) -> Q:
    return intervention_condition(principal, action)


@access.register(Target)
def target_scope(principal: access.Principal, action: str) -> Q:
    return intervention_condition(principal, action, "intervention__")


@access.register(TargetProgress)
def target_progress_scope(principal: access.Principal, action: str) -> Q:
    return intervention_condition(principal, action, "target__intervention__")
