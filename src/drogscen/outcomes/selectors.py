"""Reads of the outcome figures for the pages, always scoped to the user: a scene's
outcomes (crime inside and around it, safety surveys, youth signals) and the county's
sub-goals. Sentences state the year-on-year change and whether it goes the right way."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from drogscen.core import access
from drogscen.core.numbers import number, percent_change
from drogscen.core.types import User
from drogscen.geo.models import LocalPoliceArea, Municipality
from drogscen.outcomes import charts
from drogscen.outcomes.access import scenes_with_details
from drogscen.outcomes.indicators import zone_areas
from drogscen.outcomes.intervals import share_difference_is_clear, wilson_interval
from drogscen.outcomes.models import (
    CATEGORY_DIRECTION,
    Category,
    Direction,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
    Zone,
)
from drogscen.outcomes.reporting import SUPPRESSED, suppressed  # noqa: F401
from drogscen.scenes.models import Scene

CHART_CATEGORIES = (Category.VIOLENT, Category.DETECTED)
ZONES = tuple(Zone.values)

ZONE_LABELS = {
    "inside": gettext_lazy("inside the scene"),
    "buffer_200": gettext_lazy("0–200 m around it"),
    "buffer_500": gettext_lazy("200–500 m around it"),
}
# The subject of a sentence about a category in a zone of one scene.
SCENE_SUBJECTS = {
    ("violent", "inside"): gettext_lazy("Violent crimes inside the scene"),
    ("violent", "buffer_200"): gettext_lazy("Violent crimes within 200 m of the scene"),
    ("violent", "buffer_500"): gettext_lazy("Violent crimes 200–500 m from the scene"),
    ("detected", "inside"): gettext_lazy("Crimes detected by the police inside the scene"),
}
CATEGORY_TITLES = {
    "violent": gettext_lazy("Violent crime (should fall)"),
    "detected": gettext_lazy("Crimes detected by the police (should rise)"),
}


# --------------------------------------------------------------------------- wording


def verdict_of(direction: str | None, before: float, after: float) -> str | None:
    """ "right", "wrong" or None (no direction, or no change)."""
    if direction is None or before == after:
        return None
    better = after < before if direction == Direction.LOWER_IS_BETTER else after > before
    return "right" if better else "wrong"


def change_sentence(
    subject: str,
    *,
    before: float,
    after: float,
    year: int,
    direction: str | None,
    shown_before: str | None = None,
    shown_after: str | None = None,
    change: str | None = None,
    uncertain: bool = False,
) -> str:
    """E.g. "Violent crimes inside the scene fell from 24 to 17 (−29 %) compared with
    2024 — the right direction." ``year`` is the year compared with."""
    values = {
        "subject": subject,
        "before": shown_before or number(before),
        "after": shown_after or number(after),
        "change": change or percent_change(before, after),
        "year": year,
    }
    if after == before:
        return _("%(subject)s: unchanged at %(after)s compared with %(year)s.") % values
    if after < before:
        text = _(
            "%(subject)s fell from %(before)s to %(after)s (%(change)s) compared with %(year)s"
        )
    else:
        text = _(
            "%(subject)s rose from %(before)s to %(after)s (%(change)s) compared with %(year)s"
        )
    text = text % values
    verdict = verdict_of(direction, before, after)
    if verdict is None:
        return text + "."
    words = _("the right direction") if verdict == "right" else _("the wrong direction")
    if uncertain:
        words = _("%(verdict)s, but within the margin of error") % {"verdict": words}
    return f"{text} — {words}."


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class DataCalendar:
    years: list[int]  # years with any indicator in the county
    last_month: tuple[int, int] | None  # the latest month counted from events

    @property
    def report_year(self) -> int | None:
        """The latest complete year with data (the current year only if it is all)."""
        today = timezone.localdate()
        done = [y for y in self.years if y < today.year]
        return done[-1] if done else (self.years[-1] if self.years else None)


