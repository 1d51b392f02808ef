"""The report's ``outcomes`` section (docs/contracts.md#report-json), summed over the
scenes open in the report year. Keys:

* ``violent_inside``, ``detected_inside``: reported violent crimes and crimes detected
  by the police inside the scenes open in Y, in Y.
* ``violent_inside_previous``, ``detected_inside_previous``: the same scenes in Y−1.
* ``violent_buffer_200`` / ``violent_buffer_500`` (+ ``_previous``): violent crime in
  the rings 0–200 m and 200–500 m around those scenes (displacement shows here).
* ``drug_inside`` (+ ``_previous``): drug offences inside them.
* ``survey``: ``{indicator code: mean}`` in Y, weighted by respondents, over those
  scenes (rounded to 0.1).
* ``youth_signals``: ``{kind: n or "<3"}``, the year's quarters summed over those
  scenes; a total below 3 is never given as the number.

A figure is None when no indicator exists for that year anywhere in the county (no
data rather than zero crimes)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F, Sum

from drogscen.outcomes.models import Indicator, SurveyResult, YouthSignal

SUPPRESSED = "<3"


def suppressed(count: int) -> int | str:
    """A youth signal as shown anywhere: the number, or "<3" below the threshold."""
    return SUPPRESSED if count < YouthSignal.SUPPRESS_BELOW else count


KEYS = (
    ("violent", "inside"),
    ("detected", "inside"),
    ("violent", "buffer_200"),
    ("violent", "buffer_500"),
    ("drug", "inside"),
)


def report_outcomes(*, year: int, scene_ids: set[int]) -> dict[str, Any]:
    years_with_data = set(
        Indicator.objects.filter(year__in=[year - 1, year])
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    sums: dict[tuple[str, str, int], int] = defaultdict(int)
    for category, zone, y, n in (
        Indicator.objects.filter(scene_id__in=scene_ids, year__in=[year - 1, year])
        .values_list("category", "zone", "year")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        sums[(category, zone, y)] = n
    out: dict[str, Any] = {}
    for category, zone in KEYS:
        key = f"{category}_{zone}"
        out[key] = sums[(category, zone, year)] if year in years_with_data else None
        out[f"{key}_previous"] = (
            sums[(category, zone, year - 1)] if year - 1 in years_with_data else None
        )
    survey = (
        SurveyResult.objects.filter(scene_id__in=scene_ids, year=year)
        .values_list("indicator__code")
        .annotate(total=Sum(F("value") * F("respondents")), n=Sum("respondents"))
        .order_by("indicator__code")
    )
    out["survey"] = {code: round(total / n, 1) for code, total, n in survey if n}
    youth = (
        YouthSignal.objects.filter(scene_id__in=scene_ids, year=year)
        .values_list("indicator")
        .annotate(n=Sum("count"))
        .order_by("indicator")
    )
    out["youth_signals"] = {kind: suppressed(n) for kind, n in youth}
    return out
