"""Mapping pages: list, the form rendered from the questionnaire, the detail with the
workflow (submit, co-sign, approve, return, correct) and the compliance overview. Reading
a mapping's answers is recorded in the audit trail."""

from __future__ import annotations

from contextlib import suppress

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drogscen.audit.recorder import record_read
from drogscen.core import access, numbers
from drogscen.core.filters import YearFilter
from drogscen.core.forms import errors_to_form
from drogscen.geo.models import LocalPoliceArea, Municipality
from drogscen.mappings import access as mapping_access
from drogscen.mappings import services
from drogscen.mappings.compliance import mapping_compliance
from drogscen.mappings.forms import AnswersForm, CorrectionForm, MappingMetaForm
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import mapping_get, mapping_list
from drogscen.questionnaires.definition import YES_NO_UNKNOWN_OPTIONS, relevant_questions
from drogscen.questionnaires.models import QuestionnaireVersion
from drogscen.questionnaires.services import questionnaire_for_year
from drogscen.scenes.models import Scene
from drogscen.scenes.selectors import scene_get


class MappingFilter(django_filters.FilterSet):
    year = YearFilter(label=gettext_lazy("Reference year"))
    local_police_area = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Local police area"),
        field_name="lead_local_police_area",
        queryset=LocalPoliceArea.objects.order_by("name"),
        to_field_name="slug",
    )
    municipality = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Municipality"),
        field_name="scene__municipality",
        queryset=Municipality.objects.defer("geometry").order_by("name"),
        to_field_name="code",
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Mapping.Status.choices
    )

    class Meta:
        model = Mapping
        fields = ["year", "local_police_area", "municipality", "status"]


