"""The report's figures as labelled rows and sentences in the active language.

`report_build` gives codes and numbers; every output (charts, HTML, PDF, Excel, CSV)
takes its rows from here so a municipality, substance or symptom is named the same
way everywhere: municipality names from the reference geography, substance and symptom
labels from the questionnaire version of the report year, everything else through
Django's translation. Nothing here reads scenes: the report shows counts only.

A report made for a user who does not see the whole county (`scope` "restricted")
carries breakdowns only for that user's areas; an area left out is *not shown*
(None), never 0.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drogscen.core.goal import target_path
from drogscen.core.numbers import (  # noqa: F401 - the report's wording uses these names
    decimal,
    decimal_percent,
    number,
    percent,
    signed,
    square_metres,
)
from drogscen.evaluations.selectors import outcome_label
from drogscen.geo.models import District, Municipality
from drogscen.interventions.models import Method
from drogscen.outcomes.models import SurveyIndicator, YouthSignal
from drogscen.questionnaires.definition import load_builtin_definition
from drogscen.questionnaires.services import questionnaire_for_year

# The county's goal is "fewer open drug scenes every year until 2027" without a number.
# The goal chart draws an *illustrative* target path: a straight line from the first
# year's count to settings.TARGET_END_SHARE of it in the goal year (by default halved:
# "kraftigt minska", reduce sharply; DROGSCEN_TARGET_END_SHARE sets the steering group's
# number). Straight, so every year on the path is lower than the year before.


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    scenes: int | None  # None: not shown in a restricted report


@dataclass(frozen=True)
class CodedRow:
    """A questionnaire option (substance, symptom) and the open scenes it applies to."""

    code: str
    label: str
    scenes: int
    share: float | None  # of the open scenes of the year


@dataclass(frozen=True)
class DistrictRow:
    name: str
    has_scenes: bool | None  # None: not shown in a restricted report


@dataclass(frozen=True)
class GoalRow:
    year: int
    scenes: int | None
    target: float | None


@dataclass(frozen=True)
class KeyFigure:
    label: str
    text: str  # the value as the report prints it


def is_restricted(report: dict[str, Any]) -> bool:
    return report.get("scope") != "county"


# --- numbers ------------------------------------------------------------------------------


def out_of(count: int, total: int) -> str:
    return _("%(count)s of %(total)s") % {"count": number(count), "total": number(total)}


def generated_on(report: dict[str, Any]) -> str:
    """The day the report was made, in the active language's date format."""
    try:
        moment = datetime.fromisoformat(report["generated_at"])
    except (KeyError, TypeError, ValueError):
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment.date(), "DATE_FORMAT")


def wrapped(text: str, width: int = 38) -> str:
    """A long axis label over several lines."""
    return "\n".join(textwrap.wrap(text, width)) or text


# --- rows ---------------------------------------------------------------------------------


def municipality_rows(report: dict[str, Any]) -> list[MunicipalityRow]:
    """All municipalities of the county in SCB code order, 0 where there is no open
    scene (None where a restricted report does not show the municipality)."""
    by_code = report["municipalities"]["by_code"]
    missing = None if is_restricted(report) else 0
    return [
        MunicipalityRow(code, name, by_code.get(code, missing))
        for code, name in Municipality.objects.order_by("code").values_list("code", "name")
    ]


