"""The methods knowledge bank and the actors' interventions with measurable targets
(docs/domain-rules.md#interventions-and-collaboration)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.accounts.models import Organisation
from drogscen.core.models import AuditedModel
from drogscen.core.personal_data import find_personal_data
from drogscen.interventions.progress import Progress, progress_of
from drogscen.mappings.messages import problem_text


def personal_data_problems(instance: models.Model, fields: tuple[str, ...]) -> dict[str, str]:
    """The first piece of personal data found in each free-text field, in the user's
    language (docs/architecture.md#personal-data: no personal data in free text)."""
    problems = {}
    for name in fields:
        if findings := find_personal_data(getattr(instance, name) or ""):
            problems[name] = problem_text(findings[0])
    return problems


class Method(AuditedModel):
    """A way of working against open drug scenes, with what research says about it."""

    class Family(models.TextChoices):
        POLICE_ENFORCEMENT = "police_enforcement", _("police enforcement")
        POLICE_PRESENCE = "police_presence", _("police presence")
        SITUATIONAL_PREVENTION = "situational_prevention", _("situational prevention")
        SOCIAL_OUTREACH = "social_outreach", _("social outreach")
        HEALTH_HARM_REDUCTION = "health_harm_reduction", _("health and harm reduction")
        YOUTH_PREVENTION = "youth_prevention", _("prevention among young people")
        NORMAL_LIFE_ACTIVITIES = "normal_life_activities", _("normal-life activities")
        PROPERTY_OWNERS_BUSINESS = (
            "property_owners_business",
            _("property owners and businesses"),
        )
        CUSTOMS_BORDER = "customs_border", _("customs and border control")
        PROBATION_SUPERVISION = "probation_supervision", _("probation and supervision")
        COMMUNITY_COLLABORATION = "community_collaboration", _("community collaboration")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    family = models.CharField(_("family"), max_length=32, choices=Family.choices)
    actor_kinds = models.JSONField(
        _("typical actors"),
        default=list,
        blank=True,
        help_text=_("Kinds of organisation that usually carry out the method."),
    )
    description_sv = models.TextField(_("description (Swedish)"))
    description_en = models.TextField(_("description (English)"))
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("What the research says, with references by author, title and year."),
    )
    practical_notes = models.TextField(_("practical notes"), blank=True)

    class Meta:
        ordering = ["family", "code"]
        verbose_name = _("method")
        verbose_name_plural = _("methods")

    def __str__(self) -> str:
        return self.name_sv

    def clean(self) -> None:
        unknown = sorted(set(self.actor_kinds or []) - set(Organisation.Kind.values))
        if not isinstance(self.actor_kinds, list) or unknown:
            raise ValidationError(
                {
                    "actor_kinds": _("Unknown kinds of organisation: %(kinds)s.")
                    % {"kinds": ", ".join(map(str, unknown)) or "-"}
                }
            )


class Intervention(AuditedModel):
    """An actor's activity against one or more scenes or in a whole municipality."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        FINISHED = "finished", _("finished")
        CANCELLED = "cancelled", _("cancelled")

    class TargetGroup(models.TextChoices):
        YOUNG_PEOPLE = "young_people", _("young people")
        PEOPLE_WHO_USE_DRUGS = "people_who_use_drugs", _("people who use drugs")
        RESIDENTS = "residents", _("residents")
        BUSINESSES = "businesses", _("businesses")
        VISITORS = "visitors", _("visitors")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    methods = models.ManyToManyField(
        Method, verbose_name=_("methods"), related_name="interventions"
    )
    scenes = models.ManyToManyField(
        "scenes.Scene", verbose_name=_("scenes"), blank=True, related_name="interventions"
    )
    municipality = models.ForeignKey(
        "geo.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text=_("For work in a whole municipality rather than at named scenes."),
    )
    # The organisation's own stable code for the work: the key of the template workbook
    # (insert or update by organisation and ref). Given on creation when left empty.
    ref = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _("Use letters, digits, '.', '_' and '-' only, starting with a letter or digit."),
            )
        ],
        help_text=_("Your organisation's own code for the work, e.g. TRYGG-2025-1."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Leave empty while the work goes on.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    resources_hours = models.PositiveIntegerField(_("resources (hours)"), null=True, blank=True)
    resources_sek = models.PositiveIntegerField(_("resources (SEK)"), null=True, blank=True)

    # Optimistic locking: an edit names the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    audit_exclude = ("updated_at", "created_at")

    class Meta:
        ordering = ["-starts_on", "title", "pk"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="intervention_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["organisation", "ref"],
                condition=~models.Q(ref=""),
                name="intervention_ref_unique_per_organisation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            problems["ends_on"] = _("The end date cannot be before the start date.")
        groups = self.target_groups
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            problems["target_groups"] = _("Give the target groups as a list of codes.")
        elif unknown := sorted(set(groups) - set(self.TargetGroup.values)):
            problems["target_groups"] = _("Unknown target groups: %(groups)s.") % {
                "groups": ", ".join(unknown)
            }
        elif len(set(groups)) != len(groups):
            problems["target_groups"] = _("Name each target group once.")
        problems.update(personal_data_problems(self, ("title", "description")))
        if problems:
            raise ValidationError(problems)


class Target(AuditedModel):
    """A measurable target of an intervention, e.g. "weekend operation on at least 40 of
    52 weekends": unit "helger" (weekends), planned 40, for one year."""

    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    description = models.TextField(_("description"))
    unit = models.CharField(
        _("unit"), max_length=100, help_text=_("What is counted, e.g. weekends or safety walks.")
    )
    # Whole units: the targets in the collaboration agreements count occasions.
    planned_quantity = models.PositiveIntegerField(
        _("planned quantity"), validators=[MinValueValidator(1)]
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        ordering = ["intervention", "period_start", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="target_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_quantity__gt=0), name="target_planned_positive"
            ),
            models.CheckConstraint(condition=~models.Q(unit=""), name="target_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.planned_quantity} {self.unit}"

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if not (self.unit or "").strip():
            problems["unit"] = _("Say what is counted, e.g. weekends or safety walks.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            problems["period_end"] = _("The period cannot end before it starts.")
        problems.update(personal_data_problems(self, ("description",)))
        if problems:
            raise ValidationError(problems)

    @property
    def progress(self) -> Progress:
        """Done against planned from the reported periods (prefetch `progress_reports`
        for lists)."""
        return progress_of(
            self.planned_quantity, (r.actual_quantity for r in self.progress_reports.all())
        )


class TargetProgress(AuditedModel):
    """What was done towards a target during one month or quarter."""

    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    period = models.DateField(
        _("period"), help_text=_("The first day of the month or quarter reported on.")
    )
    actual_quantity = models.PositiveIntegerField(_("actual quantity"))
    reported_at = models.DateTimeField(_("reported"), auto_now=True)

    audit_exclude = ("reported_at",)

    class Meta:
        ordering = ["target", "period"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="target_progress_unique"),
            models.CheckConstraint(
                condition=models.Q(actual_quantity__gte=0), name="target_progress_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}: {self.actual_quantity}"

    def clean(self) -> None:
        if self.period is None:
            return
        if self.period.day != 1:
            raise ValidationError(
                {"period": _("Give the first day of the month or quarter reported on.")}
            )
        target = self.target if self.target_id else None
        if target and not (target.period_start.replace(day=1) <= self.period <= target.period_end):
            raise ValidationError(
                {
                    "period": _(
                        "The period must lie within the target's period, %(start)s to %(end)s."
                    )
                    % {"start": target.period_start, "end": target.period_end}
                }
            )
