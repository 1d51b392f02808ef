"""Reference geography. Districts and local police areas change over time, so each
carries its validity dates and predecessors, and every report uses the set valid in the
year it reports."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Municipality(AuditedModel):
    class BoundarySource(models.TextChoices):
        SCB = "scb_generalised", _("SCB, generalised")
        OSM = "osm_detailed", _("OpenStreetMap, detailed")

    code = models.CharField(_("SCB code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"))
    boundary_source = models.CharField(
        _("boundary source"), max_length=32, choices=BoundarySource.choices
    )

    audit_digest = ("geometry",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class District(AuditedModel):
    """A district administration (stadsdelsförvaltning) of the City of Stockholm."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        related_name="successors",
        blank=True,
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("district administration")
        verbose_name_plural = _("district administrations")

    def __str__(self) -> str:
        return self.name


class DistrictBoundary(AuditedModel):
    """The area of a district during one period (the same district may be redrawn)."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="boundaries"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"))
    source = models.CharField(_("source"), max_length=200)

    objects = ValidityQuerySet.as_manager()
    audit_digest = ("geometry",)

    class Meta:
        ordering = ["district__name", "valid_from"]
        verbose_name = _("district boundary")
        verbose_name_plural = _("district boundaries")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "valid_from"], name="district_boundary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.valid_from}–{self.valid_to or ''}"


class LocalPoliceArea(AuditedModel):
    """A local police area (lokalpolisområde, LPO) of Polisregion Stockholm."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    police_district = models.CharField(_("police district"), max_length=50)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities covered"),
        blank=True,
        related_name="local_police_areas",
    )
    districts = models.ManyToManyField(
        District,
        verbose_name=_("Stockholm districts covered"),
        blank=True,
        related_name="local_police_areas",
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        related_name="successors",
        blank=True,
    )
    confidence = models.CharField(_("source confidence"), max_length=200, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("local police area")
        verbose_name_plural = _("local police areas")

    def __str__(self) -> str:
        return self.name


class Station(AuditedModel):
    class Kind(models.TextChoices):
        METRO = "tunnelbana", _("metro")
        TRAM = "sparvag", _("tram / light rail")
        LOCAL_RAIL = "lokalbana", _("local railway")
        COMMUTER_RAIL = "pendeltag", _("commuter rail")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    lines = models.CharField(_("lines"), max_length=100, blank=True)
    railway = models.CharField(_("railway"), max_length=100, blank=True)
    osm_id = models.CharField(
        _("OpenStreetMap id"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Empty for a station added by hand."),
    )
    longitude = models.FloatField(_("longitude"))
    latitude = models.FloatField(_("latitude"))

    class Meta:
        ordering = ["name", "kind"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
