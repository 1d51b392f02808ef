"""The crime-event upload pages: a form that stores the file and queues the import as a
background task, and a status page that follows its progress (htmx polling) and shows
the result. For the police and the coordination office (``outcomes.access.
imports_events``); each sees their own uploads, the county-wide organisations all."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from drogscen.core import access
from drogscen.outcomes.access import may_import_events
from drogscen.outcomes.importing import MAX_SOURCE
from drogscen.outcomes.models import EventImport
from drogscen.outcomes.parsing import TARGET_CRS, checked_crs
from drogscen.outcomes.upload_tasks import event_import_run

RECENT = 20


class EventUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, Parquet or GeoPackage with the columns event_id, occurred_at, crime_code, x, y."
        ),
    )
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

    def clean_crs(self):
        from drogscen.core.imports import ImportRejected

        value = self.cleaned_data["crs"].strip()
        try:
            checked_crs(value, "")
        except ImportRejected as exc:
            raise forms.ValidationError(exc.problems[0].message) from None
        return value.upper()


def _require_importer(user) -> None:
    if not may_import_events(user):
        raise Http404


@require_http_methods(["GET", "POST"])
def event_upload(request):
    _require_importer(request.user)
    form = EventUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = EventImport(
            original_name=data["file"].name[:255],
            source=data["source"].strip(),
            crs=data["crs"],
            skip_invalid=data["skip_invalid"],
            created_by=request.user,
        )
        upload.file.save(data["file"].name, data["file"], save=False)
        upload.save()
        transaction.on_commit(lambda: event_import_run.enqueue(upload.pk))
        return redirect("outcome_imports:detail", pk=upload.pk)
    uploads = access.restrict(
        EventImport.objects.select_related("created_by"), request.user, access.VIEW
    )[:RECENT]
    return render(request, "outcomes/upload.html", {"form": form, "uploads": uploads})


@require_GET
def event_upload_detail(request, pk: int):
    upload = access.get_or_404(
        EventImport.objects.select_related("created_by"), request.user, access.VIEW, pk=pk
    )
    template = (
        "outcomes/_upload_status.html"
        if getattr(request, "htmx", False)
        else "outcomes/upload_detail.html"
    )
    return render(request, template, {"upload": upload, "result": upload.result or {}})
