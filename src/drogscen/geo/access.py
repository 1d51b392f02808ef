from django.db.models import Q

from drogscen.core import access
from drogscen.geo.models import District, DistrictBoundary, LocalPoliceArea, Municipality, Station


def reference_data_scope(principal: access.Principal, action: str) -> Q:
    # Everyone signed in reads the reference geography; the coordination office and the
    # police region keep it up to date.
    if action == access.VIEW or principal.county_wide(action):
        return access.EVERYTHING
    return access.NOTHING


for model in (Municipality, District, DistrictBoundary, LocalPoliceArea, Station):
    access.register(model)(reference_data_scope)
