"""Who sees and works on which mappings (docs/domain-rules.md#access). Partners (Region,
Kriminalvården, Tullverket, Länsstyrelsen) see the scene list but never the mapping answers. A
municipality sees the mappings of the scenes located in it and, besides, the mappings it
is a participant of (a joint mapping may include a neighbouring municipality), which it
co-signs."""

from django.db.models import Q

from drogscen.core import access
from drogscen.mappings.models import CoSignature, Mapping, MappingSettings, Round

SUBMIT, COSIGN, APPROVE, CORRECT = "submit", "cosign", "approve", "correct"
# The lowest role each workflow step needs.
access.ACTION_ROLE.update(
    {SUBMIT: "editor", COSIGN: "editor", APPROVE: "manager", CORRECT: "editor"}
)


def _participating(principal: access.Principal, action: str, prefix: str) -> Q | None:
    """The mappings a municipality of the user's takes part in (with the role `action`
    needs), or None when the user acts for no municipality."""
    organisations = {r.organisation_id for r in principal.roles_for(action, kinds={"municipality"})}
    if not organisations:
        return None
    return Q(
        **{
            f"{prefix}pk__in": Mapping.participants.through.objects.filter(
                organisation_id__in=organisations
            ).values("mapping_id")
        }
    )


def cosigning_organisation_ids(user) -> set[int]:
    """The user's own municipality organisations with the role to co-sign."""
    principal = access.principal_for(user)
    return {r.organisation_id for r in principal.roles_for(COSIGN, kinds={"municipality"})}


def mapping_condition(principal: access.Principal, action: str, prefix: str = "") -> Q:
    if action == access.VIEW:
        if principal.county_wide(action):
            return access.EVERYTHING
        conditions = []
        if areas := principal.local_police_area_ids(action):
            conditions.append(Q(**{f"{prefix}scene__local_police_area_id__in": areas}))
            conditions.append(Q(**{f"{prefix}lead_local_police_area_id__in": areas}))
        if municipalities := principal.municipality_ids(action):
            conditions.append(Q(**{f"{prefix}scene__municipality_id__in": municipalities}))
        # A municipality taking part in a joint mapping of a scene in another
        # municipality reads that mapping (it co-signs what it reads), but nothing else
        # of the scene: the scene's other mappings and its page stay out of scope.
        if participating := _participating(principal, action, prefix):
            conditions.append(participating)
        return access.any_of(*conditions)
    if action == COSIGN:
        # Each participating municipality co-signs, wherever the scene lies; taking part
        # is what gives the right to read the mapping (above).
        return _participating(principal, COSIGN, prefix) or access.NOTHING
    if action in {access.ADD, access.CHANGE, SUBMIT, APPROVE, CORRECT}:
        # The local police area leads the mapping of its own scenes.
        if areas := principal.local_police_area_ids(action):
            return Q(**{f"{prefix}scene__local_police_area_id__in": areas})
        return access.NOTHING
    return access.NOTHING  # mappings are corrected, never deleted


@access.register(Mapping)
def mapping_scope(principal: access.Principal, action: str) -> Q:
    return mapping_condition(principal, action)


@access.register(CoSignature)
def cosignature_scope(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW:
        return mapping_condition(principal, action, "mapping__")
    return access.NOTHING  # written only by the workflow service


@access.register(MappingSettings)
def mapping_settings_scope(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW or principal.county_wide(action):
        return access.EVERYTHING
    return access.NOTHING


# The rounds are the county-wide coordination office's: it closes, publishes and reopens
# them (editors and managers), its viewers follow them. The police region sees every
# mapping but does not run the round.
COORDINATION = frozenset({"coordination"})


def runs_rounds(principal: access.Principal, action: str = access.CHANGE) -> bool:
    return principal.is_superuser or bool(principal.roles_for(action, kinds=COORDINATION))


@access.register(Round)
def round_scope(principal: access.Principal, action: str) -> Q:
    if action == access.DELETE:
        return access.NOTHING  # reopened, never deleted
    return access.EVERYTHING if runs_rounds(principal, action) else access.NOTHING