def police_area_rows(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Local police areas with open scenes (lead area of the mapping), by name."""
    return sorted(report["local_police_areas"]["by_name"].items())


def district_rows(report: dict[str, Any]) -> list[DistrictRow]:
    """The City of Stockholm's district administrations valid at the end of the year."""
    end = date(report["year"], 12, 31)
    with_scenes = set(report["stockholm_districts"]["names"])
    restricted = is_restricted(report)
    # A restricted report names the districts of the user's own scenes; of the others it
    # cannot say "none" (there may be scenes the user does not see): not shown.
    return [
        DistrictRow(
            name, (True if name in with_scenes else None) if restricted else name in with_scenes
        )
        for name in District.objects.valid_on(end).order_by("name").values_list("name", flat=True)
    ]


def option_labels(year: int, question: str) -> dict[str, str]:
    """Code → label in the active language of a question's options, from the
    questionnaire version in force for the year (the shipped one if none is)."""
    version = questionnaire_for_year(year=year)
    definition = version.parsed() if version else load_builtin_definition("v1")
    if question not in definition:
        return {}
    language = translation.get_language() or "sv"
    return {o.code: o.label.get(language) for o in definition.question(question).options}


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def substance_rows(report: dict[str, Any]) -> list[CodedRow]:
    """Main substance of the open scenes, most common first."""
    labels = option_labels(report["year"], "main_substance")
    # The questionnaire's "Don't know" is an answer; in a report it reads "not known".
    labels["unknown"] = _("Not known")
    total = report["scenes"]["count"]
    rows = [
        CodedRow(code, labels.get(code, code), n, _share(n, total))
        for code, n in report["substances"].items()
    ]
    return sorted(rows, key=lambda r: (-r.scenes, r.label))


def symptom_rows(report: dict[str, Any]) -> list[CodedRow]:
    """Every symptom of the questionnaire (0 where no open scene shows it), most common
    first; a symptom code the questionnaire no longer has is kept under its code."""
    labels = option_labels(report["year"], "symptoms")
    counts = report["symptoms"]
    total = report["scenes"]["count"]
    codes = list(labels) + [code for code in counts if code not in labels]
    rows = [
        CodedRow(
            code, labels.get(code, code), counts.get(code, 0), _share(counts.get(code, 0), total)
        )
        for code in codes
    ]
    return sorted(rows, key=lambda r: -r.scenes)


def goal_series(report: dict[str, Any]) -> dict[int, int]:
    return {int(y): n for y, n in report["goal"]["series"].items()}


def goal_rows(report: dict[str, Any]) -> list[GoalRow]:
    """Every year from the first with data to the later of the report year and the goal
    year: the count where there is one, the target path where it runs."""
    series = goal_series(report)
    goal_year = report["goal"]["target_year"]
    path = target_path(series, goal_year)
    if not series:
        return []
    years = range(min(series), max(goal_year, report["year"]) + 1)
    return [GoalRow(y, series.get(y), path.get(y)) for y in years]


# --- chart and table titles ----------------------------------------------------------------


def goal_title(report: dict[str, Any]) -> str:
    series = goal_series(report)
    first = min(series) if series else report["year"]
    return _("Open drug scenes per year %(first)s–%(year)s and the target path to %(goal)s") % {
        "first": first,
        "year": report["year"],
        "goal": report["goal"]["target_year"],
    }


def municipality_title(report: dict[str, Any]) -> str:
    return _("Open drug scenes per municipality %(year)s") % {"year": report["year"]}


def map_title(report: dict[str, Any]) -> str:
    return _("Map: open drug scenes per municipality in Stockholm county %(year)s") % {
        "year": report["year"]
    }


def substance_title(report: dict[str, Any]) -> str:
    return _("Main substance at the open drug scenes %(year)s") % {"year": report["year"]}


def symptom_title(report: dict[str, Any]) -> str:
    return _("Symptoms at the open drug scenes %(year)s") % {"year": report["year"]}


# --- words --------------------------------------------------------------------------------


def headline(report: dict[str, Any]) -> str:
    """E.g. "53 open drug scenes, 10 fewer than the previous year, no new ones." """
    scenes = report["scenes"]
    count, change, new = scenes["count"], scenes["change"], scenes["new"]
    if count:
        parts = [
            ngettext("%(count)s open drug scene", "%(count)s open drug scenes", count)
            % {"count": number(count)}
        ]
    else:
        parts = [_("No open drug scenes")]
    if change is not None:
        if change < 0:
            parts.append(
                ngettext(
                    "%(count)s fewer than the previous year",
                    "%(count)s fewer than the previous year",
                    -change,
                )
                % {"count": number(-change)}
            )
        elif change > 0:
            parts.append(
                ngettext(
                    "%(count)s more than the previous year",
                    "%(count)s more than the previous year",
                    change,
                )
                % {"count": number(change)}
            )
        else:
            parts.append(_("as many as the previous year"))
    if new is not None:
        if new:
            parts.append(ngettext("%(count)s new", "%(count)s new", new) % {"count": number(new)})
        else:
            parts.append(_("no new ones"))
    return ", ".join(parts) + "."


def summary_sentences(report: dict[str, Any]) -> list[str]:
    """The summary in words, after the county FAQ's own: the headline, where the scenes
    are, the City of Stockholm's districts, the joint mappings, the goal."""
    scenes = report["scenes"]
    count = scenes["count"]
    sentences = [headline(report)]
    if count:
        municipalities = ngettext(
            "%(count)s of %(total)s municipality",
            "%(count)s of %(total)s municipalities",
            report["municipalities"]["total"],
        ) % {
            "count": number(report["municipalities"]["with_scenes"]),
            "total": number(report["municipalities"]["total"]),
        }
        areas_count = report["local_police_areas"]["with_scenes"]
        areas = ngettext(
            "%(count)s local police area", "%(count)s local police areas", areas_count
        ) % {"count": number(areas_count)}
        sentences.append(
            ngettext(
                "The scene lies in %(municipalities)s and is linked to %(areas)s.",
                "The scenes lie in %(municipalities)s and are linked to %(areas)s.",
                count,
            )
            % {"municipalities": municipalities, "areas": areas}
        )
    districts = report["stockholm_districts"]
    if districts["total"]:
        if districts["with_scenes"] == 0:
            sentences.append(_("In the City of Stockholm, no open drug scenes were identified."))
        elif districts["with_scenes"] == districts["total"]:
            sentences.append(
                _(
                    "In the City of Stockholm, open drug scenes were identified in all "
                    "%(total)s district administrations."
                )
                % {"total": number(districts["total"])}
            )
        else:
            sentences.append(
                ngettext(
                    "In the City of Stockholm, open drug scenes were identified in %(count)s "
                    "of %(total)s district administration.",
                    "In the City of Stockholm, open drug scenes were identified in %(count)s "
                    "of %(total)s district administrations.",
                    districts["total"],
                )
                % {"count": number(districts["with_scenes"]), "total": number(districts["total"])}
            )
    share = report["mappings"]["joint_share"]
    if share is not None:
        sentences.append(
            _(
                "The local police areas made %(share)s of the mappings together with the "
                "municipality representatives concerned."
            )
            % {"share": percent(share)}
        )
    if scenes["unmapped"]:
        sentences.append(
            ngettext(
                "%(count)s active scene has no approved mapping for the year.",
                "%(count)s active scenes have no approved mapping for the year.",
                scenes["unmapped"],
            )
            % {"count": number(scenes["unmapped"])}
        )
    sentences.append(goal_sentence(report))
    return sentences


def goal_sentence(report: dict[str, Any]) -> str:
    goal_year = report["goal"]["target_year"]
    on_track = report["goal"]["on_track"]
    if on_track is True:
        text = _(
            "The number of open drug scenes has decreased every year so far, in line with the "
            "goal of a decrease every year until %(year)s."
        )
    elif on_track is False:
        text = _(
            "The number of open drug scenes has not decreased every year so far; the goal is "
            "a decrease every year until %(year)s."
        )
    else:
        text = _(
            "The goal is that the number of open drug scenes shall decrease every year until "
            "%(year)s; the first comparison comes with the next year's mapping."
        )
    return text % {"year": goal_year}


def goal_status(report: dict[str, Any]) -> str:
    """Where the county stands against the goal, to follow the goal's own words."""
    on_track = report["goal"]["on_track"]
    if on_track is True:
        return _("So far the number has decreased every year.")
    if on_track is False:
        return _("So far the number has not decreased every year.")
    return _("The first comparison comes with the next year's mapping.")


def key_figures(report: dict[str, Any]) -> list[KeyFigure]:
    """The report's figures as label and printed value, in reading order."""
    scenes = report["scenes"]
    year = report["year"]
    municipalities = report["municipalities"]
    districts = report["stockholm_districts"]
    compared = scenes["previous_count"] is not None  # not in the first year with data
    figures = [KeyFigure(_("Open drug scenes"), number(scenes["count"]))]
    if compared:
        figures += [
            KeyFigure(
                _("Open drug scenes the previous year (%(year)s)") % {"year": year - 1},
                number(scenes["previous_count"]),
            ),
            KeyFigure(_("Change from the previous year"), signed(scenes["change"])),
            KeyFigure(_("New open drug scenes"), number(scenes["new"])),
            KeyFigure(_("No longer open drug scenes"), number(scenes["removed"])),
        ]
    figures += [
        KeyFigure(
            _("Municipalities with open drug scenes"),
            out_of(municipalities["with_scenes"], municipalities["total"]),
        ),
        KeyFigure(
            _("Local police areas with open drug scenes"),
            number(report["local_police_areas"]["with_scenes"]),
        ),
        KeyFigure(
            _("District administrations of the City of Stockholm with open drug scenes"),
            out_of(districts["with_scenes"], districts["total"]),
        ),
        KeyFigure(_("Approved mappings"), number(report["mappings"]["count"])),
        KeyFigure(
            _("Mappings made jointly with the municipality"),
            percent(report["mappings"]["joint_share"]),
        ),
        KeyFigure(_("Active scenes without an approved mapping"), number(scenes["unmapped"])),
        KeyFigure(_("Total area of the open drug scenes"), square_metres(scenes["area_m2"])),
    ]
    if compared:
        figures.append(
            KeyFigure(
                _("Total area the previous year (%(year)s)") % {"year": year - 1},
                square_metres(scenes["previous_area_m2"]),
            )
        )
    outcomes = report.get("outcomes") or {}
    if outcomes.get("violent_inside") is not None:
        figures.append(
            KeyFigure(
                _("Reported violent crimes at the open drug scenes"),
                number(outcomes["violent_inside"]),
            )
        )
    if outcomes.get("detected_inside") is not None:
        figures.append(
            KeyFigure(
                _("Crimes detected by the police at the open drug scenes"),
                number(outcomes["detected_inside"]),
            )
        )
    interventions = report.get("interventions") or {}
    if interventions.get("active") is not None:
        figures.append(KeyFigure(_("Active interventions"), number(interventions["active"])))
    return figures


def report_title(report: dict[str, Any]) -> str:
    return _("Open drug scenes in Stockholm county %(year)s") % {"year": report["year"]}


def is_preliminary(report: dict[str, Any]) -> bool:
    """Anything but a published edition is preliminary (a report without a status too)."""
    return report.get("status") != "published"


def preliminary_mark() -> str:
    """The word every page and sheet of a preliminary report carries."""
    return _("Preliminary")


def status_line(report: dict[str, Any]) -> str:
    """Published (edition N of date) or preliminary, in words: said wherever a year's
    figures are shown."""
    edition = report.get("edition") or {}
    if is_preliminary(report) or not edition:
        return _(
            "Preliminary figures: %(year)s is not published; they change while mappings "
            "are approved or corrected."
        ) % {"year": report["year"]}
    return _("Published figures for %(year)s, edition %(number)s of %(date)s.") % {
        "year": report["year"],
        "number": edition.get("number"),
        "date": edition_date(edition),
    }


def edition_date(edition: dict[str, Any]) -> str:
    try:
        moment = datetime.fromisoformat(edition["published_at"])
    except (KeyError, TypeError, ValueError):
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment.date(), "DATE_FORMAT")


