"""Outcome charts for the scene page and the county outcomes page: matplotlib SVG drawn
with the report's chart conventions (reports/charts.py: no pyplot, deterministic,
CSP-safe, accessible), cached per data and language. Every chart has its figures in a
table next to it on the page."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.ticker import MaxNLocator

from drogscen.core import charts as base

ZONE_STYLE = {
    "inside": (base.ACCENT, "-", 2.2),
    "buffer_200": ("#b35806", (0, (5, 2)), 1.6),
    "buffer_500": (base.MUTED, (0, (1, 2)), 1.4),
}


def cached(key: str, data, draw: Callable[[], str]) -> str:
    digest = hashlib.sha256(
        json.dumps([key, data, get_language()], sort_keys=True, default=str).encode()
    ).hexdigest()
    cache_key = f"drogscen:outcome-chart:{digest}"
    svg = cache.get(cache_key)
    if svg is None:
        svg = draw()
        cache.set(cache_key, svg, timeout=24 * 3600)
    return svg


def _panel(ax, x: Sequence, series: dict[str, Sequence[int]], labels: dict[str, str], *, title):
    base._plain_axes(ax)
    for zone, values in series.items():
        colour, style, width = ZONE_STYLE.get(zone, (base.ACCENT, "-", 2.0))
        ax.plot(x, values, color=colour, linestyle=style, linewidth=width, label=labels[zone])
    ax.set_title(title, loc="left")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color=base.LINE, linewidth=0.5)
    ax.set_axisbelow(True)


def zone_series_chart(
    *,
    key: str,
    title: str,
    x_labels: Sequence[str],
    panels: Sequence[tuple[str, dict[str, Sequence[int]]]],
    zone_labels: dict[str, str],
    tick_every: int = 1,
) -> str:
    """One panel per category, a line per zone, over months or years."""

    def draw() -> str:
        with base._drawing():
            figure = base._figure(1.0 + 1.9 * len(panels))
            axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
            x = list(range(len(x_labels)))
            for ax, (panel_title, series) in zip(axes, panels, strict=True):
                _panel(ax, x, series, zone_labels, title=panel_title)
            ticks = x[::tick_every]
            axes[-1].set_xticks(ticks, [x_labels[i] for i in ticks], rotation=0)
            axes[0].legend(loc="upper right", ncols=3)
            axes[-1].set_ylabel(_("Reported crimes"))
            return base._svg(figure, key=key, title=title)

    return cached(key, [title, list(x_labels), list(panels), zone_labels], draw)


def trend_chart(
    *, key: str, title: str, years: Sequence[int], lines: dict[str, Sequence[float | None]], ylabel
) -> str:
    """Yearly trend lines (county outcomes page)."""

    def draw() -> str:
        with base._drawing():
            figure = base._figure(2.4)
            ax = figure.add_subplot()
            base._plain_axes(ax)
            styles = list(ZONE_STYLE.values())
            for i, (label, values) in enumerate(lines.items()):
                colour, style, width = styles[i % len(styles)]
                points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
                ax.plot(
                    [y for y, _v in points],
                    [v for _y, v in points],
                    color=colour,
                    linestyle=style,
                    linewidth=width,
                    marker="o",
                    label=label,
                )
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(bottom=0)
            ax.set_ylabel(ylabel)
            ax.grid(axis="y", color=base.LINE, linewidth=0.5)
            ax.set_axisbelow(True)
            ax.legend(loc="lower left")
            return base._svg(figure, key=key, title=title)

    return cached(key, [title, list(years), lines, ylabel], draw)
