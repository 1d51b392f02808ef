"""The report's charts, drawn by matplotlib and returned as SVG markup to put inline in
an HTML page: the same chart on a web page, in the HTML report and in the PDF.

* No pyplot: each chart is its own `Figure`, so nothing is shared between requests.
* Deterministic output (fixed `svg.hashsalt`, no date or creator metadata), so the same
  report gives the same bytes.
* Fit for a page with a strict Content-Security-Policy (`style-src 'self'`): matplotlib's
  inline `style` attributes and `<style>` element are turned into SVG presentation
  attributes, which a CSP does not block.
* Fit for several charts on one page: every `id` (and reference to it) is prefixed with
  `chart-<key>-`.
* Accessible: the SVG is `role="img"` with a `<title>`; the page shows the chart's title
  and its figures as a table next to it (see `labels.py` for the rows).

The map is drawn from the municipalities' boundaries projected to SWEREF 99 TM, shaded by
the number of open scenes: never the scenes' own locations.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.utils.translation import gettext as _
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator
from shapely.geometry import Point, box
from shapely.ops import polylabel

from drogscen.core import geo
from drogscen.core.charts import (  # the shared style and SVG handling
    ACCENT,
    INK,
    LINE,
    MUTED,
    TARGET,
    _drawing,
    _figure,
    _plain_axes,
    _svg,
)
from drogscen.geo.models import Municipality
from drogscen.reports import labels
from drogscen.reports.builder import STOCKHOLM

# ColorBrewer "Blues" (colour-blind safe, prints in grey); 0 is a neutral light grey.
MAP_CLASSES: tuple[tuple[int, int | None, str], ...] = (
    (0, 0, "#eceff3"),
    (1, 2, "#c6dbef"),
    (3, 4, "#6baed6"),
    (5, 9, "#2171b5"),
    (10, None, "#08306b"),
)
MAP_HIDDEN = "#ffffff"
MAP_SIMPLIFY_M = 25.0  # far below what the printed map can show; keeps the SVG small
INNER_MARGIN_M = 2_500.0  # around the City of Stockholm in the enlargement
INNER_LABEL_SHARE = 0.02  # of the enlargement: big enough to carry its name
INNER_POINTER_SHARE = 0.002  # smaller: a label beside it with a pointer


def goal_chart(report: dict[str, Any]) -> str:
    """The open scenes per year from the first year with data to the report year, the
    illustrative target path (settings.TARGET_END_SHARE) to the goal year, and the goal
    year marked."""
    title = labels.goal_title(report)
    rows = labels.goal_rows(report)
    goal_year = report["goal"]["target_year"]
    with _drawing():
        figure = _figure(3.0)
        ax = figure.add_subplot()
        _plain_axes(ax)
        actual = [(r.year, r.scenes) for r in rows if r.scenes is not None]
        path = [(r.year, r.target) for r in rows if r.target is not None]
        if path:
            ax.plot(
                [y for y, _v in path],
                [v for _y, v in path],
                color=TARGET,
                linestyle=(0, (5, 3)),
                linewidth=1.5,
                label=_("Target path: halved by %(year)s (illustrative)") % {"year": goal_year},
            )
        if actual:
            ax.plot(
                [y for y, _v in actual],
                [v for _y, v in actual],
                color=ACCENT,
                marker="o",
                linewidth=2.2,
                label=_("Open drug scenes (approved mappings)"),
            )
            for year, value in actual:
                ax.annotate(
                    labels.number(value),
                    (year, value),
                    textcoords="offset points",
                    xytext=(0, -13),
                    ha="center",
                    color=ACCENT,
                    fontweight="bold",
                )
        ax.axvline(goal_year, color=MUTED, linewidth=0.8, linestyle=":")
        top = max([v for _y, v in actual] + [v for _y, v in path] + [1])
        ax.text(
            goal_year,
            top * 1.12,
            _("Goal year %(year)s") % {"year": goal_year},
            ha="right",
            va="top",
            color=MUTED,
            fontsize=8,
        )
        years = [r.year for r in rows] or [report["year"], goal_year]
        ax.set_xlim(min(years) - 0.3, max(years) + 0.3)
        ax.set_ylim(0, top * 1.18)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(_("Open drug scenes"))
        ax.grid(axis="y", color=LINE, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.legend(loc="lower left")
        return _svg(figure, key="goal", title=title)


def _bar_chart(rows: list[tuple[str, int]], *, key: str, title: str, xlabel: str) -> str:
    """Horizontal bars, largest on top, each with its number."""
    with _drawing():
        lines = sum(name.count("\n") + 1 for name, _n in rows)
        figure = _figure(0.6 + 0.14 * max(len(rows), 1) + 0.15 * max(lines, 1))
        ax = figure.add_subplot()
        _plain_axes(ax)
        names = [name for name, _n in rows][::-1]
        values = [n for _name, n in rows][::-1]
        bars = ax.barh(range(len(rows)), values, color=ACCENT, height=0.65)
        ax.set_yticks(range(len(rows)), names)
        ax.tick_params(axis="y", length=0)
        ax.bar_label(bars, labels=[labels.number(v) for v in values], padding=3, fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(values + [1]) * 1.12)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color=LINE, linewidth=0.5)
        ax.set_axisbelow(True)
        if not rows:
            ax.set_yticks([])
            ax.text(
                0.5,
                0.5,
                _("No open drug scenes"),
                ha="center",
                va="center",
                transform=ax.transAxes,
                color=MUTED,
            )
        return _svg(figure, key=key, title=title)


def municipality_chart(report: dict[str, Any]) -> str:
    """Open scenes per municipality (those with scenes, by name), most first."""
    rows = [r for r in labels.municipality_rows(report) if r.scenes]
    rows.sort(key=lambda r: (-r.scenes, r.name))
    return _bar_chart(
        [(r.name, r.scenes) for r in rows],
        key="municipalities",
        title=labels.municipality_title(report),
        xlabel=_("Open drug scenes"),
    )


def substance_chart(report: dict[str, Any]) -> str:
    """Main substance of the open scenes, labels from the year's questionnaire."""
    rows = labels.substance_rows(report)
    return _bar_chart(
        [(labels.wrapped(r.label), r.scenes) for r in rows],
        key="substances",
        title=labels.substance_title(report),
        xlabel=_("Open drug scenes"),
    )


