from drogscen.audit.models import AuditEntry
from drogscen.core.admin import ScopedModelAdmin, admin_site


class AuditEntryAdmin(ScopedModelAdmin):
    list_display = ["sequence", "recorded_at", "username", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type", "via"]
    search_fields = ["username", "object_id", "object_repr", "request_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


admin_site.register(AuditEntry, AuditEntryAdmin)
