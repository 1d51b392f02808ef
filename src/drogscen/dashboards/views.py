"""The county picture: goal dashboard for the county, per municipality and per local
police area, with a drill-down from every figure to the scenes it counts; and the
public statistics page (no sign-in) with its JSON twin."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from drogscen.core import access
from drogscen.evaluations.dashboard import dashboard_context
from drogscen.geo.models import LocalPoliceArea, Municipality
from drogscen.mappings.compliance import AreaCompliance, mapping_compliance
from drogscen.mappings.models import Mapping
from drogscen.mappings.rounds import round_completeness, round_get
from drogscen.reports import charts, public
from drogscen.reports.builder import (
    LOCAL_POLICE_AREA,
    MUNICIPALITY,
    STOCKHOLM,
    area_figures,
    area_on_track,
    latest_reported_year,
    report_years,
)
from drogscen.reports.editions import latest_editions, published_goal, report_for_year
from drogscen.reports.labels import edition_date
from drogscen.reports.models import Edition
from drogscen.scenes.selectors import scene_list


def _year(request, years: list[int], published: dict[int, Edition]) -> int | None:
    if not years:
        return None
    # By default the latest published year (then, before any is, the latest year whose
    # round is over); a preliminary year on request.
    default = max(published) if published else (latest_reported_year() or years[-1])
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        raise Http404 from None
    if year not in years:
        raise Http404
    return year


SCENE_LIST = "scenes:list"
DRILL_DOWNS = {
    "open": "open_in",
    "new": "new_in",
    "removed": "removed_in",
    "unmapped": "unmapped_in",
}


def _url(name: str, query: dict, *, args=(), fragment: str = "") -> str:
    return reverse(name, args=args) + "?" + urlencode(query) + (f"#{fragment}" if fragment else "")


def _scene_links(year: int, **filters) -> dict[str, str]:
    """The scene list filtered to the scenes each figure counts (scenes/filters.py)."""
    return {
        figure: _url(SCENE_LIST, {param: year, **filters}) for figure, param in DRILL_DOWNS.items()
    }


def _police_area_links(year: int, slug: str) -> dict[str, str]:
    """An area's open, new and removed scenes are those whose mapping it led, which the
    scene list cannot filter by (its local police area is the scene's current one): the
    area page lists them itself. The scenes without a mapping are the area's current ones."""
    links = {
        figure: _url(
            "dashboards:police_area", {"year": year, "list": figure}, args=[slug], fragment="scenes"
        )
        for figure in ("open", "new", "removed")
    }
    links["unmapped"] = _url(SCENE_LIST, {"unmapped_in": year, "local_police_area": slug})
    return links


def _series_rows(series: dict[str, int], link) -> list[tuple[str, int, str]]:
    return [(y, n, link(int(y))) for y, n in sorted(series.items())]


def _status(report: dict, edition: Edition | None) -> dict:
    """Whether the figures shown are published (edition N of date), built now for the
    user's scenes of a published year, or preliminary: said on every page with figures."""
    if edition is None:
        return {"kind": "preliminary", "year": report["year"]}
    shown = edition.report["edition"]
    return {
        "kind": "published" if report.get("status") == "published" else "rebuilt",
        "year": report["year"],
        "number": shown["number"],
        "date": edition_date(shown),
    }


def _context(request, years, year, published: dict[int, Edition]):
    edition = published.get(year)
    # The edition for those who see the county's breakdowns; else built now, preliminary.
    report = report_for_year(year=year, fetched_by=request.user)
    names = dict(Municipality.objects.values_list("code", "name"))
    slugs = dict(LocalPoliceArea.objects.values_list("name", "slug"))
    return {
        "years": years,
        "published_years": sorted(published),
        "year": year,
        "report": report,
        "status": _status(report, edition),
        "slugs": slugs,
        "municipality_rows": [
            {
                "code": code,
                "name": names[code],
                "count": n,
                "url": _url(SCENE_LIST, {"open_in": year, "municipality": code}),
            }
            for code, n in sorted(
                report["municipalities"]["by_code"].items(), key=lambda item: names[item[0]]
            )
        ],
        "area_rows": [
            {
                "name": name,
                "slug": slugs.get(name),
                "count": n,
                "url": _police_area_links(year, slugs[name])["open"] if name in slugs else "",
            }
            for name, n in sorted(report["local_police_areas"]["by_name"].items())
        ],
        "county_wide": report["scope"] == "county",
    }


def _compliance(request, year: int, *, kind: str | None = None, key=None, scene_ids=None):
    """The yearly round's state for the county or one area, as far as the user may read
    mappings (partners see no mapping states): None for those who may not."""
    if not access.can(request.user, access.VIEW, Mapping):
        return None
    areas, county = mapping_compliance(year=year, fetched_by=request.user)
    if kind is None:
        return county
    if kind == LOCAL_POLICE_AREA:  # the follow-up is per the scene's current area
        return next((a for a in areas if a.name == key), AreaCompliance(key))
    return AreaCompliance(key, [s for s in county.scenes if s.scene.pk in scene_ids])


def _rounds_in_progress(request, published: dict[int, Edition]) -> list[dict]:
    """The rounds after the latest published year, up to this year's: how far each has
    come (scenes expected, begun, approved; mappings/rounds.py::round_completeness),
    never their count of open scenes. None for those who may not read mappings."""
    if not access.can(request.user, access.VIEW, Mapping):
        return []
    this_year = timezone.localdate().year
    years = report_years()
    first = max(published) + 1 if published else (years[0] if years else this_year)
    rounds = []
    for year in range(max(first, this_year - 2), this_year + 1):
        if year in published:
            continue
        progress = round_completeness(year=year, fetched_by=request.user)
        if not progress.expected and year not in years:
            continue
        rounds.append(
            {
                "year": year,
                "status": round_get(year=year).get_status_display(),
                "progress": progress,
                "pending": progress.begun - progress.approved,
                "url": _url("mappings:compliance", {"year": year}),
            }
        )
    return rounds


def _goal(report: dict, published: dict[int, Edition]) -> dict:
    """The report with its goal from the published years only (reports/editions.py::
    published_goal): the goal card, its chart and the outlook read this."""
    return {**report, "goal": published_goal(up_to=report["year"], editions=published)}


@require_GET
def home(request):
    years = report_years()
    published = latest_editions()
    year = _year(request, years, published)
    if year is None:
        return render(request, "dashboards/home.html", {"years": []})
    context = _context(request, years, year, published)
    report = _goal(context["report"], published)
    context.update(
        {
            "links": {
                **_scene_links(year),
                "all_open": _url(SCENE_LIST, {"open_in": year}),
                "by_area": _url(SCENE_LIST, {"open_in": year, "ordering": "local_police_area"}),
                "stockholm": _url(SCENE_LIST, {"open_in": year, "municipality": STOCKHOLM}),
                "by_size": _url(SCENE_LIST, {"open_in": year, "ordering": "-area"}),
                "mappings": _url("mappings:list", {"year": year, "status": "approved"}),
            },
            "compliance_url": _url("mappings:compliance", {"year": year}),
            "series_rows": _series_rows(
                report["goal"]["series"], lambda y: _url(SCENE_LIST, {"open_in": y})
            ),
            # The same chart definition as the PDF report's (reports/charts.py).
            "goal_chart": charts.goal_chart_cached(report),
            "compliance": _compliance(request, year),
            "report": report,
            "rounds_in_progress": _rounds_in_progress(request, published),
        }
    )
    context.update(dashboard_context(user=request.user, year=year, report=report))
    return render(request, "dashboards/home.html", context)


LISTS = ("open", "new", "removed", "unmapped")


def _area_page(request, *, title, kind, key, slug, scenes, own: bool):
    """A municipality's or local police area's page: the county page's figures, goal
    signal and yearly-round follow-up for the area (reports.builder.area_figures, the
    same rules as the county's), its scenes listed and on a map."""
    # Per-area figures are for the areas of the user's own scenes, as in the report.
    visible = scene_list(fetched_by=request.user)
    if not (access.is_county_wide(request.user) or own or scenes.exists()):
        raise Http404
    years = report_years()
    published = latest_editions()
    year = _year(request, years, published)
    filters = {"municipality": key} if kind == MUNICIPALITY else {"local_police_area": slug}
    context = {
        "years": [],
        "title": title,
        "kind": kind,
        "links": filters,
        # The area's scenes the user may see (the map's data is scoped like the list).
        "map_url": reverse("scenes:map_data") + "?" + urlencode(filters),
        "scenes": scenes.order_by("ref"),
    }
    if year:
        context.update(_context(request, years, year, published))
        area = area_figures(year=year, kind=kind, key=key, fetched_by=request.user)
        area["goal"] = _area_goal(area, published, county=context["report"]["scope"] == "county")
        if context["status"]["kind"] != "preliminary":
            # No edition stores an area's own figures: they are built now.
            context["status"] = {**context["status"], "kind": "area"}
        if kind == MUNICIPALITY:
            figure_links = _scene_links(year, municipality=key)

            def year_link(y):
                return _url(SCENE_LIST, {"open_in": y, "municipality": key})
        else:
            figure_links = _police_area_links(year, slug)

            def year_link(y):
                return _url(
                    "dashboards:police_area",
                    {"year": y, "list": "open"},
                    args=[slug],
                    fragment="scenes",
                )

        shown = request.GET.get("list")
        if shown in LISTS:
            # Which scenes are open is mapping information: partners get no list.
            ids = area["scene_ids"][shown] if access.can(request.user, access.VIEW, Mapping) else []
            context["scenes"] = visible.filter(pk__in=ids).order_by("ref")
            context["shown"] = shown
        own_ids = None
        if kind == MUNICIPALITY:
            own_ids = set(scenes.values_list("pk", flat=True))
        context.update(
            {
                "area": area,
                "area_count": area["scenes"]["count"],
                "figure_links": figure_links,
                "series_rows": _series_rows(area["goal"]["series"], year_link),
                "goal_chart": charts.goal_chart_cached(area) if area["goal"]["series"] else "",
                "compliance": _compliance(request, year, kind=kind, key=key, scene_ids=own_ids),
                "compliance_url": _url("mappings:compliance", {"year": year}),
            }
        )
    return render(request, "dashboards/area.html", context)


def _area_goal(area: dict, published: dict[int, Edition], *, county: bool) -> dict:
    """The area's goal from the published years only. Who sees the county's breakdowns
    gets each year's figure as its edition published it; others their own scenes' count
    now (the breakdowns are theirs only), for the published years alone."""
    year, key = area["year"], area["key"]
    years = [y for y in sorted(published) if y <= year]
    if county:
        section, by = (
            ("municipalities", "by_code")
            if area["kind"] == MUNICIPALITY
            else ("local_police_areas", "by_name")
        )
        series = {y: published[y].report[section][by].get(key, 0) for y in years}
    else:
        live = {int(y): n for y, n in area["goal"]["series"].items()}
        series = {y: live[y] for y in years if y in live}
    while series and not series[min(series)]:  # from the area's first year with a scene
        del series[min(series)]
    return {
        **area["goal"],
        "series": {str(y): n for y, n in series.items()},
        "on_track": area_on_track(series),
        "published_only": True,
        "left_out": [y for y in report_years() if y <= year and y not in published],
    }


@require_GET
def municipality(request, code: str):
    place = get_object_or_404(Municipality.objects.defer("geometry"), code=code)
    return _area_page(
        request,
        title=place.name,
        kind=MUNICIPALITY,
        key=code,
        slug=None,
        scenes=scene_list(fetched_by=request.user).filter(municipality=place),
        own=place.pk in access.member_municipality_ids(request.user),
    )


@require_GET
def police_area(request, slug: str):
    area = get_object_or_404(LocalPoliceArea, slug=slug)
    return _area_page(
        request,
        title=f"LPO {area.name}",
        kind=LOCAL_POLICE_AREA,
        key=area.name,
        slug=slug,
        scenes=scene_list(fetched_by=request.user).filter(local_police_area=area),
        own=area.pk in access.member_area_ids(request.user),
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
