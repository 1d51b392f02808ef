"""Who sees and writes the outcome data (docs/domain-rules.md#access).

* Crime codes and survey indicator definitions: everyone signed in reads them; the
  county-wide organisations configure them.
* Raw crime events are police data: never listed to anyone. Only the police (local
  police areas, the police region) and the coordination office import them and see their
  own uploads; everyone else sees them only as counts per scene (``Indicator``).
* Indicators, aggregated counts, survey results and youth signals hang off a scene and
  are seen by the scene's local police area, the municipality it lies in and the
  county-wide organisations (docs/domain-rules.md#access: "their mappings and
  indicators"). The partners (Region, Kriminalvården, Tullverket, Länsstyrelsen) see the
  scene list but only county aggregates of the outcomes, never a scene's figures. They
  are written by the county-wide organisations, the local police area of the scene and
  the municipality it lies in (surveys and youth signals come from the municipalities'
  own work).
"""

from django.db.models import Q

from drogscen.core import access
from drogscen.outcomes.models import (
    AggregatedCount,
    CrimeCode,
    CrimeEvent,
    EventTile,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
)
from drogscen.scenes.access import scene_condition
from drogscen.scenes.models import Scene

POLICE_KINDS = frozenset({"police_area", "police_region"})
# Reading a scene's own figures (indicators, surveys, youth signals, evaluations): asked
# of the scenes, for the scene pages and the breakdowns (scene_details_condition).
SCENE_FIGURES = "scene_figures"
# Reading indicators as totals over all the scenes the user sees, never per scene: for
# the partners, who see every scene but no scene's figures, that is the county total.
TOTALS = "totals"
access.ACTION_ROLE.update({SCENE_FIGURES: "viewer", TOTALS: "viewer"})


def _configuration(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW:
        return access.EVERYTHING
    return access.EVERYTHING if principal.county_wide(action) else access.NOTHING


def imports_events(principal: access.Principal) -> bool:
    return principal.is_superuser or bool(
        principal.roles_for(access.ADD, kinds=POLICE_KINDS | access.COUNTY_WIDE_KINDS)
    )


def may_import_events(user) -> bool:
    """Whether the user uploads crime events (see imports_events)."""
    return imports_events(access.principal_for(user))


def scene_details_condition(
    principal: access.Principal, action: str = access.VIEW, prefix: str = "scene__"
) -> Q:
    """Scenes whose own figures (indicators, surveys, youth signals, evaluations) the
    principal may read: the scene rule without the partners' view of the scene list."""
    if principal.county_wide(action):
        return access.EVERYTHING
    conditions = []
    if areas := principal.local_police_area_ids(action):
        conditions.append(Q(**{f"{prefix}local_police_area_id__in": areas}))
    if municipalities := principal.municipality_ids(action):
        conditions.append(Q(**{f"{prefix}municipality_id__in": municipalities}))
    return access.any_of(*conditions)


@access.register(Scene, action=SCENE_FIGURES)
def scene_figures_scope(principal: access.Principal, action: str) -> Q:
    return scene_details_condition(principal, access.VIEW, prefix="")


def scenes_with_details(user):
    """The scenes whose own figures the user may read (SCENE_FIGURES)."""
    return access.restrict(Scene.objects.all(), user, SCENE_FIGURES)


def scene_data_condition(principal: access.Principal, action: str, prefix: str = "scene__") -> Q:
    if action == access.VIEW:
        return scene_details_condition(principal, action, prefix)
    if action in {access.ADD, access.CHANGE}:
        if principal.county_wide(action):
            return access.EVERYTHING
        conditions = []
        if areas := principal.local_police_area_ids(action):
            conditions.append(Q(**{f"{prefix}local_police_area_id__in": areas}))
        if municipalities := principal.municipality_ids(action):
            conditions.append(Q(**{f"{prefix}municipality_id__in": municipalities}))
        return access.any_of(*conditions)
    return access.NOTHING


def with_writable_data(scenes, user, action: str = access.ADD):
    """The scenes, narrowed to those the user may `action` outcome data for (the writers
    of scene_data_condition)."""
    return scenes.filter(scene_data_condition(access.principal_for(user), action, prefix=""))


@access.register(CrimeCode)
def crime_code_scope(principal: access.Principal, action: str) -> Q:
    return _configuration(principal, action)


@access.register(SurveyIndicator)
def survey_indicator_scope(principal: access.Principal, action: str) -> Q:
    return _configuration(principal, action)


@access.register(CrimeEvent)
def crime_event_scope(principal: access.Principal, action: str) -> Q:
    # Written by imports of the police and the coordination office; read by nobody as
    # rows (the counting reads them as the system, not as a user).
    if action == access.ADD and imports_events(principal):
        return access.EVERYTHING
    return access.NOTHING


@access.register(EventTile)
def event_tile_scope(principal: access.Principal, action: str) -> Q:
    # The columnar copy of the events: written and read by the system only.
    return access.NOTHING


@access.register(Indicator)
def indicator_scope(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW:
        return scene_details_condition(principal, action)
    if action == TOTALS:
        return scene_condition(principal, access.VIEW, "scene__")
    return access.NOTHING  # computed, never written by hand


@access.register(AggregatedCount)
def aggregated_count_scope(principal: access.Principal, action: str) -> Q:
    return scene_data_condition(principal, action)


@access.register(SurveyResult)
def survey_result_scope(principal: access.Principal, action: str) -> Q:
    return scene_data_condition(principal, action)


@access.register(YouthSignal)
def youth_signal_scope(principal: access.Principal, action: str) -> Q:
    return scene_data_condition(principal, action)