def data_calendar() -> DataCalendar:
    years = sorted(set(Indicator.objects.order_by().values_list("year", flat=True).distinct()))
    last = (
        Indicator.objects.filter(from_events=True)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    return DataCalendar(years, tuple(last) if last else None)


# --------------------------------------------------------------------------- scene page


@dataclass
class SurveyRow:
    year: int
    value: float
    respondents: int
    ci_low: float | None
    ci_high: float | None


@dataclass
class SurveySeries:
    indicator: SurveyIndicator
    name: str
    rows: list[SurveyRow] = field(default_factory=list)
    sentence: str | None = None
    chart: str | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.indicator.direction == Direction.LOWER_IS_BETTER


def survey_value(indicator: SurveyIndicator, value: float) -> str:
    # one decimal, as in the table: a change of a few tenths must not read "49 % to 49 %"
    if indicator.unit == SurveyIndicator.Unit.PERCENT:
        return number(value, 1) + "\u00a0%"
    return number(value, 1)


def survey_row(indicator: SurveyIndicator, year: int, value: float, n: int) -> SurveyRow:
    low = high = None
    if indicator.unit == SurveyIndicator.Unit.PERCENT and n > 0:
        lo, hi = wilson_interval(value / 100, n)
        low, high = 100 * lo, 100 * hi
    return SurveyRow(year, value, n, low, high)


def survey_sentence(series: SurveySeries, subject: str, year: int) -> str | None:
    by_year = {r.year: r for r in series.rows}
    now, before = by_year.get(year), by_year.get(year - 1)
    if now is None or before is None:
        return None
    ind = series.indicator
    uncertain = False
    change = None
    if ind.unit == SurveyIndicator.Unit.PERCENT:
        points = round(now.value - before.value, 1) + 0.0  # no "−0.0"
        change = _("%(points)s percentage points") % {
            "points": ("+" if points > 0 else "") + number(points, 1)
        }
        uncertain = not share_difference_is_clear(
            now.value / 100, now.respondents, before.value / 100, before.respondents
        )
    return change_sentence(
        subject,
        before=round(before.value, 1),
        after=round(now.value, 1),
        year=year - 1,
        direction=ind.direction,
        shown_before=survey_value(ind, before.value),
        shown_after=survey_value(ind, now.value),
        change=change,
        uncertain=uncertain,
    )


def _indicator_name(indicator: SurveyIndicator) -> str:
    return indicator.name_sv if get_language() == "sv" else indicator.name_en


def scene_outcomes(*, scene: Scene, fetched_by: User) -> dict[str, Any]:
    """Everything the scene page shows about outcomes. ``scene`` has been fetched
    through the scoped selector; the survey results and youth signals go through their
    own access rules too. The partners, who see the scene but not its figures, get
    ``show_outcomes`` False and nothing else."""
    if not scenes_with_details(fetched_by).filter(pk=scene.pk).exists():
        return {"show_outcomes": False}
    calendar = data_calendar()
    rows = access.restrict(Indicator.objects.filter(scene=scene), fetched_by).values_list(
        "zone", "category", "year", "month", "count"
    )
    per_year: dict[tuple[str, str, int], int] = defaultdict(int)
    per_month: dict[tuple[str, str, int], int] = defaultdict(int)
    for zone, category, year, month, n in rows:
        per_year[(category, zone, year)] += n
        if month:
            per_month[(category, zone, year * 12 + month - 1)] += n
    years = calendar.years
    year = calendar.report_year
    areas = zone_areas([scene.pk]).get(scene.pk, {})
    hectares = {zone: areas.get(zone, 0) / 10_000 for zone in ZONES}

    tables = _scene_tables(per_year, years, hectares)
    sentences = _scene_sentences(per_year, years, year)
    monthly_chart, yearly_chart = _scene_charts(scene, calendar, years, per_year, per_month)

    return {
        "show_outcomes": True,
        "outcome_years": years,
        "outcome_year": year,
        "outcome_tables": tables,
        "outcome_sentences": sentences,
        "outcome_hectares": hectares,
        "outcome_zone_labels": [ZONE_LABELS[z] for z in ZONES],
        "outcome_charts": {"months": monthly_chart, "years": yearly_chart},
        "surveys": scene_surveys(scene=scene, fetched_by=fetched_by, year=year),
        "youth": scene_youth_signals(scene=scene, fetched_by=fetched_by),
    }


def _scene_tables(per_year, years, hectares) -> list[dict[str, Any]]:
    """Per category: a row per year with each zone's count and count per hectare."""
    tables = []
    for category in CHART_CATEGORIES:
        table_rows = []
        for y in years:
            cells = []
            for zone in ZONES:
                n = per_year[(category, zone, y)]
                rate = n / hectares[zone] if hectares[zone] else None
                cells.append({"count": n, "rate": rate})
            table_rows.append({"year": y, "cells": cells})
        tables.append(
            {"category": category, "title": CATEGORY_TITLES[category], "rows": table_rows}
        )
    return tables


def _scene_sentences(per_year, years, year) -> list[dict[str, Any]]:
    """The change from the year before in words, per category and zone."""
    sentences = []
    if year is not None and year - 1 in years:
        for (category, zone), subject in SCENE_SUBJECTS.items():
            before, after = per_year[(category, zone, year - 1)], per_year[(category, zone, year)]
            direction = CATEGORY_DIRECTION[Category(category)]
            sentences.append(
                {
                    "category": category,
                    "zone": zone,
                    "verdict": verdict_of(direction, before, after),
                    "text": change_sentence(
                        str(subject), before=before, after=after, year=year - 1, direction=direction
                    ),
                }
            )
    return sentences


def _scene_charts(scene, calendar, years, per_year, per_month):
    """The last 36 months' and the years' charts (None without data)."""
    monthly_chart = yearly_chart = None
    if calendar.last_month:
        end = calendar.last_month[0] * 12 + calendar.last_month[1] - 1
        months = list(range(end - 35, end + 1))
        month_labels = [f"{m // 12}-{m % 12 + 1:02d}" for m in months]
        zone_labels = {z: str(ZONE_LABELS[z]) for z in ZONES}
        monthly_chart = charts.zone_series_chart(
            key="scene-months",
            title=_("Reported crimes per month at %(scene)s, the last 36 months")
            % {"scene": scene.name},
            x_labels=month_labels,
            panels=[
                (
                    str(CATEGORY_TITLES[c]),
                    {z: [per_month[(c, z, m)] for m in months] for z in ZONES},
                )
                for c in CHART_CATEGORIES
            ],
            zone_labels=zone_labels,
            tick_every=6,
        )
        if years:
            yearly_chart = charts.zone_series_chart(
                key="scene-years",
                title=_("Reported crimes per year at %(scene)s") % {"scene": scene.name},
                x_labels=[str(y) for y in years],
                panels=[
                    (
                        str(CATEGORY_TITLES[c]),
                        {z: [per_year[(c, z, y)] for y in years] for z in ZONES},
                    )
                    for c in CHART_CATEGORIES
                ],
                zone_labels=zone_labels,
            )

    return monthly_chart, yearly_chart


def scene_surveys(*, scene: Scene, fetched_by: User, year: int | None) -> list[SurveySeries]:
    results = access.restrict(SurveyResult.objects.filter(scene=scene), fetched_by).select_related(
        "indicator"
    )
    series: dict[int, SurveySeries] = {}
    for r in results.order_by("indicator__code", "year"):
        s = series.get(r.indicator_id)
        if s is None:
            s = series[r.indicator_id] = SurveySeries(r.indicator, _indicator_name(r.indicator))
        s.rows.append(survey_row(r.indicator, r.year, r.value, r.respondents))
    for s in series.values():
        last = s.rows[-1].year
        s.sentence = survey_sentence(s, s.name, last)
    return list(series.values())


def scene_youth_signals(*, scene: Scene, fetched_by: User) -> dict[str, Any]:
    """Per quarter, each kind as its count or "<3" (never the small number)."""
    signals = access.restrict(YouthSignal.objects.filter(scene=scene), fetched_by)
    quarters: dict[tuple[int, int], dict[str, int | str]] = defaultdict(dict)
    for year, quarter, kind, n in signals.values_list("year", "quarter", "indicator", "count"):
        quarters[(year, quarter)][kind] = suppressed(n)
    kinds = list(YouthSignal.Kind)
    return {
        "kinds": [k.label for k in kinds],
        "rows": [
            {"year": y, "quarter": q, "cells": [values.get(k.value) for k in kinds]}
            for (y, q), values in sorted(quarters.items())
        ],
    }


# --------------------------------------------------------------------------- county page


@dataclass
class SubGoal:
    key: str
    title: str
    direction: str
    years: list[int]
    series: dict[str, list[float | None]]
    sentence: str | None
    verdict: str | None
    chart: str | None = None

    @property
    def table(self) -> list[tuple[int, list[float | None]]]:
        columns = list(self.series.values())
        return [(y, [c[i] for c in columns]) for i, y in enumerate(self.years)]


def counted_scenes(*, municipality=None, local_police_area=None):
    """The scenes the county's sub-goals are followed at: every scene in the register
    (a fixed set, so a trend shows crime, not scenes coming and going), except those
    registered in error; optionally of one municipality or local police area."""
    scenes = Scene.objects.exclude(close_reason=Scene.CloseReason.REGISTERED_IN_ERROR)
    if municipality is not None:
        scenes = scenes.filter(municipality=municipality)
    if local_police_area is not None:
        scenes = scenes.filter(local_police_area=local_police_area)
    return scenes


def county_outcomes(*, scenes, year: int | None = None) -> dict[str, Any]:
    """The sub-goals over ``scenes`` (a queryset, see ``counted_scenes``): violent
    crime at the scenes (should fall), detected crime at the scenes (should rise) and
    safety (each survey indicator in its own direction), yearly, with the latest
    complete year compared with the year before. A constant number of queries."""
    calendar = data_calendar()
    years = calendar.years
    year = year or calendar.report_year
    goals = _county_crime_goals(scenes, years, year)
    safety = _county_safety(scenes)
    return {
        "years": years,
        "year": year,
        "goals": goals,
        "safety": safety,
        "scene_count": scenes.count(),
    }


def _county_crime_goals(scenes, years, year) -> list[SubGoal]:
    """Violent and detected crime at the scenes (and violent within 200 m), per year."""
    sums = defaultdict(int)
    for y, zone, category, n in (
        Indicator.objects.filter(
            scene__in=scenes.values("pk"),
            category__in=CHART_CATEGORIES,
            zone__in=("inside", "buffer_200"),
        )
        .values_list("year", "zone", "category")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        sums[(category, zone, y)] = n
    goals = []
    specs = [
        (
            "violent",
            _("Violent crime at the scenes"),
            Direction.LOWER_IS_BETTER,
            _("Violent crimes at the scenes"),
            True,
        ),
        (
            "detected",
            _("Crimes detected by the police at the scenes"),
            Direction.HIGHER_IS_BETTER,
            _("Crimes detected by the police at the scenes"),
            False,
        ),
    ]
    for category, title, direction, subject, with_ring in specs:
        series = {str(_("inside the scenes")): [sums[(category, "inside", y)] for y in years]}
        if with_ring:
            series[str(_("0–200 m around them"))] = [
                sums[(category, "buffer_200", y)] for y in years
            ]
        sentence = verdict = None
        if year is not None and year - 1 in years:
            before, after = sums[(category, "inside", year - 1)], sums[(category, "inside", year)]
            sentence = change_sentence(
                subject, before=before, after=after, year=year - 1, direction=direction
            )
            verdict = verdict_of(direction, before, after)
        goal = SubGoal(category, title, direction, years, series, sentence, verdict)
        goal.chart = (
            charts.trend_chart(
                key=f"county-{category}",
                title=title,
                years=years,
                lines=series,
                ylabel=_("Reported crimes"),
            )
            if years
            else None
        )
        goals.append(goal)
    return goals


def _county_safety(scenes) -> list[SurveySeries]:
    # Safety: respondent-weighted mean of each survey indicator over the scenes.
    weighted = (
        SurveyResult.objects.filter(scene__in=scenes.values("pk"))
        .values_list("indicator_id", "year")
        .annotate(total=Sum(F("value") * F("respondents")), n=Sum("respondents"))
        .order_by()
    )
    by_indicator: dict[int, dict[int, tuple[float, int]]] = defaultdict(dict)
    for indicator_id, y, total, n in weighted:
        by_indicator[indicator_id][y] = (total / n, n)
    safety = []
    definitions = {i.pk: i for i in SurveyIndicator.objects.filter(pk__in=list(by_indicator))}
    for indicator_id, values in sorted(by_indicator.items(), key=lambda i: definitions[i[0]].code):
        ind = definitions[indicator_id]
        s = SurveySeries(ind, _indicator_name(ind))
        s.rows = [survey_row(ind, y, v, n) for y, (v, n) in sorted(values.items())]
        s.sentence = survey_sentence(s, s.name, s.rows[-1].year)
        survey_years = [r.year for r in s.rows]
        s.chart = charts.trend_chart(
            key=f"county-survey-{ind.code}",
            title=s.name,
            years=survey_years,
            lines={s.name: [round(r.value, 1) for r in s.rows]},
            ylabel=_("per cent") if ind.unit == SurveyIndicator.Unit.PERCENT else _("mean"),
        )
        safety.append(s)
    return safety


def outcome_filter_choices(*, fetched_by: User) -> dict[str, Any]:
    """Municipalities and local police areas the user may filter by: all for the
    county-wide organisations, otherwise the areas of the scenes whose figures the user
    may read (none for the partners, who get the county totals only)."""
    municipalities = Municipality.objects.filter(scenes__isnull=False).distinct()
    areas = LocalPoliceArea.objects.filter(scenes__isnull=False).distinct()
    if not access.is_county_wide(fetched_by):
        visible = scenes_with_details(fetched_by)
        municipalities = municipalities.filter(
            Q(pk__in=visible.values("municipality_id"))
            | Q(pk__in=access.member_municipality_ids(fetched_by))
        )
        areas = areas.filter(
            Q(pk__in=visible.values("local_police_area_id"))
            | Q(pk__in=access.member_area_ids(fetched_by))
        )
    return {
        "municipalities": list(municipalities.order_by("name").values_list("code", "name")),
        "local_police_areas": list(areas.order_by("name").values_list("slug", "name")),
    }
