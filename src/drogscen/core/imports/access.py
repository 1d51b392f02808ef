"""Who sees a web upload of the import pipeline: the user who made it and the
county-wide organisations. Who may upload a kind is the kind's `ImportSpec.may_import`
(docs/architecture.md#import-pipeline)."""

from __future__ import annotations

from django.db.models import Q

from drogscen.core import access
from drogscen.core.models import FileImport


@access.register(FileImport)
def file_import_scope(principal: access.Principal, action: str) -> Q:
    if action == access.VIEW:
        if principal.county_wide(action):
            return access.EVERYTHING
        return Q(created_by=principal.user) if principal.user.is_authenticated else access.NOTHING
    # Created only by `upload_create`, which asks the kind who may; never changed by hand.
    return access.NOTHING
