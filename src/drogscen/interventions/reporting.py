"""The interventions part of the county report: the database feeds `collaboration.py`
(rules there); the report's tables and sheet of it are drawn in
`reports/interventions_section.py` (reports sits above this app).

Report keys (besides `interventions.active` and `interventions.by_method`):

* `interventions.by_actor_kind{kind: n}` — interventions active in Y per kind of
  organisation;
* `interventions.scenes_without` — scenes open in Y with no intervention active in Y;
* `interventions.collaboration`:
  `actors_per_scene{n_actors: n_scenes}` (over the scenes open in Y; the report names no
  scene), `scenes_with_several_actors`, `scenes_with_shared_action_plan`, and
  `series{year: {"several_actors_share": x, "joint_mapping_share": y}}` for every
  reported year up to Y.

All county-wide counts: the report shows no scene, so nothing is restricted per user.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Q

from drogscen.accounts.models import Organisation
from drogscen.interventions.collaboration import TargetPeriod, Work, year_collaboration
from drogscen.interventions.models import Intervention, Target
from drogscen.mappings.counting import open_scene_ids, year_summary
from drogscen.mappings.selectors import approved_records


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def collaboration_summary(year: int) -> dict[str, Any]:
    """The figures above for year `year` (a fixed number of queries)."""
    records = [r for r in approved_records() if r.year <= year]
    years = sorted({r.year for r in records} | {year})
    first = date(years[0], 1, 1)
    active_in_y = (
        Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        .filter(starts_on__lte=date(year, 12, 31))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
    )
    kinds = Counter(active_in_y.order_by().values_list("organisation__kind", flat=True))

    rows = (
        Intervention.objects.filter(starts_on__lte=date(year, 12, 31))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .filter(scenes__isnull=False)
        .order_by()
        .values_list("pk", "organisation_id", "scenes", "starts_on", "ends_on", "status")
    )
    work = [
        Work(pk, org, scene, start, end, status == Intervention.Status.CANCELLED)
        for pk, org, scene, start, end, status in rows
    ]
    targets = [
        TargetPeriod(*row)
        for row in Target.objects.filter(intervention_id__in={w.intervention_id for w in work})
        .order_by()
        .values_list("intervention_id", "period_start", "period_end")
    ]
    series = {}
    this_year = None
    for y in years:
        figures = year_collaboration(
            year=y, open_scenes=open_scene_ids(records, y), work=work, targets=targets
        )
        joint = year_summary(records, y, active_at_year_end=()).joint_share
        series[str(y)] = {
            "several_actors_share": _share(figures.several_actors_share),
            "joint_mapping_share": _share(joint),
        }
        if y == year:
            this_year = figures
    return {
        "by_actor_kind": {
            kind: kinds[kind] for kind in Organisation.Kind.values if kinds.get(kind)
        },
        "scenes_without": this_year.without,
        "collaboration": {
            "actors_per_scene": {str(n): k for n, k in this_year.actors_distribution.items()},
            "scenes_with_several_actors": this_year.several_actors,
            "scenes_with_shared_action_plan": this_year.shared_action_plan,
            "series": series,
        },
    }
