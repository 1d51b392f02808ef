"""The access table of DESIGN §5 as data. Every model with an access rule and every URL
of the project must have rows here; the tests in test_access_matrix.py check each
(organisation kind × role × action) against the real mechanism and the real endpoints.

A later feature extends MODEL_MATRIX (one entry per model) and ENDPOINTS (one per URL
name); a model or URL without a row fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable

# One representative organisation per kind.
ORGANISATION_OF_KIND = {
    "police_area": "lpo:jarva",
    "municipality": "kommun:0180",
    "region": "region",
    "prison_probation": "kriminalvarden",
    "customs": "tullverket",
    "county_board": "lansstyrelsen",
    "coordination": "samordningskansliet",
    "police_region": "polisregion",
}
ROLES = ("viewer", "editor", "manager")
ACTIONS = ("list", "view", "create", "change", "delete")
COUNTY_WIDE = {"coordination", "police_region"}
RANK = {"viewer": 1, "editor": 2, "manager": 3}

Rule = Callable[[str, str], bool]  # (organisation kind, role) -> allowed


def everyone(kind: str, role: str) -> bool:
    return True


def nobody(kind: str, role: str) -> bool:
    return False


def county_wide(min_role: str) -> Rule:
    return lambda kind, role: kind in COUNTY_WIDE and RANK[role] >= RANK[min_role]


REFERENCE_DATA = {
    "list": everyone,
    "view": everyone,
    "create": county_wide("editor"),
    "change": county_wide("editor"),
    "delete": county_wide("editor"),
}

# model label -> action -> rule. The sample object of each model is made by the test
# (see SAMPLE_OBJECTS there) and lies outside the acting user's own organisation.
MODEL_MATRIX: dict[str, dict[str, Rule]] = {
    "accounts.organisation": {
        "list": everyone,
        "view": everyone,
        "create": county_wide("manager"),
        "change": county_wide("manager"),
        "delete": county_wide("manager"),
    },
    "accounts.membership": {
        "list": everyone,  # one's own membership
        "view": county_wide("manager"),  # someone else's, in another organisation
        "create": county_wide("manager"),
        "change": county_wide("manager"),
        "delete": county_wide("manager"),
    },
    "auth.user": {
        "list": everyone,  # oneself
        "view": county_wide("manager"),
        "create": county_wide("manager"),
        "change": county_wide("manager"),
        "delete": county_wide("manager"),
    },
    "geo.municipality": REFERENCE_DATA,
    "geo.district": REFERENCE_DATA,
    "geo.districtboundary": REFERENCE_DATA,
    "geo.localpolicearea": REFERENCE_DATA,
    "geo.station": REFERENCE_DATA,
    "audit.auditentry": {
        "list": county_wide("manager"),
        "view": county_wide("manager"),
        "create": nobody,
        "change": nobody,
        "delete": nobody,
    },
}

# URL name -> (who may GET it, path arguments). "public": anyone, signed in or not;
# "signed_in": any signed-in user; a (model label, action) pair: as in MODEL_MATRIX;
# "admin": the admin site, for county-wide editors (and superusers).
ENDPOINTS: dict[str, tuple[object, dict]] = {
    "login": ("sign_in_page", {}),
    "logout": ("post_only", {}),
    "set_language": ("post_only", {}),
    "dashboards:public": ("public", {}),
    "dashboards:health": ("public", {}),
    "dashboards:home": ("signed_in", {}),
    "dashboards:upcoming": ("signed_in", {"section": "mappings"}),
    "api:api-root": ("api_signed_in", {}),
    "api:schema": ("api_signed_in", {}),
    "api:docs": ("api_signed_in", {}),
    "api:organisation-list": (("accounts.organisation", "list"), {}),
    "api:organisation-detail": (("accounts.organisation", "view"), {"code": "kommun:0184"}),
}
# Namespaces checked as a whole rather than URL by URL.
NAMESPACES = {"admin": "admin"}
