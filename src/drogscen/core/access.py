"""The one place that decides what a user may see and change (docs/domain-rules.md#access).

Every page, list, export, report and API endpoint gets its querysets through
`restrict(queryset, user, action)`. Each domain app registers a rule per model; a
model without a rule is visible to nobody but superusers, so a forgotten rule fails
closed. Out of scope is 404, never 403: the existence of a record is itself sensitive.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import Http404

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"

ROLE_RANK = {"viewer": 1, "editor": 2, "manager": 3}
# The lowest role an action needs; domain actions (submit, approve …) name their own.
ACTION_ROLE = {VIEW: "viewer", ADD: "editor", CHANGE: "editor", DELETE: "editor"}

# Organisation kinds that see the whole county (docs/domain-rules.md#access).
COUNTY_WIDE_KINDS = frozenset({"coordination", "police_region"})
# Actors that see the scene list and map and county aggregates, and write their own work.
PARTNER_KINDS = frozenset({"region", "prison_probation", "customs", "county_board"})

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


@dataclass(frozen=True)
class Role:
    organisation_id: int
    organisation_code: str
    organisation_name: str
    kind: str
    role: str
    municipality_id: int | None
    local_police_area_id: int | None

    def allows(self, needed_role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[needed_role]


class Principal:
    """A user and the organisations they act for."""

    def __init__(self, user) -> None:
        self.user = user
        self.is_authenticated = bool(user and user.is_authenticated and user.is_active)
        self.is_superuser = self.is_authenticated and user.is_superuser

    @cached_property
    def roles(self) -> tuple[Role, ...]:
        if not self.is_authenticated:
            return ()
        # Through the app registry, not an import: core sits below accounts.
        Membership = apps.get_model("accounts", "Membership")
        rows = Membership.objects.filter(user=self.user).values_list(
            "organisation_id",
            "organisation__code",
            "organisation__name",
            "organisation__kind",
            "role",
            "organisation__municipality_id",
            "organisation__local_police_area_id",
        )
        return tuple(Role(*row) for row in rows)

    def roles_for(self, action: str, *, kinds: frozenset[str] | set[str] | None = None):
        needed = ACTION_ROLE.get(action, action if action in ROLE_RANK else "manager")
        return [
            role
            for role in self.roles
            if role.allows(needed) and (kinds is None or role.kind in kinds)
        ]

    def county_wide(self, action: str = VIEW) -> bool:
        return self.is_superuser or bool(self.roles_for(action, kinds=COUNTY_WIDE_KINDS))

    def municipality_ids(self, action: str = VIEW) -> set[int]:
        return {
            r.municipality_id
            for r in self.roles_for(action, kinds={"municipality"})
            if r.municipality_id
        }

    def local_police_area_ids(self, action: str = VIEW) -> set[int]:
        return {
            r.local_police_area_id
            for r in self.roles_for(action, kinds={"police_area"})
            if r.local_police_area_id
        }

    def organisation_ids(self, action: str = VIEW) -> set[int]:
        return {r.organisation_id for r in self.roles_for(action)}


def any_of(*conditions: Q) -> Q:
    """OR of scope conditions. Needed because Django drops an empty Q() (our EVERYTHING)
    when it is combined with `|`, which would narrow instead of widen."""
    if any(condition == EVERYTHING for condition in conditions):
        return EVERYTHING
    result = NOTHING
    for condition in conditions:
        result = result | condition if result != NOTHING else condition
    return result


ScopeRule = Callable[[Principal, str], Q]
_rules: dict[type[models.Model], ScopeRule] = {}
# Rules for one action of a model that another app defines (e.g. the scenes' history,
# read from the audit log): they answer that action instead of the model's own rule.
_action_rules: dict[tuple[type[models.Model], str], ScopeRule] = {}


def register(
    model: type[models.Model], action: str | None = None
) -> Callable[[ScopeRule], ScopeRule]:
    """Decorator: `@access.register(Scene)` over `def scene_scope(principal, action) -> Q`;
    `@access.register(AuditEntry, action=SCENE_HISTORY)` for that one action only."""

    def decorator(rule: ScopeRule) -> ScopeRule:
        if action is None:
            _rules[model] = rule
        else:
            _action_rules[(model, action)] = rule
        return rule

    return decorator


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


def principal_for(user) -> Principal:
    if user is None:
        return Principal(None)
    principal = getattr(user, "_drogscen_principal", None)
    if principal is None:
        principal = Principal(user)
        with suppress(AttributeError):  # AnonymousUser takes no attributes
            user._drogscen_principal = principal
    return principal


def scope(model: type[models.Model], user, action: str = VIEW) -> Q:
    principal = principal_for(user)
    if not principal.is_authenticated:
        return NOTHING
    if principal.is_superuser:
        return EVERYTHING
    concrete = getattr(model._meta, "concrete_model", model)
    rule = (
        _action_rules.get((model, action))
        or _action_rules.get((concrete, action))
        or _rules.get(model)
        or _rules.get(concrete)
    )
    if rule is None:
        return NOTHING
    return rule(principal, action)


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    condition = scope(queryset.model, user, action)
    if condition == NOTHING:
        return queryset.none()
    return queryset.filter(condition) if condition != EVERYTHING else queryset


def can(user, action: str, model: type[models.Model]) -> bool:
    """Whether the user may do `action` on at least some objects of the model."""
    return scope(model, user, action) != NOTHING


def get_or_404(queryset: models.QuerySet, user, action: str = VIEW, **lookup) -> models.Model:
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def allows(user, action: str, instance: models.Model) -> bool:
    """Whether the user may do `action` on this one object (through its model's rule)."""
    model = type(instance)
    return restrict(model._default_manager.filter(pk=instance.pk), user, action).exists()


def ensure_in_scope(instance: models.Model, user, action: str = CHANGE) -> None:
    """After a write, inside its transaction: the object must still be in the writer's
    scope, so nobody moves a record out of their own area."""
    if not allows(user, action, instance):
        raise Http404


# What a user acts for. Callers ask these instead of deriving it from memberships.


def memberships(user) -> tuple[Role, ...]:
    """The user's organisations and roles (none when signed out), e.g. for the header."""
    return principal_for(user).roles


def is_county_wide(user, action: str = VIEW) -> bool:
    """Whether the user may do `action` county-wide: a superuser, or a role for it in a
    county-wide organisation (COUNTY_WIDE_KINDS)."""
    return principal_for(user).county_wide(action)


def member_municipality_ids(user, action: str = VIEW) -> set[int]:
    """The municipalities of the user's own municipality organisations whose role allows
    `action` (not widened for a superuser)."""
    return principal_for(user).municipality_ids(action)


def member_area_ids(user, action: str = VIEW) -> set[int]:
    """The local police areas of the user's own police area organisations whose role
    allows `action` (not widened for a superuser)."""
    return principal_for(user).local_police_area_ids(action)


def writable_organisations(user, action: str = ADD) -> models.QuerySet:
    """The organisations whose work the user may `action`: their own organisations with
    the role for it, every one for a superuser."""
    Organisation = apps.get_model("accounts", "Organisation")
    principal = principal_for(user)
    if principal.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=principal.organisation_ids(action))


def may_write_for_organisation(user, organisation: models.Model, action: str = ADD) -> bool:
    """Whether the user may `action` the work of this organisation (see
    writable_organisations), without a query."""
    principal = principal_for(user)
    return principal.is_superuser or organisation.pk in principal.organisation_ids(action)


def writable_areas(user, action: str = ADD) -> models.QuerySet:
    """The local police areas whose scenes the user may `action`: the areas of their own
    police area organisations with the role for it, every one for a superuser."""
    LocalPoliceArea = apps.get_model("geo", "LocalPoliceArea")
    principal = principal_for(user)
    if principal.is_superuser:
        return LocalPoliceArea.objects.all()
    return LocalPoliceArea.objects.filter(pk__in=principal.local_police_area_ids(action))


def may_write_in_area(user, area_id: int | None, action: str = ADD) -> bool:
    """Whether the user may `action` scenes of the local police area with this id (see
    writable_areas), without a query."""
    principal = principal_for(user)
    return principal.is_superuser or area_id in principal.local_police_area_ids(action)
