from django.contrib.auth import get_user_model
from django.db.models import Q

from drogscen.accounts.models import Membership, Organisation
from drogscen.core import access


@access.register(Organisation)
def organisation_scope(principal: access.Principal, action: str) -> Q:
    # The list of actors is common knowledge inside the system; changing it is the
    # coordination office's (organisations come from the reference data).
    if action == access.VIEW:
        return access.EVERYTHING
    return access.EVERYTHING if principal.county_wide("manager") else access.NOTHING


@access.register(Membership)
def membership_scope(principal: access.Principal, action: str) -> Q:
    if principal.county_wide("manager"):
        return access.EVERYTHING
    if action == access.VIEW:
        managed = principal.organisation_ids("manager")
        return Q(user=principal.user) | Q(organisation_id__in=managed)
    return access.NOTHING


@access.register(get_user_model())
def user_scope(principal: access.Principal, action: str) -> Q:
    if principal.county_wide("manager"):
        return access.EVERYTHING
    if action == access.VIEW:
        managed = principal.organisation_ids("manager")
        members = Membership.objects.filter(organisation_id__in=managed).values("user_id")
        return Q(pk=principal.user.pk) | Q(pk__in=members)
    return access.NOTHING
