"""Outcomes at the scenes (docs/domain-rules.md#indicators: CrimeEvent, CrimeCode,
SurveyResult, AggregatedCount, Indicator).

Violent crime is an *outcome* that should fall; detected crime (upptäcksbrott) is an
*activity* measure that should rise. They are separate categories and never one score.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel


class Category(models.TextChoices):
    VIOLENT = "violent", _("violent crime")
    DETECTED = "detected", _("detected crime")
    DRUG = "drug", _("drug offences")
    OTHER = "other", _("other crime")


# Integer ids of the categories for the counting arrays (outcomes/counting.py).
CATEGORY_IDS = {value: number for number, value in enumerate(Category.values)}


class Zone(models.TextChoices):
    INSIDE = "inside", _("inside the scene")
    BUFFER_200 = "buffer_200", _("ring 0–200 m")
    BUFFER_500 = "buffer_500", _("ring 200–500 m")


class Direction(models.TextChoices):
    LOWER_IS_BETTER = "lower", _("lower is better")
    HIGHER_IS_BETTER = "higher", _("higher is better")


# Which way each crime category should move (docs/domain-rules.md#crime-categories; the
# county's sub-goals).
CATEGORY_DIRECTION = {
    Category.VIOLENT: Direction.LOWER_IS_BETTER,
    Category.DETECTED: Direction.HIGHER_IS_BETTER,
    Category.DRUG: None,  # more drug offences may mean more policing or more dealing
    Category.OTHER: None,
}


class CrimeCode(AuditedModel):
    """A crime code of the police's data and the categories it counts in. Configured by
    the coordination office; the default is shipped in outcomes/data/crime_codes.json.
    A code not in this table counts as ``other``."""

    code = models.CharField(_("crime code"), max_length=16, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("crime code")
        verbose_name_plural = _("crime codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name_sv}"


class CrimeEvent(models.Model):
    """One geocoded crime event as handed over by the police. Millions of rows: not an
    AuditedModel; each import writes one audit entry with the file's checksum."""

    source = models.CharField(_("source"), max_length=64)
    event_id = models.CharField(_("event id"), max_length=64)
    occurred_at = models.DateTimeField(_("occurred at"))
    crime_code = models.CharField(_("crime code"), max_length=16)
    x = models.FloatField(_("x (SWEREF 99 TM)"))
    y = models.FloatField(_("y (SWEREF 99 TM)"))
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="event_unique_per_source")
        ]
        indexes = [
            models.Index(fields=["occurred_at"], name="event_occurred_at"),
            models.Index(fields=["x", "y"], name="event_xy"),
        ]
        verbose_name = _("crime event")
        verbose_name_plural = _("crime events")

    def __str__(self) -> str:
        return f"{self.source}:{self.event_id}"


class EventTile(models.Model):
    """The columnar copy of one source's crime events in one 2 km square
    (``outcomes.event_columns``): what indicator counting reads instead of a million
    rows. Written by ``outcomes.event_store`` in the transaction that writes the rows;
    ``drogscen recompute_indicators`` rebuilds it from the rows."""

    source = models.CharField(_("source"), max_length=64)
    tile_x = models.IntegerField()
    tile_y = models.IntegerField()
    rows = models.PositiveIntegerField(_("events"))
    codes = models.JSONField(default=list)
    years = models.JSONField(default=list)
    columns = models.BinaryField()
    identity = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "tile_x", "tile_y"], name="event_tile_unique")
        ]
        indexes = [models.Index(fields=["tile_x", "tile_y"], name="event_tile_xy")]
        verbose_name = _("event tile")
        verbose_name_plural = _("event tiles")

    def __str__(self) -> str:
        return f"{self.source} {self.tile_x},{self.tile_y} ({self.rows})"


class Indicator(models.Model):
    """Precomputed count per scene × zone × month × category. Rows with ``month`` 0 are
    whole-year figures from aggregated counts, used only for years without events
    (``from_events`` False). Written only by ``outcomes.services`` (recomputation)."""

    scene = models.ForeignKey("scenes.Scene", on_delete=models.CASCADE, related_name="indicators")
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # 0: the whole year (an aggregated count); 1–12: a calendar month.
    month = models.PositiveSmallIntegerField(_("month"), validators=[MaxValueValidator(12)])
    count = models.PositiveIntegerField(_("count"))
    from_events = models.BooleanField(_("counted from events"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scene", "zone", "category", "year", "month"],
                name="indicator_unique",
            )
        ]
        indexes = [models.Index(fields=["year", "category", "zone"], name="indicator_year")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.scene_id} {self.zone} {self.category} {self.year}-{self.month:02d}"


class AggregatedCount(AuditedModel):
    """A yearly total for a scene, zone and category where only totals exist."""

    scene = models.ForeignKey(
        "scenes.Scene", on_delete=models.CASCADE, related_name="aggregated_counts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scene", "year", "zone", "category"], name="aggregated_count_unique"
            )
        ]
        verbose_name = _("aggregated count")
        verbose_name_plural = _("aggregated counts")


class SurveyIndicator(AuditedModel):
    """What a safety survey measures, e.g. the share feeling unsafe outdoors late in the
    evening (a percentage, lower is better). Edited by the coordination office."""

    class Unit(models.TextChoices):
        PERCENT = "percent", _("per cent of respondents")
        SCALE = "scale", _("mean on a scale")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    min_value = models.FloatField(_("lowest possible value"), default=0)
    max_value = models.FloatField(_("highest possible value"), default=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("survey indicator")
        verbose_name_plural = _("survey indicators")

    def __str__(self) -> str:
        return self.code


class SurveyResult(AuditedModel):
    scene = models.ForeignKey(
        "scenes.Scene", on_delete=models.CASCADE, related_name="survey_results"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(SurveyIndicator, on_delete=models.PROTECT, related_name="results")
    value = models.FloatField(_("value"))
    respondents = models.PositiveIntegerField(_("respondents"), validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scene", "year", "indicator"], name="survey_result_unique"
            )
        ]
        ordering = ["scene", "indicator", "year"]
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")


class YouthSignal(AuditedModel):
    """Aggregated counts about young people at a scene per quarter — never individuals.
    Shown with counts below ``SUPPRESS_BELOW`` suppressed."""

    SUPPRESS_BELOW = 3

    class Kind(models.TextChoices):
        MINORS_ENCOUNTERED = "minors_encountered", _("minors encountered at the scene")
        CONCERN_REPORTS = "concern_reports", _("reports of concern to social services")
        REFERRED_TO_SUPPORT = "referred_to_support", _("young people referred to support")

    scene = models.ForeignKey(
        "scenes.Scene", on_delete=models.CASCADE, related_name="youth_signals"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    indicator = models.CharField(_("indicator"), max_length=24, choices=Kind.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scene", "year", "quarter", "indicator"], name="youth_signal_unique"
            )
        ]
        ordering = ["scene", "year", "quarter", "indicator"]
        verbose_name = _("youth signal")
        verbose_name_plural = _("youth signals")
