"""The upload pages of every import kind: the list of kinds the user may import, one
form per kind (the file, a dry run, the kind's options) that stores the file and queues
the import, and a status page that follows its progress (htmx polling) and shows the
result (docs/architecture.md#import-pipeline)."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from drogscen.core import access
from drogscen.core.imports import uploads
from drogscen.core.imports.files import MAX_IMPORT_BYTES
from drogscen.core.models import FileImport

RECENT = 20


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        label=_("Only check the file"),
        required=False,
        help_text=_("Checks every row and shows what would change, without saving anything."),
    )

    def __init__(self, *args, max_bytes: int = MAX_IMPORT_BYTES, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than the %(limit)s MB this import accepts.")
                % {"limit": self.max_bytes // (1024 * 1024)}
            )
        return uploaded


def _recent(user, kind: str | None = None):
    uploads_seen = access.restrict(
        FileImport.objects.select_related("created_by"), user, access.VIEW
    )
    if kind is not None:
        uploads_seen = uploads_seen.filter(kind=kind)
    return uploads_seen[:RECENT]


@require_GET
def import_index(request):
    kinds = [(kind, uploads.spec_class(kind)) for kind in uploads.importable_kinds(request.user)]
    return render(
        request,
        "imports/index.html",
        {"kinds": kinds, "uploads": _recent(request.user), "titles": _titles()},
    )


@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    spec_class = uploads.require_importer(request.user, kind)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = UploadForm(data, files, max_bytes=spec_class.max_bytes)
    options_form = spec_class.options_form(data) if spec_class.options_form else None
    if (
        request.method == "POST"
        and form.is_valid()
        and (options_form is None or options_form.is_valid())
    ):
        upload = uploads.upload_create(
            kind=kind,
            uploaded=form.cleaned_data["file"],
            options=dict(options_form.cleaned_data) if options_form else {},
            dry_run=form.cleaned_data["dry_run"],
            by=request.user,
        )
        return redirect("imports:detail", pk=upload.pk)
    return render(
        request,
        "imports/upload.html",
        {
            "kind": kind,
            "spec": spec_class,
            "form": form,
            "options_form": options_form,
            "uploads": _recent(request.user, kind),
        },
    )


@require_GET
def import_detail(request, pk: int):
    upload = access.get_or_404(
        FileImport.objects.select_related("created_by"), request.user, access.VIEW, pk=pk
    )
    spec = uploads.spec_class(upload.kind)(**upload.options)
    result = upload.result or {}
    context = {
        "upload": upload,
        "spec": spec,
        "result": result,
        "result_rows": spec.result_rows(result) if upload.status == "done" else [],
        "result_lists": spec.result_lists(result) if upload.status == "done" else [],
        "options_shown": spec.options_shown(upload.options),
        "may_upload_again": type(spec).may_import(request.user),
    }
    template = "imports/_status.html" if getattr(request, "htmx", False) else "imports/detail.html"
    return render(request, template, context)


def _titles() -> dict[str, str]:
    return {kind: uploads.spec_class(kind).title for kind in uploads.registry.import_kinds()}
