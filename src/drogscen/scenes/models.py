"""The scene registry: every mapping, intervention, indicator and report hangs off a scene."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel


class SceneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(closed_on__isnull=True)

    def with_places(self):
        # The municipality's boundary is large and never needed with a scene.
        return self.select_related(
            "municipality", "district", "local_police_area", "nearest_station"
        ).defer("municipality__geometry")


class Scene(AuditedModel):
    class CloseReason(models.TextChoices):
        NO_LONGER_SCENE = "no_longer_scene", _("no longer an open drug scene")
        MERGED = "merged", _("merged into another scene")
        SPLIT = "split", _("split into other scenes")
        REGISTERED_IN_ERROR = "registered_in_error", _("registered in error")
        OTHER = "other", _("other")

    ref = models.CharField(
        _("reference"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _("Use letters, digits, '.', '_' and '-' only, starting with a letter or digit."),
            )
        ],
        help_text=_("A stable identifier used by other systems, e.g. P-0180-07."),
    )
    name = models.CharField(_("name"), max_length=200)
    geometry = models.JSONField(_("area (GeoJSON, WGS84)"))
    local_police_area = models.ForeignKey(
        "geo.LocalPoliceArea",
        verbose_name=_("local police area"),
        on_delete=models.PROTECT,
        related_name="scenes",
    )
    identified_on = models.DateField(_("identified on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=32, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("note on closing"), blank=True)

    # Derived on every save from the geometry (see scenes/derivation.py).
    area_m2 = models.FloatField(_("area (m²)"))
    point_lon = models.FloatField(_("representative point, longitude"))
    point_lat = models.FloatField(_("representative point, latitude"))
    bbox_west = models.FloatField(_("bounding box west"))
    bbox_south = models.FloatField(_("bounding box south"))
    bbox_east = models.FloatField(_("bounding box east"))
    bbox_north = models.FloatField(_("bounding box north"))
    municipality = models.ForeignKey(
        "geo.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="scenes",
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district administration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenes",
    )
    nearest_station = models.ForeignKey(
        "geo.Station",
        verbose_name=_("nearest station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    station_distance_m = models.FloatField(_("distance to the station (m)"), null=True)

    # Optimistic locking: an edit names the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = SceneQuerySet.as_manager()
    audit_exclude = ("updated_at", "created_at")

    class Meta:
        ordering = ["ref"]
        verbose_name = _("scene")
        verbose_name_plural = _("scenes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("identified_on")),
                name="scene_closed_after_identified",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True, close_reason="")
                | models.Q(closed_on__isnull=False) & ~models.Q(close_reason=""),
                name="scene_closed_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "closed_on"]),
            models.Index(fields=["local_police_area", "closed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"

    @property
    def is_active(self) -> bool:
        return self.closed_on is None


class SceneGeometryVersion(models.Model):
    """The scene's area during one period: kept so area over time can be shown and
    indicators use the geometry valid when an event happened."""

    scene = models.ForeignKey(
        Scene, verbose_name=_("scene"), on_delete=models.CASCADE, related_name="geometry_versions"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    geometry = models.JSONField(_("area (GeoJSON, WGS84)"))
    area_m2 = models.FloatField(_("area (m²)"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["scene", "valid_from", "pk"]
        verbose_name = _("geometry version")
        verbose_name_plural = _("geometry versions")

    def __str__(self) -> str:
        return f"{self.scene.ref} {self.valid_from}–{self.valid_to or ''}"


class SceneLink(AuditedModel):
    """Lineage: scenes merge and split in real mappings."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("merged into")
        SPLIT = "split", _("split into")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    source = models.ForeignKey(
        Scene, verbose_name=_("earlier scene"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        Scene, verbose_name=_("later scene"), on_delete=models.CASCADE, related_name="links_in"
    )
    on = models.DateField(_("date"))

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        constraints = [
            models.UniqueConstraint(fields=["kind", "source", "target"], name="scene_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="scene_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.ref} {self.get_kind_display()} {self.target.ref}"
