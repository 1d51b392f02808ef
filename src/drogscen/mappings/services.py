"""The yearly mapping's workflow: draft (LPO editor) → submitted → co-signed by each
participating municipality → approved (LPO manager). After approval a correction is a
new revision with a reason; the earlier revision stays visible. The classification is
derived from the answers, never typed in."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.audit.context import current_actor
from drogscen.core import access
from drogscen.core.personal_data import find_personal_data
from drogscen.core.types import User
from drogscen.mappings import access as mapping_access
from drogscen.mappings.messages import problem_text
from drogscen.mappings.models import CRITERIA, CoSignature, Mapping, MappingSettings, Round
from drogscen.questionnaires.definition import validate_answers
from drogscen.questionnaires.services import questionnaire_for_year

FIRST_YEAR = 2015
NEAR_TRANSIT_M = 300  # a station this close counts as "near public transport"


def near_transit_prefill(scene) -> str | None:
    """The answer to `near_transit` suggested by the scene's nearest station."""
    if scene.station_distance_m is None:
        return None
    return "yes" if scene.station_distance_m <= NEAR_TRANSIT_M else "no"


def mapping_window(year: int) -> tuple[date, date]:
    """From 1 January of the year to (by default) 31 March of the next: follow-ups are
    done in the first months after the year."""
    settings = MappingSettings.current()
    return date(year, 1, 1), date(year + 1, settings.window_end_month, settings.window_end_day)


def mapping_deadline(year: int) -> date:
    settings = MappingSettings.current()
    return date(year + 1, settings.deadline_month, settings.deadline_day)


def known_organisation_codes() -> set[str]:
    return set(Organisation.objects.values_list("code", flat=True))


def answer_problems(
    *, mapping: Mapping, answers: dict[str, Any], complete: bool, codes: set[str] | None = None
) -> dict[str, list[str]]:
    """Problems per question code, in the user's language. Drafts may be incomplete."""
    problems = validate_answers(
        mapping.questionnaire.parsed(),
        answers,
        known_organisation_codes=codes if codes is not None else known_organisation_codes(),
    )
    result = {}
    for code, found in problems.items():
        texts = [problem_text(p) for p in found if complete or p.code != "required"]
        if texts:
            result[code] = texts
    return result