def symptom_chart(report: dict[str, Any]) -> str:
    """How many open scenes show each symptom, labels from the year's questionnaire."""
    rows = labels.symptom_rows(report)
    return _bar_chart(
        [(labels.wrapped(r.label, 44), r.scenes) for r in rows],
        key="symptoms",
        title=labels.symptom_title(report),
        xlabel=_("Open drug scenes showing the symptom"),
    )


def _map_class(count: int | None) -> str:
    if count is None:
        return MAP_HIDDEN
    for low, high, colour in MAP_CLASSES:
        if count >= low and (high is None or count <= high):
            return colour
    return MAP_CLASSES[-1][2]


def _class_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s or more") % {"low": low}
    if low == high:
        return labels.number(low)
    return f"{low}–{high}"


def _polygon_path(geometry) -> MplPath:
    """A matplotlib path of a (multi)polygon with its holes."""
    vertices, codes = [], []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            coords = shapely.get_coordinates(ring)
            if len(coords) < 3:
                continue
            vertices.extend(coords.tolist())
            codes.extend(
                [MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY]
            )
    return MplPath(vertices, codes)


def _municipality_shapes() -> list[tuple[str, str, object]]:
    """(code, name, geometry in SWEREF 99 TM), generalised boundaries first so the
    detailed boundaries of the inner municipalities are drawn on top."""
    detailed = Municipality.BoundarySource.OSM
    rows = Municipality.objects.values_list("code", "name", "boundary_source", "geometry")
    shapes = [
        (code, name, source == detailed, geo.to_sweref(geo.from_geojson(geojson)))
        for code, name, source, geojson in rows
    ]
    shapes.sort(key=lambda s: (s[2], s[0]))
    return [
        (code, name, shapely.simplify(shape, MAP_SIMPLIFY_M)) for code, name, _d, shape in shapes
    ]


