from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from drogscen.evaluations.models import Evaluation
from drogscen.geo.models import LocalPoliceArea
from drogscen.outcomes.models import SurveyIndicator

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs):
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)


class EvaluationForm(forms.Form):
    scene = forms.ModelChoiceField(label=_("Scene"), queryset=None, to_field_name="ref")
    interventions = forms.ModelMultipleChoiceField(
        label=_("Interventions evaluated together"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(label=_("Outcome"))
    before_start = MonthField(label=_("Before period: first month"))
    before_end = MonthField(label=_("Before period: last month"))
    after_start = MonthField(label=_("After period: first month"))
    after_end = MonthField(label=_("After period: last month"))
    buffer = forms.ChoiceField(
        label=_("Ring for displacement"),
        choices=Evaluation.Buffer.choices,
        initial=Evaluation.Buffer.BUFFER_200,
    )
    control_kind = forms.ChoiceField(
        label=_("Comparison area"),
        choices=Evaluation.ControlKind.choices,
        initial=Evaluation.ControlKind.AUTOMATIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Proposed: other scenes in the municipality without interventions in the periods "
            "and with a similar level before. Or draw an area on the map."
        ),
    )
    control_geometry = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, scenes, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scene"].queryset = scenes
        self.fields["interventions"].queryset = interventions
        outcomes = [
            ("violent", _("violent crime")),
            ("detected", _("detected crime")),
            ("drug", _("drug offences")),
        ]
        outcomes += [
            (f"survey:{code}", _("survey: %(name)s") % {"name": name})
            for code, name in SurveyIndicator.objects.filter(unit="percent").values_list(
                "code", "name_sv"
            )
        ]
        self.fields["outcome"].choices = outcomes

    def clean_control_geometry(self):
        value = self.cleaned_data.get("control_geometry")
        if not value:
            return None
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("The drawn area could not be read.")) from exc
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        return data

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("control_kind") == Evaluation.ControlKind.POLYGON and not cleaned.get(
            "control_geometry"
        ):
            self.add_error("control_geometry", _("Draw the comparison area on the map."))
        if cleaned.get("control_kind") != Evaluation.ControlKind.POLYGON:
            cleaned["control_geometry"] = None
        return cleaned


class AnalysisForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    rolling = forms.BooleanField(label=_("The last 12 months"), required=False)
    cell_m = forms.IntegerField(label=_("Cell size (m)"), min_value=50, max_value=5000, initial=250)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("rolling") and not cleaned.get("year"):
            self.add_error("year", _("Give a year or choose the last 12 months."))
        return cleaned


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this not a new scene?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConvertForm(forms.Form):
    ref = forms.CharField(
        label=_("Reference"),
        max_length=64,
        help_text=_("A stable identifier used by other systems, e.g. P-0180-07."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    local_police_area = forms.ModelChoiceField(
        label=_("Local police area"), queryset=LocalPoliceArea.objects.none(), to_field_name="slug"
    )
    identified_on = forms.DateField(
        label=_("Identified on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_police_area"].queryset = areas