@require_GET
def mapping_index(request):
    mappings = mapping_list(fetched_by=request.user)
    filterset = MappingFilter(request.GET or None, queryset=mappings)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else mappings
    page = Paginator(rows.order_by("-year", "scene__ref", "-revision"), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mappings/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def _initial_answers(scene) -> dict:
    prefill = services.near_transit_prefill(scene)
    return {"near_transit": prefill} if prefill else {}


def _notes(scene) -> dict[str, str]:
    """Beside the near-transit question: the station and distance its pre-filled answer
    comes from, so the user can confirm it."""
    if scene.nearest_station is None or scene.station_distance_m is None:
        return {}
    distance = numbers.number(scene.station_distance_m)
    return {
        "near_transit": " ".join(
            [
                _("Nearest station: %(station)s, %(distance)s m.")
                % {"station": scene.nearest_station.name, "distance": distance},
                _("Within %(limit)s m counts as near public transport.")
                % {"limit": services.NEAR_TRANSIT_M},
            ]
        )
    }


def _report_together(meta, form, questionnaire) -> None:
    """The form itself refused part of the post (a date it cannot read, a number that is
    not one): the services' checks of the rest are shown with it, so every problem is
    reported in one round."""
    problems: dict[str, list[str]] = {}
    if form.is_valid():
        answers = form.answers()
        problems.update(services.draft_problems(questionnaire=questionnaire, answers=answers))
    if meta.is_valid():
        problems.update(
            services.basic_problems(
                year=meta.cleaned_data["year"],
                mapped_on=meta.cleaned_data["mapped_on"],
                participants=list(meta.cleaned_data["participants"]),
            )
        )
    if problems:
        errors_to_form(ValidationError(problems), meta, form)


@require_http_methods(["GET", "POST"])
def mapping_create(request, ref: str):
    scene = scene_get(ref=ref, fetched_by=request.user, action=access.CHANGE)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if request.method == "POST":
        # The questions are those of the year the service will use: the posted one.
        with suppress(ValueError):
            year = int(request.POST.get("year") or year)
    questionnaire = questionnaire_for_year(year=year)
    if questionnaire is None:
        raise Http404
    meta = MappingMetaForm(
        request.POST or None,
        initial={
            "year": year,
            "mapped_on": timezone.localdate(),
            "participants": [f"kommun:{scene.municipality.code}"],
        },
    )
    form = AnswersForm(
        request.POST or None,
        definition=questionnaire.parsed(),
        initial=_initial_answers(scene),
        notes=_notes(scene),
    )
    if request.method == "POST" and not (meta.is_valid() and form.is_valid()):
        _report_together(meta, form, questionnaire)
    elif request.method == "POST":
        try:
            mapping = services.mapping_create(
                scene=scene,
                year=meta.cleaned_data["year"],
                mapped_on=meta.cleaned_data["mapped_on"],
                participants=list(meta.cleaned_data["participants"]),
                answers=form.answers(),
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, meta, form)
        else:
            messages.success(request, _("The mapping was saved as a draft."))
            return redirect("mappings:detail", pk=mapping.pk)
    return render(
        request, "mappings/form.html", {"scene": scene, "meta": meta, "form": form, "mapping": None}
    )


@require_http_methods(["GET", "POST"])
def mapping_edit(request, pk: int):
    mapping = mapping_get(pk=pk, fetched_by=request.user, action=access.CHANGE)
    if mapping.status != Mapping.Status.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("mappings:detail", pk=mapping.pk)
    record_read(mapping, what="answers")
    meta = MappingMetaForm(
        request.POST or None,
        initial={
            "year": mapping.year,
            "mapped_on": mapping.mapped_on,
            "version": mapping.version,
            "participants": [o.code for o in mapping.participants.all()],
        },
    )
    meta.fields["year"].disabled = True
    form = AnswersForm(
        request.POST or None,
        definition=mapping.questionnaire.parsed(),
        initial=mapping.answers,
        notes=_notes(mapping.scene),
    )
    if request.method == "POST" and not (meta.is_valid() and form.is_valid()):
        _report_together(meta, form, mapping.questionnaire)
    elif request.method == "POST":
        try:
            services.mapping_update(
                mapping=mapping,
                expected_version=meta.cleaned_data.get("version"),
                answers=form.answers(),
                mapped_on=meta.cleaned_data["mapped_on"],
                participants=list(meta.cleaned_data["participants"]),
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, meta, form)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("mappings:detail", pk=mapping.pk)
    return render(
        request,
        "mappings/form.html",
        {"scene": mapping.scene, "meta": meta, "form": form, "mapping": mapping},
    )


@require_POST
def mapping_questions(request):
    """For the form's script: which questions apply given the answers so far. Only the
    visibility changes in the page, so nothing the user is typing is replaced. An
    existing mapping's form names its own questionnaire version; a new one's the year,
    as the service will."""
    if version := request.POST.get("questionnaire"):
        questionnaire = access.get_or_404(
            QuestionnaireVersion.objects.filter(published_at__isnull=False),
            request.user,
            access.VIEW,
            version=version,
        )
    else:
        try:
            year = int(request.POST.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        questionnaire = questionnaire_for_year(year=year)
        if questionnaire is None:
            raise Http404
    definition = questionnaire.parsed()
    form = AnswersForm(request.POST, definition=definition)
    return JsonResponse({"relevant": relevant_questions(definition, form.current_answers())})


def readable_answers(mapping: Mapping) -> list[dict]:
    """Sections of question label → answer label in the user's language."""
    definition = mapping.questionnaire.parsed()
    language = get_language() or "sv"
    sections = []
    for section in definition.sections:
        rows = []
        for question in section.questions:
            if question.code not in mapping.answers:
                continue
            value = mapping.answers[question.code]
            options = {o.code: o.label.get(language) for o in question.options}
            if question.type == "yes_no_unknown":
                options = {o.code: o.label.get(language) for o in YES_NO_UNKNOWN_OPTIONS}
            if isinstance(value, list):
                shown = ", ".join(options.get(v, v) for v in value) or _("none")
            else:
                shown = options.get(value, value)
            rows.append({"question": question.label.get(language), "answer": shown})
        if rows:
            sections.append({"title": section.title.get(language), "rows": rows})
    return sections


@require_GET
def mapping_detail(request, pk: int):
    mapping = mapping_get(pk=pk, fetched_by=request.user)
    record_read(mapping, what="answers")
    user = request.user

    def allowed(action):
        return access.restrict(Mapping.objects.filter(pk=mapping.pk), user, action).exists()

    correction = getattr(mapping, "correction", None)
    # a participant of one revision need not be one of the other: link only what it reads
    related = [pk for pk in (mapping.corrects_id, getattr(correction, "pk", None)) if pk]
    readable = set(
        access.restrict(Mapping.objects.filter(pk__in=related), user, access.VIEW).values_list(
            "pk", flat=True
        )
        if related
        else ()
    )

    return render(
        request,
        "mappings/detail.html",
        {
            "mapping": mapping,
            "sections": readable_answers(mapping),
            "to_sign": services.municipalities_to_sign(mapping=mapping),
            "can": {
                "edit": mapping.status == "draft" and allowed(access.CHANGE),
                "submit": mapping.status == "draft" and allowed(mapping_access.SUBMIT),
                "cosign": mapping.status == "submitted" and allowed(mapping_access.COSIGN),
                "approve": mapping.status == "submitted" and allowed(mapping_access.APPROVE),
                "correct": mapping.status == "approved"
                and allowed(mapping_access.CORRECT)
                and not hasattr(mapping, "correction"),
            },
            "correction_form": CorrectionForm(),
            "correction": correction,
            "readable_revisions": readable,
            # A participating municipality of another municipality's scene reads the
            # mapping it co-signs, not the scene's page.
            "scene_visible": access.restrict(
                Scene.objects.filter(pk=mapping.scene_id), user, access.VIEW
            ).exists(),
        },
    )


def _workflow(action, service, success):
    @require_POST
    def view(request, pk: int):
        mapping = mapping_get(pk=pk, fetched_by=request.user, action=action)
        try:
            result = service(request, mapping)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("mappings:detail", pk=mapping.pk)
        messages.success(request, success())
        target = result if isinstance(result, Mapping) else mapping
        return redirect("mappings:detail", pk=target.pk)

    return view


mapping_submit = _workflow(
    mapping_access.SUBMIT,
    lambda request, m: services.mapping_submit(mapping=m, by=request.user),
    lambda: _("The mapping was submitted."),
)
mapping_cosign = _workflow(
    mapping_access.COSIGN,
    lambda request, m: services.mapping_cosign(mapping=m, by=request.user),
    lambda: _("The mapping was co-signed."),
)
mapping_approve = _workflow(
    mapping_access.APPROVE,
    lambda request, m: services.mapping_approve(mapping=m, by=request.user),
    lambda: _("The mapping was approved."),
)
mapping_return = _workflow(
    mapping_access.APPROVE,
    lambda request, m: services.mapping_return_to_draft(mapping=m, by=request.user),
    lambda: _("The mapping was returned to draft."),
)
mapping_correct = _workflow(
    mapping_access.CORRECT,
    lambda request, m: services.mapping_correct(
        mapping=m, reason=request.POST.get("correction_reason", ""), by=request.user
    ),
    lambda: _("A correction was started as a new revision."),
)


@require_GET
def compliance(request):
    if not access.can(request.user, access.VIEW, Mapping):
        raise Http404  # the state of each scene's mapping is mapping information
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        raise Http404 from None
    if not services.FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    areas, county = mapping_compliance(year=year, fetched_by=request.user)
    return render(
        request,
        "mappings/compliance.html",
        {
            "year": year,
            "areas": areas,
            "county": county,
            "years": range(timezone.localdate().year, 2022, -1),
            "deadline": services.mapping_deadline(year),
        },
    )
