import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drogscen.core import access
from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.models import Scene

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class GeometryField(forms.CharField):
    """The polygon drawn on the map (GeoJSON in a hidden field) or an uploaded file."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("The drawn area could not be read.")) from exc
        return geometry_of(data)


def geometry_of(data):
    """The geometry of a GeoJSON geometry, Feature or one-feature FeatureCollection."""
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise forms.ValidationError(_("The file must hold exactly one area."))
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    return data


class SceneForm(forms.Form):
    ref = forms.CharField(
        label=_("Reference"),
        max_length=64,
        help_text=_("A stable identifier used by other systems, e.g. P-0180-07."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("A neutral place name; no names of people.")
    )
    local_police_area = forms.ModelChoiceField(
        label=_("Local police area"),
        queryset=LocalPoliceArea.objects.none(),
        to_field_name="slug",
    )
    identified_on = forms.DateField(
        label=_("Identified on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    geometry = GeometryField(required=False)
    geometry_file = forms.FileField(
        label=_("…or upload the area as a GeoJSON file"),
        required=False,
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude)."),
    )
    geometry_valid_from = forms.DateField(
        label=_("The new area applies from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when the area changes; earlier periods keep the earlier area."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, scene: Scene | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scene = scene
        areas = access.writable_areas(user, access.ADD).valid_on(timezone.localdate())
        self.fields["local_police_area"].queryset = areas.order_by("name")
        if scene is None:
            del self.fields["geometry_valid_from"]
            del self.fields["version"]
            if areas.count() == 1:
                self.fields["local_police_area"].initial = areas.get()
        else:
            del self.fields["ref"]
            # Optimistic locking: an edit must say which version it started from.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "The form does not say which version of the scene you started from, so "
                "nothing was saved. Open the edit page again and redo your changes."
            )
            self.fields["local_police_area"].queryset = (
                self.fields["local_police_area"].queryset
                | LocalPoliceArea.objects.filter(pk=scene.local_police_area_id)
            ).distinct()

    def clean_geometry_file(self):
        upload = self.cleaned_data.get("geometry_file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return geometry_of(json.loads(upload.read().decode("utf-8-sig")))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(_("The file is not GeoJSON.")) from exc

    def clean(self):
        cleaned = super().clean()
        geometry = cleaned.get("geometry_file") or cleaned.get("geometry")
        if geometry is None and self.scene is None and not self.has_error("geometry_file"):
            self.add_error("geometry", _("Draw the area on the map or upload it as a file."))
        cleaned["area"] = geometry
        return cleaned


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Closed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    close_reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (v, lbl)
            for v, lbl in Scene.CloseReason.choices
            if v not in {Scene.CloseReason.MERGED, Scene.CloseReason.SPLIT}
        ],
    )
    close_note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "No personal data: no names, identity numbers, phone numbers or e-mail addresses."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into the scene with reference"), max_length=64)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class SplitForm(forms.Form):
    ref = forms.CharField(label=_("Reference of the new scene"), max_length=64)
    name = forms.CharField(label=_("Name of the new scene"), max_length=200)
    geometry = GeometryField(required=False)
    geometry_file = SceneForm.base_fields["geometry_file"]
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    close_original = forms.BooleanField(
        label=_("The original scene ends with the split"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    clean_geometry_file = SceneForm.clean_geometry_file

    def clean(self):
        cleaned = super().clean()
        geometry = cleaned.get("geometry_file") or cleaned.get("geometry")
        if geometry is None and not self.has_error("geometry_file"):
            self.add_error("geometry", _("Draw the area on the map or upload it as a file."))
        cleaned["area"] = geometry
        return cleaned
