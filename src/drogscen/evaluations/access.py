"""Who sees and makes evaluations, and who sees and decides early-warning candidates
(docs/domain-rules.md#access).

Evaluations

* Read: whoever may read the evaluated scene's figures (``outcomes.access``): its local
  police area, the municipality it lies in and the county-wide organisations. The
  partners see the scene list but no scene's crime figures, so no evaluations either.
  Per-method summaries pool only the evaluations the reader sees.
* Create: the county-wide organisations' editors (the coordination office evaluates), and
  the editors of an organisation that owns one of the evaluated interventions, of the
  scene's local police area or of the municipality it lies in. At model level that is
  every editor; the service checks the particular scene and interventions
  (``evaluation_may_create``).
* An evaluation is a record of what was found with the data of its day: never changed or
  deleted (make a new one).

Candidate places (early warning)

* Read: the county-wide organisations all; a local police area the candidates in its area;
  a municipality those in it (the area is the one containing the candidate's centre). The
  partners do not see them: unconfirmed crime clusters are police information.
* Run the analysis (add): county-wide and local police area editors.
* Dismiss (change): county-wide editors and the editors of the candidate's local police
  area. Turning a candidate into a scene also needs the right to register scenes in that
  area (the scene service checks it), which only the local police area has.
"""

from django.db.models import Q

from drogscen.core import access
from drogscen.evaluations.models import Candidate, Evaluation
from drogscen.outcomes.access import scene_details_condition, scenes_with_details


def evaluation_may_create(user, *, scene, interventions) -> bool:
    principal = access.principal_for(user)
    if principal.county_wide(access.ADD):
        return True
    if not scenes_with_details(user).filter(pk=scene.pk).exists():
        return False  # a partner owning work there still may not read the scene's figures
    if any(i.organisation_id in principal.organisation_ids(access.ADD) for i in interventions):
        return True
    return scene.local_police_area_id in principal.local_police_area_ids(
        access.ADD
    ) or scene.municipality_id in principal.municipality_ids(access.ADD)


@access.register(Evaluation)
def evaluation_scope(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW:
        return scene_details_condition(principal, action)
    if action == access.ADD:
        if principal.county_wide(action):
            return access.EVERYTHING
        conditions = []
        if organisations := principal.organisation_ids(action):
            conditions.append(Q(interventions__organisation_id__in=organisations))
        if areas := principal.local_police_area_ids(action):
            conditions.append(Q(scene__local_police_area_id__in=areas))
        if municipalities := principal.municipality_ids(action):
            conditions.append(Q(scene__municipality_id__in=municipalities))
        return access.any_of(*conditions)
    return access.NOTHING


def candidate_condition(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW:
        if principal.county_wide(action):
            return access.EVERYTHING
        conditions = []
        if areas := principal.local_police_area_ids(action):
            conditions.append(Q(local_police_area_id__in=areas))
        if municipalities := principal.municipality_ids(action):
            conditions.append(Q(municipality_id__in=municipalities))
        return access.any_of(*conditions)
    if action in {access.ADD, access.CHANGE}:
        if principal.county_wide(action):
            return access.EVERYTHING
        if areas := principal.local_police_area_ids(action):
            return Q(local_police_area_id__in=areas) if action == access.CHANGE else Q()
        return access.NOTHING
    return access.NOTHING


@access.register(Candidate)
def candidate_scope(principal: access.Principal, action: str) -> Q:
    return candidate_condition(principal, action)


def sees_early_warning(user) -> bool:
    principal = access.principal_for(user)
    return principal.county_wide() or bool(
        principal.local_police_area_ids() or principal.municipality_ids()
    )
