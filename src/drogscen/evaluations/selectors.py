"""Reads of the evaluations app, always scoped to the user (core.access.restrict)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from drogscen.core import access
from drogscen.core.types import User
from drogscen.evaluation import EvaluationInputError, pooled_effect
from drogscen.evaluations.models import Candidate, Evaluation
from drogscen.evaluations.outlook import rise_p_value
from drogscen.evaluations.services import HIGHER_IS_BETTER
from drogscen.interventions.models import Intervention, Method
from drogscen.outcomes.access import scenes_with_details
from drogscen.outcomes.models import Category, Indicator
from drogscen.scenes.models import Scene

MIN_SCENES = 3  # fewer scenes than this: insufficient evidence, whatever the interval
PRIMARY_OUTCOME = "violent"
WRONG_WAY_P = 0.05


def evaluation_list(*, fetched_by: User) -> QuerySet[Evaluation]:
    """`fetched_by=None` is the system (the county report from the command line)."""
    evaluations = (
        Evaluation.objects.select_related("scene", "created_by")
        .defer("snapshot", "control_geometry", "scene__geometry")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.only("pk", "title")),
        )
        .order_by("-created_at", "-pk")
    )
    return evaluations if fetched_by is None else access.restrict(evaluations, fetched_by)


def evaluation_get(*, pk: int, fetched_by: User) -> Evaluation:
    queryset = Evaluation.objects.select_related("scene", "created_by").prefetch_related(
        Prefetch(
            "interventions",
            queryset=Intervention.objects.select_related("organisation").prefetch_related(
                "methods"
            ),
        ),
        Prefetch("control_scenes", queryset=Scene.objects.only("pk", "ref", "name")),
    )
    return access.get_or_404(queryset, fetched_by, pk=pk)


def outcome_label(outcome: str) -> str:

    if outcome.startswith("survey:"):
        return _("survey: %(code)s") % {"code": outcome[len("survey:") :]}
    try:
        return str(Category(outcome).label)
    except ValueError:
        return outcome


# --------------------------------------------------------------------------- per method


@dataclass
class OutcomeEvidence:
    outcome: str
    rows: list[dict[str, Any]]
    scenes: int
    pooled: dict[str, Any] | None
    verdict: str
    heterogeneous: bool = False


@dataclass
class MethodEvidence:
    method: Method
    outcomes: list[OutcomeEvidence] = field(default_factory=list)

    @property
    def primary(self) -> OutcomeEvidence | None:
        for evidence in self.outcomes:
            if evidence.outcome == PRIMARY_OUTCOME:
                return evidence
        return self.outcomes[0] if self.outcomes else None


def pooled_verdict(rows: list[dict[str, Any]], outcome: str) -> tuple[dict | None, str, bool]:
    """DerSimonian–Laird pooling of log RES over one evaluation per scene, and the verdict:
    no_evaluations, insufficient (< 3 scenes), inconclusive (interval includes 1),
    favourable or unfavourable (in the outcome's good direction)."""

    usable = [r for r in rows if r.get("log_res") is not None and r.get("se")]
    pooled = None
    heterogeneous = False
    if len(usable) >= 2:
        try:
            result = pooled_effect([r["log_res"] for r in usable], [r["se"] ** 2 for r in usable])
        except EvaluationInputError:
            result = None
        if result is not None:
            pooled = {
                "res": result.ratio,
                "ci_low": result.ratio_ci_low,
                "ci_high": result.ratio_ci_high,
                "p_value": result.p_value,
                "i2": result.i2,
                "tau2": result.tau2,
                "k": result.k,
            }
            heterogeneous = result.i2 > 50
    if not usable:
        return None, "no_evaluations", False
    if len(usable) < MIN_SCENES or pooled is None:
        return pooled, "insufficient", heterogeneous
    if pooled["ci_low"] is None or pooled["ci_high"] is None:
        return pooled, "inconclusive", heterogeneous
    if pooled["ci_low"] <= 1 <= pooled["ci_high"]:
        return pooled, "inconclusive", heterogeneous
    treated_better = pooled["ci_low"] > 1
    good = treated_better != (outcome in HIGHER_IS_BETTER)
    return pooled, ("favourable" if good else "unfavourable"), heterogeneous


def method_evidence(*, method: Method, fetched_by: User) -> MethodEvidence:
    """The method's saved evaluations the user sees, the latest per scene and outcome."""
    base = Evaluation.objects.all()
    evaluations = (
        (base if fetched_by is None else access.restrict(base, fetched_by))
        .filter(interventions__methods=method)
        .distinct()
        .select_related("scene")
        .only("pk", "scene__ref", "scene__name", "outcome", "results", "after_end", "created_at")
        .order_by("-created_at", "-pk")
    )
    latest: dict[tuple[str, int], Evaluation] = {}
    for evaluation in evaluations:
        latest.setdefault((evaluation.outcome, evaluation.scene_id), evaluation)
    by_outcome: dict[str, list[dict[str, Any]]] = {}
    for (outcome, _scene), evaluation in latest.items():
        res = (evaluation.results or {}).get("res", {})
        by_outcome.setdefault(outcome, []).append(
            {
                "evaluation": evaluation,
                "scene": evaluation.scene,
                "res": res.get("res"),
                "ci_low": res.get("ci_low"),
                "ci_high": res.get("ci_high"),
                "log_res": res.get("log_res"),
                "se": res.get("se"),
            }
        )
    evidence = MethodEvidence(method=method)
    order = {PRIMARY_OUTCOME: 0, "drug": 1, "detected": 2}
    for outcome in sorted(by_outcome, key=lambda o: (order.get(o, 9), o)):
        rows = sorted(by_outcome[outcome], key=lambda r: r["scene"].ref)
        pooled, verdict, heterogeneous = pooled_verdict(rows, outcome)
        evidence.outcomes.append(
            OutcomeEvidence(
                outcome=outcome,
                rows=rows,
                scenes=len(rows),
                pooled=pooled,
                verdict=verdict,
                heterogeneous=heterogeneous,
            )
        )
    return evidence


# --------------------------------------------------------------------------- early warning


def candidate_list(*, fetched_by: User) -> QuerySet[Candidate]:
    return (
        access.restrict(Candidate.objects.all(), fetched_by)
        .select_related("municipality", "local_police_area", "scene", "decided_by")
        .defer("municipality__geometry")
    )


def candidate_periods(*, fetched_by: User) -> list[tuple[Any, Any, int]]:
    return list(
        candidate_list(fetched_by=fetched_by)
        .order_by("-period_end", "-period_start", "cell_m")
        .values_list("period_start", "period_end", "cell_m")
        .distinct()
    )


# --------------------------------------------------------------------------- dashboard


def scenes_going_wrong_way(*, year: int, fetched_by: User) -> list[dict[str, Any]]:
    """Scenes (whose figures the user may read, active at the end of the year) whose
    violent crime inside rose significantly from the year before (exact conditional test,
    one-sided p < 0.05), or whose 0–200 m ring rose significantly while the inside fell
    (displacement). Two queries."""
    visible = scenes_with_details(fetched_by).exclude(closed_on__lt=f"{year}-12-31")
    totals: dict[int, dict[tuple[str, int], int]] = {}
    rows = Indicator.objects.filter(
        scene__in=visible,
        category="violent",
        zone__in=["inside", "buffer_200"],
        year__in=[year - 1, year],
    )
    for row in (
        access.restrict(rows, fetched_by)
        .values("scene_id", "zone", "year")
        .annotate(total=Sum("count"))
        .order_by()
    ):
        totals.setdefault(row["scene_id"], {})[(row["zone"], row["year"])] = row["total"]
    flagged = []
    for scene_id, t in totals.items():
        inside = (t.get(("inside", year - 1), 0), t.get(("inside", year), 0))
        ring = (t.get(("buffer_200", year - 1), 0), t.get(("buffer_200", year), 0))
        p_inside = rise_p_value(*inside)
        p_ring = rise_p_value(*ring)
        if p_inside < WRONG_WAY_P:
            flagged.append((scene_id, "rising", inside, ring, p_inside))
        elif inside[1] < inside[0] and p_ring < WRONG_WAY_P:
            flagged.append((scene_id, "displacement", inside, ring, p_ring))
    scenes = visible.only("pk", "ref", "name").in_bulk([f[0] for f in flagged])
    return sorted(
        (
            {
                "scene": scenes[scene_id],
                "flag": flag,
                "inside_before": inside[0],
                "inside_now": inside[1],
                "ring_before": ring[0],
                "ring_now": ring[1],
                "p_value": p,
            }
            for scene_id, flag, inside, ring, p in flagged
        ),
        key=lambda r: (r["p_value"], r["scene"].ref),
    )
