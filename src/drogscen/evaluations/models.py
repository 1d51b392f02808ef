"""Saved evaluations of interventions and the early-warning candidate places.

An evaluation keeps its parameters, the data it used (the snapshot) and its results, so
it can be cited later and reproduced: the statistics are computed once, at save time
(``services.evaluation_create``), from the snapshot alone (``services.results_compute``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel


class Evaluation(AuditedModel):
    class Buffer(models.TextChoices):
        BUFFER_200 = "buffer_200", _("ring 0–200 m")
        BUFFER_500 = "buffer_500", _("ring 200–500 m")

    class ControlKind(models.TextChoices):
        AUTOMATIC = "automatic", _("proposed comparison scenes")
        POLYGON = "polygon", _("area drawn by the user")

    scene = models.ForeignKey(
        "scenes.Scene",
        verbose_name=_("scene"),
        # Scenes are closed, never deleted; should a superuser delete one, its
        # evaluations go with it.
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    interventions = models.ManyToManyField(
        "interventions.Intervention", verbose_name=_("interventions"), related_name="evaluations"
    )
    # A crime category (violent, detected, drug) or "survey:<indicator code>".
    outcome = models.CharField(_("outcome"), max_length=64)
    before_start = models.DateField(_("before period starts"))
    before_end = models.DateField(_("before period ends"))
    after_start = models.DateField(_("after period starts"))
    after_end = models.DateField(_("after period ends"))
    buffer = models.CharField(
        _("ring"), max_length=10, choices=Buffer.choices, default=Buffer.BUFFER_200
    )
    control_kind = models.CharField(
        _("comparison area"), max_length=10, choices=ControlKind.choices
    )
    control_scenes = models.ManyToManyField(
        "scenes.Scene",
        verbose_name=_("comparison scenes"),
        blank=True,
        related_name="+",
    )
    control_geometry = models.JSONField(
        _("comparison area (GeoJSON, WGS84)"), null=True, blank=True
    )
    snapshot = models.JSONField(_("data used"), default=dict)
    results = models.JSONField(_("results"), default=dict)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("evaluated"), auto_now_add=True)

    audit_exclude = ("created_at",)
    audit_digest = ("snapshot", "results", "control_geometry")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(before_end__gte=models.F("before_start"))
                & models.Q(after_start__gt=models.F("before_end"))
                & models.Q(after_end__gte=models.F("after_start")),
                name="evaluation_periods_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scene.ref} {self.outcome} {self.after_start:%Y-%m}–{self.after_end:%Y-%m}"

    @property
    def outcome_label(self) -> str:
        # cycle: the selectors import the models
        from drogscen.evaluations.selectors import outcome_label

        return outcome_label(self.outcome)

    @property
    def verdict(self) -> str:
        return (self.results or {}).get("verdict", "")


class Candidate(AuditedModel):
    """A place where violent and drug crime cluster significantly (Gi*, FDR) outside every
    registered scene: for the local police area to review."""

    class Status(models.TextChoices):
        OPEN = "open", _("to be reviewed")
        DISMISSED = "dismissed", _("dismissed")
        CONVERTED = "converted", _("registered as a scene")

    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    cell_m = models.PositiveIntegerField(_("cell size (m)"))
    geometry = models.JSONField(_("cells (GeoJSON, WGS84)"))
    centre_x = models.FloatField(_("centre x (SWEREF 99 TM)"))
    centre_y = models.FloatField(_("centre y (SWEREF 99 TM)"))
    cells = models.PositiveIntegerField(_("cells"))
    events = models.PositiveIntegerField(_("events in the period"))
    previous_events = models.PositiveIntegerField(_("events in the period before"))
    violent = models.PositiveIntegerField(_("violent crime"), default=0)
    drug = models.PositiveIntegerField(_("drug offences"), default=0)
    max_z = models.FloatField(_("highest Gi* z-score"))
    municipality = models.ForeignKey(
        "geo.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    local_police_area = models.ForeignKey(
        "geo.LocalPoliceArea",
        verbose_name=_("local police area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    scene = models.ForeignKey(
        "scenes.Scene",
        verbose_name=_("scene"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    audit_exclude = ("created_at",)
    audit_digest = ("geometry",)

    class Meta:
        ordering = ["-period_end", "-events", "pk"]
        verbose_name = _("candidate place")
        verbose_name_plural = _("candidate places")
        indexes = [models.Index(fields=["period_start", "period_end", "cell_m", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.period_start:%Y-%m}–{self.period_end:%Y-%m}"

    @property
    def change(self) -> int:
        return self.events - self.previous_events
