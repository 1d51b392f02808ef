from drogscen.core.admin import ScopedModelAdmin, admin_site
from drogscen.mappings.models import MappingSettings


class MappingSettingsAdmin(ScopedModelAdmin):
    list_display = [
        "__str__",
        "window_end_month",
        "window_end_day",
        "deadline_month",
        "deadline_day",
    ]

    def has_add_permission(self, request):
        return not MappingSettings.objects.exists() and super().has_add_permission(request)


admin_site.register(MappingSettings, MappingSettingsAdmin)
