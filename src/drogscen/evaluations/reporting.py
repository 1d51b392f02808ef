"""The county report's evaluation section (reports/builder.py calls it):

``evaluations.count``, ``evaluations.items[...]`` (evaluations whose after period ends in
the year) and ``evaluations.by_method{code: {scenes, pooled_res, ci_low, ci_high,
verdict}}`` (all saved evaluations of the method, violent crime, one per scene)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from drogscen.core import access
from drogscen.evaluations import selectors
from drogscen.evaluations.models import Evaluation
from drogscen.interventions.models import Intervention, Method


def evaluations_section(year: int, *, fetched_by=None) -> dict[str, Any]:
    evaluations = (
        Evaluation.objects.filter(after_end__year=year)
        .select_related("scene")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.prefetch_related("methods"))
        )
        .order_by("after_end", "pk")
    )
    visible = Evaluation.objects.all()
    if fetched_by is not None:  # None: the system (the county report from the command line)
        evaluations = access.restrict(evaluations, fetched_by)
        visible = access.restrict(visible, fetched_by)
    items = []
    for e in evaluations:
        res = e.results.get("res", {})
        items.append(
            {
                "id": e.pk,
                "outcome": e.outcome,
                "before": [e.before_start.isoformat(), e.before_end.isoformat()],
                "after": [e.after_start.isoformat(), e.after_end.isoformat()],
                "res": res.get("res"),
                "ci_low": res.get("ci_low"),
                "ci_high": res.get("ci_high"),
                "verdict": e.results.get("verdict"),
                "wdq_interpretation": (e.results.get("wdq") or {}).get("interpretation"),
                "methods": sorted({m.code for i in e.interventions.all() for m in i.methods.all()}),
            }
        )
    by_method: dict[str, Any] = {}
    with_evaluations = Method.objects.filter(interventions__evaluations__in=visible).distinct()
    for method in with_evaluations.order_by("code"):
        evidence = selectors.method_evidence(method=method, fetched_by=fetched_by)
        primary = evidence.primary
        if primary is None:
            continue
        pooled = primary.pooled or {}
        by_method[method.code] = {
            "outcome": primary.outcome,
            "scenes": primary.scenes,
            "pooled_res": _round(pooled.get("res")),
            "ci_low": _round(pooled.get("ci_low")),
            "ci_high": _round(pooled.get("ci_high")),
            "verdict": primary.verdict,
        }
    return {"count": len(items), "items": items, "by_method": by_method}


def _round(value):
    return round(value, 4) if value is not None else None
