from django.db.models import Q

from drogscen.audit.models import AuditEntry
from drogscen.core import access


@access.register(AuditEntry)
def audit_entry_scope(principal: access.Principal, action: str) -> Q:
    # Append-only: nobody changes or deletes entries through the application.
    if action == access.VIEW and principal.county_wide("manager"):
        return access.EVERYTHING
    return access.NOTHING
