"""Scene pages: list, map, detail with history, lineage and area over time, and the
forms to register, edit, close, merge and split. Everything through the scoped
selectors and the services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drogscen.audit.recorder import record_read
from drogscen.core import access
from drogscen.core.forms import errors_to_form
from drogscen.interventions.models import Intervention
from drogscen.interventions.selectors import action_plan
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import scene_mapping_timeline
from drogscen.mappings.timeline import mapping_timeline
from drogscen.outcomes.selectors import scene_outcomes
from drogscen.scenes import selectors, services
from drogscen.scenes.derivation import (
    scene_geometry_problems,
    scene_place_derive,
    suggested_police_area,
)
from drogscen.scenes.filters import SceneFilter, drill_down_caption
from drogscen.scenes.forms import CloseForm, MergeForm, SceneForm, SplitForm
from drogscen.scenes.models import Scene

PAGE_SIZE = 25
HISTORY_ON_SCENE_PAGE = 50
HISTORY_PAGE_SIZE = 100


def _conflict(request, form, conflict: services.SceneConflict) -> None:
    form.add_error(None, [conflict.summary, *conflict.details])
    form.data = form.data.copy()
    form.data["version"] = conflict.scene.version


def _filtered(request, scenes):
    """The list page's filters over `scenes`. Any invalid value gives no rows: dropping
    just that filter (or all of them) would show scenes the user did not ask for."""
    filterset = SceneFilter(request.GET or None, queryset=scenes, request=request)
    if not filterset.is_bound:
        return filterset, scenes.order_by("ref")
    if not filterset.is_valid():
        return filterset, scenes.none()
    return filterset, filterset.qs


def _filter_errors(filterset) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in filterset.errors.items()}


@require_GET
def scene_list(request):
    filterset, rows = _filtered(request, selectors.scene_list(fetched_by=request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scenes/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_create": access.can(request.user, access.ADD, Scene),
            "caption": drill_down_caption(filterset),
        },
    )


@require_GET
def scene_map(request):
    filterset = SceneFilter(request.GET or None, queryset=Scene.objects.none(), request=request)
    return render(request, "scenes/map.html", {"filter": filterset})


def feature(scene: Scene) -> dict:
    return {
        "type": "Feature",
        "geometry": scene.geometry,
        "properties": {
            "ref": scene.ref,
            "name": scene.name,
            "status": "active" if scene.is_active else "closed",
            "municipality": scene.municipality.name,
            "local_police_area": scene.local_police_area.name,
            "url": f"/platser/{scene.ref}/",
        },
    }


@require_GET
def scene_map_data(request):
    """The scenes on the map: the same scoped selector and filters as the list."""
    filterset, rows = _filtered(
        request, selectors.scene_list(fetched_by=request.user, geometry=True)
    )
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse(
            {"type": "FeatureCollection", "features": [], "errors": _filter_errors(filterset)},
            status=400,
        )
    return JsonResponse({"type": "FeatureCollection", "features": [feature(s) for s in rows]})


def _history(request, scene: Scene) -> dict:
    """The latest entries of the scene's history, or with `?history=all` all of them,
    page by page (`history_page`)."""
    if request.GET.get("history") == "all":
        entries = selectors.scene_history_entries(scene=scene, fetched_by=request.user)
        page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("history_page"))
        page.object_list = selectors.scene_history_described(entries=page.object_list)
        return {"history": page.object_list, "history_page": page, "history_has_more": False}
    # One more than shown: whether to offer the full history.
    latest = selectors.scene_history(
        scene=scene, fetched_by=request.user, limit=HISTORY_ON_SCENE_PAGE + 1
    )
    return {
        "history": latest[:HISTORY_ON_SCENE_PAGE],
        "history_page": None,
        "history_has_more": len(latest) > HISTORY_ON_SCENE_PAGE,
    }


@require_GET
def scene_detail(request, ref: str):
    scene = selectors.scene_get(ref=ref, fetched_by=request.user)
    history = _history(request, scene)
    area_series = selectors.scene_area_series(scene=scene, fetched_by=request.user)
    # Mapping answers are police intelligence: partners see none, and reading is recorded.
    mappings = scene_mapping_timeline(scene=scene, fetched_by=request.user)
    for mapping in mappings:
        record_read(mapping, what="timeline")
    return render(
        request,
        "scenes/detail.html",
        {
            "scene": scene,
            "feature": feature(scene),
            **history,
            "lineage": selectors.scene_lineage(scene=scene, fetched_by=request.user),
            "area_series": area_series,
            "area_chart": {
                "labels": [str(v["valid_from"]) for v in area_series],
                "values": [round(v["area_m2"]) for v in area_series],
                "label": _("Area (m²)"),
            },
            "can_change": access.restrict(
                Scene.objects.filter(pk=scene.pk), request.user, access.CHANGE
            ).exists(),
            "timeline": mapping_timeline(mappings),
            "can_see_mappings": access.can(request.user, access.VIEW, Mapping),
            "can_map": access.can(request.user, access.ADD, Mapping)
            and scene.is_active
            and access.restrict(
                Scene.objects.filter(pk=scene.pk), request.user, access.CHANGE
            ).exists(),
            "this_year": timezone.localdate().year,
            # A scene may be mapped again within the year: the button says so.
            "mapped_this_year": any(m.year == timezone.localdate().year for m in mappings),
            "action_plan": action_plan(scene=scene, fetched_by=request.user),
            "can_record_intervention": access.can(request.user, access.ADD, Intervention),
            **scene_outcomes(scene=scene, fetched_by=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def scene_create(request):
    if not access.can(request.user, access.ADD, Scene):
        raise Http404
    form = SceneForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scene = services.scene_create(
                ref=data["ref"],
                name=data["name"],
                geometry=data["area"],
                local_police_area=data["local_police_area"],
                identified_on=data["identified_on"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, _("The scene %(scene)s was registered.") % {"scene": scene})
            return redirect("scenes:detail", ref=scene.ref)
    return render(request, "scenes/form.html", {"form": form, "scene": None})


@require_http_methods(["GET", "POST"])
def scene_edit(request, ref: str):
    scene = selectors.scene_get(ref=ref, fetched_by=request.user, action=access.CHANGE)
    initial = {
        "name": scene.name,
        "local_police_area": scene.local_police_area,
        "identified_on": scene.identified_on,
        "geometry": json.dumps(scene.geometry),
        "geometry_valid_from": timezone.localdate(),
        "version": scene.version,
    }
    form = SceneForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        scene=scene,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "name": data["name"],
            "local_police_area": data["local_police_area"],
            "identified_on": data["identified_on"],
        }
        if data["area"] is not None:
            changes["geometry"] = data["area"]
        try:
            scene = services.scene_update(
                scene=scene,
                expected_version=data.get("version"),
                by=request.user,
                geometry_valid_from=data.get("geometry_valid_from"),
                **changes,
            )
        except services.SceneConflict as conflict:
            _conflict(request, form, conflict)
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("scenes:detail", ref=scene.ref)
    return render(request, "scenes/form.html", {"form": form, "scene": scene})


def _action(request, ref, form_class, template, perform, initial=None):
    scene = selectors.scene_get(ref=ref, fetched_by=request.user, action=access.CHANGE)
    form = form_class(
        request.POST or None,
        request.FILES or None,
        initial={"version": scene.version, **(initial or {})},
    )
    if request.method == "POST" and form.is_valid():
        try:
            message = perform(scene, form.cleaned_data)
        except services.SceneConflict as conflict:
            _conflict(request, form, conflict)
        except ValidationError as error:
            errors_to_form(error, form)
        else:
            messages.success(request, message)
            return redirect("scenes:detail", ref=scene.ref)
    return render(request, template, {"form": form, "scene": scene})


@require_http_methods(["GET", "POST"])
def scene_close(request, ref: str):
    def perform(scene, data):
        services.scene_close(
            scene=scene,
            closed_on=data["closed_on"],
            reason=data["close_reason"],
            note=data["close_note"],
            expected_version=data["version"],
            by=request.user,
        )
        return _("The scene was closed.")

    return _action(
        request, ref, CloseForm, "scenes/close.html", perform, {"closed_on": timezone.localdate()}
    )


@require_http_methods(["GET", "POST"])
def scene_merge(request, ref: str):
    def perform(scene, data):
        try:
            into = selectors.scene_get(
                ref=data["into"].strip(), fetched_by=request.user, action=access.CHANGE
            )
        except Http404 as exc:
            raise ValidationError(
                {"into": _("No scene of yours has the reference %(ref)s.") % {"ref": data["into"]}}
            ) from exc
        services.scene_merge(
            scene=scene, into=into, on=data["on"], expected_version=data["version"], by=request.user
        )
        return _("The scene was merged into %(scene)s.") % {"scene": into}

    return _action(
        request, ref, MergeForm, "scenes/merge.html", perform, {"on": timezone.localdate()}
    )


@require_http_methods(["GET", "POST"])
def scene_split(request, ref: str):
    def perform(scene, data):
        (new_scene,) = services.scene_split(
            scene=scene,
            parts=[{"ref": data["ref"], "name": data["name"], "geometry": data["area"]}],
            on=data["on"],
            close_original=data["close_original"],
            expected_version=data["version"],
            by=request.user,
        )
        return _("%(scene)s was split off.") % {"scene": new_scene}

    return _action(
        request, ref, SplitForm, "scenes/split.html", perform, {"on": timezone.localdate()}
    )


@require_http_methods(["GET", "POST"])
def suggest_police_area(request):
    """For the form: the local police area covering a drawn area (by its coverage list).
    The form's script POSTs: an uploaded area can be too long for a URL."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        shape, problems = scene_geometry_problems(json.loads(data.get("geometry", "")))
    except json.JSONDecodeError:
        shape, problems = None, [_("The drawn area could not be read.")]
    if shape is None:
        return JsonResponse({"problems": problems}, status=400)
    today = timezone.localdate()
    place = scene_place_derive(shape, on=today)
    area = suggested_police_area(place, on=today)
    return JsonResponse(
        {
            "local_police_area": area.slug if area else None,
            "municipality": place.municipality_code,
            "district": place.district_name,
            "area_m2": round(place.area_m2),
        }
    )
