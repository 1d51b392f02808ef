"""Evaluation pages (list, the "Utvärdera" form, one evaluation, a method's pooled
evidence) and the early-warning page with its candidate places. Reads through the scoped
selectors, writes through the services (the candidates' through early_warning.py)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drogscen.core import access
from drogscen.core.forms import errors_to_form
from drogscen.evaluations import charts, labels, selectors, services
from drogscen.evaluations import early_warning as candidate_services  # a view is early_warning
from drogscen.evaluations.access import evaluation_may_create, sees_early_warning
from drogscen.evaluations.forms import AnalysisForm, ConvertForm, DismissForm, EvaluationForm
from drogscen.evaluations.models import Candidate, Evaluation
from drogscen.interventions.models import Intervention, Method
from drogscen.scenes.models import Scene
from drogscen.scenes.selectors import scene_list


@require_GET
def evaluation_list(request):
    evaluations = selectors.evaluation_list(fetched_by=request.user)[:200]
    return render(
        request,
        "evaluations/list.html",
        {
            "evaluations": evaluations,
            "verdicts": labels.EVALUATION_VERDICT,
            "can_create": access.can(request.user, access.ADD, Evaluation),
        },
    )


def _intervention_for(request) -> Intervention | None:
    pk = request.GET.get("insats") or request.POST.get("insats")
    if not pk:
        return None
    try:
        return access.get_or_404(
            Intervention.objects.prefetch_related("methods"), request.user, pk=int(pk)
        )
    except ValueError:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def evaluation_create(request):
    if not access.can(request.user, access.ADD, Evaluation):
        raise Http404
    intervention = _intervention_for(request)
    if intervention is None:
        choices = (
            access.restrict(Intervention.objects.all(), request.user)
            .filter(scenes__isnull=False)
            .exclude(status=Intervention.Status.PLANNED)
            .distinct()
            .select_related("organisation")
            .order_by("-starts_on", "pk")[:200]
        )
        return render(request, "evaluations/choose.html", {"interventions": choices})
    scenes = scene_list(fetched_by=request.user).filter(interventions=intervention).order_by("ref")
    if not scenes.exists():
        raise Http404
    if not any(
        evaluation_may_create(request.user, scene=s, interventions=[intervention]) for s in scenes
    ):
        raise Http404
    at_scenes = (
        access.restrict(Intervention.objects.all(), request.user)
        .filter(scenes__in=scenes)
        .exclude(status=Intervention.Status.CANCELLED)
        .distinct()
        .order_by("starts_on", "pk")
    )
    initial = {"scene": scenes.first(), "interventions": [intervention]}
    initial.update(services.default_periods(intervention.starts_on) or {})
    form = EvaluationForm(
        request.POST or None, initial=initial, scenes=scenes, interventions=at_scenes
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                scene=data["scene"],
                interventions=data["interventions"],
                outcome=data["outcome"],
                before_start=data["before_start"],
                before_end=data["before_end"],
                after_start=data["after_start"],
                after_end=data["after_end"],
                buffer=data["buffer"],
                control_geometry=data["control_geometry"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, _("The evaluation was saved."))
            return redirect("evaluations:detail", pk=evaluation.pk)
    return render(
        request,
        "evaluations/form.html",
        {"form": form, "intervention": intervention, "data_months": _data_months()},
    )


def _data_months():
    months = services.data_months()
    return (services.month_label(months[0]), services.month_label(months[1])) if months else None


@require_GET
def evaluation_detail(request, pk: int):
    evaluation = selectors.evaluation_get(pk=pk, fetched_by=request.user)
    results = evaluation.results
    snapshot = evaluation.snapshot
    methods = sorted(
        {m for i in evaluation.interventions.all() for m in i.methods.all()}, key=lambda m: m.code
    )
    wdq = results.get("wdq")
    # Comparison scenes may lie in areas the reader does not see: those are not named.
    controls = list(evaluation.control_scenes.all())
    visible = set(
        access.restrict(
            Scene.objects.filter(pk__in=[s.pk for s in controls]), request.user
        ).values_list("pk", flat=True)
    )
    lower_is_better = evaluation.outcome not in services.HIGHER_IS_BETTER
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "results": results,
            "snapshot": snapshot,
            "outcome_label": selectors.outcome_label(evaluation.outcome),
            "verdict_text": labels.EVALUATION_VERDICT.get(results.get("verdict")),
            "wdq_text": labels.WDQ_TEXT.get(wdq["interpretation"])
            if wdq and lower_is_better
            else None,
            "lower_is_better": lower_is_better,
            "its_chart": charts.its_chart(evaluation),
            "methods": methods,
            "control_scenes": [s for s in controls if s.pk in visible],
            "hidden_controls": sum(1 for s in controls if s.pk not in visible),
            "rows": _count_rows(evaluation),
            "data_rows": _data_rows(snapshot),
        },
    )


def _data_rows(snapshot) -> list[tuple]:
    series = snapshot.get("series", {})
    labels_ = snapshot.get("labels", [])
    ring = series.get("buffer") or [None] * len(labels_)
    return list(
        zip(labels_, series.get("treated", []), ring, series.get("control", []), strict=False)
    )


def _count_rows(evaluation) -> list[dict]:
    counts = evaluation.results.get("counts", {})
    names = {
        "treated": _("The scene"),
        "buffer": _("Its ring"),
        "control": _("Comparison area"),
        "control_buffer": _("Ring of the comparison area"),
    }
    rows = []
    for key, name in names.items():
        if key in counts:
            before, after = counts[key]["before"], counts[key]["after"]
            change = round(100 * (after - before) / before) if before else None
            rows.append(
                {"key": key, "name": name, "before": before, "after": after, "change": change}
            )
    return rows


@require_GET
def method_detail(request, code: str):
    method = access.get_or_404(Method.objects.all(), request.user, code=code)
    evidence = selectors.method_evidence(method=method, fetched_by=request.user)
    return render(
        request,
        "evaluations/method.html",
        {
            "method": method,
            "evidence": evidence,
            "blocks": evidence_blocks(evidence),
        },
    )


def evidence_blocks(evidence) -> list[dict]:
    return [
        {
            "evidence": item,
            "label": selectors.outcome_label(item.outcome),
            "verdict_text": labels.METHOD_VERDICT[item.verdict],
            "heterogeneous_text": labels.HETEROGENEOUS if item.heterogeneous else None,
            "chart": charts.forest_plot(item, key=f"forest-{evidence.method.code}-{item.outcome}"),
        }
        for item in evidence.outcomes
    ]


# --------------------------------------------------------------------------- early warning


def _require_early_warning(user) -> None:
    if not sees_early_warning(user):
        raise Http404


def _period_choice(request) -> tuple[date, date, int] | None:
    periods = selectors.candidate_periods(fetched_by=request.user)
    wanted = request.GET.get("period")
    if wanted:
        try:
            start, end, cell = wanted.split("_")
            chosen = (date.fromisoformat(start), date.fromisoformat(end), int(cell))
        except ValueError:
            raise Http404 from None
        return chosen
    return periods[0] if periods else None


def _period_key(period) -> str:
    return f"{period[0].isoformat()}_{period[1].isoformat()}_{period[2]}"


@require_GET
def early_warning(request):
    _require_early_warning(request.user)
    period = _period_choice(request)
    candidates = []
    if period:
        candidates = list(
            selectors.candidate_list(fetched_by=request.user)
            .filter(period_start=period[0], period_end=period[1], cell_m=period[2])
            .order_by("status", "-events", "pk")
        )
    can_run = access.can(request.user, access.ADD, Candidate)
    changeable = set(
        access.restrict(Candidate.objects.all(), request.user, access.CHANGE)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    periods = [
        {"key": _period_key(p), "label": f"{p[0]:%Y-%m} – {p[1]:%Y-%m}, {p[2]} m"}
        for p in selectors.candidate_periods(fetched_by=request.user)
    ]
    return render(
        request,
        "evaluations/early_warning.html",
        {
            "period": period,
            "period_key": _period_key(period) if period else "",
            "periods": periods,
            "candidates": candidates,
            "changeable": changeable,
            "can_convert": access.can(request.user, access.ADD, Scene),
            "analysis_form": AnalysisForm(initial={"year": timezone.localdate().year - 1})
            if can_run
            else None,
            "trend": labels.CANDIDATE_TREND,
        },
    )


@require_GET
def early_warning_data(request):
    _require_early_warning(request.user)
    period = _period_choice(request)
    candidates = []
    if period:
        candidates = list(
            selectors.candidate_list(fetched_by=request.user).filter(
                period_start=period[0], period_end=period[1], cell_m=period[2]
            )
        )
    data = candidate_services.candidates_geojson(candidates)
    for feature, candidate in zip(data["features"], candidates, strict=True):
        # For the shared map script's popups.
        feature["properties"].update(
            {
                "ref": f"#{candidate.pk}",
                "name": _("Candidate place: %(n)s events") % {"n": candidate.events},
                "municipality": candidate.municipality.name if candidate.municipality else "",
                "url": reverse("evaluations:early_warning") + f"#candidate-{candidate.pk}",
                "status": "active" if candidate.status == Candidate.Status.OPEN else "closed",
            }
        )
    return JsonResponse(data)


@require_POST
def early_warning_run(request):
    _require_early_warning(request.user)
    if not access.can(request.user, access.ADD, Candidate):
        raise Http404
    form = AnalysisForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("evaluations:early_warning")
    data = form.cleaned_data
    start, end = candidate_services.period_of(
        year=None if data["rolling"] else data["year"],
        rolling_end=timezone.localdate() if data["rolling"] else None,
    )
    try:
        found = candidate_services.candidates_compute(
            period_start=start, period_end=end, cell_m=data["cell_m"], by=request.user
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("evaluations:early_warning")
    if access.is_county_wide(request.user):
        text, n = _("The analysis found %(n)s candidate places in the county."), len(found)
    else:  # other areas' candidates are not theirs to know of, not even how many
        text = _("The analysis found %(n)s candidate places in your areas.")
        n = (
            selectors.candidate_list(fetched_by=request.user)
            .filter(pk__in=[c.pk for c in found])
            .count()
        )
    messages.success(request, text % {"n": n})
    return redirect(
        reverse("evaluations:early_warning")
        + "?period="
        + _period_key((start, end, data["cell_m"]))
    )


def _candidate(request, pk: int) -> Candidate:
    _require_early_warning(request.user)
    candidate = access.get_or_404(
        selectors.candidate_list(fetched_by=request.user), request.user, pk=pk
    )
    access.get_or_404(Candidate.objects.all(), request.user, access.CHANGE, pk=pk)
    if candidate.status != Candidate.Status.OPEN:
        raise Http404
    return candidate


def _back(candidate: Candidate) -> str:
    return (
        reverse("evaluations:early_warning")
        + "?period="
        + _period_key((candidate.period_start, candidate.period_end, candidate.cell_m))
    )


@require_http_methods(["GET", "POST"])
def candidate_dismiss(request, pk: int):
    candidate = _candidate(request, pk)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_services.candidate_dismiss(
                candidate=candidate, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, _("The candidate was dismissed."))
            return redirect(_back(candidate))
    return render(
        request,
        "evaluations/candidate_form.html",
        {"candidate": candidate, "form": form, "action": "dismiss", "back": _back(candidate)},
    )


@require_http_methods(["GET", "POST"])
def candidate_convert(request, pk: int):
    candidate = _candidate(request, pk)
    areas = access.writable_areas(request.user, access.ADD).valid_on(timezone.localdate())
    if not areas.exists():
        raise Http404
    initial = {
        "local_police_area": candidate.local_police_area
        if candidate.local_police_area_id and areas.filter(pk=candidate.local_police_area_id)
        else areas.first(),
        "identified_on": timezone.localdate(),
        "name": _("New place near %(place)s")
        % {"place": candidate.municipality.name if candidate.municipality else "?"},
    }
    form = ConvertForm(request.POST or None, initial=initial, areas=areas.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scene = candidate_services.candidate_convert(
                candidate=candidate,
                ref=data["ref"],
                name=data["name"],
                local_police_area=data["local_police_area"],
                identified_on=data["identified_on"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(
                request,
                _("The scene %(scene)s was registered from the candidate; adjust its outline.")
                % {"scene": scene},
            )
            return redirect("scenes:edit", ref=scene.ref)
    return render(
        request,
        "evaluations/candidate_form.html",
        {"candidate": candidate, "form": form, "action": "convert", "back": _back(candidate)},
    )
