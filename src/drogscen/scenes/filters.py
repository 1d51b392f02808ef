"""One filter set for the scene list page, the API and exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drogscen.geo.models import District, LocalPoliceArea, Municipality
from drogscen.scenes.models import Scene


class SceneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
    )
    local_police_area = django_filters.ModelChoiceFilter(
        label=_("Local police area"),
        queryset=LocalPoliceArea.objects.order_by("name"),
        to_field_name="slug",
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District administration"),
        queryset=District.objects.order_by("name"),
        to_field_name="name",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("active", _("active")), ("closed", _("closed"))],
        method="by_status",
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("ref", "ref"),
            ("name", "name"),
            ("municipality__name", "municipality"),
            ("local_police_area__name", "local_police_area"),
            ("area_m2", "area"),
            ("identified_on", "identified_on"),
        ],
        field_labels={
            "ref": _("reference"),
            "name": _("name"),
            "municipality__name": _("municipality"),
            "local_police_area__name": _("local police area"),
            "area_m2": _("area"),
            "identified_on": _("identified on"),
        },
    )

    class Meta:
        model = Scene
        fields = ["q", "municipality", "local_police_area", "district", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(ref__icontains=value))

    def by_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset
