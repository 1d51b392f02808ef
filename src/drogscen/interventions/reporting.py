"""The interventions part of the county report: the database feeds `collaboration.py`
(rules there) and the report's renderers get their table and sheet from here.

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
from django.utils.translation import gettext as _

from drogscen.interventions.collaboration import TargetPeriod, Work, year_collaboration


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def collaboration_summary(year: int) -> dict[str, Any]:
    """The figures above for year `year` (a fixed number of queries)."""
    from drogscen.accounts.models import Organisation
    from drogscen.interventions.models import Intervention, Target
    from drogscen.mappings.counting import open_scene_ids, year_summary
    from drogscen.mappings.selectors import approved_records

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


# --- the report's outputs ------------------------------------------------------------------


def _section(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("interventions") or {}


def _kind_label(kind: str) -> str:
    from drogscen.accounts.models import Organisation

    return str(Organisation.Kind(kind).label) if kind in Organisation.Kind.values else kind


def report_tables(report: dict[str, Any]) -> list:
    """The HTML/PDF tables of the interventions and collaboration section (none when the
    report predates these keys)."""
    from drogscen.reports import labels
    from drogscen.reports.renderers import Cell, Column, Table

    section = _section(report)
    collaboration = section.get("collaboration")
    if not collaboration:
        return []
    year = report["year"]

    def count(value):
        return Cell(labels.number(value), numeric=True)

    def share(value):
        return Cell(labels.percent(value), numeric=True)

    figures = Table(
        id="table-interventions",
        caption=_("Interventions and collaboration at the open drug scenes %(year)s")
        % {"year": year},
        columns=[Column(_("Figure")), Column(_("Value"), True)],
        rows=[
            [Cell(_("Active interventions")), count(section.get("active"))],
            [
                Cell(_("Open drug scenes without an active intervention")),
                count(section.get("scenes_without")),
            ],
            [
                Cell(_("Open drug scenes where several actors work")),
                count(collaboration.get("scenes_with_several_actors")),
            ],
            [
                Cell(_("Open drug scenes with a shared action plan")),
                count(collaboration.get("scenes_with_shared_action_plan")),
            ],
        ]
        + [
            [Cell(_("Active interventions of: %(kind)s") % {"kind": _kind_label(kind)}), count(n)]
            for kind, n in section.get("by_actor_kind", {}).items()
        ],
    )
    actors = Table(
        id="table-actors-per-scene",
        caption=_("Open drug scenes by the number of actors working there %(year)s")
        % {"year": year},
        columns=[Column(_("Actors with active work")), Column(_("Open drug scenes"), True)],
        rows=[[Cell(n), count(k)] for n, k in collaboration.get("actors_per_scene", {}).items()],
    )
    series = Table(
        id="table-collaboration-series",
        caption=_("Collaboration by year"),
        columns=[
            Column(_("Year")),
            Column(_("Share of open drug scenes with several actors"), True),
            Column(_("Mappings made jointly with the municipality"), True),
        ],
        rows=[
            [Cell(y), share(v["several_actors_share"]), share(v["joint_mapping_share"])]
            for y, v in collaboration.get("series", {}).items()
        ],
    )
    return [figures, actors, series]


def report_note() -> str:
    return _(
        "An intervention counts for a year when it is not cancelled and its period overlaps "
        "the year. The actors at a scene are the organisations with such work linked to it. "
        "A scene has a shared action plan when at least two organisations have such work "
        "there with a measurable target for the year."
    )


def report_sheets(report: dict[str, Any]) -> list:
    """The Excel sheet of the section (renderers' `_Sheet`)."""
    from drogscen.reports.renderers import COUNT_FORMAT, PERCENT_FORMAT, _Sheet

    section = _section(report)
    collaboration = section.get("collaboration")
    if not collaboration:
        return []
    rows: list[list[Any]] = [
        [_("Active interventions"), section.get("active"), COUNT_FORMAT],
        [
            _("Open drug scenes without an active intervention"),
            section.get("scenes_without"),
            COUNT_FORMAT,
        ],
        [
            _("Open drug scenes where several actors work"),
            collaboration.get("scenes_with_several_actors"),
            COUNT_FORMAT,
        ],
        [
            _("Open drug scenes with a shared action plan"),
            collaboration.get("scenes_with_shared_action_plan"),
            COUNT_FORMAT,
        ],
    ]
    rows += [
        [_("Active interventions of: %(kind)s") % {"kind": _kind_label(kind)}, n, COUNT_FORMAT]
        for kind, n in section.get("by_actor_kind", {}).items()
    ]
    rows += [
        [
            _("Open drug scenes with %(n)s actors working there") % {"n": n},
            k,
            COUNT_FORMAT,
        ]
        for n, k in collaboration.get("actors_per_scene", {}).items()
    ]
    for y, values in collaboration.get("series", {}).items():
        rows.append(
            [
                _("Share of open drug scenes with several actors %(year)s") % {"year": y},
                values["several_actors_share"],
                PERCENT_FORMAT,
            ]
        )
        rows.append(
            [
                _("Mappings made jointly with the municipality %(year)s") % {"year": y},
                values["joint_mapping_share"],
                PERCENT_FORMAT,
            ]
        )
    return [
        _Sheet(
            _("Collaboration"),
            [_("Figure"), _("Value")],
            [[label, value] for label, value, _format in rows],
            row_formats=[number_format for _label, _value, number_format in rows],
        )
    ]
