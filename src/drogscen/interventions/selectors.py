"""Reads of the interventions and the methods knowledge bank, always scoped to the user."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.core.types import User
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.interventions.progress import Progress
from drogscen.scenes.models import Scene


def visible_scenes(*, fetched_by: User, queryset: QuerySet[Scene] | None = None) -> QuerySet[Scene]:
    """For prefetching an intervention's scenes: only those the user sees are named (an
    intervention may also be linked to scenes of other areas)."""
    return access.restrict(
        Scene.objects.all() if queryset is None else queryset, fetched_by, access.VIEW
    )


def method_list(*, fetched_by: User, family: str | None = None) -> QuerySet[Method]:
    methods = access.restrict(Method.objects.all(), fetched_by, access.VIEW)
    return methods.filter(family=family) if family else methods


def intervention_list(
    *, fetched_by: User, scene=None, organisation=None, status: str | None = None
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


def intervention_get(*, pk: int, fetched_by: User, action: str = access.VIEW) -> Intervention:
    return access.get_or_404(Intervention.objects.all(), fetched_by, action, pk=pk)


def _progress_reports(fetched_by) -> Prefetch:
    """The targets' progress reports the user may see, oldest first (for a target the
    user sees, all of them: they share the rule of the target's intervention)."""
    reports = access.restrict(TargetProgress.objects.order_by("period"), fetched_by, access.VIEW)
    return Prefetch("progress_reports", queryset=reports)


def target_list(*, intervention: Intervention, fetched_by: User) -> QuerySet[Target]:
    """The intervention's targets with their reports prefetched, so `target.progress`
    costs no further query."""
    targets = access.restrict(
        Target.objects.filter(intervention=intervention), fetched_by, access.VIEW
    )
    return targets.prefetch_related(_progress_reports(fetched_by))


def target_progress(*, target: Target) -> Progress:
    """Done against planned for a target the caller has already been allowed to see."""
    return target.progress


def method_get(*, code: str, fetched_by: User) -> Method:
    return access.get_or_404(Method.objects.all(), fetched_by, access.VIEW, code=code)


def methods_by_family(*, fetched_by: User) -> list[dict]:
    """The knowledge bank grouped by family, in the order of Method.Family, with how many
    of the interventions the user may see use each method."""
    methods = method_list(fetched_by=fetched_by).annotate(
        used=Count(
            "interventions",
            filter=Q(interventions__in=intervention_list(fetched_by=fetched_by).values("pk")),
            distinct=True,
        )
    )
    grouped: dict[str, list[Method]] = {}
    for method in methods:
        grouped.setdefault(method.family, []).append(method)
    return [
        {"family": family, "label": label, "methods": grouped[family]}
        for family, label in Method.Family.choices
        if family in grouped
    ]


def method_interventions(*, method: Method, fetched_by: User) -> QuerySet[Intervention]:
    """Where the method is used: the interventions the user may see that use it."""
    using = Intervention.methods.through.objects.filter(method=method).values("intervention_id")
    return (
        intervention_list(fetched_by=fetched_by)
        .filter(pk__in=using)
        .prefetch_related(
            Prefetch(
                "scenes",
                queryset=access.restrict(
                    Scene.objects.only("pk", "ref", "name"), fetched_by, access.VIEW
                ),
            )
        )
        .order_by("-starts_on", "title", "pk")
    )


def action_plan(*, scene, fetched_by: User) -> list[dict]:
    """The interventions at a scene the user may see, grouped by organisation, each with
    its targets (progress reports prefetched, so `target.progress` is free)."""
    targets = access.restrict(Target.objects.all(), fetched_by, access.VIEW).prefetch_related(
        _progress_reports(fetched_by)
    )
    interventions = (
        intervention_list(fetched_by=fetched_by, scene=scene)
        .prefetch_related(Prefetch("targets", queryset=targets))
        .order_by("organisation__name", "-starts_on", "title", "pk")
    )
    return [
        {"organisation": organisation, "interventions": list(rows)}
        for organisation, rows in groupby(interventions, key=lambda i: i.organisation)
    ]


# --- the inventory -----------------------------------------------------------------------


@dataclass(frozen=True)
class Inventory:
    """What is going on where: the interventions that match the filters, their counts by
    method family, kind of actor, status and municipality, and the active scenes with no
    ongoing intervention (of the chosen family and kind of actor)."""

    interventions: list[Intervention]
    by_family: list[tuple[str, str, int]]  # (code, label, n)
    by_actor_kind: list[tuple[str, str, int]]
    by_status: list[tuple[str, str, int]]
    by_municipality: list[tuple[str, str, int]]
    scenes_without: list[Scene]


