"""Forms and the list filter of the intervention pages. The forms only shape the input;
the rules (own organisation, visible scenes, no personal data) live in the services."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Intervention, Method, Target
from drogscen.scenes.models import Scene
from drogscen.scenes.selectors import scene_list


class InterventionFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.defer("geometry").order_by("name"),
        to_field_name="code",
        method="in_municipality",
    )
    family = django_filters.ChoiceFilter(
        label=_("Method family"), choices=Method.Family.choices, method="by_family"
    )
    organisation_kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        choices=Organisation.Kind.choices,
        field_name="organisation__kind",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Intervention.Status.choices)

    class Meta:
        model = Intervention
        fields: list[str] = []

    def in_municipality(self, queryset, name, value):
        """Municipality-wide work there, or work at a scene located there."""
        at_scenes = Intervention.scenes.through.objects.filter(scene__municipality=value).values(
            "intervention_id"
        )
        return queryset.filter(Q(municipality=value) | Q(pk__in=at_scenes))

    def by_family(self, queryset, name, value):
        with_family = Intervention.methods.through.objects.filter(method__family=value).values(
            "intervention_id"
        )
        return queryset.filter(pk__in=with_family)


def split_refs(value: str) -> list[str]:
    return [ref for ref in re.split(r"[\s,;]+", value or "") if ref]


class InterventionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="code"
    )
    ref = forms.CharField(
        label=_("Reference"),
        max_length=64,
        required=False,
        help_text=_(
            "Your organisation's own code for the work, used in the import workbook; "
            "left empty, one is given."
        ),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("Describe the work; no names of people.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    methods = forms.ModelMultipleChoiceField(
        label=_("Methods"), queryset=Method.objects.none(), required=False
    )
    scenes = forms.CharField(
        label=_("Scenes"),
        required=False,
        help_text=_("References of the scenes, separated by commas, e.g. P-0180-07."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.defer("geometry").order_by("name"),
        to_field_name="code",
        required=False,
        help_text=_("For work in a whole municipality rather than at named scenes."),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=Intervention.TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Intervention.Status.choices, initial="planned"
    )
    resources_hours = forms.IntegerField(label=_("Resources (hours)"), required=False, min_value=0)
    resources_sek = forms.IntegerField(label=_("Resources (SEK)"), required=False, min_value=0)

    linked_scenes: tuple[Scene, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        organisations = access.writable_organisations(user, access.ADD).order_by("name")
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.get().code
        self.fields["methods"].queryset = Method.objects.order_by("family", "name_sv")

    def clean_scenes(self) -> list[Scene]:
        """The named scenes among those the user sees; an unknown reference is refused
        here, so the service only ever gets scenes that exist."""
        refs = split_refs(self.cleaned_data.get("scenes", ""))
        scenes = {s.ref: s for s in scene_list(fetched_by=self.user).filter(ref__in=refs)}
        # A scene already linked stays nameable even if it is out of the user's sight.
        scenes.update({s.ref: s for s in self.linked_scenes if s.ref in refs})
        unknown = [ref for ref in refs if ref not in scenes]
        if unknown:
            raise forms.ValidationError(
                _("No scene you can see has the reference %(refs)s.") % {"refs": ", ".join(unknown)}
            )
        return [scenes[ref] for ref in dict.fromkeys(refs)]


class ProgressForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Target"), queryset=Target.objects.none())
    period = forms.DateField(
        label=_("Period"),
        help_text=_("The first day of the month or quarter reported on."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actual_quantity = forms.IntegerField(label=_("Actual quantity"), min_value=0)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class InterventionEditForm(InterventionForm):
    """The same fields without the organisation (work stays with its owner), and the
    version the editor started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, intervention: Intervention, **kwargs):
        self.linked_scenes = tuple(intervention.scenes.order_by("ref"))
        kwargs.setdefault(
            "initial",
            {
                "ref": intervention.ref,
                "title": intervention.title,
                "description": intervention.description,
                "methods": list(intervention.methods.all()),
                "scenes": ", ".join(s.ref for s in self.linked_scenes),
                "municipality": intervention.municipality.code if intervention.municipality else "",
                "target_groups": intervention.target_groups,
                "starts_on": intervention.starts_on,
                "ends_on": intervention.ends_on,
                "status": intervention.status,
                "resources_hours": intervention.resources_hours,
                "resources_sek": intervention.resources_sek,
                "version": intervention.version,
            },
        )
        super().__init__(*args, **kwargs)
        del self.fields["organisation"]


class TargetForm(forms.Form):
    description = forms.CharField(
        label=_("Target"),
        max_length=500,
        help_text=_("E.g. weekend operation on at least 40 of 52 weekends."),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=100, help_text=_("What is counted, e.g. weekends.")
    )
    planned_quantity = forms.IntegerField(label=_("Planned quantity"), min_value=1)
    period_start = forms.DateField(
        label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "target")
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Intervention.Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