def _polygonal(shape):
    """The polygons of a clipped shape (a clip can leave lines or points on its edge)."""
    if shape.geom_type in {"Polygon", "MultiPolygon"}:
        return shape
    parts = [g for g in getattr(shape, "geoms", []) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _label_point(shape) -> tuple[float, float]:
    """Where a municipality's number goes: the pole of inaccessibility of its largest
    part (inside, and as far from the boundary as possible)."""
    parts = getattr(shape, "geoms", [shape])
    largest = max(parts, key=lambda part: part.area)
    point = polylabel(largest, tolerance=50.0)
    return point.x, point.y


def _draw_municipalities(ax, shapes, counts) -> None:
    for code, _name, shape in shapes:
        hidden = counts.get(code) is None
        ax.add_patch(
            PathPatch(
                _polygon_path(shape),
                facecolor=_map_class(counts.get(code)),
                edgecolor="#9aa5b1" if hidden else "#ffffff",
                linewidth=0.6,
                hatch="///" if hidden else None,
            )
        )
    ax.set_axis_off()
    ax.set_aspect("equal")


def _count_label(ax, x: float, y: float, text: str, count: int, *, size: float = 7.5) -> None:
    dark = _map_class(count) in {MAP_CLASSES[3][2], MAP_CLASSES[4][2]}
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=size,
        fontweight="bold",
        color="#ffffff" if dark else INK,
        linespacing=1.1,
    )


def _county_frame(ax, shapes) -> None:
    """The county map's limits around all municipalities and a 10 km scale bar."""
    west, south, east, north = shapely.union_all([s for _c, _n, s in shapes]).bounds
    pad = (east - west) * 0.02
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(south - pad, north + pad)
    # A 10 km scale bar in the lower right corner (the map is in metres).
    x0, y0 = east - 12_000, south + 2_000
    ax.plot([x0, x0 + 10_000], [y0, y0], color=INK, linewidth=2)
    ax.text(x0 + 5_000, y0 + 1_200, _("10 km"), ha="center", va="bottom", fontsize=7)


def _inner_county(inner, county, shapes, counts: dict[str, int]):
    """The inner county (the City of Stockholm and around) enlarged, and its frame drawn
    on both maps. Returns the frame and the municipalities clipped to it."""
    stockholm = [s for c, _n, s in shapes if c == STOCKHOLM]
    x0, y0, x1, y1 = (stockholm[0] if stockholm else shapes[0][2]).bounds
    frame = box(x0, y0, x1, y1).buffer(INNER_MARGIN_M, join_style="mitre")
    clipped = [
        (code, name, _polygonal(shape.intersection(frame)))
        for code, name, shape in shapes
        if shape.intersects(frame)
    ]
    clipped = [(code, name, shape) for code, name, shape in clipped if not shape.is_empty]
    _draw_municipalities(inner, clipped, counts)
    fx0, fy0, fx1, fy1 = frame.bounds
    inner.set_xlim(fx0, fx1)
    inner.set_ylim(fy0, fy1)
    inner.set_title(_("Inner county, enlarged"), fontsize=8, loc="left", color=MUTED)
    for ax, edge in ((inner, LINE), (county, INK)):
        ax.add_patch(
            Rectangle((fx0, fy0), fx1 - fx0, fy1 - fy0, fill=False, edgecolor=edge, lw=0.8)
        )
    return frame, clipped


