from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel


class Organisation(AuditedModel):
    """An actor in the county's work. Its kind decides what its members may see
    (docs/domain-rules.md#access)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        POLICE_AREA = "police_area", _("local police area")
        POLICE_REGION = "police_region", _("police region")
        REGION = "region", _("Region Stockholm")
        PRISON_PROBATION = "prison_probation", _("prison and probation service")
        CUSTOMS = "customs", _("customs")
        COUNTY_BOARD = "county_board", _("county administrative board")
        COORDINATION = "coordination", _("coordination office")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    municipality = models.OneToOneField(
        "geo.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation",
    )
    local_police_area = models.OneToOneField(
        "geo.LocalPoliceArea",
        verbose_name=_("local police area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="municipality") | models.Q(municipality__isnull=False),
                name="organisation_municipality_has_municipality",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="police_area") | models.Q(local_police_area__isnull=False),
                name="organisation_police_area_has_area",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(AuditedModel):
    """A user's role in one organisation."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("viewer")
        EDITOR = "editor", _("editor")
        MANAGER = "manager", _("manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
