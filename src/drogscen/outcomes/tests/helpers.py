"""Shared test data for the outcome pages, API and report: indicators written directly
(the counting has its own tests), survey results and youth signals."""

from __future__ import annotations

from drogscen.outcomes.models import Indicator, SurveyIndicator, SurveyResult, YouthSignal


def indicators_for(scene, figures: dict[tuple[str, str, int], int], month: int = 6) -> None:
    """figures: {(category, zone, year): count}, stored as one month each."""
    Indicator.objects.bulk_create(
        [
            Indicator(scene=scene, category=c, zone=z, year=y, month=month, count=n)
            for (c, z, y), n in figures.items()
        ]
    )


def unsafe_indicator() -> SurveyIndicator:
    indicator, _ = SurveyIndicator.objects.get_or_create(
        code="unsafe_evening",
        defaults={
            "name_sv": "Otrygg ute sent på kvällen",
            "name_en": "Unsafe outdoors late in the evening",
            "unit": "percent",
            "direction": "lower",
        },
    )
    return indicator


def survey_for(scene, values: dict[int, tuple[float, int]]) -> None:
    indicator = unsafe_indicator()
    for year, (value, n) in values.items():
        SurveyResult.objects.create(
            scene=scene, year=year, indicator=indicator, value=value, respondents=n
        )


def youth_for(scene, counts: dict[tuple[int, int, str], int]) -> None:
    for (year, quarter, kind), n in counts.items():
        YouthSignal.objects.create(scene=scene, year=year, quarter=quarter, indicator=kind, count=n)
