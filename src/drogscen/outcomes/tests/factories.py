"""Test data for outcomes (factory-boy factories and the helpers built on them), shared by
the outcome pages, API and report and by the apps above: crime codes and events,
indicators written directly (the counting has its own tests), survey results and youth
signals. A factory module, not a test module: any test may import it."""

from __future__ import annotations

from datetime import UTC, datetime

import factory
from factory.django import DjangoModelFactory

from drogscen.outcomes.models import (
    CrimeCode,
    CrimeEvent,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
)


class CrimeCodeFactory(DjangoModelFactory):
    """A crime code; an existing code is reused (get_or_create on `code`)."""

    class Meta:
        model = CrimeCode
        django_get_or_create = ("code",)

    code = "V1"
    name_sv = "Våld"
    categories = factory.LazyFunction(lambda: ["violent"])


class CrimeEventFactory(DjangoModelFactory):
    """One police event at a SWEREF 99 TM point (build it and bulk_create many)."""

    class Meta:
        model = CrimeEvent

    source = "t"
    event_id = factory.Sequence(lambda n: f"e-{n}")
    occurred_at = datetime(2024, 1, 5, tzinfo=UTC)
    crime_code = "V1"
    x = 0.0
    y = 0.0


class IndicatorFactory(DjangoModelFactory):
    """One month's count for a scene, zone and category."""

    class Meta:
        model = Indicator

    zone = "inside"
    category = "violent"
    year = 2024
    month = 6
    count = 1


class SurveyIndicatorFactory(DjangoModelFactory):
    """A survey indicator; an existing code is reused (get_or_create on `code`)."""

    class Meta:
        model = SurveyIndicator
        django_get_or_create = ("code",)

    code = "unsafe_evening"
    name_sv = "Otrygg ute sent på kvällen"
    name_en = "Unsafe outdoors late in the evening"
    unit = "percent"
    direction = "lower"


class SurveyResultFactory(DjangoModelFactory):
    class Meta:
        model = SurveyResult

    year = 2024
    indicator = factory.SubFactory(SurveyIndicatorFactory)
    value = 40.0
    respondents = 200


class YouthSignalFactory(DjangoModelFactory):
    class Meta:
        model = YouthSignal

    year = 2024
    quarter = 1
    count = 1


def indicators_for(scene, figures: dict[tuple[str, str, int], int], month: int = 6) -> None:
    """figures: {(category, zone, year): count}, stored as one month each."""
    Indicator.objects.bulk_create(
        [
            IndicatorFactory.build(scene=scene, category=c, zone=z, year=y, month=month, count=n)
            for (c, z, y), n in figures.items()
        ]
    )


def unsafe_indicator() -> SurveyIndicator:
    return SurveyIndicatorFactory()


def survey_for(scene, values: dict[int, tuple[float, int]]) -> None:
    indicator = unsafe_indicator()
    for year, (value, n) in values.items():
        SurveyResultFactory(scene=scene, year=year, indicator=indicator, value=value, respondents=n)


def youth_for(scene, counts: dict[tuple[int, int, str], int]) -> None:
    for (year, quarter, kind), n in counts.items():
        YouthSignalFactory(scene=scene, year=year, quarter=quarter, indicator=kind, count=n)
