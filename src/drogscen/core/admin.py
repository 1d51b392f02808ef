"""The admin, for superusers and for the coordination office's upkeep of reference data.

Its permissions come from the same access rules as the pages (core/access.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from drogscen.core import access


class DrogscenAdminSite(admin.AdminSite):
    site_header = _("drogscen administration")
    site_title = _("drogscen")
    index_title = _("Reference data and accounts")

    def has_permission(self, request):
        return access.is_county_wide(request.user, access.CHANGE)

    def login(self, request, extra_context=None):
        # One sign-in page for everything: the site's, with throttling and auditing.
        from django.contrib.auth.views import redirect_to_login
        from django.http import Http404

        if request.user.is_authenticated:
            raise Http404  # signed in without the right to the admin: nothing to see here
        return redirect_to_login(request.GET.get("next") or request.get_full_path())


admin_site = DrogscenAdminSite(name="admin")


class ScopedModelAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return access.restrict(super().get_queryset(request), request.user, access.VIEW)

    def has_view_permission(self, request, obj=None):
        return access.can(request.user, access.VIEW, self.model)

    def has_add_permission(self, request):
        return access.can(request.user, access.ADD, self.model)

    def has_change_permission(self, request, obj=None):
        return access.can(request.user, access.CHANGE, self.model)

    def has_delete_permission(self, request, obj=None):
        return access.can(request.user, access.DELETE, self.model)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class ReadOnlyModelAdmin(ScopedModelAdmin):
    """Shown, never written in the admin, superusers included: records that only the
    services write (the audit trail, an organisation's own work)."""

    actions = None  # no bulk "delete selected"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
