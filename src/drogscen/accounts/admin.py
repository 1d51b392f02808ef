from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from drogscen.accounts.models import Membership, Organisation
from drogscen.core.admin import ScopedModelAdmin, admin_site


class OrganisationAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


class ScopedUserAdmin(ScopedModelAdmin, UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "is_active", "last_login"]


admin_site.register(Organisation, OrganisationAdmin)
admin_site.register(get_user_model(), ScopedUserAdmin)
