"""The options of a crime-event upload on the web (the command's --source, --crs and
--skip-invalid); the file and the dry run are the shared upload form's
(docs/architecture.md#import-pipeline)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drogscen.core.imports import ImportRejected
from drogscen.outcomes.models import CrimeEvent
from drogscen.outcomes.parsing import TARGET_CRS, checked_crs

MAX_SOURCE = CrimeEvent._meta.get_field("source").max_length  # importing.py checks the same


class EventOptionsForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=MAX_SOURCE,
        initial="polisen",
        help_text=_("Who delivered the events. Re-importing from the same source updates them."),
    )
    crs = forms.CharField(
        label=_("Coordinate system"),
        max_length=32,
        initial=TARGET_CRS,
        help_text=_("EPSG code of x and y, e.g. EPSG:3006 (SWEREF 99 TM) or EPSG:4326 (lon, lat)."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and list the invalid ones"),
        required=False,
        help_text=_("Otherwise a file with any invalid row is not imported at all."),
    )

    def clean_source(self):
        return self.cleaned_data["source"].strip()

    def clean_crs(self):
        value = self.cleaned_data["crs"].strip()
        try:
            checked_crs(value, "")
        except ImportRejected as exc:
            raise forms.ValidationError(exc.problems[0].message) from None
        return value.upper()
