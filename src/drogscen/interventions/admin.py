from django.contrib import admin

from drogscen.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin, admin_site
from drogscen.interventions.models import Intervention, Method, Target


class MethodAdmin(ScopedModelAdmin):
    """The coordination office and the police region keep the methods knowledge bank."""

    list_display = ["code", "name_sv", "family"]
    list_filter = ["family"]
    search_fields = ["code", "name_sv", "name_en"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["description", "unit", "planned_quantity", "period_start", "period_end"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InterventionAdmin(ReadOnlyModelAdmin):
    """Read only: interventions are written by their own organisation through the
    services, never by someone else in the admin."""

    list_display = ["title", "organisation", "status", "starts_on", "ends_on"]
    list_filter = ["status", "organisation__kind"]
    search_fields = ["title"]
    inlines = [TargetInline]


admin_site.register(Method, MethodAdmin)
admin_site.register(Intervention, InterventionAdmin)
