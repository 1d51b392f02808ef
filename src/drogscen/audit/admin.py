from drogscen.audit.models import AuditEntry
from drogscen.core.admin import ReadOnlyModelAdmin, admin_site


class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only and only
    the recorder appends to it (the head row is not in the admin at all)."""

    list_display = ["sequence", "recorded_at", "username", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type", "via"]
    search_fields = ["username", "object_id", "object_repr", "request_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


admin_site.register(AuditEntry, AuditEntryAdmin)
