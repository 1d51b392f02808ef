"""One filter set for the scene list page, the API and exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drogscen.core import access
from drogscen.core.filters import YearFilter
from drogscen.geo.models import District, LocalPoliceArea, Municipality
from drogscen.mappings.counting import year_summary
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import approved_records, scenes_active_at_year_end
from drogscen.scenes.models import Scene


class SceneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.defer("geometry").order_by("name"),
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
    # Drill-down from the county picture: the scenes a figure counts.
    open_in = YearFilter(
        label=_("Open drug scenes %(year)s"), method="counted", widget=forms.HiddenInput
    )
    new_in = YearFilter(
        label=_("New open drug scenes %(year)s"), method="counted", widget=forms.HiddenInput
    )
    removed_in = YearFilter(
        label=_("No longer open drug scenes %(year)s"),
        method="counted",
        widget=forms.HiddenInput,
    )
    unmapped_in = YearFilter(
        label=_("Scenes without an approved mapping for %(year)s"),
        method="counted",
        widget=forms.HiddenInput,
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
        fields = [
            "q",
            "municipality",
            "local_police_area",
            "district",
            "status",
            "open_in",
            "new_in",
            "removed_in",
            "unmapped_in",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(ref__icontains=value))

    def counted(self, queryset, name, value):
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return queryset.none()
        # A classification is mapping information: counted only from mappings the user
        # may read (partners see the scenes, never how they were classified).
        user = getattr(self.request, "user", None)
        readable = Mapping.objects.all()
        scenes = Scene.objects.all()
        if user is not None:
            if not access.can(user, access.VIEW, Mapping):
                return queryset.none()
            readable = access.restrict(readable, user)
            scenes = access.restrict(scenes, user)
        active = scenes_active_at_year_end(year=year, scenes=scenes).values_list("pk", flat=True)
        records = approved_records(years={year - 1, year}, mappings=readable)
        summary = year_summary(records, year, active_at_year_end=active)
        wanted = {
            "open_in": lambda: {r.scene_id for r in records if r.year == year and r.is_open},
            "new_in": lambda: summary.new,
            "removed_in": lambda: summary.removed,
            "unmapped_in": lambda: summary.unmapped,
        }[name]()
        return queryset.filter(pk__in=wanted)

    def by_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset


DRILL_DOWNS = ("open_in", "new_in", "removed_in", "unmapped_in")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def drill_down_caption(filterset: SceneFilter) -> str:
    """What a drill-down from the county picture shows, in words."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    for name in DRILL_DOWNS:
        value = filterset.form.cleaned_data.get(name)
        if value:
            return str(filterset.filters[name].label) % {"year": int(value)}
    return ""
