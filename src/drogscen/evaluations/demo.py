"""Demo evaluations and early warning (after the outcomes demo): a clear success, a scene
where crime moved into the ring, and an inconclusive one, found among the demo
interventions; then the candidate-place analysis of the last demo years, so the early-
warning page shows the emerging place. Does nothing without indicators. Idempotent."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from drogscen.evaluations import early_warning, services
from drogscen.evaluations.models import Candidate, Evaluation
from drogscen.interventions.models import Intervention
from drogscen.outcomes.models import CrimeEvent, Indicator

WANTED = ("success", "displacement", "inconclusive")


def _kind(evaluation: Evaluation) -> str | None:
    results = evaluation.results
    interpretation = (results.get("wdq") or {}).get("interpretation")
    if results["verdict"] == "improved" and interpretation in {"diffusion", "no_effect"}:
        return "success"
    if interpretation in {"displacement_exceeds_effect", "displacement_net_benefit"}:
        return "displacement"
    if results["verdict"] == "inconclusive":
        return "inconclusive"
    return None


def _attempts():
    """(intervention, scene, periods): 12 months around each start, then 4 months."""
    interventions = (
        Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        .filter(scenes__isnull=False)
        .distinct()
        .prefetch_related("scenes")
        .order_by("starts_on", "pk")
    )
    for months in (12, 4):
        for intervention in interventions:
            start = services.month_key(intervention.starts_on)
            periods = services.default_periods(intervention.starts_on)
            if periods is None:
                continue
            periods = {
                "before_start": services.month_start(start - months),
                "before_end": services.month_end(start - 1),
                "after_start": services.month_start(start),
                "after_end": services.month_end(start + months - 1),
            }
            for scene in intervention.scenes.order_by("ref"):
                yield intervention, scene, periods


def demo_evaluations_ensure() -> tuple[int, int]:
    """Returns (evaluations created, candidates found)."""
    if not Indicator.objects.filter(from_events=True, month__gt=0).exists():
        return 0, 0
    created = 0
    if not Evaluation.objects.exists():
        found: set[str] = set()
        for intervention, scene, periods in _attempts():
            if len(found) == len(WANTED):
                break
            try:
                with transaction.atomic():
                    evaluation = services.evaluation_create(
                        scene=scene,
                        interventions=[intervention],
                        outcome="violent",
                        note="Demo",
                        **periods,
                    )
                    kind = _kind(evaluation)
                    if kind is None or kind in found:
                        raise _Discard
            except (ValidationError, _Discard):
                continue
            found.add(kind)
            created += 1
    candidates = 0
    last = CrimeEvent.objects.aggregate(last=Max("occurred_at"))["last"]
    if last is not None:
        for year in (last.year - 1, last.year):
            start, end = date(year, 1, 1), date(year, 12, 31)
            if not Candidate.objects.filter(period_start=start, period_end=end).exists():
                candidates += len(
                    early_warning.candidates_compute(period_start=start, period_end=end)
                )
    return created, candidates


class _Discard(Exception):
    """Roll back an evaluation that does not show one of the wanted patterns."""
