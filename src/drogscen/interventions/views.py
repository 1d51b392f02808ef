"""Intervention pages: the list with filters, the detail with targets and progress, the
form to record an intervention and the progress report; and the action plan of a scene
page. Everything through the scoped selectors and the services."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drogscen.core import access
from drogscen.core.forms import errors_to_form
from drogscen.interventions import selectors, services
from drogscen.interventions.forms import InterventionFilter, InterventionForm, ProgressForm
from drogscen.interventions.models import Intervention, Target, TargetProgress

PAGE_SIZE = 25


def action_plan(*, scene, fetched_by) -> list[dict]:
    """The interventions at a scene the user may see, grouped by organisation, each with
    its targets (progress reports prefetched, so `target.progress` is free)."""
    targets = access.restrict(Target.objects.all(), fetched_by, access.VIEW).prefetch_related(
        Prefetch("progress_reports", queryset=TargetProgress.objects.order_by("period"))
    )
    interventions = (
        selectors.intervention_list(fetched_by=fetched_by, scene=scene)
        .prefetch_related(Prefetch("targets", queryset=targets))
        .order_by("organisation__name", "-starts_on", "title", "pk")
    )
    return [
        {"organisation": organisation, "interventions": list(rows)}
        for organisation, rows in groupby(interventions, key=lambda i: i.organisation)
    ]


@require_GET
def intervention_list(request):
    interventions = selectors.intervention_list(fetched_by=request.user).prefetch_related("scenes")
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


def _detail(request, intervention: Intervention, progress_form: ProgressForm | None = None):
    targets = selectors.target_list(intervention=intervention, fetched_by=request.user)
    can_change = access.restrict(
        Intervention.objects.filter(pk=intervention.pk), request.user, access.CHANGE
    ).exists()
    if can_change and progress_form is None:
        progress_form = ProgressForm(targets=targets)
    return render(
        request,
        "interventions/detail.html",
        {
            "intervention": intervention,
            "methods": intervention.methods.order_by("family", "name_sv"),
            "scenes": intervention.scenes.order_by("ref"),
            "target_groups": [
                Intervention.TargetGroup(code).label
                for code in intervention.target_groups
                if code in Intervention.TargetGroup.values
            ],
            "targets": targets,
            "can_change": can_change,
            "progress_form": progress_form if can_change and targets else None,
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