def _inner_labels(inner, clipped, counts: dict[str, int], frame) -> None:
    """Numbers and names in the enlargement where a label has room: on a municipality with
    a good part of it inside, else beside it with a pointer, where it is farthest from the
    other labels and still inside the enlargement."""
    placed, small = [], []
    for code, name, shape in clipped:
        count = counts.get(code)
        if not count or shape.area < INNER_POINTER_SHARE * frame.area:
            continue
        x, y = _label_point(shape)
        text = f"{name}\n{labels.number(count)}"
        if shape.area > INNER_LABEL_SHARE * frame.area:
            _count_label(inner, x, y, text, count, size=7)
            placed.append((x, y))
        else:
            small.append((x, y, text))
    fx0, _fy0, fx1, _fy1 = frame.bounds
    reach = 0.18 * (fx1 - fx0)
    inside = frame.buffer(-0.12 * (fx1 - fx0))
    for x, y, text in small:
        candidates = [
            (x + reach * dx, y + reach * dy)
            for dx, dy in ((-0.7, 0.7), (0.7, 0.7), (0, 1), (1, 0), (-1, 0), (0.7, -0.7))
        ]
        candidates = [c for c in candidates if inside.contains(Point(c))] or candidates
        tx, ty = max(
            candidates,
            key=lambda c: min(
                [((c[0] - px) ** 2 + (c[1] - py) ** 2) ** 0.5 for px, py in placed] + [float("inf")]
            ),
        )
        placed.append((tx, ty))
        inner.annotate(
            text,
            (x, y),
            xytext=(tx, ty),
            textcoords="data",
            ha="center",
            va="center",
            fontsize=7,
            fontweight="bold",
            color=INK,
            linespacing=1.1,
            bbox={"boxstyle": "round,pad=0.2", "fc": "#ffffff", "ec": LINE, "lw": 0.5},
            arrowprops={"arrowstyle": "-", "color": INK, "lw": 0.6},
        )


def _map_legend(ax, report: dict[str, Any]) -> None:
    handles = [
        Patch(facecolor=colour, edgecolor=LINE, label=_class_label(low, high))
        for low, high, colour in MAP_CLASSES
    ]
    if labels.is_restricted(report):
        handles.append(
            Patch(facecolor=MAP_HIDDEN, edgecolor="#9aa5b1", hatch="///", label=_("Not shown"))
        )
    ax.legend(
        handles=handles,
        title=_("Open drug scenes"),
        loc="upper left",
        fontsize=8,
        title_fontsize=8,
        alignment="left",
    )


def county_map(report: dict[str, Any]) -> str:
    """The county's municipalities shaded by their number of open scenes (classes in
    MAP_CLASSES), the number written on each municipality with scenes, and the inner
    county around the City of Stockholm enlarged with the municipalities' names."""
    title = labels.map_title(report)
    counts = {r.code: r.scenes for r in labels.municipality_rows(report)}
    shapes = _municipality_shapes()
    with _drawing():
        figure = _figure(6.2)
        grid = figure.add_gridspec(2, 2, width_ratios=[3.7, 2.9], height_ratios=[2.8, 3.4])
        county = figure.add_subplot(grid[:, 0])
        inner = figure.add_subplot(grid[0, 1])
        legend = figure.add_subplot(grid[1, 1])
        legend.set_axis_off()
        _draw_municipalities(county, shapes, counts)
        if shapes:
            _county_frame(county, shapes)
            frame, clipped = _inner_county(inner, county, shapes, counts)
            _inner_labels(inner, clipped, counts, frame)
            # On the county map, the number of a municipality whose label point lies
            # outside the enlargement.
            for code, _name, shape in shapes:
                count = counts.get(code)
                x, y = _label_point(shape)
                if count and not frame.contains(Point(x, y)):
                    _count_label(county, x, y, labels.number(count), count)
        _map_legend(legend, report)
        return _svg(figure, key="map", title=title)


def goal_chart_cached(report: dict[str, Any]) -> str:
    """The goal chart for pages: drawn once per series and language, then from the cache
    (drawing takes a tenth of a second; the dashboard answers in less than that)."""
    import hashlib
    import json

    from django.core.cache import cache
    from django.utils.translation import get_language

    key = (
        "drogscen:goal-chart:"
        + hashlib.sha256(
            json.dumps([report["goal"], report["year"], get_language()], sort_keys=True).encode()
        ).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        svg = goal_chart(report)
        cache.set(key, svg, timeout=24 * 3600)
    return svg
