"""Who reads the published editions: the coordination office, which publishes them (the
public figures drawn from them are on the public page for everyone). They are written
only by `reports/editions.py::round_publish`, never changed or deleted."""

from django.db.models import Q

from drogscen.core import access
from drogscen.mappings.access import runs_rounds
from drogscen.reports.models import Edition


@access.register(Edition)
def edition_scope(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW and runs_rounds(principal, access.VIEW):
        return access.EVERYTHING
    return access.NOTHING
