"""Evaluation charts, drawn like the report's (reports/charts.py: matplotlib Figure, SVG
inline, deterministic, CSP-safe): the interrupted time series of an evaluation, the forest
plot of a method and the outlook of the goal."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from matplotlib.ticker import MaxNLocator

from drogscen.core import charts as base
from drogscen.core import goal
from drogscen.evaluations.outlook import Outlook

COUNTERFACTUAL = "#7a4fa3"


def its_chart(evaluation) -> str | None:
    """Observed monthly counts at the scene, the fitted segmented model and the
    counterfactual (the model without the intervention's change)."""
    snapshot, results = evaluation.snapshot, evaluation.results
    its = results.get("its") or {}
    if snapshot.get("unit") != "month" or "fitted" not in its:
        return None
    b0 = snapshot["before"][0]
    a1 = snapshot["after"][1]
    labels = snapshot["labels"][b0:a1]
    observed = snapshot["series"]["treated"][b0:a1]
    start = snapshot["intervention_index"] - b0
    x = list(range(len(labels)))
    title = _("Monthly counts at the scene with the fitted model and the counterfactual")
    with base._drawing():
        figure = base._figure(2.8)
        ax = figure.add_subplot()
        base._plain_axes(ax)
        ax.bar(x, observed, color=base.LINE, label=_("Observed"), width=0.8)
        ax.plot(x, its["fitted"], color=base.ACCENT, linewidth=2, label=_("Fitted model"))
        ax.plot(
            x[start:],
            its["counterfactual"][start:],
            color=COUNTERFACTUAL,
            linestyle=(0, (4, 2)),
            linewidth=1.6,
            label=_("Without the intervention (counterfactual)"),
        )
        ax.axvline(start - 0.5, color=base.TARGET, linewidth=1, linestyle=":")
        ax.text(
            start - 0.4,
            max(observed + [1]) * 1.05,
            _("Start"),
            color=base.TARGET,
            fontsize=8,
            va="top",
        )
        step = max(1, len(labels) // 8)
        ax.set_xticks(x[::step], labels[::step])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(_("Count per month"))
        ax.legend(loc="upper right")
        return base._svg(figure, key=f"its-{evaluation.pk}", title=title)


def forest_plot(evidence, *, key: str) -> str | None:
    """RES with its interval per scene (log scale) and the pooled estimate as a diamond."""
    rows = [r for r in evidence.rows if r["res"] is not None and r["ci_low"] is not None]
    if not rows:
        return None
    title = _("Relative effect size per scene (RES > 1: the scene did better)")
    with base._drawing():
        figure = base._figure(0.9 + 0.32 * (len(rows) + 1))
        ax = figure.add_subplot()
        base._plain_axes(ax)
        names = [r["scene"].ref for r in rows]
        for i, r in enumerate(rows):
            y = len(rows) - i
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color=base.ACCENT, linewidth=1.4)
            ax.plot([r["res"]], [y], marker="s", color=base.ACCENT, markersize=5)
        ticks = [len(rows) - i for i in range(len(rows))]
        pooled = evidence.pooled
        if pooled and pooled.get("ci_low") and pooled.get("ci_high"):
            ax.fill(
                [pooled["ci_low"], pooled["res"], pooled["ci_high"], pooled["res"]],
                [0, 0.25, 0, -0.25],
                color=base.TARGET,
            )
            ticks.append(0)
            names.append(_("Pooled"))
        ax.axvline(1, color=base.MUTED, linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        values = [r["ci_low"] for r in rows] + [r["ci_high"] for r in rows]
        low, high = min(values + [0.5]), max(values + [2.0])
        ax.set_xlim(low / 1.2, high * 1.2)
        ax.set_yticks(ticks, names)
        ax.set_xlabel(_("RES (log scale)"))
        return base._svg(figure, key=key, title=title)


def outlook_chart(outlook: Outlook, target_path: list[tuple[int, float]]) -> str | None:
    """Observed open scenes, the trend projected to the goal year with its band, and the
    illustrative target path."""
    if outlook.reason:
        return None
    title = _("Outlook to %(year)s: the trend so far projected, with its uncertainty") % {
        "year": outlook.target_year
    }
    with base._drawing():
        figure = base._figure(2.8)
        ax = figure.add_subplot()
        base._plain_axes(ax)
        observed = [(y, v) for y, v in zip(outlook.years, outlook.observed, strict=True) if v]
        future = [
            (y, m, lo, hi)
            for y, m, lo, hi in zip(
                outlook.years, outlook.mean, outlook.low, outlook.high, strict=True
            )
            if m is not None
        ]
        last = observed[-1]
        band_x = [last[0]] + [f[0] for f in future]
        ax.fill_between(
            band_x,
            [last[1]] + [f[2] for f in future],
            [last[1]] + [f[3] for f in future],
            color=base.ACCENT,
            alpha=0.15,
            linewidth=0,
            label=_("%(level)s %% prediction interval") % {"level": round(outlook.level * 100)},
        )
        ax.plot(
            band_x,
            [last[1]] + [f[1] for f in future],
            color=base.ACCENT,
            linestyle=(0, (3, 2)),
            linewidth=1.6,
            label=_("Trend projected"),
        )
        ax.plot(
            [y for y, _v in observed],
            [v for _y, v in observed],
            color=base.ACCENT,
            marker="o",
            linewidth=2.2,
            label=_("Open drug scenes"),
        )
        if target_path:
            ax.plot(
                [y for y, _v in target_path],
                [v for _y, v in target_path],
                color=base.TARGET,
                linestyle=(0, (5, 3)),
                linewidth=1.2,
                label=_("Target path (illustrative)"),
            )
        top = max([v for _y, v in observed] + [f[3] for f in future] + [1])
        ax.set_ylim(0, math.ceil(top * 1.1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(_("Open drug scenes"))
        ax.grid(axis="y", color=base.LINE, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.legend(loc="lower left")
        return base._svg(figure, key="outlook", title=title)


def target_path(report: dict[str, Any]) -> list[tuple[int, float]]:
    """The report's target path (`report["goal"]`) as (year, target) pairs."""
    series = {int(y): n for y, n in report["goal"]["series"].items()}
    return sorted(goal.target_path(series, report["goal"]["target_year"]).items())
