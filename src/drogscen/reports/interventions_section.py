"""The interventions and collaboration section of the county report's outputs: its
HTML/PDF tables, note and Excel sheet, drawn from the `interventions` keys that
`interventions/reporting.py` puts in the report (keys described there)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.reports import labels
from drogscen.reports.tables import COUNT_FORMAT, PERCENT_FORMAT, Cell, Column, Sheet, Table


def _section(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("interventions") or {}


def _kind_label(kind: str) -> str:
    return str(Organisation.Kind(kind).label) if kind in Organisation.Kind.values else kind


def report_tables(report: dict[str, Any]) -> list:
    """The HTML/PDF tables of the interventions and collaboration section (none when the
    report predates these keys)."""
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
    """The Excel sheet of the section (renderers' `Sheet`)."""
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
        Sheet(
            _("Collaboration"),
            [_("Figure"), _("Value")],
            [[label, value] for label, value, _format in rows],
            row_formats=[number_format for _label, _value, number_format in rows],
        )
    ]
