"""The county outcomes page: the sub-goals at the scenes, yearly, filterable by
municipality and local police area (breakdowns only for the user's own areas, county
totals for everyone signed in, as on the dashboards)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from drogscen.core import access
from drogscen.geo.models import LocalPoliceArea, Municipality
from drogscen.outcomes import selectors
from drogscen.outcomes.access import may_import_events, scenes_with_details


@require_GET
def county_outcomes(request):
    choices = selectors.outcome_filter_choices(fetched_by=request.user)
    code = request.GET.get("municipality") or ""
    slug = request.GET.get("lpo") or ""
    municipality = area = None
    if code:
        if code not in {c for c, _name in choices["municipalities"]}:
            raise Http404
        municipality = Municipality.objects.only("pk", "name", "code").get(code=code)
    if slug:
        if slug not in {s for s, _name in choices["local_police_areas"]}:
            raise Http404
        area = LocalPoliceArea.objects.only("pk", "name", "slug").get(slug=slug)
    scenes = selectors.counted_scenes(municipality=municipality, local_police_area=area)
    if municipality is not None or area is not None:
        # A breakdown covers only scenes the user sees: a municipality spans several local
        # police areas (and an area several municipalities), whose scenes are not theirs.
        scenes = scenes.filter(pk__in=scenes_with_details(request.user).values("pk"))
    context = selectors.county_outcomes(scenes=scenes)
    context.update(
        {
            "choices": choices,
            "municipality": municipality,
            "area": area,
            "county_wide": access.is_county_wide(request.user),
            "imports_events": may_import_events(request.user),
        }
    )
    return render(request, "outcomes/county.html", context)