def _filtered(
    interventions: QuerySet[Intervention],
    *,
    municipality: Municipality | None,
    family: str | None,
    organisation_kind: str | None,
) -> QuerySet[Intervention]:
    if municipality is not None:
        at_scenes = Intervention.scenes.through.objects.filter(
            scene__municipality=municipality
        ).values("intervention_id")
        interventions = interventions.filter(Q(municipality=municipality) | Q(pk__in=at_scenes))
    if family:
        with_family = Intervention.methods.through.objects.filter(method__family=family).values(
            "intervention_id"
        )
        interventions = interventions.filter(pk__in=with_family)
    if organisation_kind:
        interventions = interventions.filter(organisation__kind=organisation_kind)
    return interventions


def _counted(counter: Counter, choices) -> list[tuple[str, str, int]]:
    return [(code, label, counter[code]) for code, label in choices if counter[code]]


def inventory(
    *,
    fetched_by: User,
    municipality: Municipality | None = None,
    family: str | None = None,
    organisation_kind: str | None = None,
    status: str | None = None,
    with_targets: bool = False,
) -> Inventory:
    """The inventory of the actors' work the user may see (county-wide, or in one
    municipality: work for the municipality as a whole or at a scene located in it).
    A fixed number of queries whatever the amount of data; `with_targets` prefetches the
    targets and their progress (for the Excel export)."""
    visible = intervention_list(fetched_by=fetched_by)
    chosen = _filtered(
        visible, municipality=municipality, family=family, organisation_kind=organisation_kind
    )
    rows = chosen.filter(status=status) if status else chosen
    rows = rows.prefetch_related(
        Prefetch(
            "scenes",
            queryset=access.restrict(
                Scene.objects.select_related("municipality")
                .only("pk", "ref", "name", "municipality__code", "municipality__name")
                .order_by("ref"),
                fetched_by,
                access.VIEW,
            ),
        )
    ).order_by("organisation__name", "-starts_on", "title", "pk")
    if with_targets:
        targets = access.restrict(Target.objects.all(), fetched_by, access.VIEW)
        rows = rows.prefetch_related(
            Prefetch("targets", queryset=targets.prefetch_related(_progress_reports(fetched_by)))
        )
    interventions = list(rows)

    families, kinds, statuses, places, names = _tallies(interventions)
    scenes = _scenes_without_work(chosen, fetched_by=fetched_by, municipality=municipality)
    return Inventory(
        interventions=interventions,
        by_family=_counted(families, Method.Family.choices),
        by_actor_kind=_counted(kinds, Organisation.Kind.choices),
        by_status=_counted(statuses, Intervention.Status.choices),
        by_municipality=sorted(
            ((code, names[code], n) for code, n in places.items()), key=lambda row: row[1]
        ),
        scenes_without=list(scenes),
    )


def _tallies(interventions) -> tuple[Counter, Counter, Counter, Counter, dict[str, str]]:
    """The interventions counted by method family, actor kind, status and municipality
    (the municipalities of their scenes, or the one they are for), with those names."""
    families: Counter = Counter()
    kinds: Counter = Counter()
    statuses: Counter = Counter()
    places: Counter = Counter()
    names: dict[str, str] = {}
    for intervention in interventions:
        families.update({m.family for m in intervention.methods.all()})
        kinds[intervention.organisation.kind] += 1
        statuses[intervention.status] += 1
        where = {
            s.municipality.code: s.municipality.name
            for s in intervention.scenes.all()
            if s.municipality
        }
        if intervention.municipality is not None:
            where[intervention.municipality.code] = intervention.municipality.name
        names.update(where)
        places.update(where.keys())
    return families, kinds, statuses, places, names


def _scenes_without_work(chosen, *, fetched_by: User, municipality):
    """Active scenes (not closed) the user sees where none of the chosen work goes on."""
    ongoing = chosen.filter(status=Intervention.Status.ONGOING).values("pk")
    worked = Intervention.scenes.through.objects.filter(intervention_id__in=ongoing).values(
        "scene_id"
    )
    scenes = (
        access.restrict(Scene.objects.all(), fetched_by, access.VIEW)
        .filter(closed_on__isnull=True)
        .exclude(pk__in=worked)
        .select_related("municipality", "local_police_area")
        .only(
            "pk",
            "ref",
            "name",
            "identified_on",
            "municipality__code",
            "municipality__name",
            "local_police_area__name",
        )
        .order_by("ref")
    )
    if municipality is not None:
        scenes = scenes.filter(municipality=municipality)
    return scenes
