"""Writes for organisations, users and memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from drogscen.accounts.models import Membership, Organisation
from drogscen.geo.models import LocalPoliceArea, Municipality

# The county-wide actors (docs/domain-rules.md#organisations-and-roles), created once with
# the reference data.
COUNTY_ACTORS = [
    ("region", "Region Stockholm", Organisation.Kind.REGION),
    ("kriminalvarden", "Kriminalvården", Organisation.Kind.PRISON_PROBATION),
    ("tullverket", "Tullverket", Organisation.Kind.CUSTOMS),
    ("lansstyrelsen", "Länsstyrelsen i Stockholms län", Organisation.Kind.COUNTY_BOARD),
    (
        "samordningskansliet",
        "Samordningskansliet, Samverkan Stockholmsregionen",
        Organisation.Kind.COORDINATION,
    ),
    ("polisregion", "Polisregion Stockholm", Organisation.Kind.POLICE_REGION),
]


def municipality_code(municipality: Municipality) -> str:
    return f"kommun:{municipality.code}"


def police_area_code(area: LocalPoliceArea) -> str:
    return f"lpo:{area.slug}"


@transaction.atomic
def organisations_sync() -> int:
    """Create the organisation of every municipality, local police area and county actor
    that is missing. Existing organisations are left as the coordination office set them."""
    existing = set(Organisation.objects.values_list("code", flat=True))
    created = 0
    wanted = [(code, name, kind, {}) for code, name, kind in COUNTY_ACTORS]
    wanted += [
        (
            municipality_code(m),
            f"{m.name} kommun",
            Organisation.Kind.MUNICIPALITY,
            {"municipality": m},
        )
        for m in Municipality.objects.all()
    ]
    wanted += [
        (
            police_area_code(a),
            f"LPO {a.name}",
            Organisation.Kind.POLICE_AREA,
            {"local_police_area": a},
        )
        for a in LocalPoliceArea.objects.all()
    ]
    for code, name, kind, links in wanted:
        if code not in existing:
            Organisation.objects.create(code=code, name=name, kind=kind, **links)
            created += 1
    return created


class AccountError(ValueError):
    pass


@transaction.atomic
def user_create(
    *, username: str, organisation_code: str, role: str, password: str, email: str = ""
):
    """Create a user with one membership. Unknown organisation or role: nothing created."""
    organisation = Organisation.objects.filter(code=organisation_code).first()
    if organisation is None:
        raise AccountError(_("Unknown organisation %(code)s.") % {"code": organisation_code})
    if role not in Membership.Role.values:
        raise AccountError(
            _("Unknown role %(role)s; use one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Membership.Role.values)}
        )
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise AccountError(_("A user named %(username)s already exists.") % {"username": username})
    user = User(username=username, email=email)
    try:
        User.username_validator(username)
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def token_create(*, username: str) -> str:
    """A new API token for the user; an earlier token stops working."""
    User = get_user_model()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise AccountError(_("No active user named %(username)s.") % {"username": username})
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user).key
