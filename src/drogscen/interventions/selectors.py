"""Reads of the interventions and the methods knowledge bank, always scoped to the user."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from drogscen.core import access
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.interventions.progress import Progress


def method_list(*, fetched_by, family: str | None = None) -> QuerySet[Method]:
    methods = access.restrict(Method.objects.all(), fetched_by, access.VIEW)
    return methods.filter(family=family) if family else methods


def intervention_list(
    *, fetched_by, scene=None, organisation=None, status: str | None = None
) -> QuerySet[Intervention]:
    """The interventions the user may see (rule in interventions/access.py)."""
    interventions = access.restrict(
        Intervention.objects.select_related("organisation", "municipality").defer(
            "municipality__geometry"
        ),
        fetched_by,
        access.VIEW,
    ).prefetch_related("methods")
    if scene is not None:
        interventions = interventions.filter(
            pk__in=Intervention.scenes.through.objects.filter(scene=scene).values("intervention_id")
        )
    if organisation is not None:
        interventions = interventions.filter(organisation=organisation)
    if status:
        interventions = interventions.filter(status=status)
    return interventions


def intervention_get(*, pk: int, fetched_by, action: str = access.VIEW) -> Intervention:
    return access.get_or_404(Intervention.objects.all(), fetched_by, action, pk=pk)


def target_list(*, intervention: Intervention, fetched_by) -> QuerySet[Target]:
    """The intervention's targets with their reports prefetched, so `target.progress`
    costs no further query."""
    targets = access.restrict(
        Target.objects.filter(intervention=intervention), fetched_by, access.VIEW
    )
    return targets.prefetch_related(
        Prefetch("progress_reports", queryset=TargetProgress.objects.order_by("period"))
    )


def target_progress(*, target: Target) -> Progress:
    """Done against planned for a target the caller has already been allowed to see."""
    return target.progress
