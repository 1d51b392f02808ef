from django.contrib import admin

from drogscen.core.admin import ScopedModelAdmin, admin_site
from drogscen.geo.models import District, DistrictBoundary, LocalPoliceArea, Municipality, Station


class MunicipalityAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "boundary_source"]
    search_fields = ["code", "name"]


class DistrictBoundaryInline(admin.TabularInline):
    model = DistrictBoundary
    extra = 0
    fields = ["valid_from", "valid_to", "source"]


class DistrictAdmin(ScopedModelAdmin):
    list_display = ["name", "valid_from", "valid_to"]
    filter_horizontal = ["predecessors"]
    inlines = [DistrictBoundaryInline]


class LocalPoliceAreaAdmin(ScopedModelAdmin):
    list_display = ["name", "police_district", "valid_from", "valid_to", "confidence"]
    list_filter = ["police_district"]
    filter_horizontal = ["municipalities", "districts", "predecessors"]
    prepopulated_fields = {"slug": ["name"]}


class StationAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "lines", "railway"]
    list_filter = ["kind"]
    search_fields = ["name"]


admin_site.register(Municipality, MunicipalityAdmin)
admin_site.register(District, DistrictAdmin)
admin_site.register(LocalPoliceArea, LocalPoliceAreaAdmin)
admin_site.register(Station, StationAdmin)
