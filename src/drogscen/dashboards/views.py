"""The county picture: goal dashboard for the county, per municipality and per local
police area, with a drill-down from every figure to the scenes it counts; and the
public statistics page (no sign-in) with its JSON twin."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from drogscen.core import access
from drogscen.geo.models import LocalPoliceArea, Municipality
from drogscen.mappings.compliance import mapping_compliance
from drogscen.mappings.models import Mapping
from drogscen.reports import charts, public
from drogscen.reports.builder import (
    latest_reported_year,
    report_build,
    report_years,
    series_by_area,
)
from drogscen.scenes.selectors import scene_list


def _year(request, years: list[int]) -> int | None:
    if not years:
        return None
    try:
        # By default the latest year whose round is over; partial years on request.
        year = int(request.GET.get("year") or latest_reported_year() or years[-1])
    except ValueError:
        raise Http404 from None
    if year not in years:
        raise Http404
    return year


def _context(request, years, year):
    report = report_build(year=year, fetched_by=request.user)
    names = dict(Municipality.objects.values_list("code", "name"))
    slugs = dict(LocalPoliceArea.objects.values_list("name", "slug"))
    return {
        "years": years,
        "year": year,
        "report": report,
        "municipality_rows": [
            {"code": code, "name": names[code], "count": n}
            for code, n in sorted(
                report["municipalities"]["by_code"].items(), key=lambda item: names[item[0]]
            )
        ],
        "area_rows": [
            {"name": name, "slug": slugs.get(name), "count": n}
            for name, n in sorted(report["local_police_areas"]["by_name"].items())
        ],
        "series_rows": sorted(report["goal"]["series"].items()),
        "county_wide": access.principal_for(request.user).county_wide(),
        # The same chart definition as the PDF report's (reports/charts.py).
        "charts": {"goal": charts.goal_chart_cached(report)},
    }


@require_GET
def home(request):
    years = report_years()
    year = _year(request, years)
    if year is None:
        return render(request, "dashboards/home.html", {"years": []})
    context = _context(request, years, year)
    from drogscen.evaluations.dashboard import dashboard_context

    context.update(dashboard_context(user=request.user, year=year, report=context["report"]))
    if access.can(request.user, access.VIEW, Mapping):  # partners see no mapping states
        _, context["compliance"] = mapping_compliance(year=year, fetched_by=request.user)
    return render(request, "dashboards/home.html", context)


def _area_page(request, *, title, kind, key, scenes, series, links, own: bool):
    # Per-area figures are for the areas of the user's own scenes, as in the report.
    principal = access.principal_for(request.user)
    if not (principal.county_wide() or own or scenes.exists()):
        raise Http404
    years = report_years()
    year = _year(request, years)
    context = _context(request, years, year) if year else {"years": []}
    context.update(
        {
            "title": title,
            "kind": kind,
            "area_series": sorted(series.items()),
            "area_count": series.get(year, 0) if year else 0,
            "scenes": scenes.order_by("ref"),
            "links": links,
            # The area's scenes the user may see (the map's data is scoped like the list).
            "map_url": reverse("scenes:map_data") + "?" + urlencode(links),
        }
    )
    return render(request, "dashboards/area.html", context)


@require_GET
def municipality(request, code: str):
    place = get_object_or_404(Municipality, code=code)
    return _area_page(
        request,
        title=place.name,
        kind="municipality",
        key=code,
        scenes=scene_list(fetched_by=request.user).filter(municipality=place),
        series=series_by_area()["municipalities"].get(code, {}),
        links={"municipality": code},
        own=place.pk in access.principal_for(request.user).municipality_ids(),
    )


@require_GET
def police_area(request, slug: str):
    area = get_object_or_404(LocalPoliceArea, slug=slug)
    return _area_page(
        request,
        title=f"LPO {area.name}",
        kind="local_police_area",
        key=area.name,
        scenes=scene_list(fetched_by=request.user).filter(local_police_area=area),
        series=series_by_area()["local_police_areas"].get(area.name, {}),
        links={"local_police_area": slug},
        own=area.pk in access.principal_for(request.user).local_police_area_ids(),
    )


@login_not_required
@require_GET
def public_statistics(request):
    return render(request, "dashboards/public.html", {"stats": public.public_statistics()})


@login_not_required
@require_GET
@cache_control(public=True, max_age=900)
def public_statistics_json(request):
    response = JsonResponse(public.public_statistics(), json_dumps_params={"ensure_ascii": False})
    # The county's website fetches the figures from its own pages.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
def health(request):
    return JsonResponse({"status": "ok"})
