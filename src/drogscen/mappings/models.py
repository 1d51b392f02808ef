"""The yearly mapping (kartläggning) of each scene by its local police area, jointly with
the municipality since 2023."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel

CRITERIA = ("persistent", "public_use", "public_sale", "perceived_problematic")


class MappingQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Mapping.Status.APPROVED)

    def current(self):
        """The revisions that count: not replaced by an approved correction."""
        return self.exclude(status=Mapping.Status.SUPERSEDED)

    def latest_approved(self):
        """The year's mapping of each scene: its latest approved mapping of the year by
        `mapped_on` (then the latest revision, then the id). A scene may be mapped
        several times a year; the earlier ones stay on its timeline
        (docs/domain-rules.md#open-scenes)."""
        later = Mapping.objects.filter(
            scene=models.OuterRef("scene"),
            year=models.OuterRef("year"),
            status=Mapping.Status.APPROVED,
        ).filter(
            models.Q(mapped_on__gt=models.OuterRef("mapped_on"))
            | models.Q(
                mapped_on=models.OuterRef("mapped_on"), revision__gt=models.OuterRef("revision")
            )
            | models.Q(
                mapped_on=models.OuterRef("mapped_on"),
                revision=models.OuterRef("revision"),
                pk__gt=models.OuterRef("pk"),
            )
        )
        return self.approved().exclude(models.Exists(later))


class Mapping(AuditedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("replaced by a correction")

    scene = models.ForeignKey(
        "scenes.Scene",
        verbose_name=_("scene"),
        on_delete=models.PROTECT,
        related_name="mappings",
    )
    # The reference year: the 2023 mapping was dated November, its follow-up February
    # 2024, so the date alone does not tell the year.
    year = models.PositiveSmallIntegerField(_("reference year"))
    mapped_on = models.DateField(_("mapped on"))
    lead_local_police_area = models.ForeignKey(
        "geo.LocalPoliceArea",
        verbose_name=_("lead local police area"),
        on_delete=models.PROTECT,
        related_name="mappings",
    )
    participants = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="mappings",
    )
    questionnaire = models.ForeignKey(
        "questionnaires.QuestionnaireVersion",
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="mappings",
    )
    answers = models.JSONField(_("answers"), default=dict)
    # Derived from the answers, never typed in: open iff all four criteria hold.
    is_open = models.BooleanField(_("open drug scene"), default=False)
    main_substance = models.CharField(_("main substance"), max_length=32, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    source = models.CharField(_("source"), max_length=16, default="form")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = MappingQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "scene__ref", "-revision"]
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        constraints = [
            # A scene may be mapped several times a year, on different dates: two
            # mappings of one scene, year and date are a conflict (the service names it;
            # this is the backstop). A correction is a later revision of its mapping.
            models.UniqueConstraint(
                fields=["scene", "year", "mapped_on", "revision"],
                condition=~models.Q(status="superseded"),
                name="mapping_scene_year_date_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status"]),
            models.Index(fields=["scene", "year"], name="mapping_scene_year"),
        ]

    def __str__(self) -> str:
        return f"{self.scene.ref} {self.year} (rev. {self.revision})"

    @property
    def criteria(self) -> list[str]:
        return list(self.answers.get("criteria") or [])

    @property
    def symptoms(self) -> list[str]:
        return list(self.answers.get("symptoms") or [])


class CoSignature(AuditedModel):
    """A participating municipality confirms the mapping (its editor or manager)."""

    mapping = models.ForeignKey(
        Mapping, verbose_name=_("mapping"), on_delete=models.CASCADE, related_name="cosignatures"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [
            models.UniqueConstraint(fields=["mapping", "organisation"], name="cosignature_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mapping} – {self.organisation}"


MONTH = [MinValueValidator(1), MaxValueValidator(12)]
DAY = [MinValueValidator(1), MaxValueValidator(31)]


class MappingSettings(AuditedModel):
    """The coordination office's settings of the yearly round (one row)."""

    window_end_month = models.PositiveSmallIntegerField(
        _("mapping window ends, month of the following year"), default=3, validators=MONTH
    )
    window_end_day = models.PositiveSmallIntegerField(_("… day"), default=31, validators=DAY)
    deadline_month = models.PositiveSmallIntegerField(
        _("deadline for the approved mapping, month of the following year"),
        default=3,
        validators=MONTH,
    )
    deadline_day = models.PositiveSmallIntegerField(_("… day"), default=31, validators=DAY)

    class Meta:
        verbose_name = _("mapping settings")
        verbose_name_plural = _("mapping settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": top}),
                name=f"mappingsettings_{field}_range",
            )
            for field, top in [
                ("window_end_month", 12),
                ("window_end_day", 31),
                ("deadline_month", 12),
                ("deadline_day", 31),
            ]
        ]

    def __str__(self) -> str:
        return str(_("mapping settings"))

    def clean(self) -> None:
        """Each month and day must make a date in every year: 29 February does not (the
        window and the deadline fall in the year after the reference year, leap or not)."""
        problems = {}
        for month_field, day_field in [
            ("window_end_month", "window_end_day"),
            ("deadline_month", "deadline_day"),
        ]:
            month, day = getattr(self, month_field), getattr(self, day_field)
            if not (isinstance(month, int) and 1 <= month <= 12 and isinstance(day, int)):
                continue  # the field's own validators report it
            try:
                date(2023, month, day)  # not a leap year
            except ValueError:
                problems[day_field] = _(
                    "Month %(month)s has no day %(day)s (in a year that is not a leap year)."
                ) % {"month": month, "day": day}
        if problems:
            raise ValidationError(problems)

    @classmethod
    def current(cls) -> MappingSettings:
        return cls.objects.first() or cls()


class Round(AuditedModel):
    """The yearly round of mapping (kartläggningsomgång) of one reference year: open →
    closed for mapping → published by the coordination office; reopened (with a reason)
    it is open again, and publishing again makes the year's next edition
    (`reports/editions.py`). A year without a row is open."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed for mapping")
        PUBLISHED = "published", _("published")

    year = models.PositiveSmallIntegerField(_("reference year"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("round of mapping")
        verbose_name_plural = _("rounds of mapping")

    def __str__(self) -> str:
        return str(_("Round of mapping %(year)s") % {"year": self.year})