# --- outcomes and evaluations -------------------------------------------------------------


def _localized(sv: str, en: str) -> str:
    return sv if (translation.get_language() or "sv").startswith("sv") else (en or sv)


def method_names(codes) -> dict[str, str]:
    """Method code → its name in the knowledge bank, in the active language."""
    return {
        code: _localized(sv, en)
        for code, sv, en in Method.objects.filter(code__in=set(codes)).values_list(
            "code", "name_sv", "name_en"
        )
    }


@dataclass(frozen=True)
class SurveyIndicatorName:
    name: str
    percent: bool


def survey_indicators(codes) -> dict[str, SurveyIndicatorName]:
    """Survey indicator code → its name in the active language and whether it is a
    percentage of the respondents."""
    return {
        code: SurveyIndicatorName(_localized(sv, en), unit == SurveyIndicator.Unit.PERCENT)
        for code, sv, en, unit in SurveyIndicator.objects.filter(code__in=set(codes)).values_list(
            "code", "name_sv", "name_en", "unit"
        )
    }


def youth_signal_name(code: str) -> str:
    try:
        return str(YouthSignal.Kind(code).label)
    except ValueError:
        return code


def evaluation_outcome(code: str, surveys: dict[str, SurveyIndicatorName]) -> str:
    """An evaluation's outcome ("violent", "survey:unsafe_evening") in words."""
    if code.startswith("survey:"):
        indicator = surveys.get(code.removeprefix("survey:"))
        if indicator is not None:
            return _("Survey: %(indicator)s") % {"indicator": indicator.name}
    return outcome_label(code)
