"""Intervention pages: the list with filters, the detail with targets and progress, the
forms to record and edit an intervention, add a target, change its status and report
progress; the methods knowledge bank; the inventory with its Excel export; the template
workbook, the export in its format and the upload. Everything through the scoped
selectors and the services (the scene page's action plan is `selectors.action_plan`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drogscen.accounts.models import Organisation
from drogscen.audit.models import AuditEntry
from drogscen.audit.recorder import record
from drogscen.core import access
from drogscen.core.forms import errors_to_form
from drogscen.interventions import selectors, services, workbook
from drogscen.interventions.forms import (
    InterventionEditForm,
    InterventionFilter,
    InterventionForm,
    ProgressForm,
    StatusForm,
    TargetForm,
)
from drogscen.interventions.models import Intervention

PAGE_SIZE = 25


@require_GET
def intervention_list(request):
    interventions = selectors.intervention_list(fetched_by=request.user).prefetch_related(
        Prefetch("scenes", queryset=selectors.visible_scenes(fetched_by=request.user))
    )
    filterset = InterventionFilter(request.GET or None, queryset=interventions, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else interventions
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interventions/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_create": access.can(request.user, access.ADD, Intervention),
        },
    )


STATUS_ACTIONS = {
    # (from, to) → the button's label
    ("planned", "ongoing"): gettext_lazy("Start"),
    ("planned", "cancelled"): gettext_lazy("Cancel the intervention"),
    ("ongoing", "finished"): gettext_lazy("Finish"),
    ("ongoing", "cancelled"): gettext_lazy("Cancel the intervention"),
    ("finished", "ongoing"): gettext_lazy("Reopen"),
    ("cancelled", "planned"): gettext_lazy("Reopen"),
}


def _status_actions(intervention: Intervention) -> list[dict]:
    return [
        {"status": new, "label": STATUS_ACTIONS[(intervention.status, new)]}
        for new in services.STATUS_MOVES.get(intervention.status, ())
        if (intervention.status, new) in STATUS_ACTIONS
    ]


def _detail(
    request,
    intervention: Intervention,
    progress_form: ProgressForm | None = None,
    target_form: TargetForm | None = None,
    status_errors: list[str] | None = None,
):
    targets = selectors.target_list(intervention=intervention, fetched_by=request.user)
    can_change = access.restrict(
        Intervention.objects.filter(pk=intervention.pk), request.user, access.CHANGE
    ).exists()
    if can_change and progress_form is None:
        progress_form = ProgressForm(targets=targets)
    if can_change and target_form is None:
        target_form = TargetForm()
    return render(
        request,
        "interventions/detail.html",
        {
            "intervention": intervention,
            "methods": intervention.methods.order_by("family", "name_sv"),
            "scenes": selectors.visible_scenes(
                fetched_by=request.user, queryset=intervention.scenes.order_by("ref")
            ),
            "target_groups": [
                Intervention.TargetGroup(code).label
                for code in intervention.target_groups
                if code in Intervention.TargetGroup.values
            ],
            "targets": targets,
            "can_change": can_change,
            "progress_form": progress_form if can_change and targets else None,
            "target_form": target_form if can_change else None,
            "status_actions": _status_actions(intervention) if can_change else [],
            "status_errors": status_errors or [],
        },
    )


@require_GET
def intervention_detail(request, pk: int):
    return _detail(request, selectors.intervention_get(pk=pk, fetched_by=request.user))


@require_http_methods(["GET", "POST"])
def intervention_create(request):
    if not access.can(request.user, access.ADD, Intervention):
        raise Http404
    form = InterventionForm(
        request.POST or None, user=request.user, initial={"scenes": request.GET.get("scenes", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention = services.intervention_create(
                organisation=data["organisation"],
                ref=data["ref"],
                title=data["title"],
                description=data["description"],
                methods=data["methods"],
                scenes=data["scenes"],
                municipality=data["municipality"],
                target_groups=data["target_groups"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                status=data["status"],
                resources_hours=data["resources_hours"],
                resources_sek=data["resources_sek"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(
                request,
                _("The intervention %(intervention)s was recorded.")
                % {"intervention": intervention},
            )
            return redirect("interventions:detail", pk=intervention.pk)
    return render(request, "interventions/form.html", {"form": form})


@require_POST
def progress_report(request, pk: int):
    intervention = selectors.intervention_get(pk=pk, fetched_by=request.user, action=access.CHANGE)
    targets = selectors.target_list(intervention=intervention, fetched_by=request.user)
    form = ProgressForm(request.POST, targets=targets)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report(
                target=data["target"],
                period=data["period"],
                actual_quantity=data["actual_quantity"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, _("The progress was reported."))
            return redirect("interventions:detail", pk=intervention.pk)
    return _detail(request, intervention, form)


@require_http_methods(["GET", "POST"])
def intervention_edit(request, pk: int):
    intervention = selectors.intervention_get(pk=pk, fetched_by=request.user, action=access.CHANGE)
    form = InterventionEditForm(request.POST or None, user=request.user, intervention=intervention)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention = services.intervention_update(
                intervention=intervention,
                expected_version=data["version"],
                by=request.user,
                **{field: data[field] for field in services.EDITABLE_FIELDS},
            )
        except services.InterventionConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(
                request,
                _("The intervention %(intervention)s was saved.") % {"intervention": intervention},
            )
            return redirect("interventions:detail", pk=intervention.pk)
    return render(request, "interventions/form.html", {"form": form, "intervention": intervention})


@require_POST
def target_add(request, pk: int):
    intervention = selectors.intervention_get(pk=pk, fetched_by=request.user, action=access.CHANGE)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_add(intervention=intervention, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, _("The target was added."))
            return redirect("interventions:detail", pk=intervention.pk)
    return _detail(request, intervention, target_form=form)


@require_POST
def status_change(request, pk: int):
    intervention = selectors.intervention_get(pk=pk, fetched_by=request.user, action=access.CHANGE)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, intervention, status_errors=[_("Choose a status.")])
    try:
        intervention = services.intervention_set_status(
            intervention=intervention,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
    except services.InterventionConflict as conflict:
        return _detail(request, intervention, status_errors=[str(conflict)])
    except ValidationError as error:
        return _detail(request, intervention, status_errors=error.messages)
    messages.success(
        request,
        _("The intervention is now %(status)s.") % {"status": intervention.get_status_display()},
    )
    return redirect("interventions:detail", pk=intervention.pk)


# --- the methods knowledge bank -----------------------------------------------------------


@require_GET
def method_list(request):
    return render(
        request,
        "interventions/method_list.html",
        {"families": selectors.methods_by_family(fetched_by=request.user)},
    )


EVIDENCE_TEMPLATE = "evaluations/_method_evidence.html"


def _evidence_template():
    """What was measured where the method was used, once the evaluation work provides
    its template; nothing until then."""
    try:
        return select_template([EVIDENCE_TEMPLATE])
    except TemplateDoesNotExist:
        return None


@require_GET
def method_detail(request, code: str):
    method = selectors.method_get(code=code, fetched_by=request.user)
    context = {
        "method": method,
        "description": method.description_en
        if request.LANGUAGE_CODE == "en"
        else method.description_sv,
        "name": method.name_en if request.LANGUAGE_CODE == "en" else method.name_sv,
        "actor_kinds": [
            label for kind, label in Organisation.Kind.choices if kind in (method.actor_kinds or [])
        ],
        "interventions": selectors.method_interventions(method=method, fetched_by=request.user),
    }
    if evidence_template := _evidence_template():
        context["evidence_template"] = evidence_template
    return render(request, "interventions/method_detail.html", context)


# --- the inventory ----------------------------------------------------------------------


def _inventory(request, *, with_targets: bool = False):
    filterset = InterventionFilter(request.GET or None, queryset=Intervention.objects.none())
    form = filterset.form
    chosen = form.cleaned_data if form.is_valid() else {}
    inventory = selectors.inventory(
        fetched_by=request.user,
        municipality=chosen.get("municipality"),
        family=chosen.get("family") or None,
        organisation_kind=chosen.get("organisation_kind") or None,
        status=chosen.get("status") or None,
        with_targets=with_targets,
    )
    return filterset, inventory, chosen


@require_GET
def inventory(request):
    filterset, found, chosen = _inventory(request)
    return render(
        request,
        "interventions/inventory.html",
        {
            "filter": filterset,
            "inventory": found,
            "municipality": chosen.get("municipality"),
            "query": request.GET.urlencode(),
            "can_import": access.can(request.user, access.ADD, Intervention),
        },
    )


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=workbook.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def inventory_excel(request):
    _filter, found, chosen = _inventory(request, with_targets=True)
    suffix = f"-{chosen['municipality'].code}" if chosen.get("municipality") else ""
    today = timezone.localdate().isoformat()
    return _xlsx(workbook.inventory_workbook(found), f"insatser-oversikt{suffix}-{today}.xlsx")


def _require_writer(request) -> None:
    if not access.can(request.user, access.ADD, Intervention):
        raise Http404


@require_GET
def template_download(request):
    """The empty template with the drop-down lists for this user."""
    _require_writer(request)
    return _xlsx(workbook.template_workbook(user=request.user), "insatser-mall.xlsx")


@require_GET
def template_export(request):
    """The user's own interventions in the template's format (edit and import again)."""
    _require_writer(request)
    interventions = workbook.own_interventions(request.user)
    content = workbook.template_workbook(user=request.user, interventions=interventions)
    record(
        action=AuditEntry.Action.EXPORT,
        model=Intervention,
        object_repr="insatser-export.xlsx",
        changes={"interventions": len(interventions)},
    )
    today = timezone.localdate().isoformat()
    return _xlsx(content, f"insatser-export-{today}.xlsx")


@require_GET
def import_upload(request):
    """The address the workbook upload had before every import kind had one: the same
    import now runs in the background on the shared upload page."""
    return redirect("imports:upload", kind="interventions")
