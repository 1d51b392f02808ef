"""The demo users, one for every kind of organisation and role (a demo step, see
`core.registry`). Idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from drogscen.accounts.models import Membership, Organisation
from drogscen.core.demo import DEMO_PASSWORD

# username, organisation code, role, what the user shows off
DEMO_USERS = [
    ("samordnare", "samordningskansliet", "manager", "coordination office: the whole county"),
    ("polisregion", "polisregion", "viewer", "police region: the whole county, read only"),
    ("jarva-analytiker", "lpo:jarva", "editor", "LPO Järva: keeps its scenes and mappings"),
    ("jarva-chef", "lpo:jarva", "manager", "LPO Järva: approves mappings"),
    ("jarva-lasare", "lpo:jarva", "viewer", "LPO Järva: reads"),
    ("stockholm-handlaggare", "kommun:0180", "editor", "City of Stockholm: co-signs, records"),
    ("stockholm-chef", "kommun:0180", "manager", "City of Stockholm: manager"),
    ("stockholm-lasare", "kommun:0180", "viewer", "City of Stockholm: reads"),
    ("solna-handlaggare", "kommun:0184", "editor", "Solna: sees only Solna's scenes"),
    ("region", "region", "editor", "Region Stockholm: scene list and map, own work"),
    ("kriminalvarden", "kriminalvarden", "editor", "Kriminalvården: own work"),
    ("tullverket", "tullverket", "editor", "Tullverket: own work"),
    ("lansstyrelsen", "lansstyrelsen", "editor", "Länsstyrelsen: own work"),
]


@transaction.atomic
def demo_users_ensure() -> list[tuple[str, str, str, str]]:
    User = get_user_model()
    organisations = {o.code: o for o in Organisation.objects.all()}
    for username, code, role, _ in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, organisation=organisations[code], defaults={"role": role}
        )
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "", DEMO_PASSWORD)
    return [*DEMO_USERS, ("admin", "-", "superuser", "the Django admin")]