def basic_problems(
    *, year: int, mapped_on: date, participants: list[Organisation], correction_reason: str = ""
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    last_year = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last_year:
        problems["year"] = [
            _("The reference year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": last_year}
        ]
    else:
        start, end = mapping_window(year)
        if not start <= mapped_on <= end:
            problems["mapped_on"] = [
                _(
                    "The mapping date must lie in the mapping window for %(year)s: "
                    "%(start)s to %(end)s."
                )
                % {"year": year, "start": start, "end": end}
            ]
    if findings := find_personal_data(correction_reason or ""):
        problems["correction_reason"] = [problem_text(findings[0])]
    return problems


def round_problem(*, year: int) -> str | None:
    """Why the year takes no mapping writes: its round is closed or published (until the
    coordination office reopens it, `mappings/rounds.py::round_reopen`)."""
    status = Round.objects.filter(year=year).values_list("status", flat=True).first()
    if status == Round.Status.PUBLISHED:
        return _(
            "The round of %(year)s is published; ask the coordination office to reopen it."
        ) % {"year": year}
    if status == Round.Status.CLOSED:
        return _(
            "The round of %(year)s is closed for mapping; ask the coordination office to reopen it."
        ) % {"year": year}
    return None


def round_problems(*, year: int) -> dict[str, list[str]]:
    problem = round_problem(year=year)
    return {"year": [problem]} if problem else {}


def _require_open_round(year: int) -> None:
    _raise(round_problems(year=year))


def existing_problems(
    *, scene, year: int, mapped_on: date, own: tuple[int | None, ...] = ()
) -> dict[str, list[str]]:
    """A scene has at most one unfinished mapping of a year at a time, and no two of its
    mappings of a year share a date (`own`: the mapping itself and the one it corrects)."""
    current = (
        Mapping.objects.filter(scene=scene, year=year)
        .exclude(status=Mapping.Status.SUPERSEDED)
        .exclude(pk__in=[pk for pk in own if pk is not None])
    )
    problems: dict[str, list[str]] = {}
    if not own and current.exclude(status=Mapping.Status.APPROVED).exists():
        problems["year"] = [
            _("This scene already has an unfinished mapping for %(year)s.") % {"year": year}
        ]
    elif current.filter(mapped_on=mapped_on).exists():
        problems["mapped_on"] = [
            _(
                "This scene already has a mapping for %(year)s mapped on %(date)s; give this "
                "mapping its own date, or correct that one instead."
            )
            % {"year": year, "date": mapped_on.isoformat()}
        ]
    return problems


def _derive_classification(mapping: Mapping) -> None:
    criteria = set(mapping.answers.get("criteria") or [])
    mapping.is_open = criteria >= set(CRITERIA)
    mapping.main_substance = mapping.answers.get("main_substance") or ""


def _require(user, action: str, mapping: Mapping) -> None:
    if user is not None:
        access.ensure_in_scope(mapping, user, action)


def _raise(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)


def _merge(problems: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for field, texts in more.items():
        problems.setdefault(field, []).extend(texts)


def draft_problems(
    *, questionnaire, answers: dict[str, Any], codes: set[str] | None = None
) -> dict[str, list[str]]:
    """The answers' problems for a draft under a questionnaire version (the form uses it
    to report them together with its own date and year problems)."""
    return answer_problems(
        mapping=Mapping(questionnaire=questionnaire), answers=answers, complete=False, codes=codes
    )


@transaction.atomic
def mapping_create(
    *,
    scene,
    year: int,
    mapped_on: date,
    participants: list[Organisation],
    answers: dict[str, Any],
    lead_local_police_area=None,
    by: User | None = None,
) -> Mapping:
    """A draft mapping of a scene for a reference year, under the questionnaire version
    in force for that year. A scene may be mapped several times a year, on different
    dates (the latest approved one is the year's). Every problem (year, its round, date,
    existing mapping, answers) is reported at once, so the user corrects them in one
    go."""
    problems = basic_problems(year=year, mapped_on=mapped_on, participants=participants)
    questionnaire = questionnaire_for_year(year=year)
    if questionnaire is None:
        _merge(
            problems, {"year": [_("No questionnaire is published for %(year)s.") % {"year": year}]}
        )
    _merge(problems, round_problems(year=year))
    _merge(problems, existing_problems(scene=scene, year=year, mapped_on=mapped_on))
    if questionnaire is not None:
        _merge(problems, draft_problems(questionnaire=questionnaire, answers=answers))
    _raise(problems)
    mapping = Mapping(
        scene=scene,
        year=year,
        mapped_on=mapped_on,
        lead_local_police_area=lead_local_police_area or scene.local_police_area,
        questionnaire=questionnaire,
        answers=answers,
        created_by=by,
    )
    _derive_classification(mapping)
    mapping.save()
    mapping.participants.set(participants)
    _require(by, access.CHANGE, mapping)
    return mapping


def _locked(mapping: Mapping, expected_version: int | None) -> Mapping:
    current = Mapping.objects.select_for_update().get(pk=mapping.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            _(
                "The mapping was changed by someone else while you edited it (now version "
                "%(version)s). Nothing was saved; reload and try again."
            )
            % {"version": current.version}
        )
    return current


@transaction.atomic
def mapping_update(
    *,
    mapping: Mapping,
    expected_version: int | None,
    by: User | None = None,
    answers: dict[str, Any] | None = None,
    mapped_on: date | None = None,
    participants: list[Organisation] | None = None,
) -> Mapping:
    _require(by, access.CHANGE, mapping)
    current = _locked(mapping, expected_version)
    if current.status != Mapping.Status.DRAFT:
        raise ValidationError(_("Only a draft can be edited."))
    _require_open_round(current.year)
    if answers is not None:
        current.answers = answers
    if mapped_on is not None:
        current.mapped_on = mapped_on
    problems = basic_problems(
        year=current.year,
        mapped_on=current.mapped_on,
        participants=participants or [],
        correction_reason=current.correction_reason,
    )
    if mapped_on is not None:
        _merge(
            problems,
            existing_problems(
                scene=current.scene_id,
                year=current.year,
                mapped_on=current.mapped_on,
                own=(current.pk, current.corrects_id),
            ),
        )
    _merge(problems, answer_problems(mapping=current, answers=current.answers, complete=False))
    _raise(problems)
    _derive_classification(current)
    current.version += 1
    current.save()
    if participants is not None:
        current.participants.set(participants)
    return current


@transaction.atomic
def mapping_submit(
    *, mapping: Mapping, by: User | None = None, expected_version: int | None = None
) -> Mapping:
    _require(by, mapping_access.SUBMIT, mapping)
    current = _locked(mapping, expected_version)
    if current.status != Mapping.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    _require_open_round(current.year)
    _raise(answer_problems(mapping=current, answers=current.answers, complete=True))
    current.status = Mapping.Status.SUBMITTED
    current.submitted_by, current.submitted_at = by, timezone.now()
    current.version += 1
    current.save()
    return current


def municipalities_to_sign(*, mapping: Mapping) -> list[Organisation]:
    signed = set(mapping.cosignatures.values_list("organisation_id", flat=True))
    return [
        o
        for o in mapping.participants.filter(kind=Organisation.Kind.MUNICIPALITY)
        if o.pk not in signed
    ]


@transaction.atomic
def mapping_cosign(*, mapping: Mapping, by: User) -> CoSignature:
    """The signing user's participating municipality confirms the submitted mapping."""
    _require(by, mapping_access.COSIGN, mapping)
    current = _locked(mapping, None)
    if current.status != Mapping.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted mapping can be co-signed."))
    _require_open_round(current.year)
    own = mapping_access.cosigning_organisation_ids(by)
    waiting = [o for o in municipalities_to_sign(mapping=current) if o.pk in own]
    if not waiting:
        raise ValidationError(_("Your municipality has already co-signed this mapping."))
    signature = CoSignature.objects.create(
        mapping=current, organisation=waiting[0], signed_by=by, signed_at=timezone.now()
    )
    current.version += 1
    current.save(update_fields=["version"])
    return signature


@transaction.atomic
def mapping_approve(
    *, mapping: Mapping, by: User | None = None, expected_version: int | None = None
) -> Mapping:
    _require(by, mapping_access.APPROVE, mapping)
    current = _locked(mapping, expected_version)
    if current.status != Mapping.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted mapping can be approved."))
    _require_open_round(current.year)
    if missing := municipalities_to_sign(mapping=current):
        raise ValidationError(
            _("Waiting for co-signature by %(organisations)s.")
            % {"organisations": ", ".join(o.name for o in missing)}
        )
    _approve(current, by)
    return current


def _approve(mapping: Mapping, by) -> None:
    mapping.status = Mapping.Status.APPROVED
    mapping.approved_by, mapping.approved_at = by, timezone.now()
    mapping.version += 1
    mapping.save()
    if mapping.corrects_id:
        earlier = Mapping.objects.get(pk=mapping.corrects_id)
        earlier.status = Mapping.Status.SUPERSEDED
        earlier.save(update_fields=["status"])


@transaction.atomic
def mapping_return_to_draft(*, mapping: Mapping, by: User | None = None) -> Mapping:
    """A submitted mapping goes back to the LPO for changes; co-signatures lapse."""
    _require(by, mapping_access.APPROVE, mapping)
    current = _locked(mapping, None)
    if current.status != Mapping.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted mapping can be returned."))
    _require_open_round(current.year)
    current.cosignatures.all().delete()
    current.status = Mapping.Status.DRAFT
    current.version += 1
    current.save()
    return current


@transaction.atomic
def mapping_correct(*, mapping: Mapping, reason: str, by: User | None = None) -> Mapping:
    """Start a correction of an approved mapping: a new draft revision with a reason."""
    _require(by, mapping_access.CORRECT, mapping)
    current = _locked(mapping, None)
    if current.status != Mapping.Status.APPROVED:
        raise ValidationError(_("Only an approved mapping can be corrected."))
    _require_open_round(current.year)
    if hasattr(current, "correction"):
        raise ValidationError(_("A correction of this mapping is already under way."))
    if not reason.strip():
        raise ValidationError({"correction_reason": _("Give the reason for the correction.")})
    _raise(
        basic_problems(
            year=current.year,
            mapped_on=current.mapped_on,
            participants=[],
            correction_reason=reason,
        )
    )
    revision = Mapping.objects.create(
        scene=current.scene,
        year=current.year,
        mapped_on=current.mapped_on,
        lead_local_police_area=current.lead_local_police_area,
        questionnaire=current.questionnaire,
        answers=current.answers,
        is_open=current.is_open,
        main_substance=current.main_substance,
        revision=current.revision + 1,
        corrects=current,
        correction_reason=reason.strip(),
        created_by=by,
    )
    revision.participants.set(current.participants.all())
    return revision


@transaction.atomic
def mapping_record_approved(
    *,
    scene,
    year: int,
    mapped_on: date,
    participants: list[Organisation],
    answers: dict[str, Any],
    lead_local_police_area,
    source: str = "import",
) -> Mapping:
    """An earlier year's mapping from the old tool, recorded as approved (imports; the
    import checks the round and the dates per row first)."""
    _require_open_round(year)
    mapping = Mapping(
        scene=scene,
        year=year,
        mapped_on=mapped_on,
        lead_local_police_area=lead_local_police_area,
        questionnaire=questionnaire_for_year(year=year),
        answers=answers,
        source=source,
        status=Mapping.Status.APPROVED,
        approved_at=timezone.now(),
    )
    _derive_classification(mapping)
    mapping.save()
    mapping.participants.set(participants)
    return mapping


def acting_username() -> str:
    return current_actor().username
